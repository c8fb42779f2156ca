// How long each browser keeps a successful preflight. Fetch standard, "CORS-preflight fetch"
// step 7.8 (default 5 s, UA cap), Chromium preflight_result.cc, Firefox nsCORSListenerProxy.cpp.
import { getHeader, type HeaderPair } from "./http-tokens.ts";
import type { PreflightCache } from "./report.ts";

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
