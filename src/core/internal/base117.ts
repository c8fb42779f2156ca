// Bytes as text in base 117, for data embedded in a bundle: the digits are the ASCII characters that
// a minifier (esbuild, as wrangler runs it) prints as one byte inside a double-quoted string, so the
// text costs 7 bytes per 6 bytes of data (base64: 8). Left out: NUL, BEL, BS, LF, VT, FF, CR, ESC
// and DEL (printed as escapes), `"` and `\`. Other control characters are legal in a string literal
// (ECMAScript §12.9.4 excludes only the quote, the backslash and line terminators).

/** Bytes per chunk, and the digits that write one: 117^7 > 2^48, and 7 digits of it stay exact in a double. */
export const BASE117_CHUNK_BYTES = 6;
export const BASE117_CHUNK_DIGITS = 7;

const EXCLUDED = [0x00, 0x07, 0x08, 0x0a, 0x0b, 0x0c, 0x0d, 0x1b, 0x22, 0x5c, 0x7f];

/** The digit characters in value order. */
function digits(): string {
  let alphabet = "";
  for (let code = 0; code < 0x80; code++) if (!EXCLUDED.includes(code)) alphabet += String.fromCharCode(code);
  return alphabet;
}

/** Writes `bytes` (a whole number of chunks) as digits, least significant first in each chunk. */
export function base117Digits(bytes: Uint8Array): string {
  const alphabet = digits();
  let text = "";
  for (let i = 0; i + BASE117_CHUNK_BYTES <= bytes.length; i += BASE117_CHUNK_BYTES) {
    let value = 0;
    for (let j = BASE117_CHUNK_BYTES - 1; j >= 0; j--) value = value * 256 + (bytes[i + j] as number);
    for (let j = 0; j < BASE117_CHUNK_DIGITS; j++) {
      text += alphabet[value % 117];
      value = Math.floor(value / 117);
    }
  }
  return text;
}

/** Reads what `base117Digits` wrote. A character that is not a digit reads as 0; the caller checks the data. */
export function base117Bytes(text: string): Uint8Array {
  const alphabet = digits();
  const values = new Uint8Array(0x80);
  for (let i = 0; i < alphabet.length; i++) values[alphabet.charCodeAt(i)] = i;
  const chunks = Math.floor(text.length / BASE117_CHUNK_DIGITS);
  const out = new Uint8Array(chunks * BASE117_CHUNK_BYTES);
  for (let c = 0; c < chunks; c++) {
    let value = 0;
    for (let j = BASE117_CHUNK_DIGITS - 1; j >= 0; j--) value = value * 117 + (values[text.charCodeAt(c * BASE117_CHUNK_DIGITS + j) & 0x7f] as number);
    for (let j = 0; j < BASE117_CHUNK_BYTES; j++) {
      out[c * BASE117_CHUNK_BYTES + j] = value % 256;
      value = Math.floor(value / 256);
    }
  }
  return out;
}
