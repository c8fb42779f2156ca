/**
 * crossgate for node:http, Express 4/5 and Connect: `cors(options)` returns `(req, res, next)`.
 * Glue only: it builds a request view, asks the core, and applies the plan.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { CorsOptions } from "../core/cors/options.ts";
import type { CorsPolicy } from "../core/cors/policy.ts";
import type { CorsPlan } from "../core/cors/decide.ts";
import { toCorsDecider, withMatching, type CorsDecider, type CorsInput, type PathMatching } from "../core/cors/routes.ts";
import { mergeVary } from "../core/internal/vary.ts";
import { claimCorsDecision } from "./internal/claim.ts";
import { keepVary } from "./internal/keep-vary.ts";
import { HeaderRecordView } from "./internal/record-view.ts";

export type { CorsOptions, CorsPolicy, CorsPlan, CorsInput };
export { corsRoutes, type CorsRoute, type CorsRoutes } from "../core/cors/routes.ts";

/** A Connect/Express-style middleware; `next` is optional for plain node:http use. */
export type NodeMiddleware = (req: IncomingMessage, res: ServerResponse, next?: (error?: unknown) => void) => void;

/**
 * CORS middleware for node:http, Express and Connect. Preflights are answered here and never
 * reach your routes (no `app.options("*")` needed); other requests get their CORS headers before
 * your handlers run, so error responses keep them.
 * @example
 * app.use(cors({ origins: ["https://app.example.com"], credentials: true }));
 * // node:http
 * const withCors = cors({ origins: ["http://localhost:5173"] });
 * http.createServer((req, res) => withCors(req, res, () => handle(req, res)));
 * // per route: the first crossgate middleware a request meets decides it
 * app.use("/webhooks", cors(false));
 * app.use("/api/public", cors({ origins: "*" }));
 * app.use(cors({ origins: ["https://app.example.com"] }));
 */
export function cors(options: CorsInput): NodeMiddleware {
  const decider = toCorsDecider(options);
  // node:http and Connect leave routing to the app: every way of reading a path stays open.
  const plain = withMatching(decider, {});
  const byApp = new WeakMap<object, CorsDecider>();
  return function crossgateCors(req, res, next) {
    if (!claimCorsDecision(req)) return next?.();
    // Express strips a mount path from req.url; policies and route lists see the full path.
    const url = (req as { originalUrl?: string }).originalUrl ?? req.url ?? "/";
    const view = new HeaderRecordView(req.method ?? "GET", url, req.headers, req);
    const app = (req as { app?: ExpressApp }).app;
    let policy = plain;
    if (decider !== plain && typeof app?.enabled === "function") {
      policy = byApp.get(app) ?? plain;
      if (policy === plain) byApp.set(app, (policy = withMatching(decider, expressMatching(app))));
    }
    const plan = policy.decide(view);
    if (plan instanceof Promise) {
      plan.then(
        (resolved) => applyPlan(resolved, res, next),
        (error: unknown) => fail(error, res, next),
      );
    } else {
      applyPlan(plan, res, next);
    }
  };
}

interface ExpressApp {
  enabled(setting: string): boolean;
}

/**
 * How Express reads paths. Its app router, and every `express.Router()` by default, ignores case
 * and an optional trailing slash. The app settings change only the app's own router, so a changed
 * one leaves the rule open. Static file servers and app code may decode the path: left open.
 */
function expressMatching(app: ExpressApp): PathMatching {
  return {
    caseSensitive: app.enabled("case sensitive routing") ? undefined : false,
    strictTrailingSlash: app.enabled("strict routing") ? undefined : false,
  };
}

/** Applies a plan to a Node response: sets headers, merges `Vary`, answers or hands on. */
export function applyPlan(plan: CorsPlan, res: ServerResponse, next?: (error?: unknown) => void): void {
  if (res.headersSent) return next?.();
  const headers = plan.headers;
  for (let index = 0; index < headers.length; index++) {
    const header = headers[index]!;
    res.setHeader(header[0], header[1]);
  }
  if (plan.action === "respond") {
    // Answered here and ended at once: no handler can replace Vary, so no writeHead guard.
    if (plan.vary !== "") res.setHeader("Vary", mergeVary(res.getHeader("vary"), plan.vary));
    res.statusCode = plan.status;
    if (plan.status !== 204) res.setHeader("Content-Length", "0");
    res.end();
    return;
  }
  if (plan.vary !== "") keepVary(res, plan.vary);
  next?.();
}

function fail(error: unknown, res: ServerResponse, next?: (error?: unknown) => void): void {
  if (next) return next(error);
  if (!res.headersSent) res.statusCode = 500;
  res.end();
}
export { csrf, csrfRequestView, csrfTokenHandler, rotateCsrfToken } from "./csrf/node.ts";
