import { describe, expect, it, vi } from "vitest";
import { createCorsPolicy } from "../cors/policy.ts";
import { requestViewFromRecord } from "../request.ts";
import type { CsrfDecision } from "./decide.ts";
import type { CsrfOptions } from "./options.ts";
import { createCsrfPolicy, type CsrfPolicy } from "./policy.ts";
import { FORM_TOO_LARGE, type CsrfRequest, type FormFieldValue } from "./request.ts";

const SECRET = "test-secret-0123456789-abcdefghijklmnop";
const APP = "https://app.example.com";
const API_HOST = "api.example.com";

function request(method: string, headers: Record<string, string>, extra: Partial<CsrfRequest> = {}): CsrfRequest {
  return { ...requestViewFromRecord(method, extra.path ?? "/api/things", { host: API_HOST, ...headers }), ...extra };
}

const corsPolicy = createCorsPolicy({ origins: [APP, "https://*.tenants.example.com"], originRegexes: [/^https:\/\/pr-\d+\.preview\.example\.net$/], credentials: true, exposeHeaders: ["X-CSRFToken"] });

function policy(options: Partial<CsrfOptions> = {}): CsrfPolicy {
  return createCsrfPolicy({ cors: corsPolicy, secret: SECRET, ...options });
}

async function decide(p: CsrfPolicy, req: CsrfRequest): Promise<CsrfDecision> {
  return p.decide(req);
}

/** A cookie and matching masked token from the policy's own token endpoint. */
async function tokenFor(p: CsrfPolicy, sessionHeaders: Record<string, string> = {}): Promise<{ cookie: string; token: string; secret: string }> {
  const issued = await p.issueToken(request("GET", sessionHeaders));
  const setCookie = issued.headers.find(([name]) => name === "Set-Cookie")![1];
  const pair = setCookie.split(";")[0]!;
  return { cookie: pair, token: issued.token, secret: pair.split("=")[1]! };
}

