// What blocks a page's request before CORS is even consulted, and looks like CORS from the script:
// mixed content, the page's own Content-Security-Policy (connect-src), and Local Network Access.
// Fetch standard, main fetch step 7: a request that "should be blocked as mixed content" or "by
// Content Security Policy" becomes a network error before anything is sent; Local Network Access
// (WICG) gates a connection from a more public address space to a more private one. Pure.
import { addressSpaceOfHost, isLocalNetworkRequest, type AddressSpace } from "../client/address-space.ts";
import { checkConnect, type ConnectViolation, type ContentSecurityPolicy } from "./csp.ts";
import { textFix } from "./fixes.ts";
import type { BrowserMessages, Fix, Warning } from "./report.ts";

export type PageRuleId = "mixed-content" | "csp-connect-src" | "local-network-access";

/** Where each half of a page rule's fix goes: not the API's CORS settings but the page's server. */
export const PAGE_FIX_LABELS: Readonly<Record<PageRuleId, { readonly crossgate: string; readonly django: string }>> = {
  "mixed-content": { crossgate: "API server:", django: "Django API:" },
  "csp-connect-src": { crossgate: "page's server (Express + helmet):", django: "page's server (Django + django-csp):" },
  "local-network-access": { crossgate: "API server:", django: "Django API:" },
};

export function isPageRule(rule: string | null): rule is PageRuleId {
  return rule !== null && Object.hasOwn(PAGE_FIX_LABELS, rule);
}

/** The page the request comes from, as far as the doctor knows it. */
export interface PageContext {
  /** The page's URL; the origin followed by "/" when only the origin is known. */
  readonly url: string;
  /** Policies the page delivers (headers and `<meta>`); empty when the page was not read. */
  readonly policies: readonly ContentSecurityPolicy[];
  /** The address space the page's host resolved to; unknown unless the page was fetched. */
  readonly addressSpace?: AddressSpace;
}

/** A blocked request, with everything the report prints for it. */
export interface PageBlocker {
  readonly rule: PageRuleId;
  readonly summary: string;
  readonly detail: string;
  readonly messages: BrowserMessages;
  readonly fix: Fix;
}

/**
 * The first page-level rule that blocks a request to `target` (hop `redirectCount` of the fetch),
 * in the order main fetch applies them: mixed content, then CSP; Local Network Access happens at
 * connection time, after both. `targetSpace` is the resolved address space of the target when known.
 */
export function pageBlockerFor(page: PageContext, target: URL, redirectCount: number, targetSpace?: AddressSpace): PageBlocker | null {
  let pageUrl: URL;
  try {
    pageUrl = new URL(page.url);
  } catch {
    return null;
  }
  if (isMixedContent(pageUrl, target)) return mixedContent(pageUrl, target);
  const csp = checkConnect(page.policies, pageUrl, target, redirectCount);
  const violation = csp.blockedBy[0];
  if (violation !== undefined) return cspConnectSrc(pageUrl, target, violation);
  const to = targetSpace ?? addressSpaceOfHost(target.hostname);
  if (page.addressSpace !== undefined && isLocalNetworkRequest(page.addressSpace, to)) {
    return localNetworkAccess(pageUrl, target, page.addressSpace, to);
  }
  return null;
}

/** Report-only policies that a request to `target` violates: the browser logs them, nothing more. */
export function reportOnlyWarnings(page: PageContext, target: URL): Warning[] {
  let pageUrl: URL;
  try {
    pageUrl = new URL(page.url);
  } catch {
    return [];
  }
  return checkConnect(page.policies, pageUrl, target).reportedBy.map((violation) => ({
    id: "csp-report-only" as const,
    message: `The page's Content-Security-Policy-Report-Only "${violation.policy.text}" would block ${target.href} ("${violation.directiveText}"). It only reports today; the request goes through. Add ${target.origin} to its ${violation.directiveName === "connect-src" ? "connect-src" : "connect-src (it falls back to default-src)"} before enforcing it.`,
  }));
}

/**
 * Mixed Content §4.3/§4.4: an https page's fetch of an http URL is blocked, unless the URL is
 * "potentially trustworthy" (loopback addresses and `localhost` names, Secure Contexts §3.2).
 */
function isMixedContent(page: URL, target: URL): boolean {
  return page.protocol === "https:" && target.protocol === "http:" && addressSpaceOfHost(target.hostname) !== "loopback";
}

