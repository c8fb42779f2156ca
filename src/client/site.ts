// Whether the page and the API are one site, approximately: the client must stay small, so it does
// not carry the Public Suffix List (the server side and the doctor use the real one).
//
// The approximation: a site is the scheme plus the last two labels of the host, or the last three
// when the last two look like a country's second level (`co.uk`, `com.au`, `ne.jp`). IP addresses and
// single labels (`localhost`) are their own site. It errs towards "same site" for private suffixes
// (`alice.github.io` and `bob.github.io` look like one site), so it may miss a cross-site page but
// never blames cookies for a same-site one.

import { doctorCommand } from "./doctor-command.ts";
import type { CookiesNotSent } from "./errors.ts";
import { pageOrigin } from "./page.ts";

const COUNTRY_SECOND_LEVEL = new Set(["ac", "co", "com", "edu", "gov", "ltd", "ne", "net", "or", "org", "plc", "sch"]);

/** The approximate registrable domain of a host, as `URL` serialises it. */
export function approximateRegistrableDomain(hostname: string): string {
  const host = hostname.endsWith(".") ? hostname.slice(0, -1) : hostname;
  if (host.startsWith("[") || /^\d+\.\d+\.\d+\.\d+$/.test(host)) return host;
  const labels = host.split(".");
  if (labels.length <= 2) return host;
  const tld = labels[labels.length - 1] ?? "";
  const second = labels[labels.length - 2] ?? "";
  const keep = tld.length === 2 && COUNTRY_SECOND_LEVEL.has(second) ? 3 : 2;
  return labels.slice(-keep).join(".");
}

/** `scheme://registrable-domain`, approximately; undefined for opaque or non-http origins. */
export function approximateSite(urlOrOrigin: string): string | undefined {
  try {
    const url = new URL(urlOrOrigin);
    if (url.protocol !== "http:" && url.protocol !== "https:") return undefined;
    return `${url.protocol}//${approximateRegistrableDomain(url.hostname)}`;
  } catch {
    return undefined;
  }
}

/**
 * For a credentialed call to an API origin refused with 401, 403 or "CSRF cookie not set.": the two
 * sites and a doctor command when the page is cross-site to the API, else undefined. No request is made.
 */
export function cookiesNotSentFor(
  url: string,
  status: number,
  csrfReason: string | undefined,
  method: string,
  headers: Headers,
  headerSpelling: ReadonlyMap<string, string>,
): CookiesNotSent | undefined {
  if (status !== 401 && status !== 403 && csrfReason !== "CSRF cookie not set.") return undefined;
  const origin = pageOrigin();
  if (origin === undefined) return undefined;
  const pageSite = approximateSite(origin);
  const apiSite = approximateSite(url);
  if (pageSite === undefined || apiSite === undefined || pageSite === apiSite) return undefined;
  const command = doctorCommand({ url, method, headers, headerSpelling, credentials: true, origin });
  return { pageSite, apiSite, doctorCommand: `${command} --login '<your login URL>'` };
}
