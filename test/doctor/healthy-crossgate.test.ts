// Healthy servers built with crossgate: the doctor (through crossgate/testing's probe) finds them
// allowed, and the three classic CORS tests read as three short assertions.
import { createServer } from "node:http";
import express from "express";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import Router from "@koa/router";
import Fastify from "fastify";
import { Hono } from "hono";
import Koa from "koa";
import type { CorsOptions } from "../../src/index.ts";
import { cors as fastifyCors } from "../../src/adapters/fastify.ts";
import { cors as fetchCors } from "../../src/adapters/fetch.ts";
import { cors as honoCors } from "../../src/adapters/hono.ts";
import { cors as koaCors } from "../../src/adapters/koa.ts";
import { cors } from "../../src/adapters/node.ts";
import { probe, type ProbeTarget } from "../../src/testing/index.ts";

const trusted = "https://app.example.com";
const options: CorsOptions = { origins: [trusted], credentials: true, exposeHeaders: ["X-Request-Id"] };

function routes(method: string | undefined, path: string): { status: number; body: string } {
  if (path === "/items" || path.startsWith("/items/")) return { status: method === "DELETE" ? 204 : 200, body: method === "DELETE" ? "" : "[]" };
  return { status: 404, body: "not found" };
}

/** node:http with the node adapter. */
function nodeListener() {
  const withCors = cors(options);
  return (req: import("node:http").IncomingMessage, res: import("node:http").ServerResponse) =>
    withCors(req, res, () => {
      const { status, body } = routes(req.method, new URL(req.url ?? "/", "http://x").pathname);
      res.writeHead(status, { "Content-Type": "application/json", "X-Request-Id": "42" }).end(body);
    });
}

/** Express 5 with the node adapter. */
function expressApp() {
  const app = express();
  app.use(cors(options));
  app.get("/items", (_req, res) => void res.set("X-Request-Id", "42").json([]));
  app.put("/items/:id", (_req, res) => void res.json({ ok: true }));
  app.delete("/items/:id", (_req, res) => void res.status(204).end());
  return app;
}

/** A Fetch handler wrapped by crossgate's fetch adapter (Next.js route handlers, Bun, Deno, Workers). */
function fetchHandler() {
  return fetchCors(options)(async (request: Request): Promise<Response> => {
    const { status, body } = routes(request.method, new URL(request.url).pathname);
    return new Response(status === 204 ? null : body, { status, headers: { "Content-Type": "application/json", "X-Request-Id": "42" } });
  });
}

/** Hono with crossgate's hono adapter; probe() calls the app's own `fetch`. */
function honoApp() {
  const app = new Hono();
  app.use(honoCors(options));
  app.get("/items", (c) => c.json([], 200, { "X-Request-Id": "42" }));
  app.put("/items/:id", (c) => c.json({ ok: true }));
  app.delete("/items/:id", (c) => c.body(null, 204));
  return app;
}

/** Koa with crossgate's koa adapter and @koa/router. */
function koaApp() {
  const app = new Koa();
  const router = new Router();
  router.get("/items", (ctx) => {
    ctx.set("X-Request-Id", "42");
    ctx.body = [];
  });
  router.put("/items/:id", (ctx) => void (ctx.body = { ok: true }));
  router.delete("/items/:id", (ctx) => void (ctx.status = 204));
  app.use(koaCors(options)).use(router.routes());
  return app.callback();
}

/** Fastify with crossgate's fastify plugin, listening on a loopback port. */
const fastify = Fastify();
await fastify.register(fastifyCors(options));
fastify.get("/items", async (_request, reply) => reply.header("X-Request-Id", "42").send([]));
fastify.put("/items/:id", async () => ({ ok: true }));
fastify.delete("/items/:id", async (_request, reply) => reply.code(204).send());
let fastifyUrl: string;

const server = createServer(nodeListener());
let baseUrl: string;
beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as import("node:net").AddressInfo).port}`;
  fastifyUrl = await fastify.listen({ port: 0, host: "127.0.0.1" });
});
afterAll(async () => {
  await fastify.close();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const targets: readonly { name: string; target: () => ProbeTarget }[] = [
  { name: "node:http listener (node adapter)", target: nodeListener },
  { name: "Express 5 app (node adapter)", target: expressApp },
  { name: "Fetch handler (fetch adapter)", target: fetchHandler },
  { name: "Hono app (hono adapter)", target: honoApp },
  { name: "Koa app (koa adapter)", target: koaApp },
  { name: "Fastify app (fastify adapter), by URL", target: () => fastifyUrl },
  { name: "running server, by URL", target: () => baseUrl },
  { name: "running node:http server object", target: () => server },
];

for (const { name, target } of targets) {
  describe(`probe(${name})`, () => {
    it("allows a preflighted DELETE with credentials from the trusted origin", async () => {
      const report = await probe(target(), { origin: trusted, method: "DELETE", path: "/items/1", credentials: true });
      expect(report.verdict).toBe("allowed");
      expect(report.steps.map((step) => step.kind)).toEqual(["preflight", "actual"]);
      expect(report.preflightCache).toEqual({ maxAgeHeader: "7200", chromiumSeconds: 7200, firefoxSeconds: 7200 });
    });

    it("allows the actual request and exposes X-Request-Id", async () => {
      const report = await probe(target(), { origin: trusted, path: "/items", credentials: true });
      expect(report.verdict).toBe("allowed");
      expect(report.exposedHeaders?.readable).toContain("x-request-id");
      expect(report.warnings.map((w) => w.id)).not.toContain("vary-origin-missing");
    });

    it("blocks another origin", async () => {
      const simple = await probe(target(), { origin: "https://evil.example", path: "/items" });
      expect([simple.verdict, simple.rule]).toEqual(["blocked", "missing-allow-origin"]);
      const preflighted = await probe(target(), { origin: "https://evil.example", method: "PUT", path: "/items/1", headers: { "Content-Type": "application/json" } });
      expect([preflighted.verdict, preflighted.rule]).toEqual(["blocked", "preflight-not-ok"]);
      expect(preflighted.failure?.messages.chrome).toContain("No 'Access-Control-Allow-Origin' header is present");
    });
  });
}

describe("extra reports on a crossgate server", () => {
  it("error responses keep their CORS headers (no error-response warning)", async () => {
    const report = await probe(nodeListener(), { origin: trusted, path: "/items", credentials: true, errorProbe: true });
    expect(report.verdict).toBe("allowed");
    expect(report.warnings.map((w) => w.id)).not.toContain("error-response-without-cors");
  });

  it("warns when the error responses lack CORS headers", async () => {
    const app = express();
    app.get("/items", cors(options), (_req, res) => void res.json([]));
    const report = await probe(app, { origin: trusted, path: "/items", credentials: true, errorProbe: true });
    expect(report.verdict).toBe("allowed");
    expect(report.warnings.map((w) => w.id)).toContain("error-response-without-cors");
  });

  it("a CSRF-style 403 that carries CORS headers is readable", async () => {
    const withCors = cors(options);
    const listener = (req: import("node:http").IncomingMessage, res: import("node:http").ServerResponse) =>
      withCors(req, res, () => void res.writeHead(403, { "Content-Type": "application/json" }).end('{"error":"csrf_failed"}'));
    const report = await probe(listener, { origin: trusted, method: "POST", path: "/items", credentials: true, headers: { "Content-Type": "application/x-www-form-urlencoded" } });
    expect(report.verdict).toBe("allowed");
    expect(report.csrf).toEqual({ status: 403, refused: true, readable: true, bodyPreview: '{"error":"csrf_failed"}', cookieSent: false, reason: null, originRefused: false });
  });
});
