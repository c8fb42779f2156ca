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

// Linear-time: labels are separated by a character they cannot contain, so no backtracking. A
// host may end with a dot (`http://localhost.`): the URL parser keeps it, and browsers send it.
const SERIALIZED_ORIGIN =
  /^([a-z][a-z0-9+.-]*):\/\/(\[[0-9a-f:.]+\]|[a-z0-9_-]+(?:\.[a-z0-9_-]+)*\.?)(?::(0|[1-9][0-9]{0,4}))?$/;

/** RFC 1035 §2.3.4: a name of at most 253 characters (without the root dot), labels of at most 63. */
const MAX_HOST_LENGTH = 253;
const MAX_LABEL_LENGTH = 63;

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
  if (port !== "" && (port === "0" || Number(port) > 65535 || DEFAULT_PORTS[scheme] === port)) return undefined;
  if (hostTooLong(host)) return undefined;
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
  // "ends in a number" ignores one empty last label, so `1.2.3.4.` is the IPv4 address 1.2.3.4.
  return SPECIAL_SCHEMES.has(scheme) && (host.endsWith(".") ? ENDS_IN_NUMBER.test(host.slice(0, -1)) || host === "." : ENDS_IN_NUMBER.test(host) && !CANONICAL_IPV4.test(host));
}

/** A DNS name no resolver accepts: longer than 253 characters (root dot aside) or with a label over 63. */
function hostTooLong(host: string): boolean {
  if (host.charCodeAt(0) === 91 /* "[" */) return false;
  const name = host.endsWith(".") ? host.slice(0, -1) : host;
  if (name.length > MAX_HOST_LENGTH) return true;
  let start = 0;
  for (let dot = name.indexOf("."); ; dot = name.indexOf(".", start)) {
    const end = dot === -1 ? name.length : dot;
    if (end - start > MAX_LABEL_LENGTH) return true;
    if (dot === -1) return false;
    start = dot + 1;
  }
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
  // Secure Contexts "potentially trustworthy origin" names "localhost." and ".localhost." too.
  if (host === "localhost" || host.endsWith(".localhost") || host === "localhost." || host.endsWith(".localhost.")) return true;
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
    | "origin-host-too-long"
    | "origin-port-zero"
    | "origin-ipv4-mapped"
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
  return parseEntry(entry, true);
}

