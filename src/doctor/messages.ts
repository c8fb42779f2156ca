// What each browser prints in its console for a failure, with the URL, origin, method and
// values substituted. Sources: Chromium cors_error_string.cc and blink's message prefix,
// Firefox security.properties (typographic quotes), WebKit CrossOriginAccessControl.cpp.
import type { CorsCheckRule } from "./cors-check.ts";
import type { Finding } from "./finding.ts";
import type { BrowserMessages } from "./report.ts";

/** Where the failure happened, as the browsers describe it. */
export interface MessageContext {
  /** The URL of the failing request (after redirects). */
  readonly url: string;
  /** The URL the script asked for; differs from `url` after a redirect. */
  readonly initialUrl: string;
  /** The page's origin, as Chromium prints it after "from origin". */
  readonly pageOrigin: string;
  /** The origin the server saw (`"null"` after a tainting redirect), as WebKit prints it. */
  readonly requestOrigin: string;
  /** True if the failure is in the preflight response. */
  readonly preflight: boolean;
  /** The method of the failing request, for network errors. */
  readonly method: string;
}

/** The three browsers' console texts for `finding`. */
export function browserMessages(finding: Finding, context: MessageContext): BrowserMessages {
  return {
    chrome: chromeMessage(finding, context),
    firefox: firefoxMessage(finding, context),
    safari: safariMessage(finding, context),
  };
}

// ---------------------------------------------------------------- Chromium

const PREFLIGHT_PREFIX = "Response to preflight request doesn't pass access control check: ";

function chromeMessage(finding: Finding, context: MessageContext): string {
  const redirected = context.url !== context.initialUrl ? `(redirected from '${context.initialUrl}') ` : "";
  const prefix = `Access to fetch at '${context.url}' ${redirected}from origin '${context.pageOrigin}' has been blocked by CORS policy: `;
  switch (finding.rule) {
    case "network-error":
      return `${context.method} ${context.url} net::${chromeNetError(finding.networkError)}`;
    case "redirect-limit-exceeded":
      return `${context.method} ${context.url} net::ERR_TOO_MANY_REDIRECTS`;
    case "redirect-location-invalid":
      return `${context.method} ${context.url} net::ERR_INVALID_REDIRECT`;
    case "redirect-not-http":
      return `${prefix}Redirect location '${finding.location ?? ""}' has a disallowed scheme for cross-origin requests.`;
    case "redirect-with-credentials":
      return `${prefix}Redirect location '${finding.location ?? ""}' contains a username and password, which is disallowed for cross-origin requests.`;
    case "preflight-redirected":
      return `${prefix}${PREFLIGHT_PREFIX}Redirect is not allowed for a preflight request.`;
    case "preflight-not-ok":
      // Chromium checks Access-Control-Allow-Origin before the status (preflight_controller.cc).
      if (finding.corsFailure !== undefined) return `${prefix}${PREFLIGHT_PREFIX}${chromeCorsText(finding.corsFailure, finding)}`;
      return `${prefix}${PREFLIGHT_PREFIX}It does not have HTTP ok status.`;
    case "allow-methods-invalid":
      return `${prefix}Cannot parse Access-Control-Allow-Methods response header field in preflight response.`;
    case "allow-headers-invalid":
      return `${prefix}Cannot parse Access-Control-Allow-Headers response header field in preflight response.`;
    case "method-not-allowed":
      return `${prefix}Method ${finding.method ?? ""} is not allowed by Access-Control-Allow-Methods in preflight response.`;
    case "header-not-allowed":
    case "authorization-not-covered-by-wildcard":
      return `${prefix}Request header field ${finding.header ?? ""} is not allowed by Access-Control-Allow-Headers in preflight response.`;
    case "redirect-tainted-origin":
      return `${prefix}${chromeCorsText(finding.underlying ?? "allow-origin-mismatch", finding)}`;
    default:
      return `${prefix}${context.preflight ? PREFLIGHT_PREFIX : ""}${chromeCorsText(finding.rule, finding)}`;
  }
}

function chromeCorsText(rule: CorsCheckRule, finding: Finding): string {
  const value = finding.allowOrigin ?? "";
  switch (rule) {
    case "missing-allow-origin":
      return "No 'Access-Control-Allow-Origin' header is present on the requested resource.";
    case "multiple-allow-origin":
      return `The 'Access-Control-Allow-Origin' header contains multiple values '${value}', but only one is allowed.`;
    case "allow-origin-invalid":
      return `The 'Access-Control-Allow-Origin' header contains the invalid value '${value}'.`;
    case "allow-origin-mismatch":
      return `The 'Access-Control-Allow-Origin' header has a value '${value}' that is not equal to the supplied origin.`;
    case "wildcard-with-credentials":
      return "The value of the 'Access-Control-Allow-Origin' header in the response must not be the wildcard '*' when the request's credentials mode is 'include'.";
    case "allow-credentials-not-true":
      return `The value of the 'Access-Control-Allow-Credentials' header in the response is '${finding.allowCredentials ?? ""}' which must be 'true' when the request's credentials mode is 'include'.`;
  }
}

