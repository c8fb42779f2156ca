import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseCookieDate } from "./cookie-date.ts";
import { MAX_NAME_VALUE_LENGTH, parseSetCookie, type SetCookie } from "./set-cookie.ts";

const NOW = Date.UTC(2026, 0, 1);

function ok(header: string): SetCookie {
  const parsed = parseSetCookie(header, NOW);
  if (!parsed.ok) throw new Error(`expected ${JSON.stringify(header)} to parse: ${parsed.reason}`);
  return parsed.cookie;
}

describe("parseSetCookie: accepted headers", () => {
  it.each<[string, Partial<SetCookie>]>([
    ["sid=abc", { name: "sid", value: "abc", domain: null, path: null, expiresAt: null, secure: false, sameSite: "Default", partitioned: false }],
    ["  sid = abc  ; Path=/", { name: "sid", value: "abc", path: "/" }],
    ["sid=a=b=c", { name: "sid", value: "a=b=c" }],
    ["sid=", { name: "sid", value: "" }],
    ["nameless", { name: "", value: "nameless" }],
    ["=v", { name: "", value: "v" }],
    ['sid="quoted"', { value: '"quoted"' }],
    ["sid=1; Secure; HttpOnly; SameSite=None; Partitioned", { secure: true, httpOnly: true, sameSite: "None", partitioned: true }],
    ["sid=1; secure; samesite=lax", { secure: true, sameSite: "Lax" }],
    ["sid=1; SameSite=STRICT", { sameSite: "Strict" }],
    ["sid=1; SameSite=bogus", { sameSite: "Default" }],
    ["sid=1; SameSite", { sameSite: "Default" }],
    ["sid=1; Domain=.Example.COM", { domain: "example.com" }],
    ["sid=1; Domain=", { domain: null }],
    ["sid=1; Path=relative", { path: null }],
    ["sid=1; Path=/api", { path: "/api" }],
    // Duplicate attributes: the last one wins.
    ["sid=1; SameSite=None; SameSite=Strict", { sameSite: "Strict" }],
    ["sid=1; Domain=a.example.com; Domain=example.com", { domain: "example.com" }],
    ["sid=1; Path=/a; Path=/b", { path: "/b" }],
    ["sid=1; Max-Age=60", { expiresAt: NOW + 60_000 }],
    ["sid=1; Max-Age=0", { expiresAt: -8.64e15 }],
    ["sid=1; Max-Age=-5", { expiresAt: -8.64e15 }],
    ["sid=1; Max-Age=1e3", { expiresAt: null }],
    ["sid=1; Max-Age=", { expiresAt: null }],
    // Max-Age wins over Expires in either order.
    ["sid=1; Max-Age=60; Expires=Thu, 01 Jan 1970 00:00:00 GMT", { expiresAt: NOW + 60_000 }],
    ["sid=1; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=60", { expiresAt: NOW + 60_000 }],
    ["sid=1; Expires=Thu, 01 Jan 1970 00:00:00 GMT", { expiresAt: 0 }],
    ["sid=1; Expires=not a date", { expiresAt: null }],
    // Expiry is capped at 400 days.
    ["sid=1; Max-Age=999999999", { expiresAt: NOW + 400 * 86_400_000 }],
    ["sid=1; Expires=Fri, 01 Jan 2100 00:00:00 GMT", { expiresAt: NOW + 400 * 86_400_000 }],
    ["sid=1\t; Secure", { value: "1", secure: true }],
  ])("%j", (header, want) => {
    expect(ok(header)).toMatchObject(want);
  });

  it("lists what it skipped", () => {
    expect(ok("sid=1; Foo=bar; SameSite=maybe; Max-Age=x").ignoredAttributes).toEqual([
      '"Foo" (unknown attribute)',
      'SameSite="maybe" (not Strict, Lax or None)',
      'Max-Age="x" (not a whole number)',
    ]);
  });

  it("skips an attribute value over 1024 bytes", () => {
    const cookie = ok(`sid=1; Domain=${"a".repeat(1025)}; Path=${"/x".repeat(600)}`);
    expect(cookie.domain).toBeNull();
    expect(cookie.path).toBeNull();
    expect(cookie.ignoredAttributes).toHaveLength(2);
  });
});

