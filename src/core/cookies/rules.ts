// The cookie rules browsers apply, as rules only: which one decides whether a cookie is stored from
// a response and sent back on the page's next credentialed fetch. No prose, no Set-Cookie parsing:
// ./predict.ts parses a header and explains the rule in a sentence, and the CSRF guard's debug hint
// (../csrf/cookie-hint.ts) names the rule for the cookie it writes itself, so a Fetch bundle carries
// these rules without the parser and the explanations.
// See RFC 6265bis §5.7 (storage model), §5.8.3 (retrieval), CHIPS, and ./browsers.ts for where browsers differ.
import { isIpHost } from "../internal/origin.ts";
import { isPublicSuffix } from "../internal/public-suffix.ts";
import type { CookieBehaviours } from "./browsers.ts";
import type { SameSiteValue } from "./set-cookie.ts";
import { isSecureCookieUrl, type SiteRelation } from "./site.ts";

/**
 * The rule that decided a cookie's fate in one browser. Stored and sent: `first-party` (the page and
 * the API are one site), `partitioned` (a CHIPS cookie in the page's partition), `third-party-partitioned`
 * (the browser partitions every third-party cookie). Every other rule drops the cookie.
 */
export type CookieRule =
  | "first-party"
  | "partitioned"
  | "third-party-partitioned"
  | "malformed"
  | "secure-from-insecure-url"
  | "domain-not-covering-host"
  | "domain-public-suffix"
  | "secure-prefix"
  | "host-prefix"
  | "samesite-none-without-secure"
  | "partitioned-without-secure"
  | "expired"
  | "samesite-strict-cross-site"
  | "samesite-lax-cross-site"
  | "samesite-lax-by-default"
  | "third-party-blocked"
  | "host-not-matching"
  | "path-not-matching"
  | "secure-to-insecure-url";

/** What the rules read of a cookie: a parsed `Set-Cookie` (./set-cookie.ts) or the attributes the CSRF guard writes. */
export interface CookieFacts {
  readonly name: string;
  /** Lower-case, without a leading dot (see `cookieDomain`); null for a host-only cookie. */
  readonly domain: string | null;
  /** The `Path` attribute; null when absent (the default path is used). */
  readonly path: string | null;
  /** Expiry in ms since the epoch (see `maxAgeExpiry`); null for a session cookie. */
  readonly expiresAt: number | null;
  readonly secure: boolean;
  readonly sameSite: SameSiteValue;
  readonly partitioned: boolean;
}

/** One cookie between a page, the response that sets it and the request that should carry it back. */
export interface CookieScene {
  readonly cookie: CookieFacts;
  /** The cookie's path: its `Path` attribute, else the default path of the response URL. */
  readonly path: string;
  readonly responseUrl: URL;
  readonly requestUrl: URL;
  /** The response URL relative to the page. */
  readonly setFrom: SiteRelation;
  /** The request URL relative to the page. */
  readonly sentTo: SiteRelation;
  readonly now: number;
}

/** One browser's outcome: stored, sent back, the deciding rule, and whether it went into the page's partition. */
export interface CookieOutcome {
  readonly stored: boolean;
  readonly sent: boolean;
  readonly rule: CookieRule;
  /** Stored in a jar keyed to the page's site (CHIPS or third-party partitioning), not first-party. */
  readonly partitioned: boolean;
}

/** The earliest representable time: what `Max-Age=0` and negative values set. */
const EARLIEST = -8.64e15;
/** Browsers cap a cookie's lifetime at 400 days. See RFC 6265bis §5.6.1, §5.6.2. */
export const MAX_COOKIE_AGE_MS = 400 * 86_400 * 1000;

/** The expiry `Max-Age=seconds` sets at `now`. See RFC 6265bis §5.6.2. */
export function maxAgeExpiry(seconds: number, now: number): number {
  return seconds <= 0 ? EARLIEST : now + Math.min(seconds * 1000, MAX_COOKIE_AGE_MS);
}

/** A `Domain` attribute as the cookie stores it: without a leading dot, lower-case. See RFC 6265bis §5.6.3. */
export function cookieDomain(value: string): string {
  return (value.startsWith(".") ? value.slice(1) : value).toLowerCase();
}

/** The rule that decides `scene.cookie` in a browser with `browser`'s behaviours. */
export function cookieOutcome(scene: CookieScene, browser: CookieBehaviours): CookieOutcome {
  const stored = storeRule(scene, browser);
  if (typeof stored !== "string") return { stored: false, sent: false, rule: stored.drop, partitioned: false };
  const partitioned = stored !== "first-party";
  const unsent = sendRule(scene, browser, partitioned);
  return unsent === null ? { stored: true, sent: true, rule: stored, partitioned } : { stored: true, sent: false, rule: unsent, partitioned };
}

