// CSRF in real Chromium and Firefox. On the demo API: the victim has logged in through the SPA; an
// attacker's page on a third origin then tries every write a page can make without CORS permission,
// and the server state must not change, whatever cookies the browser sends. On every adapter (the
// CSRF servers of test/csrf/servers.ts): the allowed SPA writes with the token and reads a 403
// refusal, and the attacker's form with the stolen token is refused.
import { afterAll, beforeAll, expect, it } from "vitest";
import { createCorsPolicy, createCsrfPolicy } from "../../src/index.ts";
import { ADAPTERS, startServer, type AdapterName, type RunningServer } from "../csrf/servers.ts";
import { describeInBrowsers, startLoopbackServer, type BrowserSession, type LoopbackServer } from "./harness.ts";
import { startClientPageServer, type ClientPageServer } from "./support/client-bundle.ts";
import { finishedChecklist, startDemoOnFreePorts, type DemoUnderTest } from "./support/demo.ts";

let demo: DemoUnderTest;
let attacker: LoopbackServer;
let spa: ClientPageServer;
const adapterApis = new Map<AdapterName, RunningServer>();

beforeAll(async () => {
  demo = await startDemoOnFreePorts();
  attacker = await startLoopbackServer((_req, res) => {
    res.writeHead(200, { "Content-Type": "text/html; charset=utf-8" }).end("<!doctype html><title>cute cats</title><h1>cute cats</h1>");
  });
  spa = await startClientPageServer();
  const cors = createCorsPolicy({ origins: [spa.origin], credentials: true, exposeHeaders: ["X-CSRFToken"] });
  const csrf = createCsrfPolicy({ cors, secret: "browser-csrf-secret-0123456789abcdefghij" });
  for (const adapter of ADAPTERS) adapterApis.set(adapter, await startServer(adapter, cors, csrf));
});

afterAll(async () => {
  await Promise.all([demo?.close(), attacker?.close(), spa?.close(), ...[...adapterApis.values()].map((api) => api.close())]);
});

/**
 * Page-side source: a POST with the token (fetched from the token endpoint) through crossgate/client,
 * then one without it, whose 403 the page reads. A string: the test runner rewrites `import()` in functions.
 */
function writeWithAndWithoutToken(api: string): string {
  return `(async () => {
    const c = await import("/client/index.js");
    const withToken = c.createClient({ baseURL: ${JSON.stringify(api)}, csrf: { tokenURL: "/api/csrf" } });
    const written = await withToken.post("/api/things", { title: "legitimate" });
    try {
      await c.createClient({ baseURL: ${JSON.stringify(api)}, csrf: false }).post("/api/things", { title: "no token" });
      return { written, refusal: "none" };
    } catch (e) {
      return { written, refusal: { name: e.name, status: e.status, csrfReason: e.csrfReason } };
    }
  })()`;
}

/** Page-side: the writes a page on any origin can attempt; reports what the page could observe. */
async function attemptWrites({ api, mark }: { api: string; mark: string }) {
  const stolenToken = /(?:^|;\s*)csrftoken=([^;]*)/.exec(document.cookie)?.[1] ?? "";
  // A "simple" request: no preflight, so it reaches the server; only reading the answer is blocked.
  const simple = await fetch(`${api}/api/posts?attack=simple-${mark}`, {
    method: "POST",
    mode: "no-cors",
    credentials: "include",
    headers: { "Content-Type": "text/plain" },
    body: JSON.stringify({ title: "pwned by a simple request" }),
  }).then(
    (response) => response.type,
    (error: Error) => error.name,
  );
  // With the token header: needs a preflight, which the API does not allow for this origin.
  const preflighted = await fetch(`${api}/api/posts?attack=preflighted-${mark}`, {
    method: "POST",
    credentials: "include",
    headers: { "Content-Type": "application/json", "X-CSRFToken": stolenToken },
    body: JSON.stringify({ title: "pwned with a token header" }),
  }).then(
    (response) => `status ${response.status}`,
    (error: Error) => error.name,
  );
  return { stolenToken: stolenToken !== "", simple, preflighted };
}

/** Page-side: a classic auto-submitted form carrying the token in Django's form field; navigates away. */
function submitForm({ action, token }: { action: string; token: boolean }) {
  const form = document.createElement("form");
  form.method = "POST";
  form.action = action;
  const fields: Record<string, string> = { title: "pwned by a form" };
  if (token) fields.csrfmiddlewaretoken = /(?:^|;\s*)csrftoken=([^;]*)/.exec(document.cookie)?.[1] ?? "";
  for (const [name, value] of Object.entries(fields)) {
    const input = document.createElement("input");
    input.type = "hidden";
    input.name = name;
    input.value = value;
    form.append(input);
  }
  document.body.append(form);
  setTimeout(() => form.submit(), 0);
  return true;
}

