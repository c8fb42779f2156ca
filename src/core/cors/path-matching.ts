/**
 * How a framework's router reads a request path, so a route list picks the entry of the route
 * that actually serves the request. Each adapter passes what it knows about its framework (its
 * defaults, or its router options where it can read them); whatever it cannot know stays open,
 * and the path is read every way that remains. When those readings pick different entries, no
 * entry is certain and the request gets no CORS grant: doubt never widens access.
 */
import { freeze } from "../internal/freeze.ts";

/**
 * The rules a router compares paths by. `true` or `false` where the adapter knows; absent where it
 * cannot tell (another router, a static file server or the app's own code may read the path
 * differently), and then both are tried.
 */
export interface PathMatching {
  /** Letters must match in case: `/Admin` is not `/admin`. */
  readonly caseSensitive?: boolean | undefined;
  /** A trailing slash makes another path: `/account/` is not `/account`. */
  readonly strictTrailingSlash?: boolean | undefined;
  /** Routes see each segment percent-decoded (`/%61dmin` is `/admin`); an encoded `/` stays inside its segment. */
  readonly decodesPath?: boolean | undefined;
  /** Runs of slashes count as one: `//admin` is `/admin`. */
  readonly mergesSlashes?: boolean | undefined;
  /** `.` and `..` segments are resolved: `/x/../admin` is `/admin`. */
  readonly resolvesDotSegments?: boolean | undefined;
  /** A `;` ends the path: `/admin;x` is `/admin`. */
  readonly semicolonEndsPath?: boolean | undefined;
}

/** One way a router may read a path. */
export interface PathReading {
  /** The path after the `;` cut, decoding, slash merging and dot resolution: what a RegExp entry tests. */
  readonly path: string;
  /**
   * How string patterns compare: `TRIM` (a trailing slash ignored on both the path and the
   * patterns) and/or `FOLD` (letters compared without case), or 0.
   */
  readonly variant: number;
  /** What string patterns compare with: `path` trimmed and lower-cased as `variant` says. */
  readonly key: string;
}

export const TRIM = 2;
export const FOLD = 1;

/** The readings a matching leaves open, precomputed once per adapter. */
export interface CompiledMatching {
  readonly cut: readonly boolean[];
  /** `raw`: as received; `segments`: each segment decoded, `%2F` kept; `whole`: `decodeURIComponent` of it all, as hand-written code does. */
  readonly decode: readonly ("raw" | "segments" | "whole")[];
  readonly merge: readonly boolean[];
  readonly dots: readonly boolean[];
  readonly trim: readonly boolean[];
  readonly fold: readonly boolean[];
  /** A stable key for caching per matching. */
  readonly key: string;
}

const BOTH: readonly boolean[] = /* @__PURE__ */ freeze([false, true]);
const YES: readonly boolean[] = /* @__PURE__ */ freeze([true]);
const NO: readonly boolean[] = /* @__PURE__ */ freeze([false]);

function choices(known: boolean | undefined): readonly boolean[] {
  return known === undefined ? BOTH : known ? YES : NO;
}

export function compileMatching(matching: PathMatching = {}): CompiledMatching {
  const decode = matching.decodesPath === undefined ? (["raw", "segments", "whole"] as const) : matching.decodesPath ? (["segments"] as const) : (["raw"] as const);
  const flags = [matching.caseSensitive, matching.strictTrailingSlash, matching.decodesPath, matching.mergesSlashes, matching.resolvesDotSegments, matching.semicolonEndsPath];
  return freeze({
    cut: choices(matching.semicolonEndsPath),
    decode: freeze([...decode]),
    merge: choices(matching.mergesSlashes),
    dots: choices(matching.resolvesDotSegments),
    // caseSensitive and strictTrailingSlash say when *not* to fold or trim.
    trim: choices(matching.strictTrailingSlash === undefined ? undefined : !matching.strictTrailingSlash),
    fold: choices(matching.caseSensitive === undefined ? undefined : !matching.caseSensitive),
    key: flags.map((flag) => (flag === undefined ? "?" : flag ? "1" : "0")).join(""),
  });
}

/** Characters that can make two readings of a path differ, before trimming and case. */
const ODD_PATH = /[%;]|\/\/|\/\.(?:\/|$)|\/\.\.(?:\/|$)/;

/**
 * Longest path read more than one way (at most 24 bases, each read in linear time); a longer path
 * with encodings, `;`, `//` or dot segments is left unread (no entry is certain), so a long
 * request line cannot multiply the work.
 */
export const MAX_ODD_PATH_LENGTH = 2048;

/** What string patterns compare `path` with under `variant`. */
export function keyOf(path: string, variant: number): string {
  const trimmed = (variant & TRIM) !== 0 ? trimSlash(path) : path;
  return (variant & FOLD) !== 0 ? trimmed.toLowerCase() : trimmed;
}

/**
 * The one way to read `path` (no query) when the matching leaves only one open: the variant its
 * string patterns compare by (the path itself is the only base). `-1` when several readings stay
 * open. The common case: a path without `%`, `;`, `//` or dot segments, no capital letter and no
 * trailing slash, or a matching that fixes case and trailing slash.
 */
