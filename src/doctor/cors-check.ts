// The Fetch standard's "CORS check", run on every CORS response: preflight, redirect, final.
import { getHeader, headerValues, type HeaderPair } from "./http-tokens.ts";
import type { RuleId } from "./rules.ts";

/** The rules a CORS check can fail. */
export type CorsCheckRule = Extract<
  RuleId,
  | "missing-allow-origin"
  | "multiple-allow-origin"
  | "allow-origin-invalid"
  | "allow-origin-mismatch"
  | "wildcard-with-credentials"
  | "allow-credentials-not-true"
>;

/** The outcome of a CORS check, with the header values it looked at. */
export type CorsCheckResult =
  | {
      readonly ok: true;
      /** `*` (no credentials) or the exact origin. */
      readonly matched: "wildcard" | "origin";
      readonly allowOrigin: string;
      readonly allowCredentials: string | null;
    }
  | {
      readonly ok: false;
      readonly rule: CorsCheckRule;
      /** The combined `Access-Control-Allow-Origin` value, or null if absent. */
      readonly allowOrigin: string | null;
      /** True if `Access-Control-Allow-Origin` appeared more than once. */
      readonly repeated: boolean;
      /** The combined `Access-Control-Allow-Credentials` value, or null if absent. */
      readonly allowCredentials: string | null;
      /** One sentence saying exactly what did not match. */
      readonly detail: string;
    };

/**
 * Runs the CORS check for a response to a request from `origin` (already serialised, so
 * `"null"` after a tainting redirect), with or without credentials (`credentials: "include"`).
 * See Fetch standard, "CORS check", steps 1-8.
 */
export function corsCheck(origin: string, credentials: boolean, headers: readonly HeaderPair[]): CorsCheckResult {
  // Step 1: repeated headers are combined with ", ", so they can never match.
  const allowOrigin = getHeader(headers, "access-control-allow-origin");
  const repeated = headerValues(headers, "access-control-allow-origin").length > 1;
  const allowCredentials = getHeader(headers, "access-control-allow-credentials");
  const fail = (rule: CorsCheckRule, detail: string): CorsCheckResult => ({
    ok: false,
    rule,
    allowOrigin,
    repeated,
    allowCredentials,
    detail,
  });

  // Step 2: no header, no access.
  if (allowOrigin === null) return fail("missing-allow-origin", "Access-Control-Allow-Origin is absent.");
  // Step 3: `*` admits any origin, but only without credentials.
  if (!credentials && allowOrigin === "*") return { ok: true, matched: "wildcard", allowOrigin, allowCredentials };
  // Step 4: otherwise the value must be the serialised origin, byte for byte.
  if (allowOrigin !== origin) return fail(...classifyMismatch(allowOrigin, origin, repeated));
  // Step 5: without credentials, a match is enough.
  if (!credentials) return { ok: true, matched: "origin", allowOrigin, allowCredentials };
  // Steps 6-7: with credentials, Access-Control-Allow-Credentials must be exactly `true`.
  if (allowCredentials === "true") return { ok: true, matched: "origin", allowOrigin, allowCredentials };
  return fail(
    "allow-credentials-not-true",
    allowCredentials === null
      ? "Access-Control-Allow-Credentials is absent; a credentialed request needs `Access-Control-Allow-Credentials: true`."
      : `Access-Control-Allow-Credentials is ${JSON.stringify(allowCredentials)}; it must be exactly "true" (lower-case).`,
  );
}

function classifyMismatch(value: string, origin: string, repeated: boolean): [CorsCheckRule, string] {
  if (value === "*") {
    return ["wildcard-with-credentials", "Access-Control-Allow-Origin is *, which never admits a credentialed request."];
  }
  // Chromium reports any space or comma as "multiple values" (services/network cors.cc CheckAccess).
  if (repeated || /[ ,]/.test(value)) {
    return [
      "multiple-allow-origin",
      repeated
        ? `Access-Control-Allow-Origin was sent more than once (combined: ${JSON.stringify(value)}); send it exactly once.`
        : `Access-Control-Allow-Origin lists several values (${JSON.stringify(value)}); it must be exactly one origin.`,
    ];
  }
  if (value !== "null" && !URL.canParse(value)) {
    return ["allow-origin-invalid", `Access-Control-Allow-Origin is ${JSON.stringify(value)}, which is not an origin.`];
  }
  const hint = mismatchHint(value, origin);
  return [
    "allow-origin-mismatch",
    `Access-Control-Allow-Origin is ${JSON.stringify(value)} but the request's origin is ${JSON.stringify(origin)}${hint}.`,
  ];
}

function mismatchHint(value: string, origin: string): string {
  if (value === `${origin}/`) return " (the trailing slash makes them differ)";
  if (value.toLowerCase() === origin.toLowerCase()) return " (they differ in letter case; the comparison is byte-exact)";
  try {
    const a = new URL(value);
    const b = new URL(origin);
    if (a.hostname === b.hostname && a.protocol !== b.protocol) return " (the schemes differ)";
    if (a.hostname === b.hostname && a.port !== b.port) return " (the ports differ)";
  } catch {
    // Not URLs: no hint.
  }
  return "";
}
