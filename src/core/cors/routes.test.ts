import { describe, expect, it } from "vitest";
import { isConfigError } from "../errors.ts";
import { requestViewFromRecord } from "../request.ts";
import { createCorsPolicy } from "./policy.ts";
import { CORS_OFF, corsRoutes, isCorsRoutes, ROUTE_UNCERTAIN, routeUncertainFor, toCorsDecider, type CorsRoute } from "./routes.ts";
import type { CorsRefusalEvent } from "../refusal.ts";
import type { CorsPlan } from "./decide.ts";

const APP = "https://app.example.com";
const publicApi = createCorsPolicy({ origins: "*" });
const privateApi = createCorsPolicy({ origins: [APP], credentials: true });

const routes = corsRoutes([
  ["/api/public/*", publicApi],
  ["/api/webhooks/*", false],
  ["/users/:id/avatar", publicApi],
  [/^\/legacy\/v[12]\//, { origins: ["https://old.example.com"] }],
  ["/health", false],
  ["/api/*", privateApi],
]);

/** Every rule known, none of them loosening: the path is compared as received. */
const LITERAL = { caseSensitive: true, strictTrailingSlash: true, decodesPath: false, mergesSlashes: false, resolvesDotSegments: false, semicolonEndsPath: false };
const U = ROUTE_UNCERTAIN;

describe("corsRoutes: which policy a path gets (first match wins)", () => {
  it.each([
    ["/api/public/feed", publicApi],
    ["/api/public", publicApi],
    ["/api/public/", publicApi],
    ["/api/publicity", privateApi],
    ["/api/webhooks/stripe", undefined],
    ["/api/items", privateApi],
    ["/api/items?filter=public", privateApi],
    ["/api", privateApi],
    ["/apix", undefined],
    ["/users/42/avatar", publicApi],
    ["/users/42/avatar/x", undefined],
    ["/users//avatar", undefined],
    ["/health", undefined],
    ["/", undefined],
    ["/api/public%2Ffeed", privateApi],
    ["/api/%70ublic/feed", privateApi],
    ["/api/%E0%A4%A", privateApi],
  ] as const)("%s, read as received", (path, want) => {
    expect(routes.policyFor(path, LITERAL)).toBe(want);
  });

  // Every rule unknown (node:http, Fetch handlers): a path must pick the same entry every way it
  // can be read, or no entry is certain.
  it.each([
    ["/api/items", privateApi],
    ["/api/items/", privateApi],
    ["/API/items", U],
    ["/health/", undefined],
    ["/api/%69tems", privateApi],
    ["/api/public/a%20b", publicApi],
    ["/api/public%2Ffeed", U],
    ["/api/%70ublic/feed", U],
    ["/API/PUBLIC/feed", U],
    ["/api/public/..%2Fitems", U],
    ["/api/public/../items", U],
    ["/api/public/%2e%2e/items", U],
    ["/api//public/feed", U],
    ["//api/public/feed", U],
    ["/api/public;x/feed", U],
    ["/api/public%2F..%2F..%2Fadmin", U],
    ["/api/%E0%A4%A", privateApi],
    [`/api/public/${"%41".repeat(3000)}`, U],
    [`/api/public/${"a".repeat(30_000)}`, publicApi],
  ] as const)("%s, every rule unknown", (path, want) => {
    expect(routes.policyFor(path)).toBe(want);
  });

  it.each([
    // Express's and @koa/router's defaults: case-insensitive, trailing slash optional.
    [{ caseSensitive: false, strictTrailingSlash: false }, "/API/Public/feed", publicApi],
    [{ caseSensitive: false, strictTrailingSlash: false }, "/Users/42/Avatar/", publicApi],
    [{ caseSensitive: false, strictTrailingSlash: false }, "/HEALTH/", undefined],
    [{ caseSensitive: false, strictTrailingSlash: false }, "/api/%70ublic/feed", U],
    // Hono: case-sensitive, decodes, keeps an encoded slash inside its segment.
    [{ caseSensitive: true, decodesPath: true, mergesSlashes: false, resolvesDotSegments: false, semicolonEndsPath: false }, "/api/%70ublic/feed", publicApi],
    [{ caseSensitive: true, decodesPath: true, mergesSlashes: false, resolvesDotSegments: false, semicolonEndsPath: false }, "/api/public%2Ffeed", privateApi],
    [{ caseSensitive: true, decodesPath: true, mergesSlashes: false, resolvesDotSegments: false, semicolonEndsPath: false }, "/API/public/feed", undefined],
    // Fastify with ignoreDuplicateSlashes and useSemicolonDelimiter.
    [{ ...LITERAL, decodesPath: true, mergesSlashes: true, semicolonEndsPath: true }, "//api//public/feed", publicApi],
    [{ ...LITERAL, decodesPath: true, mergesSlashes: true, semicolonEndsPath: true }, "/api/public;x", publicApi],
  ] as const)("%j: %s", (matching, path, want) => {
    expect(routes.policyFor(path, matching)).toBe(want);
  });

  it("tests RegExp patterns as written against each reading", () => {
    expect(routes.policyFor("/legacy/v2/items")).toBeDefined();
    expect(routes.policyFor("/legacy/%76" + "1/items", { decodesPath: true })).toBe(routes.policyFor("/legacy/v1/items"));
    expect(routes.policyFor("/legacy/%76" + "1/items")).toBe(U);
    expect(routes.policyFor("/legacy/v3/items")).toBeUndefined();
    expect(routes.policyFor("/LEGACY/v1/items", { caseSensitive: false })).toBeUndefined();
  });

  it("binds one decider per matching, and grants nothing where no entry is certain", () => {
    const express = routes.withMatching({ caseSensitive: false, strictTrailingSlash: false });
    expect(routes.withMatching({ strictTrailingSlash: false, caseSensitive: false })).toBe(express);
    expect(toCorsDecider(routes, { caseSensitive: false, strictTrailingSlash: false })).toBe(express);
    const actual = express.decide(requestViewFromRecord("GET", "/api/%70ublic/feed", { origin: APP })) as CorsPlan;
    expect([actual.verdict, actual.reason, actual.headers, actual.vary]).toEqual(["refused", "route-uncertain", [], ""]);
    const preflight = express.decide(requestViewFromRecord("OPTIONS", "/api/%70ublic/feed", { origin: APP, "access-control-request-method": "PUT" })) as CorsPlan;
    expect([preflight.action, preflight.status, preflight.headers]).toEqual(["respond", 403, []]);
    expect((express.decide(requestViewFromRecord("GET", "/API/Items", { origin: APP })) as CorsPlan).verdict).toBe("allowed");
  });

  it("decides with the matching policy, and not at all where CORS is off", async () => {
    const view = (path: string, origin: string) => requestViewFromRecord("GET", path, { origin });
    const granted = (await routes.decide(view("/api/items", APP))) as CorsPlan;
    expect(granted.verdict).toBe("allowed");
    expect(granted.headers).toContainEqual(["Access-Control-Allow-Credentials", "true"]);
    expect(((await routes.decide(view("/api/items", "https://evil.example"))) as CorsPlan).verdict).toBe("refused");
    expect(((await routes.decide(view("/api/public/feed", "https://evil.example"))) as CorsPlan).headers).toContainEqual(["Access-Control-Allow-Origin", "*"]);
    expect(routes.decide(view("/api/webhooks/x", APP))).toBe(CORS_OFF);
    expect(routes.decide(view("/nowhere", APP))).toBe(CORS_OFF);
  });

  it("answers a preflight with the policy of the path it is for", () => {
    const preflight = requestViewFromRecord("OPTIONS", "/api/items", { origin: APP, "access-control-request-method": "PUT" });
    const plan = routes.decide(preflight) as CorsPlan;
    expect(plan.action).toBe("respond");
    expect(plan.verdict).toBe("allowed");
    const off = requestViewFromRecord("OPTIONS", "/health", { origin: APP, "access-control-request-method": "PUT" });
    expect(routes.decide(off)).toBe(CORS_OFF);
  });
});

describe("corsRoutes: validation reports every bad entry at once", () => {
  it("names each bad pattern and each bad option with its path in the list", () => {
    let caught: unknown;
    try {
      corsRoutes([
        ["api/*", false],
        ["/a/*/b", false],
        [/\/admin/, false],
        ["/users/:id-x", false],
        ["/ok", { origins: ["https://app.example.com/"], methds: ["GET"] } as never],
        ["/ok", false],
        ["/x"] as unknown as CorsRoute,
        ["/y", "yes" as never],
        [42 as never, false],
      ]);
    } catch (error) {
      caught = error;
    }
    expect(isConfigError(caught)).toBe(true);
    const issues = (caught as { issues: { option: string; code: string }[] }).issues.map((issue) => `${issue.option} ${issue.code}`);
    expect(issues).toEqual([
      "routes[0][0] value-invalid",
      "routes[1][0] value-invalid",
      "routes[2][0] regex-unanchored",
      "routes[3][0] value-invalid",
      expect.stringMatching(/^routes\[4\]\[1\]\.(origins\[0\]|methds) /),
      expect.stringMatching(/^routes\[4\]\[1\]\.(origins\[0\]|methds) /),
      "routes[5][0] value-invalid",
      "routes[6] wrong-type",
      "routes[7][1] wrong-type",
      "routes[8][0] wrong-type",
    ]);
    expect(String((caught as Error).message)).toContain("crossgate: invalid CORS routes");
  });

  it("refuses a list that is not an array", () => {
    expect(() => corsRoutes({} as never)).toThrow(/routes: .*must be an array/);
  });
});

describe("toCorsDecider", () => {
  it("accepts options, a policy, a route list or false", () => {
    expect(toCorsDecider(false).decide(requestViewFromRecord("GET", "/", { origin: APP }))).toBe(CORS_OFF);
    expect(toCorsDecider(privateApi)).toBe(privateApi);
    expect(toCorsDecider(routes)).toBe(routes);
    expect(isCorsRoutes(routes)).toBe(true);
    expect(isCorsRoutes(privateApi)).toBe(false);
    expect(() => toCorsDecider({ origins: ["nope"] })).toThrow(/origins\[0\]/);
  });
});

describe("routeUncertainFor: a route-uncertain refusal is reported through the registration's policy", () => {
  const view = (preflight: boolean) =>
    preflight
      ? requestViewFromRecord("OPTIONS", "/early?x=1", { origin: APP, "access-control-request-method": "DELETE" })
      : requestViewFromRecord("GET", "/early", { origin: APP });

  it.each([
    // [registration, preflight, onRefusal events, logged lines, Crossgate-Refusal header]
    ["a policy with onRefusal", { onRefusal: true }, true, 1, 0, undefined],
    ["a policy with onRefusal", { onRefusal: true }, false, 1, 0, undefined],
    ["a policy with debug", { debug: true }, true, 0, 1, "route-uncertain"],
    ["a policy with debug", { debug: true }, false, 0, 1, "route-uncertain"],
    ["a policy with both", { onRefusal: true, debug: true }, true, 1, 1, "route-uncertain"],
    ["a policy with neither", {}, true, 0, 0, undefined],
  ] as const)("%s (%j), preflight %s: %i events, %i log lines, header %s", (_name, watch, preflight, events, lines, header) => {
    const seen: CorsRefusalEvent[] = [];
    const logged: string[] = [];
    const policy = createCorsPolicy({
      origins: [APP],
      debug: "debug" in watch,
      logger: { warn: (line: string) => void logged.push(line) },
      ...("onRefusal" in watch ? { onRefusal: (event: CorsRefusalEvent) => void seen.push(event) } : {}),
    });
    const plan = routeUncertainFor(policy).decide(view(preflight)) as CorsPlan;
    expect([plan.verdict, plan.reason, plan.preflight, plan.status, plan.vary]).toEqual(["refused", "route-uncertain", preflight, preflight ? 403 : 0, ""]);
    expect(plan.headers.find(([name]) => name === "Crossgate-Refusal")?.[1]).toBe(header);
    expect(seen).toHaveLength(events);
    if (events > 0) expect(seen[0]).toMatchObject({ kind: "cors", reason: "route-uncertain", origin: APP, method: preflight ? "OPTIONS" : "GET", path: "/early", preflight, detail: undefined });
    expect(logged).toHaveLength(lines);
    if (lines > 0) expect(logged[0]).toMatch(/refused .* \/early from origin "https:\/\/app.example.com": crossgate cannot tell/);
  });

  it("answers exactly as ROUTE_UNCERTAIN, with the same plans, when the policy watches no refusal", () => {
    const quiet = routeUncertainFor(createCorsPolicy({ origins: [APP] }));
    for (const preflight of [true, false]) expect(quiet.decide(view(preflight))).toBe(ROUTE_UNCERTAIN.decide(view(preflight)));
  });

  it("follows reconfigure: onRefusal added later is told", () => {
    const seen: CorsRefusalEvent[] = [];
    const policy = createCorsPolicy({ origins: [APP] });
    const uncertain = routeUncertainFor(policy);
    uncertain.decide(view(true));
    policy.reconfigure({ origins: [APP], onRefusal: (event) => void seen.push(event) });
    uncertain.decide(view(true));
    expect(seen.map((event) => event.reason)).toEqual(["route-uncertain"]);
  });

  it.each([
    ["a route list", routes],
    ["CORS off", toCorsDecider(false)],
  ])("is ROUTE_UNCERTAIN itself for %s, which has no policy of its own to report through", (_name, registered) => {
    expect(routeUncertainFor(registered)).toBe(ROUTE_UNCERTAIN);
  });
});
