/**
 * One HTTP server for the throughput benchmark: `tsx bench/http/server.ts <framework> <target> <port>`
 * with framework `node` (node:http), `fastify` or `hono` (@hono/node-server) and target `bare`
 * (the handler alone), `crossgate` or `peer` (cors, @fastify/cors, hono/cors). Listens on
 * 127.0.0.1 and prints `ready` once listening. GET /api/posts/ answers "ok"; a preflight is
 * answered by the CORS middleware (the bare server answers OPTIONS with an empty 204).
 *
 * The parent reads the server's own cost through stdin: each line `stats` is answered on stdout
 * with `stats {"cpuUs":…,"requests":…}`, the process's CPU time (user + system, from
 * `process.cpuUsage()`) and the number of requests it has received, so CPU time per request is
 * measured by the server itself, whatever the client's speed. Each line `mark` calls `os.uptime()`
 * and is answered `mark {}`: under callgrind (bench/http/instructions.ts) it separates stretches.
 */
import { createServer, type Server } from "node:http";
import { uptime } from "node:os";
import fastifyCors from "@fastify/cors";
import { serve } from "@hono/node-server";
import expressCors from "cors";
import Fastify from "fastify";
import { Hono } from "hono";
import { cors as honoCors } from "hono/cors";
import { cors as crossgateFastify } from "../../src/adapters/fastify.ts";
import { cors as crossgateHono } from "../../src/adapters/hono.ts";
import { cors as crossgateNode } from "../../src/adapters/node.ts";
import { fastifyLimit, honoNodeServerLimit, nodeLimit } from "../limit.ts";
import { crossgateOptions, expressStyleOptions, honoOptions } from "../peers/options.ts";
import { scenarioById } from "../scenarios.ts";
import { onLines } from "./lines.ts";
import { HTTP_FRAMEWORKS, HTTP_TARGETS, httpTargets, type HttpFramework, type HttpTarget } from "./targets.ts";


const policy = scenarioById("simple-allowed").policy;
/** The limit's answers: the allowed GET's headers, and the allowed preflight's (the same policy). */
const GET_ANSWER = scenarioById("simple-allowed").answer;
const PREFLIGHT_ANSWER = scenarioById("preflight-allowed").answer;
const PATH = "/api/posts/";

/**
 * What the `shaped` target adds to the bare handler: the own properties crossgate's node:http
 * adapter gives each request and response (a symbol mark on the request, `writeHead` replaced by
 * a wrapper on the response, as `src/adapters/internal/keep-vary.ts` does), and nothing else, so
 * its cost above bare is what those per-object shape changes cost Node.
 */
const MARK = Symbol("mark");
const KEPT = Symbol("kept");
const WRITE_HEAD = Symbol("writeHead");
type Shaped = Record<symbol, unknown> & { writeHead: (...args: unknown[]) => unknown };
function writeHeadWrapper(this: Shaped, ...args: unknown[]): unknown {
  return (this[WRITE_HEAD] as (...a: unknown[]) => unknown).apply(this, args);
}
function reshape(req: object, res: object): void {
  (req as Shaped)[MARK] = true;
  const response = res as Shaped;
  response[KEPT] = "Origin";
  response[WRITE_HEAD] = response.writeHead;
  response.writeHead = writeHeadWrapper;
}

/** The hand-written limit answers a preflight with the preflight's headers and a GET with the GET's. */
function byMethod<M extends (req: any, res: any, next: () => void) => void>(get: M, preflight: M): M {
  return ((req: { method?: string }, res: unknown, next: () => void) => (req.method === "OPTIONS" ? preflight : get)(req, res, next)) as M;
}

async function start(framework: HttpFramework, target: HttpTarget, port: number): Promise<Server> {
  if (framework === "node") {
    type Middleware = (req: any, res: any, next: () => void) => void;
    const middleware: Middleware | undefined =
      target === "crossgate"
        ? (crossgateNode(crossgateOptions(policy)) as Middleware)
        : target === "peer"
          ? (expressCors(expressStyleOptions(policy)) as Middleware)
          : target === "limit"
            ? byMethod(nodeLimit(GET_ANSWER) as Middleware, nodeLimit(PREFLIGHT_ANSWER) as Middleware)
            : undefined;
    const handle = (req: import("node:http").IncomingMessage, res: import("node:http").ServerResponse): void => {
      if (req.method === "OPTIONS") {
        res.statusCode = 204;
        res.end();
        return;
      }
      res.setHeader("Content-Type", "text/plain");
      res.end("ok");
    };
    const server = createServer((req, res) => {
      if (target === "shaped") reshape(req, res);
      if (middleware === undefined) handle(req, res);
      else middleware(req, res, () => handle(req, res));
    });
    await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
    return server;
  }
  if (framework === "fastify") {
    const app = Fastify();
    if (target === "crossgate") await app.register(crossgateFastify(crossgateOptions(policy)));
    if (target === "peer") await app.register(fastifyCors, expressStyleOptions(policy));
    if (target === "limit") {
      const get = fastifyLimit(GET_ANSWER);
      const preflight = fastifyLimit(PREFLIGHT_ANSWER);
      app.addHook("onRequest", (request, reply, done) => (request.method === "OPTIONS" ? preflight : get)(request, reply as never, done));
      // Fastify runs onRequest hooks only for a routed request: the preflight needs its route.
      app.options(PATH, async () => "");
    }
    app.get(PATH, async () => "ok");
    if (target === "bare") app.options(PATH, async (_request, reply) => reply.code(204).send());
    await app.listen({ port, host: "127.0.0.1" });
    return app.server;
  }
  const app = new Hono();
  if (target === "crossgate") app.use(crossgateHono(crossgateOptions(policy)));
  if (target === "peer") app.use(honoCors(honoOptions(policy)));
  if (target === "limit") {
    const get = honoNodeServerLimit(GET_ANSWER);
    const preflight = honoNodeServerLimit(PREFLIGHT_ANSWER);
    app.use((c, next) => (c.req.method === "OPTIONS" ? preflight : get)(c, next));
  }
  app.get(PATH, (c) => c.text("ok"));
  if (target === "bare") app.options(PATH, (c) => c.body(null, 204));
  return new Promise<Server>((resolve) => {
    const server = serve({ fetch: app.fetch, port, hostname: "127.0.0.1" }, () => resolve(server as Server));
  });
}

const [framework, target, port] = process.argv.slice(2);
if (!HTTP_FRAMEWORKS.includes(framework as HttpFramework) || !httpTargets(framework as HttpFramework, true).includes(target as HttpTarget) || !port) {
  console.error(`usage: server.ts <${HTTP_FRAMEWORKS.join("|")}> <${HTTP_TARGETS.join("|")}> <port> (shaped: node only)`);
  process.exit(2);
}
const server = await start(framework as HttpFramework, target as HttpTarget, Number(port));
// Counted on the server's own `request` event: the same extra listener in every target.
let requests = 0;
server.on("request", () => void requests++);
console.log("ready");
onLines(process.stdin, (line) => {
  if (line === "mark") {
    // bench/http/instructions.ts runs this process under callgrind, which dumps its counters on each call.
    uptime();
    process.stdout.write("mark {}\n");
    return;
  }
  if (line !== "stats") return;
  const { user, system } = process.cpuUsage();
  process.stdout.write(`stats ${JSON.stringify({ cpuUs: user + system, requests })}\n`);
});
// The parent ends the benchmark by closing stdin (or dies): never outlive it.
process.stdin.on("end", () => process.exit(0));
process.stdin.on("close", () => process.exit(0));
