// The CSRF cookie: reading it from `Cookie` (RFC 6265 §5.4) and writing `Set-Cookie` (RFC 6265 §4.1).
import { cookieDomain, maxAgeExpiry, type CookieFacts } from "../cookies/rules.ts";

/**
 * The most same-named cookies read. A sibling subdomain can plant several ahead of ours (a longer
 * `Path` sorts first), so the bound is well above what stuffing within one header is worth and
 * each extra one costs a string comparison, never an HMAC.
 */
export const MAX_SAME_NAME_COOKIES = 64;

/**
 * Every value of the cookie `name` in a `Cookie` header, in the order sent. A sibling subdomain can
 * add its own `csrftoken` next to ours, so all of them are candidates (each must still verify).
 */
export function cookieValues(header: string | undefined, name: string): string[] {
  if (header === undefined || header === "") return [];
  const values: string[] = [];
  for (const pair of header.split(";")) {
    const equals = pair.indexOf("=");
    if (equals === -1 || pair.slice(0, equals).trim() !== name) continue;
    let value = pair.slice(equals + 1).trim();
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    values.push(value);
    if (values.length === MAX_SAME_NAME_COOKIES) break;
  }
  return values;
}

/** The validated cookie attributes. */
export interface CookieAttributes {
  readonly name: string;
  readonly path: string;
  readonly domain: string | undefined;
  readonly secure: boolean;
  readonly sameSite: "Lax" | "Strict" | "None" | false;
  readonly httpOnly: boolean;
  readonly maxAgeSeconds: number | null;
  /** CHIPS `Partitioned`: the cookie lives in a jar per top-level site. */
  readonly partitioned?: boolean;
}

/** The `Set-Cookie` value for `value`, attributes in Django's order. */
export function serializeCookie(attributes: CookieAttributes, value: string): string {
  let cookie = `${attributes.name}=${value}`;
  if (attributes.domain !== undefined) cookie += `; Domain=${attributes.domain}`;
  if (attributes.maxAgeSeconds !== null) cookie += `; Max-Age=${attributes.maxAgeSeconds}`;
  cookie += `; Path=${attributes.path}`;
  if (attributes.sameSite !== false) cookie += `; SameSite=${attributes.sameSite}`;
  if (attributes.secure) cookie += "; Secure";
  if (attributes.httpOnly) cookie += "; HttpOnly";
  if (attributes.partitioned === true) cookie += "; Partitioned";
  return cookie;
}

/**
 * The cookie `serializeCookie` writes, as a browser stores it (what `parseSetCookie` reads from the
 * header, without parsing it): the facts the cookie rules decide on.
 */
export function cookieFacts(attributes: CookieAttributes, now: number): CookieFacts {
  return {
    name: attributes.name,
    domain: attributes.domain === undefined ? null : cookieDomain(attributes.domain),
    path: attributes.path,
    expiresAt: attributes.maxAgeSeconds === null ? null : maxAgeExpiry(attributes.maxAgeSeconds, now),
    secure: attributes.secure,
    sameSite: attributes.sameSite === false ? "Default" : attributes.sameSite,
    partitioned: attributes.partitioned === true,
  };
}
