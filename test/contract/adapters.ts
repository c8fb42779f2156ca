/**
 * Contract servers: the same small app, served over a real socket by every crossgate adapter.
 * Suites (the CORS contract, CSRF attack matrices, hostile corpora, soaks) loop over `adapters`
 * and talk HTTP to `start(config).url`; adding an adapter means adding one entry to the table.
 *
 * Every factory binds 127.0.0.1 on a free port, accepts request heads up to 2 MiB (so crossgate's
 * own limits, not Node's 16 KiB default, are what hostile-header tests reach) and serves:
 *
 *   GET  /api/items          200 JSON [{"id":1}], with `X-Total: 1`
 *   POST /api/items          201 JSON {"id":2}
 *   PUT  /api/items          200 JSON {"id":1}
 *   GET  /api/throws         the handler throws; the framework's own error response (500)
 *   GET  /api/unauthorized   401 JSON {"detail":"login required"}
 *   GET  /api/vary           200 "vary"; the handler sets `Vary: Accept-Encoding` itself
 *   GET  /api/vary-star      200 "vary"; the handler sets `Vary: *`
 *   OPTIONS /api/options     200 "allow" with `Allow: GET, OPTIONS` (an app route, not a preflight)
 *   GET|PUT /api/override    200 "override"; CORS from `config.overrideCors` via the framework's
 *                            per-route idiom (the app-wide policy when it is absent)
 *   GET|POST /api/off        200 "off"; CORS turned off for this route via the per-route idiom
 *   anything else            the framework's own 404
 *
 * Every response body names the route, so a test can tell the app answered. A factory given no
 * `cors` mounts no CORS middleware at all. `csrf` is reserved for the CSRF guard's options; it is
 * passed through to factories that support it and ignored by the others.
 */
