// The oracle of the property tests must itself be right, and the checks must be able to fail.
import { describe, expect, it } from "vitest";
import type { CorsPlan } from "../../src/index.ts";
import type { RequestSpec } from "./arbitraries.ts";
import {
  checkGrantsMatchReference,
  checkNothingForRefusedOrigins,
  checkStarNeverWithCredentials,
  checkValuesComeFromPolicy,
  PropertyViolation,
} from "./expectations.ts";
import type { PolicySpec } from "./policy-spec.ts";
import { parseBrowserOrigin, referenceAllows, type TrustSpec } from "./reference-matcher.ts";

describe("parseBrowserOrigin (WHATWG URL based)", () => {
  it.each([
    ["https://example.com", { scheme: "https", host: "example.com", port: "" }],
    ["http://localhost:5173", { scheme: "http", host: "localhost", port: "5173" }],
    ["http://[::1]:8000", { scheme: "http", host: "[::1]", port: "8000" }],
    ["https://xn--bcher-kva.example", { scheme: "https", host: "xn--bcher-kva.example", port: "" }],
    ["chrome-extension://abcdefghijklmnop", { scheme: "chrome-extension", host: "abcdefghijklmnop", port: "" }],
  ])("reads %s", (value, tuple) => {
    expect(parseBrowserOrigin(value)).toEqual(tuple);
  });

  it.each([
    "null",
    "",
    "https://Example.com",
    "https://example.com/",
    "https://example.com:443",
    "http://127.1",
    "http://[0:0:0:0:0:0:0:1]",
    "https://bücher.example",
    "https://xn--zz.com",
    "https://user@example.com",
    "https://example.com\r\n",
    " https://example.com",
    "file:///etc/passwd",
    `https://${"a".repeat(300)}.com`,
  ])("refuses %j", (value) => {
    expect(parseBrowserOrigin(value)).toBeUndefined();
  });
});

const trust: TrustSpec = {
  allowAll: false,
  allowNull: false,
  entries: [
    { kind: "exact", scheme: "https", host: "app.example.com", port: "" },
    { kind: "subdomains", scheme: "https", domain: "example.org", port: "" },
    { kind: "any-port", scheme: "http", host: "localhost" },
  ],
  regexes: [{ kind: "one-label", scheme: "https", domain: "corp.test", anyPort: false }],
  callbackAllows: ["https://tenant.example.net"],
};

describe("referenceAllows", () => {
  it.each([
    "https://app.example.com",
    "https://a.example.org",
    "https://a.b.example.org",
    "http://localhost",
    "http://localhost:3000",
    "https://x-1.corp.test",
    "https://tenant.example.net",
  ])("allows %s", (origin) => {
    expect(referenceAllows(trust, origin)).toBe(true);
  });

  it.each([
    "https://example.com.evil.net",
    "https://app.example.com.evil.net",
    "https://evilapp.example.com",
    "http://app.example.com",
    "https://app.example.com:8443",
    "https://example.org",
    "https://evilexample.org",
    "https://a.example.org:8080",
    "https://localhost",
    "https://a.b.corp.test",
    "https://corp.test",
    "null",
    "https://APP.example.com",
  ])("refuses %s", (origin) => {
    expect(referenceAllows(trust, origin)).toBe(false);
  });

  it("allows null only when listed, and everything well-formed under *", () => {
    expect(referenceAllows({ ...trust, allowNull: true }, "null")).toBe(true);
    expect(referenceAllows({ ...trust, allowAll: true }, "https://anything.example")).toBe(true);
    expect(referenceAllows({ ...trust, allowAll: true }, "https://anything.example/")).toBe(false);
  });
});

const spec: PolicySpec = {
  ...trust,
  callbackMode: "sync",
  credentials: true,
  methods: ["PUT"],
  requestHeaders: ["x-custom"],
  exposeHeaders: [],
  maxAgeSeconds: undefined,
  privateNetwork: false,
  preflightStatus: undefined,
  pathPrefix: undefined,
  varyOn: [],
  debug: false,
};
const request = (origin: string): RequestSpec => ({
  method: "GET",
  path: "/",
  origin,
  requestMethod: undefined,
  requestHeaders: undefined,
  privateNetwork: undefined,
  tenant: undefined,
});
const plan = (headers: [string, string][], verdict: CorsPlan["verdict"] = "allowed"): CorsPlan => ({
  action: "pass",
  status: 0,
  headers,
  vary: "Origin",
  verdict,
  preflight: false,
  reason: undefined,
  detail: undefined,
});

describe("the checks fail on broken answers", () => {
  it("a prefix match that reflects https://app.example.com.evil.net", () => {
    const origin = "https://app.example.com.evil.net";
    expect(() => checkGrantsMatchReference(spec, trust, request(origin), plan([["Access-Control-Allow-Origin", origin]]))).toThrow(PropertyViolation);
    expect(() => checkNothingForRefusedOrigins(spec, trust, request(origin), plan([["Access-Control-Allow-Origin", origin]]))).toThrow(PropertyViolation);
  });

  it("a trusted origin that is refused", () => {
    expect(() => checkGrantsMatchReference(spec, trust, request("https://a.example.org"), plan([], "refused"))).toThrow(/reference matcher allows/);
  });

  it("* with credentials", () => {
    const headers: [string, string][] = [["Access-Control-Allow-Origin", "*"], ["Access-Control-Allow-Credentials", "true"]];
    expect(() => checkStarNeverWithCredentials(spec, request("https://app.example.com"), plan(headers))).toThrow(PropertyViolation);
  });

  it("a header value with CR/LF, or one the policy never named", () => {
    const origin = "https://app.example.com";
    expect(() => checkValuesComeFromPolicy(spec, request(origin), plan([["Access-Control-Allow-Origin", `${origin}\r\nSet-Cookie: a=b`]]))).toThrow(/unclean/);
    expect(() => checkValuesComeFromPolicy(spec, request(origin), plan([["Access-Control-Allow-Methods", "PUT, DELETE"]]))).toThrow(/DELETE/);
    expect(() => checkValuesComeFromPolicy(spec, request(origin), plan([["Access-Control-Allow-Origin", origin]]))).not.toThrow();
  });
});
