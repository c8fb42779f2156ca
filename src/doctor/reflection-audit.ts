// The reflection audit: when a credentialed request is allowed, would the server allow anyone?
// The doctor asks again from an origin nobody lists (a random https://….invalid, reserved by
// RFC 6761 so it can never be a real site) and from `null`; a server that echoes either back with
// `Access-Control-Allow-Credentials: true` lets any website read its responses as the signed-in user.
import { corsCheck } from "./cors-check.ts";
import type { Prober } from "./extra-probe.ts";
import { renderFix } from "./fixes.ts";
import type { DoctorReport, SecurityFinding } from "./report.ts";

/** An origin nobody can own: a random label under the reserved `.invalid` TLD. */
export function unlistedOrigin(random: () => number = Math.random): string {
  const label = Array.from({ length: 12 }, () => "abcdefghijklmnopqrstuvwxyz0123456789"[Math.floor(random() * 36)] ?? "x").join("");
  return `https://crossgate-${label}.invalid`;
}

/** Runs the audit for an allowed, credentialed report; [] otherwise. */
export async function reflectionAudit(report: DoctorReport, prober: Prober): Promise<SecurityFinding[]> {
  if (report.verdict !== "allowed" || !report.request.credentials) return [];
  const final = report.steps[report.steps.length - 1];
  if (final === undefined || final.mode !== "cors" || final.response === null) return [];
  const url = final.request.url;
  const page = report.request.origin;
  const findings: SecurityFinding[] = [];
  for (const origin of [unlistedOrigin(), "null"]) {
    if (origin === page) continue;
    const response = await prober.get(url, origin);
    // The browser's own CORS check, for a credentialed request from that origin.
    const allowed = response !== null && corsCheck(origin, true, response.headers).ok;
    prober.note("GET", url, origin, response, allowed ? `${origin} is allowed with credentials` : `${origin} is not allowed with credentials`);
    if (!allowed) continue;
    const isNull = origin === "null";
    findings.push({
      id: isNull ? "null-origin-with-credentials" : "origin-reflected-with-credentials",
      origin,
      message: isNull
        ? `The server allows the origin \`null\` with credentials. Sandboxed iframes, data: and file: pages send \`Origin: null\`, so any website can frame such a page and read ${url} as the signed-in user.`
        : `The server echoes an origin nobody lists (${origin}) with Access-Control-Allow-Credentials: true: it allows every origin with credentials, so any website can read ${url} as the signed-in user (for Django: CORS_ALLOW_ALL_ORIGINS with CORS_ALLOW_CREDENTIALS, a catch-all CORS_ALLOWED_ORIGIN_REGEXES, or a check_request_enabled handler returning True).`,
      chrome: `Chrome lets a page on ${origin === "null" ? "any sandboxed or file: document" : "any website"} call fetch(${JSON.stringify(url)}, { credentials: "include" }) and read the response with the user's cookies.`,
      fix: renderFix(
        {
          summary: `List the origins that may read with credentials, ${page} among them, instead of allowing every origin${isNull ? " or null" : ""}.`,
          changes: [{ kind: "no-allow-all", origin: page }, { kind: "credentials" }],
        },
      ),
    });
  }
  return findings;
}