export function singleVariant(path: string, matching: CompiledMatching, patternsTrim: boolean, patternsFold: boolean): number {
  // One pass over the characters, no regular expression: this runs for every request.
  let upper = false;
  for (let index = 0; index < path.length; index++) {
    const code = path.charCodeAt(index);
    if (code === 37 /* % */ || code === 59 /* ; */) return -1;
    if (code === 47 /* / */) {
      const next = path.charCodeAt(index + 1);
      if (next === 47) return -1;
      if (next === 46 /* . */) {
        const after = path.charCodeAt(index + 2);
        if (Number.isNaN(after) || after === 47 || (after === 46 && (index + 3 === path.length || path.charCodeAt(index + 3) === 47))) return -1;
      }
    } else if (code >= 65 && code <= 90) {
      upper = true;
    }
  }
  const trim = matching.trim.length > 1 ? (patternsTrim || endsWithSlash(path) ? -1 : 0) : matching.trim[0] ? TRIM : 0;
  const fold = matching.fold.length > 1 ? (patternsFold || upper ? -1 : 0) : matching.fold[0] ? FOLD : 0;
  return trim === -1 || fold === -1 ? -1 : trim + fold;
}

/**
 * Every reading of `path` (no query) the matching leaves open, without repeats; `undefined` for a
 * path too long to read every way. `patternsTrim` and `patternsFold` say whether some pattern ends
 * in `/` or has a capital letter: otherwise trimming or folding a path that has neither changes
 * nothing and is not tried.
 */
export function pathReadings(path: string, matching: CompiledMatching, patternsTrim: boolean, patternsFold: boolean): PathReading[] | undefined {
  let bases = [path];
  if (ODD_PATH.test(path)) {
    if (path.length > MAX_ODD_PATH_LENGTH) return undefined;
    // Stage by stage, dropping repeats: most stages leave a given path as it was.
    bases = spread(bases, matching.cut, (base) => cutAtSemicolon(base));
    // Without an encoded slash, both decodings are the same: decode once.
    bases = spread(bases, matching.decode, (base, decode) => (decode === "raw" ? base : percentDecode(base, decode === "segments" && /%2f/i.test(base))));
    bases = spread(bases, matching.merge, (base) => (base.includes("//") ? base.replace(/\/{2,}/g, "/") : base));
    bases = spread(bases, matching.dots, (base) => resolveDotSegments(base));
  }
  const readings: PathReading[] = [];
  for (const base of bases) {
    const trims = matching.trim.length > 1 && !patternsTrim && !endsWithSlash(base) ? NO : matching.trim;
    const folds = matching.fold.length > 1 && !patternsFold && !/[A-Z]/.test(base) ? NO : matching.fold;
    for (const trim of trims) {
      for (const fold of folds) {
        const variant = (trim ? TRIM : 0) + (fold ? FOLD : 0);
        readings.push({ path: base, variant, key: keyOf(base, variant) });
      }
    }
  }
  return readings;
}

/** Every base read each way a stage allows (`false` leaves it as it is), without repeats. */
function spread<Choice>(bases: readonly string[], choices: readonly Choice[], read: (base: string, choice: Choice) => string): string[] {
  const out = new Set<string>();
  for (const base of bases) {
    for (const choice of choices) out.add(choice === false ? base : read(base, choice));
  }
  return [...out];
}

function endsWithSlash(path: string): boolean {
  return path.length > 1 && path.endsWith("/");
}

/** `/a/` → `/a`; `/` stays. */
export function trimSlash(path: string): string {
  return endsWithSlash(path) ? path.slice(0, -1) : path;
}

function cutAtSemicolon(path: string): string {
  const semicolon = path.indexOf(";");
  return semicolon === -1 ? path : path.slice(0, semicolon) || "/";
}

const UTF8 = /* @__PURE__ */ new TextDecoder();
const PERCENT_RUN = /(?:%[0-9A-Fa-f]{2})+/g;

/**
 * The path percent-decoded as UTF-8, one run of `%XX` at a time and without exceptions (a
 * malformed sequence reads as U+FFFD, which no pattern's literal text matches). With `keepSlash`,
 * an encoded `/` stays `%2F`, inside its segment, as routers that decode keep it: so
 * `/public%2F..%2Fadmin` stays one segment.
 */
export function percentDecode(path: string, keepSlash: boolean): string {
  if (!path.includes("%")) return path;
  return path.replace(PERCENT_RUN, (run) => {
    const bytes = new Uint8Array(run.length / 3);
    for (let index = 0; index < bytes.length; index++) bytes[index] = Number.parseInt(run.slice(index * 3 + 1, index * 3 + 3), 16);
    const text = UTF8.decode(bytes);
    // UTF-8 never uses the byte 0x2F inside a longer sequence: every "/" here was a %2F.
    return keepSlash && text.includes("/") ? text.replaceAll("/", "%2F") : text;
  });
}

/** The whole path percent-decoded, `%2F` included; as received when the encoding is malformed. */
export function decodeWholePath(path: string): string {
  if (!path.includes("%")) return path;
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

/** RFC 3986 §5.2.4 "Remove Dot Segments", on a path that starts with `/`. */
function resolveDotSegments(path: string): string {
  if (!/\/\.\.?(?:\/|$)/.test(path)) return path;
  const output: string[] = [];
  const segments = path.split("/");
  for (let index = 1; index < segments.length; index++) {
    const segment = segments[index]!;
    const last = index === segments.length - 1;
    if (segment === "..") {
      output.pop();
      if (last) output.push("");
    } else if (segment === ".") {
      if (last) output.push("");
    } else {
      output.push(segment);
    }
  }
  return `/${output.join("/")}`;
}
