// crossgate/node reads the csrfmiddlewaretoken form field itself when no body parser ran, and leaves
// the form for the app; bodies over 1 MiB are not read (413).
import express from "express";
import { once } from "node:events";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, expect, it } from "vitest";
import { csrf, csrfTokenHandler, MAX_FORM_BYTES } from "../../src/adapters/csrf/node.ts";
import { createCsrfPolicy } from "../../src/index.ts";

const policy = createCsrfPolicy({ secret: "node-form-secret-0123456789abcdefghijkl" });
let server: http.Server;
let base: string;

beforeAll(async () => {
  const app = express();
  app.get("/csrf", csrfTokenHandler(policy));
  app.use(csrf(policy));
  app.use(express.urlencoded({ extended: false })); // after the guard: it must still see the form
  app.post("/form", (req, res) => void res.json({ note: (req.body as Record<string, string>).note }));
  server = http.createServer(app).listen(0, "127.0.0.1");
  await once(server, "listening");
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server.closeAllConnections();
  return new Promise<void>((resolve) => server.close(() => resolve()));
});

async function token(): Promise<{ cookie: string; token: string }> {
  const reply = await fetch(`${base}/csrf`);
  return { cookie: reply.headers.get("set-cookie")!.split(";")[0]!, token: ((await reply.json()) as { csrfToken: string }).csrfToken };
}

it("reads the field and leaves the parsed form for a body parser that runs later", async () => {
  const t = await token();
  const reply = await fetch(`${base}/form`, {
    method: "POST",
    headers: { cookie: t.cookie, "content-type": "application/x-www-form-urlencoded" },
    body: `note=kept&csrfmiddlewaretoken=${t.token}`,
  });
  expect(reply.status).toBe(200);
  expect(await reply.json()).toEqual({ note: "kept" });
});

it("does not read a form body over the limit: 413", async () => {
  const t = await token();
  const reply = await fetch(`${base}/form`, {
    method: "POST",
    headers: { cookie: t.cookie, "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
    body: `csrfmiddlewaretoken=${t.token}&pad=${"x".repeat(MAX_FORM_BYTES)}`,
  });
  expect(reply.status).toBe(413);
  expect(await reply.json()).toEqual({ error: "csrf_failed", reason: `Form body larger than ${MAX_FORM_BYTES} bytes (maxFormBytes).` });
});
