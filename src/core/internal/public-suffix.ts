// Is a domain a public suffix? Answered from the Public Suffix List crossgate ships compactly
// (public-suffix-data.ts: a front-coded trie of reversed labels, raw DEFLATE, base 117), decoded on
// first use, which only configuration validation and site checks make, never a request.
import { base117Bytes } from "./base117.ts";
import { inflateRaw } from "./inflate.ts";
import { PUBLIC_SUFFIX_TRIE } from "./public-suffix-data.ts";

let rules: Set<string> | undefined;

/**
 * The rules of a trie text (see scripts/generate-public-suffixes.mjs): `label[mark][(children)]`,
 * siblings separated by ","; a leaf is a rule unless marked "!" (an exception), an inner node only
 * when marked ";" or "!". A capital letter k ("A" = 1) ends the label before it, if any, and starts
 * one with the first k characters of its previous sibling; no "," needs to follow a ")".
 * Yields "name", "*.name" and "!name" as the list writes them.
 */
export function rulesFromTrie(trie: string): Set<string> {
  const found = new Set<string>();
  const suffix: string[] = []; // ".kanagawa.jp" for the children of kanagawa under jp
  const previous: string[] = [""]; // the previous sibling's label, per depth
  let label = "";
  let mark = "";
  const end = (leaf: boolean) => {
    if (label === "") return;
    previous[previous.length - 1] = label;
    const kind = leaf && mark === "" ? ";" : mark;
    if (kind !== "") found.add(`${kind === "!" ? "!" : ""}${label}${suffix[suffix.length - 1] ?? ""}`);
  };
  // Runs of label characters are taken whole (one regex search and one slice each): this runs on a
  // cold start, where a loop over the text's 55,000 characters one by one took tens of milliseconds.
  const special = /[(),!;A-Z]/g;
  let from = 0;
  for (let hit = special.exec(trie); ; hit = special.exec(trie)) {
    const at = hit === null ? trie.length : hit.index;
    if (at > from) label += trie.slice(from, at);
    if (hit === null) break;
    from = at + 1;
    const c = hit[0];
    if (c === "(") {
      end(false);
      suffix.push(`.${label}${suffix[suffix.length - 1] ?? ""}`);
      previous.push("");
    } else if (c === "," || c === ")") {
      end(true);
      if (c === ")") {
        suffix.pop();
        previous.pop();
      }
    } else if (c === "!" || c === ";") {
      mark = c;
      continue;
    } else {
      // A capital letter: the label before it ends, and the next starts with its first k characters.
      end(true);
      label = (previous[previous.length - 1] as string).slice(0, c.charCodeAt(0) - 64);
      mark = "";
      continue;
    }
    label = "";
    mark = "";
  }
  end(true);
  return found;
}

/** The trie text shipped in public-suffix-data.ts. */
export function shippedTrie(): string {
  // The text is ASCII, so UTF-8 decoding (which every runtime's TextDecoder has) reads it as is.
  return new TextDecoder().decode(inflateRaw(base117Bytes(PUBLIC_SUFFIX_TRIE)));
}

/**
 * Whether `domain` (lower-case, punycode) is a public suffix: a name under which anyone can
 * register a site (`com`, `co.uk`, `github.io`). A single label is always one, listed or not.
 * Uses the Public Suffix List algorithm: rules, `*.` wildcards and `!` exceptions.
 * Only called while a configuration is validated or a site computed, never per request.
 */
export function isPublicSuffix(domain: string): boolean {
  if (!domain.includes(".")) return true;
  rules ??= rulesFromTrie(shippedTrie());
  if (rules.has(`!${domain}`)) return false;
  if (rules.has(domain)) return true;
  const parent = domain.slice(domain.indexOf(".") + 1);
  return rules.has(`*.${parent}`);
}
