// Each server adapter behind a tiny API, in real Chromium and Firefox, through crossgate/client:
// an allowed origin makes a credentialed call with a custom header; a refused origin gets a CorsError
// and the browser's own CORS message.
import { afterAll, beforeAll, expect, it } from "vitest";
import { describeInBrowsers, type BrowserName, type BrowserSession, type LoopbackServer } from "./harness.ts";
import { ADAPTER_APIS, startAdapterApi, tinyApiCors, type AdapterApiName } from "./support/adapter-apis.ts";
import { startClientPageServer, type ClientPageServer } from "./support/client-bundle.ts";

let page: ClientPageServer;
const apis = new Map<AdapterApiName, LoopbackServer>();

beforeAll(async () => {
  page = await startClientPageServer();
  for (const adapter of ADAPTER_APIS) apis.set(adapter, await startAdapterApi(adapter, tinyApiCors(page.origin)));
});

afterAll(async () => {
  await Promise.all([page?.close(), ...[...apis.values()].map((api) => api.close())]);
});

type Outcome = { ok: true; value: unknown } | { ok: false; error: Record<string, unknown> };

/**
 * Page-side source: logs in, then calls /echo with X-Trace-Id, through crossgate/client with
 * credentials. A string, because the test runner rewrites `import()` inside functions.
 */
function loginAndEcho(api: string, trace: string): string {
  return `(async () => {
    const client = await import("/client/index.js");
    const calls = client.createClient({ baseURL: ${JSON.stringify(api)}, csrf: false });
    try {
      await calls.post("/login", {});
      return { ok: true, value: await calls.get("/echo", { headers: { "X-Trace-Id": ${JSON.stringify(trace)} } }) };
    } catch (e) {
      return { ok: false, error: { name: e.name, code: e.code, probableCause: e.probableCause, method: e.method, url: e.url } };
    }
  })()`;
}

/** The browser's own console text when a preflight gets no `Access-Control-Allow-Origin`. */
function preflightRefusal(browser: BrowserName, url: string, origin: string): string {
  return browser === "chromium"
    ? `Access to fetch at '${url}' from origin '${origin}' has been blocked by CORS policy: Response to preflight request doesn't pass access control check: No 'Access-Control-Allow-Origin' header is present on the requested resource.`
    : `Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at ${url}. (Reason: CORS header ‘Access-Control-Allow-Origin’ missing)`;
}

async function withSession<T>(newSession: () => Promise<BrowserSession>, body: (session: BrowserSession) => Promise<T>): Promise<T> {
  const session = await newSession();
  try {
    return await body(session);
  } finally {
    await session.close();
  }
}

describeInBrowsers("adapters", (use) => {
  for (const adapter of ADAPTER_APIS) {
    it(`${adapter}: an allowed origin's credentialed call with a custom header succeeds`, async () => {
      const api = apis.get(adapter)!;
      await withSession(use.newSession, async (session) => {
        await session.goto(page.url("/"));
        const outcome = await session.evaluateScript<Outcome>(loginAndEcho(api.origin, `${adapter}-ok`));
        expect(outcome).toEqual({ ok: true, value: { cookie: "sid=tiny-session", traceId: `${adapter}-ok` } });
      });
    });

    it(`${adapter}: a refused origin's call fails as CorsError, with the browser's CORS message`, async () => {
      const api = apis.get(adapter)!;
      await withSession(use.newSession, async (session) => {
        // localhost:<port> is another origin than the allowed 127.0.0.1:<port>.
        await session.goto(`${page.localhostOrigin}/`);
        const outcome = await session.evaluateScript<Outcome>(loginAndEcho(api.origin, `${adapter}-refused`));
        expect(outcome).toEqual({
          ok: false,
          error: { name: "CorsError", code: "cors_blocked", probableCause: "cors", method: "POST", url: `${api.origin}/login` },
        });
        await session.waitForMessage(preflightRefusal(use.name, `${api.origin}/login`, page.localhostOrigin));
      });
    });
  }
});
