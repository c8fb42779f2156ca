// "crossgate/koa": the middleware before the routes; a thrown error keeps the CORS headers.
import { createServer } from "node:http";
import { strict as assert } from "node:assert";
import Koa from "koa";
import { cors } from "crossgate/koa";
import { ALLOWED_ORIGIN, close, expectCorsExchanges, listen, OPTIONS, PATH, run } from "./support.ts";

run("crossgate/koa", async () => {
  const app = new Koa();
  app.silent = true;
  app.use(cors(OPTIONS));
  app.use((ctx) => {
    if (ctx.path === PATH) ctx.body = { ok: true };
    else ctx.throw(500, "boom");
  });
  const server = createServer(app.callback());
  const base = await listen(server);
  try {
    await expectCorsExchanges(base, "crossgate/koa");
    const failed = await fetch(`${base}/fails`, { headers: { Origin: ALLOWED_ORIGIN } });
    assert.equal(failed.status, 500);
    assert.equal(failed.headers.get("access-control-allow-origin"), ALLOWED_ORIGIN, "a thrown error keeps allow-origin");
    await failed.arrayBuffer();
  } finally {
    await close(server);
  }
});
