// Page-level blockers in the doctor: the page's CSP, mixed content and Local Network Access give a
// "blocked" verdict with their own rule, the browsers' console texts and a fix for the page's
// server, without sending the request; report-only policies only warn.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.ts";
import { policiesFromHeaders } from "../../src/doctor/csp.ts";
import { diagnose, type Transport, type WireRequest } from "../../src/doctor/engine.ts";
import { doctor } from "../../src/doctor/probe.ts";
import type { DoctorRequest } from "../../src/doctor/report.ts";

const API = "http://localhost:8000/api/items";
const request = (url = API, origin = "http://localhost:5173", method = "GET"): DoctorRequest => ({ url, origin, method, headers: [], credentials: false });

/** A transport that answers every request with an allowing CORS response and records what it saw. */
function allowingTransport(seen: WireRequest[] = []): Transport {
  return async (wire) => {
    seen.push(wire);
    const origin = wire.headers.find(([name]) => name.toLowerCase() === "origin")?.[1] ?? "*";
    return { status: 200, headers: [["Access-Control-Allow-Origin", origin], ["Vary", "Origin"]], bodyPreview: "{}" };
  };
}

describe("the page's Content-Security-Policy", () => {
  it("blocks with csp-connect-src before anything is sent, quoting the browsers and fixing the page's policy", async () => {
    const seen: WireRequest[] = [];
    const report = await diagnose(request(), allowingTransport(seen), {
      errorProbe: false,
      page: { url: "http://localhost:5173/", policies: policiesFromHeaders([["Content-Security-Policy", "default-src 'self'; connect-src 'self'"]]) },
    });
    expect(seen).toEqual([]);
    expect(report.verdict).toBe("blocked");
    expect(report.rule).toBe("csp-connect-src");
    expect(report.failure?.messages.chrome).toBe(
      `Connecting to '${API}' violates the following Content Security Policy directive: "connect-src 'self'". The action has been blocked.`,
    );
    expect(report.failure?.messages.firefox).toBe(
      `Content-Security-Policy: The page’s settings blocked the loading of a resource (connect-src) at ${API} because it violates the following directive: “connect-src 'self'”`,
    );
    expect(report.failure?.fix.summary).toContain("Content-Security-Policy: default-src 'self'; connect-src 'self' http://localhost:8000");
    expect(report.failure?.fix.crossgate).toContain(`connectSrc: ["'self'", "http://localhost:8000"]`);
    expect(report.failure?.fix.django).toContain(`CSP_CONNECT_SRC = ("'self'", "http://localhost:8000",)`);
    expect(report.steps[0]?.checks[0]).toMatchObject({ id: "page-policy", ok: false });
  });

  it("names the default-src fallback as Chromium does, and adds a connect-src to the fix", async () => {
    const report = await diagnose(request(), allowingTransport(), {
      errorProbe: false,
      page: { url: "http://localhost:5173/", policies: policiesFromHeaders([["Content-Security-Policy", "default-src 'self'"]]) },
    });
    expect(report.failure?.messages.chrome).toContain(`"default-src 'self'". Note that 'connect-src' was not explicitly set, so 'default-src' is used as a fallback. The action has been blocked.`);
    expect(report.failure?.fix.summary).toContain("Content-Security-Policy: default-src 'self'; connect-src 'self' http://localhost:8000");
  });

  it("allows when the policy lists the API, and only warns for a report-only policy", async () => {
    const listed = await diagnose(request(), allowingTransport(), {
      errorProbe: false,
      page: { url: "http://localhost:5173/", policies: policiesFromHeaders([["Content-Security-Policy", "connect-src 'self' http://localhost:8000"]]) },
    });
    expect(listed.verdict).toBe("allowed");
    const reportOnly = await diagnose(request(), allowingTransport(), {
      errorProbe: false,
      page: { url: "http://localhost:5173/", policies: policiesFromHeaders([["Content-Security-Policy-Report-Only", "connect-src 'self'"]]) },
    });
    expect(reportOnly.verdict).toBe("allowed");
    expect(reportOnly.warnings.map((w) => w.id)).toContain("csp-report-only");
  });

  it("checks every redirect hop against the policy, paths ignored after the first", async () => {
    const transport: Transport = async (wire) =>
      wire.url.endsWith("/start")
        ? { status: 302, headers: [["Location", "https://cdn.example.net/items"], ["Access-Control-Allow-Origin", "http://localhost:5173"]], bodyPreview: "" }
        : { status: 200, headers: [["Access-Control-Allow-Origin", "*"]], bodyPreview: "" };
    const report = await diagnose(request("http://localhost:8000/start"), transport, {
      errorProbe: false,
      page: { url: "http://localhost:5173/", policies: policiesFromHeaders([["Content-Security-Policy", "connect-src 'self' http://localhost:8000/start"]]) },
    });
    expect(report.rule).toBe("csp-connect-src");
    expect(report.steps.map((s) => s.kind)).toEqual(["redirect", "actual"]);
    expect(report.failure?.step).toBe(1);
  });
});