describe("parseSetCookie: headers every browser ignores (hostile input never throws)", () => {
  it.each<[string, unknown, RegExp]>([
    ["empty", "", /neither a name nor a value/],
    ["only attributes", "; Secure", /neither a name nor a value/],
    ["a lone =", "=", /neither a name nor a value/],
    ["NUL in the value", "sid=a\0b", /control character 0x00/],
    ["CR LF header injection", "sid=1\r\nSet-Cookie: admin=1", /control character 0x0D/],
    ["LF in an attribute", "sid=1; Path=/\nx", /control character 0x0A/],
    ["DEL", "sid=1\x7f", /control character 0x7F/],
    ["escape", "sid=\x1b[31m", /control character 0x1B/],
    ["over 4096 bytes", `sid=${"x".repeat(MAX_NAME_VALUE_LENGTH)}`, /4099 bytes, over the 4096/],
    ["nameless __Host- smuggling", "__Host-sid; Secure; Path=/", /prefix/],
    ["nameless __Secure- smuggling", "=__Secure-sid=1", /prefix/],
    ["not a string", 42, /not a string/],
    ["undefined", undefined, /not a string/],
  ])("%s", (_desc, header, reason) => {
    const parsed = parseSetCookie(header, NOW);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.reason).toMatch(reason);
  });

  it("reads a 1 MB header with 100k attributes in bounded time, keeping the first 64", () => {
    const header = `sid=1${"; Secure".repeat(64)}${"; SameSite=None".repeat(100_000)}`;
    const started = performance.now();
    const cookie = ok(header);
    expect(performance.now() - started).toBeLessThan(2000); // about 5 ms; slack for a loaded machine
    expect(cookie.sameSite).toBe("Default");
    expect(cookie.ignoredAttributes).toContain("attributes after the first 64");
  });

  it("never throws, whatever the string", () => {
    // Any UTF-16 code unit, ASCII (controls, ";", "=") half the time; lone surrogates included.
    const unit = fc.oneof(fc.integer({ min: 0, max: 0x7f }), fc.integer({ min: 0x80, max: 0xffff })).map((c) => String.fromCharCode(c));
    fc.assert(
      fc.property(fc.string({ unit, maxLength: 300 }), (header) => {
        const parsed = parseSetCookie(header, NOW);
        if (parsed.ok) expect(parsed.cookie.name.length + parsed.cookie.value.length).toBeLessThanOrEqual(MAX_NAME_VALUE_LENGTH);
        else expect(parsed.reason.length).toBeGreaterThan(0);
      }),
      { numRuns: 2000 },
    );
  });

  it("never throws on cookie-shaped strings built from attribute fragments", () => {
    const fragment = fc.constantFrom("sid=1", "; Secure", "; Domain=", "; Domain=.", "; Path=", "; Max-Age=-", "; Expires=", "; SameSite=", "=", ";", " ", "\t", "__Host-", "\u00ff", "\ud800", "0", ":");
    fc.assert(
      fc.property(fc.array(fragment, { maxLength: 20 }), (parts) => {
        parseSetCookie(parts.join(""), NOW);
      }),
      { numRuns: 2000 },
    );
  });
});

describe("parseCookieDate", () => {
  it.each<[string, number | null]>([
    ["Sun, 06 Nov 1994 08:49:37 GMT", Date.UTC(1994, 10, 6, 8, 49, 37)],
    ["Sunday, 06-Nov-94 08:49:37 GMT", Date.UTC(1994, 10, 6, 8, 49, 37)],
    ["Sun Nov  6 08:49:37 1994", Date.UTC(1994, 10, 6, 8, 49, 37)],
    ["06 november 2030 1:2:3", Date.UTC(2030, 10, 6, 1, 2, 3)],
    ["Thu, 01 Jan 1970 00:00:00 GMT", 0],
    ["01 Jan 69 00:00:00", Date.UTC(2069, 0, 1)],
    ["31 Feb 2030 00:00:00", null],
    ["01 Jan 1600 00:00:00", null],
    ["01 Jan 2030 24:00:00", null],
    ["01 Foo 2030 00:00:00", null],
    ["01 Jan 2030", null],
    ["", null],
    ["tomorrow", null],
  ])("%j", (text, want) => {
    expect(parseCookieDate(text)).toBe(want);
  });
});
