import type { CorsRefusalEvent, RefusalListener } from "../refusal.ts";
import type { RequestView } from "../request.ts";
import { freeze } from "../internal/freeze.ts";

/**
 * Decides at request time whether an origin that no static rule allows is allowed, like
 * django-cors-headers' `check_request_enabled` signal but async-native and scoped to origins.
 * It only ever sees well-formed origins (never `null` or garbage). A throw or rejection refuses
 * the request and is reported to the logger; it never crashes the server.
 */
export type AllowOriginCallback = (origin: string, request: RequestView) => boolean | Promise<boolean>;

/** Where crossgate reports refusals (in debug mode), configuration warnings and callback errors (`allowOrigin`, `onRefusal`). */
export interface CorsLogger {
  warn(message: string): void;
}

/** The options of a CORS policy. Every field is validated when the policy is built. */
export interface CorsOptions {
  /**
   * Origins allowed to read responses. Each entry is an exact origin (`"https://app.example.com"`),
   * a subdomain pattern (`"https://*.example.com"`: one or more labels, never `example.com` itself
   * nor `evil-example.com`), a port pattern (`"http://localhost:*"`), or `"*"` for every origin.
   * `"null"` is refused unless `dangerouslyAllowNullOrigin` is set.
   * @default [] (no origin is allowed)
   */
  readonly origins?: readonly string[] | "*";
  /**
   * Regular expressions an origin must match **in full** (crossgate always matches from the first to
   * the last character, so `^https://example\.com$` never admits `https://example.com.evil.net`).
   * Each must be written anchored, `^...$`, so it reads the same in crossgate and in Django.
   * @default []
   */
  readonly originRegexes?: readonly (RegExp | string)[];
  /**
   * Consulted, per request, for a well-formed origin that `origins` and `originRegexes` do not allow.
   * May be async (a database lookup). With `credentials`, a callback that returns `true` for
   * everything reflects every origin with credentials: keep it strict.
   * @default undefined
   */
  readonly allowOrigin?: AllowOriginCallback;
  /**
   * Request headers, besides `Origin`, that `allowOrigin` reads. They are added to `Vary` so caches
   * keep one copy per value.
   * @default []
   */
  readonly varyOn?: readonly string[];
  /**
   * Which paths CORS applies to (django's `CORS_URLS_REGEX`). A RegExp is tested against the
   * percent-decoded path without the query string; a function gets the same path. Other paths get no
   * CORS headers and no `Vary`, and their preflights reach the app.
   * @default every path
   */
  readonly urlFilter?: RegExp | ((path: string) => boolean);
  /**
   * Methods a preflight may ask for. `GET`, `HEAD` and `POST` are always allowed by browsers once
   * the origin is. `"*"` allows any method.
   * @default ["DELETE", "GET", "OPTIONS", "PATCH", "POST", "PUT"]
   */
  readonly methods?: readonly string[];
  /**
   * Request headers a preflight may ask for (case-insensitive). `"*"` allows any header except
   * `Authorization`, which must always be listed by name (Fetch "CORS non-wildcard request-header
   * name"); with `credentials` it needs `dangerouslyAllowAnyHeaderWithCredentials`.
   * @default ["accept", "authorization", "content-type", "user-agent", "x-csrftoken", "x-requested-with"]
   */
  readonly requestHeaders?: readonly string[];
  /**
   * Response headers scripts may read besides the CORS-safelisted ones
   * (`Access-Control-Expose-Headers`).
   * @default []
   */
  readonly exposeHeaders?: readonly string[];
  /**
   * How long browsers may cache a preflight (`Access-Control-Max-Age`), in seconds. `null` omits the
   * header (browsers then cache for 5 seconds). Chromium caps the value at 7200, Firefox at 86400.
   * @default 7200
   */
  readonly maxAgeSeconds?: number | null;
  /**
   * Whether browsers may send cookies and HTTP authentication, and read the response
   * (`Access-Control-Allow-Credentials: true`). Turns on the stricter validation rules.
   * @default false
   */
  readonly credentials?: boolean;
  /**
   * Answers Private Network Access requests (`Access-Control-Request-Private-Network: true`) from
   * allowed origins with `Access-Control-Allow-Private-Network: true`. Never answered otherwise.
   * @default false
   */
  readonly privateNetwork?: boolean;
  /**
   * Status of a successful preflight response. Some old clients want 200.
   * @default 204
   */
  readonly preflightStatus?: 200 | 204;
  /**
   * For development. Logs, per refused request, exactly why (origin, rule, method or header).
   * Every refusal carries a
   * `Crossgate-Refusal` response header naming the reason. A preflight from an allowed origin that is
   * refused for its method or a header is answered like a successful preflight that does not list
   * them, so the browser's console names the method or header instead of blaming the origin; the
   * browser still fails the request. Logs a warning when created under `NODE_ENV=production`.
   * @default false
   */
  readonly debug?: boolean;
  /**
   * Told about every refusal, synchronously, once the decision is made: a frozen event with the
   * reason, origin, method, path and the method or header at fault. For counters and logs in
   * production. It never changes the response; throws and rejections go to `logger`.
   * @default undefined
   */
  readonly onRefusal?: RefusalListener<CorsRefusalEvent>;
  /**
   * Receives debug messages, `allowOrigin` and `onRefusal` errors.
   * @default console
   */
  readonly logger?: CorsLogger;
  /**
   * Allows `origins: "*"` together with `credentials`: every origin is then reflected with
   * credentials, so any website can act as the signed-in user. Almost never what you want.
   * @default false
   */
  readonly dangerouslyAllowAnyOriginWithCredentials?: boolean;
  /**
   * Allows the `"null"` origin, which sandboxed iframes, `file:` pages and cross-origin redirects
   * send: listing it admits all of them, attackers' included.
   * @default false
   */
  readonly dangerouslyAllowNullOrigin?: boolean;
  /**
   * Allows plain-`http` origins (other than loopback) with `credentials`. Anyone on the network path
   * can then impersonate them.
   * @default false
   */
  readonly dangerouslyAllowInsecureOriginsWithCredentials?: boolean;
  /**
   * Allows `*.` patterns directly over a public suffix (`https://*.github.io`) with `credentials`,
   * and regexes whose fixed ending is one (`/^https:\/\/[a-z]+\.github\.io$/`). Anyone can register a site there.
   * @default false
   */
  readonly dangerouslyAllowPublicSuffixWildcards?: boolean;
  /**
   * Allows `originRegexes` that can backtrack catastrophically (a repeated part that itself repeats
   * without a delimiter, overlapping alternatives or adjacent loops in a loop): an `Origin` of a few
   * dozen characters can then block the server for seconds. Rewrite them instead; the error shows how.
   * @default false
   */
  readonly dangerouslyAllowBacktrackingRegexes?: boolean;
  /**
   * Allows `requestHeaders: ["*"]` with `credentials`. Browsers read `*` literally on credentialed
   * requests, so crossgate then reflects the requested header names.
   * @default false
   */
  readonly dangerouslyAllowAnyHeaderWithCredentials?: boolean;
}

