// Turns what a user typed (CLI flags, probe() options) into the request a page script would
// make, or into a list of usage problems. Never throws.
import { isToken, trimHttpWhitespace, type HeaderPair } from "./http-tokens.ts";
import type { DoctorRequest, Warning } from "./report.ts";
import { isForbiddenMethod, isForbiddenRequestHeader, normalizeMethod } from "./safelist.ts";

/** The request to diagnose, as a user describes it. */
export interface DoctorInput {
  /** The URL the page fetches. */
  readonly url: string | URL;
  /**
   * The page's origin, e.g. `"https://app.example.com"` (a full page URL is reduced to its origin).
   * Required unless `page` is given, whose origin it then defaults to.
   */
  readonly origin?: string;
  /**
   * The page the request comes from. The doctor reads it for its Content-Security-Policy (headers
   * and `<meta>`) and where it is served from. @default none: only the origin is known
   */
  readonly page?: string | URL;
  /** @default "GET" */
  readonly method?: string;
  /** Headers the script sets, as pairs, a record, or `"Name: value"` lines. @default none */
  readonly headers?: readonly HeaderPair[] | Readonly<Record<string, string>> | readonly string[];
  /** `credentials: "include"`. @default false */
  readonly credentials?: boolean;
  /**
   * Cookies the page's browser holds for the API, as a Cookie header (`"csrftoken=abc; sessionid=xyz"`),
   * sent on the request itself (never on a preflight) to replay the page's real request. Implies
   * `credentials`. @default none
   */
  readonly cookie?: string;
}

export type NormalizedInput =
  | { readonly ok: true; readonly request: DoctorRequest; readonly warnings: readonly Warning[]; readonly pageUrl?: string }
  | { readonly ok: false; readonly problems: readonly string[] };

/** A value standing for a secret the user did not paste (as printed by crossgate's client). */
const PLACEHOLDER = /^(?:…|\.\.\.)$|…/;
const PLACEHOLDER_VALUE = "crossgate-doctor";

