/**
 * crossgate for Hono: `app.use(cors(options))` or `app.use("/api/*", cors(options))`.
 * Runtime-neutral (Web `Request`/`Headers` only), so it runs on Node via `@hono/node-server`,
 * Bun, Deno and Workers alike. Glue only: the core decides.
 */
import type { Context, MiddlewareHandler, Next } from "hono";
import type { CorsPlan } from "../core/cors/decide.ts";
import type { CorsOptions } from "../core/cors/options.ts";
import type { CorsPolicy } from "../core/cors/policy.ts";
import { toCorsDecider, type CorsInput, type PathMatching } from "../core/cors/routes.ts";
import { claimCorsDecision } from "./internal/claim.ts";
import { keepVary } from "./internal/keep-vary.ts";
import { lowerCaseName } from "./internal/lower-case-name.ts";
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
 * `app.onError` and `app.notFound` ones, gets the policy's headers and a merged `Vary` (on
 * @hono/node-server through the Node response, so they are not on `c.res`; elsewhere on `c.res`).
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
    return passOn(plan, c, next);
  };
}

/** Hands a request the plan lets through to the app, with the plan's headers on its response. */
function passOn(plan: CorsPlan, c: Context, next: Next): Promise<void> {
  if (plan.headers.length === 0 && plan.vary === "") return next();
  const outgoing = nodeResponseOf(c.env);
  if (outgoing === undefined) return setAfterNext(plan, c, next);
  setNodePlanHeaders(plan, outgoing);
  return next();
}

async function setAfterNext(plan: CorsPlan, c: Context, next: Next): Promise<void> {
  await next();
  // After next(): the handler's, onError's or notFound's response is final by now.
  try {
    setPlanHeaders(plan, c.res.headers);
  } catch {
    // Immutable headers (a response from fetch() or Response.redirect()): use a copy.
    c.res = new Response(c.res.body, c.res);
    setPlanHeaders(plan, c.res.headers);
  }
}

/** The Node `ServerResponse` in @hono/node-server's bindings (typed here without importing `node:http`). */
type NodeResponse = Parameters<typeof keepVary>[0];

/**
 * The Node response @hono/node-server writes this request's answer to (`c.env.outgoing`, its
 * documented `HttpBindings`), while its head is not written yet; `undefined` on other runtimes and
 * in `app.request()`.
 */
function nodeResponseOf(env: unknown): NodeResponse | undefined {
  const outgoing = (env as { outgoing?: Partial<NodeResponse> | null } | undefined)?.outgoing;
  return outgoing != null && typeof outgoing.setHeader === "function" && typeof outgoing.writeHead === "function" && outgoing.headersSent === false
    ? (outgoing as NodeResponse)
    : undefined;
}

/**
 * On @hono/node-server the plan's headers go on the Node response before the handler runs, as the
 * node:http adapter sets them, and `Vary` is merged again when the head is written: node-server
 * writes a response through `writeHead(status, headers)`, which adds the response's own headers
 * (a handler's, onError's or notFound's, also immutable ones from `fetch()`) to these. The
 * `Response` then keeps the plain header record (or none) that node-server writes without building
 * a `Headers` object, which setting the headers on `c.res.headers` after `next()` would cost.
 * So middleware mounted before this one does not see the CORS headers on `c.res`, and a header of
 * the same name on the response wins, as with node:http; `Vary` is merged. The names go in lower
 * case, as node-server sends a `Headers` object's.
 */
function setNodePlanHeaders(plan: CorsPlan, outgoing: NodeResponse): void {
  const headers = plan.headers;
  for (let index = 0; index < headers.length; index++) {
    const header = headers[index]!;
    outgoing.setHeader(lowerCaseName(header[0]), header[1]);
  }
  if (plan.vary !== "") keepVary(outgoing, plan.vary);
}
export { csrf, csrfRequestView, csrfTokenHandler, rotateCsrfToken } from "./csrf/hono.ts";
