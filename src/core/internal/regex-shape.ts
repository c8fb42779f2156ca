// A small reader of JavaScript regex sources, for checks made once when a configuration is built:
// whether a user regex can backtrack catastrophically, and which literal text every match ends with.
// It covers the syntax of ECMAScript 2024 §22.2.1 (Patterns) that origin and path regexes use; a
// source it cannot read is reported as unreadable, never guessed at.

/** Code point ranges `[low, high]`, sorted and merged. */
type CharSet = readonly (readonly [number, number])[];

type Node =
  | { readonly kind: "char"; readonly set: CharSet; readonly start: number; readonly end: number }
  | { readonly kind: "seq"; readonly items: readonly Node[]; readonly start: number; readonly end: number }
  | { readonly kind: "alt"; readonly branches: readonly Node[]; readonly start: number; readonly end: number }
  | { readonly kind: "group"; readonly body: Node; readonly lookaround: boolean; readonly start: number; readonly end: number }
  | { readonly kind: "repeat"; readonly body: Node; readonly min: number; readonly max: number; readonly start: number; readonly end: number }
  | { readonly kind: "assert"; readonly start: number; readonly end: number }
  | { readonly kind: "backref"; readonly start: number; readonly end: number };

const MAX_CODE_POINT = 0x10ffff;
const ANY: CharSet = [[0, MAX_CODE_POINT]];
const DIGITS: CharSet = [[48, 57]];
const WORD: CharSet = normalize([[48, 57], [65, 90], [95, 95], [97, 122]]);
const SPACE: CharSet = normalize([[9, 13], [32, 32], [160, 160], [5760, 5760], [8192, 8202], [8232, 8233], [8239, 8239], [8287, 8287], [12288, 12288], [65279, 65279]]);
const LINE_TERMINATORS: CharSet = normalize([[10, 10], [13, 13], [8232, 8233]]);
/** `\d`, `\w`, `\s`; their capitals stand for the complement. */
const CLASS_ESCAPES: Readonly<Record<string, CharSet>> = { d: DIGITS, w: WORD, s: SPACE };
/** `\n`, `\r`, `\t`, `\v`, `\f`, `\0` and the characters they stand for. */
const CONTROL_ESCAPES = "nrtvf0";
const CONTROL_CODES = [10, 13, 9, 11, 12, 0];

function normalize(ranges: (readonly [number, number])[]): CharSet {
  const sorted = [...ranges].sort((a, b) => a[0] - b[0]);
  const merged: [number, number][] = [];
  for (const [low, high] of sorted) {
    const last = merged[merged.length - 1];
    if (last !== undefined && low <= last[1] + 1) last[1] = Math.max(last[1], high);
    else merged.push([low, high]);
  }
  return merged;
}

function union(...sets: CharSet[]): CharSet {
  return normalize(sets.flat() as [number, number][]);
}

function complement(set: CharSet): CharSet {
  const result: [number, number][] = [];
  let next = 0;
  for (const [low, high] of set) {
    if (low > next) result.push([next, low - 1]);
    next = high + 1;
  }
  if (next <= MAX_CODE_POINT) result.push([next, MAX_CODE_POINT]);
  return result;
}

function intersects(a: CharSet, b: CharSet): boolean {
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const [aLow, aHigh] = a[i]!;
    const [bLow, bHigh] = b[j]!;
    if (aHigh < bLow) i++;
    else if (bHigh < aLow) j++;
    else return true;
  }
  return false;
}

/** ASCII letters in both cases, for the `i` flag. */
function caseFolded(set: CharSet): CharSet {
  const extra: [number, number][] = [];
  for (const [low, high] of set) {
    for (const [from, to, shift] of [[65, 90, 32], [97, 122, -32]] as const) {
      const a = Math.max(low, from);
      const b = Math.min(high, to);
      if (a <= b) extra.push([a + shift, b + shift]);
    }
  }
  return extra.length === 0 ? set : union(set, extra);
}

class Unreadable extends Error {}

