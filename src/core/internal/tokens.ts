/**
 * HTTP tokens, method names and header names (RFC 9110 §5.6.2), and the Fetch standard's
 * forbidden names, which browsers never let a script send.
 */

const TCHAR = new Uint8Array(128);
for (const character of "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ") {
  TCHAR[character.charCodeAt(0)] = 1;
}

/** RFC 9110 §5.6.2: `token = 1*tchar`. */
export function isToken(value: string): boolean {
  if (value.length === 0) return false;
  for (let index = 0; index < value.length; index++) {
    const code = value.charCodeAt(index);
    if (code >= 128 || TCHAR[code] === 0) return false;
  }
  return true;
}

/** Fetch "forbidden method": a script can never send these, so allowing them is a mistake. */
export function isForbiddenMethod(method: string): boolean {
  const upper = method.toUpperCase();
  return upper === "CONNECT" || upper === "TRACE" || upper === "TRACK";
}

/** Fetch "normalize a method": these six are byte-upper-cased; every other method is case-sensitive. */
export function normalizeMethod(method: string): string {
  const upper = method.toUpperCase();
  switch (upper) {
    case "DELETE":
    case "GET":
    case "HEAD":
    case "OPTIONS":
    case "POST":
    case "PUT":
      return upper;
    default:
      return method;
  }
}

/** Fetch "CORS-safelisted method": always allowed by a successful preflight. */
export function isSafelistedMethod(method: string): boolean {
  return method === "GET" || method === "HEAD" || method === "POST";
}

const FORBIDDEN_REQUEST_HEADERS = new Set([
  "accept-charset",
  "accept-encoding",
  "access-control-request-headers",
  "access-control-request-method",
  "connection",
  "content-length",
  "cookie",
  "cookie2",
  "date",
  "dnt",
  "expect",
  "host",
  "keep-alive",
  "origin",
  "referer",
  "set-cookie",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
  "via",
]);

/** Fetch "forbidden request-header" names (lower-case input): browsers never let scripts set them. */
export function isForbiddenRequestHeader(name: string): boolean {
  return FORBIDDEN_REQUEST_HEADERS.has(name) || name.startsWith("proxy-") || name.startsWith("sec-");
}

/**
 * Headers of the CORS response (`Access-Control-Allow-*`, `-Max-Age`, `-Expose-Headers`): the server
 * sends them, so a browser never asks to send one (Fetch "CORS protocol", HTTP response headers).
 */
export function isResponseOnlyCorsHeader(name: string): boolean {
  return name.startsWith("access-control-allow-") || name === "access-control-max-age" || name === "access-control-expose-headers";
}

/** Headers only requests carry in the CORS protocol (`Origin`, `Access-Control-Request-*`): never in a response. */
export function isRequestOnlyHeader(name: string): boolean {
  return name === "origin" || name.startsWith("access-control-request-");
}

/** Fetch "forbidden response-header name": never readable by scripts, so exposing it is a mistake. */
export function isForbiddenResponseHeader(name: string): boolean {
  return name === "set-cookie" || name === "set-cookie2";
}

/** The longest `Access-Control-Request-Headers` crossgate parses; longer values are refused unread. */
export const MAX_REQUEST_HEADERS_LENGTH = 4096;

/**
 * Parses `Access-Control-Request-Headers` into lower-case names, in one pass.
 * Browsers send lower-case names joined by "," without spaces (Fetch "CORS-unsafe request-header
 * names"); other clients may add optional whitespace or empty elements (RFC 9110 §5.6.1), which
 * are tolerated. Returns `undefined` when an element is not a token or the value is too long.
 */
export function parseHeaderNameList(value: string): string[] | undefined {
  if (value.length > MAX_REQUEST_HEADERS_LENGTH) return undefined;
  const names: string[] = [];
  const refused = firstRefusedHeaderName(value, (name) => {
    names.push(name);
    return true;
  });
  return refused === "" ? names : undefined;
}

/**
 * The longest header name a refusal names in full. An element with more token characters than this
 * and than every allowed name is named by its first characters and "…", this many characters in all
 * (see allowedHeaderRun's `tooLong`).
 */
export const MAX_NAMED_HEADER_LENGTH = 64;

/**
 * Reads `Access-Control-Request-Headers` element by element (the one scanner behind
 * `parseHeaderNameList` too) and stops at the first element at fault, so a long hostile list costs only as much as its first bad
 * element. Returns `""` when every name is a token that `accept` takes (names are lower-cased),
 * `"\0malformed"` for the first element that is not a token, or else the first name refused.
 * Reading starts at `from`, an element's start. With `run` (see allowedHeaderRun), the allowed
 * elements after each element read are passed over by its `skip`, and an element that `tooLong`
 * shows can never be allowed is refused unread past that point: named by its first characters and
 * "…", even when a later character would make it malformed.
 */
