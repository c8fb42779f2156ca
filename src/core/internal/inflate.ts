// A small, synchronous raw-DEFLATE decoder (RFC 1951), for data crossgate ships compressed (the
// Public Suffix List). Runs on every runtime (no node:zlib, no DecompressionStream, which is async)
// and only at configuration time. Throws on malformed input: it only ever reads data built in.

/** Length bases and extra bits for codes 257..285 (RFC 1951 §3.2.5). */
const LENGTH_BASE = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258];
const LENGTH_EXTRA = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0];
/** Distance bases and extra bits for codes 0..29. */
const DISTANCE_BASE = [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577];
const DISTANCE_EXTRA = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13];
/** The order code-length code lengths are sent in (§3.2.7). */
const CODE_LENGTH_ORDER = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15];

/** A canonical Huffman code: how many codes of each length, and the symbols in code order. */
interface Huffman {
  readonly counts: Uint16Array;
  readonly symbols: Uint16Array;
}

function huffman(lengths: ArrayLike<number>): Huffman {
  const counts = new Uint16Array(16);
  for (let i = 0; i < lengths.length; i++) counts[lengths[i] as number]!++;
  counts[0] = 0;
  const offsets = new Uint16Array(16);
  for (let length = 1; length < 16; length++) offsets[length] = offsets[length - 1]! + counts[length - 1]!;
  const symbols = new Uint16Array(lengths.length);
  for (let symbol = 0; symbol < lengths.length; symbol++) {
    const length = lengths[symbol] as number;
    if (length !== 0) symbols[offsets[length]!++] = symbol;
  }
  return { counts, symbols };
}

const FIXED_LITERALS = huffman(Array.from({ length: 288 }, (_, i) => (i < 144 ? 8 : i < 256 ? 9 : i < 280 ? 7 : 8)));
const FIXED_DISTANCES = huffman(new Array<number>(30).fill(5));

/** The error for malformed input: only ever a bug in crossgate, since it reads only data built in. */
const corrupt = (what: string) => new RangeError(`inflate: ${what}`);
const truncated = () => corrupt("unexpected end of data");

/** Inflates raw DEFLATE data (no zlib or gzip header). */
export function inflateRaw(input: Uint8Array): Uint8Array {
  let out = new Uint8Array(input.length * 4 + 1024);
  let outLength = 0;
  let position = 0; // byte position in input
  let bitBuffer = 0;
  let bitCount = 0;

  const bits = (count: number): number => {
    while (bitCount < count) {
      if (position >= input.length) throw truncated();
      bitBuffer |= (input[position++] as number) << bitCount;
      bitCount += 8;
    }
    const value = bitBuffer & ((1 << count) - 1);
    bitBuffer >>>= count;
    bitCount -= count;
    return value;
  };

  // Codes are read bit by bit, most significant first (§3.1.1, "Huffman codes are packed starting
  // with the most significant bit of the code").
  const decode = (code: Huffman): number => {
    let value = 0;
    let first = 0;
    let index = 0;
    for (let length = 1; length < 16; length++) {
      value |= bits(1);
      const count = code.counts[length] as number;
      if (value - first < count) return code.symbols[index + value - first] as number;
      index += count;
      first = (first + count) << 1;
      value <<= 1;
    }
    throw corrupt("invalid Huffman code");
  };

  const ensure = (extra: number) => {
    if (outLength + extra <= out.length) return;
    const bigger = new Uint8Array(Math.max(out.length * 2, outLength + extra));
    bigger.set(out.subarray(0, outLength));
    out = bigger;
  };

  let last = 0;
  while (last === 0) {
    last = bits(1);
    const type = bits(2);
    if (type === 0) {
      // Stored block: skip to a byte boundary, then LEN and NLEN.
      bitBuffer = 0;
      bitCount = 0;
      if (position + 4 > input.length) throw truncated();
      const length = (input[position] as number) | ((input[position + 1] as number) << 8);
      position += 4;
      if (position + length > input.length) throw truncated();
      ensure(length);
      out.set(input.subarray(position, position + length), outLength);
      outLength += length;
      position += length;
      continue;
    }
    let literals = FIXED_LITERALS;
    let distances = FIXED_DISTANCES;
    if (type === 2) {
      const literalCount = bits(5) + 257;
      const distanceCount = bits(5) + 1;
      const codeLengthCount = bits(4) + 4;
      const codeLengths = new Uint8Array(19);
      for (let i = 0; i < codeLengthCount; i++) codeLengths[CODE_LENGTH_ORDER[i] as number] = bits(3);
      const codeLengthCode = huffman(codeLengths);
      const lengths = new Uint8Array(literalCount + distanceCount);
      for (let i = 0; i < lengths.length; ) {
        const symbol = decode(codeLengthCode);
        if (symbol < 16) lengths[i++] = symbol;
        else {
          const [repeat, value] =
            symbol === 16 ? [3 + bits(2), lengths[i - 1] ?? 0] : symbol === 17 ? [3 + bits(3), 0] : [11 + bits(7), 0];
          if (i + repeat > lengths.length) throw corrupt("too many code lengths");
          lengths.fill(value, i, i + repeat);
          i += repeat;
        }
      }
      literals = huffman(lengths.subarray(0, literalCount));
      distances = huffman(lengths.subarray(literalCount));
    } else if (type !== 1) {
      throw corrupt("invalid block type");
    }
    for (;;) {
      const symbol = decode(literals);
      if (symbol < 256) {
        ensure(1);
        out[outLength++] = symbol;
        continue;
      }
      if (symbol === 256) break;
      const lengthCode = symbol - 257;
      if (lengthCode >= LENGTH_BASE.length) throw corrupt("invalid length code");
      const length = (LENGTH_BASE[lengthCode] as number) + bits(LENGTH_EXTRA[lengthCode] as number);
      const distanceCode = decode(distances);
      if (distanceCode >= DISTANCE_BASE.length) throw corrupt("invalid distance code");
      const distance = (DISTANCE_BASE[distanceCode] as number) + bits(DISTANCE_EXTRA[distanceCode] as number);
      if (distance > outLength) throw corrupt("distance too far back");
      ensure(length);
      for (let i = 0; i < length; i++, outLength++) out[outLength] = out[outLength - distance] as number;
    }
  }
  return out.subarray(0, outLength);
}
