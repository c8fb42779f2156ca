import Fastify, { type FastifyInstance, type FastifyServerOptions } from "fastify";
import { describe, expect, it } from "vitest";
import { toCorsDecider, type CorsDecider } from "../../core/cors/routes.ts";
import { FastifyRouteTable, type FastifyRouting } from "./fastify-routes.ts";

const admin = toCorsDecider({ origins: ["https://admin.example.com"] });
const partner = toCorsDecider({ origins: ["https://partner.example.com"] });

/** A Fastify app whose routes (added after the table listens) are recorded with the given CORS. */
async function tableFor(options: FastifyServerOptions, add: (app: FastifyInstance, cors: (decider: CorsDecider) => object) => void): Promise<FastifyRouteTable> {
  const app = Fastify(options);
  const table = new FastifyRouteTable(app as unknown as FastifyRouting);
  const cors = new Map<object, CorsDecider>();
  app.addHook("onRoute", (route) => {
    const decider = cors.get(route.config as object);
    if (decider !== undefined) table.record(route, decider);
  });
  add(app, (decider) => {
    const config = {};
    cors.set(config, decider);
    return { config };
  });
  await app.ready();
  return table;
}

describe("FastifyRouteTable.lookup", () => {
  it("finds the route Fastify's router serves, with Fastify's decoding and precedence", async () => {
    const table = await tableFor({}, (app, cors) => {
      app.delete("/admin/users/:id", cors(admin), async () => "");
      app.delete("/admin/settings", cors(admin), async () => "");
      app.delete("/*", cors(partner), async () => "");
    });
    for (const url of ["/admin/users/1", "/%61dmin/users/1", "/admin/%73ettings", "/admin/settings?x=1"]) {
      expect(table.lookup("DELETE", url, undefined), url).toEqual({ found: admin });
    }
    expect(table.lookup("DELETE", "/ADMIN/settings", undefined)).toEqual({ found: partner });
    expect(table.lookup("DELETE", "/admin/settings/", undefined)).toEqual({ found: partner });
    expect(table.lookup("PUT", "/admin/settings", undefined)).toEqual({ found: "none" });
  });

  it("follows the app's router options", async () => {
    // useSemicolonDelimiter is a router option Fastify 5 reads but does not type under routerOptions.
    const routerOptions = { caseSensitive: false, ignoreTrailingSlash: true, ignoreDuplicateSlashes: true, useSemicolonDelimiter: true };
    const table = await tableFor({ routerOptions } as FastifyServerOptions, (app, cors) => {
      app.delete("/admin/settings", cors(admin), async () => "");
      app.delete("/*", cors(partner), async () => "");
    });
    for (const url of ["/ADMIN/settings", "/admin/settings/", "//admin//settings", "/admin/settings;x=1", "/Admin/%53ettings/"]) {
      expect(table.lookup("DELETE", url, undefined), url).toEqual({ found: admin });
    }
  });

  it("is uncertain about a route it did not see added, a bad URL and an over-long parameter", async () => {
    const table = await tableFor({}, (app, cors) => {
      app.delete("/known/:id", cors(admin), async () => "");
      app.delete("/unknown", async () => "");
    });
    expect(table.lookup("DELETE", "/unknown", undefined)).toEqual({ found: "uncertain" });
    expect(table.lookup("DELETE", "/known/%E0%A4%A", undefined)).toEqual({ found: "uncertain" });
    expect(table.lookup("DELETE", `/known/${"x".repeat(200)}`, undefined)).toEqual({ found: "uncertain" });
    expect(table.lookup("DELETE", "/known/1", undefined)).toEqual({ found: admin });
  });

  it("keeps host-constrained routes apart, and refuses to guess without its second router", async () => {
    const table = await tableFor({}, (app, cors) => {
      app.delete("/items", { ...cors(admin), constraints: { host: "admin.example.com" } }, async () => "");
      app.delete("/items", cors(partner), async () => "");
    });
    expect(table.lookup("DELETE", "/items", "admin.example.com")).toEqual({ found: admin });
    expect(table.lookup("DELETE", "/items", "www.example.com")).toEqual({ found: partner });

    const app = Fastify();
    const blind = new FastifyRouteTable(app as unknown as FastifyRouting, null);
    app.addHook("onRoute", (route) => blind.record(route, admin));
    app.delete("/items", async () => "");
    await app.ready();
    expect(blind.lookup("DELETE", "/items", undefined)).toEqual({ found: "uncertain" });
  });
});

