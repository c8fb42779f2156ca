import { parseSerializedOrigin } from "../internal/origin.ts";
import type { OriginMatcher } from "../origins.ts";
import { REFUSAL_HEADER, refusalHeaderValue } from "../refusal.ts";
import { IssueCollector } from "../errors.ts";
import { remember } from "../internal/memo.ts";
import { importCorsOrigins, type CompiledCsrf, type TrustState } from "./compile.ts";
import { cookieValues, serializeCookie } from "./cookie.ts";
import { missingCookieHint } from "./cookie-hint.ts";
import type { TokenFormat } from "./token-format.ts";
import { reasonFor, type CsrfRefusalCode, type TokenSource } from "./reasons.ts";
import {
  acceptsJson,
  declaredLengthOver,
  FORM_TOO_LARGE,
  hasFormBody,
  ownOrigin,
  type CsrfRequest,
  type FormFieldValue,
  type OwnOrigin,
} from "./request.ts";
import { constantTimeEqual, maskSecret } from "./token.ts";
import { freeze } from "../internal/freeze.ts";

/** A response header crossgate sets: `[name, value]`. */
export type CsrfHeader = readonly [name: string, value: string];

/** A complete response an adapter sends as is. */
export interface CsrfResponse {
  readonly status: number;
  readonly headers: readonly CsrfHeader[];
  readonly body: string;
}

/**
 * - `safe-method`, `exempt`: not checked.
 * - `same-origin`: `Sec-Fetch-Site: same-origin` or `none`.
 * - `trusted-origin`: the `Origin` (or, without one, the `Referer`) is the server's own or trusted; tokens are off.
 * - `token`: the origin checks passed and the token verified.
 * - `refused`: see `code` and `reason`.
 */
export type CsrfVerdict = "safe-method" | "exempt" | "same-origin" | "trusted-origin" | "token" | "refused";

/** What an adapter must do with a request. Adapters apply it and decide nothing themselves. */
export interface CsrfDecision {
  /** `pass`: call the app. `respond`: send `response` and do not call the app. */
  readonly action: "pass" | "respond";
  readonly verdict: CsrfVerdict;
  readonly code: CsrfRefusalCode | undefined;
  /** Django's reason string, for a refusal. */
  readonly reason: string | undefined;
  /** The 403 to send, for a refusal. */
  readonly response: CsrfResponse | undefined;
}

/** A token handed to a page, with the headers that deliver it. */
export interface IssuedCsrfToken {
  /** The masked token to send back in the header or form field. */
  readonly token: string;
  /**
   * `Set-Cookie`, the token header, `Cache-Control: no-store` and `Vary: Cookie`. With
   * `tokenFormat: "django"`, `Set-Cookie` only when there was no well-formed cookie (or on rotation).
   */
  readonly headers: readonly CsrfHeader[];
}

// RFC 9110 §9.2.1 safe methods; the set Django's CsrfViewMiddleware lets through.
const SAFE_METHODS: ReadonlySet<string> = new Set(["GET", "HEAD", "OPTIONS", "TRACE"]);

/** The most cookie signatures `issueToken` checks for one request. */
const MAX_VERIFIED_COOKIES = 8;

const passing = (verdict: CsrfVerdict): CsrfDecision =>
  freeze({ action: "pass", verdict, code: undefined, reason: undefined, response: undefined });
const SAFE = passing("safe-method");
const EXEMPT = passing("exempt");
const SAME_ORIGIN = passing("same-origin");
const TRUSTED_ORIGIN = passing("trusted-origin");
const TOKEN = passing("token");

/**
 * Decides one request, in the order of docs/csrf.md. Synchronous unless the token is checked
 * (Web Crypto is asynchronous). Never throws for any request input.
 */
export function decideCsrf(compiled: CompiledCsrf, request: CsrfRequest): CsrfDecision | Promise<CsrfDecision> {
  if (isSafeMethod(request)) return SAFE;
  if (compiled.isExempt(request.path)) return EXEMPT;

  // Fetch Metadata: the browser itself says the request comes from this origin, or from the user.
  const site = request.header("sec-fetch-site");
  if (site === "same-origin" || site === "none") return SAME_ORIGIN;

  const own = ownOrigin(request, compiled.trustProxy);
  const origin = request.header("origin");
  if (origin !== undefined) {
    // Django CsrfViewMiddleware._origin_verified.
    if (!isTrusted(compiled, origin, own)) return refuse(compiled, request, "origin-untrusted", { value: origin });
  } else if (own.secure || compiled.tokenFormat === undefined || (compiled.requireOriginOrReferer && request.header("cookie") !== undefined)) {
    // Django CsrfViewMiddleware._check_referer (HTTPS only there; also over HTTP when no token backs it
    // up, or, with requireOriginOrReferer, when the request carries cookies).
    const problem = refererProblem(compiled, request, own);
    if (problem !== undefined) return refuse(compiled, request, problem.code, { value: problem.referer });
  }
  if (compiled.tokenFormat === undefined) return TRUSTED_ORIGIN;
  return checkToken(compiled, compiled.tokenFormat, request);
}

