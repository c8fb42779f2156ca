// Whether each browser stores a cookie from one Set-Cookie header, and sends it back on the page's
// next credentialed fetch, with the rule that decided. Pure: no I/O, no clock unless none is given.
// See RFC 6265bis §5.7 (storage model), §5.8.3 (retrieval), CHIPS, and ./browsers.ts for where browsers differ.
import { isIpHost } from "../internal/origin.ts";
import { isPublicSuffix } from "../internal/public-suffix.ts";
import { COOKIE_BEHAVIOURS, COOKIE_BROWSERS, type CookieBehaviours, type CookieBrowser } from "./browsers.ts";
import { parseSetCookie, type SetCookie } from "./set-cookie.ts";
import { isSecureCookieUrl, siteOf, siteRelation, toUrl, type SiteRelation } from "./site.ts";

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

/** One browser's verdict on one cookie. */
export interface BrowserCookieVerdict {
  /** The browser keeps the cookie from the response. */
  readonly stored: boolean;
  /** The browser attaches it to the page's next credentialed fetch of `requestUrl`. */
  readonly sent: boolean;
  readonly rule: CookieRule;
  /** The top-level site the cookie is keyed to when the browser partitions it, else null. */
  readonly partitionKey: string | null;
  /** One sentence: why, in terms of this page and this API. */
  readonly why: string;
}

/** Where a `Set-Cookie` header was received and where the cookie should come back. */
export interface CookieContext {
  /** The origin of the page whose credentialed `fetch` received the response, e.g. `https://app.example.com`. */
  readonly pageOrigin: string;
  /** The URL of the response carrying the header. */
  readonly responseUrl: string | URL;
  /** The URL the page fetches next, expecting the cookie. @default responseUrl */
  readonly requestUrl?: string | URL;
  /** The current time in ms since the epoch, for `Expires`/`Max-Age`. @default Date.now() */
  readonly now?: number;
}

/** What each browser does with one `Set-Cookie` header in one deployment. */
export interface CookiePrediction {
  /** The cookie name ("" for a nameless cookie, or when the header did not parse). */
  readonly name: string;
  /** The domain the cookie is scoped to: its `Domain` attribute, else the response host. */
  readonly domain: string;
  /** The cookie's path: its `Path` attribute, else the default path of the response URL. */
  readonly path: string;
  /** The parsed header, or null when no browser accepts it (then every verdict says why). */
  readonly cookie: SetCookie | null;
  /** The response URL relative to the page. */
  readonly setFrom: SiteRelation;
  /** The request URL relative to the page. */
  readonly sentTo: SiteRelation;
  readonly browsers: Readonly<Record<CookieBrowser, BrowserCookieVerdict>>;
}

/**
 * Predicts, per browser family, whether the cookie in `header` is stored and sent back.
 * Never throws: a header no browser accepts gives `malformed` verdicts with the reason.
 * @example
 * predictCookie("sid=1; Secure; SameSite=None", { pageOrigin: "https://app.site-b.test", responseUrl: "https://api.site-a.test/login" })
 *   .browsers.chromium // { stored: false, sent: false, rule: "third-party-blocked", … }
 */
export function predictCookie(header: unknown, context: CookieContext): CookiePrediction {
  const responseUrl = toUrl(context.responseUrl);
  const requestUrl = context.requestUrl === undefined ? responseUrl : toUrl(context.requestUrl);
  const parsed = parseSetCookie(header, context.now ?? Date.now());
  const setFrom = responseUrl === null ? "cross-site" : siteRelation(context.pageOrigin, responseUrl);
  const sentTo = requestUrl === null ? "cross-site" : siteRelation(context.pageOrigin, requestUrl);
  const host = responseUrl?.hostname ?? "";
  if (!parsed.ok || responseUrl === null || requestUrl === null) {
    const reason = !parsed.ok ? parsed.reason : "the response or request URL is not an absolute URL";
    const verdict = dropped("malformed", `Every browser ignores this Set-Cookie: ${reason}.`);
    const name = typeof header === "string" ? nameOf(header) : "";
    return { name, domain: host, path: "/", cookie: null, setFrom, sentTo, browsers: { chromium: verdict, firefox: verdict, safari: verdict } };
  }
  const cookie = parsed.cookie;
  const path = cookie.path ?? defaultPath(responseUrl);
  const scene: Scene = {
    cookie,
    path,
    pageOrigin: context.pageOrigin,
    pageSite: siteOf(context.pageOrigin) ?? "an opaque origin",
    responseUrl,
    requestUrl,
    setFrom,
    sentTo,
    now: context.now ?? Date.now(),
  };
  const browsers = {} as Record<CookieBrowser, BrowserCookieVerdict>;
  for (const browser of COOKIE_BROWSERS) browsers[browser] = decide(scene, COOKIE_BEHAVIOURS[browser]);
  return { name: cookie.name, domain: cookie.domain ?? host, path, cookie, setFrom, sentTo, browsers };
}

