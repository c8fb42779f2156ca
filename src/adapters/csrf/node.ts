/**
 * The CSRF guard for node:http, Express 4/5 and Connect: `csrf(options)` returns `(req, res, next)`.
 * Glue only: it builds a request view, asks the core, and applies the decision.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { TLSSocket } from "node:tls";
import type { CsrfDecision, CsrfHeader, CsrfResponse } from "../../core/csrf/decide.ts";
import { DEFAULT_MAX_FORM_BYTES, type CsrfOptions } from "../../core/csrf/options.ts";
import { toCsrfPolicy, type CsrfPolicy, type IssueTokenOptions } from "../../core/csrf/policy.ts";
import { declaredLengthOver, FORM_TOO_LARGE, type CsrfRequest, type FormFieldValue } from "../../core/csrf/request.ts";
import { mergeVary } from "../../core/internal/vary.ts";
import { requestViewFromRecord } from "../../core/request.ts";

export type { CsrfOptions, CsrfPolicy, CsrfDecision };

type Next = (error?: unknown) => void;

/** The default largest url-encoded body crossgate reads itself to find the form field (1 MiB; option `maxFormBytes`). */
export const MAX_FORM_BYTES = DEFAULT_MAX_FORM_BYTES;

/**
 * CSRF guard middleware for node:http, Express and Connect. Install it after `cors(...)`, so refusals
 * keep their CORS headers. Routes registered before it (webhooks) are not checked.
 * The form field is read from `req.body` when a body parser ran first; otherwise a url-encoded body
 * (up to `maxFormBytes`, 1 MiB by default; larger ones get `413`) is read here and left parsed on `req.body`.
 * @example
 * app.use(cors(corsPolicy));
 * app.use(csrf({ cors: corsPolicy, secret: process.env.SECRET_KEY! }));
 */
export function csrf(options: CsrfOptions | CsrfPolicy): (req: IncomingMessage, res: ServerResponse, next?: Next) => void {
  const policy = toCsrfPolicy(options);
  return function crossgateCsrf(req, res, next) {
    const decision = policy.decide(csrfRequestView(req));
    if (decision instanceof Promise) {
      decision.then(
        (resolved) => applyDecision(resolved, res, next),
        (error: unknown) => (next ? next(error) : failed(res)),
      );
    } else {
      applyDecision(decision, res, next);
    }
  };
}

/**
 * A token endpoint handler: answers `{"csrfToken":"<token>"}` with `Set-Cookie` and the token header.
 * Put it behind `cors(...)` and list the token header in the CORS `exposeHeaders` if the client reads it there.
 * @example
 * app.get("/api/csrf", csrfTokenHandler(csrfPolicy));
 */
export function csrfTokenHandler(options: CsrfOptions | CsrfPolicy): (req: IncomingMessage, res: ServerResponse, next?: Next) => void {
  const policy = toCsrfPolicy(options);
  return function crossgateCsrfToken(req, res, next) {
    policy.tokenResponse(csrfRequestView(req)).then(
      (response) => send(response, res),
      (error: unknown) => (next ? next(error) : failed(res)),
    );
  };
}

/**
 * Replaces the CSRF secret (call it at login, once the new session exists) and sets the new cookie and
 * token header on `res`. Returns the new token.
 * @example
 * await rotateCsrfToken(csrfPolicy, req, res, { sessionId: req.session.id });
 */
export async function rotateCsrfToken(
  policy: CsrfPolicy,
  req: IncomingMessage,
  res: ServerResponse,
  options: Omit<IssueTokenOptions, "rotate"> = {},
): Promise<string> {
  const issued = await policy.issueToken(csrfRequestView(req), { ...options, rotate: true });
  setHeaders(res, issued.headers);
  return issued.token;
}

/** The core's view of a Node request, with the connection's scheme and the form reader. */
export function csrfRequestView(req: IncomingMessage): CsrfRequest {
  const view = requestViewFromRecord(req.method ?? "GET", req.url ?? "/", req.headers, req);
  const authority = req.headers[":authority"];
  return {
    ...view,
    header: view.header,
    ...originalMethodOf(req),
    secure: (req.socket as TLSSocket | undefined)?.encrypted === true,
    ...(typeof authority === "string" ? { authority } : {}),
    formField: (name, maxBytes) => readNodeFormField(req, name, maxBytes),
  };
}

