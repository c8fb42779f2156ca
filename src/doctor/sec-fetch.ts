// The Fetch Metadata headers browsers add, so servers (and CSRF guards) see what a browser sends.
// See Fetch Metadata Request Headers, "Sec-Fetch-Site" (the least-same relation over the URL list).
import { siteRelation, type SiteRelation } from "../core/cookies/site.ts";
import type { HeaderPair } from "./http-tokens.ts";

/** `Sec-Fetch-Site` for a request from `origin` that has visited `urls`. */
export function secFetchSite(origin: string, urls: readonly URL[]): SiteRelation {
  let result: SiteRelation = origin === "null" ? "cross-site" : "same-origin";
  for (const url of urls) {
    const relation = siteRelation(origin, url);
    if (relation === "cross-site") return relation;
    if (relation === "same-site") result = relation;
  }
  return result;
}

/** The headers `fetch()` adds for a `cors`-mode request with an empty destination. */
export function secFetchHeaders(origin: string, urls: readonly URL[]): HeaderPair[] {
  return [
    ["Sec-Fetch-Site", secFetchSite(origin, urls)],
    ["Sec-Fetch-Mode", "cors"],
    ["Sec-Fetch-Dest", "empty"],
  ];
}
