import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { allowedHeaderRun, allowedHeaderRunEnd, firstRefusedHeaderName, firstRefusedInList, isForbiddenRequestHeader, isToken, MAX_NAMED_HEADER_LENGTH, MAX_REQUEST_HEADERS_LENGTH, normalizeMethod, parseHeaderNameList } from "./tokens.ts";

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

describe("allowedHeaderRun", () => {
  // The scanner with `accept` is the reference; the patterns must reach the same verdict on any value.
  const fragments = ["content-type", "Content-Type", "x-request-id", "X-REQUEST-ID", "x-request", "x-request-idx", "authorization", "Authorization", "x-a.b", "a", "",
    ",", ", ", " ,", "\t", " ", ";", "é", "\r\n", "(", "x y", "authorization ", "authorizationx", "*", "K", "\u212a", "\u017f"];
  const policies: [string, readonly string[], boolean, boolean][] = [
    ["listed names", ["content-type", "x-request-id", "x-a.b"], false, false],
    ["no names", [], false, false],
    ["any name but authorization", [], true, false],
    ["any name", [], true, true],
    ["any name and authorization listed", ["authorization"], true, true],
    ["names with regex characters", ["x-a.b", "a+b", "a|b", "^x$", "k"], false, false],
  ];
  it.each(policies)("agrees with firstRefusedHeaderName: %s", (_label, names, anyName, authorization) => {
    const listed = new Set(names);
    const accept = (name: string) => listed.has(name) || (anyName && (name !== "authorization" || authorization));
    const run = allowedHeaderRun(listed, anyName, authorization);
    const verdict = (value: string) => {
      const end = allowedHeaderRunEnd(run, value);
      return end === value.length ? "" : firstRefusedHeaderName(value, accept, end, { skip: (text, from) => allowedHeaderRunEnd(run, text, from) });
    };
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...fragments), { maxLength: 12 }), fc.array(fc.constantFrom(",", ", ", ""), { maxLength: 12 }), (parts, joins) => {
        const value = parts.map((part, index) => part + (joins[index] ?? "")).join("");
        expect(verdict(value)).toBe(firstRefusedHeaderName(value, accept));
      }),
      { numRuns: 500 },
    );
  });

  it("reads 3.9 KB of allowed names to the end, and stops at the first element at fault", () => {
    const run = allowedHeaderRun(["content-type"], false, false);
    const heavy = Array.from({ length: 300 }, () => "content-type").join(",");
    expect(allowedHeaderRunEnd(run, heavy)).toBe(heavy.length);
    expect(allowedHeaderRunEnd(run, Array.from({ length: 300 }, () => "Content-Type").join(" , "))).toBe(300 * 12 + 299 * 3);
    expect(allowedHeaderRunEnd(run, `${heavy},x-evil,content-type`)).toBe(heavy.length + 1);
    expect(allowedHeaderRunEnd(run, "a,".repeat(2_000))).toBe(0);
  });
});

