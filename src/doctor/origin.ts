// Origins as Fetch serialises them, and the redirect taint that turns `Origin` into `null`.

/** The ASCII serialisation of `url`'s origin (`scheme://host[:port]`), or "null" if opaque. */
export function originOf(url: URL): string {
  return url.origin;
}

/**
 * True once a request with origin `origin` and URL list `urls` is redirect-tainted: some hop
 * left an origin other than the request's own for yet another origin.
 * See Fetch standard, "request's redirect-taint" (anything but "same-origin" counts here,
 * because both "same-site" and "cross-site" serialise the origin as `null`).
 */
export function isRedirectTainted(origin: string, urls: readonly URL[]): boolean {
  for (let i = 1; i < urls.length; i++) {
    const last = originOf(urls[i - 1] as URL);
    if (originOf(urls[i] as URL) !== last && origin !== last) return true;
  }
  return false;
}

/**
 * The request origin as it goes into the `Origin` header and into the CORS check: "null"
 * once the request is redirect-tainted. See Fetch standard, "serializing a request origin".
 */
export function serializeRequestOrigin(origin: string, urls: readonly URL[]): string {
  return isRedirectTainted(origin, urls) ? "null" : origin;
}

/** True if the URL carries a username or password. See URL standard, "includes credentials". */
export function includesCredentials(url: URL): boolean {
  return url.username !== "" || url.password !== "";
}
