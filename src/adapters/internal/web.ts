/**
 * Glue between the core and the Web `Request`/`Response`/`Headers` types, shared by the Hono and
 * Fetch adapters. Runtime-neutral: no `node:` module, no framework type.
 */
import type { CorsPlan } from "../../core/cors/decide.ts";
import { mergeVary } from "../../core/internal/vary.ts";
import { pathOf, type RequestView } from "../../core/request.ts";
import { lowerCaseName } from "./lower-case-name.ts";
import { freeze } from "../../core/internal/freeze.ts";

/**
 * A `RequestView` over a Web `Request`, as a class (`header` on the prototype: one small allocation
 * per request). `Headers.get` already joins repeated headers with ", ". The path is cut from the URL
 * only when read (most policies never look at it), and the last header read is kept, because a
 * preflight's decision reads `Access-Control-Request-Method` twice in a row: on @hono/node-server each
 * `get` validates the name and scans the value again.
 */
export class WebRequestView implements RequestView {
  readonly method: string;
  readonly raw: unknown;
  readonly #url: string;
  readonly #headers: Headers;
  #path: string | undefined;
  #lastName = "";
  #lastValue: string | undefined;
  constructor(request: Request, raw: unknown = request) {
    this.method = request.method;
    this.raw = raw;
    this.#url = request.url;
    this.#headers = request.headers;
  }
  get path(): string {
    return (this.#path ??= pathOf(this.#url));
  }
  header(name: string): string | undefined {
    if (name === this.#lastName) return this.#lastValue;
    const value = this.#headers.get(name) ?? undefined;
    this.#lastName = name;
    this.#lastValue = value;
    return value;
  }
}

/**
 * The answer to a request the plan says to answer now (a preflight): its status, headers and no body.
 * The headers go in as a frozen plain record built once per plan, never as a `Headers` object:
 * @hono/node-server (2.1.8, `responseViaCache` in dist/index.mjs) hands a record straight to
 * `writeHead`, while a `Headers` object or an array of pairs is first converted by
 * `buildOutgoingHttpHeaders`; other runtimes copy either kind of init alike.
 */
export function respondToPlan(plan: CorsPlan): Response {
  return new Response(null, { status: plan.status, headers: answerHeaders.get(plan) ?? rememberAnswerHeaders(plan) });
}

/** Preflight answers' headers by plan. Plans are immutable; the core keeps the ones it reuses. */
const answerHeaders = new WeakMap<CorsPlan, Readonly<Record<string, string>>>();

/**
 * The record is read off a `Headers` object filled as before, so it keeps the names, values and
 * order (lower case, sorted) that a `Headers` init gave: the bytes on the wire do not change.
 */
function rememberAnswerHeaders(plan: CorsPlan): Readonly<Record<string, string>> {
  const headers = new Headers();
  setPlanHeaders(plan, headers);
  // Fetch "CORS-preflight fetch": an ok status and an empty body; old clients want a length on 200.
  if (plan.status !== 204) headers.set("Content-Length", "0");
  const record: Record<string, string> = {};
  headers.forEach((value, name) => (record[name] = value));
  freeze(record);
  answerHeaders.set(plan, record);
  return record;
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
    headers.set(lowerCaseName(header[0]), header[1]);
  }
  if (plan.vary !== "") headers.set("vary", mergeVary(headers.get("vary") ?? undefined, plan.vary));
}

/** A copy with mutable headers, or `undefined` for responses that cannot be rebuilt (`Response.error()`). */
function copyResponse(response: Response): Response | undefined {
  try {
    return new Response(response.body, response);
  } catch {
    return undefined;
  }
}
