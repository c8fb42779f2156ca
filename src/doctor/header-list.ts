import { getHeader, isToken, trimHttpWhitespace, type HeaderPair } from "./http-tokens.ts";

/** What parsing a comma-separated list header gave: its items, nothing, or a bad item. */
export type HeaderListResult =
  | { readonly kind: "absent" }
  | { readonly kind: "list"; readonly items: readonly string[] }
  | { readonly kind: "invalid"; readonly badItem: string };

/**
 * Parses a list header whose items must be tokens, such as `Access-Control-Allow-Methods`
 * (`#method`) or `Access-Control-Allow-Headers` (`#field-name`). Empty items are skipped, as
 * RFC 9110 section 5.6.1 asks of recipients; any other non-token item makes the whole header
 * a failure. See Fetch standard, "extract header list values".
 */
export function parseTokenList(headers: readonly HeaderPair[], name: string): HeaderListResult {
  const combined = getHeader(headers, name);
  if (combined === null) return { kind: "absent" };
  const items: string[] = [];
  for (const raw of combined.split(",")) {
    const item = trimHttpWhitespace(raw);
    if (item === "") continue;
    if (!isToken(item)) return { kind: "invalid", badItem: item };
    items.push(item);
  }
  return { kind: "list", items };
}

/** Parses a list header leniently for reporting: trimmed, non-empty items, no validation. */
export function splitList(value: string | null): string[] {
  if (value === null) return [];
  return value
    .split(",")
    .map((item) => trimHttpWhitespace(item))
    .filter((item) => item !== "");
}
