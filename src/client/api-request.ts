// apiRequest: one function for people who want one function.
import { clientFromResolvedOptions, type CrossgateClient } from "./create-client.ts";
import { resolveClientOptions } from "./options.ts";
import { originOf } from "./urls.ts";

const clientsByOrigin = new Map<string, CrossgateClient>();

function absoluteURL(url: string): string {
  const base = (globalThis as { location?: { href?: unknown } }).location?.href;
  try {
    return new URL(url, typeof base === "string" ? base : undefined).href;
  } catch {
    throw new TypeError(`crossgate/client: ${JSON.stringify(url)} is not an absolute URL (there is no page to resolve it against)`);
  }
}

/**
 * Sends one request with a default client for the URL's origin (credentials included, 30 s deadline)
 * and resolves with the parsed body. The CSRF token goes on unsafe methods, read from the `csrftoken`
 * cookie only when the URL is on the page's own host, or taken from the API's `X-CSRFToken` response
 * header. For a cross-site API with a token endpoint, use `createClient({ csrf: { tokenURL } })`.
 *
 * @example
 * const posts = await apiRequest<Post[]>("/api/posts", "GET");
 * await apiRequest("/api/posts", "POST", { title: "Hello" });
 */
export function apiRequest<T = unknown>(url: string, method: string, data?: unknown, headers?: HeadersInit): Promise<T> {
  let absolute: string;
  try {
    absolute = absoluteURL(url);
  } catch (error) {
    return Promise.reject(error);
  }
  const origin = originOf(absolute);
  if (origin === undefined) {
    return Promise.reject(new TypeError(`crossgate/client: ${JSON.stringify(url)} is not an http(s) URL`));
  }
  let client = clientsByOrigin.get(origin);
  if (client === undefined) {
    client = clientFromResolvedOptions(resolveClientOptions({ baseURL: origin }, { cookieTokenOnlyForPageHost: true }));
    clientsByOrigin.set(origin, client);
  }
  return client.request<T>(absolute, { method, data, ...(headers === undefined ? {} : { headers }) });
}
