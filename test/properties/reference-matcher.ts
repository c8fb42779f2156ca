/**
 * An independent, deliberately slow origin matcher written from the specs, used as the oracle of
 * the property tests. It shares no code with src/core: origins are parsed with the WHATWG URL
 * parser (`new URL`), and policies are described structurally (`PolicySpec`) rather than as the
 * strings crossgate parses, so a bug in crossgate's own parsing cannot hide in the oracle.
 */

/** A port as an origin carries it: digits, or "" for the scheme's default port. */
export type Port = string;

/** One entry of `origins`, described by its parts. */
export type OriginEntrySpec =
  /** `scheme://host[:port]`: exactly that origin. */
  | { readonly kind: "exact"; readonly scheme: string; readonly host: string; readonly port: Port }
  /** `scheme://*.domain[:port|:*]`: one or more labels in front of `domain`, never `domain` itself. */
  | { readonly kind: "subdomains"; readonly scheme: string; readonly domain: string; readonly port: Port | "*" }
  /** `scheme://host:*`: that host on any port. */
  | { readonly kind: "any-port"; readonly scheme: string; readonly host: string };

/** One entry of `originRegexes`, described by what it admits. */
export type OriginRegexSpec =
  /** `^scheme://(?:h1|h2)$`: exactly these hosts on the default port. */
  | { readonly kind: "hosts"; readonly scheme: string; readonly hosts: readonly string[] }
  /** `^scheme://[a-z0-9-]+\.domain(?::[0-9]+)?$`: exactly one extra label, any (or the default) port. */
  | { readonly kind: "one-label"; readonly scheme: string; readonly domain: string; readonly anyPort: boolean };

/** The trust part of a policy, as the oracle understands it. */
export interface TrustSpec {
  /** `origins: "*"` (or a `"*"` entry). */
  readonly allowAll: boolean;
  /** `"null"` listed (with `dangerouslyAllowNullOrigin`). */
  readonly allowNull: boolean;
  readonly entries: readonly OriginEntrySpec[];
  readonly regexes: readonly OriginRegexSpec[];
  /** Origins an `allowOrigin` callback admits, if there is one. */
  readonly callbackAllows: readonly string[] | undefined;
  /**
   * Credentials without `dangerouslyAllowInsecureOriginsWithCredentials`: plain-http origins other than
   * loopback (`localhost`, `*.localhost`, `127.0.0.0/8`, `[::1]`) are refused whatever admits them.
   */
  readonly secureOnly?: boolean;
}

/** An origin as a tuple (HTML "tuple origin"): scheme, host and port; port "" is the default. */
export interface OriginTuple {
  readonly scheme: string;
  readonly host: string;
  readonly port: Port;
}

/** Schemes whose URLs have tuple origins (WHATWG URL "special scheme", minus `file`). */
const TUPLE_SCHEMES = new Set(["http", "https", "ws", "wss", "ftp"]);

/**
 * Reads a raw `Origin` header value as a browser would have produced it: the ASCII serialisation
 * of a tuple origin (HTML "serialization of an origin"; Fetch "byte-serializing a request
 * origin"). Returns `undefined` for anything else, including `null`. The test is "does the URL
 * parser, serialising the origin of this value, give back exactly this value?": every
 * normalisation the parser would apply (case, default port, IPv4/IPv6 forms, punycode, a path)
 * makes the value one no browser sends.
 */
