import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { COOKIE_BEHAVIOUR_TABLE, COOKIE_BROWSERS, type CookieBehaviours } from "./browsers.ts";
import { predictCookie, type BrowserCookieVerdict } from "./predict.ts";

const NOW = Date.UTC(2026, 0, 1);
const A_APP = "https://app.site-a.test";
const B_APP = "https://app.site-b.test";
const API = "https://api.site-a.test/login";

/** "sent:rule", "stored:rule" (stored, not sent back) or "dropped:rule". */
function short(v: BrowserCookieVerdict): string {
  return `${v.sent ? "sent" : v.stored ? "stored" : "dropped"}:${v.rule}`;
}

type Want = readonly [chromium: string, firefox: string, safari: string];
const all = (s: string): Want => [s, s, s];

describe("predictCookie", () => {
  it.each<[string, string, string, string, Want, string?]>([
    // page, response URL, header, [chromium, firefox, safari], later request URL
    ["same origin, Lax", A_APP, `${A_APP}/api/login`, "sid=1; SameSite=Lax", all("sent:first-party")],
    ["same site, Lax", A_APP, API, "sid=1; SameSite=Lax; Secure", all("sent:first-party")],
    ["same site, Strict", A_APP, API, "sid=1; SameSite=Strict", all("sent:first-party")],
    ["same site, no SameSite", A_APP, API, "sid=1", all("sent:first-party")],
    ["same site, None without Secure", A_APP, API, "sid=1; SameSite=None", ["dropped:samesite-none-without-secure", "dropped:samesite-none-without-secure", "dropped:samesite-none-without-secure"]],
    ["same site, None; Secure", A_APP, API, "sid=1; SameSite=None; Secure", all("sent:first-party")],
    ["same site, Partitioned", A_APP, API, "sid=1; SameSite=None; Secure; Partitioned", all("sent:first-party")],
    ["same site, Domain= parent", A_APP, API, "sid=1; Domain=site-a.test; Secure", all("sent:first-party")],
    ["same site, Domain of another site", A_APP, API, "sid=1; Domain=site-b.test", all("dropped:domain-not-covering-host")],
    ["same site, Domain a public suffix", A_APP, API, "sid=1; Domain=test", all("dropped:domain-public-suffix")],
    ["same site, Domain a sibling", A_APP, API, "sid=1; Domain=app.site-a.test", all("dropped:domain-not-covering-host")],
    ["same site, __Host- ok", A_APP, API, "__Host-sid=1; Secure; Path=/", all("sent:first-party")],
    ["same site, __Host- with Domain", A_APP, API, "__Host-sid=1; Secure; Path=/; Domain=site-a.test", all("dropped:host-prefix")],
    ["same site, __Host- without Path", A_APP, API, "__Host-sid=1; Secure", all("dropped:host-prefix")],
    ["same site, __Secure- without Secure", A_APP, API, "__Secure-sid=1", all("dropped:secure-prefix")],
    ["same site, __secure- lower case", A_APP, API, "__secure-sid=1", all("dropped:secure-prefix")],
    ["same site, expired by Max-Age", A_APP, API, "sid=1; Max-Age=0", all("dropped:expired")],
    ["same site, expired by Expires", A_APP, API, "sid=1; Expires=Thu, 01 Jan 1970 00:00:00 GMT", all("dropped:expired")],
    ["same site, Partitioned without Secure", A_APP, API, "sid=1; Partitioned", ["dropped:partitioned-without-secure", "dropped:partitioned-without-secure", "sent:first-party"]],
    ["Path not covering the next request", A_APP, API, "sid=1; Path=/auth", all("stored:path-not-matching"), "https://api.site-a.test/items"],
    ["default path is the response's directory", A_APP, "https://api.site-a.test/auth/login", "sid=1", all("stored:path-not-matching"), "https://api.site-a.test/items"],
    ["host-only cookie, next request to a sibling", A_APP, API, "sid=1", all("stored:host-not-matching"), "https://www.site-a.test/x"],
    ["Domain cookie, next request to a sibling", A_APP, API, "sid=1; Domain=site-a.test", all("sent:first-party"), "https://www.site-a.test/x"],

    ["cross site, Lax", B_APP, API, "sid=1; SameSite=Lax; Secure", all("dropped:samesite-lax-cross-site")],
    ["cross site, Strict", B_APP, API, "sid=1; SameSite=Strict; Secure", all("dropped:samesite-strict-cross-site")],
    ["cross site, no SameSite", B_APP, API, "sid=1; Secure", ["dropped:samesite-lax-by-default", "sent:third-party-partitioned", "dropped:third-party-blocked"]],
    ["cross site, None without Secure", B_APP, API, "sid=1; SameSite=None", all("dropped:samesite-none-without-secure")],
    ["cross site, None; Secure", B_APP, API, "sid=1; SameSite=None; Secure", ["dropped:third-party-blocked", "sent:third-party-partitioned", "dropped:third-party-blocked"]],
    ["cross site, Partitioned", B_APP, API, "sid=1; SameSite=None; Secure; Partitioned", ["sent:partitioned", "sent:third-party-partitioned", "dropped:third-party-blocked"]],
    ["cross site, Partitioned without SameSite", B_APP, API, "sid=1; Secure; Partitioned", ["dropped:samesite-lax-by-default", "sent:third-party-partitioned", "dropped:third-party-blocked"]],
    ["cross site, __Host- Partitioned", B_APP, API, "__Host-sid=1; Secure; Path=/; SameSite=None; Partitioned", ["sent:partitioned", "sent:third-party-partitioned", "dropped:third-party-blocked"]],
    ["cross site over http is also cross-scheme", "http://app.site-a.test", API, "sid=1; SameSite=Lax; Secure", all("dropped:samesite-lax-cross-site")],

    ["loopback same site, Lax", "http://127.0.0.1:5173", "http://127.0.0.1:8000/login", "sid=1; SameSite=Lax", all("sent:first-party")],
    ["loopback same site, None; Secure over http", "http://127.0.0.1:5173", "http://127.0.0.1:8000/login", "sid=1; SameSite=None; Secure", ["sent:first-party", "sent:first-party", "dropped:secure-from-insecure-url"]],
    ["localhost page, 127.0.0.1 API, Lax", "http://localhost:5173", "http://127.0.0.1:8000/login", "sid=1; SameSite=Lax", all("dropped:samesite-lax-cross-site")],
    ["localhost page, 127.0.0.1 API, None; Secure", "http://localhost:5173", "http://127.0.0.1:8000/login", "sid=1; SameSite=None; Secure", ["dropped:third-party-blocked", "sent:third-party-partitioned", "dropped:secure-from-insecure-url"]],
    ["localhost page, 127.0.0.1 API, no SameSite", "http://localhost:5173", "http://127.0.0.1:8000/login", "sid=1", ["dropped:samesite-lax-by-default", "sent:third-party-partitioned", "dropped:third-party-blocked"]],
    ["Secure over plain http on a real host", "http://app.example.com", "http://api.example.com/login", "sid=1; Secure", all("dropped:secure-from-insecure-url")],
    ["Secure cookie, next request over http", A_APP, API, "sid=1; Secure", all("stored:secure-to-insecure-url"), "http://api.site-a.test/x"],
    ["IP host with Domain of another IP", "http://127.0.0.1:5173", "http://127.0.0.1:8000/login", "sid=1; Domain=0.0.1", all("dropped:domain-not-covering-host")],
    ["IP host with Domain equal to it", "http://127.0.0.1:5173", "http://127.0.0.1:8000/login", "sid=1; Domain=127.0.0.1", all("sent:first-party")],
    ["opaque page", "null", API, "sid=1; SameSite=None; Secure", ["dropped:third-party-blocked", "sent:third-party-partitioned", "dropped:third-party-blocked"]],
    ["malformed header", A_APP, API, "sid=1\r\nX: y", all("dropped:malformed")],
    ["unparsable response URL", A_APP, "not a url", "sid=1", all("dropped:malformed")],
  ])("%s", (_desc, page, response, header, want, next) => {
    const prediction = predictCookie(header, { pageOrigin: page, responseUrl: response, now: NOW, ...(next ? { requestUrl: next } : {}) });
    expect(COOKIE_BROWSERS.map((b) => short(prediction.browsers[b]))).toEqual([...want]);
    for (const b of COOKIE_BROWSERS) expect(prediction.browsers[b].why.length).toBeGreaterThan(10);
  });

  it("names the cookie, its domain and path", () => {
    const p = predictCookie("sid=1; Path=/api", { pageOrigin: A_APP, responseUrl: API, now: NOW });
    expect({ name: p.name, domain: p.domain, path: p.path, setFrom: p.setFrom, sentTo: p.sentTo }).toEqual({
      name: "sid", domain: "api.site-a.test", path: "/api", setFrom: "same-site", sentTo: "same-site",
    });
    expect(predictCookie("sid=1; Domain=.site-a.test", { pageOrigin: A_APP, responseUrl: API, now: NOW }).domain).toBe("site-a.test");
  });

  it("keys a partitioned cookie to the page's site and explains the third-party block with both sites", () => {
    const p = predictCookie("sid=1; SameSite=None; Secure; Partitioned", { pageOrigin: B_APP, responseUrl: API, now: NOW });
    expect(p.browsers.chromium.partitionKey).toBe("https://site-b.test");
    const blocked = predictCookie("sid=1; SameSite=None; Secure", { pageOrigin: B_APP, responseUrl: API, now: NOW });
    expect(blocked.browsers.chromium.why).toContain("https://site-a.test");
    expect(blocked.browsers.chromium.why).toContain("https://site-b.test");
  });

  it("never throws and never sends a cookie it did not store", () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 120 }),
        fc.constantFrom(A_APP, B_APP, "null", "http://localhost:1", "garbage"),
        fc.constantFrom(API, "http://127.0.0.1:8000/x", "https://app.site-b.test/", "::"),
        (header, page, url) => {
          const p = predictCookie(header, { pageOrigin: page, responseUrl: url, now: NOW });
          for (const b of COOKIE_BROWSERS) if (p.browsers[b].sent) expect(p.browsers[b].stored).toBe(true);
        },
      ),
      { numRuns: 1500 },
    );
  });
});

describe("the browser behaviour table", () => {
  it("has exactly one row per browser and behaviour, each with a version and a source", () => {
    const behaviours: (keyof CookieBehaviours)[] = ["missingSameSite", "noneRequiresSecure", "partitionedRequiresSecure", "loopbackHttpIsSecure", "thirdParty"];
    for (const browser of COOKIE_BROWSERS) {
      for (const behaviour of behaviours) {
        const rows = COOKIE_BEHAVIOUR_TABLE.filter((r) => r.browser === browser && r.behaviour === behaviour);
        expect(rows, `${browser} ${behaviour}`).toHaveLength(1);
        expect(rows[0]?.verifiedOn).toMatch(/\S/);
        expect(rows[0]?.source).toMatch(/\S/);
      }
    }
    expect(COOKIE_BEHAVIOUR_TABLE).toHaveLength(COOKIE_BROWSERS.length * behaviours.length);
  });
});