describe("firstRefusedInList", () => {
  /**
   * The reference: RFC 9110 §5.6.1 read literally. Split at commas, strip optional whitespace,
   * skip empty elements; each other element must be a token (§5.6.2), compared in lower case.
   * Then the policy's one shortcut: an element whose token runs on for more than `limit`
   * characters (the longest allowed name, or MAX_NAMED_HEADER_LENGTH if more) is refused by its
   * first characters and "…", whatever follows in it.
   */
  const reference = (value: string, accept: (name: string) => boolean, limit = Infinity): string => {
    for (const element of value.split(",")) {
      const trimmed = element.replace(/^[ \t]+|[ \t]+$/g, "");
      if (trimmed === "") continue;
      if (/^[-!#$%&'*+.^_`|~0-9A-Za-z]*/.exec(trimmed)![0].length > limit) return `${trimmed.slice(0, MAX_NAMED_HEADER_LENGTH - 1).toLowerCase()}…`;
      if (!/^[-!#$%&'*+.^_`|~0-9A-Za-z]+$/.test(trimmed)) return "\0malformed";
      if (!accept(trimmed.toLowerCase())) return trimmed.toLowerCase();
    }
    return "";
  };
  /** The `limit` of a policy: none when any name is allowed. */
  const limitOf = (names: Iterable<string>, anyName: boolean) => (anyName ? Infinity : Math.max(MAX_NAMED_HEADER_LENGTH, ...[...names].map((name) => name.length)));
  // Short pieces and long runs (past the 32 characters read one by one), so both readers are used.
  const long = (text: string) => fc.integer({ min: 1, max: 80 }).map((count) => text.repeat(count));
  const piece = fc.oneof(
    fc.constantFrom("content-type", "Content-Type", "x-request-id", "X-Request-ID", "authorization", "AUTHORIZATION", "x-evil", "a", "", ",", " ", "\t", ";", "@", "é", "\u212a", "\0", "\r"),
    long("a"),
    long("A"),
    long(" "),
    long("\t"),
    long(","),
    long("content-type,"),
    long("x-request-id , "),
    fc.string({ maxLength: 6 }),
  );
  const policies: [string, readonly string[], boolean, boolean][] = [
    ["listed names", ["content-type", "x-request-id"], false, false],
    ["a long listed name", ["content-type", "a".repeat(40)], false, false],
    ["any name but authorization", [], true, false],
    ["any name", [], true, true],
  ];
  it.each(policies)("agrees with a literal reading of RFC 9110 on arbitrary values: %s", (_label, names, anyName, authorization) => {
    const listed = new Set(names);
    const accept = (name: string) => listed.has(name) || (anyName && (name !== "authorization" || authorization));
    const run = allowedHeaderRun(listed, anyName, authorization);
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 24 }), (pieces) => {
        const value = pieces.join("");
        expect(firstRefusedInList(run, value, accept)).toBe(reference(value, accept, limitOf(names, anyName)));
        expect(firstRefusedHeaderName(value, accept)).toBe(reference(value, accept));
      }),
      { numRuns: 400 },
    );
  });

  it("reads 4,096 bytes of whitespace or of a list to the end", () => {
    const run = allowedHeaderRun(["content-type"], false, false);
    const accept = (name: string) => name === "content-type";
    expect(firstRefusedInList(run, `${" ".repeat(4_000)}content-type${"\t".repeat(84)}`, accept)).toBe("");
    expect(firstRefusedInList(run, `${" ".repeat(4_000)}x${" ".repeat(40)}y`, accept)).toBe("\0malformed");
    expect(firstRefusedInList(run, `${"Content-Type ,".repeat(292)}x-evil`, accept)).toBe("x-evil");
  });

  it("refuses a hostile list for its first element, read in whatever form it comes", () => {
    const run = allowedHeaderRun(["content-type", "accept-language"], false, false);
    const accept = (name: string) => name === "content-type" || name === "accept-language";
    // The first element alone decides: a plain name (the short reading) or any other form.
    expect(firstRefusedInList(run, "a,".repeat(2_000), accept)).toBe("a");
    expect(firstRefusedInList(run, `a${",a".repeat(2_000)}`, accept)).toBe("a");
    expect(firstRefusedInList(run, "a ,".repeat(1_000), accept)).toBe("a");
    expect(firstRefusedInList(run, "A,".repeat(2_000), accept)).toBe("a");
    expect(firstRefusedInList(run, "a@,".repeat(1_000), accept)).toBe("\0malformed");
    // An allowed first element is read again with the rest, by the general reading.
    expect(firstRefusedInList(run, `content-type,${"a,".repeat(2_000)}`, accept)).toBe("a");
    expect(firstRefusedInList(run, `accept-language,content-type`, accept)).toBe("");
  });

  describe("an element longer than every allowed name", () => {
    const run = allowedHeaderRun(["content-type", "x-request-id"], false, false);
    const accept = (name: string) => name === "content-type" || name === "x-request-id";
    const named = (element: string) => `${element.slice(0, MAX_NAMED_HEADER_LENGTH - 1).toLowerCase()}…`;
    const long = `X-${"A".repeat(4_000)}`;

    it("is refused by its first characters, first in the list or last", () => {
      expect(firstRefusedInList(run, `${long},content-type`, accept)).toBe(named(long));
      expect(firstRefusedInList(run, `  ${long}  , x@y`, accept)).toBe(named(long));
      expect(firstRefusedInList(run, `content-type, X-Request-ID,,${long}`, accept)).toBe(named(long));
      expect(named(long)).toHaveLength(MAX_NAMED_HEADER_LENGTH);
    });

    it("is refused as not allowed even when a character after the first ones makes it malformed", () => {
      expect(firstRefusedInList(run, `content-type,${"a".repeat(100)}@b`, accept)).toBe(named("a".repeat(100)));
      expect(firstRefusedInList(run, `${"a".repeat(100)} b`, accept)).toBe(named("a".repeat(100)));
      // Within the first characters a malformed element is still told apart.
      expect(firstRefusedInList(run, `${"a".repeat(10)}@${"a".repeat(100)}`, accept)).toBe("\0malformed");
      expect(firstRefusedInList(run, `x@y,${long}`, accept)).toBe("\0malformed");
    });

    it("is named in full up to MAX_NAMED_HEADER_LENGTH characters, or up to the longest allowed name", () => {
      const full = "x".repeat(MAX_NAMED_HEADER_LENGTH);
      expect(firstRefusedInList(run, full, accept)).toBe(full);
      expect(firstRefusedInList(run, `${full}x`, accept)).toBe(named(full));
      const longName = "a".repeat(100);
      const withLong = allowedHeaderRun([longName], false, false);
      const acceptLong = (name: string) => name === longName;
      expect(firstRefusedInList(withLong, `${longName.toUpperCase()},${longName}`, acceptLong)).toBe("");
      expect(firstRefusedInList(withLong, "a".repeat(99), acceptLong)).toBe("a".repeat(99));
      expect(firstRefusedInList(withLong, `${"a".repeat(99)}@`, acceptLong)).toBe("\0malformed");
      expect(firstRefusedInList(withLong, "a".repeat(101), acceptLong)).toBe(named(longName));
    });

    it("is read to its end when any name is allowed, so a malformed one is still told apart", () => {
      const any = allowedHeaderRun([], true, false);
      const acceptAny = (name: string) => name !== "authorization";
      expect(firstRefusedInList(any, long, acceptAny)).toBe("");
      expect(firstRefusedInList(any, `content-type,${"a".repeat(4_000)}@b`, acceptAny)).toBe("\0malformed");
      expect(firstRefusedInList(any, `${"a".repeat(4_000)} b`, acceptAny)).toBe("\0malformed");
    });
  });

  // Each shape the patterns read in one pass (see allowedHeaderRunEnd), about 4 KB long, with the
  // verdict of the literal reading above, so that every pattern and every hand-over between them
  // is taken: capitals, whitespace and tabs, runs of empty elements, their mix, and long tokens.
  const listOf = (elements: readonly string[], separator: string) => {
    let value = elements[0]!;
    for (let index = 1; value.length < 4_000; index++) value += separator + elements[index % elements.length]!;
    return value;
  };
  const shapes: [string, string][] = [
    ["browser form", listOf(["content-type", "x-request-id"], ",")],
    ["capitals", listOf(["Content-Type", "X-Request-ID"], ",")],
    ["capitals after the browser form", `content-type,${listOf(["X-REQUEST-ID", "content-type"], ",")}`],
    ["spaces", listOf(["content-type", "x-request-id"], " , ")],
    ["tabs", listOf(["content-type", "x-request-id"], "\t,\t")],
    ["capitals, spaces and tabs", listOf(["Content-Type", "X-Request-Id"], " ,\t")],
    ["capitals after spaces", `content-type , ${listOf(["X-Request-Id", "content-type"], ", ")}`],
    ["runs of empty elements", listOf(["content-type", "", "", "x-request-id", ""], ",")],
    ["only commas", ",".repeat(4_096)],
    ["commas and blanks", " ,\t,".repeat(1_024)],
    ["whitespace, then a name", `${" \t".repeat(2_000)}content-type`],
    ["one long token", `x-${"a".repeat(4_094)}`],
    ["one long token in capitals", `X-${"A".repeat(4_094)}`],
    ["a long token after allowed names", `content-type, X-Request-ID,${"b".repeat(3_000)}`],
    ["a malformed character late in a long token", `x-${"a".repeat(4_000)}@a`],
    ["a malformed character late in a long list", `${listOf(["Content-Type", "x-request-id"], " ,")},x@y`],
    ["a refused name late in a long list", `${listOf(["Content-Type", "x-request-id"], ",,")},x-evil`],
    ["a refused name after whitespace", `${listOf(["content-type"], ", ")},  X-Evil  ,content-type`],
  ];
  it.each(shapes)("reads %s as a literal reading of RFC 9110 does", (_label, value) => {
    for (const [, names, anyName, authorization] of [...policies, ["a long token listed", ["content-type", "b".repeat(3_000), `x-${"a".repeat(4_094)}`], false, false] as const]) {
      const listed = new Set<string>(names);
      const accept = (name: string) => listed.has(name) || (anyName && (name !== "authorization" || authorization));
      expect(firstRefusedInList(allowedHeaderRun(listed, anyName, authorization), value, accept)).toBe(reference(value, accept, limitOf(names, anyName)));
    }
  });

  it("hands over from the browsers' form to the caseless and whitespace patterns where it stops", () => {
    const run = allowedHeaderRun(["content-type", "x-request-id"], false, false);
    const mixed = "content-type,X-Request-ID , content-type,\tCONTENT-TYPE";
    expect(allowedHeaderRunEnd(run, mixed)).toBe(mixed.length);
    // It stops before the first non-blank character of the element at fault.
    expect(allowedHeaderRunEnd(run, "content-type , \t x-evil")).toBe(17);
    expect(allowedHeaderRunEnd(run, "Content-Type,X-Evil")).toBe(13);
  });
});