function mixedContent(page: URL, target: URL): PageBlocker {
  const https = new URL(target.href);
  https.protocol = "https:";
  return {
    rule: "mixed-content",
    summary: "An https page cannot fetch an http URL (mixed content): the browser blocks it before sending anything.",
    detail: `The page ${page.href} is served over https and the request goes to ${target.href} over http.`,
    messages: {
      chrome: `Mixed Content: The page at '${page.href}' was loaded over HTTPS, but requested an insecure resource '${target.href}'. This request has been blocked; the content must be served over HTTPS.`,
      firefox: `Blocked loading mixed active content “${target.href}”`,
      safari: `[blocked] The page at ${page.href} requested insecure content from ${target.href}. This content was blocked and must be served over HTTPS.`,
    },
    fix: textFix({
      summary: `Serve the API over https and call ${https.href}, or serve the page over http in development. No CORS setting can allow this.`,
      crossgate: `// not a CORS option: put the API behind TLS (a reverse proxy, or https.createServer) and call ${JSON.stringify(https.href)}`,
      django: "# not a CORS setting: serve Django behind TLS (SECURE_PROXY_SSL_HEADER behind a proxy) and call the https URL",
    }),
  };
}

/** `default-src 'self'` → the same sources plus the API origin, as a connect-src the page can send. */
function widenedConnectSrc(violation: ConnectViolation, apiOrigin: string): readonly string[] {
  const sources = violation.policy.directives.get(violation.directiveName) ?? [];
  const kept = sources.filter((source) => source.toLowerCase() !== "'none'");
  return [...(kept.length > 0 ? kept : ["'self'"]), apiOrigin];
}

function cspConnectSrc(page: URL, target: URL, violation: ConnectViolation): PageBlocker {
  const fallback = violation.directiveName === "default-src";
  const where = violation.policy.source === "meta" ? 'a <meta http-equiv="Content-Security-Policy"> tag' : "a Content-Security-Policy header";
  const sources = widenedConnectSrc(violation, target.origin);
  const connectSrc = `connect-src ${sources.join(" ")}`;
  const rewritten = fallback
    ? `${violation.policy.text.replace(/;\s*$/, "")}; ${connectSrc}`
    : violation.policy.text.replace(/(^|;)\s*connect-src\b[^;]*/i, (_m, lead: string) => `${lead}${lead === "" ? "" : " "}${connectSrc}`);
  const chromeFallback = fallback ? " Note that 'connect-src' was not explicitly set, so 'default-src' is used as a fallback." : "";
  const js = (value: string) => JSON.stringify(value);
  return {
    rule: "csp-connect-src",
    summary:
      "The page's own Content-Security-Policy does not let its scripts connect to this URL, so the browser blocks the fetch before sending it. The API's CORS headers play no part: the fix is on the server that serves the page.",
    detail: `${page.href} sends ${where} with "${violation.directiveText}"${fallback ? " (no connect-src, so default-src applies)" : ""}, which does not match ${target.origin}.`,
    messages: {
      chrome: `Connecting to '${target.href}' violates the following Content Security Policy directive: "${violation.directiveText}".${chromeFallback} The action has been blocked.`,
      firefox: `Content-Security-Policy: The page’s settings blocked the loading of a resource (connect-src) at ${target.href} because it violates the following directive: “${violation.directiveText}”`,
      safari: `Refused to connect to ${target.href} because it does not appear in the ${violation.directiveName} directive of the Content Security Policy.`,
    },
    fix: textFix({
      summary: `Add ${target.origin} to connect-src in the policy the page's server sends${violation.policy.source === "meta" ? " (in its <meta> tag)" : ""}: Content-Security-Policy: ${rewritten}`,
      crossgate: `// the page's server, e.g. helmet on Express:\napp.use(helmet({ contentSecurityPolicy: { directives: { connectSrc: [${sources.map(js).join(", ")}] } } }))`,
      django: `# the page's Django, with django-csp (3.x settings; 4.x: CONTENT_SECURITY_POLICY = {"DIRECTIVES": {"connect-src": [...]}})\nCSP_CONNECT_SRC = (${sources.map(js).join(", ")},)`,
    }),
  };
}

function localNetworkAccess(page: URL, target: URL, from: AddressSpace, to: AddressSpace): PageBlocker {
  const secure = page.protocol === "https:";
  return {
    rule: "local-network-access",
    summary: `A page on a ${from} address asks for a ${to} address. Browsers gate this (Local Network Access, formerly Private Network Access): ${secure ? "the user must grant the page the local network permission first" : "from an insecure (http) page it is refused outright"}.`,
    detail: `${page.origin} resolves to a ${from} address and ${target.origin} to a ${to} one.`,
    messages: {
      chrome: `Access to fetch at '${target.href}' from origin '${page.origin}' has been blocked by CORS policy: Permission was denied for this request to access the \`${to}\` address space.`,
      firefox: `Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at ${target.href}. (Reason: CORS request did not succeed). Status code: (null).`,
      safari: null,
    },
    fix: textFix({
      summary: `Call the API on an address in the page's own address space (deploy it where the page is, or reach it through the page's origin with a proxy)${secure ? ", or have users grant the local network permission" : "; an http page can never reach it, so serve the page over https at least"}.`,
      crossgate: "// not a CORS option: crossgate's privateNetwork option answers the older Private Network Access preflight, which browsers no longer require",
      django: "# not a CORS setting (CORS_ALLOW_PRIVATE_NETWORK answers the older preflight only)",
    }),
  };
}
