// crossgate/fastify specifics: hook order, encapsulation, route config, scoped registration.
import Fastify, { type FastifyInstance } from "fastify";
import { describe, expect, it } from "vitest";
import { cors, corsRoutes } from "../../../src/adapters/fastify.ts";
import { isConfigError } from "../../../src/index.ts";

const APP = "https://app.example.com";
const PARTNER = "https://partner.example.com";
const OPTIONS = { origins: [APP], credentials: true };
const preflight = (url: string, origin = APP, method = "PUT") =>
  ({ method: "OPTIONS", url, headers: { origin, "access-control-request-method": method } }) as const;
const acao = (reply: { headers: Record<string, unknown> }) => reply.headers["access-control-allow-origin"];

async function build(setup: (app: FastifyInstance) => void | Promise<void>): Promise<FastifyInstance> {
  const app = Fastify();
  await setup(app);
  await app.ready();
  return app;
}

describe("crossgate/fastify", () => {
  it("answers preflights before auth hooks, and 401s from auth keep the headers", async () => {
    const app = await build(async (app) => {
      await app.register(cors(OPTIONS));
      app.addHook("onRequest", async (_request, reply) => reply.code(401).send({ detail: "login required" }));
      app.get("/api/me", async () => ({ me: true }));
    });
    const answered = await app.inject(preflight("/api/me"));
    expect(answered.statusCode).toBe(204);
    expect(acao(answered)).toBe(APP);
    const refused = await app.inject({ method: "GET", url: "/api/me", headers: { origin: APP } });
    expect(refused.statusCode).toBe(401);
    expect(acao(refused)).toBe(APP);
  });

  it("adds no OPTIONS route, so users and prefixes keep theirs", async () => {
    const app = await build(async (app) => {
      await app.register(cors(OPTIONS));
      app.options("/api/x", async () => "mine");
      await app.register(async (child) => void child.options("/*", async () => "prefix catch-all"), { prefix: "/v1" });
    });
    expect(app.hasRoute({ method: "OPTIONS", url: "*" })).toBe(false);
    expect(app.hasRoute({ method: "OPTIONS", url: "/*" })).toBe(false);
    expect((await app.inject({ method: "OPTIONS", url: "/v1/y", headers: { origin: APP } })).body).toBe("prefix catch-all");
  });

  it("keeps headers on reply.send(error), thrown errors and validation errors, and merges Vary", async () => {
    const app = await build(async (app) => {
      await app.register(cors(OPTIONS));
      app.get("/sent", async (_request, reply) => reply.send(Object.assign(new Error("nope"), { statusCode: 409 })));
      app.get("/thrown", async () => {
        throw new Error("boom");
      });
      app.post("/validated", { schema: { body: { type: "object", required: ["name"] } } }, async () => "ok");
      app.get("/vary", async (_request, reply) => reply.header("Vary", "Accept-Encoding").send("ok"));
    });
    for (const [method, url, status] of [
      ["GET", "/sent", 409],
      ["GET", "/thrown", 500],
      ["POST", "/validated", 400],
    ] as const) {
      const reply = await app.inject({ method, url, headers: { origin: APP, "content-type": "application/json" }, ...(method === "POST" ? { payload: "{}" } : {}) });
      expect([url, reply.statusCode, acao(reply), reply.headers["access-control-allow-credentials"]]).toEqual([url, status, APP, "true"]);
    }
    expect((await app.inject({ url: "/vary", headers: { origin: APP } })).headers.vary).toBe("Accept-Encoding, Origin");
  });

  it("applies to the whole app when registered at the root (encapsulated children included)", async () => {
    const app = await build(async (app) => {
      await app.register(cors(OPTIONS));
      await app.register(async (child) => void child.get("/items", async () => []), { prefix: "/v1" });
    });
    expect(acao(await app.inject({ url: "/v1/items", headers: { origin: APP } }))).toBe(APP);
    expect((await app.inject(preflight("/v1/items"))).statusCode).toBe(204);
  });

  it("follows a route's config.cors for its actual requests and its preflights", async () => {
    const app = await build(async (app) => {
      await app.register(cors(OPTIONS));
      app.get("/items/:id", { config: { cors: { origins: [PARTNER] } } }, async () => "item");
      app.put("/items/:id", { config: { cors: { origins: [PARTNER], methods: ["PUT"] } } }, async () => "item");
      app.put("/items/special", { config: { cors: false } }, async () => "special");
      app.put("/files/*", { config: { cors: { origins: "*" } } }, async () => "file");
    });
    expect(acao(await app.inject({ url: "/items/1", headers: { origin: PARTNER } }))).toBe(PARTNER);
    expect(acao(await app.inject({ url: "/items/1", headers: { origin: APP } }))).toBeUndefined();
    expect(acao(await app.inject(preflight("/items/42", PARTNER)))).toBe(PARTNER);
    expect((await app.inject(preflight("/items/42", APP))).statusCode).toBe(403);
    // The static route wins over the parametric one in Fastify's router, and so in crossgate.
    const off = await app.inject(preflight("/items/special", PARTNER));
    expect([off.statusCode, acao(off)]).toEqual([404, undefined]);
    expect(acao(await app.inject(preflight("/files/a/b.txt", "https://anyone.example")))).toBe("*");
    // A preflight for a method the path has no route for falls back to the app-wide policy.
    expect(acao(await app.inject(preflight("/items/42", APP, "DELETE")))).toBe(APP);
  });

  it("gives a prefixed plugin its own policy with a scoped registration", async () => {
    const app = await build(async (app) => {
      await app.register(cors(OPTIONS));
      app.get("/api/items", async () => []);
      await app.register(
        async (partner) => {
          await partner.register(cors({ origins: [PARTNER], methods: ["PUT"] }));
          partner.put("/orders", async () => "ok");
          partner.get("/private", { config: { cors: false } }, async () => "private");
        },
        { prefix: "/partner" },
      );
    });
    expect(acao(await app.inject({ url: "/api/items", headers: { origin: APP } }))).toBe(APP);
    expect(acao(await app.inject(preflight("/api/items", PARTNER)))).toBeUndefined();
    expect(acao(await app.inject(preflight("/partner/orders", PARTNER)))).toBe(PARTNER);
    expect((await app.inject(preflight("/partner/orders", APP))).statusCode).toBe(403);
    expect(acao(await app.inject({ method: "PUT", url: "/partner/orders", headers: { origin: PARTNER } }))).toBe(PARTNER);
    expect(acao(await app.inject({ method: "PUT", url: "/partner/orders", headers: { origin: APP } }))).toBeUndefined();
    expect(acao(await app.inject({ url: "/partner/private", headers: { origin: PARTNER } }))).toBeUndefined();
  });

  it("covers only its prefix when registered only in a scope", async () => {
    const app = await build(async (app) => {
      app.get("/outside", async () => "outside");
      await app.register(
        async (api) => {
          await api.register(cors(OPTIONS));
          api.get("/inside", async () => "inside");
        },
        { prefix: "/api" },
      );
    });
    expect(acao(await app.inject({ url: "/api/inside", headers: { origin: APP } }))).toBe(APP);
    expect(acao(await app.inject({ url: "/outside", headers: { origin: APP } }))).toBeUndefined();
    // A preflight matches no route, so Fastify runs only the root's hooks for it: with no root
    // registration, nothing answers it.
    expect(acao(await app.inject(preflight("/api/inside", APP, "GET")))).toBeUndefined();
  });

  it("answers a scope's preflights when the root registers cors(false)", async () => {
    const app = await build(async (app) => {
      await app.register(cors(false));
      app.get("/outside", async () => "outside");
      await app.register(
        async (api) => {
          await api.register(cors(OPTIONS));
          api.get("/inside", async () => "inside");
        },
        { prefix: "/api" },
      );
    });
    const answered = await app.inject(preflight("/api/inside", APP, "GET"));
    expect([answered.statusCode, acao(answered)]).toEqual([204, APP]);
    expect(acao(await app.inject({ url: "/api/inside", headers: { origin: APP } }))).toBe(APP);
    expect(acao(await app.inject({ url: "/outside", headers: { origin: APP } }))).toBeUndefined();
    expect(acao(await app.inject(preflight("/outside", APP, "GET")))).toBeUndefined();
  });

  it("accepts a route list and async allowOrigin", async () => {
    const app = await build(async (app) => {
      await app.register(
        cors(corsRoutes([["/hooks/*", false], ["*", { origins: [], allowOrigin: async (origin) => origin === PARTNER }]])),
      );
      app.get("/hooks/in", async () => "in");
      app.get("/data", async () => "data");
    });
    expect(acao(await app.inject({ url: "/data", headers: { origin: PARTNER } }))).toBe(PARTNER);
    expect(acao(await app.inject(preflight("/data", PARTNER)))).toBe(PARTNER);
    expect(acao(await app.inject({ url: "/hooks/in", headers: { origin: PARTNER } }))).toBeUndefined();
  });

  it("refuses an invalid route config when the app starts, naming the option", async () => {
    const app = Fastify();
    await app.register(cors(OPTIONS));
    let error: unknown;
    try {
      app.get("/bad", { config: { cors: { origins: ["https://app.example.com/"] } } }, async () => "bad");
      await app.ready();
    } catch (caught) {
      error = caught;
    }
    expect(isConfigError(error)).toBe(true);
    expect(String((error as Error).message)).toMatch(/config\.cors of route GET \/bad[\s\S]*origins\[0\]/);
  });

  it("is marked as a non-encapsulated plugin", () => {
    const plugin = cors(OPTIONS) as unknown as Record<symbol, unknown>;
    expect(plugin[Symbol.for("skip-override")]).toBe(true);
    expect(plugin[Symbol.for("fastify.display-name")]).toBe("crossgate-cors");
  });
});
