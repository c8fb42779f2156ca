/**
 * One HTTP server for the throughput benchmark: `tsx bench/http/server.ts <framework> <target> <port>`
 * with framework `node` (node:http), `fastify` or `hono` (@hono/node-server) and target `bare`
 * (the handler alone), `crossgate` or `peer` (cors, @fastify/cors, hono/cors). Listens on
 * 127.0.0.1 and prints `ready` once listening. GET /api/posts/ answers "ok"; a preflight is
 * answered by the CORS middleware (the bare server answers OPTIONS with an empty 204).
 */
import { createServer } from "node:http";
import fastifyCors from "@fastify/cors";
import { serve } from "@hono/node-server";
import expressCors from "cors";
import Fastify from "fastify";
import { Hono } from "hono";
import { cors as honoCors } from "hono/cors";
import { cors as crossgateFastify } from "../../src/adapters/fastify.ts";
import { cors as crossgateHono } from "../../src/adapters/hono.ts";
import { cors as crossgateNode } from "../../src/adapters/node.ts";
import { crossgateOptions, expressStyleOptions, honoOptions } from "../peers/options.ts";
import { scenarioById } from "../scenarios.ts";
import { HTTP_FRAMEWORKS, HTTP_TARGETS, type HttpFramework, type HttpTarget } from "./targets.ts";


const policy = scenarioById("simple-allowed").policy;
const PATH = "/api/posts/";

async function start(framework: HttpFramework, target: HttpTarget, port: number): Promise<void> {
  if (framework === "node") {
    type Middleware = (req: any, res: any, next: () => void) => void;
    const middleware: Middleware | undefined =
      target === "crossgate" ? (crossgateNode(crossgateOptions(policy)) as Middleware) : target === "peer" ? (expressCors(expressStyleOptions(policy)) as Middleware) : undefined;
    const handle = (req: import("node:http").IncomingMessage, res: import("node:http").ServerResponse): void => {
      if (req.method === "OPTIONS") {
        res.statusCode = 204;
        res.end();
        return;
      }
      res.setHeader("Content-Type", "text/plain");
      res.end("ok");
    };
    const server = createServer((req, res) => (middleware === undefined ? handle(req, res) : middleware(req, res, () => handle(req, res))));
    await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
    return;
  }
  if (framework === "fastify") {
    const app = Fastify();
    if (target === "crossgate") await app.register(crossgateFastify(crossgateOptions(policy)));
    if (target === "peer") await app.register(fastifyCors, expressStyleOptions(policy));
    app.get(PATH, async () => "ok");
    if (target === "bare") app.options(PATH, async (_request, reply) => reply.code(204).send());
    await app.listen({ port, host: "127.0.0.1" });
    return;
  }
  const app = new Hono();
  if (target === "crossgate") app.use(crossgateHono(crossgateOptions(policy)));
  if (target === "peer") app.use(honoCors(honoOptions(policy)));
  app.get(PATH, (c) => c.text("ok"));
  if (target === "bare") app.options(PATH, (c) => c.body(null, 204));
  await new Promise<void>((resolve) => serve({ fetch: app.fetch, port, hostname: "127.0.0.1" }, () => resolve()));
}

const [framework, target, port] = process.argv.slice(2);
if (!HTTP_FRAMEWORKS.includes(framework as HttpFramework) || !HTTP_TARGETS.includes(target as HttpTarget) || !port) {
  console.error("usage: server.ts <node|fastify|hono> <bare|crossgate|peer> <port>");
  process.exit(2);
}
await start(framework as HttpFramework, target as HttpTarget, Number(port));
console.log("ready");
// The parent ends the benchmark by closing stdin (or dies): never outlive it.
process.stdin.resume();
process.stdin.on("end", () => process.exit(0));
process.stdin.on("close", () => process.exit(0));