/** Parses `source` (ECMAScript Pattern grammar); throws `Unreadable` on anything it does not cover. */
function parse(source: string, flags: string): Node {
  let at = 0;
  const ignoreCase = flags.includes("i");
  const dotAll = flags.includes("s");
  const fold = (set: CharSet): CharSet => (ignoreCase ? caseFolded(set) : set);

  const peek = () => source[at];
  const chars = (set: CharSet, start: number): Node => ({ kind: "char", set: fold(set), start, end: at });
  const mark = (kind: "assert" | "backref", start: number): Node => ({ kind, start, end: at });
  const fail = (): never => {
    throw new Unreadable();
  };

  function disjunction(): Node {
    const start = at;
    const branches = [alternative()];
    while (peek() === "|") {
      at++;
      branches.push(alternative());
    }
    return branches.length === 1 ? branches[0]! : { kind: "alt", branches, start, end: at };
  }

  function alternative(): Node {
    const start = at;
    const items: Node[] = [];
    while (at < source.length && peek() !== "|" && peek() !== ")") items.push(quantified(atom()));
    return { kind: "seq", items, start, end: at };
  }

  function quantified(node: Node): Node {
    let min: number;
    let max: number;
    const c = peek();
    const short = c === undefined ? -1 : "*+?".indexOf(c);
    if (short !== -1) [min, max] = ([[0, Infinity], [1, Infinity], [0, 1]] as const)[short]!;
    else if (c === "{") {
      const braces = /^\{(\d+)(,(\d*))?\}/.exec(source.slice(at));
      if (braces === null) return node;
      min = Number(braces[1]);
      max = braces[2] === undefined ? min : braces[3] === "" ? Infinity : Number(braces[3]);
      at += braces[0].length - 1;
    } else return node;
    at++;
    if (peek() === "?") at++; // lazy: the same shapes backtrack the same way
    if (node.kind === "assert") return node;
    return { kind: "repeat", body: node, min, max, start: node.start, end: at };
  }

  function atom(): Node {
    const start = at;
    const c = source[at++];
    switch (c) {
      case "^":
      case "$":
        return mark("assert", start);
      case ".":
        return chars(dotAll ? ANY : complement(LINE_TERMINATORS), start);
      case "[":
        return chars(charClass(), start);
      case "(": {
        // (?=  (?!  (?<=  (?<!
        const lookaround = /^\?<?[=!]/.exec(source.slice(at))?.[0].length;
        if (lookaround !== undefined) at += lookaround;
        else if (source.startsWith("?:", at)) at += 2;
        else if (source.startsWith("?<", at)) {
          const close = source.indexOf(">", at);
          if (close === -1) fail();
          at = close + 1;
        } else if (peek() === "?") fail();
        const body = disjunction();
        if (peek() !== ")") fail();
        at++;
        return { kind: "group", body, lookaround: lookaround !== undefined, start, end: at };
      }
      case "\\":
        return escape(start);
      case undefined:
      case ")":
      case "*":
      case "+":
      case "?":
        return fail();
      default:
        return chars(single(c.codePointAt(0)!), start);
    }
  }

  function escape(start: number): Node {
    const c = source[at];
    if (c === "b" || c === "B") return (at++, mark("assert", start));
    if (c !== undefined && /[1-9]/.test(c)) {
      at += /^\d+/.exec(source.slice(at))![0].length;
      return mark("backref", start);
    }
    if (c === "k" && source[at + 1] === "<") {
      const close = source.indexOf(">", at);
      if (close === -1) fail();
      at = close + 1;
      return mark("backref", start);
    }
    return chars(classEscape(), start);
  }

  /** After a backslash, in or out of a class: the characters it stands for. */
  function classEscape(): CharSet {
    const c = source[at++];
    if (c === undefined) return fail();
    const named = CLASS_ESCAPES[c.toLowerCase()];
    if (named !== undefined) return c === c.toLowerCase() ? named : complement(named);
    const control = CONTROL_ESCAPES.indexOf(c);
    if (control !== -1) return single(CONTROL_CODES[control]!);
    switch (c) {
      case "p":
      case "P":
        // Unicode properties: any character, which can only make the check stricter.
        if (source[at] === "{") at = source.indexOf("}", at) + 1 || fail();
        return ANY;
      case "c": {
        const letter = source[at];
        // Annex B: without a control letter, "\\c" is a backslash followed by "c".
        if (letter === undefined || !/[A-Za-z]/.test(letter)) return (at--, single(92));
        at++;
        return single(letter.charCodeAt(0) % 32);
      }
      case "x": {
        const hex = /^[0-9a-fA-F]{2}/.exec(source.slice(at));
        if (hex === null) return single(120);
        at += 2;
        return single(parseInt(hex[0], 16));
      }
      case "u": {
        const braced = /^\{([0-9a-fA-F]+)\}/.exec(source.slice(at));
        const hex = braced ?? /^[0-9a-fA-F]{4}/.exec(source.slice(at));
        if (hex === null) return single(117);
        at += hex[0].length;
        return single(parseInt(braced ? braced[1]! : hex[0], 16));
      }
      default:
        return single(c.codePointAt(0)!);
    }
  }

  /** After `[`: the class up to and including `]`. */
  function charClass(): CharSet {
    const negated = peek() === "^";
    if (negated) at++;
    const parts: CharSet[] = [];
    while (peek() !== "]") {
      if (at >= source.length) fail();
      const low = classAtom();
      const from = onlyCode(low);
      if (peek() === "-" && source[at + 1] !== "]" && source[at + 1] !== undefined && from !== undefined) {
        at++;
        const to = onlyCode(classAtom());
        if (to === undefined || to < from) fail();
        parts.push([[from, to!]]);
      } else {
        parts.push(low);
      }
    }
    at++;
    const set = union(...parts);
    return negated ? complement(set) : set;
  }

  function classAtom(): CharSet {
    const c = source[at++];
    if (c === "\\") {
      if (peek() === "b") return (at++, single(8));
      if (peek() === "-") return (at++, single(45));
      return classEscape();
    }
    return single(c!.codePointAt(0)!);
  }

  const tree = disjunction();
  if (at !== source.length) fail();
  return tree;
}

