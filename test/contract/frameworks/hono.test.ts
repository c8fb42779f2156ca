// crossgate/hono specifics: path-scoped middleware, immutable responses, runtime neutrality.
import { getRequestListener } from "@hono/node-server";
import { Hono } from "hono";
import { readFileSync } from "node:fs";
import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { cors } from "../../../src/adapters/hono.ts";

const APP = "https://app.example.com";
const OPTIONS = { origins: [APP], credentials: true };
const get = (path: string, origin = APP) => new Request(`http://localhost${path}`, { headers: { Origin: origin } });

/** What @hono/node-server handed `writeHead`: the status, the header argument and the Node response's ACAO then. */
interface Written {
  readonly path: string;
  readonly status: number;
  readonly headers: unknown;
  readonly acao: unknown;
}

/** Serves `app` through @hono/node-server on 127.0.0.1, recording every `writeHead` call; `ask` gets the base URL. */
async function withRecordedHeads(app: Hono, ask: (base: string) => Promise<void>): Promise<Written[]> {
  const written: Written[] = [];
  const listener = getRequestListener(app.fetch);
  const server = createServer((req, res: ServerResponse) => {
    const writeHead = res.writeHead;
    res.writeHead = function (this: ServerResponse, status: number, headers?: unknown) {
      written.push({ path: req.url!, status, headers, acao: this.getHeader("access-control-allow-origin") });
      return writeHead.call(this, status, headers as never);
    } as typeof res.writeHead;
    void listener(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  try {
    await ask(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
  return written;
}

describe("crossgate/hono", () => {
  it("applies under the path it is mounted on only", async () => {
    const app = new Hono();
    app.use("/api/*", cors(OPTIONS));
    app.get("/api/items", (c) => c.json([]));
    app.get("/home", (c) => c.text("home"));
    expect((await app.request(get("/api/items"))).headers.get("access-control-allow-origin")).toBe(APP);
    expect((await app.request(get("/home"))).headers.get("access-control-allow-origin")).toBeNull();
    const preflight = await app.request(new Request("http://localhost/api/anything", { method: "OPTIONS", headers: { Origin: APP, "Access-Control-Request-Method": "PUT" } }));
    expect(preflight.status).toBe(204);
  });

  it("adds headers to responses with immutable headers (redirects, fetch results)", async () => {
    const app = new Hono();
    app.use(cors(OPTIONS));
    app.get("/go", () => Response.redirect("https://app.example.com/next", 307));
    const reply = await app.request(get("/go"));
    expect([reply.status, reply.headers.get("location"), reply.headers.get("access-control-allow-origin"), reply.headers.get("vary")]).toEqual([
      307,
      "https://app.example.com/next",
      APP,
      "Origin",
    ]);
  });

  it("keeps headers on app.onError, the default error handler and notFound responses", async () => {
    const withHandler = new Hono();
    withHandler.use(cors(OPTIONS));
    withHandler.onError((_error, c) => c.json({ error: "custom" }, 503));
    withHandler.get("/boom", () => {
      throw new Error("boom");
    });
    const custom = await withHandler.request(get("/boom"));
    expect([custom.status, custom.headers.get("access-control-allow-origin")]).toEqual([503, APP]);
    expect((await withHandler.request(get("/missing"))).headers.get("access-control-allow-credentials")).toBe("true");

    const plain = new Hono();
    plain.use(cors(OPTIONS));
    plain.get("/boom", () => {
      throw new Error("boom");
    });
    const original = console.error;
    console.error = () => {};
    try {
      const reply = await plain.request(get("/boom"));
      expect([reply.status, reply.headers.get("access-control-allow-origin")]).toEqual([500, APP]);
    } finally {
      console.error = original;
    }
  });

  it("hands the Hono context to allowOrigin", async () => {
    const seen: unknown[] = [];
    const app = new Hono();
    app.use(
      cors({
        origins: [],
        allowOrigin: (_origin, request) => {
          seen.push((request.raw as { req?: { path?: string } }).req?.path);
          return true;
        },
      }),
    );
    app.get("/x", (c) => c.text("x"));
    await app.request(get("/x", "https://dynamic.example"));
    expect(seen).toEqual(["/x"]);
  });

  it("answers preflights with a plain header record, which @hono/node-server writes without converting", async () => {
    const app = new Hono();
    app.use("/a/*", cors({ ...OPTIONS, maxAgeSeconds: 600 }));
    app.use("/b/*", cors({ ...OPTIONS, preflightStatus: 200 }));
    const written = await withRecordedHeads(app, async (base) => {
      const ask = (path: string) => fetch(`${base}${path}`, { method: "OPTIONS", headers: { Origin: APP, "Access-Control-Request-Method": "PUT" } });
      for (const path of ["/a/x", "/a/y", "/b/x"]) expect((await ask(path)).status).toBe(path.startsWith("/b") ? 200 : 204);
    });
    // The same frozen record each time (built once per plan), in the lower-case, sorted form a
    // Headers init used to give, so the bytes on the wire are those of a Headers init.
    const [first, second, ok] = written.map(({ headers }) => headers as Record<string, string>);
    expect(written.map(({ status }) => status)).toEqual([204, 204, 200]);
    expect(second).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
    expect(Object.entries(first!)).toEqual([
      ["access-control-allow-credentials", "true"],
      ["access-control-allow-headers", "accept, authorization, content-type, user-agent, x-csrftoken, x-requested-with"],
      ["access-control-allow-methods", "DELETE, GET, OPTIONS, PATCH, POST, PUT"],
      ["access-control-allow-origin", APP],
      ["access-control-max-age", "600"],
      ["vary", "Origin, Access-Control-Request-Method, Access-Control-Request-Headers"],
    ]);
    expect(ok!["content-length"]).toBe("0");
  });

  it("on @hono/node-server, sets actual requests' headers on the Node response, so node-server keeps writing a handler's response from its plain record", async () => {
    const app = new Hono();
    app.use(cors({ ...OPTIONS, exposeHeaders: ["X-Total"] }));
    app.onError((_error, c) => c.text("failed", 503));
    app.get("/text", (c) => c.text("ok"));
    app.get("/vary", (c) => c.text("vary", 200, { Vary: "Accept-Encoding" }));
    app.get("/go", () => Response.redirect("https://app.example.com/next", 307));
    app.get("/stream", () => new Response(new ReadableStream({ start: (controller) => (controller.enqueue(new TextEncoder().encode("streamed")), controller.close()) })));
    app.get("/boom", () => {
      throw new Error("boom");
    });
    const written = await withRecordedHeads(app, async (base) => {
      const ask = async (path: string) => {
        const reply = await fetch(`${base}${path}`, { headers: { Origin: APP }, redirect: "manual" });
        const h = reply.headers;
        return [path, reply.status, await reply.text(), h.get("access-control-allow-origin"), h.get("access-control-allow-credentials"), h.get("access-control-expose-headers"), h.get("vary")];
      };
      expect(await ask("/text")).toEqual(["/text", 200, "ok", APP, "true", "x-total", "Origin"]);
      expect(await ask("/vary")).toEqual(["/vary", 200, "vary", APP, "true", "x-total", "Accept-Encoding, Origin"]);
      expect(await ask("/go")).toEqual(["/go", 307, "", APP, "true", "x-total", "Origin"]);
      expect(await ask("/stream")).toEqual(["/stream", 200, "streamed", APP, "true", "x-total", "Origin"]);
      expect(await ask("/boom")).toEqual(["/boom", 503, "failed", APP, "true", "x-total", "Origin"]);
      expect((await fetch(`${base}/missing`, { headers: { Origin: APP } })).headers.get("access-control-allow-origin")).toBe(APP);
    });
    // c.text("ok") reaches writeHead as node-server's own default record: no Headers object was built
    // for it. The CORS headers were already on the Node response.
    expect(written[0]).toEqual({ path: "/text", status: 200, headers: { "Content-Type": "text/plain; charset=UTF-8" }, acao: APP });
  });

  it("lets a handler's own Access-Control-Expose-Headers win on @hono/node-server (as on node:http) and sets crossgate's over it elsewhere, merging Vary on both", async () => {
    const app = new Hono();
    app.use(cors({ ...OPTIONS, exposeHeaders: ["X-Total"] }));
    app.get("/own", (c) => c.text("own", 200, { "Access-Control-Expose-Headers": "x-page", Vary: "Accept" }));
    await withRecordedHeads(app, async (base) => {
      const reply = await fetch(`${base}/own`, { headers: { Origin: APP } });
      expect([reply.headers.get("access-control-expose-headers"), reply.headers.get("access-control-allow-origin"), reply.headers.get("vary")]).toEqual(["x-page", APP, "Accept, Origin"]);
    });
    const reply = await app.request(get("/own"));
    expect([reply.headers.get("access-control-expose-headers"), reply.headers.get("access-control-allow-origin"), reply.headers.get("vary")]).toEqual(["x-total", APP, "Accept, Origin"]);
  });

  it("imports no node: module (runtime-neutral, as are the Fetch adapter and the shared glue)", () => {
    for (const file of ["hono.ts", "fetch.ts", "internal/web.ts", "internal/claim.ts"]) {
      const source = readFileSync(new URL(`../../../src/adapters/${file}`, import.meta.url), "utf8");
      expect([file, /from\s+["']node:/.test(source)]).toEqual([file, false]);
    }
  });
});
