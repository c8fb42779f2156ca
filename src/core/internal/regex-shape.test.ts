import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { findBacktracking, literalEndings } from "./regex-shape.ts";

describe("findBacktracking", () => {
  it.each([
    ["a fixed origin", "^https:\\/\\/app\\.example\\.com$"],
    ["one label", "^https:\\/\\/[a-z0-9-]+\\.example\\.com$"],
    ["any subdomain depth, dot-delimited", "^https:\\/\\/(?:[a-z0-9-]+\\.)*example\\.com$"],
    ["a leading delimiter", "^https:\\/\\/example(?:\\.[a-z0-9-]+)*$"],
    ["a wildcard then a literal", "^https:\\/\\/.*\\.example\\.com$"],
    ["bounded repeats", "^https:\\/\\/[a-z]{1,63}[a-z0-9]{0,63}\\.example\\.com$"],
    ["pr previews", "^https:\\/\\/pr-\\d+\\.preview\\.example\\.net$"],
    ["disjoint alternatives in a loop", "^(?:[a-z]|-)+$"],
    ["an optional port", "^https:\\/\\/[a-z]+\\.example\\.com(?::\\d+)?$"],
    ["alternated hosts", "^https:\\/\\/(?:app|admin)\\.example\\.com$"],
    ["a case-insensitive class", "^https:\\/\\/[A-Z]+\\.example\\.com$"],
    ["a lookahead", "^(?!.*--)[a-z-]+$"],
  ])("accepts %s", (_name, source) => {
    expect(findBacktracking(source)).toBeUndefined();
  });

  it.each([
    ["the reported regex", "^https:\\/\\/([a-z0-9]+-?)*\\.example\\.com$", "([a-z0-9]+-?)*", "^https:\\/\\/[\\-0-9a-z]*\\.example\\.com$"],
    ["(a+)+", "^(a+)+$", "(a+)+", "^a+$"],
    ["a nested class loop without a delimiter", "^(?:[a-z.]+\\.)*x$", "(?:[a-z.]+\\.)*", "^[.a-z]*x$"],
    ["a loop whose delimiter sits in the middle", "^(?:[a-z]+\\.[a-z]*)*$", "(?:[a-z]+\\.[a-z]*)*", "^[.a-z]*$"],
    ["overlapping alternatives", "^(a|ab)*$", "(a|ab)*", "^[ab]*$"],
    ["a nullable alternative", "^(?:a|)*$", "(?:a|)*", "^a*$"],
    ["adjacent overlapping loops", "^https:\\/\\/[a-z]+[a-z0-9]*\\.example\\.com$", "[a-z]+[a-z0-9]*", "^https:\\/\\/[0-9a-z]+\\.example\\.com$"],
    ["loops with an optional part between", "^\\d+-?\\d+$", "\\d+-?\\d+", "^[\\-0-9]+$"],
    [".*.*", "^.*.*$", ".*.*", "^.*$"],
    ["a nested bounded inner repeat", "^(?:[a-z]{1,10})*$", "(?:[a-z]{1,10})*", "^[a-z]*$"],
  ])("refuses %s, with a rewrite that passes", (_name, source, fragment, rewrite) => {
    const found = findBacktracking(source);
    expect(found).toMatchObject({ fragment, rewrite });
    expect(findBacktracking(rewrite)).toBeUndefined();
  });

  it("reports a source it cannot read instead of guessing", () => {
    expect(findBacktracking("(?<=a")).toBe("unreadable");
    expect(findBacktracking("a)")).toBe("unreadable");
  });

  it("reads every class, escape and group form origin regexes use", () => {
    for (const source of ["[\\]\\\\^-]", "[^\\d\\s]", "\\x41\\u0041\\u{41}\\cJ", "(?<name>a)\\k<name>", "a{2}b{2,}c{2,3}?", "\\bword\\B", "\\p{L}+", "(a)\\1", "a|b|"]) {
      expect(findBacktracking(source, "u"), source).not.toBe("unreadable");
    }
  });

  // The check must find what it claims: a refused regex really backtracks. Run each refused shape
  // on a short adversarial input and count that the engine's work grows faster than the input.
  it("never throws on any source, and reads every source JavaScript accepts over a small alphabet", () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[a-c()|*+?.\[\]\\^$-]{0,16}$/), (source) => {
        let valid = true;
        try {
          new RegExp(source);
        } catch {
          valid = false;
        }
        const result = findBacktracking(source);
        if (valid) expect(result).not.toBe("unreadable");
      }),
      { numRuns: Number(process.env.CROSSGATE_PROPERTY_RUNS ?? 2000) },
    );
  });
});

describe("literalEndings", () => {
  it.each<[string, string, readonly string[]]>([
    ["a subdomain regex", "^https:\\/\\/[a-z0-9-]+\\.github\\.io$", [".github.io"]],
    ["a wildcard", "^https:\\/\\/.*\\.herokuapp\\.com$", [".herokuapp.com"]],
    ["an optional port", "^https:\\/\\/[a-z]+\\.example\\.com(?::\\d+)?$", [".example.com"]],
    ["a fixed origin", "^https:\\/\\/app\\.example\\.com$", ["https://app.example.com"]],
    ["alternated TLDs", "^https:\\/\\/[a-z]+\\.example\\.(?:com|org)$", [".example.com", ".example.org"]],
    ["top-level alternatives", "^https:\\/\\/a\\.com$|^https:\\/\\/[a-z]+\\.vercel\\.app$", ["https://a.com", ".vercel.app"]],
    ["no literal end", "^https:\\/\\/[a-z.]+$", [""]],
    ["case-insensitive", "^https:\\/\\/[a-z]+\\.Example\\.COM$", [".example.com"]],
  ])("%s", (_name, source, endings) => {
    expect(literalEndings(source, /[A-Z]/.test(source) ? "i" : "")).toEqual(endings);
  });
});