export function firstRefusedHeaderName(value: string, accept: (name: string) => boolean, from = 0, run?: Partial<Pick<AllowedHeaderRun, "skip" | "tooLong">>): string {
  const length = value.length;
  const tooLong = run?.tooLong;
  let start = from;
  while (start <= length) {
    // RFC 9110 §5.6.1: an element is OWS, a token, OWS, up to a comma or the end; an element of
    // OWS alone is empty. Read in one pass, a character's kind looked up once, with no search for
    // the comma first (on a hostile list that search cost more than the element); a run longer
    // than SHORT_RUN is handed to the regular-expression engine (see WHITESPACE_RUN).
    let kind = kindAt(value, start, length);
    const first = kind === BLANK ? blanksEnd(value, start, length) : start;
    if (first !== start) kind = kindAt(value, first, length);
    let last = first;
    let capitals = false;
    while ((kind === TOKEN || kind === CAPITAL) && last - first <= MAX_NAMED_HEADER_LENGTH) {
      if (kind === CAPITAL) capitals = true;
      kind = kindAt(value, ++last, length);
    }
    if (last - first > MAX_NAMED_HEADER_LENGTH) {
      // Past the length a refusal names in full, the rest of a name too long ever to be allowed
      // is not read.
      if (tooLong !== undefined && stickyEnd(tooLong, value, first) !== first) return `${value.slice(first, first + MAX_NAMED_HEADER_LENGTH - 1).toLowerCase()}…`;
      last = stickyEnd(TCHAR_RUN, value, last);
      kind = kindAt(value, last, length);
      capitals = true;
    }
    const end = kind === BLANK ? blanksEnd(value, last, length) : last;
    if (end !== last) kind = kindAt(value, end, length);
    if (kind !== COMMA) return "\0malformed";
    if (last > first) {
      const name = capitals ? value.slice(first, last).toLowerCase() : value.slice(first, last);
      if (!accept(name)) return name;
    }
    // `skip` may pass over the allowed elements that follow in one go.
    start = run?.skip === undefined ? end + 1 : run.skip(value, end + 1);
  }
  return "";
}

/** What a character of a header list is to firstRefusedHeaderName; the end of the value reads as a comma. */
const OTHER = 0;
const BLANK = 1;
const TOKEN = 2;
const CAPITAL = 3;
const COMMA = 4;
const KIND = new Uint8Array(128);
for (let code = 0; code < 128; code++) if (TCHAR[code] === 1) KIND[code] = isCapital(code) ? CAPITAL : TOKEN;
KIND[0x20] = KIND[0x09] = BLANK;
KIND[0x2c] = COMMA;

function kindAt(value: string, index: number, length: number): number {
  if (index >= length) return COMMA;
  const code = value.charCodeAt(index);
  return code < 128 ? KIND[code]! : OTHER;
}

/** Where the run of blanks (OWS) starting at `from` ends. */
function blanksEnd(value: string, from: number, length: number): number {
  let index = from;
  while (kindAt(value, index, length) === BLANK) if (++index - from >= SHORT_RUN) return stickyEnd(WHITESPACE_RUN, value, index);
  return index;
}

/**
 * Runs of blanks and of token characters, read by the sticky patterns once a run is longer than
 * SHORT_RUN: the engine reads a character in about twelve instructions where a `charCodeAt` loop
 * takes about forty, so a 4 KB token costs as little per character as the rest of the value.
 */
const WHITESPACE_RUN = /[ \t]*/y;
const TCHAR_CLASS = "[-!#$%&'*+.^_`|~0-9a-zA-Z]";
const TCHAR_RUN = new RegExp(`${TCHAR_CLASS}*`, "y");
/** Characters read one by one before a run is handed to the regular-expression engine. */
const SHORT_RUN = 32;

/**
 * Sticky patterns that read the run of allowed elements at the start of an
 * `Access-Control-Request-Headers` value in one linear pass of the regular-expression engine, with
 * no string built per name: `plain` takes names exactly as browsers send them (lower case, joined
 * by "," without spaces), `general` also optional whitespace and empty elements; each has a
 * `Caseless` twin that also takes any letter case, at about 1.4 times the cost per character, used
 * only from a capital on. An element is one of `names`, or with `anyName` any token except
 * `authorization` (unless `authorization`), as `firstRefusedHeaderName`'s `accept` would take it.
 */
