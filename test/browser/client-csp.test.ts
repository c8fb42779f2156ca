// The page's own Content-Security-Policy in real Chromium and Firefox: crossgate/client reports a
// blocked fetch as "content-security-policy" (quoting the directive, sending no probe), the browser's
// console says the same, and `crossgate doctor --page` reaches the same verdict and rule.
import { readFileSync, rmSync } from "node:fs";
import { join, normalize } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { doctor } from "../../src/doctor/probe.ts";
import { describeInBrowsers, startLoopbackServer, type BrowserSession, type LoopbackServer } from "./harness.ts";
import { compileClient } from "./support/client-bundle.ts";

let builtClient: string;
let page: LoopbackServer;
let api: LoopbackServer;
/** Requests the API received, by path: a blocked fetch (and its diagnosis) must send none. */
const apiHits = new Map<string, number>();

/** Each page variant: how it delivers its policy, and whether a fetch of the API goes through. */
interface Variant {
  readonly path: string;
  readonly header?: string;
  readonly reportOnly?: string;
  readonly meta?: string;
  readonly blocked: boolean;
  readonly directive?: string;
}

const VARIANT_PATHS = ["/connect-src", "/default-src", "/meta", "/listed", "/report-only"] as const;

const variants = (): readonly Variant[] => [
  { path: "/connect-src", header: "connect-src 'self'", blocked: true, directive: "connect-src 'self'" },
  { path: "/default-src", header: "default-src 'self' 'unsafe-inline'", blocked: true, directive: "default-src 'self' 'unsafe-inline'" },
  { path: "/meta", meta: "connect-src 'self'", blocked: true, directive: "connect-src 'self'" },
  { path: "/listed", header: `default-src 'self'; connect-src 'self' ${api.origin}`, blocked: false },
  { path: "/report-only", reportOnly: "connect-src 'self'", blocked: false },
];

beforeAll(async () => {
  builtClient = compileClient();
  api = await startLoopbackServer((req, res) => {
    const path = new URL(req.url ?? "/", "http://x").pathname;
    apiHits.set(path, (apiHits.get(path) ?? 0) + 1);
    res
      .writeHead(200, { "Access-Control-Allow-Origin": req.headers.origin ?? "*", "Access-Control-Allow-Credentials": "true", Vary: "Origin", "Content-Type": "application/json" })
      .end('{"ok":true}');
  });
  page = await startLoopbackServer((req, res) => {
    const path = new URL(req.url ?? "/", "http://x").pathname;
    if (path.startsWith("/client/")) {
      const file = normalize(join(builtClient, path.slice("/client/".length)));
      if (!file.startsWith(builtClient)) return void res.writeHead(404).end();
      return void res.writeHead(200, { "Content-Type": "text/javascript" }).end(readFileSync(file));
    }
    const variant = variants().find((v) => v.path === path);
    const headers: Record<string, string> = { "Content-Type": "text/html" };
    if (variant?.header) headers["Content-Security-Policy"] = variant.header;
    if (variant?.reportOnly) headers["Content-Security-Policy-Report-Only"] = variant.reportOnly;
    const meta = variant?.meta ? `<meta http-equiv="Content-Security-Policy" content="${variant.meta}">` : "";
    res.writeHead(200, headers).end(`<!doctype html><html><head>${meta}<title>csp</title></head></html>`);
  });
});

afterAll(async () => {
  await Promise.all([page?.close(), api?.close()]);
  if (builtClient) rmSync(builtClient, { recursive: true, force: true });
});

function callApi(session: BrowserSession, apiPath: string) {
  return session.evaluateScript<{ ok: boolean; error?: Record<string, unknown> }>(`(async () => {
    const c = await import("/client/index.js");
    const api = c.createClient({ baseURL: ${JSON.stringify(api.origin)}, csrf: false });
    try { await api.get(${JSON.stringify(apiPath)}); return { ok: true }; }
    catch (e) { return { ok: false, error: { name: e.name, probableCause: e.probableCause, message: e.message,
      doctorCommand: e.doctorCommand, contentSecurityPolicy: e.contentSecurityPolicy } }; }
  })()`);
}

describeInBrowsers("the page's Content-Security-Policy", (use) => {
  // One test per way a page delivers its policy (and two that do not block).
  it.each(VARIANT_PATHS)("%s: the client, the console and the doctor agree", async (path) => {
    {
      const variant = variants().find((v) => v.path === path) as Variant;
      const session = await use.newSession();
      try {
        await session.goto(page.url(variant.path));
        const apiPath = `/items-${use.name}${variant.path}`;
        const result = await callApi(session, apiPath);
        const report = await doctor({ url: api.url(apiPath), page: page.url(variant.path) }, { errorProbe: false });
        if (!variant.blocked) {
          expect(result, variant.path).toEqual({ ok: true });
          expect(report.verdict, variant.path).toBe("allowed");
          return;
        }
        expect(result.error, variant.path).toMatchObject({
          name: "NetworkError",
          probableCause: "content-security-policy",
          contentSecurityPolicy: { directive: variant.directive },
          doctorCommand: `npx crossgate doctor ${api.url(apiPath)} --page ${page.url(variant.path)} --method GET --credentials`,
        });
        expect(result.error?.message).toContain(`Add ${api.origin} to connect-src in the Content-Security-Policy that the page's server sends`);
        // The request never left the page: no fetch, and no diagnosis probe either.
        expect(apiHits.get(apiPath) ?? 0, variant.path).toBe(0);
        // The doctor, given the page, finds the same rule and predicts the console line the browser printed.
        expect([report.verdict, report.rule], variant.path).toEqual(["blocked", "csp-connect-src"]);
        const predicted = use.name === "chromium" ? report.failure?.messages.chrome : report.failure?.messages.firefox;
        await session.waitForMessage(predicted as string);
      } finally {
        await session.close();
      }
    }
  });
});