describe("FastifyRouteTable.follows", () => {
  /** Every route of the app recorded with `decider` unless `skip` says otherwise. */
  async function everyRoute(add: (app: FastifyInstance) => void | Promise<void>, deciderFor: (url: string) => CorsDecider | undefined = () => admin): Promise<FastifyRouteTable> {
    const app = Fastify();
    const table = new FastifyRouteTable(app as unknown as FastifyRouting);
    app.addHook("onRoute", (route) => {
      const decider = deciderFor(route.url);
      if (decider !== undefined) table.record(route, decider);
    });
    await add(app);
    await app.ready();
    return table;
  }
  const typicalApp = async (app: FastifyInstance) => {
    app.get("/posts/:id", async () => "");
    app.delete("/posts/:id", async () => "");
    app.put("/files/*", async () => "");
    app.get("/tenants", { constraints: { host: "admin.example.com" } }, async () => "");
    app.get("/tenants", { constraints: { version: "1.0.0" } }, async () => "");
    await app.register(
      async (api) => {
        api.get("/", async () => "");
        api.post("/orders", async () => "");
      },
      { prefix: "/api" },
    );
  };

  it("holds when every route Fastify serves was recorded with one policy (HEAD routes, prefixes and constraints included)", async () => {
    const table = await everyRoute(typicalApp);
    expect(table.follows(admin)).toBe(true);
    expect(table.follows(partner)).toBe(false);
    expect(await everyRoute(() => {}).then((empty) => empty.follows(partner))).toBe(true);
  });

  it("fails when one route has another policy, when a route was not recorded, or with a custom constraint", async () => {
    expect((await everyRoute(typicalApp, (url) => (url === "/api/orders" ? partner : admin))).follows(admin)).toBe(false);
    expect((await everyRoute(typicalApp, (url) => (url === "/files/*" ? undefined : admin))).follows(admin)).toBe(false);
    const custom = await everyRoute((app) => {
      app.addConstraintStrategy({
        name: "tenant",
        storage: () => {
          const stores = new Map<unknown, never>();
          return { get: (key) => stores.get(key) ?? null, set: (key, handler) => void stores.set(key, handler as never) };
        },
        deriveConstraint: (request) => request.headers["x-tenant"],
      });
      app.get("/tenants", { constraints: { tenant: "a" } }, async () => "");
    });
    expect(custom.follows(admin)).toBe(false);
  });

  it("fails for a route added before the table listened, or by a plugin out of its sight", async () => {
    const app = Fastify();
    app.get("/early", async () => "");
    const table = new FastifyRouteTable(app as unknown as FastifyRouting);
    await app.register(async (child) => {
      child.addHook("onRoute", (route) => table.record(route, admin));
      child.get("/seen", async () => "");
    });
    await app.register(async (sibling) => void sibling.get("/unseen", async () => ""));
    await app.ready();
    expect(table.follows(admin)).toBe(false);
  });

  it("asks again after a route is recorded, and never holds without Fastify's route tree", async () => {
    const table = await everyRoute(typicalApp);
    expect(table.follows(admin)).toBe(true);
    table.record({ method: "GET", url: "/later" }, admin);
    expect(table.follows(admin)).toBe(false);

    const app = Fastify();
    const { printRoutes: _omitted, ...routing } = { findRoute: app.findRoute.bind(app), printRoutes: app.printRoutes.bind(app), initialConfig: app.initialConfig };
    const blind = new FastifyRouteTable(routing);
    await app.ready();
    expect(blind.follows(admin)).toBe(false);
  });
});
