// `crossgate doctor --credentials`: the cookie report (text and --json), --login, --resolve, exit
// codes, and the demo API's session and CSRF cookies from the SPA's origins and from another site.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDemoApi } from "../../examples/demo/api/server.ts";
import { exampleEnvironment } from "../../examples/demo/config.ts";
import { runDoctorCommand } from "../../src/cli/doctor.ts";
import type { CliIo } from "../../src/cli/io.ts";
import type { CookieFinding } from "../../src/doctor/cookies.ts";
import { parseResolveRule } from "../../src/doctor/resolve.ts";

async function cli(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const io: CliIo = { stdout: { write: (t: string) => (stdout += t) }, stderr: { write: (t: string) => (stderr += t) }, env: { NO_COLOR: "1" } };
  const code = await runDoctorCommand(args, io);
  return { code, stdout, stderr };
}

function listen(server: Server): Promise<string> {
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)));
}

const PAGE = "http://localhost:5173";
let api: Server;
let apiBase: string;

beforeAll(async () => {
  api = createServer((req, res) => {
    const cors = { "Access-Control-Allow-Origin": req.headers.origin ?? "", "Access-Control-Allow-Credentials": "true", Vary: "Origin" };
    if (req.method === "OPTIONS") return void res.writeHead(204, { ...cors, "Access-Control-Allow-Methods": "POST", "Access-Control-Allow-Headers": "content-type" }).end();
    if (req.url === "/login") {
      let body = "";
      req.on("data", (c: Buffer) => (body += c));
      req.on("end", () => {
        const ok = body === '{"user":"a"}' && req.headers["content-type"] === "application/json" && req.headers["x-extra"] === "1";
        res.writeHead(ok ? 200 : 400, { ...cors, "Set-Cookie": ok ? ["sid=1; Path=/; HttpOnly; SameSite=Lax", "pref=2; Path=/; SameSite=None; Secure; Partitioned"] : [] }).end();
      });
      return;
    }
    res.writeHead(200, { ...cors, "Content-Type": "application/json", "Set-Cookie": "seen=1; Path=/; SameSite=None; Secure" }).end("{}");
  });
  apiBase = await listen(api);
});

afterAll(() => {
  api.closeAllConnections();
  api.close();
});

