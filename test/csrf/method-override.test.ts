// A method-override middleware mounted before the guard must not turn a cross-site form POST into a
// safe method: the guard judges the method the request arrived with as well as the overridden one.
import express from "express";
import Koa from "koa";
import { once } from "node:events";
import http, { type IncomingMessage, type RequestListener } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as nodeAdapter from "../../src/adapters/node.ts";
import * as koaAdapter from "../../src/adapters/koa.ts";
import { createCsrfPolicy } from "../../src/index.ts";

const policy = createCsrfPolicy({ trustedOrigins: ["https://app.example.com"], secret: "method-override-secret-0123456789abcdef" });

/** What Express's method-override does with a `_method` query parameter: keep the old method, set the new. */
function override(req: IncomingMessage & { originalMethod?: string }): void {
  const wanted = new URL(req.url ?? "/", "http://x").searchParams.get("_method");
  if (req.method === "POST" && wanted) {
    req.originalMethod = req.originalMethod ?? req.method;
    req.method = wanted.toUpperCase();
  }
}

async function listen(listener: RequestListener): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer(listener);
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

const servers = {
  express: () => {
    const app = express();
    app.use((req, _res, next) => (override(req), next()));
    app.use(nodeAdapter.csrf(policy));
    app.all("/api/things", (req, res) => void res.send(`changed by ${req.method}`));
    return listen(app);
  },
  koa: () => {
    const app = new Koa();
    app.use(async (ctx, next) => {
      override(ctx.req);
      await next();
    });
    app.use(koaAdapter.csrf(policy));
    app.use((ctx) => void (ctx.body = `changed by ${ctx.method}`));
    return listen(app.callback());
  },
};

function post(base: string, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = http.request(`${base}${path}`, { method: "POST", headers: { origin: "https://evil.example", "content-type": "application/x-www-form-urlencoded" } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    request.on("error", reject);
    request.end("amount=100");
  });
}

describe.each(Object.keys(servers) as (keyof typeof servers)[])("method override before the guard: %s", (name) => {
  let server: Awaited<ReturnType<(typeof servers)[typeof name]>>;
  beforeAll(async () => {
    server = await servers[name]();
  });
  afterAll(() => server.close());

  it.each(["TRACE", "OPTIONS", "GET", "HEAD", "DELETE"])("refuses a cross-site form POST overridden to %s", async (method) => {
    expect(await post(server.url, `/api/things?_method=${method}`)).toBe(403);
  });

  it("still lets a safe request through", async () => {
    const status = await new Promise<number>((resolve, reject) => {
      http.get(`${server.url}/api/things`, (res) => (res.resume(), resolve(res.statusCode ?? 0))).on("error", reject);
    });
    expect(status).toBe(200);
  });
});
