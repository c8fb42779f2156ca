/**
 * Parsing of origins as browsers serialise them, and of the origin entries a user configures.
 *
 * A browser sends `Origin` as the ASCII serialisation of an origin: `scheme://host[:port]`,
 * lower-case, punycode host, no default port, nothing after the port (HTML "ASCII serialization
 * of an origin"; Fetch "byte-serializing a request origin"). Anything else in the header is
 * either `null` or not from a browser, and crossgate never grants it.
 */

/** The longest `Origin` crossgate will parse: a 253-byte host with scheme and port fits easily. */
export const MAX_ORIGIN_LENGTH = 512;

export interface ParsedOrigin {
  readonly scheme: string;
  /** Lower-case host; IPv6 keeps its brackets. */
  readonly host: string;
  /** Port digits, or "" for the scheme's default. */
  readonly port: string;
}

// Linear-time: labels are separated by a character they cannot contain, so no backtracking.
const SERIALIZED_ORIGIN =
  /^([a-z][a-z0-9+.-]*):\/\/(\[[0-9a-f:.]+\]|[a-z0-9_-]+(?:\.[a-z0-9_-]+)*)(?::(0|[1-9][0-9]{0,4}))?$/;

const DEFAULT_PORTS: Readonly<Record<string, string>> = { http: "80", https: "443", ws: "80", wss: "443" };

/**
 * Parses a browser-serialised origin. Returns `undefined` for anything a browser would not send
 * (upper case, paths, default ports, userinfo, out-of-range ports, over-long values, `null`).
 */
export function parseSerializedOrigin(origin: string): ParsedOrigin | undefined {
  if (origin.length > MAX_ORIGIN_LENGTH) return undefined;
  const match = SERIALIZED_ORIGIN.exec(origin);
  if (match === null) return undefined;
  const scheme = match[1]!;
  const host = match[2]!;
  const port = match[3] ?? "";
  if (port !== "" && (Number(port) > 65535 || DEFAULT_PORTS[scheme] === port)) return undefined;
  if (host.length > 255) return undefined;
  // HTML "origin" of a URL: file: URLs have opaque origins, serialised as "null".
  if (scheme === "file") return undefined;
  if (mayBeRewrittenByUrlParser(scheme, host) && !urlParserKeeps(origin)) return undefined;
  return { scheme, host, port };
}

const SPECIAL_SCHEMES = new Set(["http", "https", "ws", "wss", "ftp"]);
const CANONICAL_IPV4 = /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;
// WHATWG URL "ends in a number": the last label is decimal digits or 0x-hex, so the host is IPv4.
const ENDS_IN_NUMBER = /(?:^|\.)(?:[0-9]+|0x[0-9a-f]*)$/;

/**
 * Hosts the WHATWG URL parser would rewrite or reject, so that a browser never sends them as
 * written: IPv4 in any spelling but dotted decimal (`127.1`, `0x7f.0.0.1`, `2130706433`), IPv6 not
 * in its compressed form (`[0:0:0:0:0:0:0:1]`), and invalid punycode (`xn--zz`).
 */
function mayBeRewrittenByUrlParser(scheme: string, host: string): boolean {
  if (host.charCodeAt(0) === 91 /* "[" */ || host.includes("xn--")) return true;
  return SPECIAL_SCHEMES.has(scheme) && ENDS_IN_NUMBER.test(host) && !CANONICAL_IPV4.test(host);
}

/** Whether the URL parser serialises `scheme://host[:port]` back to exactly the same text. */
function urlParserKeeps(origin: string): boolean {
  try {
    const url = new URL(origin);
    return `${url.protocol}//${url.host}` === origin;
  } catch {
    return false;
  }
}

