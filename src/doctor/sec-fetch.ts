// The Fetch Metadata headers browsers add, so servers (and CSRF guards) see what a browser sends.
// See Fetch Metadata Request Headers, "Sec-Fetch-Site" (the least-same relation over the URL list).
import { isPublicSuffix } from "../core/internal/public-suffix.ts";
import type { HeaderPair } from "./http-tokens.ts";

/** `Sec-Fetch-Site` for a request from `origin` that has visited `urls`. */
export function secFetchSite(origin: string, urls: readonly URL[]): "same-origin" | "same-site" | "cross-site" {
  if (origin === "null") return "cross-site";
  let page: URL;
  try {
    page = new URL(origin);
  } catch {
    return "cross-site";
  }
  let result: "same-origin" | "same-site" | "cross-site" = "same-origin";
  for (const url of urls) {
    if (url.origin === page.origin) continue;
    if (url.protocol === page.protocol && siteOf(url.hostname) === siteOf(page.hostname)) result = "same-site";
    else return "cross-site";
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

/** The registrable domain of `host` (or the host itself for IPs and public suffixes). */
export function siteOf(host: string): string {
  if (host.startsWith("[") || /^[0-9.]+$/.test(host) || !host.includes(".")) return host;
  const labels = host.split(".");
  for (let i = 1; i < labels.length; i++) {
    if (isPublicSuffix(labels.slice(i).join("."))) return labels.slice(i - 1).join(".");
  }
  return host;
}
