/**
 * One table of CORS behaviour, for any server that serves the contract app (routes listed in
 * ./adapters.ts) with `CONTRACT_CORS` app-wide and `CONTRACT_OVERRIDE` on `/api/override`
 * (./config.ts). The suite only talks HTTP to the server's URL, so the same rows run against every
 * Node adapter (./contract.test.ts) and against other runtimes out of process (../runtimes/).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { APP, EVIL, PARTNER } from "./config.ts";
import { send, tokens, type Reply } from "./http.ts";

/** A running server the contract talks to. */
export interface ContractServer {
  readonly url: string;
  close(): Promise<void>;
}

const HUGE = "x".repeat(1024 * 1024);

interface Want {
  /** Exact status. */
  status?: number;
  /** `Access-Control-Allow-Origin`; `null` means absent. */
  allowOrigin: string | null;
  /** `Access-Control-Allow-Credentials`; `null` means absent. */
  credentials?: "true" | null;
  /** Tokens that `Access-Control-Allow-Methods` must list. */
  methods?: string[];
  /** Tokens that `Access-Control-Allow-Headers` must list. */
  headers?: string[];
  /** Tokens that `Access-Control-Expose-Headers` must list. */
  expose?: string[];
  maxAge?: string;
  /** Tokens `Vary` must contain, or `"*"` for exactly `*`. */
  vary?: string[] | "*";
  /** `Vary` must not mention Origin. */
  noVaryOrigin?: true;
  /** The body must equal this (`""` for an empty preflight answer) or match it. */
  body?: string | RegExp;
  /** Extra header the app set that must survive. */
  appHeader?: [string, string];
  /** The answer must arrive within this many milliseconds. */
  withinMs?: number;
}

interface Row {
  desc: string;
  /** Sends a request head of about 1 MiB: a runtime whose own head limit is lower may refuse it itself (see `limitedHeads`). */
  bigHead?: true;
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: string;
  want: Want;
}

export const preflight = (origin: string, method: string, extra: Record<string, string> = {}) => ({
  Origin: origin,
  "Access-Control-Request-Method": method,
  ...extra,
});