/**
 * Safe only when the method the app sees and the one the request arrived with are both safe: a
 * method override (`_method=TRACE` on a cross-site form POST) must not turn a POST into a safe method.
 */
function isSafeMethod(request: CsrfRequest): boolean {
  if (!SAFE_METHODS.has(request.method.toUpperCase())) return false;
  const original = request.originalMethod;
  return typeof original !== "string" || SAFE_METHODS.has(original.toUpperCase());
}

/**
 * Own origin, or a static trusted one; never `null` and never CORS's `"*"`. Answers are remembered
 * per origin (bounded), as CORS does, so a regex runs once per distinct origin.
 */
function isTrusted(compiled: CompiledCsrf, origin: string, own: OwnOrigin): boolean {
  if (origin === "null") return false;
  if (origin === own.origin) return true;
  const state = trustState(compiled);
  const known = state.memo.get(origin);
  if (known !== undefined) return known;
  const parsed = parseSerializedOrigin(origin);
  const trusted =
    parsed !== undefined &&
    // Every trusted origin is held to the credentials rules: plain http only on loopback.
    !compiled.trusted.refusesInsecure(parsed) &&
    (matchesStatically(compiled.trusted, origin, parsed) || (state.imported !== undefined && matchesStatically(state.imported, origin, parsed)));
  return parsed === undefined ? false : remember(state.memo, origin, trusted);
}

/** The trust state for the CORS policy's current origins, rebuilt (and logged) after a `reconfigure`. */
function trustState(compiled: CompiledCsrf): TrustState {
  const current = compiled.trust.current;
  const source = compiled.cors?.origins;
  if (current.source === source) return current;
  const issues = new IssueCollector();
  const imported = compiled.cors === undefined ? undefined : importCorsOrigins(compiled.cors, issues);
  for (const issue of issues.issues) {
    compiled.logger.warn(`crossgate csrf: not trusting ${issue.option} ${JSON.stringify(String(issue.value))} of the reconfigured CORS policy: ${issue.problem} Fix: ${issue.fix}`);
  }
  return (compiled.trust.current = { source, imported, memo: new Map() });
}

function matchesStatically(matcher: OriginMatcher, origin: string, parsed: NonNullable<ReturnType<typeof parseSerializedOrigin>>): boolean {
  return matcher.exact.has(origin) || (!matcher.isExactOnly && matcher.matchesParsed(origin, parsed));
}

function refererProblem(compiled: CompiledCsrf, request: CsrfRequest, own: OwnOrigin): { code: CsrfRefusalCode; referer?: string } | undefined {
  const referer = request.header("referer");
  if (referer === undefined) return { code: "referer-missing" };
  let url: URL;
  try {
    url = new URL(referer);
  } catch {
    return { code: "referer-malformed" };
  }
  if (url.host === "" || (url.protocol !== "https:" && url.protocol !== "http:" && !own.secure)) return { code: "referer-malformed" };
  if (own.secure && url.protocol !== "https:") return { code: "referer-insecure" };
  if (isTrusted(compiled, url.origin, own)) return undefined;
  // Django also accepts the cookie's domain (CSRF_COOKIE_DOMAIN), with the server's port if not default.
  const domain = compiled.cookie.domain?.toLowerCase();
  if (domain !== undefined && own.secure === (url.protocol === "https:")) {
    const pattern = own.port === "" ? domain : `${domain}:${own.port}`;
    if (isSameDomain(url.host, pattern)) return undefined;
  }
  return { code: "referer-untrusted", referer };
}

/** Django's `is_same_domain`: a leading dot matches the domain and every subdomain. */
function isSameDomain(host: string, pattern: string): boolean {
  if (pattern.startsWith(".")) return host.endsWith(pattern) || host === pattern.slice(1);
  return host === pattern;
}

