// crossgate/fastify specifics: hook order, encapsulation, route config, scoped registration.
import Fastify, { type FastifyInstance, type FastifyServerOptions } from "fastify";
import http from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { cors, corsRoutes } from "../../../src/adapters/fastify.ts";
import { isConfigError, type CorsRefusalEvent } from "../../../src/index.ts";
import { sendRaw } from "../../hostile/raw-http.ts";
import { MAX_HEADER_SIZE, serve, type ContractServer } from "../adapters.ts";

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

  it("merges Vary back whichever way the handler or an error handler replaced or removed it", async () => {
    const app = await build(async (app) => {
      await app.register(cors(OPTIONS));
      app.setErrorHandler(async (_error, _request, reply) => reply.code(418).header("Vary", "Accept-Language").send("teapot"));
      app.get("/headers", async (_request, reply) => reply.headers({ Vary: "Accept-Encoding", "X-Other": "1" }).send("ok"));
      app.get("/removed", async (_request, reply) => reply.removeHeader("Vary").send("ok"));
      app.get("/failed", async () => {
        throw new Error("boom");
      });
    });
    const vary = async (url: string) => {
      const reply = await app.inject({ url, headers: { origin: APP } });
      return [url, reply.statusCode, acao(reply), reply.headers.vary];
    };
    expect(await vary("/headers")).toEqual(["/headers", 200, APP, "Accept-Encoding, Origin"]);
    expect(await vary("/removed")).toEqual(["/removed", 200, APP, "Origin"]);
    expect(await vary("/failed")).toEqual(["/failed", 418, APP, "Accept-Language, Origin"]);
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

  it("answers preflights without a body, with Content-Length: 0 except on 204", async () => {
    const app = await build(async (app) => {
      await app.register(cors({ ...OPTIONS, preflightStatus: 200 }));
      app.put("/items", async () => "item");
    });
    const granted = await app.inject(preflight("/items"));
    expect([granted.statusCode, granted.body, granted.headers["content-length"], granted.headers["content-type"]]).toEqual([200, "", "0", undefined]);
    const refused = await app.inject(preflight("/items", PARTNER));
    expect([refused.statusCode, refused.body, refused.headers["content-length"], refused.headers["content-type"]]).toEqual([403, "", "0", undefined]);
    const noContent = await build(async (app) => void (await app.register(cors(OPTIONS))));
    const answer = await noContent.inject(preflight("/items"));
    expect([answer.statusCode, answer.headers["content-length"]]).toEqual([204, undefined]);
  });

  it("hands reply.header every name in lower case, as Fastify stores it", async () => {
    // A name with capitals costs Fastify a fresh lower-cased string per header and per reply.
    const names: string[] = [];
    const app = await build(async (app) => {
      app.addHook("onRequest", (_request, reply, done) => {
        const header = reply.header;
        reply.header = function (this: typeof reply, name: string, value: unknown) {
          names.push(name);
          return header.call(this, name, value);
        } as typeof reply.header;
        done();
      });
      const options = { ...OPTIONS, methods: ["PUT"], requestHeaders: ["x-token"], exposeHeaders: ["x-total"], maxAgeSeconds: 600, privateNetwork: true };
      await app.register(cors(options));
      app.put("/items", async () => "item");
    });
    const answered = await app.inject({ ...preflight("/items"), headers: { ...preflight("/items").headers, "access-control-request-private-network": "true" } });
    const actual = await app.inject({ method: "PUT", url: "/items", headers: { origin: APP } });
    expect([answered.statusCode, answered.headers["access-control-allow-private-network"], acao(actual), actual.headers["access-control-expose-headers"]]).toEqual([204, "true", APP, "x-total"]);
    expect(new Set(names)).toEqual(
      new Set([
        "access-control-allow-origin",
        "access-control-allow-credentials",
        "access-control-allow-methods",
        "access-control-allow-headers",
        "access-control-max-age",
        "access-control-allow-private-network",
        "access-control-expose-headers",
        "vary",
      ]),
    );
  });

  it("is marked as a non-encapsulated plugin", () => {
    const plugin = cors(OPTIONS) as unknown as Record<symbol, unknown>;
    expect(plugin[Symbol.for("skip-override")]).toBe(true);
    expect(plugin[Symbol.for("fastify.display-name")]).toBe("crossgate-cors");
  });
});

