import { describe, expect, it } from "vitest";
import { claimCorsDecision } from "./claim.ts";

describe("claimCorsDecision", () => {
  it.each([
    ["an ordinary request", () => ({ url: "/" })],
    ["a frozen request", () => Object.freeze({ url: "/" })],
    ["a sealed request", () => Object.seal({ url: "/" })],
    ["a non-extensible request", () => Object.preventExtensions({ url: "/" })],
    ["a proxy that refuses every store", () => new Proxy({}, { set: () => false })],
    ["a proxy whose set trap throws", () => new Proxy({}, { set: () => { throw new Error("no"); } })],
  ])("claims %s once", (_name, make) => {
    const request = make();
    expect([claimCorsDecision(request), claimCorsDecision(request), claimCorsDecision(request)]).toEqual([true, false, false]);
    expect(claimCorsDecision(make())).toBe(true);
  });
});
