// Parsing one `Set-Cookie` header value as a browser does. Never throws: a value a browser ignores
// is a result with the reason. See RFC 6265bis §5.6 "The Set-Cookie Header Field" (parsing steps).
import { parseCookieDate } from "./cookie-date.ts";
import { cookieDomain, MAX_COOKIE_AGE_MS, maxAgeExpiry } from "./rules.ts";

/** The `SameSite` attribute as written; `"Default"` when absent or not one of the three values. */
export type SameSiteValue = "Strict" | "Lax" | "None" | "Default";

/** One parsed `Set-Cookie` header: what the server asked for, before any browser applies its rules. */
export interface SetCookie {
  readonly name: string;
  readonly value: string;
  /** The `Domain` attribute lower-cased, without a leading dot; null when absent (a host-only cookie). */
  readonly domain: string | null;
  /** The `Path` attribute; null when absent or not starting with `/` (the default path is used). */
  readonly path: string | null;
  /** Expiry from `Max-Age` (which wins) or `Expires`, in ms since the epoch; null for a session cookie. */
  readonly expiresAt: number | null;
  readonly secure: boolean;
  readonly httpOnly: boolean;
  readonly sameSite: SameSiteValue;
  /** The CHIPS `Partitioned` attribute. */
  readonly partitioned: boolean;
  /** Attributes a browser skips (unknown, too long, bad values), each with why; informative only. */
  readonly ignoredAttributes: readonly string[];
}

export type ParsedSetCookie =
  | { readonly ok: true; readonly cookie: SetCookie }
  | { readonly ok: false; readonly reason: string };

/** The most bytes of name plus value a browser keeps. See RFC 6265bis §5.6 (name-value pair). */
export const MAX_NAME_VALUE_LENGTH = 4096;
/** The most bytes of one attribute value a browser reads. See RFC 6265bis §5.6 (cookie-av). */
export const MAX_ATTRIBUTE_VALUE_LENGTH = 1024;
/** Attributes examined; a longer list is someone stuffing the header, and the rest is skipped. */
const MAX_ATTRIBUTES = 64;

// %x00-08 / %x0A-1F / %x7F: control characters other than HTAB. See RFC 6265bis §5.6.
const CONTROL = /[\x00-\x08\x0A-\x1F\x7F]/;
const WSP = /^[ \t]+|[ \t]+$/g;

/**
 * Parses one `Set-Cookie` value. `now` (ms since the epoch) turns `Max-Age` into an expiry.
 * Returns `{ ok: false, reason }` for a header every browser ignores; never throws.
 * @example
 * parseSetCookie("sid=1; Secure; SameSite=None", Date.now()) // { ok: true, cookie: { name: "sid", … } }
 */
export function parseSetCookie(header: unknown, now: number): ParsedSetCookie {
  if (typeof header !== "string") return { ok: false, reason: "the header value is not a string" };
  const control = CONTROL.exec(header);
  if (control !== null) {
    const code = control[0].charCodeAt(0).toString(16).padStart(2, "0").toUpperCase();
    return { ok: false, reason: `it contains the control character 0x${code}, which browsers refuse` };
  }
  // The name-value pair is everything before the first ";"; a pair without "=" is a nameless cookie.
  const semicolon = header.indexOf(";");
  const pair = semicolon === -1 ? header : header.slice(0, semicolon);
  const equals = pair.indexOf("=");
  const name = (equals === -1 ? "" : pair.slice(0, equals)).replace(WSP, "");
  const value = (equals === -1 ? pair : pair.slice(equals + 1)).replace(WSP, "");
  if (name === "" && value === "") return { ok: false, reason: "it has neither a name nor a value" };
  if (name.length + value.length > MAX_NAME_VALUE_LENGTH) {
    return { ok: false, reason: `its name and value are ${name.length + value.length} bytes, over the ${MAX_NAME_VALUE_LENGTH} browsers keep` };
  }
  // RFC 6265bis §5.7 (cookie prefixes): a nameless cookie must not look like a prefixed one.
  if (name === "" && /^__(?:secure|host)-/i.test(value)) {
    return { ok: false, reason: "it has no name and its value starts with a cookie prefix (__Secure- or __Host-)" };
  }

  let domain: string | null = null;
  let path: string | null = null;
  let maxAge: number | null = null;
  let expires: number | null = null;
  let secure = false;
  let httpOnly = false;
  let sameSite: SameSiteValue = "Default";
  let partitioned = false;
  const ignored: string[] = [];
  const avs = semicolon === -1 ? [] : header.slice(semicolon + 1).split(";", MAX_ATTRIBUTES + 1);
  if (avs.length > MAX_ATTRIBUTES) {
    avs.length = MAX_ATTRIBUTES;
    ignored.push(`attributes after the first ${MAX_ATTRIBUTES}`);
  }
  // Each cookie-av in order; a repeated attribute's last occurrence wins (RFC 6265bis §5.7).
  for (const av of avs) {
    const eq = av.indexOf("=");
    const attribute = (eq === -1 ? av : av.slice(0, eq)).replace(WSP, "");
    const attrValue = (eq === -1 ? "" : av.slice(eq + 1)).replace(WSP, "");
    if (attribute === "") continue;
    const key = attribute.toLowerCase();
    if (attrValue.length > MAX_ATTRIBUTE_VALUE_LENGTH) {
      ignored.push(`${attribute} (its value is over ${MAX_ATTRIBUTE_VALUE_LENGTH} bytes)`);
      continue;
    }
    switch (key) {
      case "expires": {
        const at = parseCookieDate(attrValue);
        if (at === null) ignored.push(`Expires=${clip(attrValue)} (not a date)`);
        else expires = at;
        break;
      }
      case "max-age": {
        // §5.6.2: a leading "-" or digit, then digits only.
        if (!/^-?\d+$/.test(attrValue)) {
          ignored.push(`Max-Age=${clip(attrValue)} (not a whole number)`);
          break;
        }
        maxAge = maxAgeExpiry(Number(attrValue), now);
        break;
      }
      case "domain":
        // §5.6.3: an empty Domain is ignored; a leading dot is dropped.
        if (attrValue === "") ignored.push("Domain (empty)");
        else domain = cookieDomain(attrValue);
        break;
      case "path":
        path = attrValue.startsWith("/") ? attrValue : null;
        break;
      case "secure":
        secure = true;
        break;
      case "httponly":
        httpOnly = true;
        break;
      case "samesite": {
        const lower = attrValue.toLowerCase();
        sameSite = lower === "strict" ? "Strict" : lower === "lax" ? "Lax" : lower === "none" ? "None" : "Default";
        if (sameSite === "Default") ignored.push(`SameSite=${clip(attrValue)} (not Strict, Lax or None)`);
        break;
      }
      case "partitioned":
        partitioned = true;
        break;
      default:
        ignored.push(`${clip(attribute)} (unknown attribute)`);
    }
  }
  // Max-Age wins over Expires, whatever their order. Expiry is capped at 400 days (§5.6.1, §5.6.2).
  const expiresAt = maxAge ?? (expires === null ? null : Math.min(expires, now + MAX_COOKIE_AGE_MS));
  return {
    ok: true,
    cookie: { name, value, domain, path, expiresAt, secure, httpOnly, sameSite, partitioned, ignoredAttributes: ignored },
  };
}

function clip(text: string): string {
  return JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text);
}
