/**
 * Calling a Koa middleware `(ctx, next)` the way Koa does: a real Koa context, built by
 * `app.createContext` over the mock Node request and response, so `ctx.get`, `ctx.set`,
 * `ctx.vary` and `ctx.status` run Koa's own code.
 */
import Koa from "koa";
import type { BenchRequest } from "../scenarios.ts";
import { MockNodeRequest, MockNodeResponse } from "./node.ts";
import { dispatch2 } from "./dispatch.ts";
import type { Outcome } from "./outcome.ts";

export type KoaStyleMiddleware = (ctx: Koa.Context, next: () => Promise<unknown>) => unknown;

const app = new Koa();
let reached = false;
const next = async (): Promise<void> => {
  reached = true;
};

/** A benchmark body: one call as Koa's compose makes it, on a fresh context; resolves when done. */
export function koaStyleCall(middleware: KoaStyleMiddleware, request: BenchRequest): () => unknown {
  const stack = [middleware];
  return () => dispatch2(stack[0]!, app.createContext(new MockNodeRequest(request) as never, new MockNodeResponse() as never), next);
}

export async function koaOutcome(middleware: KoaStyleMiddleware, request: BenchRequest): Promise<Outcome> {
  reached = false;
  const res = new MockNodeResponse();
  const ctx = app.createContext(new MockNodeRequest(request) as never, res as never);
  await middleware(ctx, next);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(res.headerStore)) headers[name] = String(value);
  // Koa answers after the middleware chain; a middleware that did not call next answered itself.
  return { reachedApp: reached, status: reached ? 0 : ctx.status, headers };
}
