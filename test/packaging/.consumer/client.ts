/// <reference lib="dom" />
// "crossgate/client": the fetch client against a crossgate/node server (Node's fetch stands in for the browser's).
import { createServer } from "node:http";
import { strict as assert } from "node:assert";
import { createClient, isHttpError, type CrossgateClient } from "crossgate/client";
import { cors } from "crossgate/node";
import { close, expectCorsExchanges, listen, OPTIONS, PATH, run } from "./support.ts";

run("crossgate/client", async () => {
  const withCors = cors(OPTIONS);
  const server = createServer((req, res) =>
    withCors(req, res, () => {
      if (req.url !== PATH) {
        res.statusCode = 404;
        res.end();
        return;
      }
      res.setHeader("Content-Type", "application/json");
      res.end('{"ok":true}');
    }),
  );
  const base = await listen(server);
  try {
    await expectCorsExchanges(base, "crossgate/client server");
    const client: CrossgateClient = createClient({ baseURL: base, csrf: false, timeoutMs: 5000 });
    assert.deepEqual(await client.get<{ ok: boolean }>(PATH), { ok: true });
    await assert.rejects(client.get("/missing"), (error: unknown) => isHttpError(error) && error.status === 404);
  } finally {
    await close(server);
  }
});