export interface AllowedHeaderRun {
  readonly plain: RegExp;
  readonly plainCaseless: RegExp;
  readonly general: RegExp;
  readonly generalCaseless: RegExp;
  /** The characters an allowed name starts with (lower case): patterns start only there, or at a blank or a comma. */
  readonly starts: Uint8Array;
  /** `allowedHeaderRunEnd` with every pattern, as `firstRefusedHeaderName`'s `skip`. */
  readonly skip: (value: string, from: number) => number;
  /**
   * Matches (sticky) one token character more than the longest allowed name has, or than
   * `MAX_NAMED_HEADER_LENGTH` if that is more: an element whose token goes on so far is not allowed
   * whatever follows, so the rest of it need not be read (`undefined` when any name is allowed).
   */
  readonly tooLong: RegExp | undefined;
}

export function allowedHeaderRun(names: Iterable<string>, anyName: boolean, authorization: boolean): AllowedHeaderRun {
  const raw = [...names];
  const listed = raw.map((name) => name.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&"));
  // Any token (RFC 9110 §5.6.2 tchar); `authorization` only when allowed by name.
  const anyToken = `${authorization ? "" : "(?!authorization[ \\t]*(?:,|$))"}[-!#$%&'*+.^_\`|~0-9a-z]+`;
  const name = anyName ? anyToken : listed.length > 0 ? `(?:${listed.join("|")})` : undefined;
  // Each iteration reads one element up to its comma (or the end); the element's parts cannot
  // overlap (names start with a tchar, never with whitespace or a comma), so a value the
  // patterns stop in costs one backtrack over its last element, never more. `general` swallows a
  // run of whitespace and commas in one go (empty elements are tolerated), so it stops only at a
  // name's start. What follows a name there (RFC 9110 §5.6.1: OWS, a comma, then OWS or empty
  // elements; or OWS and the end) is written as a few fixed-length alternatives first (a comma
  // with at most one blank on either side), which the engine tells apart by comparing the next
  // characters at once, and only then as runs: every run the engine enters costs about fifteen
  // instructions even when it is empty, which made whitespace and empty elements cost twice the
  // browsers' form a byte.
  const separator = "(?:(?:,|[ \\t],[ \\t]|,[ \\t]|[ \\t],)(?:[ \\t,]+)?|$|[ \\t]+(?:,(?:[ \\t,]+)?|$))";
  const plain = name === undefined ? "(?!)" : `(?:${name}(?:,|$))*`;
  const general = `[ \\t,]*${name === undefined ? "" : `(?:${name}${separator})*`}`;
  // A pattern's start costs hundreds of instructions: a hostile list ("a,a,…") is refused for its
  // first element, which no allowed name starts like, without one.
  const starts = anyName ? TCHAR.map((tchar, code) => (tchar === 1 && !isCapital(code) ? 1 : 0)) : new Uint8Array(128);
  if (!anyName) for (const listedName of raw) starts[listedName.charCodeAt(0) & 0x7f] = 1;
  // An element longer than every allowed name can never be allowed: the scanner stops reading it
  // once it has seen more token characters than that (and than a refusal names in full), and
  // refuses it by its first characters. This gives up telling such an element that is also
  // malformed from one that is only not allowed (a browser sends neither): so a 4 KB name costs a
  // refusal, not a read of 4 KB. With any name allowed there is no longest name, and every element
  // is read to its end.
  let longest = MAX_NAMED_HEADER_LENGTH;
  for (const listedName of raw) longest = Math.max(longest, listedName.length);
  const run: AllowedHeaderRun = {
    plain: new RegExp(plain, "y"),
    plainCaseless: new RegExp(plain, "iy"),
    general: new RegExp(general, "y"),
    generalCaseless: new RegExp(general, "iy"),
    starts,
    skip: (value, from) => allowedHeaderRunEnd(run, value, from),
    tooLong: anyName ? undefined : new RegExp(`${TCHAR_CLASS}{${longest + 1}}`, "y"),
  };
  return run;
}

/**
 * Where the run of allowed elements of `value` starting at `from` (an element's start) ends:
 * `value.length` when every element is allowed, else where no pattern reads further: the start of
 * an element, or of its name after whitespace, that the patterns cannot take (the first element at
 * fault, or a name whose capitals come after its first character). The browsers' form is tried
 * first; then, from where it stops, the whitespace-tolerant pattern, and the caseless twins only
 * from a capital on: so the browsers' form, capitals, whitespace and empty elements each cost
 * about one pass of the engine. A pattern is started only where the next character can begin
 * what it reads (an allowed name's first character, a blank or a comma), since a start costs
 * hundreds of instructions: a hostile list whose first element no allowed name starts like
 * starts none.
 */
export function allowedHeaderRunEnd(run: AllowedHeaderRun, value: string, from = 0): number {
  const length = value.length;
  const starts = run.starts;
  let end = from;
  let code = value.charCodeAt(end);
  // Browsers' form: lower case, joined by "," (Fetch "CORS-unsafe request-header names").
  if (code < 128 && starts[code] === 1) {
    end = stickyEnd(run.plain, value, end);
    if (end === length) return end;
    code = value.charCodeAt(end);
  }
  if (isCapital(code)) {
    // Capitals from here on: the caseless twins, the comma-joined form first.
    if (!startsName(starts, code)) return end;
    end = stickyEnd(run.plainCaseless, value, end);
    if (end === length) return end;
    code = value.charCodeAt(end);
    return isBlankOrComma(code) || startsName(starts, code) ? stickyEnd(run.generalCaseless, value, end) : end;
  }
  // Optional whitespace and empty elements (RFC 9110 §5.6.1); the caseless twin from a capital on.
  if (!isBlankOrComma(code) && !startsName(starts, code)) return end;
  end = stickyEnd(run.general, value, end);
  if (end === length) return end;
  code = value.charCodeAt(end);
  return startsName(starts, code) && isCapital(code) ? stickyEnd(run.generalCaseless, value, end) : end;
}

function stickyEnd(pattern: RegExp, value: string, from: number): number {
  pattern.lastIndex = from;
  return pattern.test(value) ? pattern.lastIndex : from;
}

function isCapital(code: number): boolean {
  return code >= 0x41 && code <= 0x5a;
}

/** Whether an allowed name can start with `code`, in either case. */
function startsName(starts: Uint8Array, code: number): boolean {
  return code < 128 && starts[isCapital(code) ? code | 0x20 : code] === 1;
}

function isBlankOrComma(code: number): boolean {
  return code === 0x20 || code === 0x2c || code === 0x09;
}

/**
 * The verdict of `firstRefusedHeaderName` on a whole value (`""` when every name is allowed), read
 * mostly by `run`'s patterns (see allowedHeaderRunEnd: the browsers' form, capitals, whitespace and
 * empty elements); from where they stop, element by element by the scanner, where each element it
 * reads is followed by the whole run of allowed elements after it. A hostile list costs at most
 * two patterns' starts and one element read by the scanner; a value that mixes the forms, a
 * pattern's start per form at most. Every stretch of the value is read once by a pattern or by the
 * scanner, and a long run of characters inside one element by a pattern too (see WHITESPACE_RUN): so any
 * value costs time linear in its length, a few instructions a character. An element longer than
 * every allowed name is refused once that much of it is read (see allowedHeaderRun's `tooLong`).
 */
export function firstRefusedInList(run: AllowedHeaderRun, value: string, accept: (name: string) => boolean): string {
  const refused = refusedFirstName(value, accept);
  if (refused !== undefined) return refused;
  const allowedUpTo = allowedHeaderRunEnd(run, value);
  return allowedUpTo === value.length ? "" : firstRefusedHeaderName(value, accept, allowedUpTo, run);
}

/**
 * The first element's name when that element is a lower-case name with no blanks, followed by a
 * comma or the end, and `accept` refuses it; `undefined` otherwise, for the general reading. The
 * verdict firstRefusedHeaderName gives such a value, at a fraction of the cost: a hostile list
 * ("a,a,…", RFC 9110 §5.6.1 elements) is refused for its first element, and reading that element
 * this way starts no pattern and none of the scanner's general cases (about 200 instructions less
 * a preflight, bench/findings.md change 17).
 */
function refusedFirstName(value: string, accept: (name: string) => boolean): string | undefined {
  const length = value.length;
  let end = 0;
  // The kind table read directly, not through kindAt: kindAt's test for the end cost about 40
  // instructions more a hostile preflight (node and Fastify, callgrind).
  for (let code = value.charCodeAt(0); end < length && code < 128 && KIND[code] === TOKEN && end <= MAX_NAMED_HEADER_LENGTH; code = value.charCodeAt(++end));
  if (end === 0 || end > MAX_NAMED_HEADER_LENGTH || (end < length && value.charCodeAt(end) !== 0x2c)) return undefined;
  const name = value.slice(0, end);
  return accept(name) ? undefined : name;
}
