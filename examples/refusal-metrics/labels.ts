// The one rule both recipes share: bounded label values.

/**
 * The `origin` label of a refusal: the origin itself when it is one of the exact origins you list,
 * otherwise `"other"`. Anyone can send any `Origin`, so labelling by the raw value would let a
 * stranger create a new time series per request; this way there is at most one series per listed
 * origin, plus one.
 */
export function originLabel(listed: ReadonlySet<string>, origin: string | undefined): string {
  return origin !== undefined && listed.has(origin) ? origin : "other";
}
