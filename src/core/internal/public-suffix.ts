// Is a domain a public suffix? Answered from the Public Suffix List crossgate ships compactly
// (public-suffix-data.ts: a trie of reversed labels, raw DEFLATE, base64), decoded on first use,
// which only configuration validation and site checks make, never a request.
import { inflateRaw } from "./inflate.ts";
import { PUBLIC_SUFFIX_TRIE } from "./public-suffix-data.ts";

let rules: Set<string> | undefined;

const BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

function decodeBase64(text: string): Uint8Array {
  const values = new Uint8Array(128);
  for (let i = 0; i < BASE64.length; i++) values[BASE64.charCodeAt(i)] = i;
  const clean = text.replace(/=+$/, "");
  const out = new Uint8Array(Math.floor((clean.length * 3) / 4));
  let buffer = 0;
  let bits = 0;
  let length = 0;
  for (let i = 0; i < clean.length; i++) {
    buffer = (buffer << 6) | (values[clean.charCodeAt(i)] as number);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[length++] = (buffer >> bits) & 0xff;
    }
  }
  return out;
}

/**
 * The rules of a trie text (see scripts/generate-public-suffixes.mjs): `label[mark][(children)]`,
 * siblings separated by ","; a leaf is a rule unless marked "!" (an exception), an inner node only
 * when marked ";" or "!". Yields "name", "*.name" and "!name" as the list writes them.
 */
export function rulesFromTrie(trie: string): Set<string> {
  const found = new Set<string>();
  const suffix: string[] = []; // ".kanagawa.jp" for the children of kanagawa under jp
  let label = "";
  let mark = "";
  const add = (leaf: boolean) => {
    const kind = leaf && mark === "" ? ";" : mark;
    if (label !== "" && kind !== "") found.add(`${kind === "!" ? "!" : ""}${label}${suffix[suffix.length - 1] ?? ""}`);
  };
  for (let i = 0; i < trie.length; i++) {
    const c = trie[i] as string;
    if (c === "(") {
      add(false);
      suffix.push(`.${label}${suffix[suffix.length - 1] ?? ""}`);
    } else if (c === "," || c === ")") {
      add(true);
      if (c === ")") suffix.pop();
    } else if (c === "!" || c === ";") {
      mark = c;
      continue;
    } else {
      label += c;
      continue;
    }
    label = "";
    mark = "";
  }
  add(true);
  return found;
}

function loadRules(): Set<string> {
  const bytes = inflateRaw(decodeBase64(PUBLIC_SUFFIX_TRIE));
  let text = "";
  for (let i = 0; i < bytes.length; i += 8192) text += String.fromCharCode(...bytes.subarray(i, i + 8192));
  return rulesFromTrie(text);
}

/**
 * Whether `domain` (lower-case, punycode) is a public suffix: a name under which anyone can
 * register a site (`com`, `co.uk`, `github.io`). A single label is always one, listed or not.
 * Uses the Public Suffix List algorithm: rules, `*.` wildcards and `!` exceptions.
 * Only called while a configuration is validated or a site computed, never per request.
 */
export function isPublicSuffix(domain: string): boolean {
  if (!domain.includes(".")) return true;
  rules ??= loadRules();
  if (rules.has(`!${domain}`)) return false;
  if (rules.has(domain)) return true;
  const parent = domain.slice(domain.indexOf(".") + 1);
  return rules.has(`*.${parent}`);
}
