import { describe, expect, it } from "vitest";
import { ConfigError } from "../errors.ts";
import { corsRoutes } from "../cors/routes.ts";
import type { CsrfOptions } from "./options.ts";
import { createCsrfPolicy } from "./policy.ts";

const SECRET = "test-secret-0123456789-abcdefghijklmnop";

function problems(options: unknown): string[] {
  try {
    createCsrfPolicy(options as CsrfOptions);
    return [];
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).issues.map((issue) => `${issue.option}: ${issue.code}`);
  }
}

describe("createCsrfPolicy validation", () => {
  it.each<[string, unknown, string[]]>([
    ["defaults with a secret", { secret: SECRET }, []],
    ["tokens off without a secret", { tokens: false }, []],
    ["a missing secret", {}, ["secret: secret-missing"]],
    ["a short secret", { secret: "short" }, ["secret: secret-weak"]],
    ["a long but uniform secret", { secret: "a".repeat(64) }, ["secret: secret-weak"]],
    ["a weak fallback", { secret: SECRET, secretFallbacks: ["x"] }, ["secretFallbacks[0]: secret-weak"]],
    ["a typo", { secret: SECRET, trustedOrigin: [] }, ["trustedOrigin: unknown-option"]],
    ["trusting every origin", { secret: SECRET, trustedOrigins: ["*"] }, ["trustedOrigins[0]: any-origin-with-credentials"]],
    ["trusting null", { secret: SECRET, trustedOrigins: ["null"] }, ["trustedOrigins[0]: origin-null"]],
    ["an origin with a path", { secret: SECRET, trustedOrigins: ["https://a.com/"] }, ["trustedOrigins[0]: origin-has-path"]],
    ["plain http", { secret: SECRET, trustedOrigins: ["http://a.com"] }, ["trustedOrigins[0]: origin-insecure-with-credentials"]],
    ["a public-suffix wildcard", { secret: SECRET, trustedOrigins: ["https://*.github.io"] }, ["trustedOrigins[0]: origin-public-suffix-wildcard"]],
    ["a CORS route list, whose union of origins would widen trust", { secret: SECRET, cors: corsRoutes([["/api/*", { origins: ["https://a.com"] }]]) }, ["cors: wrong-type"]],
    ["bad CORS options", { secret: SECRET, cors: { origins: ["a.com"] } }, ["cors.origins[0]: origin-missing-scheme"]],
    ["SameSite=None without Secure", { secret: SECRET, cookie: { sameSite: "None" } }, ["cookie.sameSite: value-invalid"]],
    ["a __Host- cookie with a domain", { secret: SECRET, cookie: { name: "__Host-csrf", secure: true, domain: "example.com" } }, ["cookie.name: value-invalid"]],
    ["a bad cookie attribute", { secret: SECRET, cookie: { path: "api", maxAgeSeconds: -1, sames: 1 } }, ["cookie.sames: unknown-option", "cookie.path: value-invalid", "cookie.maxAgeSeconds: max-age-invalid"]],
    ["a forbidden header name", { secret: SECRET, headerName: "Cookie" }, ["headerName: header-forbidden"]],
    ["a relative exempt path", { secret: SECRET, exempt: ["webhooks"] }, ["exempt[0]: value-invalid"]],
    ["a non-function sessionId", { secret: SECRET, sessionId: "sid" }, ["sessionId: wrong-type"]],
    ["a public-suffix wildcard from CORS without credentials", { secret: SECRET, cors: { origins: ["https://app.example.com", "https://*.github.io"] } }, ["cors.origins[1]: origin-public-suffix-wildcard"]],
    ["plain http from CORS without credentials", { secret: SECRET, cors: { origins: ["http://partner.example.com", "http://localhost:3000"] } }, ["cors.origins[0]: origin-insecure-with-credentials"]],
    ["a public-suffix regex from CORS", { secret: SECRET, cors: { originRegexes: [/^https:\/\/[a-z0-9-]+\.vercel\.app$/] } }, ["cors.originRegexes[0]: origin-public-suffix-wildcard"]],
    ["an http regex from CORS", { secret: SECRET, cors: { originRegexes: [/^https?:\/\/[a-z]+\.example\.com$/] } }, ["cors.originRegexes[0]: origin-insecure-with-credentials"]],
    ["CORS * and null, never trusted, so not refused", { secret: SECRET, cors: { origins: ["*"] } }, []],
    ["CORS entries opted in with credentials", { secret: SECRET, cors: { origins: ["http://partner.example.com"], credentials: true, dangerouslyAllowInsecureOriginsWithCredentials: true } }, ["cors.origins[0]: origin-insecure-with-credentials"]],
    ["a backtracking exempt regex", { secret: SECRET, exempt: [/^\/hooks\/(\w+\/?)*$/] }, ["exempt[0]: regex-backtracking"]],
    ["a non-boolean requireOriginOrReferer", { secret: SECRET, requireOriginOrReferer: "yes" }, ["requireOriginOrReferer: wrong-type"]],
    ["a zero form limit", { secret: SECRET, maxFormBytes: 0 }, ["maxFormBytes: value-invalid"]],
    ["a fractional form limit", { secret: SECRET, maxFormBytes: 1.5 }, ["maxFormBytes: value-invalid"]],
  ])("%s", (_name, options, expected) => {
    expect(problems(options)).toEqual(expected);
  });

  it("names a CORS entry it will not trust, and the fix", () => {
    expect(() => createCsrfPolicy({ secret: SECRET, cors: { origins: ["https://*.github.io"] } })).toThrow(
      /cors\.origins\[0\]: "https:\/\/\*\.github\.io".*trusts the CORS policy's origins for cookie-carrying writes.*Fix: remove it from the CORS policy given as cors, or leave cors out and list the origins the guard may trust in trustedOrigins/s,
    );
  });

  it("never prints the secret, and says how to fix it", () => {
    try {
      createCsrfPolicy({ secret: "hunter2-hunter2" });
    } catch (error) {
      expect((error as Error).message).not.toContain("hunter2");
      expect((error as Error).message).toMatch(/secret: "15 characters" is too weak .* Fix: generate one/);
    }
    expect(() => createCsrfPolicy({})).toThrow(/secret: .*is missing; tokens are on.*process\.env\.SECRET_KEY.*tokens: false/);
  });

  it("drops the dangerously… escape hatches from the fixes: CSRF has none", () => {
    expect(() => createCsrfPolicy({ secret: SECRET, trustedOrigins: ["*", "http://a.com"] })).toThrow(/^(?![\s\S]*dangerously)/);
  });
});