/** django-cors-headers' default `CORS_ALLOW_METHODS`. */
export const DEFAULT_METHODS: readonly string[] = freeze(["DELETE", "GET", "OPTIONS", "PATCH", "POST", "PUT"]);

/** django-cors-headers 4.x's default `CORS_ALLOW_HEADERS`. */
export const DEFAULT_REQUEST_HEADERS: readonly string[] = freeze([
  "accept",
  "authorization",
  "content-type",
  "user-agent",
  "x-csrftoken",
  "x-requested-with",
]);

/** Default `Access-Control-Max-Age`: Chromium's cap, so a policy change reaches every browser within 2 hours. */
export const DEFAULT_MAX_AGE_SECONDS = 7200;

/** The escape hatches that error messages name, each spelled once. */
export const DANGEROUSLY_ALLOW_ANY_ORIGIN = "dangerouslyAllowAnyOriginWithCredentials";
export const DANGEROUSLY_ALLOW_INSECURE_ORIGINS = "dangerouslyAllowInsecureOriginsWithCredentials";
export const DANGEROUSLY_ALLOW_PUBLIC_SUFFIX_WILDCARDS = "dangerouslyAllowPublicSuffixWildcards";
export const DANGEROUSLY_ALLOW_ANY_HEADER = "dangerouslyAllowAnyHeaderWithCredentials";
export const DANGEROUSLY_ALLOW_BACKTRACKING = "dangerouslyAllowBacktrackingRegexes";

/** The option names, for typo detection. */
export const CORS_OPTION_NAMES: readonly string[] = freeze([
  "origins",
  "originRegexes",
  "allowOrigin",
  "varyOn",
  "urlFilter",
  "methods",
  "requestHeaders",
  "exposeHeaders",
  "maxAgeSeconds",
  "credentials",
  "privateNetwork",
  "preflightStatus",
  "debug",
  "onRefusal",
  "logger",
  DANGEROUSLY_ALLOW_ANY_ORIGIN,
  "dangerouslyAllowNullOrigin",
  DANGEROUSLY_ALLOW_INSECURE_ORIGINS,
  DANGEROUSLY_ALLOW_PUBLIC_SUFFIX_WILDCARDS,
  DANGEROUSLY_ALLOW_ANY_HEADER,
  DANGEROUSLY_ALLOW_BACKTRACKING,
]);
