import { describe, expect, it } from "vitest";
import { firstRefusedHeaderName, isForbiddenRequestHeader, isToken, MAX_REQUEST_HEADERS_LENGTH, normalizeMethod, parseHeaderNameList } from "./tokens.ts";

describe("parseHeaderNameList", () => {
  it.each([
    ["content-type,x-csrftoken", ["content-type", "x-csrftoken"]],
    ["Content-Type, X-CSRFToken", ["content-type", "x-csrftoken"]],
    [" content-type ,\tx-a ", ["content-type", "x-a"]],
    ["a,,b", ["a", "b"]],
    [",", []],
    ["", []],
  ])("parses %j", (value, names) => {
    expect(parseHeaderNameList(value)).toEqual(names);
  });

  it.each([["x a"], ["x-a;"], ["x\u00e9"], ["x\r\ny"], ["(x)"], ["a".repeat(MAX_REQUEST_HEADERS_LENGTH + 1)]])("refuses %j", (value) => {
    expect(parseHeaderNameList(value)).toBeUndefined();
  });

  it("reads a list of commas at the length limit in one pass", () => {
    expect(parseHeaderNameList(",".repeat(MAX_REQUEST_HEADERS_LENGTH))).toEqual([]);
  });
});

describe("tokens and methods", () => {
  it("recognises tokens", () => {
    expect(isToken("X-Custom_1")).toBe(true);
    expect(isToken("")).toBe(false);
    expect(isToken("a b")).toBe(false);
  });
  it("normalises only the six well-known methods", () => {
    expect(normalizeMethod("patch")).toBe("patch");
    expect(normalizeMethod("delete")).toBe("DELETE");
    expect(normalizeMethod("PROPFIND")).toBe("PROPFIND");
  });
  it("knows forbidden request headers", () => {
    expect(isForbiddenRequestHeader("cookie")).toBe(true);
    expect(isForbiddenRequestHeader("sec-fetch-site")).toBe(true);
    expect(isForbiddenRequestHeader("proxy-authorization")).toBe(true);
    expect(isForbiddenRequestHeader("x-csrftoken")).toBe(false);
  });
});

describe("firstRefusedHeaderName", () => {
  const allowed = new Set(["content-type", "x-request-id"]);
  it.each([
    ["content-type,x-request-id", ""],
    ["Content-Type, X-Request-ID", ""],
    [" , ,", ""],
    ["content-type,x-evil", "x-evil"],
    ["X-Evil", "x-evil"],
    ["content-type;x", "\0malformed"],
    ["x-evil,b@d", "x-evil"],
    ["b@d,x-evil", "\0malformed"],
  ])("%j → %j", (value, want) => {
    expect(firstRefusedHeaderName(value, (name) => allowed.has(name))).toBe(want);
  });

  it("agrees with parseHeaderNameList on lists it accepts", () => {
    for (const value of ["a, B,c", "\tx-a\t,,x-b", "content-type"]) {
      const seen: string[] = [];
      expect(firstRefusedHeaderName(value, (name) => (seen.push(name), true))).toBe("");
      expect(seen).toEqual(parseHeaderNameList(value));
    }
  });

  it("stops at the first refused name: a hostile list of 2,000 names is read once, up to its first", () => {
    let asked = 0;
    expect(firstRefusedHeaderName("a,".repeat(2_000), () => (asked++, false))).toBe("a");
    expect(asked).toBe(1);
  });
});
