// Every server adapter (test/contract/adapters.ts: node:http, Express, Fastify, Koa, Hono, fetch) in
// real Chromium and Firefox, through crossgate/client: the allowed origin's credentialed call with a
// custom header succeeds and reads the exposed header; a refused origin, and a credentialed call to a
// policy without credentials, fail as CorsError with the browser's own message.
import { afterAll, beforeAll, expect, it } from "vitest";
import type { CorsOptions } from "../../src/index.ts";
import { adapters, type ContractServer } from "../contract/adapters.ts";
import { describeInBrowsers, type BrowserName } from "./harness.ts";
import { startClientPageServer, type ClientPageServer } from "./support/client-bundle.ts";
import { sessionsOnBothOrigins } from "./support/origin-sessions.ts";

let page: ClientPageServer;
/** Per adapter: a policy with credentials, and the same policy without them. */
const servers = new Map<string, { withCredentials: ContractServer; withoutCredentials: ContractServer }>();

function corsFor(origin: string, credentials: boolean): CorsOptions {
  return {
    origins: [origin],
    credentials,
    methods: ["GET", "POST"],
    requestHeaders: ["accept", "content-type", "x-trace-id"],
    exposeHeaders: ["X-Total"],
    maxAgeSeconds: 600,
  };
}

beforeAll(async () => {
  page = await startClientPageServer();
  for (const adapter of adapters) {
    servers.set(adapter.name, {
      withCredentials: await adapter.start({ cors: corsFor(page.origin, true) }),
      withoutCredentials: await adapter.start({ cors: corsFor(page.origin, false) }),
    });
  }
});

afterAll(async () => {
  const all = [...servers.values()].flatMap((pair) => [pair.withCredentials.close(), pair.withoutCredentials.close()]);
  await Promise.all([page?.close(), ...all]);
});

type Outcome = { ok: true; value: unknown } | { ok: false; error: Record<string, unknown> };

/**
 * Page-side source: a credentialed, preflighted POST with X-Trace-Id through crossgate/client, then a
 * credentialed GET reading the exposed X-Total. A string, because the test runner rewrites `import()`
 * inside functions.
 */
function credentialedCalls(api: string, trace: string): string {
  return `(async () => {
    const client = await import("/client/index.js");
    const calls = client.createClient({ baseURL: ${JSON.stringify(api)}, csrf: false });
    try {
      const created = await calls.post("/api/items", { title: "x" }, { headers: { "X-Trace-Id": ${JSON.stringify(trace)} } });
      const listed = await fetch(${JSON.stringify(api)} + "/api/items", { credentials: "include" });
      return { ok: true, value: { created, total: listed.headers.get("X-Total") } };
    } catch (e) {
      return { ok: false, error: { name: e.name, code: e.code, probableCause: e.probableCause, method: e.method, url: e.url } };
    }
  })()`;
}

/** The browser's own console text when a preflight gets no `Access-Control-Allow-Origin`. */
function originRefusal(browser: BrowserName, url: string, origin: string): string {
  return browser === "chromium"
    ? `Access to fetch at '${url}' from origin '${origin}' has been blocked by CORS policy: Response to preflight request doesn't pass access control check: No 'Access-Control-Allow-Origin' header is present on the requested resource.`
    : `Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at ${url}. (Reason: CORS header ‘Access-Control-Allow-Origin’ missing)`;
}

/** The browser's own console text when a credentialed preflight gets no `Access-Control-Allow-Credentials: true`. */
function credentialsRefusal(browser: BrowserName, url: string, origin: string): RegExp {
  const quoted = url.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return browser === "chromium"
    ? new RegExp(`Access to fetch at '${quoted}' from origin '${origin.replace(/\./g, "\\.")}' has been blocked by CORS policy: .*'Access-Control-Allow-Credentials' header in the response is '' which must be 'true' when the request's credentials mode is 'include'`)
    : new RegExp(`Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at ${quoted}\\. \\(Reason: expected ‘true’ in CORS header ‘Access-Control-Allow-Credentials’\\)`);
}

describeInBrowsers("adapters", (use) => {
  // Two pages per browser, reused by every test: one on the allowed origin, one on a refused origin
  // (localhost:<port> is another origin than the allowed 127.0.0.1:<port>). Each server has its own
  // port, so tests neither share URLs nor preflight cache entries, and messages are told apart by URL.
  const pages = sessionsOnBothOrigins(use, () => page);

  for (const { name } of adapters) {
    it(`${name}: the allowed origin's credentialed call with a custom header succeeds and reads the exposed header`, async () => {
      const api = servers.get(name)!.withCredentials.url;
      const outcome = await pages.allowed().evaluateScript<Outcome>(credentialedCalls(api, `${name}-ok`));
      expect(outcome).toEqual({ ok: true, value: { created: { id: 2 }, total: "1" } });
      expect(pages.allowed().messages().filter((message) => message.text.includes(api))).toEqual([]);
    });

    it(`${name}: a refused origin's call fails as CorsError, with the browser's CORS message`, async () => {
      const api = servers.get(name)!.withCredentials.url;
      const outcome = await pages.refused().evaluateScript<Outcome>(credentialedCalls(api, `${name}-refused`));
      expect(outcome).toEqual({
        ok: false,
        error: { name: "CorsError", code: "cors_blocked", probableCause: "cors", method: "POST", url: `${api}/api/items` },
      });
      await pages.refused().waitForMessage(originRefusal(use.name, `${api}/api/items`, page.localhostOrigin));
    });

    it(`${name}: a credentialed call to a policy without credentials fails as CorsError`, async () => {
      const api = servers.get(name)!.withoutCredentials.url;
      const outcome = await pages.allowed().evaluateScript<Outcome>(credentialedCalls(api, `${name}-no-credentials`));
      expect(outcome).toMatchObject({ ok: false, error: { name: "CorsError", probableCause: "cors", url: `${api}/api/items` } });
      await pages.allowed().waitForMessage(credentialsRefusal(use.name, `${api}/api/items`, page.origin));
    });
  }
});
