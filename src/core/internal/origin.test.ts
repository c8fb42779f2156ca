import { describe, expect, it } from "vitest";
import { isLoopbackHost, parseOriginEntry, parseSerializedOrigin } from "./origin.ts";

describe("parseSerializedOrigin", () => {
  it.each([
    ["https://example.com", { scheme: "https", host: "example.com", port: "" }],
    ["http://localhost:5173", { scheme: "http", host: "localhost", port: "5173" }],
    ["http://[::1]:8000", { scheme: "http", host: "[::1]", port: "8000" }],
    ["https://xn--bcher-kva.de", { scheme: "https", host: "xn--bcher-kva.de", port: "" }],
    ["chrome-extension://abcdefghijklmnop", { scheme: "chrome-extension", host: "abcdefghijklmnop", port: "" }],
    ["http://127.0.0.1:65535", { scheme: "http", host: "127.0.0.1", port: "65535" }],
    ["http://[::ffff:7f00:1]", { scheme: "http", host: "[::ffff:7f00:1]", port: "" }],
    ["http://10.0.0.255", { scheme: "http", host: "10.0.0.255", port: "" }],
    ["https://a.b-c.xn--p1ai", { scheme: "https", host: "a.b-c.xn--p1ai", port: "" }],
    // A trailing dot is kept by the URL parser, and browsers send it as typed.
    ["http://example.com.:3999", { scheme: "http", host: "example.com.", port: "3999" }],
    ["http://localhost.", { scheme: "http", host: "localhost.", port: "" }],
    [`https://${"a".repeat(63)}.com`, { scheme: "https", host: `${"a".repeat(63)}.com`, port: "" }],
  ])("parses %s", (origin, expected) => {
    expect(parseSerializedOrigin(origin)).toEqual(expected);
  });

  it.each([
    ["null"],
    [""],
    ["https://Example.com"],
    ["HTTPS://example.com"],
    ["https://example.com/"],
    ["https://example.com/path"],
    ["https://example.com?q"],
    ["https://example.com#f"],
    ["https://user@example.com"],
    ["https://example.com:443"],
    ["http://example.com:80"],
    ["https://example.com:65536"],
    ["https://example.com:0443"],
    ["https://example.com:"],
    ["https://bücher.de"],
    ["https://example..com"],
    ["https://.example.com"],
    ["https://example.com, https://evil.com"],
    ["https://example.com\r\nX: y"],
    ["https://exa mple.com"],
    ["//example.com"],
    ["https:/example.com"],
    ["https://" + "a".repeat(600)],
    // Spellings the URL parser rewrites, so no browser sends them (found by test/properties).
    ["http://127.1"],
    ["http://0x7f.0.0.1"],
    ["https://2130706433"],
    ["http://127.000.0.1"],
    ["http://256.0.0.1"],
    ["http://[0:0:0:0:0:0:0:1]"],
    ["http://[::ffff:127.0.0.1]"],
    ["http://[::1"],
    ["https://xn--zz.com"],
    ["file://example.com"],
    ["http://1.2.3.4."],
    ["http://example.com..:80"],
    ["http://localhost:0"],
    [`https://${"a".repeat(64)}.com`],
    [`https://${"a.".repeat(127)}com`],
  ])("refuses %j", (origin) => {
    expect(parseSerializedOrigin(origin)).toBeUndefined();
  });
});

describe("parseOriginEntry", () => {
  it.each([
    ["https://app.example.com", "exact"],
    ["http://localhost:5173", "exact"],
    ["https://*.example.com", "pattern"],
    ["http://localhost:*", "pattern"],
    ["https://*.example.com:8443", "pattern"],
    ["https://*.example.com:*", "pattern"],
    ["*", "any"],
    ["null", "null"],
  ])("accepts %s as %s", (entry, kind) => {
    const parsed = parseOriginEntry(entry);
    expect("kind" in parsed ? parsed.kind : parsed.code).toBe(kind);
  });

  it.each([
    ["https://example.com/", "origin-has-path", '"https://example.com"'],
    ["https://example.com/app", "origin-has-path", '"https://example.com"'],
    ["https://example.com?x=1", "origin-has-query", '"https://example.com"'],
    ["https://example.com#top", "origin-has-fragment", '"https://example.com"'],
    ["https://user:pw@example.com", "origin-has-userinfo", '"https://example.com"'],
    ["example.com", "origin-missing-scheme", '"https://example.com"'],
    ["localhost:3000", "origin-missing-scheme", '"http://localhost:3000"'],
    ["https://Example.com", "origin-uppercase", '"https://example.com"'],
    ["https://example.com:443", "origin-default-port", '"https://example.com"'],
    ["http://example.com:80", "origin-default-port", '"http://example.com"'],
    ["https://bücher.de", "origin-unicode-host", '"https://xn--bcher-kva.de"'],
    ["https://exa mple.com", "origin-invalid", "https://app.example.com"],
    ["https://example.com:99999", "origin-invalid", "https://app.example.com"],
    ["https://*example.com", "origin-pattern-invalid", "*."],
    ["https://api.*.example.com", "origin-pattern-invalid", "*."],
    ["https://*", "origin-pattern-invalid", ""],
    ["https://*.1.2.3", "origin-pattern-invalid", ""],
    // The value the user meant, whatever the typo.
    ["http//:localhost:8000", "origin-missing-scheme", 'write "http://localhost:8000".'],
    ["https:/app.example.com", "origin-missing-scheme", 'write "https://app.example.com".'],
    ["https:app.example.com", "origin-missing-scheme", 'write "https://app.example.com".'],
    ["HTTPS://Example.com/", "origin-has-path", 'write "https://example.com".'],
    ["127.0.0.1:8000", "origin-missing-scheme", 'write "http://127.0.0.1:8000".'],
    [" https://app.example.com", "origin-invalid", 'write "https://app.example.com".'],
    ["HTTP://LOCALHOST:*", "origin-uppercase", 'write "http://localhost:*".'],
    ["https://*.example.com:443", "origin-default-port", 'write "https://*.example.com".'],
    ["http://localhost:0", "origin-port-zero", '"http://localhost:8080"'],
    ["http://[::ffff:127.0.0.1]:8000", "origin-ipv4-mapped", 'write "http://127.0.0.1:8000".'],
    ["http://[0:0:0:0:0:ffff:7f00:1]", "origin-ipv4-mapped", 'write "http://127.0.0.1".'],
    [`https://${"a".repeat(64)}.example.com`, "origin-host-too-long", "address bar"],
  ])("diagnoses %s as %s with the fix %s", (entry, code, fix) => {
    const parsed = parseOriginEntry(entry);
    expect("code" in parsed && parsed.code).toBe(code);
    if ("fix" in parsed) expect(parsed.fix).toContain(fix);
  });
});

describe("isLoopbackHost", () => {
  it.each([
    ["localhost", true],
    ["app.localhost", true],
    ["127.0.0.1", true],
    ["127.1.2.3", true],
    ["[::1]", true],
    ["localhost.", true],
    ["app.localhost.", true],
    ["localhost.evil.com", false],
    ["localhost.evil.com.", false],
    ["128.0.0.1", false],
    ["example.com", false],
  ])("%s → %s", (host, expected) => {
    expect(isLoopbackHost(host)).toBe(expected);
  });
});