import Router from "@koa/router";
import { getRequestListener } from "@hono/node-server";
import express from "express";
import Fastify from "fastify";
import { Hono } from "hono";
import Koa from "koa";
import { once } from "node:events";
import http, { type IncomingMessage, type RequestListener, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { cors as fastifyCors } from "../../src/adapters/fastify.ts";
import { cors as fetchCors } from "../../src/adapters/fetch.ts";
import { cors as honoCors } from "../../src/adapters/hono.ts";
import { cors as koaCors } from "../../src/adapters/koa.ts";
import { cors as nodeCors } from "../../src/adapters/node.ts";
import { corsRoutes, type CorsRoute } from "../../src/core/cors/routes.ts";
import type { CorsOptions, CorsPolicy } from "../../src/index.ts";
import { toWebRequest, writeWebResponse } from "./node-fetch-bridge.ts";
import { contractFetchRoutes, contractHonoApp, routeByPath } from "./web-apps.ts";

/** What a contract server is built from. */
export interface ContractConfig {
  /** The app-wide CORS policy. Absent: no CORS middleware is mounted. */
  readonly cors?: CorsOptions | CorsPolicy;
  /** The policy of `/api/override`, set through the framework's per-route idiom. Absent: the app-wide one. */
  readonly overrideCors?: CorsOptions | CorsPolicy;
  /** CSRF guard options, for factories that mount the guard; others ignore it. */
  readonly csrf?: unknown;
}

/** A running contract server. `close()` also ends kept-alive connections. */
export interface ContractServer {
  /** `http://127.0.0.1:<port>`, without a trailing slash. */
  readonly url: string;
  close(): Promise<void>;
}

export interface AdapterFactory {
  /** Shown in test names, e.g. `"fastify"`. */
  readonly name: string;
  start(config: ContractConfig): Promise<ContractServer>;
}

/** The maximum request head every contract server accepts (Node's default is 16 KiB). */
export const MAX_HEADER_SIZE = 2 * 1024 * 1024;

/** The per-route list for adapters whose idiom is crossgate's own route list. */
function routeList(config: ContractConfig): CorsRoute[] {
  const routes: CorsRoute[] = [["/api/off", false]];
  if (config.overrideCors !== undefined) routes.push(["/api/override", config.overrideCors]);
  if (config.cors !== undefined) routes.push(["*", config.cors]);
  return routes;
}

// ── plain node:http with crossgate/node and a route list ─────────────────────────────────────
function nodeHttp(config: ContractConfig): RequestListener {
  const withCors = config.cors === undefined ? undefined : nodeCors(corsRoutes(routeList(config)));
  const route = (req: IncomingMessage, res: ServerResponse): void => {
    const path = (req.url ?? "/").split("?")[0];
    const key = `${req.method} ${path}`;
    const json = (status: number, body: unknown): void => {
      res.statusCode = status;
      res.setHeader("Content-Type", "application/json");
      res.end(JSON.stringify(body));
    };
    const text = (status: number, body: string): void => {
      res.statusCode = status;
      res.setHeader("Content-Type", "text/plain");
      res.end(body);
    };
    switch (key) {
      case "GET /api/items":
        res.setHeader("X-Total", "1");
        return json(200, [{ id: 1 }]);
      case "POST /api/items":
        return json(201, { id: 2 });
      case "PUT /api/items":
        return json(200, { id: 1 });
      case "GET /api/throws":
        throw new Error("boom");
      case "GET /api/unauthorized":
        return json(401, { detail: "login required" });
      case "GET /api/vary":
        res.writeHead(200, { Vary: "Accept-Encoding", "Content-Type": "text/plain" });
        return void res.end("vary");
      case "GET /api/vary-star":
        res.writeHead(200, { Vary: "*", "Content-Type": "text/plain" });
        return void res.end("vary");
      case "OPTIONS /api/options":
        res.setHeader("Allow", "GET, OPTIONS");
        return text(200, "allow");
      case "GET /api/override":
      case "PUT /api/override":
        return text(200, "override");
      case "GET /api/off":
      case "POST /api/off":
        return text(200, "off");
      default:
        return text(404, "not found");
    }
  };
  const safely = (req: IncomingMessage, res: ServerResponse): void => {
    try {
      route(req, res);
    } catch {
      if (!res.headersSent) res.statusCode = 500;
      res.end("Internal Server Error");
    }
  };
  return (req, res) => (withCors === undefined ? safely(req, res) : withCors(req, res, () => safely(req, res)));
}

// ── Express 5: path-mounted middleware, most specific first ──────────────────────────────────
function expressApp(config: ContractConfig): RequestListener {
  const app = express();
  app.set("env", "test"); // the default error handler stays quiet
  if (config.cors !== undefined) {
    app.use("/api/off", nodeCors(false));
    if (config.overrideCors !== undefined) app.use("/api/override", nodeCors(config.overrideCors));
    app.use(nodeCors(config.cors));
  }
  app.get("/api/items", (_req, res) => void res.set("X-Total", "1").json([{ id: 1 }]));
  app.post("/api/items", (_req, res) => void res.status(201).json({ id: 2 }));
  app.put("/api/items", (_req, res) => void res.json({ id: 1 }));
  app.get("/api/throws", () => {
    throw new Error("boom");
  });
  app.get("/api/unauthorized", (_req, res) => void res.status(401).json({ detail: "login required" }));
  app.get("/api/vary", (_req, res) => void res.set("Vary", "Accept-Encoding").type("text").send("vary"));
  app.get("/api/vary-star", (_req, res) => void res.set("Vary", "*").type("text").send("vary"));
  app.options("/api/options", (_req, res) => void res.set("Allow", "GET, OPTIONS").type("text").send("allow"));
  app.get("/api/override", (_req, res) => void res.type("text").send("override"));
  app.put("/api/override", (_req, res) => void res.type("text").send("override"));
  app.get("/api/off", (_req, res) => void res.type("text").send("off"));
  app.post("/api/off", (_req, res) => void res.type("text").send("off"));
  return app as unknown as RequestListener;
}

// ── Fastify 5: root plugin, route `config.cors` ──────────────────────────────────────────────
async function fastifyServer(config: ContractConfig): Promise<http.Server> {
  let server: http.Server | undefined;
  const app = Fastify({
    serverFactory: (handler) => (server = http.createServer({ maxHeaderSize: MAX_HEADER_SIZE }, handler)),
  });
  if (config.cors !== undefined) await app.register(fastifyCors(config.cors));
  const override = config.overrideCors === undefined ? {} : { config: { cors: config.overrideCors } };
  app.get("/api/items", async (_req, reply) => reply.header("X-Total", "1").send([{ id: 1 }]));
  app.post("/api/items", async (_req, reply) => reply.code(201).send({ id: 2 }));
  app.put("/api/items", async () => ({ id: 1 }));
  app.get("/api/throws", async () => {
    throw new Error("boom");
  });
  app.get("/api/unauthorized", async (_req, reply) => reply.code(401).send({ detail: "login required" }));
  app.get("/api/vary", async (_req, reply) => reply.header("Vary", "Accept-Encoding").type("text/plain").send("vary"));
  app.get("/api/vary-star", async (_req, reply) => reply.header("Vary", "*").type("text/plain").send("vary"));
  app.options("/api/options", async (_req, reply) => reply.header("Allow", "GET, OPTIONS").type("text/plain").send("allow"));
  app.get("/api/override", override, async (_req, reply) => reply.type("text/plain").send("override"));
  app.put("/api/override", override, async (_req, reply) => reply.type("text/plain").send("override"));
  app.get("/api/off", { config: { cors: false } }, async (_req, reply) => reply.type("text/plain").send("off"));
  app.post("/api/off", { config: { cors: false } }, async (_req, reply) => reply.type("text/plain").send("off"));
  await app.ready();
  return server!;
}

// ── Koa 3 with @koa/router: crossgate's route list ───────────────────────────────────────────
function koaApp(config: ContractConfig): RequestListener {
  const app = new Koa();
  app.silent = true;
  if (config.cors !== undefined) app.use(koaCors(corsRoutes(routeList(config))));
  const router = new Router();
  router.get("/api/items", (ctx) => {
    ctx.set("X-Total", "1");
    ctx.body = [{ id: 1 }];
  });
  router.post("/api/items", (ctx) => {
    ctx.status = 201;
    ctx.body = { id: 2 };
  });
  router.put("/api/items", (ctx) => void (ctx.body = { id: 1 }));
  router.get("/api/throws", () => {
    throw new Error("boom");
  });
  router.get("/api/unauthorized", (ctx) => {
    ctx.status = 401;
    ctx.body = { detail: "login required" };
  });
  router.get("/api/vary", (ctx) => {
    ctx.set("Vary", "Accept-Encoding");
    ctx.body = "vary";
  });
  router.get("/api/vary-star", (ctx) => {
    ctx.set("Vary", "*");
    ctx.body = "vary";
  });
  router.options("/api/options", (ctx) => {
    ctx.set("Allow", "GET, OPTIONS");
    ctx.body = "allow";
  });
  router.get("/api/override", (ctx) => void (ctx.body = "override"));
  router.put("/api/override", (ctx) => void (ctx.body = "override"));
  router.get("/api/off", (ctx) => void (ctx.body = "off"));
  router.post("/api/off", (ctx) => void (ctx.body = "off"));
  app.use(router.routes());
  return app.callback();
}

// ── Hono 4 on @hono/node-server, and Fetch handlers (Next.js-style, one wrapped handler per ──
// route) behind a tiny Node bridge: the same Web apps the other runtimes serve (./web-apps.ts).
function honoApp(config: ContractConfig): RequestListener {
  return getRequestListener(contractHonoApp(Hono, { cors: honoCors }, config).fetch) as unknown as RequestListener;
}

function fetchApp(config: ContractConfig): RequestListener {
  const handler = routeByPath(contractFetchRoutes({ cors: fetchCors }, config));
  return (req, res) => {
    const request = toWebRequest(req);
    Promise.resolve()
      .then(() => handler(request))
      .then(
        (response) => writeWebResponse(response, res),
        () => {
          res.statusCode = 500;
          res.end("Internal Server Error");
        },
      );
  };
}

/** Every adapter, by name. One new adapter = one new line here. */
export const adapters: readonly AdapterFactory[] = [
  { name: "node:http", start: (config) => listen(nodeHttp(config)) },
  { name: "express", start: (config) => listen(expressApp(config)) },
  { name: "fastify", start: async (config) => serve(await fastifyServer(config)) },
  { name: "koa", start: (config) => listen(koaApp(config)) },
  { name: "hono", start: (config) => listen(honoApp(config)) },
  { name: "fetch", start: (config) => listen(fetchApp(config)) },
];

/** Serves a Node listener on 127.0.0.1, port 0. */
export function listen(listener: RequestListener): Promise<ContractServer> {
  return serve(http.createServer({ maxHeaderSize: MAX_HEADER_SIZE }, listener));
}

/** Serves a ready Node server (e.g. a Fastify app's) on 127.0.0.1, port 0. */
export async function serve(server: http.Server): Promise<ContractServer> {
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
