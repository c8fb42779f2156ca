// The vitest and jest examples of docs/doctor.md, as written there, against a Hono app and a Fastify
// server built with crossgate. (jest's `test`/`expect`/`beforeAll` are vitest's too.)
import Fastify from "fastify";
import { Hono } from "hono";
import { afterAll, beforeAll, describe, expect, it, test } from "vitest";
import { cors as fastifyCors } from "../../src/adapters/fastify.ts";
import { cors as honoCors } from "../../src/adapters/hono.ts";
import { probe } from "../../src/testing/index.ts";

const spa = "https://app.example.com";

describe("vitest example: a Hono app, probed in-process through app.fetch", () => {
  const app = new Hono();
  app.use(honoCors({ origins: [spa], methods: ["GET", "DELETE"] }));
  app.get("/items", (c) => c.json([]));
  app.delete("/items/:id", (c) => c.body(null, 204));

  it("preflight from the SPA is allowed", async () => {
    expect((await probe(app, { origin: spa, method: "DELETE", path: "/items/1" })).verdict).toBe("allowed");
  });
  it("the actual request is readable", async () => {
    expect((await probe(app, { origin: spa, path: "/items" })).verdict).toBe("allowed");
  });
  it("other origins are blocked", async () => {
    expect((await probe(app, { origin: "https://evil.example", path: "/items" })).rule).toBe("missing-allow-origin");
  });
});

describe("jest example: a Fastify server that is ready but not listening", () => {
  async function buildServer() {
    const app = Fastify();
    await app.register(fastifyCors({ origins: ["https://app.example.com"], methods: ["GET", "PATCH"] }));
    app.get("/items", async () => []);
    app.patch("/items/:id", async () => ({ ok: true }));
    return app;
  }

  let app: Awaited<ReturnType<typeof buildServer>>;
  beforeAll(async () => {
    app = await buildServer();
    await app.ready();
  });
  afterAll(() => app.close());

  test("preflight from the SPA is allowed", async () => {
    const report = await probe(app.server, { origin: "https://app.example.com", method: "PATCH", path: "/items/1", headers: { "Content-Type": "application/json" } });
    expect(report.verdict).toBe("allowed");
  });
  test("the actual request is readable", async () => {
    expect((await probe(app.server, { origin: "https://app.example.com", path: "/items" })).verdict).toBe("allowed");
  });
  test("other origins are blocked", async () => {
    const report = await probe(app.server, { origin: "https://evil.example", path: "/items" });
    expect(report.verdict).toBe("blocked");
    expect(report.failure?.messages.chrome).toContain("No 'Access-Control-Allow-Origin' header");
  });
});
