// The built-in inflater against node:zlib's deflater, on generated and structured data.
import { deflateRawSync, constants } from "node:zlib";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { inflateRaw } from "./inflate.ts";

/** Byte equality without a deep-equality walk (megabytes of output). */
const same = (a: Uint8Array, b: Uint8Array) => Buffer.from(a.buffer, a.byteOffset, a.length).equals(b);

describe("inflateRaw", () => {
  it("inverts node:zlib's raw deflate at every level and strategy, stored blocks included", () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.uint8Array({ maxLength: 5000 }), fc.string({ maxLength: 20_000 }).map((s) => new TextEncoder().encode(s.repeat(3)))),
        fc.integer({ min: 0, max: 9 }),
        fc.constantFrom(constants.Z_DEFAULT_STRATEGY, constants.Z_FIXED, constants.Z_HUFFMAN_ONLY, constants.Z_RLE),
        (data, level, strategy) => {
          expect(same(inflateRaw(deflateRawSync(data, { level, strategy })), data)).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("decodes long repeats across its initial buffer size", () => {
    const data = new TextEncoder().encode("kawasaki.kanagawa.jp,".repeat(50_000));
    expect(same(inflateRaw(deflateRawSync(data, { level: 9 })), data)).toBe(true);
  });

  it("throws instead of looping on truncated or corrupt data", () => {
    const compressed = deflateRawSync(new TextEncoder().encode("abc".repeat(1000)), { level: 9 });
    expect(() => inflateRaw(compressed.subarray(0, compressed.length - 3))).toThrow(RangeError);
    expect(() => inflateRaw(Uint8Array.of(0b111))).toThrow(RangeError); // block type 3
  });
});
