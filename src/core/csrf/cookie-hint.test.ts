import fc from "fast-check";
import { describe, expect, it, vi } from "vitest";
import { COOKIE_BEHAVIOURS, COOKIE_BROWSERS } from "../cookies/browsers.ts";
import { predictCookie } from "../cookies/predict.ts";
import { cookieOutcome } from "../cookies/rules.ts";
import { siteRelation } from "../cookies/site.ts";
import { createCorsPolicy } from "../cors/policy.ts";
import { requestViewFromRecord } from "../request.ts";
import { cookieFacts, serializeCookie, type CookieAttributes } from "./cookie.ts";
import type { CsrfCookieOptions } from "./options.ts";
import { createCsrfPolicy } from "./policy.ts";

const SECRET = "test-secret-0123456789-abcdefghijklmnop";

/** The debug line logged for a POST from `origin` to `host` that carries no CSRF cookie. */
async function refusalLine(origin: string, host: string, cookie: CsrfCookieOptions = {}, secure = true): Promise<string> {
  const warn = vi.fn();
  const cors = createCorsPolicy({ origins: [origin], credentials: true, exposeHeaders: ["X-CSRFToken"] });
  const policy = createCsrfPolicy({ cors, secret: SECRET, debug: true, logger: { warn }, cookie });
  await policy.decide({ ...requestViewFromRecord("POST", "/api/things", { host, origin }), secure });
  return warn.mock.calls.at(-1)![0] as string;
}

describe("the CSRF guard's debug line for a missing cookie", () => {
  it("names the two sites and each browser's rule when the page is cross-site", async () => {
    const line = await refusalLine("https://app.site-b.test", "api.site-a.test");
    expect(line).toContain('Cookies: the page at https://app.site-b.test is cross-site to this API (https://site-b.test vs https://site-a.test), so browsers drop the CSRF cookie "csrftoken" there: Chromium (samesite-lax-cross-site), Firefox (samesite-lax-cross-site), Safari (samesite-lax-cross-site).');
  });

  it("names the third-party rule for a SameSite=None cookie", async () => {
    const line = await refusalLine("https://app.site-b.test", "api.site-a.test", { sameSite: "None", secure: true });
    expect(line).toContain("Chromium (third-party-blocked), Safari (third-party-blocked)");
    expect(line).not.toContain("Firefox (");
  });

  it("says SameSite is not the cause when the page is same-site", async () => {
    const line = await refusalLine("https://app.site-a.test", "api.site-a.test");
    expect(line).toContain("is same-site with this API, so SameSite does not drop \"csrftoken\"");
  });

  it("takes the page's https scheme behind a TLS-terminating proxy", async () => {
    const line = await refusalLine("https://app.site-a.test", "api.site-a.test", {}, false);
    expect(line).toContain("is same-site with this API");
  });

  it("treats localhost and 127.0.0.1 as two sites", async () => {
    const line = await refusalLine("http://localhost:5173", "127.0.0.1:8000", {}, false);
    expect(line).toContain("(http://localhost vs http://127.0.0.1)");
  });
});

describe("CSRF cookie options that can never work", () => {
  it.each<[string, CsrfCookieOptions, RegExp]>([
    ["SameSite=None without Secure", { sameSite: "None" }, /cookie\.sameSite.*"None".*requires the Secure attribute.*set cookie\.secure: true/s],
    ["a __Host- name with a Domain", { name: "__Host-csrf", secure: true, domain: ".example.com" }, /cookie\.name.*"__Host-csrf".*Secure, Path=\/ and no Domain.*no cookie\.domain, or drop the prefix/s],
    ["Partitioned without Secure", { partitioned: true, sameSite: "Lax" }, /cookie\.partitioned.*true.*requires the Secure attribute.*set cookie\.secure: true/s],
  ])("%s is refused with the fix", (_desc, cookie, message) => {
    expect(() => createCsrfPolicy({ secret: SECRET, cookie })).toThrow(message);
  });

  it("writes Partitioned, and the cookie model then predicts Chromium sends it cross-site", async () => {
    const policy = createCsrfPolicy({ secret: SECRET, cookie: { secure: true, sameSite: "None", partitioned: true } });
    const issued = await policy.issueToken(requestViewFromRecord("GET", "/api/csrf", { host: "api.site-a.test" }));
    const setCookie = issued.headers.find(([name]) => name === "Set-Cookie")![1];
    expect(setCookie).toMatch(/; SameSite=None; Secure; Partitioned$/);
    const p = predictCookie(setCookie, { pageOrigin: "https://app.site-b.test", responseUrl: "https://api.site-a.test/api/csrf" });
    expect([p.browsers.chromium.rule, p.browsers.firefox.rule, p.browsers.safari.rule]).toEqual(["partitioned", "third-party-partitioned", "third-party-blocked"]);
  });
});

describe("the hint's cookie rules", () => {
  it("are the cookie model's verdicts on the Set-Cookie header the guard writes", () => {
    const now = Date.UTC(2026, 0, 1);
    const attributes: fc.Arbitrary<CookieAttributes> = fc.record({
      name: fc.constantFrom("csrftoken", "__Host-csrf", "__Secure-csrf", "__secure-x"),
      path: fc.constantFrom("/", "/api", "/api/", "/other"),
      domain: fc.constantFrom(undefined, "site-a.test", ".Site-A.test", "api.site-a.test", "test", "site-b.test", "github.io"),
      secure: fc.boolean(),
      sameSite: fc.constantFrom<CookieAttributes["sameSite"]>("Lax", "Strict", "None", false),
      httpOnly: fc.boolean(),
      maxAgeSeconds: fc.constantFrom(null, 0, 1, 31_449_600, 10 ** 12),
      partitioned: fc.boolean(),
    });
    const page = fc.constantFrom("https://app.site-a.test", "https://app.site-b.test", "http://localhost:5173", "http://127.0.0.1:5173", "https://x.github.io");
    const api = fc.constantFrom("https://api.site-a.test/api/things", "http://127.0.0.1:8000/api/x", "http://api.site-a.test/api", "https://y.github.io/");
    fc.assert(
      fc.property(attributes, page, api, (cookie, pageOrigin, apiUrl) => {
        const prediction = predictCookie(serializeCookie(cookie, "x"), { pageOrigin, responseUrl: apiUrl, now });
        const url = new URL(apiUrl);
        const relation = siteRelation(pageOrigin, url);
        const scene = { cookie: cookieFacts(cookie, now), path: cookie.path, responseUrl: url, requestUrl: url, setFrom: relation, sentTo: relation, now };
        for (const browser of COOKIE_BROWSERS) {
          const { stored, sent, rule } = prediction.browsers[browser];
          expect(cookieOutcome(scene, COOKIE_BEHAVIOURS[browser])).toMatchObject({ stored, sent, rule });
        }
      }),
      { numRuns: 500 },
    );
  });
});