describe("mixed content and Local Network Access", () => {
  it("blocks an https page's fetch of a non-loopback http URL, from the origin alone", async () => {
    const report = await diagnose(request("http://api.example.com/items", "https://app.example.com"), allowingTransport(), { errorProbe: false });
    expect(report.rule).toBe("mixed-content");
    expect(report.failure?.messages.chrome).toBe(
      "Mixed Content: The page at 'https://app.example.com/' was loaded over HTTPS, but requested an insecure resource 'http://api.example.com/items'. This request has been blocked; the content must be served over HTTPS.",
    );
    expect(report.failure?.messages.firefox).toBe("Blocked loading mixed active content “http://api.example.com/items”");
  });

  it("lets an https page call http://localhost and http://127.0.0.1 (potentially trustworthy)", async () => {
    for (const url of ["http://localhost:8000/x", "http://127.0.0.1:8000/x", "http://[::1]:8000/x"]) {
      const report = await diagnose(request(url, "https://app.example.com"), allowingTransport(), { errorProbe: false });
      expect(report.verdict, url).toBe("allowed");
    }
  });

  it("gates a public page's call to a loopback or private address when the page's address is known", async () => {
    const report = await diagnose(request("http://127.0.0.1:8000/x", "https://app.example.com"), allowingTransport(), {
      errorProbe: false,
      page: { url: "https://app.example.com/", policies: [], addressSpace: "public" },
      targetAddressSpace: "loopback",
    });
    expect(report.rule).toBe("local-network-access");
    expect(report.failure?.messages.chrome).toContain("Permission was denied for this request to access the `loopback` address space.");
    const sameSpace = await diagnose(request("http://127.0.0.1:8000/x", "http://localhost:5173"), allowingTransport(), {
      errorProbe: false,
      page: { url: "http://localhost:5173/", policies: [], addressSpace: "loopback" },
    });
    expect(sameSpace.verdict).toBe("allowed");
  });
});

describe("doctor --page against live servers", () => {
  let pageServer: Server;
  let apiServer: Server;
  let pageOrigin: string;
  let apiOrigin: string;

  const listen = async (server: Server) => {
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  };

  beforeAll(async () => {
    apiServer = createServer((req, res) => {
      res.writeHead(200, { "Access-Control-Allow-Origin": req.headers.origin ?? "*", Vary: "Origin", "Content-Type": "application/json" }).end("{}");
    });
    apiOrigin = await listen(apiServer);
    pageServer = createServer((req, res) => {
      const url = new URL(req.url ?? "/", "http://x");
      if (url.pathname === "/moved") return void res.writeHead(302, { Location: "/meta" }).end();
      const headers: Record<string, string> = { "Content-Type": "text/html" };
      if (url.pathname === "/header") headers["Content-Security-Policy"] = "connect-src 'self'";
      if (url.pathname === "/listed") headers["Content-Security-Policy"] = `connect-src 'self' ${apiOrigin}`;
      const padding = "<!-- padding -->".repeat(200); // the meta tag sits past the first kilobyte
      const meta = url.pathname === "/meta" ? `<meta http-equiv="Content-Security-Policy" content="default-src 'self'">` : "";
      res.writeHead(200, headers).end(`<!doctype html><html><head>${padding}${meta}</head></html>`);
    });
    pageOrigin = await listen(pageServer);
  });

  afterAll(async () => {
    await Promise.all([new Promise((r) => pageServer.close(r)), new Promise((r) => apiServer.close(r))]);
  });

  it("reads the header policy, the meta policy after a redirect, and a policy that lists the API", async () => {
    const header = await doctor({ url: `${apiOrigin}/items`, page: `${pageOrigin}/header` }, { errorProbe: false });
    expect([header.verdict, header.rule, header.request.origin]).toEqual(["blocked", "csp-connect-src", pageOrigin]);
    expect(header.page).toEqual({ url: `${pageOrigin}/header`, status: 200, policies: [{ source: "header", text: "connect-src 'self'" }] });

    const meta = await doctor({ url: `${apiOrigin}/items`, page: `${pageOrigin}/moved` }, { errorProbe: false });
    expect([meta.verdict, meta.rule, meta.page?.url]).toEqual(["blocked", "csp-connect-src", `${pageOrigin}/meta`]);

    const listed = await doctor({ url: `${apiOrigin}/items`, page: `${pageOrigin}/listed` }, { errorProbe: false });
    expect(listed.verdict).toBe("allowed");
  });

  it("prints the verdict, the page's policy and the page-side fix from the CLI, exit 1", async () => {
    let out = "";
    const io = { stdout: { write: (t: string) => (out += t) }, stderr: { write: () => undefined }, env: {} };
    const code = await main(["doctor", `${apiOrigin}/items`, "--page", `${pageOrigin}/header`, "--no-error-probe"], io);
    expect(code).toBe(1);
    expect(out).toContain("BLOCKED  csp-connect-src");
    expect(out).toContain(`Page ${pageOrigin}/header (200): Content-Security-Policy header "connect-src 'self'"`);
    expect(out).toContain("page's server (Express + helmet):");
    expect(out).toContain(`Content-Security-Policy: connect-src 'self' ${apiOrigin}`);
  });

  it("refuses an --origin that is not the page's", async () => {
    await expect(doctor({ url: `${apiOrigin}/items`, page: `${pageOrigin}/header`, origin: "http://elsewhere.example" })).rejects.toThrow(/is not the page's/);
  });
});