/** RFC 6265bis §5.7, in its order, with the browser's own choices where the table says they differ. */
function storeRule(scene: CookieScene, browser: CookieBehaviours): "first-party" | "partitioned" | "third-party-partitioned" | { drop: CookieRule } {
  const { cookie, responseUrl } = scene;
  const host = responseUrl.hostname;
  if (cookie.secure && !isSecureCookieUrl(responseUrl, browser.loopbackHttpIsSecure)) return { drop: "secure-from-insecure-url" };
  if (cookie.domain !== null) {
    // A public-suffix Domain is allowed only when it is the host itself (then host-only).
    if (cookie.domain !== host && isPublicSuffix(cookie.domain)) return { drop: "domain-public-suffix" };
    if (!domainMatches(host, cookie.domain)) return { drop: "domain-not-covering-host" };
  }
  // Cookie prefixes, matched case-insensitively. See RFC 6265bis §4.1.3 and §5.7.
  const lower = cookie.name.toLowerCase();
  if (lower.startsWith("__secure-") && !cookie.secure) return { drop: "secure-prefix" };
  if (lower.startsWith("__host-") && (!cookie.secure || cookie.domain !== null || cookie.path !== "/")) return { drop: "host-prefix" };
  if (cookie.sameSite === "None" && browser.noneRequiresSecure && !cookie.secure) return { drop: "samesite-none-without-secure" };
  if (cookie.partitioned && browser.partitionedRequiresSecure && !cookie.secure) return { drop: "partitioned-without-secure" };
  if (cookie.expiresAt !== null && cookie.expiresAt <= scene.now) return { drop: "expired" };
  if (scene.setFrom !== "cross-site") return "first-party";
  const sameSite = sameSiteRule(cookie, browser);
  if (sameSite !== null) return { drop: sameSite };
  // A third-party cookie: the browser partitions it, keeps it only if Partitioned (CHIPS), or blocks it.
  if (browser.thirdParty === "partition-all") return "third-party-partitioned";
  if (browser.thirdParty === "partitioned-only" && cookie.partitioned) return "partitioned";
  return { drop: "third-party-blocked" };
}

/** SameSite: Strict and Lax (and Chromium's missing-as-Lax) cookies never cross sites on a fetch. See RFC 6265bis §5.6.7, §5.7. */
function sameSiteRule(cookie: CookieFacts, browser: CookieBehaviours): CookieRule | null {
  const effective = cookie.sameSite === "Default" ? browser.missingSameSite : cookie.sameSite;
  if (effective === "None") return null;
  if (cookie.sameSite === "Default") return "samesite-lax-by-default";
  return effective === "Strict" ? "samesite-strict-cross-site" : "samesite-lax-cross-site";
}

/** RFC 6265bis §5.8.3: the cookie must match the next request's host, path and scheme, then its site rules. */
function sendRule(scene: CookieScene, browser: CookieBehaviours, partitioned: boolean): CookieRule | null {
  const { cookie, requestUrl, responseUrl } = scene;
  const host = requestUrl.hostname;
  const scoped = cookie.domain === null ? host === responseUrl.hostname : domainMatches(host, cookie.domain);
  if (!scoped) return "host-not-matching";
  if (!pathMatches(requestUrl.pathname, scene.path)) return "path-not-matching";
  if (cookie.secure && !isSecureCookieUrl(requestUrl, browser.loopbackHttpIsSecure)) return "secure-to-insecure-url";
  // A cookie stored in a partition comes back only in that partition's (cross-site) context.
  if (scene.sentTo !== "cross-site") return null;
  const sameSite = sameSiteRule(cookie, browser);
  if (sameSite !== null) return sameSite;
  if (partitioned) return null;
  if (browser.thirdParty === "partitioned-only" && cookie.partitioned) return null;
  return "third-party-blocked";
}

/** RFC 6265bis §5.1.3 "Domain Matching": equal, or a subdomain of a host name (never of an IP). */
export function domainMatches(host: string, domain: string): boolean {
  if (host === domain) return true;
  return !isIpHost(host) && host.endsWith(`.${domain}`);
}

/** RFC 6265bis §5.1.4 "Paths and Path-Match". */
export function pathMatches(requestPath: string, cookiePath: string): boolean {
  if (requestPath === cookiePath) return true;
  if (!requestPath.startsWith(cookiePath)) return false;
  return cookiePath.endsWith("/") || requestPath.charAt(cookiePath.length) === "/";
}
