/**
 * The CSRF guard for Koa: `app.use(csrf(options))` after the CORS middleware. Routes mounted before
 * it (or on a router without it) are not checked. Glue only.
 */
import type { Context, Middleware, Next } from "koa";
import type { TLSSocket } from "node:tls";
import type { CsrfDecision, CsrfHeader, CsrfResponse } from "../../core/csrf/decide.ts";
import type { CsrfOptions } from "../../core/csrf/options.ts";
import { toCsrfPolicy, type CsrfPolicy, type IssueTokenOptions } from "../../core/csrf/policy.ts";
import type { CsrfRequest } from "../../core/csrf/request.ts";
import { mergeVary } from "../../core/internal/vary.ts";
import { requestViewFromRecord } from "../../core/request.ts";
import { originalMethodOf, readNodeFormField } from "./node.ts";

export type { CsrfOptions, CsrfPolicy, CsrfDecision };

/**
 * CSRF guard middleware. The form field is read from `ctx.request.body` when a body parser ran first;
 * otherwise a url-encoded body (up to `maxFormBytes`, 1 MiB by default; larger ones get `413`) is read
 * here and left on `ctx.request.body`.
 * @example
 * app.use(cors(corsPolicy));
 * app.use(csrf({ cors: corsPolicy, secret: process.env.SECRET_KEY! }));
 */
export function csrf(options: CsrfOptions | CsrfPolicy): Middleware {
  const policy = toCsrfPolicy(options);
  return async function crossgateCsrf(ctx: Context, next: Next) {
    const decision = await policy.decide(csrfRequestView(ctx));
    if (decision.action === "respond" && decision.response !== undefined) return send(decision.response, ctx);
    await next();
  };
}

/**
 * A token endpoint middleware: `{"csrfToken":"<token>"}` with `Set-Cookie` and the token header.
 * @example
 * router.get("/api/csrf", csrfTokenHandler(csrfPolicy));
 */
export function csrfTokenHandler(options: CsrfOptions | CsrfPolicy): Middleware {
  const policy = toCsrfPolicy(options);
  return async (ctx: Context) => send(await policy.tokenResponse(csrfRequestView(ctx)), ctx);
}

/**
 * Replaces the CSRF secret at login and sets the new cookie and token header on `ctx`. Returns the token.
 * @example
 * await rotateCsrfToken(csrfPolicy, ctx, { sessionId: ctx.session.id });
 */
export async function rotateCsrfToken(policy: CsrfPolicy, ctx: Context, options: Omit<IssueTokenOptions, "rotate"> = {}): Promise<string> {
  const issued = await policy.issueToken(csrfRequestView(ctx), { ...options, rotate: true });
  setHeaders(ctx, issued.headers);
  return issued.token;
}

/** The core's view of a Koa request; `raw` is the `Context`. */
export function csrfRequestView(ctx: Context): CsrfRequest {
  const view = requestViewFromRecord(ctx.method, ctx.url, ctx.req.headers, ctx);
  return {
    ...view,
    ...originalMethodOf(ctx.request, ctx.req),
    secure: (ctx.req.socket as TLSSocket | undefined)?.encrypted === true,
    formField: (name, maxBytes) => readNodeFormField(ctx.req, name, maxBytes, ctx.request as { body?: unknown }),
  };
}

function send(response: CsrfResponse, ctx: Context): void {
  setHeaders(ctx, response.headers);
  ctx.status = response.status;
  ctx.body = response.body;
}

function setHeaders(ctx: Context, headers: readonly CsrfHeader[]): void {
  for (const [name, value] of headers) {
    const lower = name.toLowerCase();
    if (lower === "set-cookie") ctx.append("Set-Cookie", value);
    else if (lower === "vary") ctx.set("Vary", mergeVary(ctx.response.get("Vary") || undefined, value));
    else ctx.set(name, value);
  }
}
