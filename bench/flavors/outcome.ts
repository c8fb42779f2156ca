import type { ExpectedAnswer } from "../scenarios.ts";

/** What a middleware did with one request, normalised across frameworks. */
export interface Outcome {
  /** Whether the app (the next handler) ran. */
  readonly reachedApp: boolean;
  /** The status the middleware answered with, or 0 when it let the app answer. */
  readonly status: number;
  /** Response headers, lower-case names. */
  readonly headers: Readonly<Record<string, string>>;
}

const CORS_HEADER = /^(access-control-|vary$)/;

/** The CORS headers of an outcome, sorted, as `name: value` lines. */
export function corsHeaderLines(outcome: Outcome): string[] {
  return Object.entries(outcome.headers)
    .filter(([name]) => CORS_HEADER.test(name))
    .map(([name, value]) => `${name}: ${value}`)
    .sort();
}

/**
 * Differences between an outcome and crossgate's expected answer (empty when they agree). Used to
 * prove crossgate and the physical limit do exactly the same work before timing them.
 */
export function differencesFromAnswer(outcome: Outcome, answer: ExpectedAnswer): string[] {
  const problems: string[] = [];
  const wantReached = answer.action === "pass";
  if (outcome.reachedApp !== wantReached) problems.push(`reachedApp ${outcome.reachedApp}, want ${wantReached}`);
  if (answer.action === "respond" && outcome.status !== answer.status) problems.push(`status ${outcome.status}, want ${answer.status}`);
  const want = answer.headers.map(([name, value]) => `${name.toLowerCase()}: ${value}`).sort();
  const got = corsHeaderLines(outcome);
  if (want.join("\n") !== got.join("\n")) problems.push(`headers\n    got  ${got.join(" | ")}\n    want ${want.join(" | ")}`);
  return problems;
}

/** One line describing an outcome, for the report (e.g. `204, ACAO, app not reached`). */
export function summarizeOutcome(outcome: Outcome): string {
  const acao = outcome.headers["access-control-allow-origin"];
  const parts = [outcome.status === 0 ? "app answers" : String(outcome.status)];
  parts.push(acao === undefined ? "no ACAO" : acao === "*" ? "ACAO *" : "ACAO echoed");
  if (outcome.headers["access-control-allow-credentials"] === "true") parts.push("ACAC");
  return parts.join(", ");
}

/** The request as the browser sent it, for reading an outcome the way the browser does. */
export interface SentRequest {
  readonly method: string;
  readonly headers: Readonly<Record<string, string>>;
}

const listOf = (value: string | undefined): string[] =>
  value === undefined
    ? []
    : value
        .split(",")
        .map((item) => item.trim())
        .filter((item) => item !== "");

/**
 * An outcome as the browser reads it (Fetch standard, "CORS check" and "CORS-preflight fetch"),
 * for credentialed requests: whether it grants the request and, if so, every grant it carries.
 * Two libraries that give the same browser view answer the same for the browser, even when their
 * bytes differ (`GET,POST` against `GET, POST`, or a grant-shaped 204 the browser still fails).
 */
export function browserView(outcome: Outcome, request: SentRequest): string {
  const origin = request.headers.origin ?? "";
  const acao = outcome.headers["access-control-allow-origin"];
  const varyOrigin = listOf(outcome.headers.vary).some((token) => token.toLowerCase() === "origin");
  // CORS check steps 2-7: the exact origin (never `*` with credentials) and `true` credentials.
  let granted = acao === origin && outcome.headers["access-control-allow-credentials"] === "true";
  const preflight = request.method === "OPTIONS" && request.headers["access-control-request-method"] !== undefined;
  const methods = listOf(outcome.headers["access-control-allow-methods"]).sort();
  const allowedHeaders = listOf(outcome.headers["access-control-allow-headers"]).map((name) => name.toLowerCase()).sort();
  if (preflight) {
    // CORS-preflight fetch steps 7: an ok status; 7.5-7.8: the method and every requested header listed.
    const requestedMethod = request.headers["access-control-request-method"]!;
    const requestedHeaders = listOf(request.headers["access-control-request-headers"]).map((name) => name.toLowerCase());
    const ok = outcome.status >= 200 && outcome.status <= 299;
    const methodOk = ["GET", "HEAD", "POST"].includes(requestedMethod) || methods.includes(requestedMethod);
    const headersOk = requestedHeaders.every((name) => allowedHeaders.includes(name));
    granted = granted && ok && methodOk && headersOk;
  }
  const vary = varyOrigin ? "Vary: Origin" : "no Vary: Origin";
  if (!granted) return `refused; ${vary}`;
  const parts = [`granted ${acao} with credentials`, outcome.reachedApp ? "app runs" : "answered without the app", vary];
  if (preflight) {
    parts.push(`methods ${methods.join(",")}`, `headers ${allowedHeaders.join(",")}`, `max-age ${outcome.headers["access-control-max-age"] ?? "none"}`);
  }
  return parts.join("; ");
}