/** Validates and normalises a doctor input. */
export function normalizeDoctorInput(input: DoctorInput): NormalizedInput {
  const problems: string[] = [];
  const warnings: Warning[] = [];

  let url: URL | null = null;
  try {
    url = new URL(String(input.url));
    if (url.protocol !== "http:" && url.protocol !== "https:") {
      problems.push(`The URL must be http: or https:, got ${JSON.stringify(String(input.url))}.`);
    }
    url.hash = "";
  } catch {
    problems.push(`The URL ${JSON.stringify(String(input.url))} is not an absolute URL (e.g. https://api.example.com/items).`);
  }

  let pageUrl: URL | undefined;
  if (input.page !== undefined) {
    try {
      pageUrl = new URL(String(input.page));
      if (pageUrl.protocol !== "http:" && pageUrl.protocol !== "https:") throw new TypeError("not http(s)");
      pageUrl.hash = "";
    } catch {
      problems.push(`The page ${JSON.stringify(String(input.page))} is not an absolute http(s) URL (e.g. http://localhost:5173/).`);
      pageUrl = undefined;
    }
  }
  const givenOrigin = input.origin ?? pageUrl?.origin;
  const origin = givenOrigin === undefined ? null : normalizeOrigin(givenOrigin);
  if (givenOrigin === undefined) {
    if (input.page === undefined) problems.push("Missing the page's origin (e.g. http://localhost:5173), or the page itself.");
  } else if (origin === null) {
    problems.push(`The origin ${JSON.stringify(givenOrigin)} is not an origin (e.g. https://app.example.com, or null).`);
  } else if (pageUrl !== undefined && origin !== pageUrl.origin) {
    problems.push(`The origin ${origin} is not the page's (${pageUrl.origin}); leave the origin out with a page, or give the page that makes the request.`);
  }

  const rawMethod = input.method ?? "GET";
  let method = rawMethod;
  if (!isToken(rawMethod)) problems.push(`The method ${JSON.stringify(rawMethod)} is not a valid method name.`);
  else if (isForbiddenMethod(rawMethod)) problems.push(`fetch() refuses the method ${rawMethod} (a forbidden method).`);
  else {
    method = normalizeMethod(rawMethod);
    if (method !== method.toUpperCase()) {
      warnings.push({
        id: "method-case",
        message: `fetch() sends the method ${JSON.stringify(method)} exactly as written (only DELETE, GET, HEAD, OPTIONS, POST and PUT are upper-cased), and servers compare method names byte for byte.`,
      });
    }
  }

  const headers: [string, string][] = [];
  for (const [name, rawValue] of headerPairs(input.headers ?? [], problems)) {
    if (!isToken(name)) {
      problems.push(`The header name ${JSON.stringify(name)} is not valid.`);
      continue;
    }
    let value = trimHttpWhitespace(rawValue);
    if (PLACEHOLDER.test(value)) value = PLACEHOLDER_VALUE;
    if (/[\0\r\n]/.test(value) || [...value].some((c) => c.charCodeAt(0) > 0xff)) {
      problems.push(`The value of header ${name} must be bytes without NUL, CR or LF.`);
      continue;
    }
    if (isForbiddenRequestHeader(name, value)) {
      warnings.push({
        id: "forbidden-header-dropped",
        message: `Browsers do not let scripts set ${name} (a forbidden request header); fetch() silently drops it, so the doctor does too.`,
      });
      continue;
    }
    // Headers.append joins repeated names with ", " under the first spelling.
    const existing = headers.find(([n]) => n.toLowerCase() === name.toLowerCase());
    if (existing) existing[1] = `${existing[1]}, ${value}`;
    else headers.push([name, value]);
  }

  let cookie: string | null = null;
  if (input.cookie !== undefined) {
    cookie = trimHttpWhitespace(input.cookie);
    if (cookie === "" || /[\0\r\n]/.test(cookie) || [...cookie].some((c) => c.charCodeAt(0) > 0xff)) {
      problems.push(`The cookie ${JSON.stringify(input.cookie)} must be "name=value" pairs separated by "; ", without NUL, CR or LF.`);
    }
  }

  if (problems.length > 0 || url === null || origin === null) return { ok: false, problems };
  return {
    ok: true,
    // A browser sends cookies cross-origin only with credentials: "include".
    request: { url: url.href, origin, method, headers, credentials: input.credentials === true || cookie !== null, cookie },
    warnings,
    ...(pageUrl !== undefined ? { pageUrl: pageUrl.href } : {}),
  };
}

/** The serialised origin of `value`, `"null"` for opaque origins, or null if it is not one. */
export function normalizeOrigin(value: string): string | null {
  const trimmed = value.trim();
  if (trimmed === "null") return "null";
  try {
    const url = new URL(trimmed);
    if (url.protocol === "http:" || url.protocol === "https:") return url.origin;
    // Pages served from file:, data: or sandboxed documents have an opaque origin.
    return ["file:", "data:"].includes(url.protocol) ? "null" : null;
  } catch {
    return null;
  }
}

/** Parses `"Name: value"` (the value may be empty). */
export function parseHeaderLine(line: string): HeaderPair | null {
  const colon = line.indexOf(":");
  if (colon <= 0) return null;
  return [line.slice(0, colon).trim(), line.slice(colon + 1).trim()];
}

function headerPairs(headers: NonNullable<DoctorInput["headers"]>, problems: string[]): HeaderPair[] {
  if (!Array.isArray(headers)) return Object.entries(headers as Record<string, string>);
  const pairs: HeaderPair[] = [];
  for (const item of headers as readonly (HeaderPair | string)[]) {
    if (typeof item === "string") {
      const pair = parseHeaderLine(item);
      if (pair === null) problems.push(`The header ${JSON.stringify(item)} must be written "Name: value".`);
      else pairs.push(pair);
    } else {
      pairs.push(item);
    }
  }
  return pairs;
}
