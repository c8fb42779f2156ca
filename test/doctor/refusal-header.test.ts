// The doctor repeats a Crossgate-Refusal header (crossgate's debug mode) as a note on its step, in
// the report and in the printed text; without debug mode there is no header and no note.
import type { IncomingMessage, ServerResponse } from "node:http";
import { describe, expect, it } from "vitest";
import { cors, csrf } from "../../src/adapters/node.ts";
import { formatReport } from "../../src/doctor/format.ts";
import { probe } from "../../src/testing/index.ts";

const APP = "https://app.example.com";
const quiet = { warn: () => {} };

function api(debug: boolean) {
  const withCors = cors({ origins: [APP], credentials: true, requestHeaders: ["content-type"], debug, logger: quiet });
  const withCsrf = csrf({ trustedOrigins: [APP], tokens: false, debug, logger: quiet });
  return (req: IncomingMessage, res: ServerResponse) => withCors(req, res, () => withCsrf(req, res, () => res.end("ok")));
}

const notesOf = (report: Awaited<ReturnType<typeof probe>>) => report.steps.flatMap((step) => step.notes).filter((note) => note.includes("Crossgate-Refusal"));

describe("doctor: Crossgate-Refusal", () => {
  it("quotes the header of a preflight refused for a header, which the browser-like checks also name", async () => {
    const report = await probe(api(true), { origin: APP, method: "PUT", headers: { "X-Foo": "1" }, credentials: true, path: "/items", extraProbes: false });
    expect(report.rule).toBe("header-not-allowed");
    expect(notesOf(report)).toEqual(['The server says why it refused: Crossgate-Refusal: header-not-allowed; header="x-foo" (crossgate\'s debug mode; keep it off in production).']);
    expect(formatReport(report)).toContain('Crossgate-Refusal: header-not-allowed; header="x-foo"');
  });

  it("quotes a CSRF refusal's code on the request's step (the 403 is the guard's, so its header is the one sent)", async () => {
    const report = await probe(api(true), { origin: "https://other.example", method: "POST", headers: { "Content-Type": "text/plain" }, path: "/items", extraProbes: false });
    expect(report.steps.at(-1)!.response!.status).toBe(403);
    expect(notesOf(report)).toEqual([expect.stringContaining("Crossgate-Refusal: origin-untrusted (")]);
  });

  it("has nothing to quote without debug mode", async () => {
    const report = await probe(api(false), { origin: APP, method: "PUT", headers: { "X-Foo": "1" }, credentials: true, path: "/items", extraProbes: false });
    expect(report.rule).not.toBeNull();
    expect(notesOf(report)).toEqual([]);
  });
});
