// Why a CSRF guard refused a request, in its own words: Django's 403 page ("Reason given for
// failure"), or the same reason text in any body (crossgate's guard uses Django's wording).
import { decodeHtml, djangoCsrfReason } from "./server-words.ts";

/** Django's CsrfViewMiddleware reasons (django/middleware/csrf.py), 3.2 through 5.x. */
const REASON =
  /(Origin checking failed - [^<\n"]{0,600}? does not match any trusted origins\.|Referer checking failed - [^<\n"]{0,600}?\.(?=\s|"|<|$)|CSRF cookie not set\.|CSRF cookie has (?:incorrect length|invalid characters)\.|CSRF token missing(?: or incorrect)?\.|CSRF token from [^<\n"]{0,80}? (?:has incorrect length|has invalid characters|incorrect)\.)/;

/** The refusal reason a 403 body gives, or null. */
export function csrfReason(body: string): string | null {
  const django = djangoCsrfReason(body);
  if (django !== null) return django;
  const match = REASON.exec(decodeHtml(body.slice(0, 64 * 1024)));
  return match ? (match[1] ?? null) : null;
}

/** True when the reason is that the page's origin (or Referer) is not trusted. */
export function isOriginCsrfReason(reason: string): boolean {
  return /does not match any trusted origins/.test(reason);
}
