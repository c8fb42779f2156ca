import { describe, expect, it } from "vitest";
import { isForbiddenRequestHeader, isToken, MAX_REQUEST_HEADERS_LENGTH, normalizeMethod, parseHeaderNameList } from "./tokens.ts";

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
