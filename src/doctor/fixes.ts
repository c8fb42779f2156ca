// How to fix each failure: the configuration changes it needs (rendered as additive Django
// settings and crossgate options by fix-snippets.ts), or what to change outside the settings.
import type { Finding } from "./finding.ts";
import { crossgatePatch, crossgateSnippet, DEFAULT_HEADERS, DEFAULT_METHODS, djangoPython, type FixChange } from "./fix-snippets.ts";
import type { Fix } from "./report.ts";
import type { ServerKind } from "./server-kind.ts";

/** What a fix needs to know besides the finding. */
export interface FixContext {
  /** The page's origin. */
  readonly origin: string;
  readonly credentials: boolean;
  /** True if the failure is in the preflight response. */
  readonly preflight: boolean;
  /** The URL the script asked for, and the final one after redirects. */
  readonly initialUrl: string;
  readonly url: string;
  /** The methods and headers the preflight response allowed, if it listed any. */
  readonly allowMethods: readonly string[] | null;
  readonly allowHeaders: readonly string[] | null;
  /** The server the fix leads with. @default "unknown" */
  readonly server?: ServerKind;
}

/** What a fix says, before rendering. */
export interface FixPlan {
  readonly summary: string;
  readonly changes: readonly FixChange[];
  readonly elsewhere?: string | null;
  readonly callUrl?: string | null;
  /** Replaces the rendered snippets where a change cannot be expressed additively. */
  readonly django?: string;
  readonly crossgate?: string;
}

/** Renders a plan for `server`: the lead snippet is that server's own. */
export function renderFix(plan: FixPlan, server: ServerKind = "unknown"): Fix {
  const elsewhere = plan.elsewhere ?? null;
  const note = elsewhere === null ? "" : `not a setting: ${elsewhere}`;
  const django = plan.django ?? djangoPython(plan.changes);
  const crossgate = plan.crossgate ?? crossgateSnippet(plan.changes, server);
  return {
    summary: plan.summary,
    lead: server === "django" ? "django" : "crossgate",
    django: django !== "" ? django : `# ${note || "no django-cors-headers setting changes this"}`,
    crossgate: crossgate !== "" ? crossgate : `// ${note || "no crossgate option changes this"}`,
    crossgateOptions: plan.crossgate === undefined ? crossgatePatch(plan.changes) : null,
    changes: plan.changes,
    elsewhere,
    callUrl: plan.callUrl ?? null,
  };
}

/** A fix written as text only: no configuration change the doctor can express as data. */
export function textFix(fix: { readonly summary: string; readonly crossgate: string; readonly django: string }): Fix {
  return { ...fix, lead: "crossgate", crossgateOptions: null, changes: [], elsewhere: null, callUrl: null };
}

const js = (value: string) => JSON.stringify(value);
const jsList = (values: readonly string[]) => `[${values.map(js).join(", ")}]`;

/** The fix for `finding`. */
export function fixFor(finding: Finding, context: FixContext): Fix {
  return renderFix(planFor(finding, context), context.server);
}

