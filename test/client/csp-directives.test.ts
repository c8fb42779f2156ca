import { describe, expect, it } from "vitest";
import { quotedDirectives } from "../../src/client/csp-directives.ts";
import { checkConnect, parsePolicy } from "../../src/doctor/csp.ts";

describe("quotedDirectives: the CSP splitting the client and the doctor share", () => {
  it.each([
    ["connect-src 'self' https://api.example", { "connect-src": "connect-src 'self' https://api.example" }],
    ["  Default-SRC\t'none' ;connect-src  a\n b;", { "default-src": "default-src 'none'", "connect-src": "connect-src a b" }],
    ["connect-src a; connect-src b", { "connect-src": "connect-src a" }],
    ["; ;upgrade-insecure-requests", { "upgrade-insecure-requests": "upgrade-insecure-requests" }],
    ["", {}],
  ])("%j", (policy, want) => {
    expect(Object.fromEntries(quotedDirectives(policy))).toEqual(want);
  });

  it("gives the doctor the same directives, split into values, without names that break the grammar", () => {
    const policy = parsePolicy("CONNECT-SRC  https://a.example 'self'; img!src x; default-src", "header");
    expect(Object.fromEntries(policy.directives)).toEqual({ "connect-src": ["https://a.example", "'self'"], "default-src": [] });
    const blocked = checkConnect([policy], new URL("https://page.example/"), new URL("https://b.example/x")).blockedBy[0];
    expect(blocked?.directiveText).toBe(quotedDirectives("CONNECT-SRC  https://a.example 'self'").get("connect-src"));
  });
});
