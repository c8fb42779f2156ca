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
   * without consuming it for the app, reading at most `maxBytes` bytes: past them it stops reading
   * and returns `FORM_TOO_LARGE`. Only called for `POST` with a form content type, when the token
   * header is absent and the `Content-Length` (if any) is within `maxBytes`.
   */
  formField?(name: string, maxBytes: number): FormFieldValue | Promise<FormFieldValue>;
}

/** What `CsrfRequest.formField` returns when the body is larger than the limit it was given. */
export const FORM_TOO_LARGE: unique symbol = Symbol.for("crossgate.csrf-form-too-large");

/** A form field's value, `undefined` when absent, or `FORM_TOO_LARGE`. */
export type FormFieldValue = string | undefined | typeof FORM_TOO_LARGE;

/**
 * Whether the declared `Content-Length` is over `maxBytes` (RFC 9110 §8.6; a malformed value
 * is left to the streaming limit).
 */
export function declaredLengthOver(contentLength: string | undefined, maxBytes: number): boolean {
  if (contentLength === undefined || !/^\s*\d+\s*$/.test(contentLength)) return false;
  return Number(contentLength) > maxBytes;
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