/** The plan behind `fixFor`. */
export function planFor(finding: Finding, context: FixContext): FixPlan {
  const origin = context.origin;
  const creds = context.credentials;
  const allowOrigin: FixChange[] = [{ kind: "add-origin", origin }, ...(creds ? [{ kind: "credentials" } as const] : [])];

  switch (finding.rule) {
    case "missing-allow-origin": {
      const errorStatus = finding.status !== undefined && finding.status >= 400;
      return {
        summary: errorStatus
          ? `The ${finding.status} response carries no CORS headers, so the page cannot even read the error. Run the CORS middleware first, before routing, authentication, CSRF checks and error handlers, and allow ${origin}.`
          : `Allow ${origin}${creds ? " with credentials" : ""}.`,
        changes: errorStatus ? [{ kind: "cors-first" }, ...allowOrigin] : allowOrigin,
      };
    }
    case "allow-origin-mismatch":
    case "allow-origin-invalid": {
      const value = finding.allowOrigin ?? "";
      const slash = value === `${origin}/`;
      return {
        summary: slash
          ? `The server answers ${js(value)}: origins are compared byte for byte, so list ${origin} without the trailing slash.`
          : `The server allows ${js(value)}, not ${origin}. List the page's exact origin: scheme, host and port, no path, no trailing slash.`,
        changes: allowOrigin,
      };
    }
    case "multiple-allow-origin":
      return finding.repeated === true
        ? {
            summary:
              "Two layers set Access-Control-Allow-Origin (for example a reverse proxy's add_header and the app). Keep one: remove the proxy's CORS headers and let the app answer.",
            changes: [],
            elsewhere: "remove the CORS headers that a reverse proxy or CDN adds in front of the app (e.g. nginx add_header Access-Control-Allow-Origin)",
          }
        : {
            summary: `The server sends a list of origins; send only the one that matches. crossgate and django-cors-headers answer with the single matching origin from their list.`,
            changes: allowOrigin,
          };
    case "wildcard-with-credentials":
      return {
        summary: `With credentials the server must name the origin, never *. List ${origin} explicitly instead of allowing every origin (allowing every origin with credentials would let any website act as the signed-in user), or, if the page needs no cookies, drop credentials: "include" from the fetch.`,
        changes: [{ kind: "no-allow-all", origin }, { kind: "credentials" }],
      };
    case "allow-credentials-not-true":
      return {
        summary:
          finding.allowCredentials === null || finding.allowCredentials === undefined
            ? "The request sends credentials: the server must also answer `Access-Control-Allow-Credentials: true`."
            : `The server answers Access-Control-Allow-Credentials: ${finding.allowCredentials}; only the exact lower-case value "true" counts.`,
        changes: [{ kind: "credentials" }],
      };
    case "preflight-redirected":
      return {
        summary:
          "Answer OPTIONS at the URL the page calls, before anything redirects (trailing-slash, http to https, login redirects), or make the page call the final URL.",
        changes: [{ kind: "cors-first" }],
      };
    case "preflight-not-ok":
      return {
        summary:
          `The preflight got ${finding.status ?? "an error"}. Let the CORS middleware answer preflights itself (crossgate answers 204) before routing, authentication and CSRF run: a 404 or 405 means no route handles OPTIONS, a 401 or 403 means auth or CSRF ran first, a 5xx means the server failed on OPTIONS.` +
          (finding.status === 403 && finding.corsFailure === "missing-allow-origin"
            ? ` A 403 without any CORS header is also how crossgate refuses a preflight from an origin it does not allow: make sure ${origin} is listed.`
            : ""),
        changes: [{ kind: "cors-first" }, ...(finding.corsFailure === "missing-allow-origin" ? allowOrigin : [])],
      };
    case "allow-methods-invalid":
      return {
        summary: `Access-Control-Allow-Methods must be a comma-separated list of method names; ${js(finding.badToken ?? "")} is not one. Replace the setting with a valid list.`,
        changes: [],
        django: `CORS_ALLOW_METHODS = ${jsList(DEFAULT_METHODS)}`,
        crossgate: `app.use(cors({ ...yourCorsOptions, methods: ${jsList(DEFAULT_METHODS)} })); // validated at start-up`,
      };
    case "allow-headers-invalid":
      return {
        summary: `Access-Control-Allow-Headers must be a comma-separated list of header names; ${js(finding.badToken ?? "")} is not one. Replace the setting with a valid list.`,
        changes: [],
        django: `CORS_ALLOW_HEADERS = ${jsList(DEFAULT_HEADERS)}`,
        crossgate: `app.use(cors({ ...yourCorsOptions, requestHeaders: ${jsList(DEFAULT_HEADERS)} })); // validated at start-up`,
      };
    case "method-not-allowed": {
      const method = finding.method ?? "";
      const lowerCaseOnly = method !== method.toUpperCase();
      return {
        summary: lowerCaseOnly
          ? `fetch() sends ${js(method)} exactly as written (only DELETE, GET, HEAD, OPTIONS, POST and PUT are upper-cased) and method names are compared byte for byte: write method: ${js(method.toUpperCase())} in the page, or allow ${js(method)}.`
          : `Allow the method ${method}.${DEFAULT_METHODS.includes(method) ? " crossgate and django-cors-headers allow it by default: the configuration overrides the default list." : ""}`,
        changes: [{ kind: "add-method", method }],
      };
    }
    case "header-not-allowed":
    case "authorization-not-covered-by-wildcard": {
      const header = finding.header ?? "";
      const isDefault = DEFAULT_HEADERS.includes(header);
      return {
        summary:
          finding.rule === "authorization-not-covered-by-wildcard"
            ? "List Authorization by name in Access-Control-Allow-Headers: * never covers it (Chrome enforces this since version 97)."
            : `Allow the request header ${header}.${isDefault ? " crossgate and django-cors-headers allow it by default: the configuration overrides the default list." : ""}`,
        changes: [{ kind: "add-header", header }],
      };
    }
    case "redirect-tainted-origin":
      return {
        summary: `${context.initialUrl} redirects to another origin, so the browser sends \`Origin: null\` to ${context.url}. Make the page call the final URL directly (or proxy instead of redirecting). Allowing the origin "null" would admit every sandboxed iframe and file: page, attackers' included.`,
        changes: [],
        elsewhere: `in the page, fetch(${js(context.url)}) instead of the redirecting URL; do not allow the origin "null"`,
        callUrl: context.url,
      };
    case "redirect-location-invalid":
    case "redirect-not-http":
    case "redirect-with-credentials":
    case "redirect-limit-exceeded":
      return {
        summary: `Fix the server's redirect: ${finding.detail}`,
        changes: [],
        elsewhere: "fix the redirect in the server (or call the final URL)",
      };
    case "network-error":
      return {
        summary: `No response arrived (${finding.networkError ?? "network error"}). Check the URL, that the server is running, and that this machine can reach it.`,
        changes: [],
        elsewhere: "make the server reachable at this URL",
      };
  }
}
