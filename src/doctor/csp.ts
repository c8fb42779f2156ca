// The page's Content-Security-Policy, as far as it decides whether a script may connect to a URL:
// parsing (CSP Level 3, "Parse a serialized CSP" and "Parse a response's Content Security
// Policies"), connect-src with its default-src fallback ("Get the effective directive for request",
// "directive fallback list"), and source-list matching ("Does url match source list in origin with
// redirect count", §6.7.2). Pure and total: malformed policies never throw, unknown or invalid
// source expressions simply match nothing, exactly as browsers ignore them.

import { quotedDirectives } from "../client/csp-directives.ts";

/** Where a policy came from; meta policies and report-only headers have their own rules. */
export type PolicySource = "header" | "meta" | "report-only";

/** One parsed policy: directive names (lower-cased) → source expressions, first occurrence wins. */
export interface ContentSecurityPolicy {
  readonly source: PolicySource;
  /** The policy text as delivered, trimmed. */
  readonly text: string;
  readonly directives: ReadonlyMap<string, readonly string[]>;
}

/** Why a connection is blocked (or would be, for a report-only policy). */
export interface ConnectViolation {
  readonly policy: ContentSecurityPolicy;
  /** `connect-src`, or `default-src` when the policy has no `connect-src`. */
  readonly directiveName: "connect-src" | "default-src";
  /** The directive as the browsers quote it, e.g. `connect-src 'self'`. */
  readonly directiveText: string;
}

export interface ConnectCheck {
  /** The enforced policies that block the connection (every enforced policy must allow it). */
  readonly blockedBy: readonly ConnectViolation[];
  /** Report-only policies that would block it: reported by the browser, not blocking. */
  readonly reportedBy: readonly ConnectViolation[];
}

// CSP's directive-name grammar: 1*( ALPHA / DIGIT / "-" ).
const DIRECTIVE_NAME = /^[a-z0-9-]+$/;

/**
 * Parses one serialized policy (CSP3 §2.2.1, as the client splits it: see quotedDirectives); a
 * directive whose name breaks the grammar is ignored. Values never hold whitespace, so the quoted
 * form splits back into them on its spaces.
 */
export function parsePolicy(text: string, source: PolicySource): ContentSecurityPolicy {
  const directives = new Map<string, readonly string[]>();
  for (const [name, quoted] of quotedDirectives(text)) {
    if (DIRECTIVE_NAME.test(name)) directives.set(name, quoted.split(" ").slice(1));
  }
  return { source, text: text.trim(), directives };
}

/**
 * Every policy a response delivers (CSP3 "Parse a response's Content Security Policies"): each
 * `Content-Security-Policy` header line, and each comma-separated policy in it, is enforced;
 * `Content-Security-Policy-Report-Only` ones only report. Empty policies are dropped.
 */
export function policiesFromHeaders(headers: readonly (readonly [string, string])[]): ContentSecurityPolicy[] {
  const policies: ContentSecurityPolicy[] = [];
  for (const [name, value] of headers) {
    const lower = name.toLowerCase();
    const source: PolicySource | undefined =
      lower === "content-security-policy" ? "header" : lower === "content-security-policy-report-only" ? "report-only" : undefined;
    if (source === undefined) continue;
    for (const serialized of value.split(",")) {
      const policy = parsePolicy(serialized, source);
      if (policy.directives.size > 0) policies.push(policy);
    }
  }
  return policies;
}

/** Upper bound on the HTML scanned for `<meta>` policies, so a huge page costs little. */
const META_SCAN_LIMIT = 256 * 1024;

/**
 * Policies from `<meta http-equiv="Content-Security-Policy" content="…">` elements (HTML
 * "Content security policy state"): enforced; a Report-Only meta is ignored by browsers, so here too.
 * A tolerant scan of the markup, not an HTML parser: attributes in any order, either quote or none.
 */
