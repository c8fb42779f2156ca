// createClient: fetch with credentials and the CSRF token for the API origins only, parsed JSON,
// a deadline, one retry after a CSRF refusal, and errors that say what to do.
import { bodyValue, decodeBody, encodeBody, isReplayableBody } from "./body.ts";
import {
  csrfRefusalReason,
  CsrfTokenStore,
  asUsableToken,
  methodNeedsCsrfToken,
  refusalIsAboutTheToken,
} from "./csrf-token.ts";
import { startDeadline, type Deadline } from "./deadline.ts";
import { watchCspViolations } from "./csp-violations.ts";
import { diagnoseFetchFailure, isFetchNetworkFailure } from "./diagnose.ts";
import { CrossgateClientError, HttpError, ParseError, RedirectError, TimeoutError } from "./errors.ts";
import { resolveClientOptions, type ClientOptions, type ResolvedClientOptions } from "./options.ts";
import { pageOrigin, pageURL, readPageCookie } from "./page.ts";
import { cookiesNotSentFor } from "./site.ts";
import { joinURL, originOf } from "./urls.ts";

/** Per-call options. */
export interface RequestOptions {
  /** Extra request headers. @default none (the client adds `Accept`, and `Content-Type` for JSON bodies) */
  readonly headers?: HeadersInit;
  /** Cancels the call; the call then rejects with the signal's reason, as fetch does. @default none */
  readonly signal?: AbortSignal;
  /** Overrides the client's `timeoutMs` for this call; `0` means no deadline. @default the client's */
  readonly timeoutMs?: number;
}

/** Options of {@link CrossgateClient.request}. */
export interface RequestInitOptions extends RequestOptions {
  /** HTTP method, sent upper-cased. @default "GET" */
  readonly method?: string;
  /** The body: JSON-encoded unless it is a string, binary data, FormData, URLSearchParams or a stream. @default none */
  readonly data?: unknown;
}

/**
 * A fetch client bound to API origins. Each method resolves with the parsed body: JSON when the
 * response says `application/json` (or `+json`), text otherwise, `undefined` when empty (204).
 */
export interface CrossgateClient {
  get<T = unknown>(url: string, options?: RequestOptions): Promise<T>;
  delete<T = unknown>(url: string, options?: RequestOptions): Promise<T>;
  post<T = unknown>(url: string, data?: unknown, options?: RequestOptions): Promise<T>;
  put<T = unknown>(url: string, data?: unknown, options?: RequestOptions): Promise<T>;
  patch<T = unknown>(url: string, data?: unknown, options?: RequestOptions): Promise<T>;
  request<T = unknown>(url: string, options?: RequestInitOptions): Promise<T>;
}

/** Redirect statuses (Fetch "redirect status"), and how many API-internal 307/308 hops are followed. */
const REDIRECT_STATUSES: ReadonlySet<number> = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 5;

// RFC 9110 method token.
const methodToken = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** Rejects as soon as `signal` aborts, even if `promise` (shared with other calls) is still pending. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}

/** Lower-case name → the caller's spelling, so the printed doctor command reads like their code. */
function headerSpelling(init: HeadersInit | undefined, extra: readonly string[]): Map<string, string> {
  const spelling = new Map<string, string>();
  const names: string[] = [];
  if (init instanceof Headers) init.forEach((_value, name) => names.push(name));
  else if (Array.isArray(init)) for (const pair of init) names.push(String(pair[0]));
  else if (init) names.push(...Object.keys(init));
  for (const name of [...extra, ...names]) spelling.set(name.toLowerCase(), name);
  return spelling;
}

