/**
 * crossgate for Koa 2 and 3: `app.use(cors(options))`. Glue only: it builds a request view,
 * asks the core and applies the plan, and keeps the headers on errors thrown downstream.
 */
import type { Context, Middleware } from "koa";
import type { CorsPlan } from "../core/cors/decide.ts";
import type { CorsOptions } from "../core/cors/options.ts";
import type { CorsPolicy } from "../core/cors/policy.ts";
import { toCorsDecider, type CorsInput, type PathMatching } from "../core/cors/routes.ts";
import { mergeVary } from "../core/internal/vary.ts";
import { claimCorsDecision } from "./internal/claim.ts";
import { keepVary } from "./internal/keep-vary.ts";
import { HeaderRecordView } from "./internal/record-view.ts";

export type { CorsOptions, CorsPolicy, CorsPlan, CorsInput };
export { corsRoutes, type CorsRoute, type CorsRoutes } from "../core/cors/routes.ts";

/**
 * CORS middleware for Koa. Preflights are answered here and never reach your routes. Other
 * requests get their headers before `next()`; when a downstream middleware throws, the headers
 * are handed to Koa's error handler through `err.headers` (Koa drops every other header).
 * The first crossgate middleware a request meets decides it; `cors(false)` turns CORS off.
 * `allowOrigin` callbacks receive the Koa context as `request.raw`.
 * @example
 * app.use(cors({ origins: ["https://app.example.com"], credentials: true }));
 */
export function cors(options: CorsInput): Middleware {
  const decider = toCorsDecider(options, KOA_MATCHING);
  return async function crossgateCors(ctx, next) {
    if (!claimCorsDecision(ctx.req)) return next();
    // ctx.originalUrl: the full path even under a mounted sub-app. Koa's context reaches the
    // request and response through delegating getters (two property reads each, whatever the
    // name): ctx.req.method, ctx.response.status and ctx.res.headersSent are what they read.
    const decided = decider.decide(new HeaderRecordView(ctx.req.method ?? "GET", ctx.originalUrl, ctx.req.headers, ctx));
    const plan = decided instanceof Promise ? await decided : decided;
    setHeaders(ctx, plan);
    if (plan.action === "respond") {
      if (plan.status !== 204) answerWithoutBody(ctx);
      ctx.response.status = plan.status;
      return;
    }
    try {
      await next();
    } catch (error) {
      throw withCorsHeaders(error, plan);
    }
  };
}

/**
 * Fetch "CORS-preflight fetch": an ok status and no body; a refused preflight gets a bodiless 403.
 * Koa (2.13 and later) answers an explicit null body with `Content-Length: 0` and no
 * `Content-Type` instead of the status text: when it sends the response it removes
 * `Content-Type` and `Transfer-Encoding` and sets the length to 0. Setting `ctx.body = null`
 * marks that, but first runs the body setter's bookkeeping (a JSON type check, a 204 status,
 * three header removals) that the answer does not need when no body or length was set; so only
 * the mark is set then. A body or length an earlier middleware set goes through the setter. The setter
 * runs before the status is set, as Koa turns a null body into a 204 when the status is not
 * already bodiless, and under a JSON Content-Type an earlier middleware set it would turn the
 * null body into "null": that type is dropped first. Koa before 2.13 sends the status text.
 */
function answerWithoutBody(ctx: Context): void {
  // Koa 2 does not reset a Content-Length an earlier middleware set; the setter removes it.
  if (ctx.response.body == null && ctx.res.getHeader("content-length") === undefined) {
    (ctx.response as { _explicitNullBody?: boolean })._explicitNullBody = true;
    return;
  }
  if (ctx.res.getHeader("content-type") !== undefined) ctx.remove("Content-Type");
  ctx.body = null;
}

/**
 * How Koa apps read paths: @koa/router's defaults (case ignored, trailing slash optional, matched
 * as received). Static file servers and app code may decode the path: left open.
 */
const KOA_MATCHING: PathMatching = { caseSensitive: false, strictTrailingSlash: false };

/**
 * Sets the plan's headers and keeps its `Vary` tokens until the head is written: a handler may
 * replace `Vary` with `ctx.set`, or write the raw response itself (`ctx.respond = false` and
 * `ctx.res.writeHead(200, { Vary })`), and Koa's error handler drops every header.
 */
function setHeaders(ctx: Context, plan: CorsPlan): void {
  // Straight to the Node response, as ctx.set does once its checks pass: the plan's values are
  // strings, and ctx.set skips every header once the head is sent, as this check does.
  if (ctx.res.headersSent) return;
  const res = ctx.res;
  const headers = plan.headers;
  for (let index = 0; index < headers.length; index++) res.setHeader(headers[index]![0], headers[index]![1]);
  if (plan.vary !== "") keepVary(res, plan.vary);
}

type HeaderBag = Record<string, string | string[]>;

/**
 * Koa's `ctx.onerror` removes every header, then sets `err.headers`: the plan's headers go there
 * (merged with the error's own). A thrown non-object, or a frozen error, is wrapped so they survive.
 */
function withCorsHeaders(error: unknown, plan: CorsPlan): unknown {
  if (plan.headers.length === 0 && plan.vary === "") return error;
  const own = (typeof error === "object" && error !== null ? (error as { headers?: HeaderBag }).headers : undefined) ?? {};
  const headers: HeaderBag = { ...own };
  for (const [name, value] of plan.headers) headers[name] = value;
  if (plan.vary !== "") {
    const key = Object.keys(headers).find((name) => name.toLowerCase() === "vary") ?? "Vary";
    headers[key] = mergeVary(headers[key], plan.vary);
  }
  const isError = Object.prototype.toString.call(error) === "[object Error]" || error instanceof Error;
  if (isError) {
    try {
      (error as { headers?: HeaderBag }).headers = headers;
      if ((error as { headers?: HeaderBag }).headers === headers) return error;
    } catch {
      // Frozen or read-only: fall through and wrap.
    }
  }
  const source = (typeof error === "object" && error !== null ? error : {}) as { message?: unknown; status?: unknown; expose?: unknown };
  const wrapped = new Error(isError ? String(source.message) : `non-error thrown: ${describe(error)}`, { cause: error });
  return Object.assign(wrapped, { headers, status: source.status, expose: source.expose });
}

function describe(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
export { csrf, csrfRequestView, csrfTokenHandler, rotateCsrfToken } from "./csrf/koa.ts";
