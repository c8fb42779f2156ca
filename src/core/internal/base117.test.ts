// Base 117 round-trips every byte, and esbuild prints each digit as one byte in a minified bundle.
import fc from "fast-check";
import { transformSync } from "esbuild";
import { describe, expect, it } from "vitest";
import { BASE117_CHUNK_BYTES, BASE117_CHUNK_DIGITS, base117Bytes, base117Digits } from "./base117.ts";

describe("base 117", () => {
  it("reads back what it writes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), (data) => {
        const whole = data.subarray(0, data.length - (data.length % BASE117_CHUNK_BYTES));
        const text = base117Digits(whole);
        expect(text).toHaveLength((whole.length / BASE117_CHUNK_BYTES) * BASE117_CHUNK_DIGITS);
        expect(base117Bytes(text)).toEqual(whole);
      }),
      { numRuns: 300 },
    );
  });

  it("uses digits a minifier prints as one byte each", () => {
    const text = base117Digits(Uint8Array.from({ length: 6 * 400 }, (_, i) => (i * 97 + (i >> 3)) & 0xff));
    expect(new Set(text).size).toBe(117);
    const { code } = transformSync(`export const data = ${JSON.stringify(text)};`, { minify: true, format: "esm" });
    expect(Buffer.byteLength(code.slice(code.indexOf('"') + 1, code.lastIndexOf('"')))).toBe(text.length);
  });
});
