import type { CorsOptions } from "../cors/options.ts";
import type { CorsPolicy } from "../cors/policy.ts";
import type { CsrfRefusalEvent, RefusalListener } from "../refusal.ts";
import type { RequestView } from "../request.ts";
import type { CsrfTokenFormat } from "./token-format.ts";
import { freeze } from "../internal/freeze.ts";

/**
 * Returns the identifier of the request's session, to bind CSRF tokens to it. `request.raw` is the
 * framework's request (node: `IncomingMessage`, Fastify: `FastifyRequest`, Koa and Hono: the
 * context, fetch: `Request`). `undefined` means "no session" (tokens are then bound to nothing).
 */
export type CsrfSessionIdReader = (request: RequestView) => string | undefined | Promise<string | undefined>;

/** Where the CSRF guard reports refusals (in debug mode), warnings and `sessionId` errors. */
export interface CsrfLogger {
  warn(message: string): void;
}

/** The attributes of the CSRF cookie; Django's `CSRF_COOKIE_*` settings and defaults. */
export interface CsrfCookieOptions {
  /**
   * Cookie name (`CSRF_COOKIE_NAME`). A `__Host-` name requires `secure: true`, `path: "/"` and no `domain`.
   * @default "csrftoken"
   */
  readonly name?: string;
  /**
   * Cookie path (`CSRF_COOKIE_PATH`).
   * @default "/"
   */
  readonly path?: string;
  /**
   * Cookie domain (`CSRF_COOKIE_DOMAIN`), e.g. `".example.com"` to share it with subdomains. A `Referer`
   * on that domain is accepted as Django does.
   * @default undefined (host-only cookie)
   */
  readonly domain?: string;
  /**
   * `Secure` attribute (`CSRF_COOKIE_SECURE`). Required with `sameSite: "None"`.
   * @default false
   */
  readonly secure?: boolean;
  /**
   * `SameSite` attribute (`CSRF_COOKIE_SAMESITE`). A cross-site SPA needs `"None"` (with `secure`);
   * `false` omits the attribute, as Django's `CSRF_COOKIE_SAMESITE = False` does.
   * @default "Lax"
   */
  readonly sameSite?: "Lax" | "Strict" | "None" | false;
  /**
   * `HttpOnly` attribute (`CSRF_COOKIE_HTTPONLY`). Pages must then take the token from the token
   * endpoint or the token response header.
   * @default false
   */
  readonly httpOnly?: boolean;
  /**
   * `Max-Age` in seconds (`CSRF_COOKIE_AGE`); `null` for a session cookie.
   * @default 31449600 (52 weeks)
   */
  readonly maxAgeSeconds?: number | null;
  /**
   * CHIPS `Partitioned` attribute: a cross-site page's browser keeps the cookie in a jar of that
   * page's site, so Chromium, which blocks other third-party cookies, still sends it (Safari does
   * not; see docs/deployment.md). Requires `secure: true` and `sameSite: "None"`.
   * @default false
   */
  readonly partitioned?: boolean;
  /**
   * With `tokenFormat: "django"`, write a new cookie as a 64-character masked token, as Django <= 4.0
   * does (`CSRF_COOKIE_MASKED`), instead of the 32-character secret of Django >= 4.1. Either is read.
   * @default false
   */
  readonly masked?: boolean;
}

