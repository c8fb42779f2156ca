/**
 * crossgate for Fetch handlers: `cors(options)(handler)` wraps any
 * `(request: Request, ...rest) => Response | Promise<Response>` (Next.js route handlers,
 * `Bun.serve`, `Deno.serve`, Cloudflare Workers). Glue only; Web types only, no `node:` module.
 */
import type { CorsPlan } from "../core/cors/decide.ts";
import type { CorsOptions } from "../core/cors/options.ts";
import type { CorsPolicy } from "../core/cors/policy.ts";
import { toCorsDecider, type CorsInput } from "../core/cors/routes.ts";
import { claimCorsDecision } from "./internal/claim.ts";
import { applyPlanToResponse, respondToPlan, WebRequestView } from "./internal/web.ts";

export type { CorsOptions, CorsPolicy, CorsPlan, CorsInput };
export { corsRoutes, type CorsRoute, type CorsRoutes } from "../core/cors/routes.ts";

/** A Fetch handler: a request (plus whatever the runtime passes: env, context, params) in, a response out. */
export type FetchHandler<Rest extends unknown[] = unknown[]> = (request: Request, ...rest: Rest) => Response | Promise<Response>;

/** How the wrapper behaves around the handler. */
export interface FetchCorsOptions {
  /**
   * Called when the handler throws or rejects. The client then gets a plain 500 that still
   * carries the CORS headers, so the browser shows the real status instead of a CORS error.
   * @default logs the error with `console.error`
   */
  readonly onError?: (error: unknown, request: Request) => void;
}

/**
 * Wraps a Fetch handler with CORS. Preflights are answered without calling the handler; every
 * other response (errors included) gets the policy's headers and a merged `Vary`.
 * @example
 * export const GET = cors({ origins: ["https://app.example.com"] })(async () => Response.json({ ok: true }));
 * Bun.serve({ fetch: cors(corsRoutes([["/api/*", apiPolicy], ["*", false]]))(app) });
 */
export function cors(options: CorsInput, behaviour: FetchCorsOptions = {}): <Rest extends unknown[]>(handler: FetchHandler<Rest>) => FetchHandler<Rest> {
  // A Fetch handler routes however it likes: every way of reading a path stays open.
  const decider = toCorsDecider(options, {});
  const onError = behaviour.onError ?? reportToConsole;
  if (typeof onError !== "function") throw new TypeError("crossgate: cors(options, { onError }) needs onError to be a function.");
  return <Rest extends unknown[]>(handler: FetchHandler<Rest>): FetchHandler<Rest> =>
    async function crossgateCors(request: Request, ...rest: Rest): Promise<Response> {
      if (!claimCorsDecision(request)) return handler(request, ...rest);
      const plan = await decider.decide(new WebRequestView(request));
      if (plan.action === "respond") return respondToPlan(plan);
      let response: Response;
      try {
        response = await handler(request, ...rest);
        if (!isResponse(response)) throw new TypeError(`crossgate: the wrapped handler returned ${String(response)}, not a Response.`);
      } catch (error) {
        safely(() => onError(error, request));
        response = new Response("Internal Server Error", { status: 500, headers: { "Content-Type": "text/plain; charset=utf-8" } });
      }
      return applyPlanToResponse(plan, response);
    };
}

function isResponse(value: unknown): value is Response {
  return typeof value === "object" && value !== null && typeof (value as Response).headers?.get === "function" && typeof (value as Response).status === "number";
}

function reportToConsole(error: unknown, request: Request): void {
  console.error(`crossgate: the handler for ${request.method} ${request.url} threw; answered 500.`, error);
}

/** An error reporter that throws must not turn a 500 into a crash. */
function safely(report: () => void): void {
  try {
    report();
  } catch {
    // Deliberately ignored: the response is already decided.
  }
}
export { csrf, csrfRequestView, csrfTokenHandler, rotateCsrfToken } from "./csrf/fetch.ts";
