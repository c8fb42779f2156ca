// crossgate/client in real Chromium and Firefox: credentials, the CSRF token across origins, readable
// CSRF refusals, and the diagnosis of fetch's TypeError against real CORS refusals and a closed port.
import { readFileSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join, normalize } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { describeInBrowsers, startLoopbackServer, type BrowserSession, type LoopbackServer } from "./harness.ts";
import { compileClient } from "./support/client-bundle.ts";

let builtClient: string;
let page: LoopbackServer;
let api: LoopbackServer;
let closedPort: number;


function cookie(header: string | undefined, name: string): string | undefined {
  for (const pair of (header ?? "").split(";")) {
    const [key, ...value] = pair.trim().split("=");
    if (key === name) return value.join("=");
  }
  return undefined;
}

beforeAll(async () => {
  builtClient = compileClient();
  page = await startLoopbackServer((req, res) => {
    const path = new URL(req.url ?? "/", "http://x").pathname;
    if (path.startsWith("/client/")) {
      const file = normalize(join(builtClient, path.slice("/client/".length)));
      if (!file.startsWith(builtClient)) return void res.writeHead(404).end();
      try {
        res.writeHead(200, { "Content-Type": "text/javascript" }).end(readFileSync(file));
      } catch {
        res.writeHead(404).end();
      }
      return;
    }
    res.writeHead(200, { "Content-Type": "text/html" }).end("<!doctype html><title>spa</title>");
  });

  let issued = 0;
  api = await startLoopbackServer((req, res) => {
    const path = new URL(req.url ?? "/", "http://x").pathname;
    const origin = req.headers.origin;
    // Hand-written CORS for the page's origin only, so this test depends on the client alone.
    const cors: Record<string, string> =
      origin === page.origin
        ? {
            "Access-Control-Allow-Origin": origin,
            "Access-Control-Allow-Credentials": "true",
            "Access-Control-Expose-Headers": "X-CSRFToken",
            Vary: "Origin",
          }
        : {};
    const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
      res.writeHead(status, { "Content-Type": "application/json", ...cors, ...headers }).end(JSON.stringify(body));

    if (path === "/no-cors") return void res.writeHead(200, { "Content-Type": "application/json" }).end("{}");
    if (req.method === "OPTIONS") {
      return void res
        .writeHead(204, {
          ...cors,
          "Access-Control-Allow-Methods": "GET, POST, PUT, PATCH, DELETE",
          "Access-Control-Allow-Headers": "content-type, x-csrftoken",
        })
        .end();
    }
    if (path === "/csrf") {
      const token = `token${++issued}`;
      return json(200, { csrfToken: token }, { "X-CSRFToken": token, "Set-Cookie": `csrftoken=${token}; Path=/; SameSite=Lax` });
    }
    if (req.method === "GET") return json(200, { cookie: req.headers.cookie ?? null });
    // Double-submit check, as the server's guard does it: header must equal the cookie.
    const sent = req.headers["x-csrftoken"];
    const stored = cookie(req.headers.cookie, "csrftoken");
    if (stored === undefined) return json(403, { error: "csrf_failed", reason: "CSRF cookie not set." });
    if (sent === undefined) return json(403, { error: "csrf_failed", reason: "CSRF token missing." });
    if (sent !== stored) return json(403, { error: "csrf_failed", reason: "CSRF token incorrect." });
    return json(200, { ok: true, method: req.method });
  });

  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  closedPort = (probe.address() as AddressInfo).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
});

afterAll(async () => {
  await Promise.all([page?.close(), api?.close()]);
  if (builtClient) rmSync(builtClient, { recursive: true, force: true });
});

/** Runs `body` (page-side source using `client` from crossgate/client) and returns its JSON result. */
function inPage<T>(session: BrowserSession, setup: string, body: string): Promise<T> {
  return session.evaluateScript<T>(`(async () => {
    const c = await import("/client/index.js");
    const summarise = (e) => ({ name: e.name, code: e.code, status: e.status, csrfReason: e.csrfReason,
      probableCause: e.probableCause, origin: e.origin, url: e.url, method: e.method,
      doctorCommand: e.doctorCommand, message: e.message });
    ${setup}
    try { return { ok: true, value: await (async () => { ${body} })() }; }
    catch (e) { return { ok: false, error: summarise(e) }; }
  })()`);
}

describeInBrowsers("crossgate/client", (use) => {
  it("gets the token from the endpoint and passes the API's double-submit check across origins", async () => {
    const session = await use.newSession();
    try {
      await session.goto(page.url("/"));
      const result = await inPage(
        session,
        `const api = c.createClient({ baseURL: ${JSON.stringify(api.origin)}, csrf: { tokenURL: "/csrf" } });`,
        `return [await api.post("/posts", { title: "x" }), await api.patch("/posts/1", { title: "y" }), await api.get("/me")];`,
      );
      expect(result).toEqual({
        ok: true,
        value: [{ ok: true, method: "POST" }, { ok: true, method: "PATCH" }, { cookie: expect.stringMatching(/^csrftoken=token\d+$/) }],
      });
    } finally {
      await session.close();
    }
  });

  it("reads the CSRF refusal reason from a 403 that carries CORS headers", async () => {
    const session = await use.newSession();
    try {
      await session.goto(page.url("/"));
      const result = await inPage<{ ok: boolean; error: Record<string, unknown> }>(
        session,
        `const api = c.createClient({ baseURL: ${JSON.stringify(api.origin)} });`,
        `return await api.delete("/posts/1");`,
      );
      expect(result.ok).toBe(false);
      expect(result.error).toMatchObject({ name: "HttpError", code: "http_error", status: 403, csrfReason: "CSRF cookie not set." });
    } finally {
      await session.close();
    }
  });

  it("diagnoses a real CORS refusal as CorsError, with the doctor command", async () => {
    const session = await use.newSession();
    try {
      await session.goto(page.url("/"));
      const result = await inPage<{ ok: boolean; error: Record<string, unknown> }>(
        session,
        `const api = c.createClient({ baseURL: ${JSON.stringify(api.origin)}, csrf: false });`,
        `return await api.post("/no-cors", { a: 1 });`,
      );
      expect(result.ok).toBe(false);
      expect(result.error).toMatchObject({
        name: "CorsError",
        code: "cors_blocked",
        probableCause: "cors",
        origin: page.origin,
        url: `${api.origin}/no-cors`,
        method: "POST",
        doctorCommand: `npx crossgate doctor ${api.origin}/no-cors --origin ${page.origin} --method POST --header 'Content-Type: application/json' --credentials`,
      });
      // The browser's own console still names the precise CORS failure.
      await session.waitForMessage(use.name === "chromium" ? "has been blocked by CORS policy" : "Cross-Origin Request Blocked");
    } finally {
      await session.close();
    }
  });

  it("diagnoses a closed port as NetworkError 'unreachable'", async () => {
    const session = await use.newSession();
    try {
      await session.goto(page.url("/"));
      const result = await inPage<{ ok: boolean; error: Record<string, unknown> }>(
        session,
        `const api = c.createClient({ baseURL: "http://127.0.0.1:${closedPort}" });`,
        `return await api.get("/x");`,
      );
      expect(result.ok).toBe(false);
      expect(result.error).toMatchObject({ name: "NetworkError", probableCause: "unreachable", method: "GET" });
    } finally {
      await session.close();
    }
  });
});