async function checkToken(compiled: CompiledCsrf, format: TokenFormat, request: CsrfRequest): Promise<CsrfDecision> {
  const cookies = cookieValues(request.header("cookie"), compiled.cookie.name);
  if (cookies.length === 0) return refuseWithToken(compiled, request, "cookie-missing", {});
  const wellFormed = cookies.filter((value) => format.cookieProblem(value) === undefined);
  if (wellFormed.length === 0) {
    const problem = format.cookieProblem(cookies[0]!);
    return refuseWithToken(compiled, request, problem === "length" ? "cookie-length" : "cookie-characters", {});
  }

  // The header first, so a body is read only when the token can be nowhere else (Django reads the
  // form field first; either way the token must verify). Then the form field, POST form bodies only,
  // read up to maxFormBytes: a larger declared or streamed body is refused with 413.
  let token = request.header(compiled.headerName.toLowerCase());
  let source: TokenSource = { kind: "header", name: compiled.headerName };
  if (token === undefined && request.formField !== undefined && hasFormBody(request)) {
    if (declaredLengthOver(request.header("content-length"), compiled.maxFormBytes)) return formTooLarge(compiled, request);
    let value: FormFieldValue;
    try {
      value = await request.formField(compiled.formField, compiled.maxFormBytes);
    } catch {
      value = undefined;
    }
    if (value === FORM_TOO_LARGE) return formTooLarge(compiled, request);
    if (typeof value === "string" && value !== "") {
      token = value;
      source = { kind: "form" };
    }
  }
  if (token === undefined) return refuseWithToken(compiled, request, "token-missing", {});
  const problem = format.tokenProblem(token);
  if (problem !== undefined) return refuseWithToken(compiled, request, problem === "length" ? "token-length" : "token-characters", { source });

  // Every cookie of that name is a candidate (planted ones may come first): a cheap comparison finds
  // the one the token copies, and only that one pays for the HMAC.
  const secret = format.tokenSecret(token);
  const cookie = wellFormed.find((value) => constantTimeEqual(format.cookieSecret(value), secret));
  if (cookie === undefined) return refuseWithToken(compiled, request, "token-incorrect", { source });
  const session = await readSessionId(compiled, request);
  if (!session.ok || !(await format.cookieServes(cookie, session.id))) {
    return refuseWithToken(compiled, request, "token-incorrect", { source });
  }
  return TOKEN;
}

type SessionRead = { readonly ok: true; readonly id: string | undefined } | { readonly ok: false };

async function readSessionId(compiled: CompiledCsrf, request: CsrfRequest): Promise<SessionRead> {
  if (compiled.sessionId === undefined) return { ok: true, id: undefined };
  try {
    const id: unknown = await compiled.sessionId(request);
    if (id === undefined || id === null || id === "") return { ok: true, id: undefined };
    if (typeof id !== "string") throw new TypeError(`sessionId returned ${typeof id}, not a string`);
    return { ok: true, id };
  } catch (error) {
    compiled.logger.warn(`crossgate csrf: sessionId threw; refusing the request. ${String((error as Error)?.stack ?? error)}`);
    return { ok: false };
  }
}

/**
 * Issues a token for the request's session: the cookie's secret, masked afresh, when the cookie is
 * valid for this session (Django's `get_token`); otherwise, or with `rotate`, a new secret (`rotate_token`).
 */
export async function issueToken(
  compiled: CompiledCsrf,
  request: CsrfRequest,
  options: { readonly rotate?: boolean; readonly sessionId?: string | undefined } = {},
): Promise<IssuedCsrfToken> {
  const format = compiled.tokenFormat;
  if (format === undefined) throw new TypeError("crossgate csrf: tokens are off (tokens: false), so there is no token to issue.");
  let sessionId: string | undefined;
  if ("sessionId" in options) {
    sessionId = options.sessionId === "" ? undefined : options.sessionId;
  } else {
    const session = await readSessionId(compiled, request);
    if (!session.ok) throw new Error("crossgate csrf: sessionId threw; see the log.");
    sessionId = session.id;
  }
  let kept: string | undefined;
  if (options.rotate !== true) {
    // At most MAX_VERIFIED_COOKIES signatures per request; past them a new secret is issued, whose
    // cookie replaces ours and is then found among the planted ones by checkToken.
    let verified = 0;
    for (const value of format.keepable(cookieValues(request.header("cookie"), compiled.cookie.name))) {
      if (format.cookieProblem(value) !== undefined) continue;
      if (await format.cookieServes(value, sessionId)) {
        kept = value;
        break;
      }
      if (++verified === MAX_VERIFIED_COOKIES) break;
    }
  }
  const cookie = kept ?? (await format.newCookie(sessionId));
  const token = maskSecret(format.cookieSecret(cookie));
  const setCookie = kept === undefined || format.renewsKeptCookie ? [["Set-Cookie", serializeCookie(compiled.cookie, cookie)] as const] : [];
  return freeze({
    token,
    headers: freeze([
      ...setCookie,
      [compiled.headerName, token] as const,
      ["Cache-Control", "no-store"] as const,
      ["Vary", "Cookie"] as const,
    ]),
  });
}

