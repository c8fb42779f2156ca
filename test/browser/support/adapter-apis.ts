// A tiny credentialed API per server framework, each with crossgate's CORS adapter for that framework:
//   POST /login  sets a SameSite=Lax session cookie
//   GET  /echo   answers the cookie and the X-Trace-Id header it received
import express from "express";
import type { IncomingMessage, ServerResponse } from "node:http";
import { cors as nodeCors } from "../../../src/adapters/node.ts";
import type { CorsOptions } from "../../../src/index.ts";
import { startLoopbackServer, type LoopbackServer } from "../harness.ts";

export const ADAPTER_APIS = ["node:http", "express"] as const;
export type AdapterApiName = (typeof ADAPTER_APIS)[number];

/** The CORS options every tiny API uses, for the allowed page origin. */
export function tinyApiCors(allowedOrigin: string): CorsOptions {
  return {
    origins: [allowedOrigin],
    credentials: true,
    methods: ["GET", "POST"],
    requestHeaders: ["accept", "content-type", "x-trace-id"],
    maxAgeSeconds: 600,
  };
}

const SESSION = "sid=tiny-session; Path=/; HttpOnly; SameSite=Lax";

function echo(req: IncomingMessage): { cookie: string | null; traceId: string | null } {
  const trace = req.headers["x-trace-id"];
  return { cookie: req.headers.cookie ?? null, traceId: typeof trace === "string" ? trace : null };
}

function nodeHandler(options: CorsOptions) {
  const withCors = nodeCors(options);
  return (req: IncomingMessage, res: ServerResponse) =>
    withCors(req, res, () => {
      const path = new URL(req.url ?? "/", "http://x").pathname;
      res.setHeader("Content-Type", "application/json");
      if (req.method === "POST" && path === "/login") {
        req.resume();
        res.setHeader("Set-Cookie", SESSION);
        return res.end('{"ok":true}');
      }
      if (req.method === "GET" && path === "/echo") return res.end(JSON.stringify(echo(req)));
      res.statusCode = 404;
      res.end('{"error":"not_found"}');
    });
}

function expressApp(options: CorsOptions) {
  const app = express();
  app.use(nodeCors(options));
  app.post("/login", (_req, res) => void res.setHeader("Set-Cookie", SESSION).json({ ok: true }));
  app.get("/echo", (req, res) => void res.json(echo(req)));
  return app;
}

/** Starts the tiny API of `adapter` on a free loopback port (127.0.0.1 and ::1). */
export function startAdapterApi(adapter: AdapterApiName, options: CorsOptions): Promise<LoopbackServer> {
  switch (adapter) {
    case "node:http":
      return startLoopbackServer(nodeHandler(options));
    case "express":
      return startLoopbackServer(expressApp(options));
  }
}
