// Sites: which page origins and request URLs count as the same site for cookies.
// See HTML "same site" (schemeful: scheme + registrable domain) and RFC 6265bis §5.2 "same-site requests".
import { isIpHost, isLoopbackHost } from "../internal/origin.ts";
import { isPublicSuffix } from "../internal/public-suffix.ts";

/** How a request URL relates to the page that makes the request. */
export type SiteRelation = "same-origin" | "same-site" | "cross-site";

/**
 * The registrable domain of a host (lower-case, as `URL` serialises it): `example.co.uk` for
 * `api.example.co.uk`. IP addresses and single labels (`localhost`) are their own site; a host that
 * is itself a public suffix (`github.io`) is too. See the Public Suffix List algorithm.
 */
export function registrableDomain(host: string): string {
  if (isIpHost(host) || !host.includes(".")) return host;
  const trimmed = host.endsWith(".") ? host.slice(0, -1) : host;
  const labels = trimmed.split(".");
  for (let i = 1; i < labels.length; i++) {
    if (isPublicSuffix(labels.slice(i).join("."))) return labels.slice(i - 1).join(".");
  }
  return trimmed;
}

/**
 * The schemeful site of a URL or origin: `https://example.com`. `http:` and `https:` pages on one
 * domain are two sites (Chromium and Firefox both use schemeful same-site). Null for opaque origins.
 */
export function siteOf(urlOrOrigin: string | URL): string | null {
  const url = toUrl(urlOrOrigin);
  if (url === null || (url.protocol !== "http:" && url.protocol !== "https:")) return null;
  return `${url.protocol}//${registrableDomain(url.hostname)}`;
}

/**
 * Whether `requestUrl` is same-origin, same-site or cross-site to the page at `pageOrigin`, as a
 * browser computes it for cookies and `Sec-Fetch-Site`. An opaque (`"null"`) or unparsable page
 * origin is cross-site to everything. `localhost` and `127.0.0.1` are two different sites.
 */
export function siteRelation(pageOrigin: string, requestUrl: string | URL): SiteRelation {
  const page = toUrl(pageOrigin);
  const request = toUrl(requestUrl);
  if (page === null || request === null) return "cross-site";
  if (page.origin === request.origin && page.origin !== "null") return "same-origin";
  const pageSite = siteOf(page);
  return pageSite !== null && pageSite === siteOf(request) ? "same-site" : "cross-site";
}

/**
 * Whether a URL counts as secure for cookies: `https:`, or a loopback host over `http:`
 * (`localhost`, `*.localhost`, `127.0.0.0/8`, `[::1]`), which Chromium and Firefox treat as
 * potentially trustworthy. See Secure Contexts §3.2 and RFC 6265bis §5.7 (a "secure" protocol).
 */
export function isSecureCookieUrl(url: URL, loopbackHttpIsSecure: boolean): boolean {
  if (url.protocol === "https:") return true;
  return loopbackHttpIsSecure && url.protocol === "http:" && isLoopbackHost(url.hostname);
}

/** `value` as a URL, or null when it does not parse. */
export function toUrl(value: string | URL): URL | null {
  if (value instanceof URL) return value;
  try {
    return new URL(value);
  } catch {
    return null;
  }
}
