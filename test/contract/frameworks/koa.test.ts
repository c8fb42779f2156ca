// crossgate/koa specifics: Koa's error handler drops headers unless they ride on err.headers.
import Koa from "koa";
import { afterEach, describe, expect, it } from "vitest";
import { cors } from "../../../src/adapters/koa.ts";
import { listen, type ContractServer } from "../adapters.ts";
import { send } from "../http.ts";

const APP = "https://app.example.com";
const OPTIONS = { origins: [APP], credentials: true };
let server: ContractServer | undefined;
afterEach(() => server?.close());

async function start(thrower: (ctx: Koa.Context) => unknown, options: object = OPTIONS): Promise<string> {
  const app = new Koa();
  app.silent = true;
  app.use(cors(options));
  app.use(async (ctx) => {
    ctx.body = await thrower(ctx);
  });
  server = await listen(app.callback());
  return server.url;
}

describe("crossgate/koa", () => {
  it("keeps CORS headers and the error's own headers on ctx.throw", async () => {
    const url = await start((ctx) => ctx.throw(401, "login required", { headers: { "WWW-Authenticate": "Bearer", Vary: "Authorization" } }));
    const reply = await send(url, "GET", "/", { Origin: APP });
    expect(reply.status).toBe(401);
    expect(reply.headers["access-control-allow-origin"]).toBe(APP);
    expect(reply.headers["www-authenticate"]).toBe("Bearer");
    expect(reply.headers.vary).toBe("Authorization, Origin");
  });

  it("keeps CORS headers when something that is not an Error is thrown", async () => {
    const url = await start(() => {
      throw "a string";
    });
    const reply = await send(url, "GET", "/", { Origin: APP });
    expect(reply.status).toBe(500);
    expect(reply.headers["access-control-allow-origin"]).toBe(APP);
  });

  it("keeps CORS headers when the thrown error is frozen", async () => {
    const url = await start(() => {
      throw Object.freeze(Object.assign(new Error("frozen"), { status: 418, expose: true }));
    });
    const reply = await send(url, "GET", "/", { Origin: APP });
    expect([reply.status, reply.headers["access-control-allow-origin"]]).toEqual([418, APP]);
  });

  it("answers a 200 preflight with an empty body and no app call", async () => {
    let calls = 0;
    const url = await start(() => void calls++, { ...OPTIONS, preflightStatus: 200 });
    const reply = await send(url, "OPTIONS", "/", { Origin: APP, "Access-Control-Request-Method": "PUT" });
    expect([reply.status, reply.body, reply.headers["content-length"], calls]).toEqual([200, "", "0", 0]);
  });

  it("keeps Vary: Origin when the app writes the raw response itself (ctx.respond = false)", async () => {
    const headers = Object.freeze({ Vary: "Accept-Encoding", "Content-Type": "text/plain" });
    for (const write of [
      (ctx: Koa.Context) => ctx.res.writeHead(200, headers),
      (ctx: Koa.Context) => ctx.res.writeHead(200, ["Vary", "Accept-Encoding", "Content-Type", "text/plain"]),
      (ctx: Koa.Context) => {
        ctx.res.statusCode = 200;
        ctx.res.setHeader("Vary", "Accept-Encoding");
      },
    ]) {
      const url = await start((ctx) => {
        ctx.respond = false;
        write(ctx);
        ctx.res.end("raw");
      });
      for (const origin of [APP, "https://evil.example"]) {
        const reply = await send(url, "GET", "/", { Origin: origin });
        expect([reply.status, reply.body, reply.headers.vary]).toEqual([200, "raw", "Accept-Encoding, Origin"]);
      }
      await server?.close();
    }
  });

  it("waits for an async allowOrigin", async () => {
    const url = await start(() => "ok", { origins: [], allowOrigin: async (origin: string) => origin === APP });
    expect((await send(url, "GET", "/", { Origin: APP })).headers["access-control-allow-origin"]).toBe(APP);
    expect((await send(url, "GET", "/", { Origin: "https://evil.example" })).headers["access-control-allow-origin"]).toBeUndefined();
  });
});
