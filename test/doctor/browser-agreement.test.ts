// The doctor's verdict must be the browser's. A page on one 127.0.0.1 port fetches each broken
// server on another port in real Chromium; the doctor diagnoses the same request.
import { afterAll, beforeAll, expect, it } from "vitest";
import { probe } from "../../src/testing/index.ts";
import { describeInBrowsers, startLoopbackServer, type LoopbackServer } from "../browser/harness.ts";
import { brokenServerCases } from "./broken-servers.ts";
import { startCase } from "./servers.ts";

let page: LoopbackServer;

beforeAll(async () => {
  page = await startLoopbackServer((_req, res) => void res.writeHead(200, { "Content-Type": "text/html" }).end("<!doctype html><title>page</title>"), { alsoIPv6: false });
});

afterAll(async () => {
  await page?.close();
});

interface PageResult {
  readonly ok: boolean;
  readonly status?: number;
  readonly error?: string;
}

describeInBrowsers(
  "doctor agrees with the browser",
  (use) => {
    for (const testCase of brokenServerCases.filter((c) => c.inBrowser === true)) {
      it(`${testCase.name}: ${testCase.want.verdict}`, async () => {
        const running = await startCase(testCase, page.origin);
        const session = await use.newSession();
        try {
          await session.goto(page.url("/"));
          const init = {
            method: testCase.request.method ?? "GET",
            headers: testCase.request.headers ?? {},
            credentials: testCase.request.credentials === true ? "include" : "same-origin",
          };
          const seen = await session.evaluate<PageResult, { url: string; init: RequestInit }>(async ({ url, init }) => {
            try {
              const response = await fetch(url, init);
              await response.text();
              return { ok: true, status: response.status };
            } catch (error) {
              return { ok: false, error: String(error) };
            }
          }, { url: running.url, init: init as RequestInit });

          const report = await probe(running.url, {
            origin: page.origin,
            method: init.method,
            headers: init.headers,
            credentials: testCase.request.credentials === true,
          });
          const browserVerdict = seen.ok ? "allowed" : "blocked";
          expect(report.verdict).toBe(testCase.want.verdict);
          expect(browserVerdict).toBe(report.verdict);
          if (report.failure !== null) {
            // Chromium prints the doctor's predicted console text (its CORS sentence, at least).
            const predicted = report.failure.messages.chrome.replace(/^.*has been blocked by CORS policy: /, "");
            const message = await session.waitForMessage("blocked by CORS policy");
            expect(message.text).toContain(predicted);
          }
        } finally {
          await session.close();
          await running.close();
        }
      });
    }
  },
  { browsers: ["chromium"] },
);
