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
    ["an http[s]? regex with credentials", { originRegexes: ["^http[s]?:\\/\\/[a-z]+\\.a\\.com$"], ...CREDS }, [{ code: "origin-insecure-with-credentials", option: "originRegexes[0]" }]],
    ["a (?:https?) regex with credentials", { originRegexes: [/^(?:https?):\/\/[a-z]+\.a\.com$/], ...CREDS }, [{ code: "origin-insecure-with-credentials", option: "originRegexes[0]" }]],
    ["a [a-z]+ scheme regex with credentials", { originRegexes: [/^[a-z]+:\/\/app\.a\.com$/], ...CREDS }, [{ code: "origin-insecure-with-credentials", option: "originRegexes[0]" }]],
    ["an https-only regex with credentials", { originRegexes: [/^https:\/\/[a-z]+\.a\.com(?::\d+)?$/], ...CREDS }, []],
    ["a regex over github.io with credentials", { originRegexes: [/^https:\/\/[a-z0-9-]+\.github\.io$/], ...CREDS }, [{ code: "origin-public-suffix-wildcard", option: "originRegexes[0]" }]],
    ["a regex over herokuapp.com with credentials", { originRegexes: [/^https:\/\/.*\.herokuapp\.com$/], ...CREDS }, [{ code: "origin-public-suffix-wildcard", option: "originRegexes[0]" }]],
    ["a regex over any domain with credentials", { originRegexes: [/^https:\/\/[a-z.]+$/], ...CREDS }, [{ code: "origin-public-suffix-wildcard", option: "originRegexes[0]" }]],
    ["a regex over a public suffix, opted in", { originRegexes: [/^https:\/\/[a-z0-9-]+\.github\.io$/], ...CREDS, dangerouslyAllowPublicSuffixWildcards: true }, []],
    ["a regex over a public suffix without credentials", { originRegexes: [/^https:\/\/[a-z0-9-]+\.github\.io$/] }, []],
    ["a regex over a private domain with credentials", { originRegexes: [/^https:\/\/[a-z0-9-]+\.me\.github\.io$/, /^https:\/\/(?:[a-z]+\.)?example\.(?:com|org)$/], ...CREDS }, []],
    ["a backtracking regex", { originRegexes: [/^https:\/\/([a-z0-9]+-?)*\.example\.com$/] }, [{ code: "regex-backtracking", option: "originRegexes[0]" }]],
    ["adjacent overlapping loops", { originRegexes: ["^https://[a-z]+[a-z0-9]*\\.example\\.com$"] }, [{ code: "regex-backtracking", option: "originRegexes[0]" }]],
    ["a backtracking regex, opted in", { originRegexes: [/^https:\/\/([a-z0-9]+-?)*\.example\.com$/], dangerouslyAllowBacktrackingRegexes: true }, []],
    ["a delimited nested loop", { originRegexes: [/^https:\/\/(?:[a-z0-9-]+\.)*example\.com$/] }, []],
    ["* in request headers with credentials", { requestHeaders: ["*"], ...CREDS }, [{ code: "any-header-with-credentials", option: "requestHeaders" }]],
    ["* in request headers with credentials, opted in", { requestHeaders: ["*"], ...CREDS, dangerouslyAllowAnyHeaderWithCredentials: true }, []],
    ["* in request headers without credentials", { requestHeaders: ["*", "authorization"] }, []],
    ["* in exposed headers with credentials", { exposeHeaders: ["*"], ...CREDS }, [{ code: "expose-any-with-credentials", option: "exposeHeaders" }]],
    ["a malformed method", { methods: ["GET", "PO ST"] }, [{ code: "method-invalid", option: "methods[1]" }]],
    ["a forbidden method", { methods: ["TRACE"] }, [{ code: "method-forbidden", option: "methods[0]" }]],
    ["a malformed header", { requestHeaders: ["x-ok", "x bad"] }, [{ code: "header-invalid", option: "requestHeaders[1]" }]],
    ["a forbidden request header is redundant, not wrong", { requestHeaders: ["Cookie"] }, []],
    ["a CORS response header as a request header", { requestHeaders: ["x-ok", "Access-Control-Allow-Origin"] }, [{ code: "header-misplaced", option: "requestHeaders[1]" }]],
    ["Access-Control-Max-Age as a request header", { requestHeaders: ["access-control-max-age"] }, [{ code: "header-misplaced", option: "requestHeaders[0]" }]],
    ["Access-Control-Expose-Headers as a request header", { requestHeaders: ["access-control-expose-headers"] }, [{ code: "header-misplaced", option: "requestHeaders[0]" }]],
    ["Access-Control-Allow-Credentials as a request header", { requestHeaders: ["access-control-allow-credentials"] }, [{ code: "header-misplaced", option: "requestHeaders[0]" }]],
    ["Origin as an exposed header", { exposeHeaders: ["Origin"] }, [{ code: "header-misplaced", option: "exposeHeaders[0]" }]],
    ["Access-Control-Request-Method as an exposed header", { exposeHeaders: ["x-total", "Access-Control-Request-Method"] }, [{ code: "header-misplaced", option: "exposeHeaders[1]" }]],
    ["Access-Control-Request-Headers as an exposed header", { exposeHeaders: ["access-control-request-headers"] }, [{ code: "header-misplaced", option: "exposeHeaders[0]" }]],
    ["Access-Control-Allow-Origin as an exposed header", { exposeHeaders: ["access-control-allow-origin"] }, [{ code: "header-misplaced", option: "exposeHeaders[0]" }]],
    ["Access-Control-Max-Age as an exposed header", { exposeHeaders: ["Access-Control-Max-Age"] }, [{ code: "header-misplaced", option: "exposeHeaders[0]" }]],
    ["a host longer than 253 characters", { origins: [`https://${"a".repeat(60)}.${"b".repeat(60)}.${"c".repeat(60)}.${"d".repeat(60)}.example.com`] }, [{ code: "origin-host-too-long", option: "origins[0]" }]],
    ["a label longer than 63 characters", { origins: [`https://${"a".repeat(64)}.example.com`] }, [{ code: "origin-host-too-long", option: "origins[0]" }]],
    ["a label of exactly 63 characters", { origins: [`https://${"a".repeat(63)}.example.com`] }, []],
    ["a pattern over a label longer than 63 characters", { origins: [`https://*.${"a".repeat(64)}.com`] }, [{ code: "origin-host-too-long", option: "origins[0]" }]],
    ["port 0", { origins: ["http://localhost:0"] }, [{ code: "origin-port-zero", option: "origins[0]" }]],
    ["an IPv4-mapped IPv6 host", { origins: ["http://[::ffff:127.0.0.1]:8000"] }, [{ code: "origin-ipv4-mapped", option: "origins[0]" }]],
    ["an IPv4-mapped IPv6 host as browsers serialise it", { origins: ["http://[::ffff:7f00:1]"] }, [{ code: "origin-ipv4-mapped", option: "origins[0]" }]],
    ["a host ending with a dot", { origins: ["http://example.com.:3999", "http://localhost.", "https://*.example.com."] }, []],
    ["a loopback host ending with a dot, with credentials", { origins: ["http://localhost.:3000"], ...CREDS }, []],
    ["a wildcard over a TLD ending with a dot, with credentials", { origins: ["https://*.com."], ...CREDS }, [{ code: "origin-public-suffix-wildcard", option: "origins[0]" }]],
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

  it("refuses a backtracking regex with the fragment at fault and a safe rewrite", () => {
    const regex = /^https:\/\/([a-z0-9]+-?)*\.example\.com$/;
    expect(() => compileCors({ originRegexes: [regex] })).toThrow(/originRegexes\[0\].*\(\[a-z0-9\]\+-\?\)\*.*block the server/s);
    expect(() => compileCors({ originRegexes: [regex] })).toThrow("rewrite it, e.g. /^https:\\/\\/[\\-0-9a-z]*\\.example\\.com$/");
    // The rewrite compiles and is accepted.
    expect(() => compileCors({ originRegexes: [/^https:\/\/[\-0-9a-z]*\.example\.com$/] })).not.toThrow();
  });

  it("suggests the nearest option name", () => {
    expect(() => compileCors({ credential: true } as CorsOptions)).toThrow(/did you mean "credentials"/);
  });

  it.each<[string, CorsOptions, { code: string; option: string }[]]>([
    ["a valid configuration", { origins: ["https://a.com"], requestHeaders: ["x-ok"], maxAgeSeconds: 600 }, []],
    ["django-cors-headers' pre-4.0 default headers", { requestHeaders: ["accept", "accept-encoding", "authorization", "content-type", "dnt", "origin", "user-agent", "x-csrftoken", "x-requested-with"] }, [
      { code: "header-redundant", option: "requestHeaders[1]" },
      { code: "header-redundant", option: "requestHeaders[4]" },
      { code: "header-redundant", option: "requestHeaders[5]" },
    ]],
    ["Cookie as a request header", { requestHeaders: ["Cookie", "x-ok"] }, [{ code: "header-redundant", option: "requestHeaders[0]" }]],
    ["a max-age above Chromium's cap", { maxAgeSeconds: 86400 }, [{ code: "max-age-above-cap", option: "maxAgeSeconds" }]],
    ["a max-age above both caps", { maxAgeSeconds: 100000, debug: true }, [{ code: "max-age-above-cap", option: "maxAgeSeconds" }]],
    ["a max-age at Chromium's cap", { maxAgeSeconds: 7200 }, []],
  ])("warns, and builds the policy, for %s", (_name, options, expected) => {
    const logged: string[] = [];
    const compiled = compileCors({ ...options, logger: { warn: (m) => logged.push(m) } });
    expect(compiled.warnings.map(({ code, option }) => ({ code, option }))).toEqual(expected);
    expect(logged).toHaveLength(expected.length);
    for (const line of logged) expect(line).toMatch(/^crossgate: warning: \S+: .+ Fix: .+/);
  });

  it("leaves redundant request headers out of the compiled list, and logs each warning once per options object", () => {
    const logged: string[] = [];
    const options: CorsOptions = { origins: ["https://a.com"], requestHeaders: ["accept-encoding", "X-Ok", "dnt"], logger: { warn: (m) => logged.push(m) } };
    const compiled = compileCors(options);
    expect([...compiled.requestHeaders]).toEqual(["x-ok"]);
    expect(compiled.allowHeadersValue).toBe("x-ok");
    expect(logged).toEqual([
      'crossgate: warning: requestHeaders[0]: "accept-encoding" is a header browsers never let scripts set, so allowing it has no effect; it is left out of Access-Control-Allow-Headers. Fix: remove it.',
      'crossgate: warning: requestHeaders[2]: "dnt" is a header browsers never let scripts set, so allowing it has no effect; it is left out of Access-Control-Allow-Headers. Fix: remove it.',
    ]);
    compileCors(options);
    expect(logged).toHaveLength(2);
    compileCors({ ...options });
    expect(logged).toHaveLength(4);
  });

  it.each([
    ["http://localhost.", "http://localhost.", true],
    ["http://localhost.", "http://localhost", false],
    ["http://localhost", "http://localhost.", false],
    ["http://example.com.:3999", "http://example.com.:3999", true],
    ["http://example.com.:3999", "http://example.com:3999", false],
    ["https://*.example.com.", "https://a.b.example.com.", true],
    ["https://*.example.com.", "https://a.example.com", false],
    ["https://*.example.com", "https://a.example.com.", false],
    ["http://localhost.:*", "http://localhost.:5173", true],
    ["http://localhost.:*", "http://localhost:5173", false],
  ])("a host ending with a dot matches only itself: %s admits %s: %s", (entry, origin, expected) => {
    expect(compileCors({ origins: [entry] }).origins.matches(origin)).toBe(expected);
  });

  it("names the browsers' caps in the max-age warning", () => {
    expect(compileCors({ maxAgeSeconds: 100000, logger: { warn: () => {} } }).warnings[0]?.problem).toContain("Chromium's cap of 7200s and Firefox's cap of 86400s");
  });

  it("says what a misplaced CORS header should be instead", () => {
    expect(() => compileCors({ requestHeaders: ["Access-Control-Allow-Credentials"] })).toThrow(/use the option that controls it \(credentials\)/);
    expect(() => compileCors({ origins: ["http://[::ffff:127.0.0.1]:8000"] })).toThrow(/Fix: write "http:\/\/127\.0\.0\.1:8000"/);
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
