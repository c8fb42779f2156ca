import { describe, expect, it } from "vitest";
import { mergeVary } from "./vary.ts";

describe("mergeVary", () => {
  it.each([
    [undefined, "Origin", "Origin"],
    ["", "Origin", "Origin"],
    ["Origin", "Origin", "Origin"],
    ["origin", "Origin", "origin"],
    ["Accept-Encoding", "Origin", "Accept-Encoding, Origin"],
    ["Cookie, ORIGIN", "Origin", "Cookie, ORIGIN"],
    ["*", "Origin", "*"],
    ["Accept, *", "Origin", "*"],
    [" Accept ,, Cookie ", "Origin, Cookie", "Accept ,, Cookie, Origin"],
    [["Accept", "Cookie"], "Origin", "Accept, Cookie, Origin"],
    ["Accept", "Origin, Access-Control-Request-Method", "Accept, Origin, Access-Control-Request-Method"],
    ["Accept", "", "Accept"],
  ] as const)("merges %j with %j", (existing, add, expected) => {
    expect(mergeVary(existing as string | string[] | undefined, add)).toBe(expected);
  });
});
