import { describe, expect, it } from "vitest";
import { toCorsDecider } from "../../core/cors/routes.ts";
import { FastifyRouteTable, type RouteFinder } from "./fastify-routes.ts";

const app = toCorsDecider({ origins: ["https://app.example.com"] });
const partner = toCorsDecider({ origins: ["https://partner.example.com"] });

/** A router that serves `/items/:id` and counts how often it is asked. */
function countingFinder(): RouteFinder & { calls: number } {
  return {
    calls: 0,
    findRoute({ url }) {
      this.calls++;
      const match = /^\/items\/([^/]+)$/.exec(url);
      return match === null ? null : { params: { id: match[1] } };
    },
  };
}

describe("FastifyRouteTable.lookupOr", () => {
  it("answers the fallback without asking the router when every route of the method follows it", () => {
    const table = new FastifyRouteTable();
    table.record("PUT", "/items/:id", app);
    const finder = countingFinder();
    expect(table.lookupOr(finder, "PUT", "/items/1", app)).toBe(app);
    expect(table.lookupOr(finder, "DELETE", "/items/1", app)).toBe(app);
    expect(finder.calls).toBe(0);
  });

  it("asks the router once routes differ, and falls back when no route serves the path", () => {
    const table = new FastifyRouteTable();
    table.record("PUT", "/items/:id", partner);
    table.record("PUT", "/other", app);
    const finder = countingFinder();
    expect(table.lookupOr(finder, "PUT", "/items/1", app)).toBe(partner);
    expect(table.lookupOr(finder, "PUT", "/nowhere", app)).toBe(app);
    expect(finder.calls).toBe(2);
  });

  it("consults routes whose shared policy is not the asking registration's own", () => {
    const table = new FastifyRouteTable();
    table.record("PUT", "/items/:id", partner);
    expect(table.lookupOr(countingFinder(), "PUT", "/items/1", app)).toBe(partner);
    // An inner registration replacing the route's CORS makes the method uniform again.
    table.record("PUT", "/items/:id", app);
    const finder = countingFinder();
    expect(table.lookupOr(finder, "PUT", "/items/1", app)).toBe(app);
    expect(finder.calls).toBe(0);
  });
});