function single(code: number): CharSet {
  return [[code, code]];
}

/** The one character a set holds, or undefined. */
function onlyCode(set: CharSet): number | undefined {
  return set.length === 1 && set[0]![0] === set[0]![1] ? set[0]![0] : undefined;
}

// ── Measures over the tree ───────────────────────────────────────────────────────────────────

function minLength(node: Node): number {
  switch (node.kind) {
    case "char": return 1;
    case "seq": return node.items.reduce((sum, item) => sum + minLength(item), 0);
    case "alt": return Math.min(...node.branches.map(minLength));
    case "group": return node.lookaround ? 0 : minLength(node.body);
    case "repeat": return node.min * minLength(node.body);
    case "assert":
    case "backref": return 0;
  }
}

/** Every character the node can consume, or (`first`) only those a match of it can start with. */
function charsOf(node: Node, first = false): CharSet {
  switch (node.kind) {
    case "char": return node.set;
    case "seq": {
      const sets: CharSet[] = [];
      for (const item of node.items) {
        sets.push(charsOf(item, first));
        if (first && minLength(item) > 0) break;
      }
      return union(...sets);
    }
    case "alt": return union(...node.branches.map((branch) => charsOf(branch, first)));
    case "group": return node.lookaround ? [] : charsOf(node.body, first);
    case "repeat": return node.max === 0 ? [] : charsOf(node.body, first);
    case "assert": return [];
    case "backref": return ANY;
  }
}

/** A group's content, or the node itself. */
function unwrap(node: Node): Node {
  let current = node;
  while (current.kind === "group" && !current.lookaround) current = current.body;
  if (current.kind === "seq" && current.items.length === 1) return unwrap(current.items[0]!);
  return current;
}

function items(node: Node): readonly Node[] {
  const inner = unwrap(node);
  return inner.kind === "seq" ? inner.items : [inner];
}

function isLoop(node: Node): node is Extract<Node, { kind: "repeat" }> {
  return node.kind === "repeat" && node.max === Infinity;
}

/** Whether the node holds a repeat that can match two or more different numbers of times. */
function hasVariableRepeat(node: Node): boolean {
  switch (node.kind) {
    case "repeat": return (node.max > node.min && node.max > 1) || hasVariableRepeat(node.body);
    case "seq": return node.items.some(hasVariableRepeat);
    case "alt": return node.branches.some(hasVariableRepeat);
    case "group": return !node.lookaround && hasVariableRepeat(node.body);
    default: return false;
  }
}

/**
 * A loop's iterations cannot be split two ways when its body begins or ends with one character
 * nothing else in the body can match: every iteration then starts (or ends) at one of those characters.
 */
function hasDelimiter(body: Node): boolean {
  const list = items(body);
  const edges = [list[0], list[list.length - 1]];
  return edges.some((edge) => {
    if (edge === undefined || edge.kind !== "char") return false;
    const rest = list.filter((item) => item !== edge);
    return !intersects(edge.set, union(...rest.map((item) => charsOf(item))));
  });
}

