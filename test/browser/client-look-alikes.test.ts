// Mixed content and Local Network Access in real Chromium and Firefox: both make fetch reject like a
// CORS refusal. crossgate/client names each cause, and the doctor predicts the console line each
// browser prints. The page is served over HTTPS under a mapped host name with a test certificate;
// for Local Network Access each browser is told to treat that page's address as public (Chromium
// --ip-address-space-overrides, Firefox network.lna.* with the permission denied, as a user would).
import { readFileSync, rmSync } from "node:fs";
import { join, normalize } from "node:path";
import { afterAll, expect, it } from "vitest";
import { diagnose } from "../../src/doctor/engine.ts";
import { doctor, httpTransport } from "../../src/doctor/probe.ts";
import {
  describeInBrowsers,
  namedSitesLaunchOptions,
  opensslAvailable,
  startLoopbackServer,
  startNamedSitesServer,
  type BrowserSession,
} from "./harness.ts";
import { compileClient } from "./support/client-bundle.ts";

const HOSTS = ["app.site-a.test", "api.site-a.test"];
const builtClient = compileClient();

const api = await startLoopbackServer((req, res) => {
  res.writeHead(200, { "Access-Control-Allow-Origin": req.headers.origin ?? "*", Vary: "Origin", "Content-Type": "application/json" }).end("{}");
});
// Without openssl the page cannot be served over HTTPS; describeInBrowsers then skips or fails (CI).
const site = opensslAvailable()
  ? await startNamedSitesServer(HOSTS, (req, res) => {
      const path = new URL(req.url ?? "/", "http://x").pathname;
      if (path.startsWith("/client/")) {
        const file = normalize(join(builtClient, path.slice("/client/".length)));
        if (!file.startsWith(builtClient)) return void res.writeHead(404).end();
        return void res.writeHead(200, { "Content-Type": "text/javascript" }).end(readFileSync(file));
      }
      res.writeHead(200, { "Content-Type": "text/html" }).end("<!doctype html><title>page</title>");
    })
  : undefined;

afterAll(async () => {
  await Promise.all([site?.close(), api.close()]);
  rmSync(builtClient, { recursive: true, force: true });
});

const named = namedSitesLaunchOptions(HOSTS);
const publicPage = site === undefined ? [] : [`--ip-address-space-overrides=127.0.0.1:${site.port}=public`];

function callApi(session: BrowserSession, url: string) {
  return session.evaluateScript<{ ok: boolean; error?: Record<string, unknown> }>(`(async () => {
    const c = await import("/client/index.js");
    const api = c.createClient({ baseURL: ${JSON.stringify(new URL(url).origin)}, csrf: false, timeoutMs: 8000 });
    try { await api.get(${JSON.stringify(new URL(url).pathname)}); return { ok: true }; }
    catch (e) { return { ok: false, error: { name: e.name, probableCause: e.probableCause, origin: e.origin } }; }
  })()`);
}

describeInBrowsers(
  "look-alikes of a CORS refusal",
  (use) => {
    // Without openssl (outside CI) there is no HTTPS page to test from.
    const needsHttps = it.skipIf(site === undefined && process.env.CI !== "true");

    needsHttps("mixed content: an https page calling an http API is named as such, as the doctor predicts", async () => {
      const session = await use.newSession();
      try {
        const page = `${site?.origin("app.site-a.test")}/page`;
        const target = `http://api.site-a.test:${api.port}/mixed-${use.name}`;
        await session.goto(page);
        const result = await callApi(session, target);
        expect(result.error).toMatchObject({ name: "NetworkError", probableCause: "mixed-content" });
        const report = await doctor({ url: target, origin: new URL(page).origin }, { errorProbe: false });
        expect([report.verdict, report.rule]).toEqual(["blocked", "mixed-content"]);
        const predicted = use.name === "chromium" ? report.failure?.messages.chrome : report.failure?.messages.firefox;
        // Chromium names the page URL; the doctor, given only the origin, names the origin's root.
        await session.waitForMessage(use.name === "chromium" ? (predicted as string).replace(`${new URL(page).origin}/`, page) : (predicted as string));
      } finally {
        await session.close();
      }
    });

    needsHttps("Local Network Access: a public page calling a loopback API is named as such, as the doctor predicts", async () => {
      const session = await use.newSession();
      try {
        const page = `${site?.origin("app.site-a.test")}/page`;
        const target = api.url(`/lna-${use.name}`);
        await session.goto(page);
        const result = await callApi(session, target);
        expect(result.error).toMatchObject({ name: "NetworkError", probableCause: "local-network-access" });
        // The browser was told the page's address is public; the doctor is told the same.
        const report = await diagnose(
          { url: target, origin: new URL(page).origin, method: "GET", headers: [], credentials: true },
          httpTransport(),
          { errorProbe: false, page: { url: page, policies: [], addressSpace: "public" } },
        );
        expect([report.verdict, report.rule]).toEqual(["blocked", "local-network-access"]);
        await session.waitForMessage((use.name === "chromium" ? report.failure?.messages.chrome : report.failure?.messages.firefox) as string);
      } finally {
        await session.close();
      }
    });
  },
  {
    ...named,
    extraArgs: [...(named.extraArgs ?? []), ...publicPage],
    extraPrefsFirefox: {
      ...named.extraPrefsFirefox,
      "network.lna.enabled": true,
      "network.lna.blocking": true,
      "network.lna.address_space.public.override": site === undefined ? "" : `127.0.0.1:${site.port}`,
      // Headless, nobody answers the permission prompt: deny it, as a user who clicks "Block" would.
      "permissions.default.loopback-network": 2,
      "permissions.default.local-network": 2,
    },
  },
);
