// The names of every way a browser refuses a cross-origin request, one id per failing rule.

import type { PageRuleId } from "./page-blockers.ts";

/** A failing rule: the stable id the doctor reports, tests assert and docs explain. */
export type RuleId = CorsRuleId | PageRuleId;

/** A failing CORS rule, found in a response (or in the absence of one). */
export type CorsRuleId =
  // CORS check (every CORS response: preflight, redirect and final). Fetch standard, "CORS check".
  | "missing-allow-origin"
  | "multiple-allow-origin"
  | "allow-origin-invalid"
  | "allow-origin-mismatch"
  | "wildcard-with-credentials"
  | "allow-credentials-not-true"
  // CORS-preflight fetch. Fetch standard, "CORS-preflight fetch".
  | "preflight-redirected"
  | "preflight-not-ok"
  | "allow-methods-invalid"
  | "allow-headers-invalid"
  | "method-not-allowed"
  | "authorization-not-covered-by-wildcard"
  | "header-not-allowed"
  // Redirects of the actual request. Fetch standard, "HTTP-redirect fetch".
  | "redirect-tainted-origin"
  | "redirect-location-invalid"
  | "redirect-not-http"
  | "redirect-with-credentials"
  | "redirect-limit-exceeded"
  // No response at all (DNS, refused, TLS, timeout): not a CORS rule, but the browser fails too.
  | "network-error";

/** One line per rule: what is wrong, in the server's terms. */
export const RULE_SUMMARIES: Readonly<Record<RuleId, string>> = {
  "missing-allow-origin": "The response has no Access-Control-Allow-Origin header.",
  "multiple-allow-origin": "Access-Control-Allow-Origin holds more than one value; it must be exactly one origin or *.",
  "allow-origin-invalid": "Access-Control-Allow-Origin is not an origin.",
  "allow-origin-mismatch": "Access-Control-Allow-Origin names a different origin than the page's.",
  "wildcard-with-credentials": "Access-Control-Allow-Origin is * but the request carries credentials; * never covers them.",
  "allow-credentials-not-true": "The request carries credentials but Access-Control-Allow-Credentials is not exactly `true`.",
  "preflight-redirected": "The preflight (OPTIONS) was answered with a redirect; preflights are never redirected.",
  "preflight-not-ok": "The preflight (OPTIONS) response status is not 2xx.",
  "allow-methods-invalid": "Access-Control-Allow-Methods does not parse as a comma-separated list of methods.",
  "allow-headers-invalid": "Access-Control-Allow-Headers does not parse as a comma-separated list of header names.",
  "method-not-allowed": "The preflight response does not allow the request's method.",
  "authorization-not-covered-by-wildcard": "The request sends Authorization, which `Access-Control-Allow-Headers: *` never covers; it must be listed by name.",
  "header-not-allowed": "The preflight response does not allow one of the request's headers.",
  "redirect-tainted-origin": "After a redirect to another origin the browser sends `Origin: null`, and the final response does not allow it.",
  "redirect-location-invalid": "A redirect's Location header is not a valid URL.",
  "redirect-not-http": "A redirect points to a URL that is not http: or https:.",
  "redirect-with-credentials": "A redirect points to a URL with a username or password.",
  "redirect-limit-exceeded": "The request was redirected more than 20 times.",
  "network-error": "No HTTP response arrived (DNS, connection, TLS or timeout).",
  // Blocked by the page's context before CORS applies. Fetch standard, main fetch step 7.
  "mixed-content": "An https page fetches an http URL: the browser blocks it as mixed content before sending it.",
  "csp-connect-src": "The page's Content-Security-Policy (connect-src, or default-src) does not allow connecting to this URL.",
  "local-network-access": "A page on a more public address asks for a more private one (Local Network Access): the browser gates it.",
};

/** Every rule id, in the order of the list above. */
export const RULE_IDS: readonly RuleId[] = Object.keys(RULE_SUMMARIES) as RuleId[];