function parseEntry(entry: string, suggest: boolean): OriginEntry | OriginEntryProblem {
  if (entry === "*") return { kind: "any" };
  if (entry === "null") return { kind: "null" };
  // The corrected value, computed only for a problem: what the user meant, checked to be valid.
  const fix = (otherwise: string): string => {
    const repaired = suggest ? repairOriginEntry(entry) : undefined;
    return repaired === undefined ? otherwise : `write ${JSON.stringify(repaired)}.`;
  };
  // A problem whose fix, unless the entry can be repaired, is an example of the form.
  const malformed = (code: OriginEntryProblem["code"], problem: string): OriginEntryProblem => ({
    code,
    problem,
    fix: fix('write it like "https://app.example.com" or "http://localhost:5173".'),
  });
  if (entry.trim() !== entry) {
    return malformed("origin-invalid", "has white space around it; an Origin header never does.");
  }

  const schemeEnd = entry.indexOf("://");
  if (schemeEnd <= 0 || !/^[a-z][a-z0-9+.-]*$/i.test(entry.slice(0, schemeEnd))) {
    return malformed("origin-missing-scheme", "does not start with a scheme and \"://\"; an origin is scheme://host[:port].");
  }
  const scheme = entry.slice(0, schemeEnd);
  const rest = entry.slice(schemeEnd + 3);
  const authorityEnd = rest.search(/[/?#]/);
  const authority = authorityEnd === -1 ? rest : rest.slice(0, authorityEnd);

  if (authority.includes("@")) {
    return malformed("origin-has-userinfo", "contains a user name or password; browsers never send those in Origin.");
  }
  if (authorityEnd !== -1) {
    const tail = rest.slice(authorityEnd);
    if (tail.startsWith("/")) {
      const problem =
        tail === "/"
          ? "ends with a slash; an Origin header never does, so this entry would never match."
          : "has a path; an Origin header is scheme://host[:port] only, so this entry would never match.";
      return malformed("origin-has-path", problem);
    }
    if (tail.startsWith("?")) {
      return malformed("origin-has-query", "has a query string; an Origin header never does.");
    }
    return malformed("origin-has-fragment", "has a fragment; an Origin header never does.");
  }
  if (/[^\x00-\x7f]/.test(authority)) {
    return malformed("origin-unicode-host", "has a non-ASCII host; browsers send the punycode form.");
  }
  if (entry !== entry.toLowerCase()) {
    return malformed("origin-uppercase", "has upper-case letters; browsers send scheme and host in lower case, so it would never match.");
  }

  const { host, port } = splitHostPort(authority);
  const subdomains = host.startsWith("*.");
  if (port === "*" || subdomains) return parsePattern(scheme, host, port, subdomains, fix);
  if (host.includes("*")) {
    return {
      code: "origin-pattern-invalid",
      problem: "has a '*' crossgate cannot match safely; only a leading '*.' (one or more subdomain labels) and ':*' (any port) are patterns.",
      fix: 'write "https://*.example.com" for subdomains, "http://localhost:*" for any port, or "*" for every origin.',
    };
  }
  const neverSent = defaultPortProblem(scheme, host, port, "entry", fix) ?? hostOrPortProblem(scheme, host, port, "entry");
  if (neverSent !== undefined) return neverSent;
  const parsed = parseSerializedOrigin(entry);
  if (parsed === undefined) {
    return malformed("origin-invalid", "is not an origin a browser can send (scheme://host[:port], lower case, port 1-65535).");
  }
  return { kind: "exact", origin: entry, parsed };
}

function parsePattern(
  scheme: string,
  host: string,
  port: string,
  subdomains: boolean,
  fix: (otherwise: string) => string,
): OriginEntry | OriginEntryProblem {
  const invalid: OriginEntryProblem = {
    code: "origin-pattern-invalid",
    problem:
      "is not a valid pattern; patterns are scheme://*.domain[:port] (one or more subdomain labels) or scheme://host:* (any port).",
    fix: 'write it like "https://*.example.com" or "http://localhost:*".',
  };
  // One origin the pattern matches, checked like an exact entry.
  const concreteHost = subdomains ? `x${host.slice(1)}` : host;
  const concretePort = port === "*" ? "" : port;
  const neverSent = defaultPortProblem(scheme, host, port, "pattern", fix) ?? hostOrPortProblem(scheme, concreteHost, concretePort, "pattern");
  if (neverSent !== undefined) return neverSent;
  const probe = `${scheme}://${concreteHost}${concretePort === "" ? "" : `:${concretePort}`}`;
  if (concreteHost.includes("*") || parseSerializedOrigin(probe) === undefined) return invalid;
  if (subdomains && isIpHost(host.slice(2))) return invalid;
  if (subdomains && /^\d+$/.test(host.slice(host.lastIndexOf(".") + 1))) return invalid;
  return { kind: "pattern", scheme, host: subdomains ? host.slice(1) : host, subdomains, port };
}

/** A port that is the scheme's default, which browsers omit from `Origin`. */
function defaultPortProblem(scheme: string, host: string, port: string, what: "entry" | "pattern", fix: (otherwise: string) => string): OriginEntryProblem | undefined {
  if (port === "" || DEFAULT_PORTS[scheme] !== port) return undefined;
  return {
    code: "origin-default-port",
    problem: `names the default port ${port}; browsers omit it, so this ${what} would never match.`,
    fix: fix(`write ${JSON.stringify(`${scheme}://${host}`)}.`),
  };
}

/**
 * Hosts and ports the URL parser accepts but no browser ever sends in `Origin`: an over-long DNS
 * name, port 0 (a blocked port: the page never loads), and an IPv4-mapped IPv6 address, which a
 * browser only sends for a page loaded from that literal, and which is almost always meant as IPv4.
 */
function hostOrPortProblem(scheme: string, host: string, port: string, what: "entry" | "pattern"): OriginEntryProblem | undefined {
  const suffix = port === "" ? "" : `:${port}`;
  if (hostTooLong(host)) {
    return {
      code: "origin-host-too-long",
      problem: `has a host longer than ${MAX_HOST_LENGTH} characters or a label longer than ${MAX_LABEL_LENGTH}; no such name resolves, so this ${what} would never match.`,
      fix: "write the host as the browser's address bar shows it.",
    };
  }
  if (port === "0") {
    return {
      code: "origin-port-zero",
      problem: `names port 0, which browsers refuse to load pages from, so this ${what} would never match.`,
      fix: `write the port the page is served on, e.g. ${JSON.stringify(`${scheme}://${host}:8080`)}.`,
    };
  }
  const mapped = /^\[(?:(?:0{1,4}:){5}|::(?:0{1,4}:)?)ffff:([0-9a-f:.]+)\]$/.exec(host);
  if (mapped !== null) {
    const ipv4 = mappedIpv4(mapped[1]!);
    return {
      code: "origin-ipv4-mapped",
      problem: "is an IPv4-mapped IPv6 address; browsers send the IPv4 form for pages loaded from an IPv4 address, so this is almost certainly meant as IPv4.",
      fix: ipv4 === undefined ? "write the IPv4 address, e.g. \"http://127.0.0.1:8000\"." : `write ${JSON.stringify(`${scheme}://${ipv4}${suffix}`)}.`,
    };
  }
  return undefined;
}

/** `127.0.0.1` or `7f00:1` (the mapped tail, as written or as the URL parser serialises it) → `127.0.0.1`. */
function mappedIpv4(tail: string): string | undefined {
  if (CANONICAL_IPV4.test(tail)) return tail;
  const hex = /^([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(tail);
  if (hex === null) return undefined;
  const high = parseInt(hex[1]!, 16);
  const low = parseInt(hex[2]!, 16);
  return `${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`;
}

const KNOWN_SCHEMES = ["https", "http", "wss", "ws"];
const LOOPBACK_START = /^(?:localhost|127\.|\[::1\])/i;

/**
 * The entry the user meant, for a "Fix:", or `undefined` when there is no single obvious one. It
 * repairs one kind of typo at a time, as people make them: a mangled "://" (`http//:host`,
 * `https:/host`), a missing scheme (`localhost:3000` → http for loopback, https otherwise), and what
 * the URL parser normalises (case, a path or trailing slash, userinfo, a default port, a Unicode
 * host). The result is checked: it is only returned when crossgate accepts it.
 */
export function repairOriginEntry(entry: string): string | undefined {
  let text = entry.trim();
  let scheme: string | undefined;
  const separated = /^([a-z][a-z0-9+.-]*)([:/\\]{1,4})(.*)$/is.exec(text);
  if (separated !== null && KNOWN_SCHEMES.includes(separated[1]!.toLowerCase())) {
    scheme = separated[1]!.toLowerCase();
    text = separated[3]!;
  } else if (separated !== null && separated[2] === "://") {
    scheme = separated[1]!.toLowerCase();
    text = separated[3]!;
  } else {
    scheme = LOOPBACK_START.test(text) ? "http" : "https";
  }
  const authorityEnd = text.search(/[/?#\\]/);
  let authority = authorityEnd === -1 ? text : text.slice(0, authorityEnd);
  authority = authority.slice(authority.lastIndexOf("@") + 1);
  const anyPort = authority.endsWith(":*");
  if (anyPort) authority = authority.slice(0, -2);
  let host: string;
  try {
    // The WHATWG URL parser lower-cases, drops a default port and gives the punycode host, as browsers do.
    host = new URL(`${scheme}://${authority}`).host;
  } catch {
    return undefined;
  }
  if (host === "") return undefined;
  const candidate = `${scheme}://${host}${anyPort ? ":*" : ""}`;
  if (candidate === entry) return undefined;
  const parsed = parseEntry(candidate, false);
  return "kind" in parsed && (parsed.kind === "exact" || parsed.kind === "pattern") ? candidate : undefined;
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
