// The compact Public Suffix List decodes to exactly the rules of the psl package it was built from,
// and isPublicSuffix answers as the list's algorithm says.
import { domainToASCII } from "node:url";
import { describe, expect, it } from "vitest";
import { isPublicSuffix, rulesFromTrie, shippedTrie } from "./public-suffix.ts";

const PSL_RULES = new URL("../../../node_modules/psl/data/rules.js", import.meta.url).href;

describe("the shipped Public Suffix List", () => {
  it("holds every multi-label rule of psl's list and nothing else", async () => {
    const { default: pslRules } = (await import(PSL_RULES)) as { default: string[] };
    const expected = new Set<string>();
    for (const rule of pslRules) {
      const prefix = rule.startsWith("!") ? "!" : rule.startsWith("*.") ? "*." : "";
      const name = domainToASCII(rule.slice(prefix.length));
      if (name && (prefix === "!" || `${prefix}${name}`.includes("."))) expected.add(prefix + name);
    }
    expect(rulesFromTrie(shippedTrie())).toEqual(expected);
    expect(expected.size).toBeGreaterThan(8000);
  });

  it("reads inner rules, exceptions and wildcards from a trie", () => {
    expect(rulesFromTrie("ck(*,www!),jp;(kawasaki(*,city!)),uk(co,org)")).toEqual(
      new Set(["*.ck", "!www.ck", "jp", "*.kawasaki.jp", "!city.kawasaki.jp", "co.uk", "org.uk"]),
    );
  });

  it("reads a label front-coded against its previous sibling, at every depth", () => {
    expect(rulesFromTrie("jp(saitama(kawagoeEuchiDwa!)Cga(*))Aq(b)")).toEqual(
      new Set(["kawagoe.saitama.jp", "kawaguchi.saitama.jp", "!kawawa.saitama.jp", "*.saiga.jp", "b.jq"]),
    );
  });

  it.each([
    ["com", true],
    ["co.uk", true],
    ["example.co.uk", false],
    ["github.io", true],
    ["alice.github.io", false],
    ["kawasaki.jp", false], // only its subdomains are listed
    ["anything.kawasaki.jp", true], // *.kawasaki.jp
    ["city.kawasaki.jp", false], // !city.kawasaki.jp
    ["example.com", false],
    ["localhost", true],
    ["xn--p1ai", true],
  ])("isPublicSuffix(%s) is %s", (domain, expected) => {
    expect(isPublicSuffix(domain)).toBe(expected);
  });
});
