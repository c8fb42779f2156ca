// Regenerates src/core/internal/public-suffix-data.ts from the Public Suffix List shipped in the
// `psl` devDependency: `npm run generate:psl` after upgrading psl. crossgate keeps zero runtime
// dependencies, so the list is embedded, compactly: its rules as a trie of reversed labels
// ("jp(kanagawa(zushi,…),…)"), each label front-coded against its previous sibling, raw-DEFLATE
// compressed (by Zopfli, which finds a smaller encoding than zlib) and written in base 117 with the
// ASCII characters a minifier prints as one byte (about 29 KB instead of 135 KB of text).
// src/core/internal/public-suffix.ts decodes it on first use.
import { deflate } from "@gfx/zopfli";
import { readFileSync, writeFileSync } from "node:fs";
import { domainToASCII } from "node:url";
import { inflateRawSync } from "node:zlib";
import { BASE117_CHUNK_BYTES, BASE117_CHUNK_DIGITS, base117Digits } from "../src/core/internal/base117.ts";

const { default: rules } = await import(new URL("../node_modules/psl/data/rules.js", import.meta.url).href);
const { version } = JSON.parse(readFileSync(new URL("../node_modules/psl/package.json", import.meta.url), "utf8"));

/** Every rule in punycode: "name", "*.name" or "!name". */
export function asciiRules() {
  const ascii = new Set();
  for (const rule of rules) {
    const prefix = rule.startsWith("!") ? "!" : rule.startsWith("*.") ? "*." : "";
    const name = domainToASCII(rule.slice(prefix.length));
    if (name) ascii.add(prefix + name);
  }
  return ascii;
}

/**
 * The trie text. A node is `label[mark][(children)]`, siblings separated by ",". A leaf is a rule
 * unless marked "!" (an exception); an inner node is a rule only when marked ";" (or "!").
 * A label that shares its first k characters (1 to 26) with its previous sibling starts with the
 * capital letter k ("A" = 1) and writes only the rest: "kawagoe,kawaguchi" is "kawagoeEuchi"
 * (labels are lower-case punycode, so a capital can only be such a count, and it ends the label
 * before it as "," would). No "," follows a ")": "jp(…)kr(…)".
 * Single-label rules ("com") are left out: every single label is a public suffix anyway.
 */
export function encodeTrie(ruleSet) {
  const root = new Map();
  for (const rule of ruleSet) {
    const exception = rule.startsWith("!");
    const labels = (exception ? rule.slice(1) : rule).split(".").reverse();
    if (labels.length === 1 && !exception) continue;
    let node = root;
    let entry;
    for (const label of labels) {
      entry = node.get(label) ?? { children: new Map(), mark: "" };
      node.set(label, entry);
      node = entry.children;
    }
    entry.mark = exception ? "!" : ";";
  }
  const weight = (node) => [...node.values()].reduce((sum, entry) => sum + 1 + weight(entry.children), 0);
  // Siblings in name order, which front-codes them best; the top-level ones (TLDs) smallest subtree
  // first, which groups the many small ccTLD lists for DEFLATE (about 300 bytes less).
  const order = (node, top) =>
    top ? [...node.keys()].sort((a, b) => weight(node.get(a).children) - weight(node.get(b).children) || (a < b ? -1 : 1)) : [...node.keys()].sort();
  const write = (node, top = false) => {
    let previous = "";
    let text = "";
    for (const label of order(node, top)) {
      if (/[A-Z]/.test(label)) throw new Error(`label ${label} is not lower-case`);
      let shared = 0;
      while (shared < 26 && shared < label.length && label[shared] === previous[shared]) shared++;
      // A capital (front-coded label) or a closing parenthesis already ends the previous sibling.
      if (text !== "" && shared === 0 && !text.endsWith(")")) text += ",";
      text += (shared > 0 ? String.fromCharCode(64 + shared) : "") + label.slice(shared);
      previous = label;
      const { children, mark } = node.get(label);
      text += children.size === 0 ? (mark === "!" ? "!" : "") : `${mark}(${write(children)})`;
    }
    return text;
  };
  return write(root, true);
}

/**
 * Zopfli's raw DEFLATE of `bytes`, checked against node:zlib's inflater. One block: splitting saves
 * about 230 bytes but makes the first decode half again as slow (measured in instructions).
 */
async function zopfli(bytes) {
  const packed = await new Promise((resolve, reject) =>
    deflate(bytes, { numiterations: 100, blocksplitting: false }, (error, out) => (error ? reject(error) : resolve(out))),
  );
  if (!inflateRawSync(packed).equals(bytes)) throw new Error("Zopfli's output does not inflate to its input");
  return packed;
}

/** `bytes` as a TypeScript string literal of base-117 digits, escaping what is not printable. */
function base117Literal(bytes) {
  const padded = new Uint8Array(Math.ceil(bytes.length / BASE117_CHUNK_BYTES) * BASE117_CHUNK_BYTES);
  padded.set(bytes);
  const text = base117Digits(padded);
  if (text.length !== (padded.length / BASE117_CHUNK_BYTES) * BASE117_CHUNK_DIGITS) throw new Error("base 117: wrong length");
  let literal = "";
  for (const char of text) {
    const code = char.charCodeAt(0);
    literal += code < 0x20 ? `\\x${code.toString(16).padStart(2, "0")}` : char;
  }
  return `"${literal}"`;
}

const isMain = process.argv[1] && new URL(import.meta.url).pathname === process.argv[1];
if (isMain) {
  const ruleSet = asciiRules();
  const trie = encodeTrie(ruleSet);
  const packed = await zopfli(Buffer.from(trie, "latin1"));
  const literal = base117Literal(packed);
  const out = `// Generated by scripts/generate-public-suffixes.mjs from psl ${version}. Do not edit.
// The Public Suffix List (https://publicsuffix.org/), Mozilla Public License 2.0: ${ruleSet.size} rules,
// single-label ones left out, as a front-coded trie of reversed labels, raw DEFLATE, base 117.
export const PUBLIC_SUFFIX_TRIE = ${literal};
`;
  writeFileSync(new URL("../src/core/internal/public-suffix-data.ts", import.meta.url), out);
  console.log(`wrote ${ruleSet.size} rules: ${trie.length} bytes of trie, ${packed.length} bytes deflated`);
}