/** The token endpoint's answer: `{"csrfToken": "<token>"}` with the token's headers. */
export async function tokenResponse(compiled: CompiledCsrf, request: CsrfRequest): Promise<CsrfResponse> {
  const issued = await issueToken(compiled, request);
  if (compiled.debug) {
    const hint = exposureHint(compiled, request);
    if (hint !== "") compiled.logger.warn(`crossgate csrf: token endpoint ${request.path} answered a cross-origin request.${hint}`);
  }
  return freeze({
    status: 200,
    headers: freeze([["Content-Type", "application/json; charset=utf-8"] as const, ...issued.headers]),
    body: JSON.stringify({ csrfToken: issued.token }),
  });
}

/** `413 Content Too Large` (RFC 9110 §15.5.14): the body the token would be in is over `maxFormBytes`. */
function formTooLarge(compiled: CompiledCsrf, request: CsrfRequest): CsrfDecision {
  return refuse(compiled, request, "form-too-large", { value: String(compiled.maxFormBytes) }, [], 413);
}

function refuse(
  compiled: CompiledCsrf,
  request: CsrfRequest,
  code: CsrfRefusalCode,
  detail: { value?: string | undefined; source?: TokenSource },
  extra: readonly (readonly [string, string])[] = [],
  status = 403,
): CsrfDecision {
  const reason = reasonFor(code, detail);
  if (compiled.debug) {
    const hint =
      (code === "cookie-missing" || code === "token-missing" ? exposureHint(compiled, request) : "") +
      (code === "cookie-missing" ? missingCookieHint(compiled, request) : "");
    compiled.logger.warn(`Forbidden (${reason}): ${request.path}${hint}`);
  }
  const json = acceptsJson(request);
  const body = json
    ? JSON.stringify({ error: "csrf_failed", reason })
    : `${status === 413 ? "Content Too Large" : "Forbidden"} (CSRF verification failed. Request aborted.)\n\nReason: ${reason}\n`;
  return freeze({
    action: "respond",
    verdict: "refused",
    code,
    reason,
    response: freeze({
      status,
      headers: freeze([
        ["Content-Type", json ? "application/json; charset=utf-8" : "text/plain; charset=utf-8"] as const,
        ["Cache-Control", "no-store"] as const,
        ["X-Content-Type-Options", "nosniff"] as const,
        ...(compiled.debug ? [[REFUSAL_HEADER, refusalHeaderValue(code)] as const] : []),
        ...extra,
      ]),
      body,
    }),
  });
}

/**
 * A token refusal, once the origin checks passed, carries a fresh token (cookie and header) so a
 * client can retry once. If no token can be issued, the refusal goes out without one.
 */
async function refuseWithToken(
  compiled: CompiledCsrf,
  request: CsrfRequest,
  code: CsrfRefusalCode,
  detail: { source?: TokenSource },
): Promise<CsrfDecision> {
  let extra: readonly CsrfHeader[] = [];
  try {
    extra = (await issueToken(compiled, request)).headers.filter(([name]) => name !== "Cache-Control");
  } catch {
    extra = [];
  }
  return refuse(compiled, request, code, detail, extra);
}

/** A debug hint when a cross-origin page could not read the token header because CORS does not expose it. */
function exposureHint(compiled: CompiledCsrf, request: CsrfRequest): string {
  const origin = request.header("origin");
  if (origin === undefined || compiled.cors === undefined) return "";
  if (origin === ownOrigin(request, compiled.trustProxy).origin) return "";
  const exposed = (compiled.cors.options.exposeHeaders ?? []).some((name) => name.toLowerCase() === compiled.headerName.toLowerCase());
  return exposed
    ? ""
    : ` Hint: the CORS policy does not expose ${compiled.headerName}, so the page at ${origin} cannot read the token header; add "${compiled.headerName}" to exposeHeaders or read the token endpoint's JSON body.`;
}
