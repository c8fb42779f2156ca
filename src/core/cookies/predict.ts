// Whether each browser stores a cookie from one Set-Cookie header, and sends it back on the page's
// next credentialed fetch, with the rule that decided (./rules.ts) and one sentence saying why.
// Pure: no I/O, no clock unless none is given.
import { COOKIE_BEHAVIOURS, COOKIE_BROWSERS, type CookieBehaviours, type CookieBrowser } from "./browsers.ts";
import { cookieOutcome, type CookieRule, type CookieScene } from "./rules.ts";
import { parseSetCookie, type SetCookie } from "./set-cookie.ts";
import { siteOf, siteRelation, toUrl, type SiteRelation } from "./site.ts";

export type { CookieRule } from "./rules.ts";

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

interface Scene extends CookieScene {
  readonly cookie: SetCookie;
  readonly pageOrigin: string;
  readonly pageSite: string;
}

function decide(scene: Scene, browser: CookieBehaviours): BrowserCookieVerdict {
  const { stored, sent, rule, partitioned } = cookieOutcome(scene, browser);
  if (!stored) return dropped(rule, droppedWhy(scene, browser, rule));
  const partitionKey = partitioned ? scene.pageSite : null;
  return { stored, sent, rule, partitionKey, why: sent ? storedWhy(scene, rule) : unsentWhy(scene, browser, rule) };
}

/** Why the browser refuses to store the cookie (RFC 6265bis §5.7). */
function droppedWhy(scene: Scene, browser: CookieBehaviours, rule: CookieRule): string {
  const { cookie, responseUrl } = scene;
  const host = responseUrl.hostname;
  const name = q(cookie.name);
  switch (rule) {
    case "secure-from-insecure-url":
      return `${name} is Secure but was set over ${responseUrl.protocol}//${host}, which this browser does not count as secure.`;
    case "domain-public-suffix":
      return `Domain=${cookie.domain} is a public suffix: no site may set cookies for all of it.`;
    case "domain-not-covering-host":
      return `Domain=${cookie.domain} does not cover the host that set it (${host}).`;
    case "secure-prefix":
      return `${name} has the __Secure- prefix but no Secure attribute.`;
    case "host-prefix": {
      const missing = [!cookie.secure ? "it lacks Secure" : "", cookie.domain !== null ? `it has Domain=${cookie.domain}` : "", cookie.path !== "/" ? "its Path is not /" : ""].filter(Boolean);
      return `${name} has the __Host- prefix but ${missing.join(", ")} (it needs Secure, Path=/ and no Domain).`;
    }
    case "samesite-none-without-secure":
      return `${name} has SameSite=None without Secure, which this browser refuses.`;
    case "partitioned-without-secure":
      return `${name} is Partitioned without Secure, which this browser refuses.`;
    case "expired":
      return `${name} is already expired (Max-Age 0 or less, or Expires in the past): it deletes the cookie instead of setting it.`;
    case "third-party-blocked": {
      const api = siteOf(responseUrl) ?? responseUrl.host;
      const unless = browser.thirdParty === "partitioned-only" ? "third-party cookies unless they are Partitioned" : "every third-party cookie, Partitioned or not";
      return `${name} is a third-party cookie here (${api} inside a page on ${scene.pageSite}) and this browser blocks ${unless}.`;
    }
    default:
      return sameSiteWhy(scene, browser, "set");
  }
}

/** Why the browser keeps the cookie but does not send it on the next request (RFC 6265bis §5.8.3). */
function unsentWhy(scene: Scene, browser: CookieBehaviours, rule: CookieRule): string {
  const { cookie, requestUrl, responseUrl } = scene;
  const host = requestUrl.hostname;
  const name = q(cookie.name);
  switch (rule) {
    case "host-not-matching": {
      const scope = cookie.domain === null ? `only to ${responseUrl.hostname} (no Domain)` : `to ${cookie.domain} and its subdomains`;
      return `${name} belongs ${scope}, not to ${host}.`;
    }
    case "path-not-matching":
      return `${name} has Path=${scene.path}, which does not cover ${requestUrl.pathname}.`;
    case "secure-to-insecure-url":
      return `${name} is Secure and ${requestUrl.protocol}//${requestUrl.host} is not a secure URL.`;
    case "third-party-blocked":
      return `${name} was stored as a first-party cookie, and this browser does not send it on a fetch from ${scene.pageSite}, a third-party context.`;
    default:
      return sameSiteWhy(scene, browser, "send");
  }
}

/** Why a SameSite rule keeps the cookie from crossing sites. See RFC 6265bis §5.6.7, §5.7. */
function sameSiteWhy(scene: Scene, browser: CookieBehaviours, when: "set" | "send"): string {
  const { cookie } = scene;
  const effective = cookie.sameSite === "Default" ? browser.missingSameSite : cookie.sameSite;
  const url = when === "set" ? scene.responseUrl : scene.requestUrl;
  const where = `${siteOf(url) ?? url.host} is cross-site to the page's site ${scene.pageSite}`;
  const verb = when === "set" ? "stored from" : "sent on";
  if (cookie.sameSite === "Default") {
    return `${q(cookie.name)} has no SameSite, which this browser treats as Lax, and a Lax cookie is not ${verb} a cross-site fetch (${where}).`;
  }
  return `${q(cookie.name)} is SameSite=${effective}, so it is not ${verb} a cross-site fetch (${where}).`;
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