/** Waits for the page to land on `origin` and returns its text (the form's answer). */
async function pageTextOn(session: BrowserSession, origin: string, timeoutMs = 10_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const page = await session.evaluateScript<{ origin: string; text: string }>(
        "({ origin: location.origin, text: document.body ? document.body.innerText : '' })",
      );
      if (page.origin === origin && page.text !== "") return page.text;
    } catch {
      // The page is navigating; ask again.
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`the form's answer from ${origin} did not load within ${timeoutMs} ms`);
}

describeInBrowsers("CSRF attacks and refusals", (use) => {
  const attacks = [
    // Same host, other port: the same *site*, so the browser sends the victim's SameSite=Lax session
    // and csrftoken cookies, and the attacker can even read the csrftoken cookie (cookies ignore ports).
    { name: "same-site", origin: () => attacker.origin, cookiesSent: true },
    // localhost vs 127.0.0.1: another site; the browser withholds the cookies, the guard refuses anyway.
    { name: "cross-site", origin: () => attacker.localhostOrigin, cookiesSent: false },
  ];

  for (const attack of attacks) {
    it(`refuses every write from a ${attack.name} attacker page and leaves the posts unchanged`, async () => {
      const session = await use.newSession();
      try {
        // The victim logs in through the SPA (the checklist does it) and has the cookies.
        await session.goto(`${demo.spa}/`);
        const checklist = await finishedChecklist(session);
        expect(checklist.find((row) => row.scenario === "credentials-cookie")?.status).toBe("pass");
        const before = structuredClone(demo.posts.list());

        const mark = `${use.name}-${attack.name}-${Date.now()}`;
        const attackerOrigin = attack.origin();
        await session.goto(`${attackerOrigin}/`);
        const seen = await session.evaluate(attemptWrites, { api: demo.api, mark });
        expect(seen).toEqual({ stolenToken: attack.cookiesSent, simple: "opaque", preflighted: "TypeError" });

        await session.evaluate(submitForm, { action: `${demo.api}/api/posts?attack=form-${mark}`, token: attack.cookiesSent });
        const answer = await pageTextOn(session, demo.api);
        expect(answer).toContain("Forbidden (CSRF verification failed. Request aborted.)");
        expect(answer).toContain(`Reason: Origin checking failed - ${attackerOrigin} does not match any trusted origins.`);

        expect(demo.posts.list()).toEqual(before);

        const logged = (kind: string) => demo.requests.filter((entry) => entry.url === `/api/posts?attack=${kind}-${mark}`);
        // The simple request and the form reached the API, with Origin, and the guard refused them.
        for (const kind of ["simple", "form"]) {
          expect(logged(kind)).toEqual([
            expect.objectContaining({ method: "POST", status: 403, origin: attackerOrigin, withCookies: attack.cookiesSent }),
          ]);
        }
        // The token-carrying request never left the browser: its preflight got no CORS permission.
        expect(logged("preflighted").map((entry) => entry.method)).toEqual(["OPTIONS"]);
        await session.waitForMessage(
          use.name === "chromium"
            ? `Access to fetch at '${demo.api}/api/posts?attack=preflighted-${mark}' from origin '${attackerOrigin}' has been blocked by CORS policy: Response to preflight request doesn't pass access control check`
            : `Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at ${demo.api}/api/posts?attack=preflighted-${mark}.`,
        );
      } finally {
        await session.close();
      }
    });
  }

  for (const adapter of ADAPTERS) {
    it(`${adapter}: the allowed SPA writes with the token and reads the 403; a same-site attacker's form with the stolen token is refused`, async () => {
      const api = adapterApis.get(adapter)!.url;
      const session = await use.newSession();
      try {
        await session.goto(spa.url("/"));
        const outcome = await session.evaluateScript(writeWithAndWithoutToken(api));
        expect(outcome).toEqual({
          written: expect.objectContaining({ ok: true }),
          refusal: { name: "HttpError", status: 403, csrfReason: "CSRF token missing." },
        });

        // 127.0.0.1:<other port> is the same site: it reads the csrftoken cookie and the browser sends it.
        await session.goto(`${attacker.origin}/`);
        await session.evaluate(submitForm, { action: `${api}/api/things`, token: true });
        const answer = await pageTextOn(session, api);
        expect(answer).toContain(`Origin checking failed - ${attacker.origin} does not match any trusted origins.`);
        expect(answer).not.toContain('"ok"');
      } finally {
        await session.close();
      }
    });
  }
});
