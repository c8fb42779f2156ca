// The node adapter over real sockets: plain node:http and Express 5.
import express from "express";
import { once } from "node:events";
import http, { type IncomingHttpHeaders, type RequestListener } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cors } from "../../src/adapters/node.ts";
import type { CorsOptions } from "../../src/index.ts";

const APP = "http://localhost:5173";
const OPTIONS: CorsOptions = { origins: [APP], credentials: true, exposeHeaders: ["X-Total"], methods: ["GET", "POST", "PUT", "DELETE"] };

interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

function send(port: number, method: string, path: string, headers: Record<string, string> = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: "127.0.0.1", port, method, path, headers, maxHeaderSize: 1 << 21 }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (body += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

async function listen(listener: RequestListener): Promise<{ port: number; close: () => Promise<void> }> {
  const server = http.createServer({ maxHeaderSize: 1 << 21 }, listener);
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

const appCalls: string[] = [];

function expressApp() {
  const app = express();
  app.use(cors(OPTIONS));
  app.get("/api/posts", (req, res) => {
    appCalls.push(`${req.method} ${req.path}`);
    res.json([{ id: 1 }]);
  });
  app.get("/api/vary", (_req, res) => {
    res.setHeader("Vary", "Accept-Encoding");
    res.send("ok");
  });
  app.get("/api/vary-array", (_req, res) => {
    res.setHeader("Vary", "Accept-Encoding");
    // The flat raw form: Node sets each pair in turn, so this Vary replaces the one set before.
    res.writeHead(200, ["Vary", "Accept-Encoding", "Content-Type", "text/plain"]);
    res.end("ok");
  });
  app.get("/api/throws", () => {
    throw new Error("boom");
  });
  app.get("/api/unauthorized", (_req, res) => {
    res.status(401).json({ detail: "login required" });
  });
  app.options("/api/options", (_req, res) => {
    appCalls.push("OPTIONS /api/options");
    res.setHeader("Allow", "GET, OPTIONS");
    res.status(200).send("allow");
  });
  return app;
}

function plainListener(): RequestListener {
  const middleware = cors(OPTIONS);
  return (req, res) =>
    middleware(req, res, () => {
      appCalls.push(`${req.method} ${req.url}`);
      if (req.url === "/api/vary") {
        res.writeHead(200, { Vary: "Accept-Encoding", "Content-Type": "text/plain" });
        res.end("ok");
        return;
      }
      if (req.url === "/api/vary-array") {
        res.writeHead(200, ["vary", "Accept-Encoding", "Content-Type", "text/plain"]);
        res.end("ok");
        return;
      }
      if (req.url === "/api/throws") {
        res.statusCode = 500;
        res.end("error");
        return;
      }
      if (req.url === "/api/missing") {
        res.statusCode = 404;
        res.end("not found");
        return;
      }
      if (req.url === "/api/unauthorized") {
        res.statusCode = 401;
        res.end("login required");
        return;
      }
      if (req.method === "OPTIONS") {
        res.setHeader("Allow", "GET, OPTIONS");
        res.end("allow");
        return;
      }
      res.setHeader("Content-Type", "application/json");
      res.end('[{"id":1}]');
    });
}

describe.each([
  ["Express 5", () => expressApp() as unknown as RequestListener],
  ["node:http", plainListener],
])("crossgate/node with %s", (_name, makeListener) => {
  let server: { port: number; close: () => Promise<void> };
  beforeAll(async () => {
    server = await listen(makeListener());
  });
  afterAll(() => server.close());

  // The three classic CORS tests.
  it("grants a preflight from an allowed origin, without reaching the app", async () => {
    appCalls.length = 0;
    const reply = await send(server.port, "OPTIONS", "/api/posts", {
      Origin: APP,
      "Access-Control-Request-Method": "PUT",
      "Access-Control-Request-Headers": "content-type,x-csrftoken",
    });
    expect(reply.status).toBe(204);
    expect(reply.headers["access-control-allow-origin"]).toBe(APP);
    expect(reply.headers["access-control-allow-credentials"]).toBe("true");
    expect(reply.headers["access-control-allow-methods"]).toBe("GET, POST, PUT, DELETE");
    expect(reply.headers["access-control-allow-headers"]).toContain("x-csrftoken");
    expect(reply.headers.vary).toBe("Origin, Access-Control-Request-Method, Access-Control-Request-Headers");
    expect(reply.body).toBe("");
    expect(appCalls).toEqual([]);
  });

  it("grants an actual request from an allowed origin", async () => {
    const reply = await send(server.port, "GET", "/api/posts", { Origin: APP });
    expect(reply.status).toBe(200);
    expect(reply.headers["access-control-allow-origin"]).toBe(APP);
    expect(reply.headers["access-control-allow-credentials"]).toBe("true");
    expect(reply.headers["access-control-expose-headers"]).toBe("x-total");
    expect(reply.headers.vary).toBe("Origin");
    expect(JSON.parse(reply.body)).toEqual([{ id: 1 }]);
  });

  it("gives a blocked origin no CORS header, and still answers", async () => {
    const reply = await send(server.port, "GET", "/api/posts", { Origin: "https://evil.example" });
    expect(reply.status).toBe(200);
    expect(Object.keys(reply.headers).filter((name) => name.startsWith("access-control-"))).toEqual([]);
    expect(reply.headers.vary).toBe("Origin");
  });

  it("refuses a blocked preflight with 403 and no grant, without reaching the app", async () => {
    appCalls.length = 0;
    const reply = await send(server.port, "OPTIONS", "/api/posts", { Origin: "https://evil.example", "Access-Control-Request-Method": "PUT" });
    expect(reply.status).toBe(403);
    expect(reply.headers["access-control-allow-origin"]).toBeUndefined();
    expect(appCalls).toEqual([]);
  });

  it("lets an OPTIONS request that is not a preflight reach the app", async () => {
    appCalls.length = 0;
    const reply = await send(server.port, "OPTIONS", "/api/options", { Origin: APP });
    expect(reply.status).toBe(200);
    expect(reply.headers.allow).toBe("GET, OPTIONS");
    expect(reply.headers["access-control-allow-origin"]).toBe(APP);
    expect(appCalls).toHaveLength(1);
  });

  it("keeps CORS headers on error responses", async () => {
    for (const path of ["/api/throws", "/api/unauthorized", "/api/missing"]) {
      const reply = await send(server.port, "GET", path, { Origin: APP });
      expect(reply.status, path).toBeGreaterThanOrEqual(400);
      expect(reply.headers["access-control-allow-origin"], path).toBe(APP);
      expect(reply.headers["access-control-allow-credentials"], path).toBe("true");
      expect(reply.headers.vary, path).toContain("Origin");
    }
  });

  it("merges Vary with a Vary the handler sets later", async () => {
    const reply = await send(server.port, "GET", "/api/vary", { Origin: APP });
    expect(reply.headers.vary).toBe("Accept-Encoding, Origin");
  });

  it("merges Vary into writeHead's flat array of headers", async () => {
    for (const origin of [APP, "https://evil.example"]) {
      const reply = await send(server.port, "GET", "/api/vary-array", { Origin: origin });
      expect([reply.status, reply.headers.vary, reply.headers["content-type"]]).toEqual([200, "Accept-Encoding, Origin", expect.stringMatching(/^text\/plain/)]);
    }
  });

  it("refuses a 1 MiB Origin and a 1 MiB Access-Control-Request-Headers quickly", async () => {
    const started = performance.now();
    const origin = await send(server.port, "GET", "/api/posts", { Origin: `http://${"a".repeat(1 << 20)}.com` });
    expect(origin.headers["access-control-allow-origin"]).toBeUndefined();
    const list = await send(server.port, "OPTIONS", "/api/posts", {
      Origin: APP,
      "Access-Control-Request-Method": "PUT",
      "Access-Control-Request-Headers": ",".repeat(1 << 20),
    });
    expect(list.status).toBe(403);
    expect(list.headers["access-control-allow-origin"]).toBeUndefined();
    expect(performance.now() - started).toBeLessThan(5000);
  });

  it("refuses null, duplicated and malformed origins", async () => {
    for (const origin of ["null", `${APP}, https://evil.example`, "HTTP://LOCALHOST:5173", `${APP}/`]) {
      const reply = await send(server.port, "GET", "/api/posts", { Origin: origin });
      expect(reply.headers["access-control-allow-origin"], origin).toBeUndefined();
    }
  });
});

describe("crossgate/node with an async allowOrigin", () => {
  it("waits for the callback before handing on", async () => {
    const middleware = cors({ allowOrigin: async (origin) => origin === "https://tenant.example.com" });
    const server = await listen((req, res) => middleware(req, res, () => res.end("ok")));
    try {
      const allowed = await send(server.port, "GET", "/", { Origin: "https://tenant.example.com" });
      expect(allowed.headers["access-control-allow-origin"]).toBe("https://tenant.example.com");
      const refused = await send(server.port, "OPTIONS", "/", { Origin: "https://other.example.com", "Access-Control-Request-Method": "PUT" });
      expect(refused.status).toBe(403);
    } finally {
      await server.close();
    }
  });
});