describe("decision order", () => {
  const noTokens = policy({ tokens: false });

  it.each([
    ["GET"],
    ["HEAD"],
    ["OPTIONS"],
    ["TRACE"],
    ["get"],
  ])("lets the safe method %s through without looking at anything else", async (method) => {
    const decision = await decide(policy(), request(method, { origin: "https://evil.example" }));
    expect(decision).toMatchObject({ action: "pass", verdict: "safe-method" });
  });

  it.each([["same-origin"], ["none"]])("trusts Sec-Fetch-Site: %s even with a foreign Origin", async (site) => {
    const decision = await decide(policy(), request("POST", { "sec-fetch-site": site, origin: "https://whatever.example" }));
    expect(decision.verdict).toBe("same-origin");
  });

  it.each<[string, Record<string, string>, string]>([
    ["a foreign Origin", { origin: "https://evil.example" }, "Origin checking failed - https://evil.example does not match any trusted origins."],
    ["Origin null", { origin: "null" }, "Origin checking failed - null does not match any trusted origins."],
    ["Sec-Fetch-Site cross-site from an untrusted origin", { "sec-fetch-site": "cross-site", origin: "https://evil.example" }, "Origin checking failed - https://evil.example does not match any trusted origins."],
    ["Sec-Fetch-Site same-site from a sibling", { "sec-fetch-site": "same-site", origin: "https://evil.example.com" }, "Origin checking failed - https://evil.example.com does not match any trusted origins."],
    ["a malformed Origin", { origin: "https://APP.example.com/" }, "Origin checking failed - https://APP.example.com/ does not match any trusted origins."],
    ["the trusted host on the wrong scheme", { origin: "http://app.example.com" }, "Origin checking failed - http://app.example.com does not match any trusted origins."],
    ["a pattern's apex", { origin: "https://tenants.example.com" }, "Origin checking failed - https://tenants.example.com does not match any trusted origins."],
    ["a lookalike of a regex", { origin: "https://pr-1.preview.example.net.evil.io" }, "Origin checking failed - https://pr-1.preview.example.net.evil.io does not match any trusted origins."],
  ])("refuses %s", async (_name, headers, reason) => {
    const decision = await decide(noTokens, request("POST", headers));
    expect(decision).toMatchObject({ action: "respond", verdict: "refused", code: "origin-untrusted", reason });
    expect(decision.response?.status).toBe(403);
  });

  it.each([
    ["the own origin", "http://api.example.com"],
    ["an exact CORS origin", APP],
    ["a CORS subdomain pattern", "https://a.b.tenants.example.com"],
    ["a CORS regex", "https://pr-42.preview.example.net"],
    ["a trustedOrigins entry", "https://admin.example.org"],
  ])("passes %s (tokens off)", async (_name, origin) => {
    const p = policy({ tokens: false, trustedOrigins: ["https://admin.example.org"] });
    expect((await decide(p, request("POST", { origin }))).verdict).toBe("trusted-origin");
  });

  it("checks the CORS origins again after a reconfigure: an entry the trusted-origin rules refuse is not trusted, and says so", async () => {
    const cors = createCorsPolicy({ origins: [APP] });
    const warnings: string[] = [];
    const p = createCsrfPolicy({ cors, tokens: false, logger: { warn: (message) => warnings.push(message) } });
    cors.reconfigure({ origins: [APP, "https://*.github.io", "https://admin.example.com"] });
    expect((await decide(p, request("POST", { origin: "https://attacker.github.io" }))).code).toBe("origin-untrusted");
    expect((await decide(p, request("POST", { origin: "https://admin.example.com" }))).verdict).toBe("trusted-origin");
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('not trusting cors.origins[1] "https://*.github.io"');
  });

  it("never trusts a plain-http origin other than loopback", async () => {
    const cors = createCorsPolicy({ originRegexes: [/^.*$/], credentials: true, dangerouslyAllowPublicSuffixWildcards: true });
    expect(() => createCsrfPolicy({ cors, tokens: false })).toThrow(/cors\.originRegexes\[0\]/);
    const p = createCsrfPolicy({ cors: createCorsPolicy({ origins: ["http://localhost:*"], credentials: true }), tokens: false });
    expect((await decide(p, request("POST", { origin: "http://localhost:5173" }))).verdict).toBe("trusted-origin");
    expect((await decide(p, request("POST", { origin: "http://app.example.com" }))).code).toBe("origin-untrusted");
  });

  it("remembers trust answers per origin, so a regex runs once per distinct origin", async () => {
    const cors = createCorsPolicy({ originRegexes: [/^https:\/\/pr-\d+\.preview\.example\.net$/] });
    const p = createCsrfPolicy({ cors, tokens: false });
    const tested: string[] = [];
    const test = RegExp.prototype.test;
    const spy = vi.spyOn(RegExp.prototype, "test").mockImplementation(function (this: RegExp, input: string) {
      if (this.source.includes("preview")) tested.push(input);
      return test.call(this, input);
    });
    try {
      for (let round = 0; round < 3; round++) {
        expect((await decide(p, request("POST", { origin: "https://pr-7.preview.example.net" }))).verdict).toBe("trusted-origin");
        expect((await decide(p, request("POST", { origin: "https://pr-7.preview.example.org" }))).code).toBe("origin-untrusted");
      }
    } finally {
      spy.mockRestore();
    }
    expect(tested).toEqual(["https://pr-7.preview.example.net", "https://pr-7.preview.example.org"]);
  });

  it("requireOriginOrReferer: over plain HTTP, refuses a cookie-carrying request with neither Origin nor Referer", async () => {
    const lenient = policy();
    const strict = policy({ requireOriginOrReferer: true });
    const t = await tokenFor(strict);
    const bare = { cookie: t.cookie, "x-csrftoken": t.token };
    expect((await decide(lenient, request("POST", bare))).verdict).toBe("token");
    expect(await decide(strict, request("POST", bare))).toMatchObject({ code: "referer-missing", reason: "Referer checking failed - no Referer." });
    expect((await decide(strict, request("POST", { ...bare, referer: "http://api.example.com/form" }))).verdict).toBe("token");
    expect((await decide(strict, request("POST", { ...bare, origin: APP }))).verdict).toBe("token");
    // Without cookies nothing is at stake: the token check answers as before.
    expect((await decide(strict, request("POST", { "x-csrftoken": t.token }))).code).toBe("cookie-missing");
  });

  it("never trusts CORS '*' or a null origin the CORS policy allows", async () => {
    const publicCors = createCorsPolicy({ origins: "*" });
    const p = createCsrfPolicy({ cors: publicCors, tokens: false });
    expect((await decide(p, request("POST", { origin: "https://evil.example" }))).code).toBe("origin-untrusted");
    const nullCors = createCorsPolicy({ origins: ["null"], dangerouslyAllowNullOrigin: true });
    const q = createCsrfPolicy({ cors: nullCors, tokens: false });
    expect((await decide(q, request("POST", { origin: "null" }))).code).toBe("origin-untrusted");
  });

  it("follows a reconfigured CORS policy: the list is written once", async () => {
    const live = createCorsPolicy({ origins: ["https://old.example.com"] });
    const p = createCsrfPolicy({ cors: live, tokens: false });
    expect((await decide(p, request("POST", { origin: "https://new.example.com" }))).verdict).toBe("refused");
    live.reconfigure({ origins: ["https://new.example.com"] });
    expect((await decide(p, request("POST", { origin: "https://new.example.com" }))).verdict).toBe("trusted-origin");
  });

  it("does not check exempt paths, matched on the raw path only", async () => {
    const p = policy({ exempt: ["/webhooks/stripe", /^\/hooks\//] });
    expect((await decide(p, request("POST", { origin: "https://evil.example" }, { path: "/webhooks/stripe" }))).verdict).toBe("exempt");
    expect((await decide(p, request("POST", { origin: "https://evil.example" }, { path: "/hooks/github" }))).verdict).toBe("exempt");
    expect((await decide(p, request("POST", { origin: "https://evil.example" }, { path: "/webhooks/%73tripe" }))).verdict).toBe("refused");
  });
});

describe("Referer rules without Origin", () => {
  const secure = { secure: true };
  const noTokens = policy({ tokens: false, cookie: { domain: ".example.com" } });

  it.each<[string, Record<string, string>, string]>([
    ["no Referer", {}, "Referer checking failed - no Referer."],
    ["a malformed Referer", { referer: "not a url" }, "Referer checking failed - Referer is malformed."],
    ["an insecure Referer", { referer: "http://app.example.com/page" }, "Referer checking failed - Referer is insecure while host is secure."],
    ["a foreign Referer", { referer: "https://evil.example/form" }, "Referer checking failed - https://evil.example/form does not match any trusted origins."],
  ])("on HTTPS refuses %s", async (_name, headers, reason) => {
    expect((await decide(noTokens, request("POST", headers, secure))).reason).toBe(reason);
  });

  it.each([
    ["its own origin", "https://api.example.com/page"],
    ["a trusted origin", "https://app.example.com/x?y"],
    ["the cookie domain, as Django does", "https://other.example.com/"],
  ])("on HTTPS accepts a Referer from %s", async (_name, referer) => {
    expect((await decide(noTokens, request("POST", { referer }, secure))).verdict).toBe("trusted-origin");
  });

  it("over plain HTTP with tokens off still needs an own or trusted Referer", async () => {
    const p = policy({ tokens: false });
    expect((await decide(p, request("POST", {}))).reason).toBe("Referer checking failed - no Referer.");
    expect((await decide(p, request("POST", { referer: "http://evil.example/" }))).code).toBe("referer-untrusted");
    expect((await decide(p, request("POST", { referer: "http://api.example.com/form" }))).verdict).toBe("trusted-origin");
  });

  it("reads the scheme and host from X-Forwarded-* only with trustProxy", async () => {
    const headers = { "x-forwarded-proto": "https", "x-forwarded-host": "www.example.com", host: "10.0.0.5:8000" };
    const direct = policy({ tokens: false });
    // Without trustProxy the request is plain HTTP to 10.0.0.5:8000: https://www.example.com is foreign.
    expect((await decide(direct, request("POST", { ...headers, origin: "https://www.example.com" }))).code).toBe("origin-untrusted");
    const proxied = policy({ tokens: false, trustProxy: true });
    expect((await decide(proxied, request("POST", { ...headers, origin: "https://www.example.com" }))).verdict).toBe("trusted-origin");
    // Behind the proxy the request is HTTPS, so the strict Referer check applies.
    expect((await decide(proxied, request("POST", headers))).reason).toBe("Referer checking failed - no Referer.");
    expect((await decide(proxied, request("POST", { ...headers, "x-forwarded-proto": "https, http", referer: "https://www.example.com/f" }))).verdict).toBe("trusted-origin");
  });
});

describe("tokens", () => {
  it.each<[string, (t: { cookie: string; token: string; secret: string }) => Record<string, string>, string]>([
    ["no cookie", (t) => ({ "x-csrftoken": t.token }), "CSRF cookie not set."],
    ["a short cookie", () => ({ cookie: "csrftoken=abc" }), "CSRF cookie has incorrect length."],
    ["a cookie with bad characters", () => ({ cookie: `csrftoken=${"-".repeat(64)}` }), "CSRF cookie has invalid characters."],
    ["no token", (t) => ({ cookie: t.cookie }), "CSRF token missing."],
    ["a short header token", (t) => ({ cookie: t.cookie, "x-csrftoken": "abc" }), "CSRF token from the 'X-Csrftoken' HTTP header has incorrect length."],
    ["a header token with bad characters", (t) => ({ cookie: t.cookie, "x-csrftoken": "!".repeat(128) }), "CSRF token from the 'X-Csrftoken' HTTP header has invalid characters."],
    ["a token for another cookie", (t) => ({ cookie: t.cookie, "x-csrftoken": "a".repeat(64) }), "CSRF token from the 'X-Csrftoken' HTTP header incorrect."],
    ["a planted cookie and matching token (unsigned)", () => ({ cookie: `csrftoken=${"a".repeat(64)}`, "x-csrftoken": "a".repeat(64) }), "CSRF token from the 'X-Csrftoken' HTTP header incorrect."],
  ])("refuses %s", async (_name, headers, reason) => {
    const p = policy();
    const t = await tokenFor(p);
    const decision = await decide(p, request("POST", { origin: APP, accept: "application/json", ...headers(t) }));
    expect(decision.reason).toBe(reason);
    expect(JSON.parse(decision.response!.body)).toEqual({ error: "csrf_failed", reason });
  });

  it("passes the masked token, the raw cookie value, and the form field (read only without the header)", async () => {
    const p = policy();
    const t = await tokenFor(p);
    expect((await decide(p, request("POST", { origin: APP, cookie: t.cookie, "x-csrftoken": t.token }))).verdict).toBe("token");
    expect((await decide(p, request("POST", { origin: APP, cookie: t.cookie, "x-csrftoken": t.secret }))).verdict).toBe("token");
    const form = { "content-type": "application/x-www-form-urlencoded" };
    const formField = vi.fn((name: string) => (name === "csrfmiddlewaretoken" ? t.token : undefined));
    expect((await decide(p, request("POST", { origin: APP, cookie: t.cookie, ...form }, { formField }))).verdict).toBe("token");
    const wrongForm = await decide(p, request("POST", { origin: APP, cookie: t.cookie, ...form }, { formField: () => "b".repeat(128) }));
    expect(wrongForm.reason).toBe("CSRF token from POST incorrect.");
    // The form is never read for other methods or content types, nor when the header carries the token.
    const notForm = vi.fn(() => "x");
    expect((await decide(p, request("POST", { origin: APP, cookie: t.cookie, "x-csrftoken": t.token, ...form }, { formField: notForm }))).verdict).toBe("token");
    await decide(p, request("PUT", { origin: APP, cookie: t.cookie, "x-csrftoken": t.token, ...form }, { formField: notForm }));
    await decide(p, request("POST", { origin: APP, cookie: t.cookie, "x-csrftoken": t.token, "content-type": "application/json" }, { formField: notForm }));
    expect(notForm).not.toHaveBeenCalled();
  });

  it("answers 413 past maxFormBytes: on Content-Length without reading, or when the reader stops", async () => {
    const p = policy({ maxFormBytes: 1000 });
    const t = await tokenFor(p);
    const form = { "content-type": "application/x-www-form-urlencoded", accept: "application/json" };
    const unread = vi.fn(() => t.token);
    const declared = await decide(p, request("POST", { cookie: t.cookie, ...form, "content-length": "1001" }, { formField: unread }));
    expect(unread).not.toHaveBeenCalled();
    expect(declared).toMatchObject({ action: "respond", code: "form-too-large", reason: "Form body larger than 1000 bytes (maxFormBytes)." });
    expect(declared.response?.status).toBe(413);
    const limits: number[] = [];
    const streamed = await decide(p, request("POST", { cookie: t.cookie, ...form }, { formField: (_name, maxBytes) => (limits.push(maxBytes), FORM_TOO_LARGE) }));
    expect(limits).toEqual([1000]);
    expect(streamed.response?.status).toBe(413);
    // At the limit the form is read; a refused Origin or a missing cookie never reads it.
    expect((await decide(p, request("POST", { cookie: t.cookie, ...form, "content-length": "1000" }, { formField: () => t.token }))).verdict).toBe("token");
    const never = vi.fn((): FormFieldValue => FORM_TOO_LARGE);
    expect((await decide(p, request("POST", { origin: "https://evil.example", cookie: t.cookie, ...form }, { formField: never }))).response?.status).toBe(403);
    expect((await decide(p, request("POST", { ...form }, { formField: never }))).response?.status).toBe(403);
    expect(never).not.toHaveBeenCalled();
  });

  it("masks the token differently on every issue, over one cookie secret", async () => {
    const p = policy();
    const first = await tokenFor(p);
    const again = await p.issueToken(request("GET", { cookie: first.cookie }));
    expect(again.token).not.toBe(first.token);
    expect(again.headers.find(([n]) => n === "Set-Cookie")![1]).toContain(first.secret);
    const rotated = await p.issueToken(request("GET", { cookie: first.cookie }), { rotate: true });
    expect(rotated.headers.find(([n]) => n === "Set-Cookie")![1]).not.toContain(first.secret);
  });

  it("binds tokens to the session: another session's or a pre-login token is incorrect", async () => {
    const p = policy({ sessionId: (req) => req.header("x-session") });
    const alice = await tokenFor(p, { "x-session": "alice" });
    const anonymous = await tokenFor(p);
    const post = (session: string | undefined, t: typeof alice) =>
      decide(p, request("POST", { origin: APP, cookie: t.cookie, "x-csrftoken": t.token, ...(session ? { "x-session": session } : {}) }));
    expect((await post("alice", alice)).verdict).toBe("token");
    expect((await post("mallory", alice)).reason).toBe("CSRF token from the 'X-Csrftoken' HTTP header incorrect.");
    expect((await post("alice", anonymous)).reason).toBe("CSRF token from the 'X-Csrftoken' HTTP header incorrect.");
    expect((await post(undefined, alice)).code).toBe("token-incorrect");
  });

  it("accepts any of several same-named cookies that verifies (a sibling cannot lock users out)", async () => {
    const p = policy();
    const t = await tokenFor(p);
    const decision = await decide(p, request("POST", { origin: APP, cookie: `csrftoken=${"a".repeat(64)}; ${t.cookie}`, "x-csrftoken": t.token }));
    expect(decision.verdict).toBe("token");
  });

  it("refuses, logs and never throws when sessionId throws", async () => {
    const warn = vi.fn();
    const p = policy({ sessionId: () => { throw new Error("store down"); }, logger: { warn } });
    const t = await tokenFor(policy());
    const decision = await decide(p, request("POST", { origin: APP, cookie: t.cookie, "x-csrftoken": t.token }));
    expect(decision.code).toBe("token-incorrect");
    expect(warn.mock.calls[0]![0]).toContain("sessionId threw");
  });

  it("verifies tokens signed with a fallback secret, and signs new ones with the current secret", async () => {
    const old = policy();
    const t = await tokenFor(old);
    const rotated = createCsrfPolicy({ cors: corsPolicy, secret: "another-secret-abcdefghijklmnopqrstuvwxyz", secretFallbacks: [SECRET] });
    expect((await decide(rotated, request("POST", { origin: APP, cookie: t.cookie, "x-csrftoken": t.token }))).verdict).toBe("token");
    const fresh = await tokenFor(rotated);
    expect((await decide(old, request("POST", { origin: APP, cookie: fresh.cookie, "x-csrftoken": fresh.token }))).code).toBe("token-incorrect");
  });

  it("puts a fresh token on token refusals once the origin passed, never on origin refusals", async () => {
    const p = policy();
    const tokenRefusal = await decide(p, request("POST", { origin: APP }));
    const names = tokenRefusal.response!.headers.map(([name]) => name);
    expect(names).toEqual(expect.arrayContaining(["Set-Cookie", "X-CSRFToken"]));
    const originRefusal = await decide(p, request("POST", { origin: "https://evil.example" }));
    expect(originRefusal.response!.headers.map(([name]) => name)).not.toContain("Set-Cookie");
  });
});

describe("refusal responses", () => {
  const p = policy({ tokens: false });
  it.each<[string, Record<string, string>, string]>([
    ["Accept: application/json", { accept: "application/json" }, "application/json; charset=utf-8"],
    ["Accept: application/problem+json", { accept: "application/problem+json, */*" }, "application/json; charset=utf-8"],
    ["fetch's */* with a JSON body", { accept: "*/*", "content-type": "application/json" }, "application/json; charset=utf-8"],
    ["a browser form", { accept: "text/html,application/xhtml+xml", "content-type": "application/x-www-form-urlencoded" }, "text/plain; charset=utf-8"],
    ["no Accept and no body", {}, "text/plain; charset=utf-8"],
  ])("answers %s with the right type", async (_name, headers, type) => {
    const decision = await decide(p, request("POST", { origin: "https://evil.example", ...headers }));
    const response = decision.response!;
    expect(response.headers).toEqual(expect.arrayContaining([["Content-Type", type], ["Cache-Control", "no-store"], ["X-Content-Type-Options", "nosniff"]]));
    expect(response.body).toContain("Origin checking failed - https://evil.example does not match any trusted origins.");
  });

  it("logs each refusal like Django in debug mode, with a hint when CORS hides the token header", async () => {
    const warn = vi.fn();
    const hidden = createCorsPolicy({ origins: [APP], credentials: true });
    const q = createCsrfPolicy({ cors: hidden, secret: SECRET, debug: true, logger: { warn } });
    expect(warn.mock.calls.map((c) => c[0]).join("\n")).toContain("does not expose X-CSRFToken");
    await q.decide(request("POST", { origin: APP }));
    const line = warn.mock.calls.at(-1)![0] as string;
    expect(line).toMatch(/^Forbidden \(CSRF cookie not set\.\): \/api\/things Hint: the CORS policy does not expose X-CSRFToken/);
  });

  it("cuts an enormous Origin in the reason", async () => {
    const decision = await decide(p, request("POST", { origin: `https://${"a".repeat(5000)}.example` }));
    expect(decision.reason!.length).toBeLessThan(700);
  });
});

describe("token endpoint", () => {
  it("answers JSON with the cookie, the header, no-store and Vary: Cookie", async () => {
    const p = policy({ cookie: { secure: true, sameSite: "None", domain: ".example.com" } });
    const response = await p.tokenResponse(request("GET", { origin: APP }));
    const headers = new Map(response.headers.map(([n, v]) => [n, v]));
    const { csrfToken } = JSON.parse(response.body) as { csrfToken: string };
    expect(csrfToken).toMatch(/^[A-Za-z0-9]{128}$/);
    expect(headers.get("X-CSRFToken")).toBe(csrfToken);
    expect(headers.get("Set-Cookie")).toMatch(/^csrftoken=[A-Za-z0-9]{64}; Domain=\.example\.com; Max-Age=31449600; Path=\/; SameSite=None; Secure$/);
    expect(headers.get("Cache-Control")).toBe("no-store");
    expect(headers.get("Vary")).toBe("Cookie");
  });

  it("refuses to issue when tokens are off", async () => {
    await expect(policy({ tokens: false }).issueToken(request("GET", {}))).rejects.toThrow(/tokens are off/);
  });
});