export function parseBrowserOrigin(value: string): OriginTuple | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  const scheme = url.protocol.slice(0, -1);
  // RFC 1035 §2.3.4: a name is at most 253 characters (root dot aside) in labels of at most 63,
  // so a longer host is no real origin.
  const name = url.hostname.replace(/\.$/, "");
  if (!url.hostname.startsWith("[") && (name.length > 253 || name.split(".").some((label) => label.length > 63))) return undefined;
  // Port 0 is on every browser's blocked-port list: no page is ever loaded from it.
  if (url.port === "0") return undefined;
  if (TUPLE_SCHEMES.has(scheme)) {
    if (url.origin !== value) return undefined;
    return { scheme, host: url.hostname, port: url.port };
  }
  // Other schemes have opaque origins in HTML, but browsers give extension pages (chrome-extension://<id>)
  // tuple-like origins. No spec says how those are spelled, so the oracle takes crossgate's
  // documented rule for them: scheme://host[:port] with a lower-case, dot-separated host (a trailing dot allowed) the URL
  // parser leaves alone, and nothing else (no userinfo, path, query, fragment or percent-escape).
  if (url.username !== "" || url.password !== "" || url.pathname !== "" || url.search !== "" || url.hash !== "") return undefined;
  if (`${url.protocol}//${url.host}` !== value || value !== value.toLowerCase()) return undefined;
  // One trailing dot is allowed here as for http(s) hosts.
  if (!url.hostname.startsWith("[") && !url.hostname.replace(/\.$/, "").split(".").every((label) => /^[a-z0-9_-]+$/.test(label))) return undefined;
  return { scheme, host: url.hostname, port: url.port };
}

/** Whether the host is a domain (not an IPv4 or IPv6 address), by the URL parser's own reading. */
function isDomain(host: string): boolean {
  if (host.startsWith("[")) return false;
  return !/^\d+\.\d+\.\d+\.\d+$/.test(host);
}

function entryAdmits(entry: OriginEntrySpec, origin: OriginTuple): boolean {
  if (origin.scheme !== entry.scheme) return false;
  switch (entry.kind) {
    case "exact":
      return origin.host === entry.host && origin.port === entry.port;
    case "any-port":
      return origin.host === entry.host;
    case "subdomains": {
      if (!isDomain(origin.host)) return false;
      const labels = origin.host.split(".");
      const domainLabels = entry.domain.split(".");
      if (labels.length <= domainLabels.length) return false;
      const tail = labels.slice(labels.length - domainLabels.length);
      if (tail.join(".") !== entry.domain) return false;
      if (labels.slice(0, labels.length - domainLabels.length).some((label) => label === "")) return false;
      return entry.port === "*" || origin.port === entry.port;
    }
  }
}

function regexAdmits(regex: OriginRegexSpec, origin: OriginTuple): boolean {
  if (origin.scheme !== regex.scheme) return false;
  switch (regex.kind) {
    case "hosts":
      return origin.port === "" && regex.hosts.includes(origin.host);
    case "one-label": {
      if (!regex.anyPort && origin.port !== "") return false;
      const suffix = `.${regex.domain}`;
      if (!origin.host.endsWith(suffix)) return false;
      const label = origin.host.slice(0, -suffix.length);
      return label.length > 0 && [...label].every((character) => "abcdefghijklmnopqrstuvwxyz0123456789-".includes(character));
    }
  }
}

function isLoopbackName(host: string): boolean {
  // Secure Contexts "potentially trustworthy": localhost names (with or without the root dot), 127/8, ::1.
  const name = host.endsWith(".") ? host.slice(0, -1) : host;
  return name === "localhost" || name.endsWith(".localhost") || host === "[::1]" || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/**
 * Whether a policy with this trust list may grant a raw `Origin` header value: `null` only when
 * listed; otherwise the value must be a browser-serialised origin that `*`, an entry, a regex or
 * the callback admits.
 */
export function referenceAllows(trust: TrustSpec, value: string): boolean {
  if (value === "null") return trust.allowNull;
  const origin = parseBrowserOrigin(value);
  if (origin === undefined) return false;
  // A trailing dot ("https://example.com.") is a separate origin browsers send when the user typed
  // the dot; it matches only entries written with the dot. Documented narrowing: any other empty
  // label ("https://.example.com", "a..b") is no DNS name (RFC 1035 §3.1), so no page is served from it.
  if (!origin.host.startsWith("[") && origin.host.replace(/\.$/, "").split(".").includes("")) return false;
  if (trust.secureOnly === true && origin.scheme === "http" && !isLoopbackName(origin.host)) return false;
  if (trust.allowAll) return true;
  if (trust.entries.some((entry) => entryAdmits(entry, origin))) return true;
  if (trust.regexes.some((regex) => regexAdmits(regex, origin))) return true;
  return trust.callbackAllows?.includes(value) ?? false;
}