const rows: Row[] = [
  // Preflights
  {
    desc: "preflight from an allowed origin is granted, before the app",
    method: "OPTIONS",
    path: "/api/items",
    headers: preflight(APP, "PUT", { "Access-Control-Request-Headers": "content-type,x-csrftoken" }),
    want: { status: 204, allowOrigin: APP, credentials: "true", methods: ["put"], headers: ["content-type", "x-csrftoken"], maxAge: "7200", vary: ["origin"], body: "" },
  },
  {
    desc: "preflight from an unknown origin is refused with 403 and no CORS header",
    method: "OPTIONS",
    path: "/api/items",
    headers: preflight(EVIL, "PUT"),
    want: { status: 403, allowOrigin: null, credentials: null, body: "" },
  },
  { desc: "preflight for a method not allowed is refused", method: "OPTIONS", path: "/api/items", headers: preflight(APP, "PATCH"), want: { status: 403, allowOrigin: null } },
  {
    desc: "preflight for a header not allowed is refused",
    method: "OPTIONS",
    path: "/api/items",
    headers: preflight(APP, "POST", { "Access-Control-Request-Headers": "x-evil" }),
    want: { status: 403, allowOrigin: null },
  },
  { desc: 'preflight from the "null" origin is refused', method: "OPTIONS", path: "/api/items", headers: preflight("null", "PUT"), want: { status: 403, allowOrigin: null } },
  { desc: "preflight for a path with no route is still answered", method: "OPTIONS", path: "/api/nowhere", headers: preflight(APP, "DELETE"), want: { status: 204, allowOrigin: APP } },

  // Actual requests
  {
    desc: "GET from an allowed origin: origin, credentials and exposed headers",
    method: "GET",
    path: "/api/items",
    headers: { Origin: APP },
    want: { status: 200, allowOrigin: APP, credentials: "true", expose: ["x-total"], vary: ["origin"], body: /"id":1/, appHeader: ["x-total", "1"] },
  },
  { desc: "POST from an allowed origin", method: "POST", path: "/api/items", headers: { Origin: APP, "Content-Type": "application/json" }, body: '{"name":"x"}', want: { status: 201, allowOrigin: APP, credentials: "true" } },
  {
    desc: "GET from an unknown origin reaches the app but grants nothing",
    method: "GET",
    path: "/api/items",
    headers: { Origin: EVIL },
    want: { status: 200, allowOrigin: null, credentials: null, vary: ["origin"], body: /"id":1/ },
  },
  { desc: "GET with no Origin (same-origin or not a browser) gets no CORS header", method: "GET", path: "/api/items", want: { status: 200, allowOrigin: null, vary: ["origin"] } },
  { desc: "GET with a query string", method: "GET", path: "/api/items?page=2", headers: { Origin: APP }, want: { status: 200, allowOrigin: APP } },

  // Vary
  { desc: "Vary set by the handler is merged, not replaced", method: "GET", path: "/api/vary", headers: { Origin: APP }, want: { status: 200, allowOrigin: APP, vary: ["accept-encoding", "origin"] } },
  { desc: "Vary: * from the handler stays *", method: "GET", path: "/api/vary-star", headers: { Origin: APP }, want: { status: 200, allowOrigin: APP, vary: "*" } },

  // Errors keep headers
  { desc: "a thrown error (500) keeps the CORS headers", method: "GET", path: "/api/throws", headers: { Origin: APP }, want: { status: 500, allowOrigin: APP, credentials: "true", vary: ["origin"] } },
  { desc: "a 401 keeps the CORS headers", method: "GET", path: "/api/unauthorized", headers: { Origin: APP }, want: { status: 401, allowOrigin: APP, credentials: "true" } },
  { desc: "a 404 keeps the CORS headers", method: "GET", path: "/api/nope", headers: { Origin: APP }, want: { status: 404, allowOrigin: APP, credentials: "true", vary: ["origin"] } },

  // OPTIONS that is not a preflight
  {
    desc: "OPTIONS without Access-Control-Request-Method reaches the app's OPTIONS route",
    method: "OPTIONS",
    path: "/api/options",
    headers: { Origin: APP },
    want: { status: 200, allowOrigin: APP, body: "allow", appHeader: ["allow", "GET, OPTIONS"] },
  },
  {
    desc: "OPTIONS without Origin reaches the app's OPTIONS route",
    method: "OPTIONS",
    path: "/api/options",
    headers: { "Access-Control-Request-Method": "GET" },
    want: { status: 200, allowOrigin: null, body: "allow", appHeader: ["allow", "GET, OPTIONS"] },
  },

  // Per-route override and off
  { desc: "override route: its own origin is allowed, without credentials", method: "GET", path: "/api/override", headers: { Origin: PARTNER }, want: { status: 200, allowOrigin: PARTNER, credentials: null, body: "override" } },
  { desc: "override route: the app-wide origin is not", method: "GET", path: "/api/override", headers: { Origin: APP }, want: { status: 200, allowOrigin: null, credentials: null, body: "override" } },
  {
    desc: "override route: its preflight follows the route's policy",
    method: "OPTIONS",
    path: "/api/override",
    headers: preflight(PARTNER, "PUT"),
    want: { status: 204, allowOrigin: PARTNER, credentials: null, methods: ["put"], maxAge: "60" },
  },
  { desc: "override route: a preflight from the app-wide origin is refused", method: "OPTIONS", path: "/api/override", headers: preflight(APP, "PUT"), want: { status: 403, allowOrigin: null } },
  { desc: "off route: no CORS header, no Vary: Origin", method: "GET", path: "/api/off", headers: { Origin: APP }, want: { status: 200, allowOrigin: null, credentials: null, noVaryOrigin: true, body: "off" } },
  { desc: "off route: crossgate does not answer its preflight", method: "OPTIONS", path: "/api/off", headers: preflight(APP, "POST"), want: { allowOrigin: null, credentials: null, noVaryOrigin: true } },

  // Hostile headers: refused, quickly, without crashing
  { desc: "a 1 MiB Origin is refused fast", bigHead: true, method: "GET", path: "/api/items", headers: { Origin: `https://${HUGE}.example` }, want: { status: 200, allowOrigin: null, withinMs: 2000 } },
  { desc: "a preflight with a 1 MiB Origin is refused fast", bigHead: true, method: "OPTIONS", path: "/api/items", headers: preflight(`https://${HUGE}.example`, "PUT"), want: { status: 403, allowOrigin: null, withinMs: 2000 } },
  {
    desc: "a preflight with 1 MiB of Access-Control-Request-Headers is refused fast",
    bigHead: true,
    method: "OPTIONS",
    path: "/api/items",
    headers: preflight(APP, "PUT", { "Access-Control-Request-Headers": `a,${"b,".repeat(512 * 1024)}c` }),
    want: { status: 403, allowOrigin: null, withinMs: 2000 },
  },
  { desc: "a malformed Origin is refused", method: "GET", path: "/api/items", headers: { Origin: "http://localhost:5173/path" }, want: { status: 200, allowOrigin: null } },
];

