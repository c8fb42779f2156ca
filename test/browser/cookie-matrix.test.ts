// The cookie model against real browsers: for each topology, the API sets every variant in one
// response to the page's credentialed fetch, and the page's next credentialed fetch echoes the
// Cookie header it carried. Every cell must match predictCookie() for that browser, and the
// doctor's cookie report (doctor() with --login and --resolve, as the CLI runs it) must say the same.
import type { IncomingMessage, ServerResponse } from "node:http";
import { afterAll, beforeAll, expect, it } from "vitest";
import { predictCookie } from "../../src/core/cookies/predict.ts";
import type { CookieFinding } from "../../src/doctor/cookies.ts";
import { doctor } from "../../src/doctor/probe.ts";
import {
  browsersAreRequired,
  describeInBrowsers,
  namedSitesLaunchOptions,
  opensslAvailable,
  startLoopbackServer,
  startNamedSitesServer,
  type BrowserUse,
  type LoopbackServer,
  type NamedSitesServer,
} from "./harness.ts";
import { cookieNames, variantHeaders } from "./support/cookie-variants.ts";

const HOSTS = ["app.site-a.test", "api.site-a.test", "app.site-b.test"];

/** Answers every host and port alike: /page is HTML; /api/login sets the variants; /api/echo echoes Cookie. */
function handler(req: IncomingMessage, res: ServerResponse): void {
  const url = new URL(req.url ?? "/", "http://x");
  if (url.pathname === "/page") {
    res.writeHead(200, { "Content-Type": "text/html; charset=utf-8" });
    res.end("<!doctype html><title>page</title>");
    return;
  }
  const origin = req.headers.origin;
  const cors: Record<string, string> = origin ? { "Access-Control-Allow-Origin": origin, "Access-Control-Allow-Credentials": "true", Vary: "Origin" } : {};
  if (url.pathname === "/api/login") {
    const headers = variantHeaders({ parent: url.searchParams.get("parent"), other: url.searchParams.get("other") });
    res.writeHead(200, { ...cors, "Content-Type": "text/plain", "Set-Cookie": headers });
    res.end("ok");
    return;
  }
  res.writeHead(200, { ...cors, "Content-Type": "application/json" });
  res.end(JSON.stringify({ cookie: req.headers.cookie ?? null }));
}

interface Topology {
  readonly name: string;
  readonly page: () => string;
  readonly api: () => string;
  readonly parent: string | null;
  readonly other: string | null;
}

let https: NamedSitesServer | undefined;
let loopA: LoopbackServer | undefined;
let loopB: LoopbackServer | undefined;
const hasOpenssl = opensslAvailable();
if (!hasOpenssl && !browsersAreRequired()) process.stderr.write("crossgate browser tests: skipping the HTTPS cookie topologies: no openssl (apt-get install -y openssl)\n");

const TOPOLOGIES: readonly Topology[] = [
  ...(hasOpenssl || browsersAreRequired()
    ? [
        { name: "same origin", page: () => https!.origin("app.site-a.test"), api: () => https!.origin("app.site-a.test"), parent: "site-a.test", other: "site-b.test" },
        { name: "same site, sibling subdomain", page: () => https!.origin("app.site-a.test"), api: () => https!.origin("api.site-a.test"), parent: "site-a.test", other: "site-b.test" },
        { name: "cross site", page: () => https!.origin("app.site-b.test"), api: () => https!.origin("api.site-a.test"), parent: "site-a.test", other: "site-b.test" },
      ]
    : []),
  { name: "http 127.0.0.1 to 127.0.0.1 on another port", page: () => loopA!.origin, api: () => loopB!.origin, parent: null, other: "localhost" },
  { name: "http localhost to 127.0.0.1", page: () => loopA!.localhostOrigin, api: () => loopB!.origin, parent: null, other: "localhost" },
  { name: "http 127.0.0.1 to localhost", page: () => loopA!.origin, api: () => loopB!.localhostOrigin, parent: null, other: null },
];

beforeAll(async () => {
  [https, loopA, loopB] = await Promise.all([
    hasOpenssl || browsersAreRequired() ? startNamedSitesServer(HOSTS, handler) : Promise.resolve(undefined),
    startLoopbackServer(handler),
    startLoopbackServer(handler),
  ]);
});

afterAll(async () => {
  await Promise.all([https?.close(), loopA?.close(), loopB?.close()]);
});

/** Loads the page, logs in by fetch, fetches again; the cookie names the second fetch carried. */
async function cookiesSentBack(use: BrowserUse, topology: Topology, loginUrl: string): Promise<string[]> {
  const session = await use.newSession();
  try {
    await session.goto(`${topology.page()}/page`);
    const body = await session.evaluate(
      async ({ login, echo }) => {
        await fetch(login, { credentials: "include" });
        return (await fetch(echo, { credentials: "include" })).json();
      },
      { login: loginUrl, echo: `${topology.api()}/api/echo` },
    );
    return cookieNames((body as { cookie: string | null }).cookie);
  } finally {
    await session.close();
  }
}

const doctorReports = new Map<string, Promise<readonly CookieFinding[]>>();

/** The doctor's cookies for a topology, asked once: login by GET, then the echo request. */
function doctorCookies(topology: Topology, loginUrl: string): Promise<readonly CookieFinding[]> {
  let report = doctorReports.get(topology.name);
  if (report === undefined) {
    const resolve = https === undefined ? [] : HOSTS.map((host) => ({ host, port: https!.port, address: "127.0.0.1" }));
    report = doctor(
      { url: `${topology.api()}/api/echo`, origin: topology.page(), credentials: true },
      { login: { url: loginUrl, method: "GET" }, resolve, insecure: true, errorProbe: false },
    ).then((r) => r.cookies ?? []);
    doctorReports.set(topology.name, report);
  }
  return report;
}

describeInBrowsers(
  "cookies across sites: browsers do what the model predicts",
  (use) => {
    for (const topology of TOPOLOGIES) {
      it(topology.name, async () => {
        const query = new URLSearchParams();
        if (topology.parent !== null) query.set("parent", topology.parent);
        if (topology.other !== null) query.set("other", topology.other);
        const loginUrl = `${topology.api()}/api/login?${query}`;
        const sent = await cookiesSentBack(use, topology, loginUrl);
        const cells = variantHeaders(topology).map((header) => {
          const p = predictCookie(header, { pageOrigin: topology.page(), responseUrl: loginUrl, requestUrl: `${topology.api()}/api/echo` });
          const verdict = p.browsers[use.name];
          return { cookie: p.name, model: verdict.sent, browser: sent.includes(p.name), rule: verdict.rule };
        });
        const disagreements = cells.filter((c) => c.model !== c.browser);
        expect(disagreements, `${use.name} sent: ${sent.join(" ") || "(none)"}`).toEqual([]);
        const fromDoctor = await doctorCookies(topology, loginUrl);
        expect(fromDoctor.filter((c) => c.browsers[use.name].sent).map((c) => c.name).sort()).toEqual(sent);
        expect(fromDoctor.map((c) => c.name).sort()).toEqual(cells.map((c) => c.cookie).sort());
      });
    }
  },
  namedSitesLaunchOptions(HOSTS),
);
