/**
 * The CSRF guard for Fetch-API handlers (Workers, Deno, Bun, Next.js route handlers):
 * `csrf(options)(handler)` wraps a `(request) => Response` handler. Wrap it inside the CORS wrapper,
 * `cors(c)(csrf(o)(handler))`, so refusals get CORS headers. Only wrapped handlers are checked. Glue only.
 */
import type { CsrfDecision, CsrfHeader, CsrfResponse } from "../../core/csrf/decide.ts";
import type { CsrfOptions } from "../../core/csrf/options.ts";
import { toCsrfPolicy, type CsrfPolicy, type IssueTokenOptions } from "../../core/csrf/policy.ts";
import { declaredLengthOver, FORM_TOO_LARGE, type CsrfRequest } from "../../core/csrf/request.ts";
import { mergeVary } from "../../core/internal/vary.ts";

export type { CsrfOptions, CsrfPolicy, CsrfDecision };

/** A Fetch-API handler; extra arguments (env, ctx) are passed through. */
export type FetchHandler<Rest extends unknown[] = unknown[]> = (request: Request, ...rest: Rest) => Response | Promise<Response>;

/**
 * Wraps a handler with the CSRF guard.
 * @example
 * export default { fetch: cors(corsPolicy)(csrf({ cors: corsPolicy, secret: env.SECRET_KEY })(app)) };
 */
export function csrf(options: CsrfOptions | CsrfPolicy): <Rest extends unknown[]>(handler: FetchHandler<Rest>) => FetchHandler<Rest> {
  const policy = toCsrfPolicy(options);
  return (handler) =>
    async function crossgateCsrf(request, ...rest) {
      const body = guardBody(request);
      const decision = await policy.decide(csrfRequestView(request, request, undefined, body.copy));
      if (decision.action === "respond" && decision.response !== undefined) return toResponse(decision.response);
      return handler(body.forward(), ...rest);
    };
}

/**
 * Deno's `Request.clone()` touches `request.signal`, and `Deno.serve` then prints its "request.signal
 * aborts on successful responses (legacy behavior)" warning for the request.
 */
const CLONE_WARNS = typeof (globalThis as { Deno?: unknown }).Deno !== "undefined";

/**
 * A copy of the request's body for the guard to read while the handler can still read the body:
 * a clone's body, or on Deno (see `CLONE_WARNS`) one branch of a tee of the body, the handler then
 * getting `forward()`, a copy of the request with the same URL, method and headers, the other
 * branch, and a signal of its own.
 */
export function guardBody(request: Request): { copy: () => ReadableStream<Uint8Array> | null; forward: () => Request } {
  let forwarded: Request | undefined;
  const copy = (): ReadableStream<Uint8Array> | null => {
    if (!CLONE_WARNS || request.body === null || forwarded !== undefined) return request.clone().body;
    const [mine, theirs] = request.body.tee();
    forwarded = new Request(request.url, { method: request.method, headers: request.headers, body: theirs, duplex: "half" } as RequestInit);
    return mine;
  };
  return { copy, forward: () => forwarded ?? request };
}

/**
 * A token endpoint handler: `{"csrfToken":"<token>"}` with `Set-Cookie` and the token header.
 * @example
 * if (url.pathname === "/api/csrf") return csrfTokenHandler(csrfPolicy)(request);
 */
export function csrfTokenHandler(options: CsrfOptions | CsrfPolicy): (request: Request) => Promise<Response> {
  const policy = toCsrfPolicy(options);
  return async (request) => toResponse(await policy.tokenResponse(csrfRequestView(request)));
}

/**
 * Replaces the CSRF secret at login and appends the new cookie and token header to `headers` (the
 * headers of the response you are about to return). Returns the token.
 * @example
 * const headers = new Headers({ "Content-Type": "application/json" });
 * await rotateCsrfToken(csrfPolicy, request, headers, { sessionId });
 * return new Response(JSON.stringify({ ok: true }), { headers });
 */
export async function rotateCsrfToken(
  policy: CsrfPolicy,
  request: Request,
  headers: Headers,
  options: Omit<IssueTokenOptions, "rotate"> = {},
): Promise<string> {
  const issued = await policy.issueToken(csrfRequestView(request), { ...options, rotate: true });
  applyHeaders(headers, issued.headers);
  return issued.token;
}

/**
 * The core's view of a Fetch `Request`: scheme and authority from its URL, the form field from a
 * clone of its body (the handler can still read it), read up to the guard's `maxFormBytes`.
 * `raw` defaults to the request; `readParsedForm` reads a form the framework already parsed;
 * `copyBody` gives the body to read (default: a clone's).
 */
export function csrfRequestView(
  request: Request,
  raw: unknown = request,
  readParsedForm?: () => Promise<Record<string, unknown>>,
  copyBody: () => ReadableStream<Uint8Array> | null = () => request.clone().body,
): CsrfRequest {
  let url: URL | undefined;
  try {
    url = new URL(request.url);
  } catch {
    url = undefined;
  }
  const headers = request.headers;
  return {
    method: request.method,
    path: url?.pathname ?? "/",
    header: (name) => headers.get(name) ?? undefined,
    raw,
    secure: url?.protocol === "https:",
    ...(url !== undefined ? { authority: url.host } : {}),
    formField: async (name, maxBytes) => {
      const fields = request.bodyUsed ? await readParsedForm?.() : await readBoundedForm(request, maxBytes, copyBody);
      if (fields === FORM_TOO_LARGE) return FORM_TOO_LARGE;
      const value = fields?.[name];
      return typeof value === "string" ? value : undefined;
    },
  };
}

/**
 * The form of a copy of `request`'s body, or `FORM_TOO_LARGE` as soon as its declared or streamed
 * size passes `maxBytes`; then the copy is cancelled and nothing more is read or kept.
 */
async function readBoundedForm(
  request: Request,
  maxBytes: number,
  copyBody: () => ReadableStream<Uint8Array> | null,
): Promise<Record<string, unknown> | typeof FORM_TOO_LARGE> {
  if (declaredLengthOver(request.headers.get("content-length") ?? undefined, maxBytes)) return FORM_TOO_LARGE;
  const body = copyBody();
  if (body === null) return {};
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      // Not awaited: a tee branch's cancel settles only once the other branch is cancelled too.
      reader.cancel().catch(() => undefined);
      return FORM_TOO_LARGE;
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  const type = request.headers.get("content-type") ?? "";
  return Object.fromEntries(await new Response(bytes, { headers: { "content-type": type } }).formData());
}

/** Appends `Set-Cookie`, merges `Vary`, sets everything else. */
export function applyHeaders(headers: Headers, add: readonly CsrfHeader[]): void {
  for (const [name, value] of add) {
    const lower = name.toLowerCase();
    if (lower === "set-cookie") headers.append("Set-Cookie", value);
    else if (lower === "vary") headers.set("Vary", mergeVary(headers.get("vary") ?? undefined, value));
    else headers.set(name, value);
  }
}

function toResponse(response: CsrfResponse): Response {
  const headers = new Headers();
  applyHeaders(headers, response.headers);
  return new Response(response.body, { status: response.status, headers });
}
