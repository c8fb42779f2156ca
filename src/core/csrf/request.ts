import type { RequestView } from "../request.ts";

/**
 * What the CSRF guard needs to know about a request: a `RequestView` plus what only the adapter
 * knows (the connection's scheme, the URL's authority, the form body).
 */
export interface CsrfRequest extends RequestView {
  /** Whether the connection itself is TLS (node: `socket.encrypted`; fetch: the URL is `https:`). */
  readonly secure?: boolean;
  /**
   * The method the request arrived with, when a method-override middleware has since changed
   * `method` (Express's `method-override` keeps it in `req.originalMethod`). A request is judged
   * unsafe when either method is unsafe.
   */
  readonly originalMethod?: string;
  /** `host[:port]` of the request URL, used when there is no `Host` header (fetch runtimes). */
  readonly authority?: string;
  /**
   * Reads one field of a form body (`application/x-www-form-urlencoded` or `multipart/form-data`)
   * without consuming it for the app. Only called for `POST` with a form content type.
   */
  formField?(name: string): string | undefined | Promise<string | undefined>;
}

/** The server's own origin as the browser sees it, and whether the request arrived over HTTPS. */
export interface OwnOrigin {
  readonly secure: boolean;
  /** `scheme://host[:port]`, default port omitted, or undefined without a `Host`. */
  readonly origin: string | undefined;
  /** The port, or "" for the scheme's default. */
  readonly port: string;
}

/**
 * Django's `request.is_secure()` and `request.get_host()`: the connection, or, only when `trustProxy`
 * is on, the first `X-Forwarded-Proto` and `X-Forwarded-Host` values (OWASP "Identifying the Target Origin").
 */
export function ownOrigin(request: CsrfRequest, trustProxy: boolean): OwnOrigin {
  const forwardedProto = trustProxy ? firstValue(request.header("x-forwarded-proto"))?.toLowerCase() : undefined;
  const secure = forwardedProto === "https" || forwardedProto === "http" ? forwardedProto === "https" : request.secure === true;
  const rawHost = (trustProxy ? firstValue(request.header("x-forwarded-host")) : undefined) ?? request.header("host") ?? request.authority;
  let host = rawHost?.trim().toLowerCase() ?? "";
  if (host === "" || /[\s/?#@\\]/.test(host) || host.length > 300) return { secure, origin: undefined, port: "" };
  const defaultPort = secure ? ":443" : ":80";
  if (host.endsWith(defaultPort)) host = host.slice(0, -defaultPort.length);
  const port = /:(\d+)$/.exec(host)?.[1] ?? "";
  return { secure, origin: `${secure ? "https" : "http"}://${host}`, port };
}

function firstValue(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const comma = header.indexOf(",");
  const first = (comma === -1 ? header : header.slice(0, comma)).trim();
  return first === "" ? undefined : first;
}

/** `POST` with a form body: the only requests whose form field is read (Django reads `request.POST` for POST only). */
export function hasFormBody(request: CsrfRequest): boolean {
  if ((request.originalMethod ?? request.method).toUpperCase() !== "POST") return false;
  const type = request.header("content-type")?.toLowerCase() ?? "";
  return type.startsWith("application/x-www-form-urlencoded") || type.startsWith("multipart/form-data");
}

/**
 * Whether the refusal should be JSON: `Accept` names a JSON type, or a fetch-style `Accept`
 * (absent or `*\/*`) comes with a JSON body.
 */
export function acceptsJson(request: RequestView): boolean {
  const accept = request.header("accept");
  if (accept !== undefined && /(?:\/|\+)json\b/i.test(accept)) return true;
  if (accept !== undefined && accept.trim() !== "" && accept.trim() !== "*/*") return false;
  return /^application\/(?:[\w.-]+\+)?json\b/i.test(request.header("content-type") ?? "");
}
