// "crossgate/hono": path-scoped middleware, on Node through @hono/node-server.
import type { Server } from "node:http";
import { serve } from "@hono/node-server";
import { Hono } from "hono";
import { cors } from "crossgate/hono";
import { close, expectCorsExchanges, OPTIONS, PATH, run } from "./support.ts";

run("crossgate/hono", async () => {
  const app = new Hono();
  app.use("/api/*", cors(OPTIONS));
  app.get(PATH, (c) => c.json({ ok: true }));
  let server: Server | undefined;
  const port = await new Promise<number>((resolve) => {
    server = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, (info) => resolve(info.port)) as Server;
  });
  try {
    await expectCorsExchanges(`http://127.0.0.1:${port}`, "crossgate/hono");
  } finally {
    if (server) await close(server);
  }
});
