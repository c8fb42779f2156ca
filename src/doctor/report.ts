// The doctor's report: one stable, versioned, JSON-serialisable shape for the CLI's `--json`,
// for `crossgate/testing`, and for anything that wants to read a verdict.
import type { HeaderPair } from "./http-tokens.ts";
import type { CrossgateOptionsPatch, FixChange } from "./fix-snippets.ts";
import type { CookieFinding } from "./cookies.ts";
import type { RuleId } from "./rules.ts";
import type { ServerIdentity } from "./server-kind.ts";

/** The request being diagnosed, as a page script would make it. */
export interface DoctorRequest {
  /** Absolute http(s) URL. */
  readonly url: string;
  /** The page's origin, serialised (`scheme://host[:port]`, or `null`). */
  readonly origin: string;
  /** The method as `fetch()` sends it (normalised). */
  readonly method: string;
  /** Headers the script sets, as given (forbidden ones already removed). */
  readonly headers: readonly HeaderPair[];
  /** True for `credentials: "include"` (cookies, HTTP auth, client certificates). */
  readonly credentials: boolean;
  /** The Cookie header the page's browser would send (`--cookie`); absent or null: the doctor sends none. */
  readonly cookie?: string | null;
}

/** The verdict: would the browser let the page read the response? */
export type Verdict = "allowed" | "blocked" | "error";

/** One named check run on a response. */
export interface Check {
  /** What was checked, e.g. `"ok-status"` or `"allow-origin"`. */
  readonly id: CheckId;
  readonly ok: boolean;
  /** One sentence: what was found. */
  readonly detail: string;
}

export type CheckId =
  | "ok-status"
  | "not-redirected"
  | "allow-origin"
  | "allow-credentials"
  | "allow-methods"
  | "allow-headers"
  | "redirect-location"
  | "page-policy";

/** What was sent and received in one request of the exchange. */
export interface Step {
  /** `preflight` (OPTIONS), `actual` (the script's request), or `redirect` (an actual request answered with 3xx). */
  readonly kind: "preflight" | "actual" | "redirect";
  /** 0 for the first URL, +1 per followed redirect. */
  readonly hop: number;
  readonly request: { readonly method: string; readonly url: string; readonly headers: readonly HeaderPair[] };
  /** Null when no response arrived. */
  readonly response: { readonly status: number; readonly headers: readonly HeaderPair[] } | null;
  /** `same-origin`: no CORS checks apply; `cors`: checks run on the response. */
  readonly mode: "same-origin" | "cors";
  readonly checks: readonly Check[];
  /** Where a redirect pointed, resolved. */
  readonly location?: string;
  /** Anything else worth saying about this step. */
  readonly notes: readonly string[];
}

/** The console text each browser prints for a failure. */
export interface BrowserMessages {
  readonly chrome: string;
  readonly firefox: string;
  /** Null where Safari's wording is not known. */
  readonly safari: string | null;
}

/**
 * A fix, in django-cors-headers settings and in crossgate options. Both snippets are additive:
 * `django` is Python to append verbatim at the end of settings.py, `crossgate` a complete snippet
 * over the app's current options; pasting either keeps what already worked.
 */
export interface Fix {
  /** What to change, in one or two sentences. */
  readonly summary: string;
  /** The snippet to read first: the server's own language when it is known. */
  readonly lead: "django" | "crossgate";
  /** A crossgate snippet, e.g. `app.use(cors({ ...yourCorsOptions, methods: [...] }))`; empty when no option helps. */
  readonly crossgate: string;
  /** Python to append to settings.py, or a `#` comment when no setting helps. */
  readonly django: string;
  /** The crossgate options the snippet changes, as data (see docs/doctor.md); null when none. */
  readonly crossgateOptions: CrossgateOptionsPatch | null;
  /** The configuration changes both snippets make. */
  readonly changes: readonly FixChange[];
  /** A change that no setting makes (in the page, a proxy, the server's code), or null. */
  readonly elsewhere: string | null;
  /** The URL the page should call instead (e.g. with its trailing slash), or null. */
  readonly callUrl: string | null;
}

/** Why the browser blocks the request. */
export interface Failure {
  readonly rule: RuleId;
  /** Index into `steps` of the step that failed. */
  readonly step: number;
  /** One sentence: the rule, in general. */
  readonly summary: string;
  /** One or two sentences: this case, with the values seen. */
  readonly detail: string;
  readonly messages: BrowserMessages;
  readonly fix: Fix;
}

/** Things that do not block this request but deserve attention. */
export type WarningId =
  | "forbidden-header-dropped"
  | "vary-origin-missing"
  | "duplicate-cors-header"
  | "error-response-without-cors"
  | "csrf-refusal-unreadable"
  | "max-age-invalid"
  | "max-age-capped"
  | "authorization-not-covered-by-wildcard"
  | "allow-origin-null"
  | "method-case"
  | "input-assumed"
  | "browser-reported-other-rule"
  | "csp-report-only"
  | "page-not-read"
  | "login-failed";

export interface Warning {
  readonly id: WarningId;
  readonly message: string;
}

/** How long each browser caches a successful preflight. */
export interface PreflightCache {
  /** The `Access-Control-Max-Age` value received, or null if absent. */
  readonly maxAgeHeader: string | null;
  /** Seconds Chromium caches the result (default 5, cap 7200; invalid means 0). */
  readonly chromiumSeconds: number;
  /** Seconds Firefox caches the result (default 5, cap 86400; non-digits mean not cached). */
  readonly firefoxSeconds: number;
}

