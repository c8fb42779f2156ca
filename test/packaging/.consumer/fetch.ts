// "crossgate/fetch": a wrapped Fetch handler (Next.js route handlers, Bun.serve, Deno.serve, Workers),
// hosted here by a minimal Node server. A throwing handler becomes a 500 that keeps the headers.
import { strict as assert } from "node:assert";
import { cors, type FetchHandler } from "crossgate/fetch";
import { ALLOWED_ORIGIN, close, expectCorsExchanges, listen, OPTIONS, PATH, run, serveFetch } from "./support.ts";

run("crossgate/fetch", async () => {
  const reported: unknown[] = [];
  const handler: FetchHandler<[]> = cors(OPTIONS, { onError: (error) => reported.push(error) })(async (request: Request) => {
    if (new URL(request.url).pathname === PATH) return Response.json({ ok: true });
    throw new Error("boom");
  });
  const server = serveFetch(handler);
  const base = await listen(server);
  try {
    await expectCorsExchanges(base, "crossgate/fetch");
    const failed = await fetch(`${base}/fails`, { headers: { Origin: ALLOWED_ORIGIN } });
    assert.equal(failed.status, 500);
    assert.equal(failed.headers.get("access-control-allow-origin"), ALLOWED_ORIGIN, "a thrown error keeps allow-origin");
    await failed.arrayBuffer();
    assert.equal(reported.length, 1, "onError saw the thrown error");
  } finally {
    await close(server);
  }
});
