// Does a request need a CORS preflight? The Fetch standard's safelists, byte for byte.
import { isForbiddenRequestHeader as isForbiddenRequestHeaderName } from "../core/internal/tokens.ts";
import { isToken, type HeaderPair } from "./http-tokens.ts";

/** Methods a cross-origin request may use without a preflight. See Fetch, "CORS-safelisted method". */
export const SAFELISTED_METHODS: readonly string[] = ["GET", "HEAD", "POST"];

const NORMALIZED_METHODS = ["DELETE", "GET", "HEAD", "OPTIONS", "POST", "PUT"];

/**
 * The method as `fetch()` sends it: only DELETE, GET, HEAD, OPTIONS, POST and PUT are
 * upper-cased, so `"patch"` stays `"patch"`. See Fetch standard, "normalize" a method.
 */
export function normalizeMethod(method: string): string {
  const upper = method.toUpperCase();
  return NORMALIZED_METHODS.includes(upper) ? upper : method;
}

/** True for GET, HEAD and POST (case-sensitive, after normalisation). */
export function isSafelistedMethod(method: string): boolean {
  return SAFELISTED_METHODS.includes(method);
}

/** True for CONNECT, TRACE and TRACK, which `fetch()` refuses. See Fetch, "forbidden method". */
export function isForbiddenMethod(method: string): boolean {
  return ["CONNECT", "TRACE", "TRACK"].includes(method.toUpperCase());
}

const METHOD_OVERRIDE_HEADERS = new Set(["x-http-method", "x-http-method-override", "x-method-override"]);

/**
 * True if a browser silently drops this header from a script's request.
 * See Fetch standard, "forbidden request-header" (names, `Proxy-`/`Sec-` prefixes, and method
 * override headers naming a forbidden method).
 */
export function isForbiddenRequestHeader(name: string, value: string): boolean {
  const lower = name.toLowerCase();
  if (isForbiddenRequestHeaderName(lower)) return true;
  if (METHOD_OVERRIDE_HEADERS.has(lower)) {
    return value.split(",").some((item) => isForbiddenMethod(item.trim()));
  }
  return false;
}

/**
 * True for a byte that makes `Accept` or `Content-Type` unsafe: controls other than tab,
 * `"():<>?@[\]{}` and DEL. See Fetch standard, "CORS-unsafe request-header byte".
 */
export function isCorsUnsafeRequestHeaderByte(code: number): boolean {
  if (code < 0x20 && code !== 0x09) return true;
  return [0x22, 0x28, 0x29, 0x3a, 0x3c, 0x3e, 0x3f, 0x40, 0x5b, 0x5c, 0x5d, 0x7b, 0x7d, 0x7f].includes(code);
}

function hasUnsafeByte(value: string): boolean {
  for (let i = 0; i < value.length; i++) if (isCorsUnsafeRequestHeaderByte(value.charCodeAt(i))) return true;
  return false;
}

/** Why one header is or is not CORS-safelisted. */
export type HeaderSafelistVerdict =
  | { readonly safelisted: true }
  | { readonly safelisted: false; readonly why: string };

const SAFE = { safelisted: true } as const;
const unsafe = (why: string): HeaderSafelistVerdict => ({ safelisted: false, why });

/** Essences of `Content-Type` a form can send without a preflight. */
export const SAFELISTED_CONTENT_TYPES: readonly string[] = [
  "application/x-www-form-urlencoded",
  "multipart/form-data",
  "text/plain",
];

/**
 * Is this one header CORS-safelisted (ignoring the 1024-byte total)?
 * See Fetch standard, "CORS-safelisted request-header": at most 128 bytes, and a name from
 * a short list with a value rule per name.
 */
export function checkSafelistedHeader(name: string, value: string): HeaderSafelistVerdict {
  const lower = name.toLowerCase();
  if (value.length > 128) return unsafe(`its value is ${value.length} bytes long; safelisted values are at most 128 bytes`);
  switch (lower) {
    case "accept":
      return hasUnsafeByte(value) ? unsafe('its value contains a CORS-unsafe byte (one of "():<>?@[\\]{}, DEL or a control)') : SAFE;
    case "accept-language":
    case "content-language":
      return /^[0-9A-Za-z *,\-.;=]*$/.test(value)
        ? SAFE
        : unsafe("its value may only contain 0-9, A-Z, a-z, space and *,-.;=");
    case "content-type": {
      if (hasUnsafeByte(value)) return unsafe('its value contains a CORS-unsafe byte (one of "():<>?@[\\]{}, DEL or a control)');
      const essence = mimeTypeEssence(value);
      if (essence === null) return unsafe("its value is not a valid MIME type");
      return SAFELISTED_CONTENT_TYPES.includes(essence)
        ? SAFE
        : unsafe(`${essence} is not one of ${SAFELISTED_CONTENT_TYPES.join(", ")}`);
    }
    case "range":
      return isSimpleRange(value) ? SAFE : unsafe('only a single "bytes=N-" or "bytes=N-M" range is safelisted');
    default:
      return unsafe("it is not one of Accept, Accept-Language, Content-Language, Content-Type or Range");
  }
}