export function policiesFromHtml(html: string): ContentSecurityPolicy[] {
  const policies: ContentSecurityPolicy[] = [];
  const text = html.length > META_SCAN_LIMIT ? html.slice(0, META_SCAN_LIMIT) : html;
  for (const match of text.matchAll(/<meta\b([^>]*)>/gi)) {
    const attributes = parseAttributes(match[1] ?? "");
    if (attributes.get("http-equiv")?.toLowerCase() !== "content-security-policy") continue;
    const content = attributes.get("content");
    if (content === undefined) continue;
    const policy = parsePolicy(decodeEntities(content), "meta");
    if (policy.directives.size > 0) policies.push(policy);
  }
  return policies;
}

function parseAttributes(source: string): Map<string, string> {
  const attributes = new Map<string, string>();
  for (const match of source.matchAll(/([^\s"'<>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?/g)) {
    const name = (match[1] ?? "").toLowerCase();
    if (!attributes.has(name)) attributes.set(name, match[2] ?? match[3] ?? match[4] ?? "");
  }
  return attributes;
}

function decodeEntities(value: string): string {
  return value
    .replace(/&quot;/g, '"')
    .replace(/&#0*39;|&apos;/g, "'")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");
}

/**
 * Checks a script's connection (fetch, XHR, WebSocket, EventSource) to `url` from a page at
 * `pageUrl` against every policy. `redirectCount` > 0 ignores paths (CSP3 §6.7.2.7 step 6).
 */
export function checkConnect(policies: readonly ContentSecurityPolicy[], pageUrl: URL, url: URL, redirectCount = 0): ConnectCheck {
  const blockedBy: ConnectViolation[] = [];
  const reportedBy: ConnectViolation[] = [];
  for (const policy of policies) {
    // CSP3 "directive fallback list" for connect-src: connect-src, then default-src.
    const directiveName = policy.directives.has("connect-src") ? "connect-src" : policy.directives.has("default-src") ? "default-src" : undefined;
    if (directiveName === undefined) continue;
    const sources = policy.directives.get(directiveName) ?? [];
    if (urlMatchesSourceList(url, sources, pageUrl, redirectCount)) continue;
    const violation: ConnectViolation = { policy, directiveName, directiveText: [directiveName, ...sources].join(" ") };
    (policy.source === "report-only" ? reportedBy : blockedBy).push(violation);
  }
  return { blockedBy, reportedBy };
}

/** CSP3 §6.7.2.5 "Does url match source list in origin with redirect count". */
export function urlMatchesSourceList(url: URL, sources: readonly string[], page: URL, redirectCount = 0): boolean {
  if (sources.length === 0) return false;
  if (sources.length === 1 && (sources[0] as string).toLowerCase() === "'none'") return false;
  return sources.some((expression) => urlMatchesExpression(url, expression, page, redirectCount));
}

const schemeOf = (url: URL) => url.protocol.slice(0, -1).toLowerCase();
const isHttpScheme = (scheme: string) => scheme === "http" || scheme === "https";

// scheme-source = scheme-part ":"; host-source = [ scheme-part "://" ] host-part [ ":" port-part ] [ path-part ]
const SCHEME_SOURCE = /^([a-z][a-z0-9+.-]*):$/i;
const HOST_SOURCE = /^(?:([a-z][a-z0-9+.-]*):\/\/)?(\*|(?:\*\.)?[a-z0-9-]+(?:\.[a-z0-9-]+)*\.?|\[[0-9a-f:.]+\])(?::(\*|[0-9]+))?(\/[^?#]*)?$/i;

/** CSP3 §6.7.2.6 "Does url match expression in origin with redirect count". */
function urlMatchesExpression(url: URL, expression: string, page: URL, redirectCount: number): boolean {
  const urlScheme = schemeOf(url);
  const pageScheme = schemeOf(page);
  if (expression === "*") return isHttpScheme(urlScheme) || urlScheme === pageScheme;

  const schemeOnly = SCHEME_SOURCE.exec(expression);
  if (schemeOnly) return schemePartMatches((schemeOnly[1] as string).toLowerCase(), urlScheme);

  const host = HOST_SOURCE.exec(expression);
  if (host) {
    const [, scheme, hostPart = "", portPart, pathPart] = host;
    if (url.hostname === "") return false;
    if (scheme === undefined ? !schemePartMatches(pageScheme, urlScheme) : !schemePartMatches(scheme.toLowerCase(), urlScheme)) return false;
    if (!hostPartMatches(hostPart.toLowerCase(), url.hostname.toLowerCase())) return false;
    if (!portPartMatches(portPart, url)) return false;
    if (pathPart !== undefined && redirectCount === 0 && !pathPartMatches(pathPart, url.pathname)) return false;
    return true;
  }

  if (expression.toLowerCase() === "'self'") {
    if (url.origin === page.origin) return true;
    // An upgrade to a secure scheme on the same host and (default-equivalent) port also counts.
    const samePort = url.port === page.port || (url.port === "" && page.port === "");
    return (
      url.hostname.toLowerCase() === page.hostname.toLowerCase() &&
      samePort &&
      (urlScheme === "https" || urlScheme === "wss" || (pageScheme === "http" && (urlScheme === "http" || urlScheme === "ws")))
    );
  }
  // Keywords ('unsafe-inline', nonces, hashes, 'strict-dynamic', …) never match a URL.
  return false;
}

/** CSP3 §6.7.2.8 "scheme-part matching": an expression's scheme also admits its secure upgrade. */
function schemePartMatches(expression: string, scheme: string): boolean {
  return (
    expression === scheme ||
    (expression === "http" && scheme === "https") ||
    (expression === "ws" && (scheme === "wss" || scheme === "http" || scheme === "https")) ||
    (expression === "wss" && scheme === "https")
  );
}

const isIpHost = (host: string) => host.startsWith("[") || /^\d+\.\d+\.\d+\.\d+$/.test(host);

/** CSP3 §6.7.2.9 "host-part matching": `*.example.com` covers subdomains only; IPs match exactly. */
function hostPartMatches(pattern: string, host: string): boolean {
  const bare = host.endsWith(".") ? host.slice(0, -1) : host;
  const wanted = pattern.endsWith(".") ? pattern.slice(0, -1) : pattern;
  if (wanted === "*") return true;
  if (wanted.startsWith("*.")) return !isIpHost(bare) && bare.endsWith(wanted.slice(1));
  return wanted === bare;
}

const DEFAULT_PORTS: Readonly<Record<string, string>> = { http: "80", https: "443", ws: "80", wss: "443" };

/** CSP3 §6.7.2.10 "port-part matching": absent means the scheme's default port; 80 also admits 443. */
function portPartMatches(port: string | undefined, url: URL): boolean {
  if (port === "*") return true;
  const scheme = schemeOf(url);
  const effective = url.port === "" ? DEFAULT_PORTS[scheme] : url.port;
  if (port === undefined) return url.port === "";
  const wanted = String(Number(port));
  if (wanted === effective) return true;
  return wanted === "80" && effective === "443" && (scheme === "https" || scheme === "wss");
}

/** CSP3 §6.7.2.11 "path-part matching": a trailing "/" matches the subtree, otherwise exactly. */
function pathPartMatches(pattern: string, path: string): boolean {
  if (pattern === "" || (pattern === "/" && path === "")) return true;
  const exact = !pattern.endsWith("/");
  const wanted = pattern.split("/");
  const actual = path.split("/");
  if (wanted.length > actual.length) return false;
  if (exact && wanted.length !== actual.length) return false;
  if (!exact) wanted.pop();
  return wanted.every((segment, index) => safeDecode(segment) === safeDecode(actual[index] as string));
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