/**
 * `{ originalMethod }` when a method-override middleware recorded the method the request arrived
 * with (`req.originalMethod`, as Express's method-override and its Koa fork do), else `{}`.
 */
export function originalMethodOf(...holders: readonly unknown[]): { originalMethod?: string } {
  for (const holder of holders) {
    const method = (holder as { originalMethod?: unknown } | undefined)?.originalMethod;
    if (typeof method === "string") return { originalMethod: method };
  }
  return {};
}

function applyDecision(decision: CsrfDecision, res: ServerResponse, next?: Next): void {
  if (decision.action === "pass" || decision.response === undefined) return next?.();
  send(decision.response, res);
}

function send(response: CsrfResponse, res: ServerResponse): void {
  if (res.headersSent) return void res.end();
  setHeaders(res, response.headers);
  res.statusCode = response.status;
  res.setHeader("Content-Length", Buffer.byteLength(response.body));
  res.end(response.body);
}

/** Sets headers, appending to `Set-Cookie` (never dropping a session cookie) and merging `Vary`. */
function setHeaders(res: ServerResponse, headers: readonly CsrfHeader[]): void {
  for (const [name, value] of headers) {
    const lower = name.toLowerCase();
    if (lower === "set-cookie") {
      const existing = res.getHeader("set-cookie");
      const list = existing === undefined ? [] : Array.isArray(existing) ? existing : [String(existing)];
      res.setHeader("Set-Cookie", [...list, value]);
    } else if (lower === "vary") {
      res.setHeader("Vary", mergeVary(res.getHeader("vary"), value));
    } else {
      res.setHeader(name, value);
    }
  }
}

type RequestWithBody = IncomingMessage & { body?: unknown };

/**
 * One form field: from a body a parser already left on `holder.body` (`req.body`, Koa's
 * `ctx.request.body`), else from a url-encoded body read here (up to `maxBytes`, else
 * `FORM_TOO_LARGE` and the rest is not kept) and left parsed on `holder.body`, where body parsers
 * that run later find it (they skip a finished stream).
 */
export function readNodeFormField(
  req: IncomingMessage,
  name: string,
  maxBytes: number = MAX_FORM_BYTES,
  holder: { body?: unknown } = req as RequestWithBody,
): FormFieldValue | Promise<FormFieldValue> {
  if (typeof holder.body === "object" && holder.body !== null) return fieldOf(holder.body as Record<string, unknown>, name);
  const type = req.headers["content-type"]?.toLowerCase() ?? "";
  if (!type.startsWith("application/x-www-form-urlencoded") || req.readableEnded) return undefined;
  if (declaredLengthOver(req.headers["content-length"], maxBytes)) return FORM_TOO_LARGE;
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = (value: FormFieldValue) => {
      req.off("data", onData).off("end", onEnd).off("error", onError).off("close", onClose);
      resolve(value);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      // Past the limit: stop keeping chunks (Node discards the rest once the response is sent).
      if (size > maxBytes) return done(FORM_TOO_LARGE);
      chunks.push(chunk);
    };
    const onEnd = () => {
      const fields = new URLSearchParams(Buffer.concat(chunks).toString("utf8"));
      holder.body = Object.fromEntries(fields);
      done(fields.get(name) ?? undefined);
    };
    const onError = () => done(undefined);
    // An aborted upload closes without "end": no token, and the promise still settles.
    const onClose = () => done(undefined);
    req.on("data", onData).on("end", onEnd).on("error", onError).on("close", onClose);
  });
}

function fieldOf(body: Record<string, unknown>, name: string): string | undefined {
  const value = body[name];
  if (typeof value === "string") return value;
  if (Array.isArray(value) && typeof value[0] === "string") return value[0];
  return undefined;
}

function failed(res: ServerResponse): void {
  if (!res.headersSent) res.statusCode = 500;
  res.end();
}
