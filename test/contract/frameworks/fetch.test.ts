// crossgate/fetch specifics: errors, immutable responses, nesting, runtime arguments.
import http from "node:http";
import { once } from "node:events";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { cors, corsRoutes } from "../../../src/adapters/fetch.ts";

const APP = "https://app.example.com";
const OPTIONS = { origins: [APP], credentials: true };
const get = (path = "/api", origin = APP) => new Request(`https://api.example.com${path}`, { headers: { Origin: origin } });

describe("crossgate/fetch", () => {
  it("turns a thrown error into a 500 that carries CORS headers, and reports it", async () => {
    const reported: unknown[] = [];
    const handler = cors(OPTIONS, { onError: (error, request) => reported.push(error, request.url) })(() => {
      throw new Error("boom");
    });
    const response = await handler(get());
    expect(response.status).toBe(500);
    expect(response.headers.get("access-control-allow-origin")).toBe(APP);
    expect(response.headers.get("access-control-allow-credentials")).toBe("true");
    expect(reported).toEqual([expect.objectContaining({ message: "boom" }), "https://api.example.com/api"]);
  });

  it("reports a rejected promise and a handler that returns no Response the same way", async () => {
    const reported: unknown[] = [];
    const onError = (error: unknown) => reported.push(error);
    const rejected = await cors(OPTIONS, { onError })(() => Promise.reject(new Error("async boom")))(get());
    const nothing = await cors(OPTIONS, { onError })((() => undefined) as unknown as () => Response)(get());
    expect([rejected.status, nothing.status]).toEqual([500, 500]);
    expect(nothing.headers.get("access-control-allow-origin")).toBe(APP);
    expect(reported.map((error) => (error as Error).message)).toEqual(["async boom", expect.stringContaining("not a Response")]);
  });

  it("still answers 500 when onError itself throws", async () => {
    const handler = cors(OPTIONS, {
      onError: () => {
        throw new Error("reporter down");
      },
    })(() => {
      throw new Error("boom");
    });
    expect((await handler(get())).status).toBe(500);
  });

  it("copies responses whose headers are immutable (Response.redirect)", async () => {
    const response = await cors(OPTIONS)(() => Response.redirect("https://app.example.com/login", 302))(get());
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe("https://app.example.com/login");
    expect(response.headers.get("access-control-allow-origin")).toBe(APP);
    expect(response.headers.get("vary")).toBe("Origin");
  });

  it("copies a response obtained with fetch(), body included", async () => {
    const upstream = http.createServer((_req, res) => {
      res.setHeader("Vary", "Accept-Encoding");
      res.end("from upstream");
    });
    upstream.listen(0, "127.0.0.1");
    await once(upstream, "listening");
    try {
      const url = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}/`;
      const proxied = await cors(OPTIONS)(() => fetch(url))(get());
      expect(proxied.headers.get("access-control-allow-origin")).toBe(APP);
      expect(proxied.headers.get("vary")).toBe("Accept-Encoding, Origin");
      expect(await proxied.text()).toBe("from upstream");
    } finally {
      upstream.close();
    }
  });

  it("returns Response.error() untouched instead of crashing", async () => {
    const response = await cors(OPTIONS)(() => Response.error())(get());
    expect(response.type).toBe("error");
  });

  it("answers preflights without calling the handler", async () => {
    let calls = 0;
    const handler = cors({ ...OPTIONS, preflightStatus: 200 })(() => {
      calls++;
      return new Response("app");
    });
    const response = await handler(new Request("https://api.example.com/api", { method: "OPTIONS", headers: { Origin: APP, "Access-Control-Request-Method": "PUT" } }));
    expect(response.status).toBe(200);
    expect(response.headers.get("content-length")).toBe("0");
    expect(await response.text()).toBe("");
    expect(calls).toBe(0);
  });

  it("passes the runtime's extra arguments through (env, execution context)", async () => {
    const handler = cors(OPTIONS)((_request: Request, env: { name: string }, context: { id: number }) => new Response(`${env.name}:${context.id}`));
    expect(await (await handler(get(), { name: "prod" }, { id: 7 })).text()).toBe("prod:7");
  });

  it("lets the outer wrapper decide when wrappers are nested", async () => {
    const inner = cors({ origins: "*" })(() => new Response("ok"));
    const outer = cors({ origins: ["https://other.example.com"] })(inner);
    const response = await outer(get());
    expect(response.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("applies a route list by path", async () => {
    const handler = cors(corsRoutes([["/public/*", { origins: "*" }], ["*", OPTIONS]]))(() => new Response("ok"));
    expect((await handler(get("/public/feed", "https://any.example"))).headers.get("access-control-allow-origin")).toBe("*");
    expect((await handler(get("/private", "https://any.example"))).headers.get("access-control-allow-origin")).toBeNull();
  });

  it("refuses a bad configuration when wrapping, not per request", () => {
    expect(() => cors({ origins: ["https://app.example.com/"] })).toThrow(/origins\[0\]/);
    expect(() => cors(OPTIONS, { onError: "log" as never })).toThrow(TypeError);
  });
});
