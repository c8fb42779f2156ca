import { PUBLIC_SUFFIX_RULES } from "./public-suffix-data.ts";

let rules: Set<string> | undefined;

/**
 * Whether `domain` (lower-case, punycode) is a public suffix: a name under which anyone can
 * register a site (`com`, `co.uk`, `github.io`). A single label is always one, listed or not.
 * Uses the Public Suffix List algorithm: rules, `*.` wildcards and `!` exceptions.
 * Only called while a configuration is validated, never per request.
 */
export function isPublicSuffix(domain: string): boolean {
  if (!domain.includes(".")) return true;
  rules ??= new Set(PUBLIC_SUFFIX_RULES.split("\n"));
  if (rules.has(`!${domain}`)) return false;
  if (rules.has(domain)) return true;
  const parent = domain.slice(domain.indexOf(".") + 1);
  return rules.has(`*.${parent}`);
}
