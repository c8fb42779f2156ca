/**
 * crossgate for Hono: `app.use(cors(options))` or `app.use("/api/*", cors(options))`.
 * Runtime-neutral (Web `Request`/`Headers` only), so it runs on Node via `@hono/node-server`,
 * Bun, Deno and Workers alike. Glue only: the core decides.
 */
import type { MiddlewareHandler } from "hono";
import type { CorsPlan } from "../core/cors/decide.ts";
import type { CorsOptions } from "../core/cors/options.ts";
import type { CorsPolicy } from "../core/cors/policy.ts";
import { toCorsDecider, type CorsInput, type PathMatching } from "../core/cors/routes.ts";
import { claimCorsDecision } from "./internal/claim.ts";
import { respondToPlan, setPlanHeaders, WebRequestView } from "./internal/web.ts";

export type { CorsOptions, CorsPolicy, CorsPlan, CorsInput };
export { corsRoutes, type CorsRoute, type CorsRoutes } from "../core/cors/routes.ts";

/**
 * How Hono reads paths: case counts, each segment is percent-decoded (an encoded `/` stays), `//`
 * and `;` are kept, and the URL parser already resolved dot segments. Whether a trailing slash
 * counts is the app's `strict` option, which a middleware cannot read: left open.
 */
const HONO_MATCHING: PathMatching = { caseSensitive: true, decodesPath: true, mergesSlashes: false, resolvesDotSegments: false, semicolonEndsPath: false };

/**
 * CORS middleware for Hono. Preflights are answered here; every other response, including
 * `app.onError` and `app.notFound` ones, gets the policy's headers and a merged `Vary`.
 * The first crossgate middleware a request meets decides it, so mount specific paths first;
 * `cors(false)` turns CORS off under a path.
 * `allowOrigin` callbacks receive the Hono context as `request.raw`.
 * @example
 * app.use("/webhooks/*", cors(false));
 * app.use("/api/*", cors({ origins: ["https://app.example.com"], credentials: true }));
 */
export function cors(options: CorsInput): MiddlewareHandler {
  const decider = toCorsDecider(options, HONO_MATCHING);
  return async function crossgateCors(c, next) {
    if (!claimCorsDecision(c.req.raw)) return next();
    const decided = decider.decide(new WebRequestView(c.req.raw, c));
    const plan = decided instanceof Promise ? await decided : decided;
    if (plan.action === "respond") return respondToPlan(plan);
    await next();
    if (plan.headers.length === 0 && plan.vary === "") return;
    // After next(): the handler's, onError's or notFound's response is final by now.
    try {
      setPlanHeaders(plan, c.res.headers);
    } catch {
      // Immutable headers (a response from fetch() or Response.redirect()): use a copy.
      c.res = new Response(c.res.body, c.res);
      setPlanHeaders(plan, c.res.headers);
    }
  };
}
export { csrf, csrfRequestView, csrfTokenHandler, rotateCsrfToken } from "./csrf/hono.ts";
