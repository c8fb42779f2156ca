// "crossgate/testing": probe() diagnoses a running server the way a browser would.
import { createServer } from "node:http";
import { strict as assert } from "node:assert";
import { cors } from "crossgate/node";
import { probe, type DoctorReport } from "crossgate/testing";
import { ALLOWED_ORIGIN, close, expectCorsExchanges, listen, OPTIONS, PATH, REFUSED_ORIGIN, run } from "./support.ts";

run("crossgate/testing", async () => {
  const withCors = cors(OPTIONS);
  const server = createServer((req, res) =>
    withCors(req, res, () => {
      res.setHeader("Content-Type", "application/json");
      res.end('{"ok":true}');
    }),
  );
  const base = await listen(server);
  try {
    await expectCorsExchanges(base, "crossgate/testing server");
    const allowed: DoctorReport = await probe(base, { origin: ALLOWED_ORIGIN, method: "PUT", path: PATH, credentials: true, headers: { "Content-Type": "application/json" } });
    assert.equal(allowed.verdict, "allowed");
    const blocked = await probe(base, { origin: REFUSED_ORIGIN, method: "PUT", path: PATH });
    assert.equal(blocked.verdict, "blocked");
  } finally {
    await close(server);
  }
});
