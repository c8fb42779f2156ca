// Client options, their defaults, and the one-time validation that turns them into a resolved config.
import { pageOrigin } from "./page.ts";
import { joinURL, originOf } from "./urls.ts";

/** The fetch function the client calls; any WHATWG-compatible implementation works. */
export type FetchFunction = (input: string, init?: RequestInit) => Promise<Response>;

/** CSRF token conventions, Django-compatible and shared with crossgate's server-side CSRF guard. */
export interface CsrfOptions {
  /**
   * Cookie the token is read from, when the page can see it (`document.cookie`, same-site pages).
   * @default "csrftoken"
   */
  readonly cookieName?: string;
  /**
   * Request header that carries the token on unsafe methods; responses carrying this header also
   * refresh the cached token.
   * @default "X-CSRFToken"
   */
  readonly headerName?: string;
  /**
   * Token endpoint for SPAs that cannot read the API's cookie (another site). Resolved against
   * `baseURL` like request paths (`"/csrf"` → `${baseURL}/csrf`) and must be on an API origin. It is
   * fetched with GET and the client's credentials mode, and must answer JSON
   * `{"csrfToken":"<token>"}` and/or the response header named by `headerName`.
   * @default undefined (no endpoint: the token comes from the cookie or from a response header)
   */
  readonly tokenURL?: string;
}

/** Options for {@link createClient}. */
export interface ClientOptions {
  /**
   * Base for relative request URLs (joined, so `"/posts"` with `"https://api.example/v1"` is
   * `https://api.example/v1/posts`). Its origin is an API origin.
   * @default the page's origin (`location.origin`); required outside a browser page
   */
  readonly baseURL?: string;
  /**
   * Credentials mode for requests to API origins. Requests to any other origin use the fetch default
   * `"same-origin"`, so cookies never go to hosts you did not list.
   * @default "include"
   */
  readonly credentials?: RequestCredentials;
  /**
   * CSRF token handling, or `false` to never send a token.
   * @default { cookieName: "csrftoken", headerName: "X-CSRFToken" }
   */
  readonly csrf?: CsrfOptions | false;
  /**
   * Deadline for a whole call (token fetch, request, one CSRF retry, body read), in milliseconds;
   * `0` means no deadline. On expiry the call rejects with a `TimeoutError`.
   * @default 30000
   */
  readonly timeoutMs?: number;
  /**
   * More origins (`scheme://host[:port]`) that receive credentials and the CSRF header, besides
   * `baseURL`'s origin. Security: list only servers you trust with the user's session.
   * @default []
   */
  readonly apiOrigins?: readonly string[];
  /**
   * The fetch implementation.
   * @default globalThis.fetch (looked up at call time)
   */
  readonly fetch?: FetchFunction;
}

/** Options validated once at construction; never exported. */
export interface ResolvedClientOptions {
  readonly baseURL: string;
  readonly credentials: RequestCredentials;
  readonly csrf: Required<Omit<CsrfOptions, "tokenURL">> & { readonly tokenURL: string | undefined } | false;
  readonly timeoutMs: number;
  readonly apiOrigins: ReadonlySet<string>;
  readonly fetch: FetchFunction;
  /**
   * When true the cookie token only goes to the page's own host (any port); used by `apiRequest`,
   * whose target origins nobody listed.
   */
  readonly cookieTokenOnlyForPageHost: boolean;
}

const credentialsModes: ReadonlySet<string> = new Set(["include", "same-origin", "omit"]);
// RFC 9110 token characters: what a header or cookie name may contain.
const tokenPattern = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** Validates every option, reports every problem at once, and fills in the defaults. */
export function resolveClientOptions(
  options: ClientOptions = {},
  internal: { cookieTokenOnlyForPageHost?: boolean } = {},
): ResolvedClientOptions {
  const problems: string[] = [];
  const baseURL = options.baseURL ?? pageOrigin();
  let baseOrigin: string | undefined;
  if (baseURL === undefined) {
    problems.push("baseURL is required outside a browser page (there is no location.origin to default to)");
  } else {
    baseOrigin = originOf(baseURL);
    if (baseOrigin === undefined) problems.push(`baseURL ${JSON.stringify(baseURL)} is not an absolute http(s) URL`);
  }

  const credentials = options.credentials ?? "include";
  if (!credentialsModes.has(credentials)) {
    problems.push(`credentials ${JSON.stringify(credentials)} is not one of "include", "same-origin", "omit"`);
  }

  const timeoutMs = options.timeoutMs ?? 30_000;
  if (typeof timeoutMs !== "number" || !Number.isFinite(timeoutMs) || timeoutMs < 0) {
    problems.push(`timeoutMs ${JSON.stringify(timeoutMs)} is not a finite number >= 0`);
  }

  const apiOrigins = new Set<string>(baseOrigin === undefined ? [] : [baseOrigin]);
  for (const entry of options.apiOrigins ?? []) {
    const origin = typeof entry === "string" ? originOf(entry) : undefined;
    // An entry must already be a bare origin: a path or trailing slash hints at a misunderstanding.
    if (origin === undefined || origin !== entry.toLowerCase()) {
      problems.push(`apiOrigins entry ${JSON.stringify(entry)} is not an origin like "https://api.example.com"`);
    } else {
      apiOrigins.add(origin);
    }
  }

  let csrf: ResolvedClientOptions["csrf"] = false;
  if (options.csrf !== false) {
    const cookieName = options.csrf?.cookieName ?? "csrftoken";
    const headerName = options.csrf?.headerName ?? "X-CSRFToken";
    const tokenURL = options.csrf?.tokenURL;
    if (!tokenPattern.test(cookieName)) problems.push(`csrf.cookieName ${JSON.stringify(cookieName)} is not a valid cookie name`);
    if (!tokenPattern.test(headerName)) problems.push(`csrf.headerName ${JSON.stringify(headerName)} is not a valid header name`);
    let resolvedTokenURL: string | undefined;
    if (tokenURL !== undefined) {
      resolvedTokenURL = typeof tokenURL === "string" && tokenURL !== "" && baseURL !== undefined ? joinURL(baseURL, tokenURL) : undefined;
      const tokenOrigin = resolvedTokenURL === undefined ? undefined : originOf(resolvedTokenURL);
      if (tokenOrigin === undefined) {
        problems.push(`csrf.tokenURL ${JSON.stringify(tokenURL)} is not a URL or path`);
      } else if (!apiOrigins.has(tokenOrigin)) {
        // The endpoint answers with the user's token, so it must be a server the client trusts.
        problems.push(`csrf.tokenURL ${JSON.stringify(tokenURL)} is not on baseURL's origin or an apiOrigins entry`);
      }
    }
    csrf = { cookieName, headerName, tokenURL: resolvedTokenURL };
  }

  if (options.fetch !== undefined && typeof options.fetch !== "function") problems.push("fetch is not a function");

  if (problems.length > 0) {
    throw new TypeError(`crossgate/client: invalid options:\n- ${problems.join("\n- ")}`);
  }
  return {
    baseURL: baseURL as string,
    credentials,
    csrf,
    timeoutMs,
    apiOrigins,
    fetch: options.fetch ?? ((input, init) => globalThis.fetch(input, init)),
    cookieTokenOnlyForPageHost: internal.cookieTokenOnlyForPageHost ?? false,
  };
}
