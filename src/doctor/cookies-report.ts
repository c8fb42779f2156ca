// Adds the cookie report to a credentialed doctor report: the login's cookies (if any), then the
// cookies the probed request's responses set.
import { cookieFindings, type CookieSource } from "./cookies.ts";
import { runLogin } from "./cookies-login.ts";
import type { Transport, WireRequest } from "./engine.ts";
import type { DoctorReport } from "./report.ts";

/** `report` with `cookies` filled in. Preflight responses are skipped: browsers store no cookie from them. */
export async function withCookieReport(report: DoctorReport, send: Transport, login: WireRequest | null): Promise<DoctorReport> {
  const sources: CookieSource[] = [];
  const warnings = [...report.warnings];
  if (login !== null) {
    const result = await runLogin(login, send);
    if (result.source !== null) sources.push(result.source);
    warnings.push(...result.warnings);
  }
  for (const step of report.steps) {
    if (step.kind === "preflight" || step.response === null) continue;
    sources.push({ kind: "request", method: step.request.method, url: step.request.url, headers: step.response.headers });
  }
  return { ...report, warnings, cookies: cookieFindings(report.request, sources) };
}
