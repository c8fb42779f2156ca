import type { RequestView } from "../request.ts";
import { notifyRefusal, REFUSAL_HEADER, refusalEvent, refusalHeaderValue } from "../refusal.ts";
import { ORIGIN_MEMO_LIMIT, remember } from "../internal/memo.ts";
import { MAX_ORIGIN_LENGTH, parseSerializedOrigin } from "../internal/origin.ts";
import { allowedHeaderRun, firstRefusedInList, isSafelistedMethod, isToken, MAX_REQUEST_HEADERS_LENGTH, parseHeaderNameList, type AllowedHeaderRun } from "../internal/tokens.ts";
import type { CompiledCors, CorsHeader } from "./compile.ts";
import { ALLOW_CREDENTIALS, ALLOW_HEADERS, ALLOW_METHODS, ALLOW_ORIGIN, ALLOW_PRIVATE_NETWORK } from "./header-names.ts";
import { decodeWholePath } from "./path-matching.ts";
import { freeze } from "../internal/freeze.ts";

/** Why crossgate refused a cross-origin request. */
export type RefusalReason =
  | "origin-not-allowed"
  | "origin-null"
  | "origin-malformed"
  | "origin-too-long"
  | "origin-callback-failed"
  | "method-not-allowed"
  | "header-not-allowed"
  | "headers-malformed"
  | "headers-too-long"
  | "route-uncertain";

/**
 * - `allowed`: a cross-origin request the policy grants.
 * - `refused`: a cross-origin request the policy refuses; no CORS header grants anything.
 * - `no-origin`: no `Origin` header (same-origin GET/HEAD, or not a browser).
 * - `disabled`: `urlFilter` excludes the path; crossgate does nothing at all.
 */
export type CorsVerdict = "allowed" | "refused" | "no-origin" | "disabled";

/** What an adapter must do with a request. Adapters apply it and decide nothing themselves. */
export interface CorsPlan {
  /** `respond`: answer now with `status` and the headers, empty body, and do not call the app. `pass`: call the app, then make sure the headers are on its response. */
  readonly action: "respond" | "pass";
  /** The status to answer with when `action` is `respond`. */
  readonly status: number;
  /** Headers to set, replacing any value the app set. */
  readonly headers: readonly CorsHeader[];
  /** Tokens to merge into the response's `Vary` (never replacing it); `""` for none. */
  readonly vary: string;
  readonly verdict: CorsVerdict;
  /** Whether the request is a CORS preflight (`OPTIONS` + `Origin` + `Access-Control-Request-Method`). */
  readonly preflight: boolean;
  /** Set when `verdict` is `refused`. */
  readonly reason: RefusalReason | undefined;
  /** For a refusal, the method or header at fault, if any. */
  readonly detail: string | undefined;
}

const NO_HEADERS: readonly CorsHeader[] = freeze([]);

/** Per-policy caches of immutable plans, each bounded. */
export interface PlanCache {
  /**
   * What is known of each origin already decided, so that a repeat costs one lookup whatever
   * decided it: the plans of listed origins (finite) and of origins a pattern or regex allowed,
   * and the refusal of origins refused without a callback. Senders pick the last two: once
   * `remembered` of them reach the limit, the map starts over (a listed origin's plans are rebuilt
   * on its next request).
   */
  readonly origins: Map<string, OriginPlans>;
  remembered: number;
  /** Refusals that name no method or header, by reason: of other requests, and of preflights. */
  readonly refusals: Map<RefusalReason, CorsPlan>;
  readonly refusedPreflights: Map<RefusalReason, CorsPlan>;
  /** Refused preflights naming the method or header at fault, by that name (short names only). */
  readonly refusedMethods: Map<string, CorsPlan>;
  readonly refusedHeaders: Map<string, CorsPlan>;
  /** `Access-Control-Request-Headers` values already checked: `""` when allowed, else the refused name. */
  readonly requestHeaders: Map<string, string>;
  /** Whether the policy allows one requested header name (lower case). */
  readonly acceptsRequestHeader: (name: string) => boolean;
  /** The same rule over a whole list, read by the regular-expression engine (see allowedHeaderRun). */
  readonly requestHeaderRun: AllowedHeaderRun;
  readonly noOrigin: CorsPlan;
  readonly disabled: CorsPlan;
  readonly publicActual: CorsPlan;
}

