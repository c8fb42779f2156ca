// The cause, from the evidence, for servers that need no Django: the app's 5xx in its own words,
// APPEND_SLASH's POST error, a proxy's duplicate header, an https redirect, and crossgate's bodiless
// preflight refusal narrowed to the header at fault by the extra probes (and not without them).
import type { IncomingMessage, ServerResponse } from "node:http";
import { describe, expect, it } from "vitest";
import { cors } from "../../src/adapters/node.ts";
import { probe } from "../../src/testing/index.ts";

const page = "http://app.example";
const allowing = { "Access-Control-Allow-Origin": page, Vary: "Origin", "Access-Control-Allow-Methods": "GET, POST", "Access-Control-Allow-Headers": "content-type" };

function server(answer: (req: IncomingMessage, res: ServerResponse) => void) {
  return (req: IncomingMessage, res: ServerResponse) => {
    if (req.method === "OPTIONS") return void res.writeHead(200, allowing).end();
    answer(req, res);
  };
}

const djangoPost500 =
  '<!DOCTYPE html><html><head><title>RuntimeError\n          at /api/items</title></head><body><div id="summary">\n  <h1>RuntimeError\n       at /api/items</h1>\n  <pre class="exception_value">You called this URL via POST, but the URL doesn&#x27;t end in a slash and you have APPEND_SLASH set. Django can&#x27;t redirect to the slash URL while maintaining POST data.</pre>';

describe("cause", () => {
  it("an allowed 500 is the app failing, in Django's words, and APPEND_SLASH's POST error says which URL to call", async () => {
    const report = await probe(server((_req, res) => void res.writeHead(500, { ...allowing, "Content-Type": "text/html" }).end(djangoPost500)), {
      origin: page,
      method: "POST",
      path: "/api/items",
      headers: { "Content-Type": "application/json" },
      extraProbes: true,
    });
    expect(report.verdict).toBe("allowed");
    expect(report.cause?.id).toBe("app-error");
    expect(report.cause?.summary).toContain("RuntimeError: You called this URL via POST, but the URL doesn't end in a slash");
    expect(report.fix?.callUrl).toMatch(/\/api\/items\/$/);
    expect(report.server.kind).toBe("django");
  });

  it("a blocked 500 quotes a JSON error and asks for CORS headers on errors", async () => {
    const report = await probe(server((_req, res) => void res.writeHead(500, { "Content-Type": "application/json" }).end('{"error":"database is locked"}')), {
      origin: page,
      path: "/items",
      extraProbes: true,
    });
    expect(report.verdict).toBe("blocked");
    expect(report.cause?.id).toBe("app-error");
    expect(report.cause?.evidence).toContain("The server says: database is locked");
    expect(report.fix?.changes).toEqual([{ kind: "cors-first" }]);
    expect(report.fix?.elsewhere).toContain("database is locked");
  });

  it("a header sent twice is a proxy in the way, and the fix is not a setting", async () => {
    const report = await probe(
      server((_req, res) => {
        res.setHeader("Access-Control-Allow-Origin", [page, page]);
        res.writeHead(200).end("{}");
      }),
      { origin: page, path: "/items", extraProbes: true },
    );
    expect(report.cause?.id).toBe("proxy-duplicate");
    expect(report.fix?.changes).toEqual([]);
    expect(report.fix?.django).toMatch(/^# not a setting: remove the CORS headers that a reverse proxy/);
  });

  it("an http-to-https redirect without CORS headers is named as such", async () => {
    const report = await probe(
      server((req, res) => void res.writeHead(301, { Location: `https://127.0.0.1${req.url ?? "/"}` }).end()),
      { origin: page, path: "/items", extraProbes: true },
    );
    expect(report.verdict).toBe("blocked");
    expect(report.cause?.id).toBe("redirect");
    expect(report.cause?.summary).toMatch(/^An http-to-https redirect is in the way/);
    expect(report.cause?.probes[0]?.method).toBe("OPTIONS");
  });

  it("crossgate's bodiless preflight refusal: the probes find the header at fault, and say what they sent", async () => {
    const middleware = cors({ origins: [page] });
    const app = (req: IncomingMessage, res: ServerResponse) => middleware(req, res, () => void res.writeHead(200).end("{}"));
    const options = { origin: page, path: "/items", headers: { "X-Requested-With": "fetch", "X-Api-Key": "k" } };
    const report = await probe(app, { ...options, extraProbes: true });
    expect(report.rule).toBe("preflight-not-ok");
    expect(report.cause?.id).toBe("header-refused");
    expect(report.server.kind).toBe("crossgate");
    expect(report.fix?.crossgateOptions).toEqual({ requestHeaders: { add: ["x-api-key"], base: expect.any(Array) } });
    expect(report.cause?.probes.map((p) => `${p.method} ${p.showed}`)).toEqual([
      "GET the origin is allowed for a GET",
      "OPTIONS GET alone is allowed",
      "OPTIONS x-api-key is refused",
    ]);
    // Without the probes the doctor does not pretend to know which header.
    const quiet = await probe(app, options);
    expect(quiet.cause?.probes).toEqual([]);
    expect(quiet.fix?.changes.some((c) => c.kind === "add-header")).toBe(false);
  });
});
