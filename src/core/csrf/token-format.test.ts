import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { ConfigError } from "../errors.ts";
import { requestViewFromRecord } from "../request.ts";
import { cookieValues } from "./cookie.ts";
import type { CsrfOptions } from "./options.ts";
import { createCsrfPolicy, type CsrfPolicy } from "./policy.ts";
import type { CsrfRequest } from "./request.ts";
import { maskSecret, TOKEN_ALPHABET, unmaskToken } from "./token.ts";
import { djangoTokenFormat } from "./token-format.ts";

const API_HOST = "api.example.com";
const APP = "https://app.example.com";
const SECRET = "AbCdEfGhIjKlMnOpQrStUvWxYz012345"; // a Django >= 4.1 cookie: 32 characters
const OTHER = "ZyXwVuTsRqPoNmLkJiHgFeDcBa987654";

function request(method: string, headers: Record<string, string>, extra: Partial<CsrfRequest> = {}): CsrfRequest {
  return { ...requestViewFromRecord(method, "/api/things", { host: API_HOST, ...headers }), ...extra };
}

function policy(options: Partial<CsrfOptions> = {}): CsrfPolicy {
  return createCsrfPolicy({ trustedOrigins: [APP], tokenFormat: "django", ...options });
}

const format = djangoTokenFormat(false);