/**
 * An origin's plans, built on first use: an allowed origin's grants, or, when `refused` is set,
 * the refusals of an origin refused for that reason (the plans every origin refused for it shares).
 */
type OriginPlans = { actual: CorsPlan | undefined; preflight: CorsPlan | undefined; readonly refused: RefusalReason | undefined };

/** Every entry has the same shape, so reading one stays a single cached property load. */
const originPlans = (refused: RefusalReason | undefined): OriginPlans => ({ actual: undefined, preflight: undefined, refused });

const REQUEST_HEADERS_CACHE_LIMIT = 256;
const REQUEST_HEADERS_CACHEABLE_LENGTH = 256;
/** Longest method or header name whose refused-preflight plan is remembered. */
const MEMO_DETAIL_LENGTH = 64;

export function createPlanCache(compiled: CompiledCors): PlanCache {
  const requestHeaderRun = allowedHeaderRun(compiled.requestHeaders, compiled.anyHeader, compiled.reflectHeaders || compiled.requestHeaders.has("authorization"));
  // A name longer than every listed one is not listed: no need to hash a 4 KB name to find out.
  let longest = 0;
  for (const name of compiled.requestHeaders) longest = Math.max(longest, name.length);
  return {
    origins: new Map(),
    remembered: 0,
    refusals: new Map(),
    refusedPreflights: new Map(),
    refusedMethods: new Map(),
    refusedHeaders: new Map(),
    requestHeaders: new Map(),
    acceptsRequestHeader: (name) =>
      (name.length <= longest && compiled.requestHeaders.has(name)) ||
      // Fetch "CORS non-wildcard request-header name": `*` never covers Authorization.
      (compiled.anyHeader && (name !== "authorization" || compiled.reflectHeaders)),
    requestHeaderRun,
    noOrigin: plan("pass", 0, compiled.public ? publicHeaders(compiled) : NO_HEADERS, compiled.varyActual, compiled.public ? "allowed" : "no-origin", false),
    disabled: plan("pass", 0, NO_HEADERS, "", "disabled", false),
    publicActual: plan("pass", 0, publicHeaders(compiled), compiled.varyActual, "allowed", false),
  };
}

function publicHeaders(compiled: CompiledCors): readonly CorsHeader[] {
  return freeze([[ALLOW_ORIGIN, "*"] as const, ...compiled.actualHeaders]);
}

/**
 * Decides how to answer one request. Synchronous unless `allowOrigin` is consulted and returns a
 * promise. Never throws for any request input.
 */
export function decideCors(compiled: CompiledCors, cache: PlanCache, request: RequestView): CorsPlan | Promise<CorsPlan> {
  if (compiled.urlFilter !== undefined && !compiled.urlFilter(decodeWholePath(request.path))) return cache.disabled;

  const origin = request.header("origin");
  // Fetch "CORS-preflight request": OPTIONS with Origin and Access-Control-Request-Method. The
  // method is read once, here, and handed on as `asked` (`undefined` for any other request).
  const asked = origin !== undefined && request.method === "OPTIONS" ? request.header("access-control-request-method") : undefined;

  if (compiled.public) return asked !== undefined ? grantPreflight(compiled, cache, request, "*", undefined, asked) : cache.publicActual;
  if (origin === undefined) return cache.noOrigin;

  const known = cache.origins.get(origin);
  if (known !== undefined) {
    return known.refused === undefined ? grant(compiled, cache, request, origin, asked, known) : refuseAgain(compiled, cache, request, asked !== undefined, known);
  }
  if (compiled.origins.exact.has(origin)) return grant(compiled, cache, request, origin, asked, rememberListed(cache, origin));
  const preflight = asked !== undefined;
  if (origin.length > MAX_ORIGIN_LENGTH) return refuse(compiled, cache, request, preflight, "origin-too-long", undefined);
  if (origin === "null") {
    return compiled.origins.allowsNull ? grant(compiled, cache, request, origin, asked, undefined) : refuse(compiled, cache, request, preflight, "origin-null", undefined);
  }
  const parsed = parseSerializedOrigin(origin);
  if (parsed === undefined) return refuseOrigin(compiled, cache, request, preflight, origin, "origin-malformed");
  // With credentials, plain-http origins (not loopback) are refused whatever would admit them: a
  // regex, a pattern or allowOrigin (unless dangerouslyAllowInsecureOriginsWithCredentials).
  if (compiled.origins.refusesInsecure(parsed)) return refuseOrigin(compiled, cache, request, preflight, origin, "origin-not-allowed");
  if (compiled.origins.any || compiled.origins.matchesParsed(origin, parsed)) {
    return grant(compiled, cache, request, origin, asked, rememberOrigin(cache, origin, originPlans(undefined)));
  }
  if (compiled.allowOrigin === undefined) return refuseOrigin(compiled, cache, request, preflight, origin, "origin-not-allowed");
  return askCallback(compiled, cache, request, origin, asked);
}

