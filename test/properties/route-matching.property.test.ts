// Route lists under doubt: for random spellings of random paths, leaving a path rule open never
// picks an entry that a router which settles the rule either way would not pick. Open rules may
// only turn an answer into "no entry is certain" (ROUTE_UNCERTAIN), never into another entry.
// CROSSGATE_PROPERTY_RUNS sets the runs (default 2,000; `npm run test:nightly` runs more).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { corsRoutes, ROUTE_UNCERTAIN, type PathMatching } from "../../src/index.ts";

const RUNS = Math.max(100, Math.floor(Number(process.env.CROSSGATE_PROPERTY_RUNS ?? 10_000) / 5));

const admin = { origins: ["https://admin.example.com"], credentials: true };
const routes = corsRoutes([
  ["/admin/*", admin],
  ["/Account", admin],
  ["/users/:id/avatar", { origins: "*" }],
  ["/health/", false],
  [/^\/legacy\/v[12]\//, { origins: ["https://old.example.com"] }],
  ["/api/*", { origins: ["https://app.example.com"] }],
  ["*", { origins: ["https://*.example.com"], credentials: true }],
]);

/** Segments that spell the patterns' words oddly: case, encodings (an encoded slash included), dots, `;`. */
const segment = fc.constantFrom("admin", "ADMIN", "%61dmin", "Account", "account", "%41ccount", "users", "42", "avatar", "api", "legacy", "v1", "%76" + "1", "health", ".", "..", "%2e%2e", "", "a;b", "x%2Fy", "%2F", "%E0%A4", "%FF", "ünï");
const path = fc.tuple(fc.array(segment, { maxLength: 6 }), fc.boolean()).map(([segments, slash]) => `/${segments.join("/")}${slash ? "/" : ""}`);
const RULES = ["caseSensitive", "strictTrailingSlash", "decodesPath", "mergesSlashes", "resolvesDotSegments", "semicolonEndsPath"] as const;
const rule = fc.constantFrom(true, false, undefined);
const matching = fc.tuple(rule, rule, rule, rule, rule, rule).map((values) => Object.fromEntries(RULES.map((name, index) => [name, values[index]]).filter(([, value]) => value !== undefined)) as PathMatching);

describe("corsRoutes: doubt never widens access", () => {
  it("an open rule gives the answer of every settled router, or no entry at all", () => {
    fc.assert(
      fc.property(path, matching, fc.array(fc.boolean(), { minLength: 6, maxLength: 6 }), (target, open, fill) => {
        const under = routes.policyFor(target, open);
        if (under === ROUTE_UNCERTAIN) return;
        // Settle every open rule (any way): the settled router must pick the same entry.
        const settled: Record<string, boolean> = { ...(open as Record<string, boolean>) };
        RULES.forEach((name, index) => (settled[name] ??= fill[index]!));
        expect(routes.policyFor(target, settled)).toBe(under);
      }),
      { numRuns: RUNS },
    );
  });

  it("a plain path, in words every pattern spells one way, always gets a certain entry", () => {
    const plain = fc.array(fc.constantFrom("admin", "users", "42", "avatar", "api", "items", "legacy", "v1"), { maxLength: 5 }).map((segments) => `/${segments.join("/")}`);
    fc.assert(
      fc.property(plain, matching, (target, open) => {
        expect(routes.policyFor(target, open)).not.toBe(ROUTE_UNCERTAIN);
      }),
      { numRuns: RUNS },
    );
  });
});