/**
 * The essence (`type/subtype`, lower-cased) of a MIME type, or null if `value` does not
 * parse. See MIME Sniffing standard, "parse a MIME type" (parameters never fail the parse).
 */
export function mimeTypeEssence(value: string): string | null {
  const trimmed = value.replace(/^[\t\n\r ]+|[\t\n\r ]+$/g, "");
  const slash = trimmed.indexOf("/");
  if (slash <= 0) return null;
  const type = trimmed.slice(0, slash);
  const semicolon = trimmed.indexOf(";", slash + 1);
  const subtype = trimmed.slice(slash + 1, semicolon === -1 ? undefined : semicolon).replace(/[\t\n\r ]+$/, "");
  if (!isToken(type) || subtype === "" || !isToken(subtype)) return null;
  return `${type}/${subtype}`.toLowerCase();
}

/**
 * True for `bytes=N-` and `bytes=N-M` with N <= M and no whitespace.
 * See Fetch standard, "parse a single range header value" and the `range` safelist rule.
 */
export function isSimpleRange(value: string): boolean {
  const match = /^bytes=([0-9]*)-([0-9]*)$/i.exec(value);
  if (!match) return false;
  const [, start = "", end = ""] = match;
  if (start === "") return false; // a suffix range ("bytes=-N") is not safelisted
  return end === "" || BigInt(start) <= BigInt(end);
}

/** The headers that force a preflight, and why each one does. */
export interface UnsafeHeader {
  /** Lower-cased header name, as it goes into `Access-Control-Request-Headers`. */
  readonly name: string;
  /** Why the browser does not treat it as safelisted. */
  readonly why: string;
}

/**
 * The CORS-unsafe request-header names of a header list, lower-cased, de-duplicated and
 * sorted, with the reason for each. Safelisted values adding up to more than 1024 bytes make
 * all of them unsafe. See Fetch standard, "CORS-unsafe request-header names".
 */
export function corsUnsafeHeaders(headers: readonly HeaderPair[]): UnsafeHeader[] {
  const unsafeHeaders = new Map<string, string>();
  const potentiallyUnsafe = new Map<string, string>();
  let safelistValueSize = 0;
  for (const [name, value] of headers) {
    const lower = name.toLowerCase();
    const verdict = checkSafelistedHeader(name, value);
    if (!verdict.safelisted) {
      if (!unsafeHeaders.has(lower)) unsafeHeaders.set(lower, verdict.why);
    } else {
      potentiallyUnsafe.set(lower, "");
      safelistValueSize += value.length;
    }
  }
  if (safelistValueSize > 1024) {
    for (const name of potentiallyUnsafe.keys()) {
      if (!unsafeHeaders.has(name)) {
        unsafeHeaders.set(name, `safelisted header values add up to ${safelistValueSize} bytes, more than 1024`);
      }
    }
  }
  return [...unsafeHeaders.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, why]) => ({ name, why }));
}

/** Whether a cross-origin request is preflighted, and every reason it is. */
export interface PreflightNeed {
  readonly needed: boolean;
  /** One sentence per reason; empty when no preflight is needed. */
  readonly reasons: readonly string[];
  /** Lower-cased sorted names for `Access-Control-Request-Headers`. */
  readonly unsafeHeaderNames: readonly string[];
}

/**
 * Decides whether a cross-origin `cors`-mode request is preflighted (ignoring the preflight
 * cache): its method is not safelisted, or it has a CORS-unsafe header.
 * See Fetch standard, main fetch step "use-CORS-preflight flag ... unsafe-request flag".
 */
export function preflightNeed(method: string, headers: readonly HeaderPair[]): PreflightNeed {
  const reasons: string[] = [];
  if (!isSafelistedMethod(method)) reasons.push(`method ${method} is not one of ${SAFELISTED_METHODS.join(", ")}`);
  const unsafeHeaders = corsUnsafeHeaders(headers);
  for (const header of unsafeHeaders) reasons.push(`header ${header.name} is not safelisted: ${header.why}`);
  return { needed: reasons.length > 0, reasons, unsafeHeaderNames: unsafeHeaders.map((h) => h.name) };
}