/** A listed origin's plans: as many as the list holds, so they do not count towards the limit. */
function rememberListed(cache: PlanCache, origin: string): OriginPlans {
  const plans = originPlans(undefined);
  cache.origins.set(origin, plans);
  return plans;
}

/** Plans for an origin a pattern or regex allowed, or refused: the sender picked it, so the memo starts over when full. */
function rememberOrigin(cache: PlanCache, origin: string, plans: OriginPlans): OriginPlans {
  if (cache.remembered >= ORIGIN_MEMO_LIMIT) {
    cache.origins.clear();
    cache.remembered = 0;
  }
  cache.remembered++;
  cache.origins.set(origin, plans);
  return plans;
}

/** Refuses an origin for a reason of its own, and remembers the refusal for its next request. */
function refuseOrigin(compiled: CompiledCors, cache: PlanCache, request: RequestView, preflight: boolean, origin: string, reason: RefusalReason): CorsPlan {
  return refuseAgain(compiled, cache, request, preflight, rememberOrigin(cache, origin, originPlans(reason)));
}

/** A remembered origin's refusal: its plan is kept with the origin, so a repeat costs no further lookup. */
function refuseAgain(compiled: CompiledCors, cache: PlanCache, request: RequestView, preflight: boolean, known: OriginPlans): CorsPlan {
  const usual = preflight
    ? (known.preflight ??= refusalPlan(compiled, cache, true, known.refused!, undefined))
    : (known.actual ??= refusalPlan(compiled, cache, false, known.refused!, undefined));
  return reportRefusal(compiled, cache, request, usual);
}

function askCallback(
  compiled: CompiledCors,
  cache: PlanCache,
  request: RequestView,
  origin: string,
  asked: string | undefined,
): CorsPlan | Promise<CorsPlan> {
  const preflight = asked !== undefined;
  const failed = (error: unknown): CorsPlan => {
    compiled.logger.warn(`crossgate cors: allowOrigin threw for origin ${JSON.stringify(origin)}; refusing the request. ${String((error as Error)?.stack ?? error)}`);
    return refuse(compiled, cache, request, preflight, "origin-callback-failed", undefined);
  };
  let answer: boolean | Promise<boolean>;
  try {
    answer = compiled.allowOrigin!(origin, request);
  } catch (error) {
    return failed(error);
  }
  const conclude = (allowed: unknown): CorsPlan =>
    allowed === true ? grant(compiled, cache, request, origin, asked, undefined) : refuse(compiled, cache, request, preflight, "origin-not-allowed", undefined);
  if (answer !== null && typeof answer === "object" && typeof (answer as Promise<boolean>).then === "function") {
    return Promise.resolve(answer).then(conclude, failed);
  }
  return conclude(answer);
}

/**
 * `asked`: the method a preflight asks for, `undefined` for any other request. `plans`: where this
 * origin's immutable plans are kept, or `undefined` when they must not be (callbacks, `null`).
 */
function grant(compiled: CompiledCors, cache: PlanCache, request: RequestView, origin: string, asked: string | undefined, plans: OriginPlans | undefined): CorsPlan {
  return asked !== undefined ? grantPreflight(compiled, cache, request, origin, plans, asked) : grantActual(compiled, request, origin, plans);
}

