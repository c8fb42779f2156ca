// How to fix each failure, in crossgate options and in django-cors-headers settings.
import type { Finding } from "./finding.ts";
import type { Fix } from "./report.ts";

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
}

/** crossgate's and django-cors-headers' default allowed methods. */
const DEFAULT_METHODS = ["DELETE", "GET", "OPTIONS", "PATCH", "POST", "PUT"];
/** crossgate's and django-cors-headers 4.x's default allowed request headers. */
const DEFAULT_HEADERS = ["accept", "authorization", "content-type", "user-agent", "x-csrftoken", "x-requested-with"];

const js = (value: string) => JSON.stringify(value);
const jsList = (values: readonly string[]) => `[${values.map(js).join(", ")}]`;

/** The fix for `finding`. */
export function fixFor(finding: Finding, context: FixContext): Fix {
  const origin = context.origin;
  const creds = context.credentials;
  const originsOption = `origins: [${js(origin)}]${creds ? ", credentials: true" : ""}`;
  const djangoOrigins = `CORS_ALLOWED_ORIGINS = [${js(origin)}]${creds ? "\nCORS_ALLOW_CREDENTIALS = True" : ""}`;
  const firstMiddleware = '# and "corsheaders.middleware.CorsMiddleware" at the top of MIDDLEWARE';

  switch (finding.rule) {
    case "missing-allow-origin": {
      const errorStatus = finding.status !== undefined && finding.status >= 400;
      return {
        summary: errorStatus
          ? `The ${finding.status} response carries no CORS headers, so the page cannot even read the error. Run the CORS middleware first, before routing, authentication, CSRF checks and error handlers, and allow ${origin}.`
          : `Allow ${origin}${creds ? " with credentials" : ""}, and make sure the CORS middleware handles this URL.`,
        crossgate: `cors({ ${originsOption} }) // registered before routes, auth and error handlers`,
        django: `${djangoOrigins}\n${firstMiddleware}`,
      };
    }
    case "allow-origin-mismatch":
    case "allow-origin-invalid": {
      const value = finding.allowOrigin ?? "";
      const slash = value === `${origin}/`;
      return {
        summary: slash
          ? `The server answers ${js(value)}: remove the trailing slash from the configured origin; origins are compared byte for byte.`
          : `The server allows ${js(value)}, not ${origin}. List the page's exact origin: scheme, host and port, no path, no trailing slash.`,
        crossgate: `cors({ ${originsOption} })`,
        django: djangoOrigins,
      };
    }
    case "multiple-allow-origin":
      return {
        summary:
          finding.repeated === true
            ? "Two layers set Access-Control-Allow-Origin (for example a reverse proxy's add_header and the app). Keep one: remove the proxy's CORS headers and let the app answer."
            : `The server sends a list of origins; send only the one that matches. crossgate and django-cors-headers answer with the single matching origin from their list.`,
        crossgate: `cors({ origins: [${js(origin)}, /* ...the other origins */]${creds ? ", credentials: true" : ""} })`,
        django: `CORS_ALLOWED_ORIGINS = [${js(origin)}, ...]${creds ? "\nCORS_ALLOW_CREDENTIALS = True" : ""}`,
      };
    case "wildcard-with-credentials":
      return {
        summary: `With credentials the server must name the origin, never *. List ${origin} explicitly, or, if the page needs no cookies, drop credentials: "include" from the fetch.`,
        crossgate: `cors({ origins: [${js(origin)}], credentials: true })`,
        django: `CORS_ALLOWED_ORIGINS = [${js(origin)}]\nCORS_ALLOW_CREDENTIALS = True  # instead of CORS_ALLOW_ALL_ORIGINS`,
      };
    case "allow-credentials-not-true":
      return {
        summary:
          finding.allowCredentials === null || finding.allowCredentials === undefined
            ? "The request sends credentials: the server must also answer `Access-Control-Allow-Credentials: true`."
            : `The server answers Access-Control-Allow-Credentials: ${finding.allowCredentials}; only the exact lower-case value "true" counts.`,
        crossgate: `cors({ origins: [${js(origin)}], credentials: true })`,
        django: `CORS_ALLOWED_ORIGINS = [${js(origin)}]\nCORS_ALLOW_CREDENTIALS = True`,
      };
    case "preflight-redirected":
      return {
        summary:
          "Answer OPTIONS at the URL the page calls, before anything redirects (trailing-slash, http to https, login redirects), or make the page call the final URL.",
        crossgate: `app.use(cors({ ${originsOption} })) // before any redirecting middleware`,
        django:
          '# "corsheaders.middleware.CorsMiddleware" above CommonMiddleware (APPEND_SLASH) and SecurityMiddleware (SECURE_SSL_REDIRECT)\n' +
          djangoOrigins,
      };
    case "preflight-not-ok":
      return {
        summary:
          `The preflight got ${finding.status ?? "an error"}. Let the CORS middleware answer preflights itself (crossgate answers 204) before routing, authentication and CSRF run: a 404 or 405 means no route handles OPTIONS, a 401 or 403 means auth or CSRF ran first, a 5xx means the server failed on OPTIONS.` +
          (finding.status === 403 && finding.corsFailure === "missing-allow-origin"
            ? ` A 403 without any CORS header is also how crossgate refuses a preflight from an origin it does not allow: make sure ${origin} is listed.`
            : ""),
        crossgate: `app.use(cors({ ${originsOption} })) // first, before routes, auth and CSRF`,
        django: `${djangoOrigins}\n${firstMiddleware}`,
      };
    case "allow-methods-invalid":
      return {
        summary: `Access-Control-Allow-Methods must be a comma-separated list of method names; ${js(finding.badToken ?? "")} is not one.`,
        crossgate: `cors({ ${originsOption}, methods: ${jsList(DEFAULT_METHODS)} }) // validated at start-up`,
        django: `CORS_ALLOW_METHODS = ${jsList(DEFAULT_METHODS)}`,
      };
    case "allow-headers-invalid":
      return {
        summary: `Access-Control-Allow-Headers must be a comma-separated list of header names; ${js(finding.badToken ?? "")} is not one.`,
        crossgate: `cors({ ${originsOption}, requestHeaders: ${jsList(DEFAULT_HEADERS)} }) // validated at start-up`,
        django: `CORS_ALLOW_HEADERS = ${jsList(DEFAULT_HEADERS)}`,
      };
    case "method-not-allowed": {
      const method = finding.method ?? "";
      const lowerCaseOnly = method !== method.toUpperCase();
      const current = (context.allowMethods ?? DEFAULT_METHODS).filter((m) => m !== "*");
      const methods = [...current, method];
      return {
        summary: lowerCaseOnly
          ? `fetch() sends ${js(method)} exactly as written (only DELETE, GET, HEAD, OPTIONS, POST and PUT are upper-cased) and method names are compared byte for byte: write method: ${js(method.toUpperCase())} in the page, or allow ${js(method)}.`
          : `Allow the method ${method}.${DEFAULT_METHODS.includes(method) ? " crossgate and django-cors-headers allow it by default: the configuration overrides the default list." : ""}`,
        crossgate: `cors({ ${originsOption}, methods: ${jsList(methods)} })`,
        django: DEFAULT_METHODS.includes(method)
          ? `CORS_ALLOW_METHODS = ${jsList(methods)}  # or delete the setting to use the default`
          : `from corsheaders.defaults import default_methods\nCORS_ALLOW_METHODS = (*default_methods, ${js(method)})`,
      };
    }
    case "header-not-allowed":
    case "authorization-not-covered-by-wildcard": {
      const header = finding.header ?? "";
      const current = (context.allowHeaders ?? DEFAULT_HEADERS).filter((h) => h !== "*").map((h) => h.toLowerCase());
      const headers = [...new Set([...current, header])];
      const isDefault = DEFAULT_HEADERS.includes(header);
      return {
        summary:
          finding.rule === "authorization-not-covered-by-wildcard"
            ? "List Authorization by name in Access-Control-Allow-Headers: * never covers it (Chrome enforces this since version 97)."
            : `Allow the request header ${header}.${isDefault ? " crossgate and django-cors-headers allow it by default: the configuration overrides the default list." : ""}`,
        crossgate: `cors({ ${originsOption}, requestHeaders: ${jsList(headers)} })`,
        django: isDefault
          ? `from corsheaders.defaults import default_headers\nCORS_ALLOW_HEADERS = (*default_headers,)  # includes ${js(header)}`
          : `from corsheaders.defaults import default_headers\nCORS_ALLOW_HEADERS = (*default_headers, ${js(header)})`,
      };
    }
    case "redirect-tainted-origin":
      return {
        summary: `${context.initialUrl} redirects to another origin, so the browser sends \`Origin: null\` to ${context.url}. Make the page call the final URL directly (or proxy instead of redirecting). Allowing the origin "null" would admit every sandboxed iframe and file: page, attackers' included.`,
        crossgate: `// in the page: fetch(${js(context.url)}); keep the API's cors({ ${originsOption} }) and do not add "null"`,
        django: `# in the page: fetch(${js(context.url)}); keep ${djangoOrigins.replace(/\n/g, "; ")} and do not add "null"`,
      };
    case "redirect-location-invalid":
    case "redirect-not-http":
    case "redirect-with-credentials":
    case "redirect-limit-exceeded":
      return {
        summary: `Fix the server's redirect: ${finding.detail}`,
        crossgate: "// not a CORS option: fix the redirect (or call the final URL)",
        django: "# not a CORS setting: fix the redirect (or call the final URL)",
      };
    case "network-error":
      return {
        summary: `No response arrived (${finding.networkError ?? "network error"}). Check the URL, that the server is running, and that this machine can reach it.`,
        crossgate: "// not a CORS option",
        django: "# not a CORS setting",
      };
  }
}
