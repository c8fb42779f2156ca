// The doctor's cookie report: every Set-Cookie a credentialed exchange received (the probed request
// and an optional login), and what each browser does with it from the page's origin. Pure.
import { COOKIE_BROWSERS, type CookieBrowser } from "../core/cookies/browsers.ts";
import { predictCookie, type CookieRule } from "../core/cookies/predict.ts";
import { cookieFix } from "./cookies-fix.ts";
import type { HeaderPair } from "./http-tokens.ts";
import type { DoctorRequest } from "./report.ts";

/** One browser's verdict on one cookie, with the fix in this deployment's terms. */
export interface CookieBrowserFinding {
  readonly stored: boolean;
  readonly sent: boolean;
  readonly rule: CookieRule;
  /** One sentence naming the page's and the API's sites. */
  readonly why: string;
  /** What to change so this browser sends it; null when it does. */
  readonly fix: string | null;
}

/** One cookie the server set, as the doctor's `--json` `cookies` array lists it. */
export interface CookieFinding {
  readonly name: string;
  readonly domain: string;
  readonly path: string;
  /** The response that set it: the login, or the probed request. */
  readonly setBy: { readonly kind: "login" | "request"; readonly method: string; readonly url: string };
  readonly browsers: Readonly<Record<CookieBrowser, CookieBrowserFinding>>;
}

/** A response that may carry `Set-Cookie`. */
export interface CookieSource {
  readonly kind: "login" | "request";
  readonly method: string;
  readonly url: string;
  readonly headers: readonly HeaderPair[];
}

/**
 * What each browser does with every `Set-Cookie` in `sources`, for a page on `request.origin` whose
 * next credentialed fetch is `request.url`. A later cookie with the same name, domain and path
 * replaces an earlier one, as in a cookie jar.
 */
export function cookieFindings(request: DoctorRequest, sources: readonly CookieSource[], now = Date.now()): CookieFinding[] {
  const byKey = new Map<string, CookieFinding>();
  for (const source of sources) {
    for (const [name, value] of source.headers) {
      if (name.toLowerCase() !== "set-cookie") continue;
      const prediction = predictCookie(value, { pageOrigin: request.origin, responseUrl: source.url, requestUrl: request.url, now });
      const browsers = {} as Record<CookieBrowser, CookieBrowserFinding>;
      for (const browser of COOKIE_BROWSERS) {
        const verdict = prediction.browsers[browser];
        browsers[browser] = {
          stored: verdict.stored,
          sent: verdict.sent,
          rule: verdict.rule,
          why: verdict.why,
          fix: verdict.sent ? null : cookieFix(verdict.rule, { pageOrigin: request.origin, responseUrl: source.url, requestUrl: request.url, name: prediction.name }),
        };
      }
      const finding: CookieFinding = {
        name: prediction.name,
        domain: prediction.domain,
        path: prediction.path,
        setBy: { kind: source.kind, method: source.method, url: source.url },
        browsers,
      };
      const key = `${finding.name}\n${finding.domain}\n${finding.path}`;
      byKey.delete(key);
      byKey.set(key, finding);
    }
  }
  return [...byKey.values()];
}

/** The cookies some browser will not send, each with the browsers that drop it. */
export function unsentCookies(cookies: readonly CookieFinding[]): { name: string; browsers: CookieBrowser[] }[] {
  const out: { name: string; browsers: CookieBrowser[] }[] = [];
  for (const cookie of cookies) {
    const browsers = COOKIE_BROWSERS.filter((b) => !cookie.browsers[b].sent);
    if (browsers.length > 0) out.push({ name: cookie.name, browsers });
  }
  return out;
}
