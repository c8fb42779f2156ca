// The bodiless answer to a refused preflight, under what earlier Koa middleware may have set.
import type { AddressInfo } from "node:net";
import Koa from "koa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cors } from "./koa.ts";

const APP = "https://app.example.com";
const app = new Koa();
app.use(async (ctx, next) => {
  // An earlier middleware that makes every answer JSON: Koa would turn a null body into "null".
  ctx.type = "json";
  await next();
});
app.use(cors({ origins: [APP] }));
let base = "";

/** Serves `koa` on an ephemeral loopback port for the enclosing block; `set` receives its base URL. */
function serve(koa: Koa, set: (url: string) => void): void {
  let server: ReturnType<Koa["listen"]>;
  beforeAll(async () => {
    server = koa.listen(0, "127.0.0.1");
    await new Promise((resolve) => server.once("listening", resolve));
    set(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));
}
serve(app, (url) => (base = url));

describe("crossgate/koa preflight answers", () => {
  it("answers a refused preflight 403 with no body, no Content-Type and Vary, even under a JSON type", async () => {
    const reply = await fetch(`${base}/api`, { method: "OPTIONS", headers: { origin: "https://evil.example", "access-control-request-method": "PUT" } });
    expect([reply.status, await reply.text()]).toEqual([403, ""]);
    expect(reply.headers.get("content-length")).toBe("0");
    expect(reply.headers.get("content-type")).toBeNull();
    expect(reply.headers.get("access-control-allow-origin")).toBeNull();
    expect(reply.headers.get("vary")).toMatch(/Origin/);
  });

  it("answers an allowed preflight 204 with the grant", async () => {
    const reply = await fetch(`${base}/api`, { method: "OPTIONS", headers: { origin: APP, "access-control-request-method": "PUT" } });
    expect([reply.status, await reply.text(), reply.headers.get("access-control-allow-origin")]).toEqual([204, "", APP]);
  });
});

describe("crossgate/koa refused preflight under an earlier body or length", () => {
  const earlier = new Koa();
  earlier.use(async (ctx, next) => {
    if (ctx.path === "/with-body") ctx.body = { stale: true };
    if (ctx.path === "/with-length") ctx.set("Content-Length", "42");
    await next();
  });
  earlier.use(cors({ origins: [APP] }));
  let earlierBase = "";
  serve(earlier, (url) => (earlierBase = url));

  it.each(["/with-body", "/with-length"])("answers 403 with no body at %s", async (path) => {
    const reply = await fetch(`${earlierBase}${path}`, { method: "OPTIONS", headers: { origin: "https://evil.example", "access-control-request-method": "PUT" } });
    expect([reply.status, await reply.text()]).toEqual([403, ""]);
    expect(reply.headers.get("content-length")).toBe("0");
    expect(reply.headers.get("content-type")).toBeNull();
  });
});
