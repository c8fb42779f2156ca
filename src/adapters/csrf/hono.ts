/**
 * The CSRF guard for Hono: `app.use(csrf(options))` after `cors(...)`, or path-scoped
 * (`app.use("/api/*", csrf(options))`) so other routes (webhooks) are not checked. Glue only.
 */
import type { Context, Handler, MiddlewareHandler } from "hono";
import type { CsrfDecision, CsrfHeader, CsrfResponse } from "../../core/csrf/decide.ts";
import type { CsrfOptions } from "../../core/csrf/options.ts";
import { toCsrfPolicy, type CsrfPolicy, type IssueTokenOptions } from "../../core/csrf/policy.ts";
import type { CsrfRequest } from "../../core/csrf/request.ts";
import { mergeVary } from "../../core/internal/vary.ts";
import { csrfRequestView as fetchRequestView, guardBody } from "./fetch.ts";

export type { CsrfOptions, CsrfPolicy, CsrfDecision };

/**
 * CSRF guard middleware.
 * @example
 * app.use("*", cors(corsPolicy));
 * app.use("/api/*", csrf({ cors: corsPolicy, secret: env.SECRET_KEY }));
 */
export function csrf(options: CsrfOptions | CsrfPolicy): MiddlewareHandler {
  const policy = toCsrfPolicy(options);
  return async function crossgateCsrf(c, next) {
    const decision = await policy.decide(csrfRequestView(c));
    if (decision.action === "respond" && decision.response !== undefined) return send(decision.response, c);
    await next();
    return undefined;
  };
}

/**
 * A token endpoint handler: `{"csrfToken":"<token>"}` with `Set-Cookie` and the token header.
 * @example
 * app.get("/api/csrf", csrfTokenHandler(csrfPolicy));
 */
export function csrfTokenHandler(options: CsrfOptions | CsrfPolicy): Handler {
  const policy = toCsrfPolicy(options);
  return async (c) => send(await policy.tokenResponse(csrfRequestView(c)), c);
}

/**
 * Replaces the CSRF secret at login and sets the new cookie and token header on the context. Returns the token.
 * @example
 * await rotateCsrfToken(csrfPolicy, c, { sessionId });
 */
export async function rotateCsrfToken(policy: CsrfPolicy, c: Context, options: Omit<IssueTokenOptions, "rotate"> = {}): Promise<string> {
  const issued = await policy.issueToken(csrfRequestView(c), { ...options, rotate: true });
  setHeaders(c, issued.headers);
  return issued.token;
}

/**
 * The core's view of a Hono request; `raw` is the `Context`. The form is read from a clone, up to the
 * guard's `maxFormBytes`; when an earlier middleware already consumed the body, from Hono's cached
 * `c.req.parseBody()`.
 */
export function csrfRequestView(c: Context): CsrfRequest {
  const body = guardBody(c.req.raw);
  const copy = () => {
    const stream = body.copy();
    c.req.raw = body.forward(); // on Deno a copy of the request: the app reads the other half of the body
    return stream;
  };
  return fetchRequestView(c.req.raw, c, () => c.req.parseBody() as Promise<Record<string, unknown>>, copy);
}

function send(response: CsrfResponse, c: Context): Response {
  setHeaders(c, response.headers);
  return c.body(response.body, response.status as 403);
}

function setHeaders(c: Context, headers: readonly CsrfHeader[]): void {
  for (const [name, value] of headers) {
    const lower = name.toLowerCase();
    if (lower === "set-cookie") c.header("Set-Cookie", value, { append: true });
    else if (lower === "vary") c.header("Vary", mergeVary(c.res.headers.get("vary") ?? undefined, value));
    else c.header(name, value);
  }
}