/** Response headers of the final response, split by whether a script can read them. */
export interface ExposedHeaders {
  /** Lower-cased names `response.headers.get()` returns. */
  readonly readable: readonly string[];
  /** Lower-cased names present but hidden from scripts. */
  readonly hidden: readonly string[];
}

/** For an unsafe credentialed request: did the server refuse it, and can the page read why? */
export interface CsrfReadability {
  /** The status of the final response. */
  readonly status: number;
  /** True for a 403 or 419 (a CSRF guard's refusal, since the doctor sends no cookie and no token). */
  readonly refused: boolean;
  /** True if the page can read that response (it passed the CORS check). */
  readonly readable: boolean;
  /** The first bytes of the body, for a refusal. */
  readonly bodyPreview: string | null;
  /** True if the request carried a Cookie (from `--cookie`); the doctor's probe otherwise carries none. */
  readonly cookieSent: boolean;
  /** The refusal's reason in the server's words (Django's "CSRF cookie not set.", …), or null. */
  readonly reason: string | null;
  /** True when the reason is the page's origin (Django: add it to CSRF_TRUSTED_ORIGINS). */
  readonly originRefused: boolean;
}

/** Why it fails, classified from what the responses show. */
export type CauseId =
  /** No response on this URL shows the CORS layer (no `Vary: Origin`, no `Access-Control-*`). */
  | "cors-not-run"
  /** The CORS layer ran (it varies on Origin) and did not allow the page's origin. */
  | "origin-refused"
  /** The origin is allowed, credentials are not (or `*` was answered to a credentialed request). */
  | "credentials-refused"
  | "method-refused"
  | "header-refused"
  /** A redirect (trailing slash, http to https, another origin) is in the way. */
  | "redirect"
  /** A layer in front of the app (proxy, CDN) adds its own CORS headers. */
  | "proxy-duplicate"
  /** The server failed (5xx). */
  | "app-error"
  /** A CSRF guard refused the request (Django's 403 page, crossgate's refusal). */
  | "csrf-refused"
  /** The CORS headers are present but malformed. */
  | "cors-misconfigured"
  | "network";

/** An extra request the doctor sent to settle what caused a failure. */
export interface ExtraProbe {
  readonly method: string;
  readonly url: string;
  /** The Origin it carried. */
  readonly origin: string;
  /** Null when no response arrived. */
  readonly status: number | null;
  /** One sentence: what it showed. */
  readonly showed: string;
}

export interface Cause {
  readonly id: CauseId;
  /** One or two sentences: the cause, as the evidence shows it. */
  readonly summary: string;
  /** The facts it rests on, one sentence each. */
  readonly evidence: readonly string[];
  /** The extra requests sent to settle it. */
  readonly probes: readonly ExtraProbe[];
}

/** A response the server would let any website read as the signed-in user. */
export interface SecurityFinding {
  readonly id: "origin-reflected-with-credentials" | "null-origin-with-credentials";
  /** The origin nobody lists that the server allowed anyway. */
  readonly origin: string;
  readonly message: string;
  /** What Chrome does with such a response, in one sentence. */
  readonly chrome: string;
  readonly fix: Fix;
}

/** The page the request comes from, when the doctor read it (`--page`). */
export interface PageReport {
  /** The page URL fetched (after redirects). */
  readonly url: string;
  /** Its status, or null when it could not be read. */
  readonly status: number | null;
  /** The Content-Security-Policy policies it delivers: header, report-only header, or `<meta>`. */
  readonly policies: readonly { readonly source: "header" | "meta" | "report-only"; readonly text: string }[];
}

/** The doctor's full report. Field meanings never change within a `version`. */
export interface DoctorReport {
  readonly version: 1;
  readonly verdict: Verdict;
  /** The failing rule, or null when allowed. */
  readonly rule: RuleId | null;
  readonly request: DoctorRequest;
  readonly preflight: {
    readonly needed: boolean;
    /** Why a preflight is (or, across a redirect, was first) needed. */
    readonly reasons: readonly string[];
  };
  readonly steps: readonly Step[];
  readonly failure: Failure | null;
  /** Null unless the final response was readable. */
  readonly exposedHeaders: ExposedHeaders | null;
  /** Null unless a preflight passed. */
  readonly preflightCache: PreflightCache | null;
  /** Null unless the request is unsafe, credentialed and reached the server. */
  readonly csrf: CsrfReadability | null;
  readonly warnings: readonly Warning[];
  /** Present when the page itself was read (`--page`). */
  readonly page?: PageReport;
  /** Which server answered (from `--server`, or recognised from the responses). */
  readonly server: ServerIdentity;
  /** What the responses show the cause to be; null when nothing is wrong. */
  readonly cause: Cause | null;
  /**
   * The fix to apply first, in the server's language: the security fix, else the failure's fix,
   * else the fix for a readable but failing response (5xx, CSRF refusal). Null when nothing to fix.
   */
  readonly fix: Fix | null;
  /** Responses any website could read as the signed-in user (the reflection audit). */
  readonly security: readonly SecurityFinding[];
  /** Things worth knowing that need no change, one sentence each. */
  readonly info: readonly string[];
  /**
   * With credentials: every cookie the login and the request set, and whether each browser stores
   * it and sends it back from the page. Absent without credentials.
   */
  readonly cookies?: readonly CookieFinding[];
}