// ── The checks ───────────────────────────────────────────────────────────────────────────────

/** Why a regex can backtrack catastrophically, and where. */
export interface BacktrackingProblem {
  /** The part of the source at fault, e.g. `([a-z0-9]+-?)*`. */
  readonly fragment: string;
  readonly problem: string;
  /** The whole source with the fragment replaced by one character class, when that rewrite passes the check. */
  readonly rewrite: string | undefined;
}

/**
 * Finds the shapes that make a backtracking engine take exponential or high-polynomial time:
 * a loop inside a loop whose iterations can be split in several ways (star height 2 without a
 * delimiter), a loop over alternatives that can start with the same character, and two adjacent
 * loops (only optional parts between them) that can match the same characters.
 * Returns `"unreadable"` for a source this reader does not cover.
 */
export function findBacktracking(source: string, flags = ""): BacktrackingProblem | "unreadable" | undefined {
  let tree: Node;
  try {
    tree = parse(source, flags);
  } catch {
    return "unreadable";
  }
  const fault = findFault(tree);
  if (fault === undefined) return undefined;
  const fragment = source.slice(fault.node.start, fault.node.end);
  return { fragment, problem: fault.problem, rewrite: rewriteOf(source, flags, fault.node.start, fault.node.end, fault.nodes) };
}

interface Fault {
  /** The span to replace. */
  readonly node: { readonly start: number; readonly end: number };
  /** The nodes inside that span. */
  readonly nodes: readonly Node[];
  readonly problem: string;
}

function findFault(node: Node): Fault | undefined {
  switch (node.kind) {
    case "repeat": {
      if (isLoop(node)) {
        const body = unwrap(node.body);
        if (hasVariableRepeat(node.body) && !hasDelimiter(node.body)) {
          return { node, nodes: [node], problem: "repeats a part that itself repeats, so the same text splits into iterations in exponentially many ways" };
        }
        if (body.kind === "alt" && alternativesOverlap(body.branches)) {
          return { node, nodes: [node], problem: "repeats alternatives that can start with the same character, so the same text matches in exponentially many ways" };
        }
      }
      return findFault(node.body);
    }
    case "seq": {
      for (let i = 0; i < node.items.length; i++) {
        const first = unwrap(node.items[i]!);
        if (!isLoop(first)) continue;
        for (let j = i + 1; j < node.items.length; j++) {
          const next = node.items[j]!;
          if (isLoop(unwrap(next)) && intersects(charsOf(first), charsOf(next))) {
            const span = node.items.slice(i, j + 1);
            return {
              node: { start: node.items[i]!.start, end: next.end },
              nodes: span,
              problem: "has two loops, with only optional parts between them, that can match the same characters, so they split the same text in many ways",
            };
          }
          if (minLength(next) > 0) break;
        }
      }
      for (const item of node.items) {
        const fault = findFault(item);
        if (fault !== undefined) return fault;
      }
      return undefined;
    }
    case "alt":
      for (const branch of node.branches) {
        const fault = findFault(branch);
        if (fault !== undefined) return fault;
      }
      return undefined;
    case "group":
      return findFault(node.body);
    default:
      return undefined;
  }
}

function alternativesOverlap(branches: readonly Node[]): boolean {
  if (branches.some((branch) => minLength(branch) === 0)) return true;
  for (let i = 0; i < branches.length; i++) {
    for (let j = i + 1; j < branches.length; j++) {
      if (intersects(charsOf(branches[i]!, true), charsOf(branches[j]!, true))) return true;
    }
  }
  return false;
}

/**
 * The source with `start..end` replaced by one class of every character the span can match,
 * repeated (`*`, or `+` if the span must match something). It may accept a little more than the
 * original; it is offered only if it compiles and passes the check itself.
 */
function rewriteOf(source: string, flags: string, start: number, end: number, nodes: readonly Node[]): string | undefined {
  const set = union(...nodes.map((node) => charsOf(node)));
  const mandatory = nodes.some((node) => minLength(node) > 0);
  const replacement = `${classText(set)}${mandatory ? "+" : "*"}`;
  const rewritten = source.slice(0, start) + replacement + source.slice(end);
  try {
    new RegExp(rewritten, flags);
  } catch {
    return undefined;
  }
  return findBacktracking(rewritten, flags) === undefined ? rewritten : undefined;
}

