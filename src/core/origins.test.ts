import { describe, expect, it } from "vitest";
import { IssueCollector } from "./errors.ts";
import { compileOrigins, OriginMatcher } from "./origins.ts";

const RULES = { option: "origins", credentials: true, allowNull: false, allowAnyWithCredentials: true, allowInsecureWithCredentials: false, allowPublicSuffixWildcards: true, allowBacktrackingRegexes: true };

describe("plain-http origins with credentials are refused when matching, whatever admits them", () => {
  // Validation refuses http entries and regexes it can see admit http; this is the rule at match time,
  // for what validation cannot see (a regex whose scheme part it cannot read, "*" with the opt-in).
  const matcher = new OriginMatcher({
    any: false,
    allowsNull: false,
    exact: new Set(),
    anyPort: new Set(["http://example.com"]),
    subdomains: new Set(["http://*.example.com:"]),
    regexes: [/^.*$/],
    entries: [],
    secureOnly: true,
  });

  it.each(["http://evil.example", "http://a.example.com", "http://example.com:8080"])("refuses %s", (origin) => {
    expect(matcher.matches(origin)).toBe(false);
  });

  it.each(["https://evil.example", "http://localhost:5173", "http://app.localhost", "http://127.0.0.1", "http://[::1]:8080"])("admits %s", (origin) => {
    expect(matcher.matches(origin)).toBe(true);
  });

  it("applies to \"*\" too", () => {
    const any = new OriginMatcher({ any: true, allowsNull: false, exact: new Set(), anyPort: new Set(), subdomains: new Set(), regexes: [], entries: ["*"], secureOnly: true });
    expect(any.matches("http://evil.example")).toBe(false);
    expect(any.matches("https://evil.example")).toBe(true);
  });

  it("is set by compileOrigins for credentials without the insecure opt-in only", () => {
    const compile = (rules: Partial<typeof RULES>) => compileOrigins(["*"], [], { ...RULES, ...rules }, new IssueCollector());
    expect(compile({}).secureOnly).toBe(true);
    expect(compile({ allowInsecureWithCredentials: true }).secureOnly).toBe(false);
    expect(compile({ credentials: false }).secureOnly).toBe(false);
  });
});
