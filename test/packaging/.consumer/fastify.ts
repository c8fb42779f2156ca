// "crossgate/fastify": the plugin at the root, plus a route that turns CORS off through its config.
import { strict as assert } from "node:assert";
import Fastify from "fastify";
import { cors } from "crossgate/fastify";
import { ALLOWED_ORIGIN, close, expectCorsExchanges, listen, OPTIONS, PATH, run } from "./support.ts";

run("crossgate/fastify", async () => {
  const app = Fastify();
  await app.register(cors(OPTIONS));
  app.get(PATH, async () => ({ ok: true }));
  app.post("/webhook", { config: { cors: false } }, async () => ({ received: true }));
  await app.ready();
  const base = await listen(app.server);
  try {
    await expectCorsExchanges(base, "crossgate/fastify");
    const webhook = await fetch(`${base}/webhook`, { method: "POST", headers: { Origin: ALLOWED_ORIGIN } });
    assert.equal(webhook.headers.get("access-control-allow-origin"), null, "config: { cors: false } turns CORS off");
    await webhook.arrayBuffer();
  } finally {
    await close(app.server);
    await app.close();
  }
});
