/**
 * What crossgate needs to know about a request. Every adapter builds one from its framework's
 * request object; the core never sees framework types.
 */
export interface RequestView {
  /** The request method exactly as received, e.g. `"GET"`. */
  readonly method: string;
  /** The URL path without the query string, as received (not percent-decoded). */
  readonly path: string;
  /**
   * A header's value, or `undefined` when absent. `name` is always lower-case. When a header
   * arrives several times, its values are joined with `", "` (RFC 9110 §5.3).
   */
  header(name: string): string | undefined;
  /** The framework's own request object, handed to user callbacks such as `allowOrigin`. */
  readonly raw?: unknown;
}

/** Builds a `RequestView` over a plain header record (Node's `IncomingHttpHeaders` shape). */
export function requestViewFromRecord(
  method: string,
  url: string,
  headers: Readonly<Record<string, string | readonly string[] | undefined>>,
  raw?: unknown,
): RequestView {
  return {
    method,
    path: pathOf(url),
    header(name) {
      const value = headers[name];
      return value === undefined || typeof value === "string" ? value : value.join(", ");
    },
    raw,
  };
}

/** The path of a request target (`/a/b?q` → `/a/b`); absolute-form targets keep only their path. */
export function pathOf(target: string): string {
  let start = 0;
  if (target.charCodeAt(0) !== 47 /* "/" */) {
    const scheme = target.indexOf("://");
    if (scheme !== -1) {
      const slash = target.indexOf("/", scheme + 3);
      if (slash === -1) return "/";
      start = slash;
    }
  }
  const query = target.indexOf("?", start);
  const hash = target.indexOf("#", start);
  let end = target.length;
  if (query !== -1) end = query;
  if (hash !== -1 && hash < end) end = hash;
  return start === 0 && end === target.length ? target : target.slice(start, end);
}