function chromeNetError(code: string | undefined): string {
  switch (code) {
    case "ECONNREFUSED":
      return "ERR_CONNECTION_REFUSED";
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return "ERR_NAME_NOT_RESOLVED";
    case "ECONNRESET":
    case "EPIPE":
      return "ERR_CONNECTION_RESET";
    case "ETIMEDOUT":
      return "ERR_TIMED_OUT";
    case "EHOSTUNREACH":
    case "ENETUNREACH":
      return "ERR_ADDRESS_UNREACHABLE";
    default:
      if (code !== undefined && /CERT|SSL|TLS|SELF_SIGNED/.test(code)) return "ERR_CERT_AUTHORITY_INVALID";
      return "ERR_FAILED";
  }
}

// ---------------------------------------------------------------- Firefox

function firefoxMessage(finding: Finding, context: MessageContext): string {
  const head = `Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at ${context.url}.`;
  const reason = (text: string, status?: number | string) =>
    `${head} (Reason: ${text}).${status === undefined ? "" : ` Status code: ${status}.`}`;
  switch (finding.rule) {
    case "network-error":
    case "redirect-limit-exceeded":
    case "redirect-location-invalid":
    case "redirect-with-credentials":
      return reason("CORS request did not succeed", "(null)");
    case "redirect-not-http":
      return reason("CORS request not http");
    case "preflight-redirected":
      return reason("CORS request external redirect not allowed");
    case "preflight-not-ok":
      // Firefox checks a preflight's status before its headers (nsCORSListenerProxy CheckRequestApproved).
      return reason("CORS preflight response did not succeed", finding.status ?? "(null)");
    case "allow-methods-invalid":
      return reason(`invalid token ‘${finding.badToken ?? ""}’ in CORS header ‘Access-Control-Allow-Methods’`);
    case "allow-headers-invalid":
      return reason(`invalid token ‘${finding.badToken ?? ""}’ in CORS header ‘Access-Control-Allow-Headers’`);
    case "method-not-allowed":
      return reason("Did not find method in CORS header ‘Access-Control-Allow-Methods’");
    case "header-not-allowed":
    case "authorization-not-covered-by-wildcard":
      return reason(`header ‘${finding.header ?? ""}’ is not allowed according to header ‘Access-Control-Allow-Headers’ from CORS preflight response`);
    case "redirect-tainted-origin":
      return firefoxCorsText(finding.underlying ?? "allow-origin-mismatch", finding, reason);
    default:
      return firefoxCorsText(finding.rule, finding, reason);
  }
}

function firefoxCorsText(rule: CorsCheckRule, finding: Finding, reason: (text: string, status?: number | string) => string): string {
  switch (rule) {
    case "missing-allow-origin":
      return reason("CORS header ‘Access-Control-Allow-Origin’ missing", finding.status ?? "(null)");
    case "multiple-allow-origin":
      // Firefox names "multiple" only when the header repeats; one header with a list is a mismatch.
      if (finding.repeated === true) return reason("Multiple CORS header ‘Access-Control-Allow-Origin’ not allowed");
      return reason(`CORS header ‘Access-Control-Allow-Origin’ does not match ‘${finding.allowOrigin ?? ""}’`);
    case "allow-origin-invalid":
    case "allow-origin-mismatch":
      return reason(`CORS header ‘Access-Control-Allow-Origin’ does not match ‘${finding.allowOrigin ?? ""}’`);
    case "wildcard-with-credentials":
      return reason("Credential is not supported if the CORS header ‘Access-Control-Allow-Origin’ is ‘*’");
    case "allow-credentials-not-true":
      return reason("expected ‘true’ in CORS header ‘Access-Control-Allow-Credentials’");
  }
}

// ---------------------------------------------------------------- Safari (WebKit)

function safariMessage(finding: Finding, context: MessageContext): string | null {
  const sentence = safariSentence(finding, context);
  if (sentence === null) return null;
  return `${sentence}\nFetch API cannot load ${context.url} due to access control checks.`;
}

function safariSentence(finding: Finding, context: MessageContext): string | null {
  const status = finding.status === undefined ? "" : ` Status code: ${finding.status}`;
  const notAllowed = `Origin ${context.requestOrigin} is not allowed by Access-Control-Allow-Origin.${status}`;
  switch (finding.rule) {
    case "redirect-tainted-origin":
      return safariSentence({ ...finding, rule: finding.underlying ?? "allow-origin-mismatch" }, context);
    case "missing-allow-origin":
    case "allow-origin-invalid":
    case "allow-origin-mismatch":
      return notAllowed;
    case "multiple-allow-origin":
    case "wildcard-with-credentials":
    case "allow-credentials-not-true":
      return safariCorsText(finding.rule);
    case "preflight-not-ok":
      return `Preflight response is not successful.${status}`;
    case "method-not-allowed":
      return `Method ${finding.method ?? ""} is not allowed by Access-Control-Allow-Methods.`;
    case "header-not-allowed":
    case "authorization-not-covered-by-wildcard":
      return `Request header field ${finding.header ?? ""} is not allowed by Access-Control-Allow-Headers.`;
    case "redirect-with-credentials":
      return `redirection URL ${finding.location ?? ""} has credentials`;
    default:
      return null;
  }
}

function safariCorsText(rule: "multiple-allow-origin" | "wildcard-with-credentials" | "allow-credentials-not-true"): string {
  switch (rule) {
    case "multiple-allow-origin":
      return "Access-Control-Allow-Origin cannot contain more than one origin.";
    case "wildcard-with-credentials":
      return "Cannot use wildcard in Access-Control-Allow-Origin when credentials flag is true.";
    case "allow-credentials-not-true":
      return 'Credentials flag is true, but Access-Control-Allow-Credentials is not "true".';
  }
}