function grantActual(compiled: CompiledCors, request: RequestView, origin: string, plans: OriginPlans | undefined): CorsPlan {
  const privateNetwork = compiled.privateNetwork && request.header("access-control-request-private-network") === "true";
  if (plans !== undefined && !privateNetwork) return (plans.actual ??= buildActual(compiled, origin, false));
  return buildActual(compiled, origin, privateNetwork);
}

/** `Access-Control-Allow-Origin` for an allowed origin: `*` when every origin is allowed without credentials. */
function allowOriginHeader(compiled: CompiledCors, origin: string): CorsHeader {
  return [ALLOW_ORIGIN, compiled.origins.any && !compiled.credentials ? "*" : origin];
}

function buildActual(compiled: CompiledCors, origin: string, privateNetwork: boolean): CorsPlan {
  const headers: CorsHeader[] = [allowOriginHeader(compiled, origin), ...compiled.actualHeaders];
  if (privateNetwork) headers.push([ALLOW_PRIVATE_NETWORK, "true"]);
  return plan("pass", 0, freeze(headers), compiled.varyActual, "allowed", false);
}

function grantPreflight(compiled: CompiledCors, cache: PlanCache, request: RequestView, origin: string, plans: OriginPlans | undefined, method: string): CorsPlan {
  // Fetch "CORS-preflight fetch" step 7: a safelisted method needs no listing.
  if (!compiled.anyMethod && !isSafelistedMethod(method) && !compiled.methods.has(method)) {
    return refuse(compiled, cache, request, true, "method-not-allowed", method, origin);
  }
  if (compiled.anyMethod && !isToken(method)) return refuse(compiled, cache, request, true, "method-not-allowed", method, origin);

  const requested = request.header("access-control-request-headers");
  let reflectedHeaders: string | undefined;
  if (requested !== undefined && requested !== "") {
    const verdict = checkRequestHeaders(compiled, cache, requested);
    if (verdict !== "") {
      const reason = verdict === "\0long" ? "headers-too-long" : verdict === "\0malformed" ? "headers-malformed" : "header-not-allowed";
      return refuse(compiled, cache, request, true, reason, reason === "header-not-allowed" ? verdict : undefined, origin);
    }
    if (compiled.reflectHeaders) {
      // Only elements that name a header: " , ," asks for nothing, and gets no empty header back.
      const names = parseHeaderNameList(requested)!;
      if (names.length > 0) reflectedHeaders = names.join(", ");
    }
  }

  const privateNetwork = compiled.privateNetwork && request.header("access-control-request-private-network") === "true";
  const reflectMethod = compiled.anyMethod && compiled.credentials;
  const dynamic = privateNetwork || reflectMethod || reflectedHeaders !== undefined;
  if (plans !== undefined && !dynamic) return (plans.preflight ??= buildPreflight(compiled, origin, undefined, undefined, false));
  return buildPreflight(compiled, origin, reflectMethod ? method : undefined, reflectedHeaders, privateNetwork);
}

function buildPreflight(
  compiled: CompiledCors,
  origin: string,
  reflectedMethod: string | undefined,
  reflectedHeaders: string | undefined,
  privateNetwork: boolean,
): CorsPlan {
  const headers: CorsHeader[] = [allowOriginHeader(compiled, origin), ...compiled.preflightHeaders];
  if (reflectedMethod !== undefined) headers.push([ALLOW_METHODS, reflectedMethod]);
  if (reflectedHeaders !== undefined) headers.push([ALLOW_HEADERS, reflectedHeaders]);
  if (privateNetwork) headers.push([ALLOW_PRIVATE_NETWORK, "true"]);
  return plan("respond", compiled.preflightStatus, freeze(headers), compiled.varyPreflight, "allowed", true);
}

/**
 * Checks `Access-Control-Request-Headers`. Returns `""` when every name is allowed, the first
 * refused name otherwise, or a `\0`-prefixed marker for a malformed or over-long value.
 * Values over the limit are refused without being read, so a 1 MiB header costs nothing; any other
 * value costs time linear in its length (see firstRefusedInList).
 */