/** `localhost`, `*.localhost`, `127.0.0.0/8` and `[::1]`: secure contexts even over plain http. */
export function isLoopbackHost(host: string): boolean {
  if (host === "localhost" || host.endsWith(".localhost")) return true;
  if (host === "[::1]") return true;
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/** Whether a host is an IP literal (IPv4 dotted quad or bracketed IPv6). */
export function isIpHost(host: string): boolean {
  return host.startsWith("[") || /^\d{1,3}(?:\.\d{1,3}){3}$/.test(host);
}

/** One configured origin entry, after validation. */
export type OriginEntry =
  | { readonly kind: "exact"; readonly origin: string; readonly parsed: ParsedOrigin }
  | {
      readonly kind: "pattern";
      readonly scheme: string;
      /** For `*.example.com`: ".example.com"; for an exact host with `:*`: the host. */
      readonly host: string;
      readonly subdomains: boolean;
      /** Port digits, "" for the default port, or "*" for any port. */
      readonly port: string;
    }
  | { readonly kind: "null" }
  | { readonly kind: "any" };

/** Why an origin entry cannot be used, with the fix, for the configuration error. */
export interface OriginEntryProblem {
  readonly code:
    | "origin-null"
    | "origin-missing-scheme"
    | "origin-has-path"
    | "origin-has-query"
    | "origin-has-fragment"
    | "origin-has-userinfo"
    | "origin-uppercase"
    | "origin-default-port"
    | "origin-unicode-host"
    | "origin-invalid"
    | "origin-pattern-invalid";
  readonly problem: string;
  readonly fix: string;
}

/**
 * Parses one configured entry: an exact origin (`https://app.example.com`), a subdomain pattern
 * (`https://*.example.com`, one or more labels), a port pattern (`http://localhost:*`), `"*"`
 * or `"null"`. Every mistake people make in Django's `CORS_ALLOWED_ORIGINS` is diagnosed with
 * the corrected value.
 */
export function parseOriginEntry(entry: string): OriginEntry | OriginEntryProblem {
  if (entry === "*") return { kind: "any" };
  if (entry === "null") return { kind: "null" };

  const schemeEnd = entry.indexOf("://");
  if (schemeEnd <= 0) {
    const scheme = /^(localhost|127\.|\[::1\])/.test(entry) ? "http" : "https";
    const guess = `${scheme}://${entry}`.replace(scheme === "https" ? /:443(?=$|[/?#])/ : /:80(?=$|[/?#])/, "");
    return {
      code: "origin-missing-scheme",
      problem: "has no scheme; an origin is scheme://host[:port].",
      fix: `write ${JSON.stringify(stripAfterAuthority(guess))}.`,
    };
  }
  const scheme = entry.slice(0, schemeEnd);
  const rest = entry.slice(schemeEnd + 3);
  const authorityEnd = firstIndexOf(rest, "/?#");
  const authority = authorityEnd === -1 ? rest : rest.slice(0, authorityEnd);
  const canonicalGuess = `${scheme.toLowerCase()}://${authority.toLowerCase()}`;

  if (authority.includes("@")) {
    const withoutUserinfo = `${scheme.toLowerCase()}://${authority.slice(authority.lastIndexOf("@") + 1).toLowerCase()}`;
    return {
      code: "origin-has-userinfo",
      problem: "contains a user name or password; browsers never send those in Origin.",
      fix: `write ${JSON.stringify(withoutUserinfo)}.`,
    };
  }
  if (authorityEnd !== -1) {
    const tail = rest.slice(authorityEnd);
    if (tail.startsWith("/")) {
      const problem =
        tail === "/"
          ? "ends with a slash; an Origin header never does, so this entry would never match."
          : "has a path; an Origin header is scheme://host[:port] only, so this entry would never match.";
      return { code: "origin-has-path", problem, fix: `write ${JSON.stringify(canonicalGuess)}.` };
    }
    if (tail.startsWith("?")) {
      return {
        code: "origin-has-query",
        problem: "has a query string; an Origin header never does.",
        fix: `write ${JSON.stringify(canonicalGuess)}.`,
      };
    }
    return {
      code: "origin-has-fragment",
      problem: "has a fragment; an Origin header never does.",
      fix: `write ${JSON.stringify(canonicalGuess)}.`,
    };
  }
  if (/[^\x00-\x7f]/.test(authority)) {
    let ascii = canonicalGuess;
    try {
      ascii = new URL(`${scheme}://${authority}`).origin;
    } catch {
      // keep the lower-cased guess
    }
    return {
      code: "origin-unicode-host",
      problem: "has a non-ASCII host; browsers send the punycode form.",
      fix: `write ${JSON.stringify(ascii)}.`,
    };
  }
  if (entry !== entry.toLowerCase()) {
    return {
      code: "origin-uppercase",
      problem: "has upper-case letters; browsers send scheme and host in lower case, so it would never match.",
      fix: `write ${JSON.stringify(canonicalGuess)}.`,
    };
  }

  const { host, port } = splitHostPort(authority);
  const subdomains = host.startsWith("*.");
  if (port === "*" || subdomains) return parsePattern(entry, scheme, host, port, subdomains);
  if (host.includes("*")) {
    return {
      code: "origin-pattern-invalid",
      problem: "has a '*' crossgate cannot match safely; only a leading '*.' (one or more subdomain labels) and ':*' (any port) are patterns.",
      fix: 'write "https://*.example.com" for subdomains, "http://localhost:*" for any port, or "*" for every origin.',
    };
  }
  if (port !== "" && DEFAULT_PORTS[scheme] === port) {
    return {
      code: "origin-default-port",
      problem: `names the default port ${port}; browsers omit it, so this entry would never match.`,
      fix: `write ${JSON.stringify(`${scheme}://${host}`)}.`,
    };
  }
  const parsed = parseSerializedOrigin(entry);
  if (parsed === undefined) {
    return {
      code: "origin-invalid",
      problem: "is not an origin a browser can send (scheme://host[:port], lower case, port 0-65535).",
      fix: 'write it like "https://app.example.com" or "http://localhost:5173".',
    };
  }
  return { kind: "exact", origin: entry, parsed };
}

function parsePattern(
  entry: string,
  scheme: string,
  host: string,
  port: string,
  subdomains: boolean,
): OriginEntry | OriginEntryProblem {
  const invalid: OriginEntryProblem = {
    code: "origin-pattern-invalid",
    problem:
      "is not a valid pattern; patterns are scheme://*.domain[:port] (one or more subdomain labels) or scheme://host:* (any port).",
    fix: 'write it like "https://*.example.com" or "http://localhost:*".',
  };
  const concreteHost = subdomains ? `x${host.slice(1)}` : host;
  const concretePort = port === "*" ? "" : port;
  const probe = `${scheme}://${concreteHost}${concretePort === "" ? "" : `:${concretePort}`}`;
  if (concreteHost.includes("*") || parseSerializedOrigin(probe) === undefined) return invalid;
  if (subdomains && isIpHost(host.slice(2))) return invalid;
  if (subdomains && /^\d+$/.test(host.slice(host.lastIndexOf(".") + 1))) return invalid;
  if (port !== "" && port !== "*" && DEFAULT_PORTS[scheme] === port) {
    return {
      code: "origin-default-port",
      problem: `names the default port ${port}; browsers omit it, so this pattern would never match.`,
      fix: `write ${JSON.stringify(`${scheme}://${host}`)}.`,
    };
  }
  return { kind: "pattern", scheme, host: subdomains ? host.slice(1) : host, subdomains, port };
}

function splitHostPort(authority: string): { host: string; port: string } {
  if (authority.startsWith("[")) {
    const close = authority.indexOf("]");
    if (close !== -1 && authority[close + 1] === ":") {
      return { host: authority.slice(0, close + 1), port: authority.slice(close + 2) };
    }
    return { host: authority, port: "" };
  }
  const colon = authority.lastIndexOf(":");
  if (colon === -1) return { host: authority, port: "" };
  return { host: authority.slice(0, colon), port: authority.slice(colon + 1) };
}

function firstIndexOf(text: string, characters: string): number {
  for (let index = 0; index < text.length; index++) {
    if (characters.includes(text[index]!)) return index;
  }
  return -1;
}

function stripAfterAuthority(url: string): string {
  const schemeEnd = url.indexOf("://");
  const rest = url.slice(schemeEnd + 3);
  const end = firstIndexOf(rest, "/?#");
  return (url.slice(0, schemeEnd + 3) + (end === -1 ? rest : rest.slice(0, end))).toLowerCase();
}
