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