// Over real sockets with a raw client, so `/%61dmin` and `/ADMIN/` reach Fastify as written.
describe("crossgate/fastify: a preflight follows the route Fastify's router serves", () => {
  const BLOG = "https://blog.example.com";
  const ADMIN = "https://admin.example.com";
  const adminOnly = { config: { cors: { origins: [ADMIN], credentials: true, methods: ["DELETE"] } } };
  let server: ContractServer | undefined;
  afterEach(() => server?.close());

  async function start(options: FastifyServerOptions, setup: (app: FastifyInstance) => void): Promise<string> {
    let raw: http.Server | undefined;
    const app = Fastify({ ...options, serverFactory: (handler) => (raw = http.createServer({ maxHeaderSize: MAX_HEADER_SIZE }, handler)) });
    await app.register(cors({ origins: ["https://*.example.com"], credentials: true, methods: ["GET", "DELETE"] }));
    setup(app);
    await app.ready();
    server = await serve(raw!);
    return server.url;
  }
  const preflightFrom = (url: string, path: string, origin: string) =>
    sendRaw(url, "OPTIONS", path, [["Origin", origin], ["Access-Control-Request-Method", "DELETE"]]);

  it.each([
    ["default router options", {}],
    ["caseSensitive: false, ignoreTrailingSlash, ignoreDuplicateSlashes", { routerOptions: { caseSensitive: false, ignoreTrailingSlash: true, ignoreDuplicateSlashes: true } }],
    ["useSemicolonDelimiter", { routerOptions: { useSemicolonDelimiter: true } } as FastifyServerOptions],
  ] as const)("never grants a preflight the admin route's policy refuses (%s)", async (_name, options) => {
    const url = await start(options, (app) => {
      app.delete("/admin/users/:id", adminOnly, async () => "admin");
      app.delete("/admin/settings", adminOnly, async () => "admin");
      app.get("/posts/:id", async () => "post");
    });
    const paths = ["/admin/users/1", "/%61dmin/users/1", "/admin/%73ettings", "/admin/settings/", "/ADMIN/settings", "/Admin/Users/1", "//admin/settings", "/admin//settings", "/admin/settings;x", "/admin/./settings", "/x/../admin/settings", "/admin%2Fsettings", "/admin/settings?x=1"];
    let reachedAdmin = 0;
    for (const path of paths) {
      const actual = await sendRaw(url, "DELETE", path, [["Origin", BLOG]]);
      const fromBlog = await preflightFrom(url, path, BLOG);
      if (actual.body === "admin") {
        reachedAdmin++;
        // The route that serves the DELETE refuses blog.example.com: so must its preflight.
        expect([path, fromBlog.status, fromBlog.headers.get("access-control-allow-origin")]).toEqual([path, 403, undefined]);
        expect([path, actual.headers.get("access-control-allow-origin")]).toEqual([path, undefined]);
        const fromAdmin = await preflightFrom(url, path, ADMIN);
        expect([path, fromAdmin.status, fromAdmin.headers.get("access-control-allow-origin")]).toEqual([path, 204, [ADMIN]]);
      } else {
        // Not the admin route: Fastify's 404, which follows the app-wide policy.
        expect([path, actual.status, fromBlog.status]).toEqual([path, 404, 204]);
      }
    }
    expect(reachedAdmin).toBeGreaterThanOrEqual(3);
    // Unrelated routes keep the app-wide policy.
    expect((await sendRaw(url, "GET", "/posts/1", [["Origin", BLOG]])).headers.get("access-control-allow-origin")).toEqual([BLOG]);
  });

  it("refuses the preflight of a route added before crossgate, whose CORS it cannot know", async () => {
    let raw: http.Server | undefined;
    const app = Fastify({ serverFactory: (handler) => (raw = http.createServer(handler)) });
    app.delete("/early", adminOnly, async () => "early");
    await app.register(cors({ origins: ["https://*.example.com"], credentials: true, methods: ["DELETE"] }));
    app.delete("/late", async () => "late");
    await app.ready();
    server = await serve(raw!);
    const early = await preflightFrom(server.url, "/early", BLOG);
    expect([early.status, early.headers.get("access-control-allow-origin")]).toEqual([403, undefined]);
    expect((await preflightFrom(server.url, "/late", BLOG)).headers.get("access-control-allow-origin")).toEqual([BLOG]);
  });

  it("reports that refusal (route-uncertain) through the registration's onRefusal and debug header", async () => {
    let raw: http.Server | undefined;
    const events: CorsRefusalEvent[] = [];
    const app = Fastify({ serverFactory: (handler) => (raw = http.createServer(handler)) });
    app.delete("/early", adminOnly, async () => "early");
    const quiet = { warn: () => {} };
    await app.register(cors({ origins: ["https://*.example.com"], methods: ["DELETE"], debug: true, logger: quiet, onRefusal: (event) => void events.push(event) }));
    await app.ready();
    server = await serve(raw!);
    const early = await preflightFrom(server.url, "/early", BLOG);
    expect([early.status, early.headers.get("crossgate-refusal")]).toEqual([403, ["route-uncertain"]]);
    expect(events.map(({ reason, path, preflight }) => ({ reason, path, preflight }))).toEqual([{ reason: "route-uncertain", path: "/early", preflight: true }]);
  });

  it("answers a 16 KB worst-case preflight to a multi-parameter route within 50 ms, and does not hold up other requests", async () => {
    const url = await start({ routerOptions: { maxParamLength: 20_000 } }, (app) => {
      app.delete("/archive/:year-:month-:day", adminOnly, async () => "archive");
      app.delete("/*", async () => "anything");
      app.get("/health", async () => "ok");
    });
    const hostile = `/archive/${"-".repeat(16 * 1024)}/x`;
    // Each bound is the best of five tries one after another, which leaves slack for a loaded
    // two-core machine (alone, one try takes 2-5 ms here); the backtracking route patterns
    // crossgate once compiled took seconds.
    const best = async (send: () => Promise<{ elapsedMs: number }>) => {
      let fastest = Number.POSITIVE_INFINITY;
      for (let attempt = 0; attempt < 5; attempt++) fastest = Math.min(fastest, (await send()).elapsedMs);
      return fastest;
    };
    const preflight = () => preflightFrom(url, hostile, BLOG);
    expect((await preflight()).status).toBe(204);
    expect(await best(preflight)).toBeLessThan(50);
    const unrelated = async () => {
      const [health] = await Promise.all([sendRaw(url, "GET", "/health", []), preflight()]);
      expect(health.body).toBe("ok");
      return health;
    };
    expect(await best(unrelated)).toBeLessThan(50);
  });
});

