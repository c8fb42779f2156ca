// The cookie variants the real-browser matrix sets in one response, and the topologies it loads them in.
// `{parent}` is the API host's parent domain and `{other}` a domain of another site; a variant that
// needs one is skipped where the topology has none (IP hosts).

export interface CookieVariant {
  readonly name: string;
  readonly header: string;
}

export const COOKIE_VARIANTS: readonly CookieVariant[] = [
  { name: "nosamesite", header: "nosamesite=1; Path=/" },
  { name: "nosamesite_secure", header: "nosamesite_secure=1; Secure; Path=/" },
  { name: "lax", header: "lax=1; SameSite=Lax; Path=/" },
  { name: "strict", header: "strict=1; SameSite=Strict; Path=/" },
  { name: "none_insecure", header: "none_insecure=1; SameSite=None; Path=/" },
  { name: "none_secure", header: "none_secure=1; SameSite=None; Secure; Path=/" },
  { name: "partitioned", header: "partitioned=1; SameSite=None; Secure; Path=/; Partitioned" },
  { name: "partitioned_insecure", header: "partitioned_insecure=1; Path=/; Partitioned" },
  { name: "parent_domain", header: "parent_domain=1; SameSite=None; Secure; Path=/; Domain={parent}" },
  { name: "parent_domain_lax", header: "parent_domain_lax=1; SameSite=Lax; Path=/; Domain={parent}" },
  { name: "other_domain", header: "other_domain=1; SameSite=None; Secure; Path=/; Domain={other}" },
  { name: "__Host-nodomain", header: "__Host-nodomain=1; SameSite=None; Secure; Path=/" },
  { name: "__Host-domain", header: "__Host-domain=1; SameSite=None; Secure; Path=/; Domain={parent}" },
  { name: "__Secure-insecure", header: "__Secure-insecure=1; Path=/" },
  { name: "expired", header: "expired=1; SameSite=None; Secure; Path=/; Max-Age=0" },
  { name: "expired_date", header: "expired_date=1; SameSite=None; Secure; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT" },
  { name: "other_path", header: "other_path=1; SameSite=None; Secure; Path=/elsewhere" },
];

/** The `Set-Cookie` values for one API host, with placeholders filled; variants without a value are left out. */
export function variantHeaders(domains: { readonly parent: string | null; readonly other: string | null }): string[] {
  const out: string[] = [];
  for (const variant of COOKIE_VARIANTS) {
    if (variant.header.includes("{parent}") && domains.parent === null) continue;
    if (variant.header.includes("{other}") && domains.other === null) continue;
    out.push(variant.header.replace("{parent}", domains.parent ?? "").replace("{other}", domains.other ?? ""));
  }
  return out;
}

/** The cookie names in a `Cookie` request header. */
export function cookieNames(header: string | null | undefined): string[] {
  if (!header) return [];
  return header.split(";").map((pair) => pair.split("=", 1)[0]?.trim() ?? "").filter((name) => name !== "").sort();
}
