// When a browser preflights: the Fetch standard's safelisted methods, headers and value rules.
import { describe, expect, it } from "vitest";
import { checkSafelistedHeader, corsUnsafeHeaders, isForbiddenRequestHeader, mimeTypeEssence, normalizeMethod, preflightNeed } from "../../src/doctor/safelist.ts";

describe("preflightNeed (Fetch: CORS-safelisted method and request-header)", () => {
  const rows: readonly { desc: string; method: string; headers: [string, string][]; needed: boolean; names?: string[] }[] = [
    { desc: "GET, no headers", method: "GET", headers: [], needed: false },
    { desc: "HEAD", method: "HEAD", headers: [], needed: false },
    { desc: "form POST", method: "POST", headers: [["Content-Type", "application/x-www-form-urlencoded"]], needed: false },
    { desc: "text/plain with charset", method: "POST", headers: [["Content-Type", "text/plain;charset=UTF-8"]], needed: false },
    { desc: "multipart with boundary", method: "POST", headers: [["Content-Type", "multipart/form-data; boundary=x"]], needed: false },
    { desc: "JSON POST", method: "POST", headers: [["Content-Type", "application/json"]], needed: true, names: ["content-type"] },
    { desc: "content-type with an unsafe byte", method: "POST", headers: [["Content-Type", 'text/plain; charset="utf-8"']], needed: true, names: ["content-type"] },
    { desc: "PUT", method: "PUT", headers: [], needed: true, names: [] },
    { desc: "lower-case patch stays patch", method: "patch", headers: [], needed: true, names: [] },
    { desc: "custom header, sorted and lower-cased", method: "GET", headers: [["X-B", "1"], ["X-A", "2"], ["Authorization", "x"]], needed: true, names: ["authorization", "x-a", "x-b"] },
    { desc: "Accept with a safe value", method: "GET", headers: [["Accept", "application/json, text/*;q=0.5"]], needed: false },
    { desc: "Accept with an unsafe byte", method: "GET", headers: [["Accept", "application/json{"]], needed: true, names: ["accept"] },
    { desc: "Accept-Language allowed characters", method: "GET", headers: [["Accept-Language", "en-US,en;q=0.9"]], needed: false },
    { desc: "Content-Language with a slash", method: "GET", headers: [["Content-Language", "en/US"]], needed: true, names: ["content-language"] },
    { desc: "Range bytes=0-", method: "GET", headers: [["Range", "bytes=0-"]], needed: false },
    { desc: "Range bytes=0-99", method: "GET", headers: [["Range", "bytes=0-99"]], needed: false },
    { desc: "Range suffix", method: "GET", headers: [["Range", "bytes=-5"]], needed: true, names: ["range"] },
    { desc: "Range with two ranges", method: "GET", headers: [["Range", "bytes=0-1,5-6"]], needed: true, names: ["range"] },
    { desc: "value over 128 bytes", method: "GET", headers: [["Accept", "a".repeat(129)]], needed: true, names: ["accept"] },
    { desc: "value of exactly 128 bytes", method: "GET", headers: [["Accept", "a".repeat(128)]], needed: false },
    {
      desc: "safelisted values over 1024 bytes in total make all of them unsafe",
      method: "GET",
      headers: [["Accept", "a".repeat(128)], ["Accept-Language", "b".repeat(128)], ...Array.from({ length: 7 }, (_, i): [string, string] => [`Content-Language`, `${i}`.repeat(128)])],
      needed: true,
      names: ["accept", "accept-language", "content-language"],
    },
  ];
  for (const row of rows) {
    it(row.desc, () => {
      const need = preflightNeed(normalizeMethod(row.method), row.headers);
      expect(need.needed).toBe(row.needed);
      if (row.names) expect(need.unsafeHeaderNames).toEqual(row.names);
      expect(need.reasons.length > 0).toBe(row.needed);
    });
  }
});

describe("value rules", () => {
  it("normalises only the six well-known methods", () => {
    expect(["get", "delete", "options", "put", "post", "head", "patch", "Patch"].map(normalizeMethod)).toEqual(["GET", "DELETE", "OPTIONS", "PUT", "POST", "HEAD", "patch", "Patch"]);
  });
  it("parses MIME essences strictly", () => {
    expect(mimeTypeEssence("Text/Plain ; charset=utf-8")).toBe("text/plain");
    expect(mimeTypeEssence("text")).toBeNull();
    expect(mimeTypeEssence("text/")).toBeNull();
    expect(mimeTypeEssence("te xt/plain")).toBeNull();
  });
  it("says why a header is not safelisted", () => {
    expect(checkSafelistedHeader("X-Token", "1")).toEqual({ safelisted: false, why: expect.stringContaining("not one of") });
    expect(checkSafelistedHeader("content-type", "application/json")).toEqual({ safelisted: false, why: expect.stringContaining("application/json") });
  });
  it("de-duplicates unsafe names", () => {
    expect(corsUnsafeHeaders([["X-A", "1"], ["x-a", "2"]]).map((h) => h.name)).toEqual(["x-a"]);
  });
  it("knows the forbidden request headers browsers drop", () => {
    expect(isForbiddenRequestHeader("Cookie", "a=1")).toBe(true);
    expect(isForbiddenRequestHeader("Sec-Fetch-Site", "x")).toBe(true);
    expect(isForbiddenRequestHeader("Proxy-Authorization", "x")).toBe(true);
    expect(isForbiddenRequestHeader("X-HTTP-Method-Override", "TRACE")).toBe(true);
    expect(isForbiddenRequestHeader("X-HTTP-Method-Override", "PUT")).toBe(false);
    expect(isForbiddenRequestHeader("Authorization", "x")).toBe(false);
  });
});