describe("doctor --credentials cookie report", () => {
  const login = () => ["--login", `${apiBase}/login`, "--login-body", '{"user":"a"}', "--login-header", "X-Extra: 1"];

  it("reports every cookie per browser in --json, keeping exit code 0 for an allowed request", async () => {
    const run = await cli([`${apiBase}/items`, "--origin", PAGE, "--credentials", ...login(), "--json"]);
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as { verdict: string; cookies: CookieFinding[] };
    expect(report.verdict).toBe("allowed");
    const brief = report.cookies.map((c) => ({ name: c.name, domain: c.domain, path: c.path, kind: c.setBy.kind, sent: [c.browsers.chromium.sent, c.browsers.firefox.sent, c.browsers.safari.sent] }));
    expect(brief).toEqual([
      { name: "sid", domain: "127.0.0.1", path: "/", kind: "login", sent: [false, false, false] },
      { name: "pref", domain: "127.0.0.1", path: "/", kind: "login", sent: [true, true, false] },
      { name: "seen", domain: "127.0.0.1", path: "/", kind: "request", sent: [false, true, false] },
    ]);
    expect(report.cookies[0]?.browsers.chromium).toMatchObject({ stored: false, sent: false, rule: "samesite-lax-cross-site" });
    expect(report.cookies[0]?.browsers.chromium.fix).toContain("use one host name consistently");
    expect(report.cookies[1]?.browsers.chromium).toMatchObject({ rule: "partitioned", fix: null });
  });

  it("says on the verdict line that the request arrives without those cookies, and shows the fixes", async () => {
    const run = await cli([`${apiBase}/items`, "--origin", PAGE, "--credentials", ...login()]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/ALLOWED {2}the browser lets the page read the response, but it arrives without the cookies sid \(Chromium, Firefox, Safari\), pref \(Safari\), seen \(Chromium, Safari\)/);
    expect(run.stdout).toContain("Cookies\n  sid  domain 127.0.0.1, path /; set by POST");
    expect(run.stdout).toMatch(/Chromium {2}not stored {2}samesite-lax-cross-site: Cookie "sid" is SameSite=Lax/);
    expect(run.stdout).toContain("\n    fix: localhost and 127.0.0.1 are different sites: use one host name consistently in development");
  });

  it("warns when the login sets no cookie", async () => {
    const run = await cli([`${apiBase}/items`, "--origin", PAGE, "--credentials", "--login", `${apiBase}/login`, "--json"]);
    const report = JSON.parse(run.stdout) as { warnings: { id: string; message: string }[] };
    expect(report.warnings.find((w) => w.id === "login-failed")?.message).toMatch(/answered 400 without any Set-Cookie/);
  });

  it("has no cookies array without --credentials", async () => {
    const run = await cli([`${apiBase}/items`, "--origin", PAGE, "--json"]);
    expect(JSON.parse(run.stdout)).not.toHaveProperty("cookies");
  });

  it.each([
    [["--login", "http://x.test/login"], /--login needs --credentials/],
    [["--credentials", "--login-body", "{}"], /need --login <url>/],
    [["--credentials", "--login", "not a url"], /is not an absolute URL/],
    [["--credentials", "--login", "http://x.test/", "--login-method", "GET", "--login-body", "x"], /cannot go with --login-method GET/],
    [["--resolve", "api.test:443"], /must be HOST:PORT:ADDRESS/],
    [["--resolve", "api.test:99999:127.0.0.1"], /must be HOST:PORT:ADDRESS/],
  ])("refuses %j with exit code 2", async (extra, message) => {
    const run = await cli([`${apiBase}/items`, "--origin", PAGE, ...extra]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
  });

  it("--resolve connects to the given address for a name that does not resolve", async () => {
    const port = new URL(apiBase).port;
    const run = await cli([`http://api.crossgate-doctor.test:${port}/items`, "--origin", "http://app.crossgate-doctor.test", "--credentials", "--resolve", `api.crossgate-doctor.test:${port}:127.0.0.1`, "--json"]);
    const report = JSON.parse(run.stdout) as { verdict: string; cookies: CookieFinding[] };
    expect(report.verdict).toBe("allowed");
    expect(report.cookies.map((c) => [c.name, c.domain, c.browsers.chromium.rule])).toEqual([["seen", "api.crossgate-doctor.test", "secure-from-insecure-url"]]);
  });

  it("parses resolve rules as curl writes them", () => {
    expect(parseResolveRule("API.example.test:8443:[::1]")).toEqual({ host: "api.example.test", port: 8443, address: "::1" });
    expect(parseResolveRule("a.test:80:10.0.0.1")).toEqual({ host: "a.test", port: 80, address: "10.0.0.1" });
    expect(parseResolveRule("a.test:80:somewhere")).toMatch(/must be HOST:PORT:ADDRESS/);
  });
});

describe("doctor cookie report on the demo API", () => {
  let demo: Server;
  let demoBase: string;
  const spa = "http://127.0.0.1:5173";
  const otherSite = "http://localhost:5173";

  beforeAll(async () => {
    const env = { ...exampleEnvironment(), CORS_ALLOWED_ORIGINS: `${spa},${otherSite}` };
    demo = createServer(createDemoApi({ env }).handler);
    demoBase = await listen(demo);
  });
  afterAll(() => {
    demo.closeAllConnections();
    demo.close();
  });

  /** The login is CSRF-protected: take a token and its cookie from the token endpoint, as the SPA does. */
  async function csrfHeaders(origin: string): Promise<string[]> {
    const response = await fetch(`${demoBase}/api/csrf`, { headers: { Origin: origin } });
    const token = ((await response.json()) as { csrfToken: string }).csrfToken;
    const cookie = (response.headers.get("set-cookie") ?? "").split(";", 1)[0];
    return ["--login-header", `X-CSRFToken: ${token}`, "--login-header", `Cookie: ${cookie}`];
  }

  async function demoCookies(origin: string): Promise<{ code: number; cookies: Record<string, string[]> }> {
    const login = ["--login", `${demoBase}/api/login`, "--login-body", '{"username":"ada"}', ...(await csrfHeaders(origin))];
    const run = await cli([`${demoBase}/api/me`, "--origin", origin, "--credentials", ...login, "--json"]);
    const report = JSON.parse(run.stdout) as { cookies: CookieFinding[]; warnings: unknown[] };
    expect(report.warnings).toEqual([]);
    const cookies: Record<string, string[]> = {};
    for (const c of report.cookies) cookies[c.name] = [c.browsers.chromium, c.browsers.firefox, c.browsers.safari].map((v) => `${v.sent ? "sent" : "dropped"}:${v.rule}`);
    return { code: run.code, cookies };
  }

  it("from the SPA's own origin (same site): the session and CSRF cookies come back in every browser", async () => {
    const { code, cookies } = await demoCookies(spa);
    expect(code).toBe(0);
    expect(cookies).toEqual({
      sessionid: ["sent:first-party", "sent:first-party", "sent:first-party"],
      csrftoken: ["sent:first-party", "sent:first-party", "sent:first-party"],
    });
  });

  it("from another site (localhost page, 127.0.0.1 API): both are dropped, with the rule", async () => {
    const { code, cookies } = await demoCookies(otherSite);
    expect(code).toBe(0);
    expect(cookies).toEqual({
      sessionid: ["dropped:samesite-lax-cross-site", "dropped:samesite-lax-cross-site", "dropped:samesite-lax-cross-site"],
      csrftoken: ["dropped:samesite-lax-cross-site", "dropped:samesite-lax-cross-site", "dropped:samesite-lax-cross-site"],
    });
  });
});