function checkRequestHeaders(compiled: CompiledCors, cache: PlanCache, requested: string): string {
  if (requested.length > MAX_REQUEST_HEADERS_LENGTH) return "\0long";
  // Only short values are remembered, so a long one is not looked up (hashing it costs its length).
  const cacheable = requested.length <= REQUEST_HEADERS_CACHEABLE_LENGTH;
  const known = cacheable ? cache.requestHeaders.get(requested) : undefined;
  if (known !== undefined) return known;
  const verdict = firstRefusedInList(cache.requestHeaderRun, requested, cache.acceptsRequestHeader);
  if (cacheable) {
    if (cache.requestHeaders.size >= REQUEST_HEADERS_CACHE_LIMIT) cache.requestHeaders.clear();
    cache.requestHeaders.set(requested, verdict);
  }
  return verdict;
}

function refuse(
  compiled: CompiledCors,
  cache: PlanCache,
  request: RequestView,
  preflight: boolean,
  reason: RefusalReason,
  detail: string | undefined,
  allowedOrigin?: string,
): CorsPlan {
  return reportRefusal(compiled, cache, request, refusalPlan(compiled, cache, preflight, reason, detail), allowedOrigin);
}

/**
 * A refusal as the policy answers it: the usual plan, unless `debug` or `onRefusal` watch refusals
 * (`compiled.watchRefusals`); then the debug answer or the usual one, and the listener, told once
 * the plan is made (it never changes it; see notifyRefusal). Also reports refusals made for the
 * policy outside it (`route-uncertain`, see routeUncertainFor).
 */
export function reportRefusal(compiled: CompiledCors, cache: PlanCache, request: RequestView, usual: CorsPlan, allowedOrigin?: string): CorsPlan {
  if (!compiled.watchRefusals) return usual;
  const refusal = compiled.debug ? debugRefusal(compiled, cache, request, usual, allowedOrigin) : usual;
  if (compiled.onRefusal !== undefined) notifyRefusal(compiled.onRefusal, refusalEvent("cors", usual.reason!, request, usual.preflight, usual.detail), compiled.logger);
  return refusal;
}

/** The usual refusal: no CORS header; plans reused per reason, or per method or header at fault. */
function refusalPlan(compiled: CompiledCors, cache: PlanCache, preflight: boolean, reason: RefusalReason, detail: string | undefined): CorsPlan {
  if (detail !== undefined) {
    // Only preflights name a method or header at fault. A repeat (a client retrying the same
    // refused preflight) reuses the plan: senders pick the names, so the memo is bounded.
    const memo = reason === "method-not-allowed" ? cache.refusedMethods : cache.refusedHeaders;
    // Only short names are remembered, so a long one is not looked up (hashing it costs its length).
    const known = detail.length <= MEMO_DETAIL_LENGTH ? memo.get(detail) : undefined;
    if (known !== undefined && known.preflight === preflight) return known;
    const refusal = refusedPlan(compiled, preflight, reason, detail);
    if (preflight && detail.length <= MEMO_DETAIL_LENGTH) remember(memo, detail, refusal);
    return refusal;
  }
  const refusals = preflight ? cache.refusedPreflights : cache.refusals;
  let refusal = refusals.get(reason);
  if (refusal === undefined) {
    refusal = refusedPlan(compiled, preflight, reason, undefined);
    refusals.set(reason, refusal);
  }
  return refusal;
}

/**
 * A refused request: no CORS header. A refused preflight is answered 403 (the browser then fails
 * it, and the app never runs for it); any other request goes on to the app.
 */
function refusedPlan(compiled: CompiledCors, preflight: boolean, reason: RefusalReason, detail: string | undefined): CorsPlan {
  return plan(preflight ? "respond" : "pass", preflight ? 403 : 0, NO_HEADERS, preflight ? compiled.varyPreflight : compiled.varyActual, "refused", preflight, reason, detail);
}

/**
 * A refusal in debug mode: logged, and named in a `Crossgate-Refusal` header. A preflight from an
 * allowed origin refused for its method or a header is answered like a successful preflight that
 * lists only what the policy allows, so the browser's own check fails on the method or header at
 * fault and its console names it (Fetch "CORS-preflight fetch" step 7: the method, then each
 * header). Nothing refused is listed, so the browser still fails the request. Built per request:
 * debug mode is for development.
 */
