// How long each browser keeps a successful preflight. Fetch standard, "CORS-preflight fetch"
// step 7.8 (default 5 s, UA cap), Chromium preflight_result.cc, Firefox nsCORSListenerProxy.cpp.
import { getHeader, type HeaderPair } from "./http-tokens.ts";
import type { PreflightCache } from "./report.ts";
import type { ServerKind } from "./server-kind.ts";

/** Chromium's cap on `Access-Control-Max-Age`, in seconds (2 hours since v76). */
export const CHROMIUM_MAX_AGE_CAP = 7200;
/** Firefox's cap on `Access-Control-Max-Age`, in seconds (24 hours). */
export const FIREFOX_MAX_AGE_CAP = 86400;
/** What both use when the header is absent. */
export const DEFAULT_MAX_AGE = 5;

/** Seconds each browser would cache a successful preflight answered with these headers. */
export function preflightCacheOf(headers: readonly HeaderPair[]): PreflightCache {
  const maxAgeHeader = getHeader(headers, "access-control-max-age");
  return {
    maxAgeHeader,
    chromiumSeconds: chromiumMaxAge(maxAgeHeader),
    firefoxSeconds: firefoxMaxAge(maxAgeHeader),
  };
}

function chromiumMaxAge(value: string | null): number {
  if (value === null) return DEFAULT_MAX_AGE;
  // An integer that does not parse means no caching; a negative one has already expired.
  if (!/^-?[0-9]+$/.test(value)) return 0;
  return Math.max(0, Math.min(Number(value), CHROMIUM_MAX_AGE_CAP));
}

function firefoxMaxAge(value: string | null): number {
  if (value === null || value === "") return DEFAULT_MAX_AGE;
  // Only delta-seconds (digits) are accepted; anything else means the result is not cached.
  if (!/^[0-9]+$/.test(value)) return 0;
  return Math.min(Number(value), FIREFOX_MAX_AGE_CAP);
}

/** django-cors-headers' default CORS_PREFLIGHT_MAX_AGE, in seconds. */
export const DJANGO_DEFAULT_MAX_AGE = 86400;

/**
 * What the preflight cache means, said once as information (nothing to fix): the stock 86400 s is
 * capped by Chromium, and no header (django-cors-headers omits it for 0) means 5 s in browsers.
 */
export function maxAgeInfo(cache: PreflightCache | null, server: ServerKind): string[] {
  if (cache === null) return [];
  if (cache.maxAgeHeader === null) {
    return [
      `No Access-Control-Max-Age: browsers cache this preflight ${DEFAULT_MAX_AGE} s${server === "django" || server === "unknown" ? " (django-cors-headers omits the header when CORS_PREFLIGHT_MAX_AGE is 0)" : ""}, so a page calling it often pays for a preflight every ${DEFAULT_MAX_AGE} s.`,
    ];
  }
  if (cache.maxAgeHeader === "0") return ["Access-Control-Max-Age: 0: browsers do not cache this preflight; every request pays for one."];
  if (/^[0-9]+$/.test(cache.maxAgeHeader) && Number(cache.maxAgeHeader) > CHROMIUM_MAX_AGE_CAP && Number(cache.maxAgeHeader) <= FIREFOX_MAX_AGE_CAP) {
    const stock = Number(cache.maxAgeHeader) === DJANGO_DEFAULT_MAX_AGE ? " (django-cors-headers' default)" : "";
    return [`Access-Control-Max-Age: ${cache.maxAgeHeader}${stock}: Chromium keeps the preflight ${CHROMIUM_MAX_AGE_CAP} s (its cap), Firefox ${cache.firefoxSeconds} s; nothing to change.`];
  }
  return [];
}