interface Scene {
  readonly cookie: SetCookie;
  readonly path: string;
  readonly pageOrigin: string;
  readonly pageSite: string;
  readonly responseUrl: URL;
  readonly requestUrl: URL;
  readonly setFrom: SiteRelation;
  readonly sentTo: SiteRelation;
  readonly now: number;
}

function decide(scene: Scene, browser: CookieBehaviours): BrowserCookieVerdict {
  const stored = storeRule(scene, browser);
  if (stored.drop) return dropped(stored.rule, stored.why);
  const partitionKey = stored.rule === "first-party" ? null : scene.pageSite;
  const unsent = sendRule(scene, browser, partitionKey !== null);
  if (unsent !== null) return { stored: true, sent: false, rule: unsent.rule, partitionKey, why: unsent.why };
  return { stored: true, sent: true, rule: stored.rule, partitionKey, why: storedWhy(scene, stored.rule) };
}

type StoreOutcome = { drop: true; rule: CookieRule; why: string } | { drop: false; rule: "first-party" | "partitioned" | "third-party-partitioned" };

/** RFC 6265bis §5.7, in its order, with the browser's own choices where the table says they differ. */
function storeRule(scene: Scene, browser: CookieBehaviours): StoreOutcome {
  const { cookie, responseUrl } = scene;
  const host = responseUrl.hostname;
  const name = cookie.name;
  const drop = (rule: CookieRule, why: string): StoreOutcome => ({ drop: true, rule, why });
  const secureUrl = isSecureCookieUrl(responseUrl, browser.loopbackHttpIsSecure);
  if (cookie.secure && !secureUrl) {
    return drop("secure-from-insecure-url", `${q(name)} is Secure but was set over ${responseUrl.protocol}//${host}, which this browser does not count as secure.`);
  }
  if (cookie.domain !== null) {
    // A public-suffix Domain is allowed only when it is the host itself (then host-only).
    if (cookie.domain !== host && isPublicSuffix(cookie.domain)) {
      return drop("domain-public-suffix", `Domain=${cookie.domain} is a public suffix: no site may set cookies for all of it.`);
    }
    if (!domainMatches(host, cookie.domain)) {
      return drop("domain-not-covering-host", `Domain=${cookie.domain} does not cover the host that set it (${host}).`);
    }
  }
  // Cookie prefixes, matched case-insensitively. See RFC 6265bis §4.1.3 and §5.7.
  const lower = name.toLowerCase();
  if (lower.startsWith("__secure-") && !cookie.secure) {
    return drop("secure-prefix", `${q(name)} has the __Secure- prefix but no Secure attribute.`);
  }
  if (lower.startsWith("__host-") && (!cookie.secure || cookie.domain !== null || cookie.path !== "/")) {
    const missing = [!cookie.secure ? "it lacks Secure" : "", cookie.domain !== null ? `it has Domain=${cookie.domain}` : "", cookie.path !== "/" ? "its Path is not /" : ""].filter(Boolean);
    return drop("host-prefix", `${q(name)} has the __Host- prefix but ${missing.join(", ")} (it needs Secure, Path=/ and no Domain).`);
  }
  if (cookie.sameSite === "None" && browser.noneRequiresSecure && !cookie.secure) {
    return drop("samesite-none-without-secure", `${q(name)} has SameSite=None without Secure, which this browser refuses.`);
  }
  if (cookie.partitioned && browser.partitionedRequiresSecure && !cookie.secure) {
    return drop("partitioned-without-secure", `${q(name)} is Partitioned without Secure, which this browser refuses.`);
  }
  if (cookie.expiresAt !== null && cookie.expiresAt <= scene.now) {
    return drop("expired", `${q(name)} is already expired (Max-Age 0 or less, or Expires in the past): it deletes the cookie instead of setting it.`);
  }
  if (scene.setFrom !== "cross-site") return { drop: false, rule: "first-party" };
  const sameSite = sameSiteRule(scene, browser, "set");
  if (sameSite !== null) return { drop: true, ...sameSite };
  return thirdPartyStore(scene, browser);
}

function thirdPartyStore(scene: Scene, browser: CookieBehaviours): StoreOutcome {
  const name = q(scene.cookie.name);
  const api = siteOf(scene.responseUrl) ?? scene.responseUrl.host;
  switch (browser.thirdParty) {
    case "partition-all":
      return { drop: false, rule: "third-party-partitioned" };
    case "partitioned-only":
      if (scene.cookie.partitioned) return { drop: false, rule: "partitioned" };
      return {
        drop: true,
        rule: "third-party-blocked",
        why: `${name} is a third-party cookie here (${api} inside a page on ${scene.pageSite}) and this browser blocks third-party cookies unless they are Partitioned.`,
      };
    case "block-all":
      return {
        drop: true,
        rule: "third-party-blocked",
        why: `${name} is a third-party cookie here (${api} inside a page on ${scene.pageSite}) and this browser blocks every third-party cookie, Partitioned or not.`,
      };
  }
}

