// h3 2 (the server of Nitro and Nuxt) with crossgate/fetch through the documented middleware: h3
// speaks Web Request/Response, so the Fetch wrapper runs around `next()`, whose value h3's
// `toResponse` turns into the Response (errors included, with h3's own status). The CORS contract
// and the CSRF attack matrix run on it, served on Node through the contract's Fetch bridge.
import { H3, HTTPError, toResponse, type H3Event, type Middleware } from "h3";
import { describe, expect, it } from "vitest";
import { cors, csrf, csrfTokenHandler, rotateCsrfToken } from "../../../src/adapters/fetch.ts";
import { corsPolicy as csrfCorsPolicy, csrfPolicy, describeCsrfMatrix } from "../../csrf/matrix.ts";
import { listen } from "../adapters.ts";
import { toWebRequest, writeWebResponse } from "../node-fetch-bridge.ts";
import { CONTRACT_CORS, CONTRACT_OVERRIDE } from "../config.ts";
import { describeCorsContract } from "../table.ts";

// ── The recipe, as README.md and docs/frameworks.md write it ─────────────────────────────────
async function respond(event: H3Event, next: () => unknown): Promise<Response> {
  let value: unknown;
  try {
    value = await next();
  } catch (error) {
    value = error;
  }
  const answer = await toResponse(value, event);
  return new Response(answer.body, { status: answer.status, statusText: answer.statusText, headers: answer.headers });
}
type Wrapper = (handler: () => Promise<Response>) => (request: Request) => Response | Promise<Response>;
const crossgate = (wrap: Wrapper): Middleware => (event, next) => wrap(() => respond(event, next))(event.req);
// ──────────────────────────────────────────────────────────────────────────────────────────────

const serve = (app: H3) =>
  listen((req, res) => {
    Promise.resolve(app.fetch(toWebRequest(req))).then(
      (response) => writeWebResponse(response, res),
      () => res.writeHead(500).end(),
    );
  });

function contractApp(): H3 {
  const app = new H3();
  app.use("/api/off", crossgate(cors(false)));
  app.use("/api/override", crossgate(cors(CONTRACT_OVERRIDE)));
  app.use(crossgate(cors(CONTRACT_CORS)));
  const text = (event: H3Event, body: string, headers: Record<string, string> = {}) => {
    event.res.headers.set("Content-Type", "text/plain");
    for (const [name, value] of Object.entries(headers)) event.res.headers.set(name, value);
    return body;
  };
  app.get("/api/items", (event) => {
    event.res.headers.set("X-Total", "1");
    return [{ id: 1 }];
  });
  app.post("/api/items", (event) => {
    event.res.status = 201;
    return { id: 2 };
  });
  app.put("/api/items", () => ({ id: 1 }));
  app.get("/api/throws", () => {
    throw new Error("boom");
  });
  app.get("/api/unauthorized", () => {
    throw new HTTPError({ status: 401, message: "login required" });
  });
  app.get("/api/vary", (event) => text(event, "vary", { Vary: "Accept-Encoding" }));
  app.get("/api/vary-star", (event) => text(event, "vary", { Vary: "*" }));
  app.options("/api/options", (event) => text(event, "allow", { Allow: "GET, OPTIONS" }));
  app.get("/api/override", (event) => text(event, "override"));
  app.put("/api/override", (event) => text(event, "override"));
  app.get("/api/off", (event) => text(event, "off"));
  app.post("/api/off", (event) => text(event, "off"));
  return app;
}

function csrfApp(): H3 {
  const app = new H3();
  app.use(crossgate(cors(csrfCorsPolicy)));
  app.use("/api/**", crossgate(csrf(csrfPolicy))); // path-scoped: /webhooks/** is not checked
  app.get("/api/csrf", (event) => csrfTokenHandler(csrfPolicy)(event.req));
  app.post("/api/login", async (event) => {
    const headers = new Headers({ "Content-Type": "application/json" });
    const fresh = await rotateCsrfToken(csrfPolicy, event.req, headers, { sessionId: event.req.headers.get("x-new-session") ?? undefined });
    return new Response(JSON.stringify({ csrfToken: fresh }), { headers });
  });
  app.post("/api/things", async (event) => {
    const type = event.req.headers.get("content-type") ?? "";
    return { ok: true, form: type.includes("form") ? Object.fromEntries(await event.req.formData()) : null };
  });
  app.post("/webhooks/hook", () => "hooked");
  return app;
}

describeCorsContract("h3", () => serve(contractApp()));
describeCsrfMatrix("h3", () => serve(csrfApp()));

describe("h3 without crossgate", () => {
  it("answers no preflight and sends no CORS header (so the rows above test crossgate)", async () => {
    const app = new H3();
    app.get("/api/items", () => [{ id: 1 }]);
    const reply = await app.fetch(new Request("http://localhost/api/items", { method: "OPTIONS", headers: { Origin: "http://localhost:5173", "Access-Control-Request-Method": "PUT" } }));
    expect(reply.status).not.toBe(204);
    expect(reply.headers.get("access-control-allow-origin")).toBeNull();
  });
});
