/**
 * Glue between the core and the Web `Request`/`Response`/`Headers` types, shared by the Hono and
 * Fetch adapters. Runtime-neutral: no `node:` module, no framework type.
 */
import type { CorsPlan } from "../../core/cors/decide.ts";
import { mergeVary } from "../../core/internal/vary.ts";
import { pathOf, type RequestView } from "../../core/request.ts";

/** A `RequestView` over a Web `Request`. `Headers.get` already joins repeated headers with ", ". */
export function requestViewFromWeb(request: Request, raw: unknown = request): RequestView {
  const headers = request.headers;
  return {
    method: request.method,
    path: pathOf(request.url),
    header: (name) => headers.get(name) ?? undefined,
    raw,
  };
}

/** The answer to a request the plan says to answer now (a preflight): its status, headers and no body. */
export function respondToPlan(plan: CorsPlan): Response {
  const headers = new Headers();
  setPlanHeaders(plan, headers);
  // Fetch "CORS-preflight fetch": an ok status and an empty body; old clients want a length on 200.
  if (plan.status !== 204) headers.set("Content-Length", "0");
  return new Response(null, { status: plan.status, headers });
}

/**
 * Puts the plan's headers on a response and merges its `Vary`. Responses whose headers are
 * immutable (from `fetch()` or `Response.redirect()`) are copied first; returns the response to use.
 */
export function applyPlanToResponse(plan: CorsPlan, response: Response): Response {
  if (plan.headers.length === 0 && plan.vary === "") return response;
  try {
    setPlanHeaders(plan, response.headers);
    return response;
  } catch {
    const copy = copyResponse(response);
    if (copy === undefined) return response;
    setPlanHeaders(plan, copy.headers);
    return copy;
  }
}

/** Sets the plan's headers on `headers`, replacing earlier values, and merges `Vary` into it. */
export function setPlanHeaders(plan: CorsPlan, headers: Headers): void {
  const list = plan.headers;
  for (let index = 0; index < list.length; index++) {
    const header = list[index]!;
    headers.set(header[0], header[1]);
  }
  if (plan.vary !== "") headers.set("Vary", mergeVary(headers.get("vary") ?? undefined, plan.vary));
}

/** A copy with mutable headers, or `undefined` for responses that cannot be rebuilt (`Response.error()`). */
function copyResponse(response: Response): Response | undefined {
  try {
    return new Response(response.body, response);
  } catch {
    return undefined;
  }
}