describe("Django's token format", () => {
  it.each<[string, string, "length" | "characters" | undefined]>([
    ["a 32-character secret", SECRET, undefined],
    ["a 64-character masked token", maskSecret(SECRET), undefined],
    ["empty", "", "length"],
    ["31 characters", SECRET.slice(1), "length"],
    ["33 characters", SECRET + "a", "length"],
    ["63 characters", maskSecret(SECRET).slice(1), "length"],
    ["65 characters", maskSecret(SECRET) + "a", "length"],
    ["crossgate's signed cookie masked (128 characters)", "a".repeat(128), "length"],
    ["a megabyte", "a".repeat(1 << 20), "length"],
    ["a dash", "AbCdEfGhIjKlMnOp-rStUvWxYz012345", "characters"],
    ["a space", " bCdEfGhIjKlMnOpQrStUvWxYz012345", "characters"],
    ["a non-ASCII letter", "ébCdEfGhIjKlMnOpQrStUvWxYz012345", "characters"],
    ["an astral character (two UTF-16 units)", "😀CdEfGhIjKlMnOpQrStUvWxYz012345", "characters"],
    ["a NUL", "\0bCdEfGhIjKlMnOpQrStUvWxYz012345", "characters"],
    ["percent-encoding", "%41" + SECRET.slice(3), "characters"],
  ])("%s: %s", (_name, value, problem) => {
    expect(format.cookieProblem(value)).toBe(problem);
    expect(format.tokenProblem(value)).toBe(problem);
  });

  // Expected secrets computed by Django 3.2's own `_unmask_cipher_token`.
  it.each([
    ["ABCDEFGHIJKLMNOPQRSTUVWXYZabcdef0123456789zyxwvutsrqponmlkjihgfe", "AAAAAAAAAAZXVTRPNLJHFDBzxvjhfdb9"],
    ["zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "LLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLL"],
    ["9".repeat(32) + "Z".repeat(16) + "0".repeat(16), "00000000000000001111111111111111"],
  ])("unmasks %s as Django does", (token, secret) => {
    expect(format.tokenSecret(token)).toBe(secret);
    expect(format.cookieSecret(token)).toBe(secret);
  });

  it("takes a 32-character value as the secret itself", () => {
    expect(format.tokenSecret(SECRET)).toBe(SECRET);
    expect(format.cookieSecret(SECRET)).toBe(SECRET);
  });

  it("masking round-trips for every secret, and the mask hides it", () => {
    const secret = fc.string({ unit: fc.constantFrom(...TOKEN_ALPHABET), minLength: 32, maxLength: 32 });
    fc.assert(
      fc.property(secret, (value) => {
        const token = maskSecret(value);
        expect(token).toMatch(/^[A-Za-z0-9]{64}$/);
        expect(unmaskToken(token)).toBe(value);
      }),
      { numRuns: 500 },
    );
  });

  it("writes new cookies as Django >= 4.1 (32-character secret) or, masked, as Django <= 4.0 (64 characters)", async () => {
    expect(await djangoTokenFormat(false).newCookie(undefined)).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(await djangoTokenFormat(true).newCookie(undefined)).toMatch(/^[A-Za-z0-9]{64}$/);
    expect(await djangoTokenFormat(false).newCookie(undefined)).not.toBe(await djangoTokenFormat(false).newCookie(undefined));
  });
});

describe('tokenFormat: "django" decisions', () => {
  const p = policy();
  const post = (headers: Record<string, string>, extra?: Partial<CsrfRequest>) => p.decide(request("POST", { origin: APP, ...headers }, extra));

  it.each<[string, string, string]>([
    ["a 32-character cookie and the same secret in the header", SECRET, SECRET],
    ["a 32-character cookie and a masked token", SECRET, maskSecret(SECRET)],
    ["a 64-character (Django <= 4.0) cookie and the bare secret", maskSecret(SECRET), SECRET],
    ["a 64-character cookie and another masking of its secret", maskSecret(SECRET), maskSecret(SECRET)],
  ])("accepts %s", async (_name, cookie, token) => {
    expect(await post({ cookie: `csrftoken=${cookie}`, "x-csrftoken": token })).toMatchObject({ action: "pass", verdict: "token" });
  });

  it("accepts the token from the form field, as Django reads it first", async () => {
    const decision = await post(
      { cookie: `csrftoken=${SECRET}`, "content-type": "application/x-www-form-urlencoded" },
      { formField: (name) => (name === "csrfmiddlewaretoken" ? maskSecret(SECRET) : undefined) },
    );
    expect(decision.verdict).toBe("token");
  });

  it.each<[string, Record<string, string>, string]>([
    ["no cookie", { "x-csrftoken": SECRET }, "CSRF cookie not set."],
    ["a short cookie", { cookie: `csrftoken=${SECRET.slice(2)}`, "x-csrftoken": SECRET }, "CSRF cookie has incorrect length."],
    ["a cookie with a dash", { cookie: "csrftoken=AbCdEfGhIjKlMnOp-rStUvWxYz012345", "x-csrftoken": SECRET }, "CSRF cookie has invalid characters."],
    ["no token", { cookie: `csrftoken=${SECRET}` }, "CSRF token missing."],
    ["a token of crossgate's signed length (128)", { cookie: `csrftoken=${SECRET}`, "x-csrftoken": maskSecret(SECRET + SECRET) }, "CSRF token from the 'X-Csrftoken' HTTP header has incorrect length."],
    ["a token with a dot", { cookie: `csrftoken=${SECRET}`, "x-csrftoken": "AbCdEfGhIjKlMnOp.rStUvWxYz012345" }, "CSRF token from the 'X-Csrftoken' HTTP header has invalid characters."],
    ["another secret", { cookie: `csrftoken=${SECRET}`, "x-csrftoken": OTHER }, "CSRF token from the 'X-Csrftoken' HTTP header incorrect."],
    ["another secret, masked", { cookie: `csrftoken=${maskSecret(SECRET)}`, "x-csrftoken": maskSecret(OTHER) }, "CSRF token from the 'X-Csrftoken' HTTP header incorrect."],
    ["the cookie's mask without its cipher", { cookie: `csrftoken=${maskSecret(SECRET)}`, "x-csrftoken": maskSecret(SECRET).slice(0, 32) }, "CSRF token from the 'X-Csrftoken' HTTP header incorrect."],
  ])("refuses %s", async (_name, headers, reason) => {
    expect(await post(headers)).toMatchObject({ action: "respond", verdict: "refused", reason });
  });

  it("keeps the Origin, Referer and Sec-Fetch-Site checks", async () => {
    const pair = { cookie: `csrftoken=${SECRET}`, "x-csrftoken": SECRET };
    expect((await p.decide(request("POST", { ...pair, origin: "https://evil.example" }))).reason).toBe(
      "Origin checking failed - https://evil.example does not match any trusted origins.",
    );
    expect((await p.decide(request("POST", { ...pair, origin: "null" }))).code).toBe("origin-untrusted");
    expect((await p.decide(request("POST", pair, { secure: true }))).reason).toBe("Referer checking failed - no Referer.");
    expect((await p.decide(request("POST", { ...pair, referer: "http://api.example.com/" }, { secure: true }))).code).toBe("referer-insecure");
    expect((await p.decide(request("POST", { "sec-fetch-site": "same-origin" }))).verdict).toBe("same-origin");
    expect((await p.decide(request("GET", { origin: "https://evil.example" }))).verdict).toBe("safe-method");
  });

  it("needs no secret, and ignores SECRET_KEY-like values it would never use", () => {
    expect(() => createCsrfPolicy({ tokenFormat: "django" })).not.toThrow();
    expect(() => createCsrfPolicy({ tokenFormat: "django", secret: "short", secretFallbacks: ["x"] })).not.toThrow();
  });

  it("refuses crossgate's signed cookie no differently from any other wrong secret", async () => {
    const signed = createCsrfPolicy({ secret: "test-secret-0123456789-abcdefghijklmnop" });
    const issued = await signed.issueToken(request("GET", {}));
    const cookie = issued.headers.find(([name]) => name === "Set-Cookie")![1].split(";")[0]!;
    // The signed cookie is 64 alphanumerics: Django (and this mode) read it as a masked token.
    expect((await post({ cookie, "x-csrftoken": issued.token })).code).toBe("token-length");
    expect((await post({ cookie, "x-csrftoken": SECRET })).code).toBe("token-incorrect");
  });

  it("never throws and never passes a token whose secret differs from every cookie's", async () => {
    const anyText = fc.oneof(fc.string({ maxLength: 80 }), fc.string({ unit: fc.constantFrom(...TOKEN_ALPHABET), minLength: 32, maxLength: 32 }), fc.string({ unit: fc.constantFrom(...TOKEN_ALPHABET), minLength: 64, maxLength: 64 }));
    await fc.assert(
      fc.asyncProperty(anyText, anyText, async (cookie, token) => {
        const req = request("POST", { origin: APP, cookie: `csrftoken=${cookie}`, "x-csrftoken": token });
        const decision = await p.decide(req);
        // What the guard sees after Cookie parsing and header normalisation.
        const cookies = cookieValues(req.header("cookie"), "csrftoken").filter((value) => format.cookieProblem(value) === undefined);
        const sent = req.header("x-csrftoken") ?? "";
        const matches = format.tokenProblem(sent) === undefined && cookies.some((value) => format.cookieSecret(value) === format.tokenSecret(sent));
        expect(decision.verdict).toBe(matches ? "token" : "refused");
      }),
      { numRuns: 1000 },
    );
  });
});

describe('issuing tokens with tokenFormat: "django"', () => {
  const setCookieOf = (headers: readonly (readonly [string, string])[]) => headers.find(([name]) => name === "Set-Cookie")?.[1];
  const cookieValueOf = (setCookie: string) => setCookie.split(";")[0]!.split("=")[1]!;

  it.each([
    ["a Django >= 4.1 cookie", SECRET],
    ["a Django <= 4.0 cookie", maskSecret(SECRET)],
  ])("never replaces %s: no Set-Cookie, and the token masks its secret", async (_name, cookie) => {
    const issued = await policy().issueToken(request("GET", { cookie: `csrftoken=${cookie}` }));
    expect(setCookieOf(issued.headers)).toBeUndefined();
    expect(issued.token).toMatch(/^[A-Za-z0-9]{64}$/);
    expect(unmaskToken(issued.token)).toBe(SECRET);
    expect(issued.headers.map(([name]) => name)).toEqual(["X-CSRFToken", "Cache-Control", "Vary"]);
  });

  it("does not replace the cookie on a token refusal either, yet hands out the right token", async () => {
    const decision = await policy().decide(request("POST", { origin: APP, cookie: `csrftoken=${SECRET}`, "x-csrftoken": OTHER }));
    const headers = decision.response!.headers;
    expect(setCookieOf(headers)).toBeUndefined();
    expect(unmaskToken(headers.find(([name]) => name === "X-CSRFToken")![1])).toBe(SECRET);
  });

  it.each([
    ["no cookie", "", /^[A-Za-z0-9]{32}$/, false],
    ["a malformed cookie", "csrftoken=not-a-token", /^[A-Za-z0-9]{32}$/, false],
    ["no cookie, masked", "", /^[A-Za-z0-9]{64}$/, true],
  ])("writes a new cookie when there is %s", async (_name, cookieHeader, shape, masked) => {
    const p = policy({ cookie: { masked } });
    const issued = await p.issueToken(request("GET", cookieHeader === "" ? {} : { cookie: cookieHeader }));
    const setCookie = setCookieOf(issued.headers)!;
    expect(setCookie).toMatch(/^csrftoken=\w+; Max-Age=31449600; Path=\/; SameSite=Lax$/);
    const value = cookieValueOf(setCookie);
    expect(value).toMatch(shape);
    expect(unmaskToken(issued.token)).toBe(value.length === 64 ? unmaskToken(value) : value);
  });

  it("replaces the cookie on rotation (login), as Django's rotate_token does", async () => {
    const issued = await policy().issueToken(request("GET", { cookie: `csrftoken=${SECRET}` }), { rotate: true });
    const value = cookieValueOf(setCookieOf(issued.headers)!);
    expect(value).not.toBe(SECRET);
    expect(unmaskToken(issued.token)).toBe(value);
  });

  it("masks the cookie Django reads when several are sent: the last one", async () => {
    const issued = await policy().issueToken(request("GET", { cookie: `csrftoken=${OTHER}; csrftoken=${SECRET}` }));
    expect(unmaskToken(issued.token)).toBe(SECRET);
    expect(setCookieOf(issued.headers)).toBeUndefined();
  });
});

describe("tokenFormat validation", () => {
  function problems(options: unknown): string[] {
    try {
      createCsrfPolicy(options as CsrfOptions);
      return [];
    } catch (error) {
      return (error as ConfigError).issues.map((issue) => `${issue.option}: ${issue.code}`);
    }
  }

  it.each<[string, unknown, string[]]>([
    ["django without a secret", { tokenFormat: "django" }, []],
    ["django, masked", { tokenFormat: "django", cookie: { masked: true } }, []],
    ["django, unmasked", { tokenFormat: "django", cookie: { masked: false } }, []],
    ["signed, explicitly", { tokenFormat: "signed", secret: "test-secret-0123456789-abcdefghijklmnop" }, []],
    ["signed still needs its secret", { tokenFormat: "signed" }, ["secret: secret-missing"]],
    ["an unknown format", { tokenFormat: "jwt" }, ["tokenFormat: value-invalid", "secret: secret-missing"]],
    ["a wrong case", { tokenFormat: "Django" }, ["tokenFormat: value-invalid", "secret: secret-missing"]],
    ["django with tokens off", { tokenFormat: "django", tokens: false }, ["tokenFormat: value-invalid"]],
    ["django with a sessionId, which nothing would bind", { tokenFormat: "django", sessionId: () => "s" }, ["sessionId: value-invalid"]],
    ["a masked signed cookie", { secret: "test-secret-0123456789-abcdefghijklmnop", cookie: { masked: true } }, ["cookie.masked: value-invalid"]],
    ["masked not a boolean", { tokenFormat: "django", cookie: { masked: "yes" } }, ["cookie.masked: wrong-type"]],
  ])("%s", (_name, options, expected) => {
    expect(problems(options)).toEqual(expected);
  });

  it("says what each format is and suggests the one meant", () => {
    expect(() => createCsrfPolicy({ tokenFormat: "Django" as "django" })).toThrow(/tokenFormat: "Django" must be "signed" .* or "django" .*Fix: write tokenFormat: "django"\./s);
    expect(() => createCsrfPolicy({ tokenFormat: "django", sessionId: () => "s" })).toThrow(/sessionId: .*not signed.*Fix: leave sessionId out/s);
  });
});