function debugRefusal(compiled: CompiledCors, cache: PlanCache, request: RequestView, usual: CorsPlan, allowedOrigin: string | undefined): CorsPlan {
  const { preflight, detail, vary } = usual;
  const reason = usual.reason!;
  compiled.logger.warn(describeRefusal(request, reason, detail));
  const named: CorsHeader = [
    REFUSAL_HEADER,
    refusalHeaderValue(reason, detail === undefined ? undefined : reason === "method-not-allowed" ? "method" : "header", detail),
  ];
  if (allowedOrigin === undefined || (reason !== "method-not-allowed" && reason !== "header-not-allowed")) {
    return plan(usual.action, usual.status, freeze([named]), vary, "refused", preflight, reason, detail);
  }
  const headers: CorsHeader[] = [allowOriginHeader(compiled, allowedOrigin)];
  if (compiled.credentials) headers.push([ALLOW_CREDENTIALS, "true"]);
  // Explicit names only: a `*` would let browsers that still read it over Authorization grant that.
  const methods = [...compiled.methods];
  const method = request.header("access-control-request-method") ?? "";
  if (reason === "header-not-allowed" && !isSafelistedMethod(method) && !compiled.methods.has(method)) methods.push(method);
  if (methods.length > 0) headers.push([ALLOW_METHODS, methods.join(", ")]);
  const requested = parseHeaderNameList(request.header("access-control-request-headers") ?? "") ?? [];
  const allowed = requested.filter((name) => name !== detail && cache.acceptsRequestHeader(name));
  if (allowed.length > 0) headers.push([ALLOW_HEADERS, allowed.join(", ")]);
  headers.push(named);
  return plan("respond", compiled.preflightStatus, freeze(headers), vary, "refused", true, reason, detail);
}

const REASON_TEXT: Readonly<Record<RefusalReason, string>> = {
  "origin-not-allowed": "the origin is not in origins, matches no pattern or regex, and allowOrigin (if any) did not allow it",
  "origin-null": 'the origin is "null" (sandboxed iframe, file: page or cross-origin redirect), which is not allowed',
  "origin-malformed": "the Origin header is not an origin a browser would send (scheme://host[:port], lower case)",
  "origin-too-long": `the Origin header is longer than ${MAX_ORIGIN_LENGTH} characters`,
  "origin-callback-failed": "allowOrigin threw or rejected",
  "method-not-allowed": "the preflight asks for a method that is not in methods",
  "header-not-allowed": "the preflight asks for a header that is not in requestHeaders",
  "headers-malformed": "Access-Control-Request-Headers is not a comma-separated list of header names",
  "headers-too-long": `Access-Control-Request-Headers is longer than ${MAX_REQUEST_HEADERS_LENGTH} characters`,
  "route-uncertain": "crossgate cannot tell for certain which route serves this path, so it grants nothing (see Per-route policies in docs/frameworks.md)",
};

/** One line saying exactly why a request was refused, for debug logs. */
export function describeRefusal(request: RequestView, reason: RefusalReason, detail: string | undefined): string {
  const origin = request.header("origin") ?? "";
  const shown = origin.length > 80 ? `${JSON.stringify(origin.slice(0, 80))}... (${origin.length} characters)` : JSON.stringify(origin);
  const kind = request.method === "OPTIONS" && request.header("access-control-request-method") !== undefined ? "preflight" : "request";
  const what = detail === undefined ? "" : ` (${reason === "method-not-allowed" ? "method" : "header"} ${JSON.stringify(detail.slice(0, 80))})`;
  return `crossgate cors: refused ${kind} ${request.method.slice(0, 16)} ${request.path.slice(0, 200)} from origin ${shown}: ${REASON_TEXT[reason]}${what}.`;
}

function plan(
  action: "respond" | "pass",
  status: number,
  headers: readonly CorsHeader[],
  vary: string,
  verdict: CorsVerdict,
  preflight: boolean,
  reason?: RefusalReason,
  detail?: string,
): CorsPlan {
  return freeze({ action, status, headers, vary, verdict, preflight, reason, detail });
}
