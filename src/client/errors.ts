// One family of client errors: a base class, literal names, stable codes and cross-realm guards.
// `instanceof` fails across realms (iframes, duplicated bundles), so each guard also accepts an
// object with the right `name` and `code`.

/** Stable codes; branch on these (or the guards), not on messages. */
export type ClientErrorCode = "http_error" | "cors_blocked" | "network_error" | "timeout" | "parse_failed" | "redirect_refused";

/**
 * What most probably made `fetch` reject with its opaque `TypeError`:
 * - `"cors"`: the server answered (a no-cors probe reached it) but its CORS headers refused this request;
 * - `"content-security-policy"`: the page's own Content-Security-Policy (`connect-src`, or
 *   `default-src`) does not allow the URL; the browser blocked it before sending, and the fix is on
 *   the server that serves the page;
 * - `"mixed-content"`: an https page asked for an http URL, which the browser blocks before sending;
 * - `"local-network-access"`: a page asked for a more private address (public → local/loopback),
 *   which browsers gate behind a permission prompt;
 * - `"unreachable"`: no answer at all (server down, wrong host or port, DNS, TLS, offline).
 */
export type ProbableCause = "cors" | "content-security-policy" | "mixed-content" | "local-network-access" | "unreachable";

/**
 * Why a credentialed call was most probably refused (401, 403, or the CSRF guard's "CSRF cookie not
 * set."): `"cookies-not-sent"` when the page is on another site than the API, so the browser did not
 * send the session or CSRF cookie (SameSite, third-party cookie blocking). Judged without any extra
 * request, from the two URLs' sites (an approximation without the Public Suffix List).
 */
export type HttpProbableCause = "cookies-not-sent";

/** What `HttpError` says when cookies were probably not sent. */
export interface CookiesNotSent {
  /** The page's site, e.g. `https://site-b.example`. */
  readonly pageSite: string;
  /** The API's site, e.g. `https://site-a.example`. */
  readonly apiSite: string;
  /** A `npx crossgate doctor … --credentials --login …` command that reports each cookie per browser. */
  readonly doctorCommand: string;
}

/** Base class of every error the client throws (except a caller's own abort reason, rethrown as is). */
export abstract class CrossgateClientError extends Error {
  abstract readonly code: ClientErrorCode;
  /** The absolute request URL. */
  readonly url: string;
  /** The request method, upper-cased as sent. */
  readonly method: string;

  constructor(message: string, context: { url: string; method: string }, options?: { cause?: unknown }) {
    super(message, options);
    this.url = context.url;
    this.method = context.method;
  }
}

/** The server answered with a status outside 200–299. */
export class HttpError<Body = unknown> extends CrossgateClientError {
  override readonly name = "HttpError" as const;
  readonly code = "http_error" as const;
  readonly status: number;
  readonly statusText: string;
  /** The parsed body: JSON value, text, or undefined when empty. */
  readonly body: Body;
  /** The response (its body already read). */
  readonly response: Response;
  /**
   * The reason when the body is crossgate's (Django-worded) CSRF refusal
   * `{"error":"csrf_failed","reason":"CSRF token missing."}`; undefined otherwise.
   */
  readonly csrfReason: string | undefined;
  /** `"cookies-not-sent"` when the page is cross-site to the API; undefined otherwise. */
  readonly probableCause: HttpProbableCause | undefined;
  /** For `"cookies-not-sent"`: the explanation naming both sites, and the doctor command. */
  readonly explanation: string | undefined;

  constructor(context: { url: string; method: string; response: Response; body: Body; csrfReason: string | undefined; cookiesNotSent?: CookiesNotSent | undefined }) {
    const { response, csrfReason, cookiesNotSent } = context;
    const status = `${response.status}${response.statusText ? ` ${response.statusText}` : ""}`;
    const detail = csrfReason === undefined ? "" : `: CSRF check failed: ${csrfReason}`;
    const explanation = cookiesNotSent === undefined ? undefined : cookiesText(cookiesNotSent);
    super(`crossgate: ${context.method} ${context.url} answered ${status}${detail}${explanation === undefined ? "" : `
${explanation}`}`, context);
    this.status = response.status;
    this.statusText = response.statusText;
    this.body = context.body;
    this.response = response;
    this.csrfReason = csrfReason;
    this.probableCause = cookiesNotSent === undefined ? undefined : "cookies-not-sent";
    this.explanation = explanation;
  }
}

