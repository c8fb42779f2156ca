// "crossgate/node": Express and plain node:http.
import { createServer } from "node:http";
import express from "express";
import { cors, corsRoutes, type NodeMiddleware } from "crossgate/node";
import { close, expectCorsExchanges, listen, OPTIONS, PATH, run } from "./support.ts";

run("crossgate/node", async () => {
  const app = express();
  const middleware: NodeMiddleware = cors(OPTIONS);
  app.use(middleware);
  app.get(PATH, (_req, res) => {
    res.json({ ok: true });
  });
  const expressServer = createServer(app);
  const expressBase = await listen(expressServer);
  try {
    await expectCorsExchanges(expressBase, "crossgate/node with express");
  } finally {
    await close(expressServer);
  }

  const withCors = cors(corsRoutes([[PATH, OPTIONS], ["*", false]]));
  const plain = createServer((req, res) =>
    withCors(req, res, () => {
      res.setHeader("Content-Type", "application/json");
      res.end('{"ok":true}');
    }),
  );
  const plainBase = await listen(plain);
  try {
    await expectCorsExchanges(plainBase, "crossgate/node with node:http");
  } finally {
    await close(plain);
  }
});
