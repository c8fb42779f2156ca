/**
 * Calling a Hono middleware the way Hono does: a real Hono app with the middleware in front of
 * one route, dispatched with `app.fetch(request)`. Hono's currency is the Fetch `Request` and
 * `Response`, so nothing is mocked; the cost of the framework is taken out by subtracting the same
 * app with a no-op middleware.
 */
import { Hono, type MiddlewareHandler } from "hono";
import type { BenchRequest } from "../scenarios.ts";
import type { Outcome } from "./outcome.ts";

let reached = false;

export function honoApp(middleware: MiddlewareHandler): Hono {
  const app = new Hono();
  app.use(middleware);
  app.all("/api/posts/", (c) => {
    reached = true;
    return c.text("ok");
  });
  return app;
}

export function toFetchRequest(request: BenchRequest): Request {
  return new Request(`http://${request.headers.host ?? "localhost"}${request.path}`, {
    method: request.method,
    headers: request.headers,
  });
}

/** A benchmark body: one dispatch of a fresh `Request`, as @hono/node-server makes one per request. */
export function honoCall(app: Hono, request: BenchRequest): () => unknown {
  return () => app.fetch(toFetchRequest(request));
}

export async function honoOutcome(app: Hono, request: BenchRequest): Promise<Outcome> {
  reached = false;
  const response = await app.fetch(toFetchRequest(request));
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    headers[name] = value;
  });
  return { reachedApp: reached, status: reached ? 0 : response.status, headers };
}