function cookiesText(c: CookiesNotSent): string {
  return (
    `probable cause: cookies not sent: the page's site (${c.pageSite}) is not the API's site (${c.apiSite}), so browsers ` +
    "do not send its SameSite=Lax or Strict cookies, and block third-party cookies (Chromium unless Partitioned, Safari always); " +
    "serve the API under the page's site or through the page's server, or see docs/deployment.md.\n" +
    `Diagnose it with: ${c.doctorCommand}`
  );
}

/** Context shared by the two diagnoses of fetch's opaque `TypeError`. */
export interface FetchFailureContext {
  readonly url: string;
  readonly method: string;
  /** The page's origin, or undefined outside a browser page. */
  readonly origin: string | undefined;
  readonly probableCause: ProbableCause;
  /** A `npx crossgate doctor …` command that replays this request from the command line. */
  readonly doctorCommand: string;
  /** The `TypeError` fetch rejected with. */
  readonly cause: unknown;
  /** For `"content-security-policy"`: the directive and the policy that blocked the request. */
  readonly contentSecurityPolicy?: { readonly directive: string; readonly policy: string };
}

const causeText: Record<Exclude<ProbableCause, "content-security-policy">, string> = {
  cors:
    "the server is reachable but the browser blocked the response by CORS policy " +
    "(its Access-Control-Allow-* headers do not allow this origin, method, header or credentials); " +
    "the browser console names the exact reason",
  "mixed-content":
    "mixed content: an https page cannot fetch an http URL; serve the API over https",
  "local-network-access":
    "Local Network Access: a page on a more public address is asking for a private or loopback address, " +
    "which browsers allow only after the user grants the local network permission (and only from secure contexts)",
  unreachable:
    "the server did not answer (it is down, or the host, port, DNS, TLS certificate or connection is wrong)",
};

function cspText(context: FetchFailureContext): string {
  const directive = context.contentSecurityPolicy?.directive ?? "connect-src";
  let target = context.url;
  try {
    target = new URL(context.url).origin;
  } catch {
    // keep the URL as given
  }
  return (
    `the page's own Content-Security-Policy blocks connecting to ${target} ("${directive}"), so the browser never sent it. ` +
    `Add ${target} to connect-src in the Content-Security-Policy that the page's server sends (a header or a <meta> tag); ` +
    "the fix is on the page's server, not in the API's CORS settings"
  );
}

function fetchFailureMessage(context: FetchFailureContext): string {
  const from = context.origin === undefined ? "" : ` from ${context.origin}`;
  const cause = context.probableCause === "content-security-policy" ? cspText(context) : causeText[context.probableCause];
  return (
    `crossgate: ${context.method} ${context.url}${from} failed: probable cause: ${cause}.\n` +
    `Diagnose it with: ${context.doctorCommand}`
  );
}

/** What `fetch`'s opaque `TypeError` most probably meant, and the command that diagnoses it. */
abstract class FetchFailureError extends CrossgateClientError {
  readonly origin: string | undefined;
  readonly probableCause: ProbableCause;
  readonly doctorCommand: string;
  /** The page's policy that blocked the request, for `probableCause: "content-security-policy"`. */
  readonly contentSecurityPolicy: { readonly directive: string; readonly policy: string } | undefined;

  constructor(context: FetchFailureContext) {
    super(fetchFailureMessage(context), context, { cause: context.cause });
    this.origin = context.origin;
    this.probableCause = context.probableCause;
    this.doctorCommand = context.doctorCommand;
    this.contentSecurityPolicy = context.contentSecurityPolicy;
  }
}

/** The host answered a no-cors probe, so the opaque `TypeError` was most probably a CORS refusal. */
export class CorsError extends FetchFailureError {
  override readonly name = "CorsError" as const;
  readonly code = "cors_blocked" as const;
}

/** fetch rejected and the host did not answer either, or the browser blocked the request before sending it. */
export class NetworkError extends FetchFailureError {
  override readonly name = "NetworkError" as const;
  readonly code = "network_error" as const;
}

/** The call did not finish within `timeoutMs`. */
export class TimeoutError extends CrossgateClientError {
  override readonly name = "TimeoutError" as const;
  readonly code = "timeout" as const;
  readonly timeoutMs: number;