/** The client built from validated options; `apiRequest` shares it. */
export function clientFromResolvedOptions(resolved: ResolvedClientOptions): CrossgateClient {
  const csrf = resolved.csrf;

  const store =
    csrf === false
      ? undefined
      : new CsrfTokenStore(csrf.headerName, {
          cookieFor(url) {
            if (resolved.cookieTokenOnlyForPageHost) {
              const page = pageOrigin();
              if (page === undefined || page === "null" || new URL(page).hostname !== new URL(url).hostname) return undefined;
            }
            return readPageCookie(csrf.cookieName);
          },
          loadFromEndpoint:
            csrf.tokenURL === undefined
              ? undefined
              : async () => {
                  // The token endpoint answers JSON {"csrfToken": "…"}; its X-CSRFToken header is
                  // remembered on the way like any API response's.
                  const body = await call<unknown>("GET", csrf.tokenURL as string, undefined, {});
                  return typeof body === "object" && body !== null
                    ? asUsableToken((body as { csrfToken?: unknown }).csrfToken)
                    : undefined;
                },
        });

  /** One fetch, with fetch's opaque TypeError turned into a diagnosed CorsError or NetworkError. */
  async function send(
    url: string,
    init: RequestInit & { method: string; headers: Headers },
    deadline: Deadline,
    spelling: Map<string, string>,
  ): Promise<Response> {
    const csp = watchCspViolations(url);
    try {
      return await resolved.fetch(url, { ...init, signal: deadline.signal });
    } catch (error) {
      if (deadline.signal.aborted || !isFetchNetworkFailure(error)) throw error;
      const cspViolation = await csp?.settle();
      const diagnosis = await diagnoseFetchFailure(
        {
          url,
          method: init.method,
          headers: init.headers,
          headerSpelling: spelling,
          credentials: init.credentials === "include",
          origin: pageOrigin(),
          pageURL: pageURL(),
          fetch: resolved.fetch,
          signal: deadline.signal,
          ...(cspViolation !== undefined ? { cspViolation } : {}),
        },
        error,
      );
      if (deadline.signal.aborted) throw deadline.signal.reason;
      throw diagnosis;
    } finally {
      csp?.stop();
    }
  }

  /**
   * `send`, for a request whose redirects are `"manual"`: follows a 307/308 (method and body kept) to
   * an API origin, at most MAX_REDIRECTS times, and refuses every other redirect with a RedirectError.
   * Browsers hide a manual redirect's status and Location (an "opaqueredirect" response): refused too.
   */
  async function sendWithinApi(
    url: string,
    init: RequestInit & { method: string; headers: Headers },
    deadline: Deadline,
    spelling: Map<string, string>,
  ): Promise<Response> {
    let current = url;
    for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
      const response = await send(current, init, deadline, spelling);
      if (init.redirect !== "manual") return response;
      if (response.type === "opaqueredirect") throw new RedirectError({ url, method: init.method, status: undefined, location: undefined });
      const location = REDIRECT_STATUSES.has(response.status) ? response.headers.get("location") : null;
      if (location === null) return response;
      await response.body?.cancel().catch(() => undefined);
      let target: string | undefined;
      try {
        target = new URL(location, current).href;
      } catch {
        target = undefined;
      }
      const targetOrigin = target === undefined ? undefined : originOf(target);
      const keepsMethod = response.status === 307 || response.status === 308;
      if (target === undefined || !keepsMethod || targetOrigin === undefined || !resolved.apiOrigins.has(targetOrigin) || !isReplayableBody(init.body ?? undefined)) {
        throw new RedirectError({ url, method: init.method, status: response.status, location: target ?? location });
      }
      current = target;
    }
    throw new RedirectError({ url, method: init.method, status: undefined, location: current });
  }

  async function call<T>(method: string, path: string, data: unknown, options: RequestOptions): Promise<T> {
    if (typeof method !== "string" || !methodToken.test(method)) {
      throw new TypeError(`crossgate/client: ${JSON.stringify(method)} is not an HTTP method`);
    }
    // Fetch normalises only DELETE GET HEAD OPTIONS POST PUT; "patch" would go out lower-case and fail
    // Chromium's preflight method check (Fetch standard, "normalize a method").
    const upperMethod = method.toUpperCase();
    const url = joinURL(resolved.baseURL, path);
    const targetOrigin = originOf(url);
    // Credentials and the token go only to listed API origins (axios CVE-2023-45857 sent the token anywhere).
    const toApi = targetOrigin !== undefined && resolved.apiOrigins.has(targetOrigin);
    const timeoutMs = options.timeoutMs ?? resolved.timeoutMs;
    const deadline = startDeadline(timeoutMs, options.signal);

    try {
      const headers = new Headers(options.headers);
      if (!headers.has("accept")) headers.set("accept", "application/json, text/plain, */*");
      const hadContentType = headers.has("content-type");
      const body = encodeBody(data, headers);
      const spelling = headerSpelling(options.headers, [
        "Accept",
        ...(hadContentType || !headers.has("content-type") ? [] : ["Content-Type"]),
        ...(csrf === false ? [] : [csrf.headerName]),
      ]);

      // The token rides on unsafe methods to API origins, unless the caller set the header themselves.
      const carriesToken =
        toApi && store !== undefined && csrf !== false && methodNeedsCsrfToken(upperMethod) && !headers.has(csrf.headerName);
      let token: string | undefined;
      if (carriesToken) {
        token = await untilAborted(store.tokenFor(url), deadline.signal);
        if (token !== undefined) headers.set(csrf.headerName, token);
      }

      // Fetch follows redirects by default and resends the body and every header (the token included)
      // to the new URL, on any origin: a request carrying them is redirected by hand, within the API.
      const guardsRedirects = toApi && (body !== undefined || (csrf !== false && headers.has(csrf.headerName)));
      const init = {
        method: upperMethod,
        headers,
        credentials: toApi ? resolved.credentials : ("same-origin" as const),
        ...(body === undefined ? {} : { body }),
        ...(guardsRedirects ? { redirect: "manual" as const } : {}),
      };
      let response = await sendWithinApi(url, init, deadline, spelling);
      if (toApi) store?.rememberFrom(response.headers);
      let decoded = await decodeBody(response);

      if (!response.ok) {
        let reason = response.status === 403 ? csrfRefusalReason(bodyValue(decoded)) : undefined;
        // One retry with a fresh token, only after a CSRF refusal: the guard refused before any
        // handler ran, so sending the request again cannot run it twice.
        if (carriesToken && reason !== undefined && refusalIsAboutTheToken(reason) && isReplayableBody(body)) {
          const fresh = await untilAborted(store.refreshAfterRefusal(url, response.headers, token), deadline.signal);
          if (fresh !== undefined) {
            headers.set(csrf.headerName, fresh);
            response = await sendWithinApi(url, init, deadline, spelling);
            store.rememberFrom(response.headers);
            decoded = await decodeBody(response);
            reason = response.status === 403 ? csrfRefusalReason(bodyValue(decoded)) : undefined;
          }
        }
        if (!response.ok) {
          const cookiesNotSent =
            toApi && init.credentials === "include" ? cookiesNotSentFor(url, response.status, reason, upperMethod, headers, spelling) : undefined;
          throw new HttpError({ url, method: upperMethod, response, body: bodyValue(decoded), csrfReason: reason, cookiesNotSent });
        }
      }
      if (decoded.kind === "bad-json") {
        throw new ParseError({ url, method: upperMethod, status: response.status, text: decoded.text, cause: decoded.error });
      }
      return bodyValue(decoded) as T;
    } catch (error) {
      if (error instanceof CrossgateClientError) throw error;
      if (deadline.expired()) throw new TimeoutError({ url, method: upperMethod, timeoutMs });
      if (deadline.signal.aborted) throw deadline.signal.reason;
      throw error;
    } finally {
      deadline.clear();
    }
  }

  return {
    get: (url, options = {}) => call("GET", url, undefined, options),
    delete: (url, options = {}) => call("DELETE", url, undefined, options),
    post: (url, data, options = {}) => call("POST", url, data, options),
    put: (url, data, options = {}) => call("PUT", url, data, options),
    patch: (url, data, options = {}) => call("PATCH", url, data, options),
    request: (url, options = {}) => call(options.method ?? "GET", url, options.data, options),
  };
}

/**
 * Creates a client for one API (or a few). Relative URLs resolve against `baseURL`; credentials
 * (`"include"` by default) and the CSRF header go only to `baseURL`'s origin and `apiOrigins`.
 * Invalid options throw a `TypeError` listing every problem.
 *
 * @example
 * const api = createClient({ baseURL: "https://api.example.com", csrf: { tokenURL: "/csrf" } });
 * const post = await api.post<{ id: number }>("/posts", { title: "Hello" });
 */
export function createClient(options: ClientOptions = {}): CrossgateClient {
  return clientFromResolvedOptions(resolveClientOptions(options));
}
