// The fix for a cookie a browser drops, in this deployment's terms: its sites, its host names.
import type { CookieRule } from "../core/cookies/predict.ts";
import { isLoopbackHost } from "../core/internal/origin.ts";
import { registrableDomain, toUrl } from "../core/cookies/site.ts";

export interface CookieFixContext {
  readonly pageOrigin: string;
  readonly responseUrl: string;
  readonly requestUrl: string;
  readonly name: string;
}

/** One or two sentences saying what to change so the browser keeps and sends the cookie. */
export function cookieFix(rule: CookieRule, context: CookieFixContext): string {
  const api = toUrl(context.responseUrl);
  const page = toUrl(context.pageOrigin);
  const next = toUrl(context.requestUrl);
  const apiHost = api?.hostname ?? "the API";
  switch (rule) {
    case "samesite-strict-cross-site":
    case "samesite-lax-cross-site":
    case "samesite-lax-by-default":
    case "third-party-blocked":
      return crossSiteFix(page, api);
    case "samesite-none-without-secure":
      return "Add Secure (SameSite=None cookies must be Secure; serve the API over https, or use http://localhost in development).";
    case "partitioned-without-secure":
      return "Add Secure (a Partitioned cookie must be Secure).";
    case "secure-prefix":
      return `Add Secure to ${context.name}, or drop its __Secure- prefix.`;
    case "host-prefix":
      return `Set ${context.name} with Secure; Path=/ and no Domain, or drop its __Host- prefix.`;
    case "domain-public-suffix":
    case "domain-not-covering-host":
      return `Remove the Domain attribute, or set Domain=${api ? registrableDomain(api.hostname) : "the API's own domain"} (it must cover ${apiHost}).`;
    case "secure-from-insecure-url":
      return api !== null && isLoopbackHost(api.hostname)
        ? "Safari keeps no Secure cookie from http://localhost: develop against an https dev server, or leave Secure off in development only."
        : `Serve ${apiHost} over https (a Secure cookie from http:// is dropped).`;
    case "secure-to-insecure-url":
      return `Call ${next?.host ?? "the API"} over https: the cookie is Secure.`;
    case "expired":
      return "This header deletes the cookie (Max-Age 0 or an Expires in the past); if it should log in, give it a future Max-Age.";
    case "path-not-matching":
      return `Set Path=/ (or a path that covers ${next?.pathname ?? "the request"}).`;
    case "host-not-matching":
      return `Set Domain=${api ? registrableDomain(api.hostname) : "the parent domain"} so the cookie also goes to ${next?.hostname ?? "the other host"}, or call one host.`;
    case "malformed":
      return "Fix the Set-Cookie header: it must be name=value without control characters, under 4096 bytes.";
    case "first-party":
    case "partitioned":
    case "third-party-partitioned":
      return "Nothing to change.";
  }
}

function crossSiteFix(page: URL | null, api: URL | null): string {
  if (page !== null && api !== null && isLoopbackHost(page.hostname) && isLoopbackHost(api.hostname)) {
    return `${page.hostname} and ${api.hostname} are different sites: use one host name consistently in development (open the page at ${page.protocol}//${api.hostname}:${page.port || (page.protocol === "https:" ? "443" : "80")}, or call the API at ${api.protocol}//${page.hostname}:${api.port || (api.protocol === "https:" ? "443" : "80")}), or proxy the API through the dev server (Vite server.proxy, Next.js rewrites).`;
  }
  const pageSite = page ? registrableDomain(page.hostname) : "the page's site";
  if (page !== null && api !== null && pageSite === registrableDomain(api.hostname) && page.protocol !== api.protocol) {
    return `${page.protocol}// and ${api.protocol}// pages of ${pageSite} are different sites: serve the page and the API over https.`;
  }
  return (
    `Move the API under the page's site (api.${pageSite} for ${page?.hostname ?? "the page"}), or proxy it through the page's server ` +
    `(Vite server.proxy, Next.js rewrites) so it is same-origin; to stay cross-site, set the cookie with Secure; SameSite=None; Partitioned ` +
    "(Chromium then sends it, Firefox partitions it, Safari still blocks it), or authenticate with a token header instead of cookies."
  );
}