function classText(set: CharSet): string {
  if (set.length === 0) return "[]";
  const code = onlyCode(set);
  if (code !== undefined) {
    const c = String.fromCodePoint(code);
    return /[\w-]/.test(c) ? c : `\\${c}`;
  }
  if (isSubset(complement(LINE_TERMINATORS), set)) return ".";
  if (set.reduce((count, [low, high]) => count + high - low + 1, 0) > 0x8000) {
    return `[^${classBody(complement(set))}]`;
  }
  return `[${classBody(set)}]`;
}

function classBody(set: CharSet): string {
  return set
    .map(([low, high]) => (low === high ? classChar(low) : high === low + 1 ? classChar(low) + classChar(high) : `${classChar(low)}-${classChar(high)}`))
    .join("");
}

function classChar(code: number): string {
  const c = String.fromCodePoint(code);
  if (/[\\\]\[^\-]/.test(c)) return `\\${c}`;
  if (code < 32 || code > 126) return code <= 0xffff ? `\\u${code.toString(16).padStart(4, "0")}` : `\\u{${code.toString(16)}}`;
  return c;
}

/**
 * The literal texts every match ends with, one per top-level alternative (optional port and
 * anchors at the end skipped, short literal alternations expanded), lower-cased; `""` where a
 * match can end with a wildcard. `undefined` for a source this reader does not cover.
 */
export function literalEndings(source: string, flags = ""): readonly string[] | undefined {
  let tree: Node;
  try {
    tree = parse(source, flags);
  } catch {
    return undefined;
  }
  const top = unwrap(tree);
  const branches = top.kind === "alt" ? top.branches : [top];
  return branches.flatMap((branch) => endingsOf(items(branch)));
}

const PORT_CHARS: CharSet = normalize([[48, 58]]);
const MAX_ENDINGS = 32;

function endingsOf(list: readonly Node[]): string[] {
  let endings = [""];
  let started = false;
  for (let index = list.length - 1; index >= 0; index--) {
    const node = list[index]!;
    if (node.kind === "assert") continue;
    // An optional or literal port at the very end (`(:\d+)?`, `:8443`) is not part of the host.
    if (!started && node.kind !== "char" && isSubset(charsOf(node), PORT_CHARS)) continue;
    const texts = literalTexts(node);
    if (texts === undefined || texts.length * endings.length > MAX_ENDINGS) break;
    started = true;
    endings = texts.flatMap((text) => endings.map((ending) => text + ending));
  }
  return endings;
}

/** The texts a node matches when it is literal (characters, or alternatives of characters), else undefined. */
function literalTexts(node: Node): string[] | undefined {
  switch (node.kind) {
    case "char": {
      const text = literalChar(node.set);
      return text === undefined ? undefined : [text];
    }
    case "group":
      return node.lookaround ? [""] : literalTexts(node.body);
    case "seq": {
      let texts = [""];
      for (const item of node.items) {
        if (item.kind === "assert") continue;
        const next = literalTexts(item);
        if (next === undefined || next.length * texts.length > MAX_ENDINGS) return undefined;
        texts = texts.flatMap((text) => next.map((more) => text + more));
      }
      return texts;
    }
    case "alt": {
      const all = node.branches.map(literalTexts);
      if (all.some((texts) => texts === undefined)) return undefined;
      const flat = (all as string[][]).flat();
      return flat.length > MAX_ENDINGS ? undefined : flat;
    }
    default:
      return undefined;
  }
}

/** One character, or one letter in both cases; lower-cased. */
function literalChar(set: CharSet): string | undefined {
  const code = onlyCode(set);
  if (code !== undefined) return String.fromCodePoint(code).toLowerCase();
  const upper = onlyCode(set.slice(0, 1));
  const lower = set.length === 2 ? onlyCode(set.slice(1)) : undefined;
  if (upper !== undefined && upper >= 65 && upper <= 90 && lower === upper + 32) return String.fromCodePoint(lower);
  return undefined;
}

function isSubset(a: CharSet, b: CharSet): boolean {
  return !intersects(a, complement(b));
}

/**
 * Whether the regex can match a string starting with `scheme + "://"`: found by testing the part
 * before the first top-level `://` against the scheme. `undefined` when there is no such part.
 */
export function schemePart(source: string): string | undefined {
  const body = source.startsWith("^") ? source.slice(1) : source;
  const match = /^(.*?)(?::|\\:)(?:\\\/|\/){2}/.exec(body);
  return match?.[1];
}