/** SameSite: Strict and Lax (and Chromium's missing-as-Lax) cookies never cross sites on a fetch. See RFC 6265bis §5.6.7, §5.7. */
function sameSiteRule(scene: Scene, browser: CookieBehaviours, when: "set" | "send"): { rule: CookieRule; why: string } | null {
  const { cookie } = scene;
  const effective = cookie.sameSite === "Default" ? browser.missingSameSite : cookie.sameSite;
  if (effective === "None") return null;
  const url = when === "set" ? scene.responseUrl : scene.requestUrl;
  const where = `${siteOf(url) ?? url.host} is cross-site to the page's site ${scene.pageSite}`;
  const verb = when === "set" ? "stored from" : "sent on";
  if (cookie.sameSite === "Default") {
    return { rule: "samesite-lax-by-default", why: `${q(cookie.name)} has no SameSite, which this browser treats as Lax, and a Lax cookie is not ${verb} a cross-site fetch (${where}).` };
  }
  return {
    rule: effective === "Strict" ? "samesite-strict-cross-site" : "samesite-lax-cross-site",
    why: `${q(cookie.name)} is SameSite=${effective}, so it is not ${verb} a cross-site fetch (${where}).`,
  };
}

/** RFC 6265bis §5.8.3: the cookie must match the next request's host, path and scheme, then its site rules. */
function sendRule(scene: Scene, browser: CookieBehaviours, partitioned: boolean): { rule: CookieRule; why: string } | null {
  const { cookie, requestUrl, responseUrl } = scene;
  const host = requestUrl.hostname;
  const name = q(cookie.name);
  const scoped = cookie.domain === null ? host === responseUrl.hostname : domainMatches(host, cookie.domain);
  if (!scoped) {
    const scope = cookie.domain === null ? `only to ${responseUrl.hostname} (no Domain)` : `to ${cookie.domain} and its subdomains`;
    return { rule: "host-not-matching", why: `${name} belongs ${scope}, not to ${host}.` };
  }
  if (!pathMatches(requestUrl.pathname, scene.path)) {
    return { rule: "path-not-matching", why: `${name} has Path=${scene.path}, which does not cover ${requestUrl.pathname}.` };
  }
  if (cookie.secure && !isSecureCookieUrl(requestUrl, browser.loopbackHttpIsSecure)) {
    return { rule: "secure-to-insecure-url", why: `${name} is Secure and ${requestUrl.protocol}//${requestUrl.host} is not a secure URL.` };
  }
  if (scene.sentTo !== "cross-site") {
    // A cookie stored in a partition comes back only in that partition's (cross-site) context.
    return null;
  }
  const sameSite = sameSiteRule(scene, browser, "send");
  if (sameSite !== null) return sameSite;
  if (partitioned) return null;
  if (browser.thirdParty === "partitioned-only" && cookie.partitioned) return null;
  return {
    rule: "third-party-blocked",
    why: `${name} was stored as a first-party cookie, and this browser does not send it on a fetch from ${scene.pageSite}, a third-party context.`,
  };
}

function storedWhy(scene: Scene, rule: CookieRule): string {
  const name = q(scene.cookie.name);
  if (rule === "partitioned") return `${name} is Partitioned (CHIPS): stored and sent in the jar of the page's site ${scene.pageSite} only.`;
  if (rule === "third-party-partitioned") {
    return `${name} is a third-party cookie here; this browser keeps it in a jar of the page's site ${scene.pageSite} (Total Cookie Protection) and sends it back from that site only.`;
  }
  return `${name} is set and sent within one site (${scene.setFrom} with the page).`;
}

function dropped(rule: CookieRule, why: string): BrowserCookieVerdict {
  return { stored: false, sent: false, rule, partitionKey: null, why };
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

/** RFC 6265bis §5.1.4: the directory of the response URL's path. */
export function defaultPath(url: URL): string {
  const path = url.pathname;
  if (!path.startsWith("/")) return "/";
  const last = path.lastIndexOf("/");
  return last <= 0 ? "/" : path.slice(0, last);
}

function nameOf(header: string): string {
  const pair = header.slice(0, Math.min(header.length, 4096)).split(";", 1)[0] ?? "";
  const equals = pair.indexOf("=");
  return equals === -1 ? "" : pair.slice(0, equals).trim().slice(0, 256);
}

function q(name: string): string {
  return name === "" ? "The nameless cookie" : `Cookie ${JSON.stringify(name)}`;
}