  constructor(context: { url: string; method: string; timeoutMs: number }) {
    super(`crossgate: ${context.method} ${context.url} timed out after ${context.timeoutMs} ms`, context);
    this.timeoutMs = context.timeoutMs;
  }
}

/**
 * A request carrying the CSRF token or a body was answered with a redirect the client does not
 * follow: anything but a 307/308 to an API origin (`baseURL` or `apiOrigins`), where following would
 * resend the token, the body and the credentials to a server that was never meant to get them.
 */
export class RedirectError extends CrossgateClientError {
  override readonly name = "RedirectError" as const;
  readonly code = "redirect_refused" as const;
  /** The redirect status, or undefined when the browser hides it (an opaque redirect). */
  readonly status: number | undefined;
  /** Where the redirect pointed, or undefined when the browser hides it. */
  readonly location: string | undefined;

  constructor(context: { url: string; method: string; status: number | undefined; location: string | undefined }) {
    const where = context.location === undefined ? "" : ` to ${context.location}`;
    const status = context.status === undefined ? "" : ` (${context.status})`;
    super(
      `crossgate: ${context.method} ${context.url} was redirected${status}${where}; crossgate/client does not follow redirects ` +
        "with the CSRF token or a body except 307/308 to an API origin (baseURL or apiOrigins), so they never reach another server. " +
        "Call the final URL directly, or list its origin in apiOrigins if it is yours",
      context,
    );
    this.status = context.status;
    this.location = context.location;
  }
}

/** A successful response said it was JSON but its body did not parse. */
export class ParseError extends CrossgateClientError {
  override readonly name = "ParseError" as const;
  readonly code = "parse_failed" as const;
  readonly status: number;
  /** The raw body text. */
  readonly text: string;

  constructor(context: { url: string; method: string; status: number; text: string; cause: unknown }) {
    super(
      `crossgate: ${context.method} ${context.url} answered ${context.status} with a JSON Content-Type but a body that is not JSON`,
      context,
      { cause: context.cause },
    );
    this.status = context.status;
    this.text = context.text;
  }
}

function hasNameAndCode(error: unknown, name: string, code: string): boolean {
  if (typeof error !== "object" || error === null) return false;
  const candidate = error as { name?: unknown; code?: unknown };
  return candidate.name === name && candidate.code === code;
}

const errorCodes: ReadonlyMap<string, ClientErrorCode> = new Map([
  ["HttpError", "http_error"],
  ["CorsError", "cors_blocked"],
  ["NetworkError", "network_error"],
  ["TimeoutError", "timeout"],
  ["ParseError", "parse_failed"],
  ["RedirectError", "redirect_refused"],
]);

/** True for any error thrown by crossgate's client, in this realm or another. */
export function isCrossgateClientError(error: unknown): error is CrossgateClientError {
  if (error instanceof CrossgateClientError) return true;
  if (typeof error !== "object" || error === null) return false;
  const { name, code } = error as { name?: unknown; code?: unknown };
  return typeof name === "string" && typeof code === "string" && errorCodes.get(name) === code;
}

export function isHttpError<Body = unknown>(error: unknown): error is HttpError<Body> {
  return error instanceof HttpError || hasNameAndCode(error, "HttpError", "http_error");
}

export function isCorsError(error: unknown): error is CorsError {
  return error instanceof CorsError || hasNameAndCode(error, "CorsError", "cors_blocked");
}

export function isNetworkError(error: unknown): error is NetworkError {
  return error instanceof NetworkError || hasNameAndCode(error, "NetworkError", "network_error");
}

export function isTimeoutError(error: unknown): error is TimeoutError {
  return error instanceof TimeoutError || hasNameAndCode(error, "TimeoutError", "timeout");
}

export function isParseError(error: unknown): error is ParseError {
  return error instanceof ParseError || hasNameAndCode(error, "ParseError", "parse_failed");
}

export function isRedirectError(error: unknown): error is RedirectError {
  return error instanceof RedirectError || hasNameAndCode(error, "RedirectError", "redirect_refused");
}

/** True when a call was cancelled through the caller's `AbortSignal` (rethrown as the signal's reason). */
export function isAbortError(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { name?: unknown }).name === "AbortError";
}

/** True when the error is crossgate's CSRF refusal (HTTP 403 with a `csrf_failed` body). */
export function isCsrfRefusal(error: unknown): error is HttpError & { csrfReason: string } {
  return isHttpError(error) && error.status === 403 && typeof error.csrfReason === "string";
}
