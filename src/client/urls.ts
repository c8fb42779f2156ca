// URL joining and origin serialisation, the only URL logic the client needs.

/** Matches a URL with a scheme (`https://…`) or a scheme-relative one (`//host/…`). */
const absoluteURL = /^([a-z][a-z\d+\-.]*:)?\/\//i;

/**
 * The ASCII serialisation of `url`'s origin (`scheme://host[:port]`, default port dropped), or undefined
 * when `url` is not an absolute http(s) URL. See HTML Standard, "ASCII serialization of an origin".
 */
export function originOf(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") return undefined;
  return parsed.origin;
}

/**
 * Resolves a request URL: absolute and scheme-relative URLs are taken as they are (against `baseURL`'s
 * scheme); anything else is appended to `baseURL` with exactly one slash between them.
 */
export function joinURL(baseURL: string, url: string): string {
  if (absoluteURL.test(url)) return new URL(url, baseURL).href;
  if (url === "") return baseURL;
  return `${baseURL.replace(/\/+$/, "")}/${url.replace(/^\/+/, "")}`;
}
