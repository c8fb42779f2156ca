import { describe, expect, it } from "vitest";
import { ConfigError, isConfigError } from "../errors.ts";
import { compileCors } from "./compile.ts";
import type { CorsOptions } from "./options.ts";

function issuesOf(options: CorsOptions): { code: string; option: string }[] {
  try {
    compileCors(options);
    return [];
  } catch (error) {
    expect(isConfigError(error)).toBe(true);
    return (error as ConfigError).issues.map(({ code, option }) => ({ code, option }));
  }
}

const CREDS = { credentials: true } as const;

describe("compileCors validation", () => {
  it.each<[string, CorsOptions, { code: string; option: string }[]]>([
    ["an empty configuration is valid and closed", {}, []],
    ["credentials with allow-all", { origins: "*", ...CREDS }, [{ code: "any-origin-with-credentials", option: "origins[0]" }]],
    ["credentials with allow-all, opted in", { origins: "*", ...CREDS, dangerouslyAllowAnyOriginWithCredentials: true }, []],
    ["the null origin", { origins: ["null"] }, [{ code: "origin-null", option: "origins[0]" }]],
    ["the null origin, opted in", { origins: ["null"], dangerouslyAllowNullOrigin: true }, []],
    ["an origin with a path", { origins: ["https://a.com/app"] }, [{ code: "origin-has-path", option: "origins[0]" }]],
    ["an origin with a trailing slash", { origins: ["https://a.com/"] }, [{ code: "origin-has-path", option: "origins[0]" }]],
    ["an origin with a query", { origins: ["https://a.com?x"] }, [{ code: "origin-has-query", option: "origins[0]" }]],
    ["an origin with a fragment", { origins: ["https://a.com#x"] }, [{ code: "origin-has-fragment", option: "origins[0]" }]],
    ["an origin with userinfo", { origins: ["https://u@a.com"] }, [{ code: "origin-has-userinfo", option: "origins[0]" }]],
    ["an origin without scheme", { origins: ["a.com"] }, [{ code: "origin-missing-scheme", option: "origins[0]" }]],
    ["an upper-case host", { origins: ["https://A.com"] }, [{ code: "origin-uppercase", option: "origins[0]" }]],
    ["a default port", { origins: ["https://a.com:443"] }, [{ code: "origin-default-port", option: "origins[0]" }]],
    ["plain http with credentials", { origins: ["http://a.com"], ...CREDS }, [{ code: "origin-insecure-with-credentials", option: "origins[0]" }]],
    ["plain http with credentials, opted in", { origins: ["http://a.com"], ...CREDS, dangerouslyAllowInsecureOriginsWithCredentials: true }, []],
    ["plain http without credentials", { origins: ["http://a.com"] }, []],
    ["loopback http with credentials", { origins: ["http://localhost:5173", "http://127.0.0.1:5173", "http://[::1]:5173", "http://localhost:*"], ...CREDS }, []],
    ["http pattern with credentials", { origins: ["http://*.a.com"], ...CREDS }, [{ code: "origin-insecure-with-credentials", option: "origins[0]" }]],
    ["a wildcard over a TLD with credentials", { origins: ["https://*.com"], ...CREDS }, [{ code: "origin-public-suffix-wildcard", option: "origins[0]" }]],
    ["a wildcard over github.io with credentials", { origins: ["https://*.github.io"], ...CREDS }, [{ code: "origin-public-suffix-wildcard", option: "origins[0]" }]],
    ["a wildcard over co.uk with credentials", { origins: ["https://*.co.uk"], ...CREDS }, [{ code: "origin-public-suffix-wildcard", option: "origins[0]" }]],
    ["a wildcard over a public suffix, opted in", { origins: ["https://*.github.io"], ...CREDS, dangerouslyAllowPublicSuffixWildcards: true }, []],
    ["a wildcard over a public suffix without credentials", { origins: ["https://*.github.io"] }, []],
    ["a wildcard over a private domain with credentials", { origins: ["https://*.example.co.uk", "https://*.me.github.io"], ...CREDS }, []],
    ["an invalid regex", { originRegexes: ["^https://(a$"] }, [{ code: "regex-invalid", option: "originRegexes[0]" }]],
    ["an unanchored regex", { originRegexes: ["https://a\\.com"] }, [{ code: "regex-unanchored", option: "originRegexes[0]" }]],
    ["a regex anchored at the start only", { originRegexes: [/^https:\/\/a\.com/] }, [{ code: "regex-unanchored", option: "originRegexes[0]" }]],
    ["an anchored regex", { originRegexes: [/^https:\/\/[a-z]+\.a\.com$/] }, []],
    ["an http regex with credentials", { originRegexes: ["^https?://[a-z]+\\.a\\.com$"], ...CREDS }, [{ code: "origin-insecure-with-credentials", option: "originRegexes[0]" }]],
    ["a loopback http regex with credentials", { originRegexes: ["^http://localhost:\\d+$"], ...CREDS }, []],
    ["* in request headers with credentials", { requestHeaders: ["*"], ...CREDS }, [{ code: "any-header-with-credentials", option: "requestHeaders" }]],
    ["* in request headers with credentials, opted in", { requestHeaders: ["*"], ...CREDS, dangerouslyAllowAnyHeaderWithCredentials: true }, []],
    ["* in request headers without credentials", { requestHeaders: ["*", "authorization"] }, []],
    ["* in exposed headers with credentials", { exposeHeaders: ["*"], ...CREDS }, [{ code: "expose-any-with-credentials", option: "exposeHeaders" }]],
    ["a malformed method", { methods: ["GET", "PO ST"] }, [{ code: "method-invalid", option: "methods[1]" }]],
    ["a forbidden method", { methods: ["TRACE"] }, [{ code: "method-forbidden", option: "methods[0]" }]],
    ["a malformed header", { requestHeaders: ["x-ok", "x bad"] }, [{ code: "header-invalid", option: "requestHeaders[1]" }]],
    ["a forbidden request header", { requestHeaders: ["Cookie"] }, [{ code: "header-forbidden", option: "requestHeaders[0]" }]],
    ["a forbidden exposed header", { exposeHeaders: ["Set-Cookie"] }, [{ code: "header-forbidden", option: "exposeHeaders[0]" }]],
    ["a negative max-age", { maxAgeSeconds: -1 }, [{ code: "max-age-invalid", option: "maxAgeSeconds" }]],
    ["a fractional max-age", { maxAgeSeconds: 1.5 }, [{ code: "max-age-invalid", option: "maxAgeSeconds" }]],
    ["a null max-age", { maxAgeSeconds: null }, []],
    ["a bad preflight status", { preflightStatus: 201 as 200 }, [{ code: "status-invalid", option: "preflightStatus" }]],
    ["a misspelt option", { orgins: ["https://a.com"] } as CorsOptions, [{ code: "unknown-option", option: "orgins" }]],
    ["a string where a list belongs", { methods: "GET" as unknown as string[] }, [{ code: "wrong-type", option: "methods" }]],
    ["a non-boolean credentials", { credentials: "true" as unknown as boolean }, [{ code: "wrong-type", option: "credentials" }]],
    ["a bad urlFilter", { urlFilter: "/api" as unknown as RegExp }, [{ code: "wrong-type", option: "urlFilter" }]],
  ])("%s", (_name, options, expected) => {
    expect(issuesOf(options)).toEqual(expected);
  });

  it("reports every problem at once, each with the option, the value and the fix", () => {
    try {
      compileCors({ origins: ["https://A.com/", "null"], maxAgeSeconds: -5, credentials: true, requestHeaders: ["*"] });
      expect.unreachable();
    } catch (error) {
      const message = (error as Error).message;
      expect(message).toMatch(/^crossgate: invalid CORS configuration \(4 problems\):/);
      expect(message).toContain('origins[0]: "https://A.com/"');
      expect(message).toContain('Fix: write "https://a.com"');
      expect(message).toContain("maxAgeSeconds: -5");
      expect(message).toContain("dangerouslyAllowNullOrigin");
    }
  });

  it("suggests the nearest option name", () => {
    expect(() => compileCors({ credential: true } as CorsOptions)).toThrow(/did you mean "credentials"/);
  });

  it("warns in debug mode about a max-age above the browsers' caps", () => {
    const warnings: string[] = [];
    compileCors({ maxAgeSeconds: 100000, debug: true, logger: { warn: (m) => warnings.push(m) } });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain("Chromium's cap of 7200s and Firefox's cap of 86400s");
    compileCors({ maxAgeSeconds: 100000, logger: { warn: (m) => warnings.push(m) } });
    expect(warnings).toHaveLength(1);
  });

  it("freezes the compiled policy and its option copy", () => {
    const input = { origins: ["https://a.com"] };
    const compiled = compileCors(input);
    expect(Object.isFrozen(compiled)).toBe(true);
    expect(Object.isFrozen(compiled.options)).toBe(true);
    input.origins.push("https://evil.com");
    expect(compiled.origins.exact.has("https://evil.com")).toBe(false);
  });
});

describe("compiled options", () => {
  it("keeps a deep copy of the lists", () => {
    const origins = ["https://a.com"];
    const compiled = compileCors({ origins });
    origins.push("https://evil.com");
    expect(compiled.options.origins).toEqual(["https://a.com"]);
    expect(Object.isFrozen(compiled.options.origins)).toBe(true);
  });
});
