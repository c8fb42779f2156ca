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
 * Reads `Access-Control-Request-Headers` element by element (the one scanner behind
 * `parseHeaderNameList` too) and stops at the first element at fault, so a long hostile list costs only as much as its first bad
 * element. Returns `""` when every name is a token that `accept` takes (names are lower-cased),
 * `"\0malformed"` for the first element that is not a token, or else the first name refused.
 * Reading starts at `from`, an element's start.
 */
export function firstRefusedHeaderName(value: string, accept: (name: string) => boolean, from = 0, skip?: (value: string, from: number) => number): string {
  const length = value.length;
  let start = from;
  while (start <= length) {
    let end = value.indexOf(",", start);
    if (end === -1) end = length;
    let first = start;
    let last = end;
    while (first < last && isWhitespace(value.charCodeAt(first))) first++;
    while (last > first && isWhitespace(value.charCodeAt(last - 1))) last--;
    if (last > first) {
      let upper = false;
      for (let index = first; index < last; index++) {
        const code = value.charCodeAt(index);
        if (code >= 128 || TCHAR[code] === 0) return "\0malformed";
        if (code >= 65 && code <= 90) upper = true;
      }
      const raw = value.slice(first, last);
      const name = upper ? raw.toLowerCase() : raw;
      if (!accept(name)) return name;
    }
    // `skip` (see allowedHeaderRun) may pass over the allowed elements that follow in one go.
    start = skip === undefined ? end + 1 : skip(value, end + 1);
  }
  return "";
}

/**
 * Sticky patterns that read the run of allowed elements at the start of an
 * `Access-Control-Request-Headers` value in one linear pass of the regular-expression engine, with
 * no string built per name: `plain` takes names exactly as browsers send them (lower case, joined
 * by "," without spaces), `general` also optional whitespace, empty elements and any letter case.
 * An element is one of `names`, or with `anyName` any token except `authorization` (unless
 * `authorization`), as `firstRefusedHeaderName`'s `accept` would take it.
 */
export interface AllowedHeaderRun {
  readonly plain: RegExp;
  readonly general: RegExp;
}

export function allowedHeaderRun(names: Iterable<string>, anyName: boolean, authorization: boolean): AllowedHeaderRun {
  const listed = [...names].map((name) => name.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&"));
  // Any token (RFC 9110 §5.6.2 tchar); `authorization` only when allowed by name.
  const anyToken = `${authorization ? "" : "(?!authorization[ \\t]*(?:,|$))"}[-!#$%&'*+.^_\`|~0-9a-z]+`;
  const name = anyName ? anyToken : listed.length > 0 ? `(?:${listed.join("|")})` : undefined;
  // Each iteration reads one element up to its comma (or the end); the element's parts cannot
  // overlap (names start with a tchar, never with whitespace or a comma), so a value the
  // patterns stop in costs one backtrack over its last element, never more.
  const plain = name === undefined ? "(?!)" : `(?:${name}(?:,|$))*`;
  const general = `(?:[ \\t]*${name === undefined ? "" : `(?:${name}[ \\t]*)?`}(?:,|$))*`;
  return { plain: new RegExp(plain, "y"), general: new RegExp(general, "iy") };
}

/**
 * Where the run of allowed elements of `value` starting at `from` (an element's start) ends:
 * `value.length` when every element is allowed, else the start of the first element at fault.
 * `general` also reads whitespace, empty elements and any letter case, at about twice the cost.
 */
export function allowedHeaderRunEnd(run: AllowedHeaderRun, value: string, from = 0, general = false): number {
  const pattern = general ? run.general : run.plain;
  pattern.lastIndex = from;
  return pattern.test(value) ? pattern.lastIndex : from;
}

function isWhitespace(code: number): boolean {
  return code === 0x20 || code === 0x09;
}
