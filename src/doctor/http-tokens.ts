// Byte-level HTTP helpers the doctor's checks share: tokens, header values, header lookup.
// Header values are handled as byte strings (one char = one byte, 0x00-0xFF), as fetch does.

/** A header as it travels on the wire: name as written, value as received. */
export type HeaderPair = readonly [name: string, value: string];

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** True if `value` is an RFC 9110 token (method names and header names are tokens). */
export function isToken(value: string): boolean {
  return TOKEN.test(value);
}

/**
 * True if `value` may be a header value: bytes only, no NUL, CR or LF, no leading or
 * trailing HTTP whitespace. See Fetch standard, "header value".
 */
export function isHeaderValue(value: string): boolean {
  if (value !== trimHttpWhitespace(value)) return false;
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code > 0xff || code === 0x00 || code === 0x0a || code === 0x0d) return false;
  }
  return true;
}

/** Strips leading and trailing HTTP whitespace (tab, LF, CR, space). See Fetch, "normalize". */
export function trimHttpWhitespace(value: string): string {
  return value.replace(/^[\t\n\r ]+|[\t\n\r ]+$/g, "");
}

/** Every value of header `name` (case-insensitive), in order. */
export function headerValues(headers: readonly HeaderPair[], name: string): string[] {
  const wanted = name.toLowerCase();
  return headers.filter(([n]) => n.toLowerCase() === wanted).map(([, v]) => v);
}

/**
 * The combined value of header `name`, or null when absent: repeated headers are joined with
 * ", ". See Fetch standard, "get" a header from a header list.
 */
export function getHeader(headers: readonly HeaderPair[], name: string): string | null {
  const values = headerValues(headers, name);
  return values.length === 0 ? null : values.join(", ");
}

/** True if header `name` is present at least once. */
export function hasHeader(headers: readonly HeaderPair[], name: string): boolean {
  return headerValues(headers, name).length > 0;
}
