// The debug hint for a request that arrived without the CSRF cookie: is the page cross-site to the
// API, and which cookie rule drops the cookie there, per browser. Debug mode only (it parses URLs).
// The rules come from ../cookies/rules.ts, fed the attributes the guard writes: no Set-Cookie parsing.
import { COOKIE_BEHAVIOURS, COOKIE_BROWSERS } from "../cookies/browsers.ts";
import { cookieOutcome } from "../cookies/rules.ts";
import { siteOf, siteRelation, toUrl } from "../cookies/site.ts";
import type { CompiledCsrf } from "./compile.ts";
import { cookieFacts } from "./cookie.ts";
import { ownOrigin, type CsrfRequest } from "./request.ts";

const NAMES = { chromium: "Chromium", firefox: "Firefox", safari: "Safari" } as const;

/** `" Cookies: …"` explaining why a browser would not send the CSRF cookie from the request's Origin, or "". */
export function missingCookieHint(compiled: CompiledCsrf, request: CsrfRequest): string {
  const origin = request.header("origin");
  const own = ownOrigin(request, compiled.trustProxy).origin;
  if (origin === undefined || own === undefined) return "";
  // Behind a TLS-terminating proxy the server sees http while pages use https: take the page's scheme
  // then, or every https page would look cross-site (schemeful same-site) to an http-looking API.
  const apiOrigin = own.startsWith("http://") && origin.startsWith("https://") ? `https://${own.slice("http://".length)}` : own;
  const apiUrl = `${apiOrigin}${request.path.startsWith("/") ? request.path : "/"}`;
  const relation = siteRelation(origin, apiUrl);
  const name = compiled.cookie.name;
  if (relation !== "cross-site") {
    return ` Cookies: the page at ${origin} is ${relation} with this API, so SameSite does not drop "${name}"; check that the page fetched a token first (the token endpoint sets the cookie) and that cookie.path and cookie.domain cover ${request.path}.`;
  }
  const url = toUrl(apiUrl);
  const now = Date.now();
  const dropped: string[] = [];
  for (const browser of COOKIE_BROWSERS) {
    const outcome =
      url === null
        ? { sent: false, rule: "malformed" }
        : cookieOutcome({ cookie: cookieFacts(compiled.cookie, now), path: compiled.cookie.path, responseUrl: url, requestUrl: url, setFrom: relation, sentTo: relation, now }, COOKIE_BEHAVIOURS[browser]);
    if (!outcome.sent) dropped.push(`${NAMES[browser]} (${outcome.rule})`);
  }
  const sites = `${siteOf(origin) ?? origin} vs ${siteOf(apiUrl) ?? own}`;
  return dropped.length === 0
    ? ` Cookies: the page at ${origin} is cross-site to this API (${sites}); browsers can keep "${name}" as configured, so check that the page fetched a token first with credentials: "include".`
    : ` Cookies: the page at ${origin} is cross-site to this API (${sites}), so browsers drop the CSRF cookie "${name}" there: ${dropped.join(", ")}. Serve the API under the page's site or through its server, or see docs/deployment.md.`;
}
