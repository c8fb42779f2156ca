/**
 * The physical limit: per scenario and framework, a hand-written middleware that sets exactly the
 * headers the answer needs, from precomputed strings, with no decision logic at all. No CORS
 * library can do less work and still answer correctly, so its cost is the floor crossgate is
 * measured against. Also the no-op middleware each framework's figures are taken relative to.
 */
import type { Context, MiddlewareHandler, Next } from "hono";
import type Koa from "koa";
import type { ExpectedAnswer } from "./scenarios.ts";
import type { NodeStyleMiddleware } from "./flavors/node.ts";

type Headers = readonly (readonly [string, string])[];

export function nodeLimit(answer: ExpectedAnswer): NodeStyleMiddleware {
  const headers: Headers = answer.headers;
  if (answer.action === "pass") {
    return (_req, res, next) => {
      for (let index = 0; index < headers.length; index++) res.setHeader(headers[index]![0], headers[index]![1]);
      next();
    };
  }
  const status = answer.status;
  return (_req, res) => {
    for (let index = 0; index < headers.length; index++) res.setHeader(headers[index]![0], headers[index]![1]);
    res.statusCode = status;
    if (status !== 204) res.setHeader("Content-Length", "0");
    res.end();
  };
}

export const nodeNoop: NodeStyleMiddleware = (_req, _res, next) => next();

export function fastifyLimit(answer: ExpectedAnswer) {
  const headers: Headers = answer.headers;
  if (answer.action === "pass") {
    return (_request: unknown, reply: { header(name: string, value: string): unknown }, done: () => void) => {
      for (let index = 0; index < headers.length; index++) reply.header(headers[index]![0], headers[index]![1]);
      done();
    };
  }
  const status = answer.status;
  return (_request: unknown, reply: { header(name: string, value: string): unknown; code(status: number): { send(): unknown } }, _done: () => void) => {
    for (let index = 0; index < headers.length; index++) reply.header(headers[index]![0], headers[index]![1]);
    reply.code(status).send();
  };
}

export const fastifyNoop = (_request: unknown, _reply: unknown, done: () => void): void => done();

export function koaLimit(answer: ExpectedAnswer): (ctx: Koa.Context, next: Koa.Next) => Promise<unknown> {
  const headers: Headers = answer.headers;
  if (answer.action === "pass") {
    return (ctx, next) => {
      for (let index = 0; index < headers.length; index++) ctx.set(headers[index]![0], headers[index]![1]);
      return next();
    };
  }
  const status = answer.status;
  return async (ctx) => {
    for (let index = 0; index < headers.length; index++) ctx.set(headers[index]![0], headers[index]![1]);
    ctx.status = status;
  };
}

export const koaNoop = (_ctx: Koa.Context, next: Koa.Next): Promise<unknown> => next();

/**
 * Hono: `c.header()` before `next()`, the usual way to add headers to a handler's response. It does not
 * keep @hono/node-server on its plain-object fast path: the response then carries a `Headers` object, which
 * node-server converts (`buildOutgoingHttpHeaders`), as it does for crossgate's actual requests.
 */
export function honoLimit(answer: ExpectedAnswer): MiddlewareHandler {
  const headers: Headers = answer.headers;
  if (answer.action === "pass") {
    return async (c: Context, next: Next) => {
      for (let index = 0; index < headers.length; index++) c.header(headers[index]![0], headers[index]![1]);
      await next();
    };
  }
  const status = answer.status;
  const record: Record<string, string> = Object.fromEntries(headers);
  return async () => new Response(null, { status, headers: record });
}

/**
 * Hono on @hono/node-server, as fast as a hand-written middleware can be: an actual request's
 * headers go straight on the Node response (`c.env.outgoing`, node-server's bindings) before
 * `next()`, so the handler's response keeps node-server's plain-record path, as crossgate's adapter
 * now does there. Preflights as in `honoLimit`. The HTTP benchmark's limit for Hono.
 */
export function honoNodeServerLimit(answer: ExpectedAnswer): MiddlewareHandler {
  if (answer.action !== "pass") return honoLimit(answer);
  const headers: Headers = answer.headers;
  return async (c: Context, next: Next) => {
    const outgoing = (c.env as { outgoing?: { setHeader(name: string, value: string): unknown } } | undefined)?.outgoing;
    for (let index = 0; index < headers.length; index++) {
      if (outgoing === undefined) c.header(headers[index]![0], headers[index]![1]);
      else outgoing.setHeader(headers[index]![0], headers[index]![1]);
    }
    await next();
  };
}

export const honoNoop: MiddlewareHandler = async (_c, next) => {
  await next();
};