describe("crossgate/fastify: when every route follows the registration's policy, no route is looked up", () => {
  const narrow = { origins: [PARTNER], methods: ["DELETE"] };
  const paths = ["/narrow", "/%6Earrow", "/narrow?x=1"];

  it("still refuses the preflights of a route whose own config.cors is narrower", async () => {
    const app = await build(async (app) => {
      await app.register(cors(OPTIONS));
      app.get("/posts", async () => "posts");
      app.delete("/narrow", { config: { cors: narrow } }, async () => "narrow");
    });
    for (const path of paths) {
      expect([path, (await app.inject(preflight(path, APP, "DELETE"))).statusCode]).toEqual([path, 403]);
      expect([path, acao(await app.inject(preflight(path, PARTNER, "DELETE")))]).toEqual([path, PARTNER]);
    }
    expect(acao(await app.inject(preflight("/posts", APP, "DELETE")))).toBe(APP);
  });

  it("still refuses the preflights of a route under a second registration in an encapsulated plugin", async () => {
    const app = await build(async (app) => {
      await app.register(cors(OPTIONS));
      app.get("/posts", async () => "posts");
      // No prefix: the plugin's routes sit among the root's, and only their recorded policy tells them apart.
      await app.register(async (inner) => {
        await inner.register(cors(narrow));
        inner.delete("/narrow", async () => "narrow");
      });
    });
    for (const path of paths) {
      expect([path, (await app.inject(preflight(path, APP, "DELETE"))).statusCode]).toEqual([path, 403]);
      expect([path, acao(await app.inject(preflight(path, PARTNER, "DELETE")))]).toEqual([path, PARTNER]);
    }
    expect(acao(await app.inject({ method: "DELETE", url: "/narrow", headers: { origin: APP } }))).toBeUndefined();
  });

  it("still refuses the preflights of a route a plugin added before crossgate", async () => {
    const app = await build(async (app) => {
      await app.register(async (early) => void early.delete("/narrow", { config: { cors: narrow } }, async () => "narrow"));
      await app.register(cors(OPTIONS));
      app.get("/posts", async () => "posts");
    });
    for (const path of paths) expect([path, (await app.inject(preflight(path, APP, "DELETE"))).statusCode]).toEqual([path, 403]);
    // Its actual requests read its config.cors.
    expect(acao(await app.inject({ method: "DELETE", url: "/narrow", headers: { origin: PARTNER } }))).toBe(PARTNER);
  });

  it("answers every path with the one policy when no route has its own", async () => {
    const app = await build(async (app) => {
      await app.register(cors(OPTIONS));
      app.get("/posts/:id", async () => "post");
      app.delete("/posts/:id", async () => "deleted");
      await app.register(async (api) => void api.get("/", async () => "api"), { prefix: "/api" });
    });
    for (const path of ["/posts/1", "/%70osts/1", "/api", "/api/", "/missing"]) {
      const answer = await app.inject(preflight(path, APP, "DELETE"));
      expect([path, answer.statusCode, acao(answer)]).toEqual([path, 204, APP]);
      expect([path, (await app.inject(preflight(path, PARTNER, "DELETE"))).statusCode]).toEqual([path, 403]);
    }
    const actual = await app.inject({ url: "/posts/1", headers: { origin: APP } });
    expect([acao(actual), actual.headers.vary]).toEqual([APP, "Origin"]);
  });
});
