/**
 * The contract apps built on Web `Request`/`Response` only, so one definition serves every runtime:
 * Node (through a small bridge, in ./adapters.ts and ../csrf/servers.ts) and, out of process, Bun,
 * Deno, workerd and Next.js (../runtimes/apps/). The crossgate module is a parameter: the Node
 * suites pass the sources, the runtime apps pass the published `crossgate/fetch` and `crossgate/hono`.
 * No `node:` import here. The routes are the ones listed in ./adapters.ts.
 */
import type { Hono as HonoClass } from "hono";
import type * as FetchModule from "../../src/adapters/fetch.ts";
import type * as HonoModule from "../../src/adapters/hono.ts";
import type { CorsOptions, CorsPolicy, CsrfPolicy } from "../../src/index.ts";

export type FetchAdapter = Pick<typeof FetchModule, "cors" | "csrf" | "csrfTokenHandler" | "rotateCsrfToken">;
export type HonoAdapter = Pick<typeof HonoModule, "cors" | "csrf" | "csrfTokenHandler" | "rotateCsrfToken">;
export type Handler = (request: Request) => Response | Promise<Response>;

/** The policies an app is built from; no `cors` means no CORS middleware at all. */
export interface WebContractConfig {
  readonly cors?: CorsOptions | CorsPolicy;
  readonly overrideCors?: CorsOptions | CorsPolicy;
}

const text = (body: string, status = 200, headers: Record<string, string> = {}) =>
  new Response(body, { status, headers: { "Content-Type": "text/plain", ...headers } });
const byMethod = (table: Record<string, () => Response>): Handler => (request) => table[request.method]?.() ?? text("not found", 404);

/**
 * The CORS contract as Fetch handlers, one wrapped handler per path (the Next.js idiom: each route
 * file wraps its own handlers). `"*"` is the handler for every other path (the app's 404).
 */
export function contractFetchRoutes(adapter: Pick<FetchAdapter, "cors">, config: WebContractConfig): Record<string, Handler> {
  const wrap = (policy: CorsOptions | CorsPolicy | false | undefined): ((handler: Handler) => Handler) =>
    policy === undefined ? (handler) => handler : adapter.cors(policy, { onError: () => {} });
  const app = wrap(config.cors);
  return {
    "/api/items": app(
      byMethod({
        GET: () => Response.json([{ id: 1 }], { headers: { "X-Total": "1" } }),
        POST: () => Response.json({ id: 2 }, { status: 201 }),
        PUT: () => Response.json({ id: 1 }),
      }),
    ),
    "/api/throws": app(() => {
      throw new Error("boom");
    }),
    "/api/unauthorized": app(() => Response.json({ detail: "login required" }, { status: 401 })),
    "/api/vary": app(byMethod({ GET: () => text("vary", 200, { Vary: "Accept-Encoding" }) })),
    "/api/vary-star": app(byMethod({ GET: () => text("vary", 200, { Vary: "*" }) })),
    "/api/options": app(byMethod({ OPTIONS: () => text("allow", 200, { Allow: "GET, OPTIONS" }) })),
    "/api/override": wrap(config.overrideCors ?? config.cors)(byMethod({ GET: () => text("override"), PUT: () => text("override") })),
    "/api/off": byMethod({ GET: () => text("off"), POST: () => text("off") }),
    "*": app(() => text("not found", 404)),
  };
}

/** One handler over a path table (what a file router does). */
export function routeByPath(routes: Record<string, Handler>): Handler {
  const fallback = routes["*"] ?? (() => text("not found", 404));
  return (request) => (routes[new URL(request.url).pathname] ?? fallback)(request);
}

/** The CORS contract on Hono: path middleware, most specific first. */
export function contractHonoApp(Hono: typeof HonoClass, adapter: Pick<HonoAdapter, "cors">, config: WebContractConfig): HonoClass {
  const app = new Hono();
  app.onError((_error, c) => c.text("Internal Server Error", 500));
  if (config.cors !== undefined) {
    app.use("/api/off", adapter.cors(false));
    if (config.overrideCors !== undefined) app.use("/api/override", adapter.cors(config.overrideCors));
    app.use("*", adapter.cors(config.cors));
  }
  app.get("/api/items", (c) => c.json([{ id: 1 }], 200, { "X-Total": "1" }));
  app.post("/api/items", (c) => c.json({ id: 2 }, 201));
  app.put("/api/items", (c) => c.json({ id: 1 }));
  app.get("/api/throws", () => {
    throw new Error("boom");
  });
  app.get("/api/unauthorized", (c) => c.json({ detail: "login required" }, 401));
  app.get("/api/vary", (c) => c.text("vary", 200, { Vary: "Accept-Encoding" }));
  app.get("/api/vary-star", (c) => c.text("vary", 200, { Vary: "*" }));
  app.options("/api/options", (c) => c.text("allow", 200, { Allow: "GET, OPTIONS" }));
  app.on(["GET", "PUT"], "/api/override", (c) => c.text("override"));
  app.on(["GET", "POST"], "/api/off", (c) => c.text("off"));
  return app;
}

const newSession = (header: string | null | undefined) => header ?? undefined;

/**
 * The CSRF matrix app as Fetch handlers: CORS outside, the guard inside, only on the handlers that
 * need it (the token endpoint and the webhook are not guarded).
 *   GET /api/csrf   token endpoint · POST /api/things protected · POST /api/login protected, rotates
 *   the token for the session named in X-New-Session · POST /webhooks/hook not checked
 */
export function csrfFetchRoutes(adapter: FetchAdapter, corsPolicy: CorsPolicy, csrfPolicy: CsrfPolicy): Record<string, Handler> {
  const withCors = adapter.cors(corsPolicy);
  const api = adapter.csrf(csrfPolicy)(async (request: Request) => {
    const path = new URL(request.url).pathname;
    if (path === "/api/login") {
      const headers = new Headers({ "Content-Type": "application/json" });
      const fresh = await adapter.rotateCsrfToken(csrfPolicy, request, headers, { sessionId: newSession(request.headers.get("x-new-session")) });
      return new Response(JSON.stringify({ csrfToken: fresh }), { headers });
    }
    const type = request.headers.get("content-type") ?? "";
    const form = type.includes("form") ? Object.fromEntries(await request.formData()) : null;
    return Response.json({ ok: true, form });
  });
  return {
    "/api/csrf": withCors(adapter.csrfTokenHandler(csrfPolicy)),
    "/api/things": withCors(api),
    "/api/login": withCors(api),
    "/webhooks/hook": withCors(() => new Response("hooked")),
    "*": withCors(() => text("not found", 404)),
  };
}

/** The CSRF matrix app on Hono: CORS everywhere, the guard scoped to `/api/*` (so `/webhooks/*` is not checked). */
export function csrfHonoApp(Hono: typeof HonoClass, adapter: HonoAdapter, corsPolicy: CorsPolicy, csrfPolicy: CsrfPolicy): HonoClass {
  const app = new Hono();
  app.use("*", adapter.cors(corsPolicy));
  app.use("/api/*", adapter.csrf(csrfPolicy));
  app.get("/api/csrf", adapter.csrfTokenHandler(csrfPolicy));
  app.post("/webhooks/hook", (c) => c.text("hooked"));
  app.post("/api/login", async (c) => c.json({ csrfToken: await adapter.rotateCsrfToken(csrfPolicy, c, { sessionId: newSession(c.req.header("x-new-session")) }) }));
  app.post("/api/things", async (c) => {
    const type = c.req.header("content-type") ?? "";
    return c.json({ ok: true, form: type.includes("form") ? await c.req.parseBody() : null });
  });
  return app;
}
