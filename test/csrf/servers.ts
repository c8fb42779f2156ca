// One small app per adapter, each with the same routes, CORS first and the CSRF guard after it:
//   GET  /api/csrf        token endpoint
//   POST /api/things      protected
//   POST /api/login       protected; rotates the token for the session in X-New-Session
//   POST /webhooks/hook   exempt in the framework's own idiom
import { getRequestListener } from "@hono/node-server";
import express from "express";
import Fastify from "fastify";
import { Hono } from "hono";
import Koa from "koa";
import { once } from "node:events";
import http, { type RequestListener } from "node:http";
import type { AddressInfo } from "node:net";
// Everything through the public subpath modules, so their csrf re-exports are exercised too.
import * as nodeCsrf from "../../src/adapters/node.ts";
import * as fastifyCsrf from "../../src/adapters/fastify.ts";
import * as koaCsrf from "../../src/adapters/koa.ts";
import * as honoCsrf from "../../src/adapters/hono.ts";
import * as fetchCsrf from "../../src/adapters/fetch.ts";
import type { CorsPolicy, CsrfPolicy } from "../../src/index.ts";
import { csrfFetchRoutes, csrfHonoApp, routeByPath } from "../contract/web-apps.ts";

export const ADAPTERS = ["node:http", "express", "fastify", "koa", "hono", "fetch"] as const;
export type AdapterName = (typeof ADAPTERS)[number];

export interface RunningServer {
  readonly url: string;
  close(): Promise<void>;
}

const newSession = (header: string | string[] | undefined | null) => (typeof header === "string" ? header : undefined);

async function listen(listener: RequestListener): Promise<RunningServer> {
  const server = http.createServer(listener);
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

export async function startServer(adapter: AdapterName, cors: CorsPolicy, csrf: CsrfPolicy): Promise<RunningServer> {
  switch (adapter) {
    case "node:http": {
      const withCors = nodeCsrf.cors(cors);
      const guard = nodeCsrf.csrf(csrf);
      const token = nodeCsrf.csrfTokenHandler(csrf);
      return listen((req, res) => {
        withCors(req, res, () => {
          const path = req.url?.split("?")[0];
          if (path === "/api/csrf") return token(req, res);
          if (path === "/webhooks/hook") return res.end("hooked"); // handled before the guard: exempt
          guard(req, res, async () => {
            if (path === "/api/login") {
              const fresh = await nodeCsrf.rotateCsrfToken(csrf, req, res, { sessionId: newSession(req.headers["x-new-session"]) });
              res.setHeader("Content-Type", "application/json");
              return res.end(JSON.stringify({ csrfToken: fresh }));
            }
            res.setHeader("Content-Type", "application/json");
            res.end(JSON.stringify({ ok: true, form: (req as { body?: unknown }).body ?? null }));
          });
        });
      });
    }
    case "express": {
      const app = express();
      app.use(nodeCsrf.cors(cors));
      app.get("/api/csrf", nodeCsrf.csrfTokenHandler(csrf));
      app.post("/webhooks/hook", (_req, res) => void res.send("hooked")); // registered before csrf(): exempt
      app.use(express.urlencoded({ extended: false }));
      app.use(nodeCsrf.csrf(csrf));
      app.post("/api/login", async (req, res) => {
        const fresh = await nodeCsrf.rotateCsrfToken(csrf, req, res, { sessionId: newSession(req.headers["x-new-session"]) });
        res.json({ csrfToken: fresh });
      });
      app.post("/api/things", (req, res) => void res.json({ ok: true, form: req.body ?? null }));
      return listen(app);
    }
    case "fastify": {
      const app = Fastify();
      app.addContentTypeParser("application/x-www-form-urlencoded", { parseAs: "string" }, (_req, body, done) => {
        done(null, Object.fromEntries(new URLSearchParams(body as string)));
      });
      await app.register(fastifyCsrf.cors(cors));
      await app.register(fastifyCsrf.csrf(csrf));
      app.get("/api/csrf", fastifyCsrf.csrfTokenHandler(csrf));
      app.post("/webhooks/hook", { config: { csrf: false } }, async () => "hooked");
      app.post("/api/login", async (request, reply) => {
        const fresh = await fastifyCsrf.rotateCsrfToken(csrf, request, reply, { sessionId: newSession(request.headers["x-new-session"]) });
        return { csrfToken: fresh };
      });
      app.post("/api/things", async (request) => ({ ok: true, form: request.body ?? null }));
      await app.ready();
      return listen((req, res) => app.routing(req, res));
    }
    case "koa": {
      const app = new Koa();
      app.use(koaCsrf.cors(cors));
      const token = koaCsrf.csrfTokenHandler(csrf);
      app.use(async (ctx, next) => {
        if (ctx.path === "/api/csrf") return token(ctx, next);
        if (ctx.path === "/webhooks/hook") return void (ctx.body = "hooked"); // mounted before csrf(): exempt
        await next();
      });
      app.use(koaCsrf.csrf(csrf));
      app.use(async (ctx) => {
        if (ctx.path === "/api/login") {
          ctx.body = { csrfToken: await koaCsrf.rotateCsrfToken(csrf, ctx, { sessionId: newSession(ctx.get("x-new-session") || undefined) }) };
          return;
        }
        ctx.body = { ok: true, form: (ctx.request as { body?: unknown }).body ?? null };
      });
      return listen(app.callback());
    }
    case "hono":
      return listen(getRequestListener(csrfHonoApp(Hono, honoCsrf, cors, csrf).fetch));
    case "fetch":
      return listen(getRequestListener(routeByPath(csrfFetchRoutes(fetchCsrf, cors, csrf))));
  }
}