/** The options of a CSRF guard. Every field is validated when the policy is built. */
export interface CsrfOptions {
  /**
   * The CORS policy (or CORS options) whose static origins, patterns and regexes are trusted, so the
   * list is written once. A policy is read per request, so `reconfigure` applies here too. Its
   * `allowOrigin` callback, `"*"` and `"null"` are never trusted for CSRF.
   * @default undefined (only the server's own origin and `trustedOrigins`)
   */
  readonly cors?: CorsPolicy | CorsOptions;
  /**
   * More trusted origins, in the forms CORS `origins` accepts (`"https://app.example.com"`,
   * `"https://*.example.com"`, `"http://localhost:*"`), Django's `CSRF_TRUSTED_ORIGINS`.
   * @default []
   */
  readonly trustedOrigins?: readonly string[];
  /**
   * The token signing key: at least 32 characters, kept out of source control (Django's `SECRET_KEY`).
   * Required when `tokens` is on with the default `tokenFormat: "signed"`.
   * @default undefined
   */
  readonly secret?: string;
  /**
   * Previous secrets, still accepted when verifying tokens, so `secret` can be rotated
   * (Django's `SECRET_KEY_FALLBACKS`).
   * @default []
   */
  readonly secretFallbacks?: readonly string[];
  /**
   * Require a signed double-submit token (cookie + header or form field) on unsafe requests. `false`
   * relies on `Sec-Fetch-Site`, `Origin` and `Referer` alone.
   * @default true
   */
  readonly tokens?: boolean;
  /**
   * The token format. `"signed"`: crossgate's cookie secret, signed with `secret` and bound to the
   * session. `"django"`: Django's own `csrftoken` cookie and tokens, so a Django backend on the same
   * site shares one cookie; `secret` is not needed, and tokens are bound to no session (docs/csrf.md).
   * @default "signed"
   */
  readonly tokenFormat?: CsrfTokenFormat;
  /**
   * Cookie attributes.
   * @default { name: "csrftoken", path: "/", sameSite: "Lax", secure: false, httpOnly: false, maxAgeSeconds: 31449600 }
   */
  readonly cookie?: CsrfCookieOptions;
  /**
   * Request header carrying the token, and response header exposing it (`CSRF_HEADER_NAME`).
   * @default "X-CSRFToken"
   */
  readonly headerName?: string;
  /**
   * Form field carrying the token in `POST` form bodies.
   * @default "csrfmiddlewaretoken"
   */
  readonly formField?: string;
  /**
   * The largest form body the guard reads to find `formField`, in bytes. A larger `Content-Length`,
   * or a streamed body that grows past it, is refused with `413` before more is read. Only read when
   * the request is a form `POST` without the token header.
   * @default 1048576 (1 MiB)
   */
  readonly maxFormBytes?: number;
  /**
   * Binds tokens to the session: a token issued for one session never verifies for another.
   * Strongly recommended for cookie-authenticated apps; rotate the token at login (`rotateCsrfToken`).
   * @default undefined (tokens are signed but bound to no session)
   */
  readonly sessionId?: CsrfSessionIdReader;
  /**
   * Paths never checked (webhooks): a string is an exact path, a RegExp is tested against the path
   * without the query string.
   * @default []
   */
  readonly exempt?: readonly (string | RegExp)[];
  /**
   * Refuse an unsafe request that carries cookies but neither `Origin` nor `Referer`, over plain HTTP
   * too (`Referer checking failed - no Referer.`). Over HTTPS that is always the rule (Django's strict
   * `Referer` check); over HTTP, without this option, such a request goes on to the token check, as in
   * Django. Browsers send `Origin` on every cross-origin `POST`, so only non-browser clients and very old
   * browsers send neither; turn it on when no such client needs plain HTTP.
   * @default false
   */
  readonly requireOriginOrReferer?: boolean;
  /**
   * Take the scheme from `X-Forwarded-Proto` and the host from `X-Forwarded-Host` (first value of each).
   * Only behind a proxy you control that overwrites both; otherwise clients could claim any origin.
   * @default false
   */
  readonly trustProxy?: boolean;
  /**
   * For development. Log each refusal (`Forbidden (<reason>): <path>`) and configuration warnings,
   * and name the refusal code in a `Crossgate-Refusal` header on the 403. Logs a warning when
   * created under `NODE_ENV=production`.
   * @default false
   */
  readonly debug?: boolean;
  /**
   * Told about every refusal, synchronously, once the decision is made: a frozen event with the
   * refusal code, origin, method and path. For counters and logs in production. It never changes
   * the response; throws and rejections go to `logger`.
   * @default undefined
   */
  readonly onRefusal?: RefusalListener<CsrfRefusalEvent>;
  /**
   * Receives debug lines, `sessionId` and `onRefusal` errors.
   * @default console
   */
  readonly logger?: CsrfLogger;
}

/** Django's `CSRF_COOKIE_AGE`: 52 weeks. */
export const DEFAULT_CSRF_COOKIE_AGE_SECONDS = 60 * 60 * 24 * 7 * 52;
export const DEFAULT_CSRF_COOKIE_NAME = "csrftoken";
export const DEFAULT_CSRF_HEADER_NAME = "X-CSRFToken";
export const DEFAULT_CSRF_FORM_FIELD = "csrfmiddlewaretoken";
/** The default `maxFormBytes`: 1 MiB. */
export const DEFAULT_MAX_FORM_BYTES = 1 << 20;
/** The shortest `secret` accepted. */
export const MIN_CSRF_SECRET_LENGTH = 32;

export const CSRF_OPTION_NAMES: readonly string[] = freeze([
  "cors",
  "trustedOrigins",
  "secret",
  "secretFallbacks",
  "tokens",
  "tokenFormat",
  "cookie",
  "headerName",
  "formField",
  "maxFormBytes",
  "sessionId",
  "exempt",
  "requireOriginOrReferer",
  "trustProxy",
  "debug",
  "onRefusal",
  "logger",
]);

export const CSRF_COOKIE_OPTION_NAMES: readonly string[] = freeze(["name", "path", "domain", "secure", "sameSite", "httpOnly", "maxAgeSeconds", "masked", "partitioned"]);
