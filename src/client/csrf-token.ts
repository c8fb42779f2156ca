// Where the CSRF token comes from (page cookie, a response header, the token endpoint) and when it is sent.

/** Safe methods never carry the token (RFC 9110 §9.2.1; the set Django's CsrfViewMiddleware accepts). */
const safeMethods: ReadonlySet<string> = new Set(["GET", "HEAD", "OPTIONS", "TRACE"]);

/** True for methods the server's CSRF guard checks, i.e. every method that is not safe. */
export function methodNeedsCsrfToken(method: string): boolean {
  return !safeMethods.has(method);
}

// Visible ASCII only: a token is copied into a header, where CR, LF or spaces would be dangerous or invalid.
const usableToken = /^[\x21-\x7E]{1,4096}$/;

/** Accepts only values that can safely go into a header; anything else is ignored, never sent. */
export function asUsableToken(value: unknown): string | undefined {
  return typeof value === "string" && usableToken.test(value) ? value : undefined;
}

/**
 * The reason of crossgate's CSRF refusal body `{"error":"csrf_failed","reason":"…"}` (Django's reason
 * strings), `""` when the reason is missing, or undefined when the body is not a CSRF refusal.
 */
export function csrfRefusalReason(body: unknown): string | undefined {
  if (typeof body !== "object" || body === null) return undefined;
  const { error, reason } = body as { error?: unknown; reason?: unknown };
  if (error !== "csrf_failed") return undefined;
  return typeof reason === "string" ? reason : "";
}

/**
 * Whether a fresh token can fix the refusal: Django's token and cookie reasons ("CSRF token missing.",
 * "CSRF cookie not set.", …) all start with "CSRF"; Origin and Referer failures do not, and a new
 * token would be refused again.
 */
export function refusalIsAboutTheToken(reason: string): boolean {
  return reason === "" || reason.startsWith("CSRF");
}

export interface CsrfTokenSources {
  /** The token cookie as the page sees it for a request to `url`, if it may be used there. */
  readonly cookieFor: (url: string) => string | undefined;
  /** Fetches the token endpoint; undefined when there is none. */
  readonly loadFromEndpoint: (() => Promise<string | undefined>) | undefined;
}

/** Caches one token per client; concurrent callers share one token-endpoint request. */
export class CsrfTokenStore {
  readonly #headerName: string;
  readonly #sources: CsrfTokenSources;
  #remembered: string | undefined;
  #loading: Promise<string | undefined> | undefined;

  constructor(headerName: string, sources: CsrfTokenSources) {
    this.#headerName = headerName;
    this.#sources = sources;
  }

  /** Remembers a token the server sent in the token header (on any API response). */
  rememberFrom(headers: Headers): void {
    const token = asUsableToken(headers.get(this.#headerName));
    if (token !== undefined) this.#remembered = token;
  }

  /**
   * The token to send to `url`: the visible cookie first (it always holds the current secret, even
   * after a login rotated it), then a remembered token, then the token endpoint.
   */
  async tokenFor(url: string): Promise<string | undefined> {
    const known = asUsableToken(this.#sources.cookieFor(url)) ?? this.#remembered;
    if (known !== undefined) return known;
    return this.#load();
  }

  /**
   * After a CSRF refusal of a request that carried `sentToken`: forgets the cached token and looks for
   * a different one, in the refusal's own token header, then the cookie, then the token endpoint.
   * Undefined when nothing new turns up (a retry would be refused again).
   */
  async refreshAfterRefusal(url: string, refusalHeaders: Headers, sentToken: string | undefined): Promise<string | undefined> {
    this.#remembered = undefined;
    this.rememberFrom(refusalHeaders);
    const fresh = (token: string | undefined) => (token !== undefined && token !== sentToken ? token : undefined);
    const known = fresh(this.#remembered) ?? fresh(asUsableToken(this.#sources.cookieFor(url)));
    if (known !== undefined) return known;
    return fresh(await this.#load());
  }

  #load(): Promise<string | undefined> {
    const load = this.#sources.loadFromEndpoint;
    if (load === undefined) return Promise.resolve(undefined);
    this.#loading ??= load()
      .then((token) => {
        const usable = asUsableToken(token);
        if (usable !== undefined) this.#remembered = usable;
        return this.#remembered;
      })
      .finally(() => {
        this.#loading = undefined;
      });
    return this.#loading;
  }
}
