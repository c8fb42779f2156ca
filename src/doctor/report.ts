// The doctor's report: one stable, versioned, JSON-serialisable shape for the CLI's `--json`,
// for `crossgate/testing`, and for anything that wants to read a verdict.
import type { HeaderPair } from "./http-tokens.ts";
import type { RuleId } from "./rules.ts";

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

/** A fix, in crossgate options and in django-cors-headers settings. */
export interface Fix {
  /** What to change, in one or two sentences. */
  readonly summary: string;
  /** The crossgate options to set, e.g. `cors({ methods: ["GET", "PUT"] })`. */
  readonly crossgate: string;
  /** The Django settings to set, e.g. `CORS_ALLOW_METHODS = [...]`. */
  readonly django: string;
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
  | "page-not-read";

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
}
