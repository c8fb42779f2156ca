// Properties of CSRF token signing and verification (fast-check).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createCsrfPolicy, requestViewFromRecord } from "../../src/index.ts";
import { createTokenSigner, maskSecret, SECRET_LENGTH, TOKEN_ALPHABET, unmaskToken } from "../../src/core/csrf/token.ts";

const SECRET = "property-secret-0123456789abcdefghijkl";
const signer = createTokenSigner(SECRET);
const alnum = (length: number) => fc.string({ unit: fc.constantFrom(...TOKEN_ALPHABET), minLength: length, maxLength: length });
/** Session ids as apps have them, including none, empty, unicode and separator characters. */
const sessionId = fc.option(fc.string({ unit: "grapheme", maxLength: 40 }), { nil: undefined });
const same = (a: string | undefined, b: string | undefined) => (a ?? "") === (b ?? "");

describe("token signing", () => {
  it("every issued secret verifies for its own session", async () => {
    await fc.assert(
      fc.asyncProperty(sessionId, async (sid) => {
        expect(await signer.verify(await signer.newSecret(sid), sid)).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });

  it("an issued secret verifies for no other session", async () => {
    await fc.assert(
      fc.asyncProperty(sessionId, sessionId, async (a, b) => {
        fc.pre(!same(a, b));
        expect(await signer.verify(await signer.newSecret(a), b)).toBe(false);
      }),
      { numRuns: 1000 },
    );
  });

  it("no forged secret verifies, whatever the session", async () => {
    await fc.assert(
      fc.asyncProperty(alnum(SECRET_LENGTH), sessionId, async (forged, sid) => {
        expect(await signer.verify(forged, sid)).toBe(false);
      }),
      { numRuns: 1000 },
    );
  });

  it("changing any one character of an issued secret breaks it", async () => {
    await fc.assert(
      fc.asyncProperty(sessionId, fc.nat(SECRET_LENGTH - 1), fc.integer({ min: 1, max: 61 }), async (sid, position, shift) => {
        const secret = await signer.newSecret(sid);
        const replaced = TOKEN_ALPHABET[(TOKEN_ALPHABET.indexOf(secret[position]!) + shift) % 62]!;
        const tampered = secret.slice(0, position) + replaced + secret.slice(position + 1);
        expect(await signer.verify(tampered, sid)).toBe(false);
      }),
      { numRuns: 500 },
    );
  });

  it("a secret signed with another key does not verify", async () => {
    const other = createTokenSigner("another-property-secret-0123456789abc");
    await fc.assert(
      fc.asyncProperty(sessionId, async (sid) => {
        expect(await signer.verify(await other.newSecret(sid), sid)).toBe(false);
      }),
      { numRuns: 300 },
    );
  });

  it("masking is reversible and never reveals the secret", () => {
    fc.assert(
      fc.property(alnum(SECRET_LENGTH), (secret) => {
        const token = maskSecret(secret);
        expect(token).toMatch(/^[A-Za-z0-9]{128}$/);
        expect(unmaskToken(token)).toBe(secret);
      }),
      { numRuns: 1000 },
    );
  });
});

describe("through the guard", () => {
  const policy = createCsrfPolicy({ secret: SECRET, sessionId: (request) => request.header("x-session") });
  const post = (headers: Record<string, string>) =>
    policy.decide({ ...requestViewFromRecord("POST", "/api", { host: "api.test", origin: "http://api.test", ...headers }) });
  const session = (sid: string | undefined): Record<string, string> => (sid === undefined ? {} : { "x-session": sid });
  const headerSafeSession = fc.option(fc.stringMatching(/^[A-Za-z0-9._~-]{1,24}$/), { nil: undefined });

  it("a token from the token endpoint passes for its session only", async () => {
    await fc.assert(
      fc.asyncProperty(headerSafeSession, headerSafeSession, async (owner, requester) => {
        const issued = await policy.issueToken({ ...requestViewFromRecord("GET", "/csrf", { host: "api.test", ...session(owner) }) });
        const cookie = issued.headers.find(([name]) => name === "Set-Cookie")![1].split(";")[0]!;
        const decision = await post({ cookie, "x-csrftoken": issued.token, ...session(requester) });
        if (same(owner, requester)) expect(decision.verdict).toBe("token");
        else expect(decision.reason).toBe("CSRF token from the 'X-Csrftoken' HTTP header incorrect.");
      }),
      { numRuns: 300 },
    );
  });

  it("no forged cookie and token pair passes", async () => {
    await fc.assert(
      fc.asyncProperty(alnum(SECRET_LENGTH), fc.boolean(), headerSafeSession, async (forged, masked, sid) => {
        const token = masked ? maskSecret(forged) : forged;
        const decision = await post({ cookie: `csrftoken=${forged}`, "x-csrftoken": token, ...session(sid) });
        expect(decision.code).toBe("token-incorrect");
      }),
      { numRuns: 300 },
    );
  });
});