/** A runtime's own refusals of an oversized request head (Bad Request, Content Too Large, Request Header Fields Too Large). */
const HEAD_LIMIT_STATUSES = [400, 413, 431];

function check(reply: Reply, want: Want, headLimited = false): void {
  const h = reply.headers;
  if (headLimited && HEAD_LIMIT_STATUSES.includes(reply.status)) want = { ...want, status: reply.status };
  if (want.status !== undefined) expect(reply.status).toBe(want.status);
  expect(h["access-control-allow-origin"] ?? null).toBe(want.allowOrigin);
  if (want.credentials !== undefined) expect(h["access-control-allow-credentials"] ?? null).toBe(want.credentials);
  if (want.methods) expect(tokens(h["access-control-allow-methods"])).toEqual(expect.arrayContaining(want.methods));
  if (want.headers) expect(tokens(h["access-control-allow-headers"])).toEqual(expect.arrayContaining(want.headers));
  if (want.expose) expect(tokens(h["access-control-expose-headers"])).toEqual(expect.arrayContaining(want.expose));
  if (want.maxAge !== undefined) expect(h["access-control-max-age"]).toBe(want.maxAge);
  // One Vary line: a second one (a framework's and crossgate's side by side) means the values were not merged.
  expect(reply.rawHeaders.filter((name, index) => index % 2 === 0 && name.toLowerCase() === "vary")).toHaveLength(Math.min(1, tokens(h.vary).length));
  if (want.vary === "*") expect(h.vary).toBe("*");
  else if (want.vary) expect(tokens(h.vary)).toEqual(expect.arrayContaining(want.vary));
  if (want.noVaryOrigin) expect(tokens(h.vary)).not.toContain("origin");
  if (typeof want.body === "string") expect(reply.body).toBe(want.body);
  else if (want.body) expect(reply.body).toMatch(want.body);
  if (want.appHeader) expect(h[want.appHeader[0]]).toBe(want.appHeader[1]);
  if (want.withinMs !== undefined) expect(reply.elapsedMs).toBeLessThan(want.withinMs);
  if (want.allowOrigin === null) {
    for (const name of Object.keys(h)) {
      if (name.startsWith("access-control-")) expect.fail(`unexpected ${name}: ${String(h[name])}`);
    }
  }
}

export interface ContractRunOptions {
  /**
   * The server's own limit on request heads is below the 1 MiB the hostile rows send (Node's test
   * servers raise it to 2 MiB; Bun, Deno, workerd and Next.js keep theirs): those rows then also
   * pass when the runtime refuses the head itself, with no CORS header, within the time bound.
   */
  readonly limitedHeads?: boolean;
}

/** Registers the CORS contract for one server; the suite only talks HTTP to `start().url`. */
export function describeCorsContract(name: string, start: () => Promise<ContractServer>, options: ContractRunOptions = {}): void {
  describe(`CORS contract: ${name}`, () => {
    let server: ContractServer;
    beforeAll(async () => {
      server = await start();
    });
    afterAll(() => server?.close());

    it.each(rows.map((row) => [row.desc, row] as const))("%s", async (_desc, row) => {
      const headLimited = options.limitedHeads === true && row.bigHead === true;
      let reply: Reply;
      try {
        reply = await send(server.url, row.method, row.path, row.headers, row.body);
      } catch (error) {
        // A runtime may also refuse an oversized head by closing the connection while the client is
        // still writing it (Next.js: ECONNRESET or EPIPE instead of a readable 431); "stays up" below
        // then proves the server survived.
        const code = (error as { code?: unknown }).code;
        if (headLimited && (code === "ECONNRESET" || code === "EPIPE")) return;
        throw error;
      }
      check(reply, row.want, headLimited);
    });

    it("stays up after hostile requests", async () => {
      const reply = await send(server.url, "GET", "/api/items", { Origin: APP });
      expect(reply.status).toBe(200);
      expect(reply.headers["access-control-allow-origin"]).toBe(APP);
    });
  });
}
