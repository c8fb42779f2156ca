// Smoke test of the real-browser harness: a page on one loopback port fetches from another port.
import { afterAll, beforeAll, expect, it } from "vitest";
import { describeInBrowsers, startLoopbackServer, type LoopbackServer } from "./harness.ts";

const corsMessage = {
  chromium: /Access to fetch at 'http:\/\/127\.0\.0\.1:\d+\/data' from origin 'http:\/\/127\.0\.0\.1:\d+' has been blocked by CORS policy/,
  firefox: /Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at http:\/\/127\.0\.0\.1:\d+\/data/,
} as const;

let page: LoopbackServer;
let api: LoopbackServer;

beforeAll(async () => {
  page = await startLoopbackServer((_req, res) => {
    res.writeHead(200, { "Content-Type": "text/html; charset=utf-8" });
    res.end('<!doctype html><title>page</title><main id="app" data-ready="yes" lang="en">page</main>');
  });
  api = await startLoopbackServer((req, res) => {
    if (req.url === "/allowed") {
      res.writeHead(200, { "Content-Type": "application/json", "Access-Control-Allow-Origin": page.origin });
      res.end('{"ok":true}');
      return;
    }
    // No CORS headers: the browser must refuse to share this response.
    res.writeHead(200, { "Content-Type": "application/json" });
    res.end('{"secret":true}');
  });
});

afterAll(async () => {
  await Promise.all([page?.close(), api?.close()]);
});

describeInBrowsers("harness smoke", (use) => {
  it("reads attributes, refuses a cross-origin read without CORS headers and captures the browser's CORS message", async () => {
    const session = await use.newSession();
    try {
      await session.goto(page.url("/"));
      expect(await session.attributes("#app")).toEqual({ id: "app", "data-ready": "yes", lang: "en" });
      expect(await session.attributes("#absent")).toBeNull();

      const outcome = await session.evaluate(async (url: string) => {
        try {
          const response = await fetch(url);
          return { resolved: true, body: await response.text() };
        } catch (error) {
          return { resolved: false, name: (error as Error).name, message: (error as Error).message };
        }
      }, api.url("/data"));
      expect(outcome).toMatchObject({ resolved: false, name: "TypeError" });

      const message = await session.waitForMessage(corsMessage[use.name]);
      expect(message.level).toBe("error");
      expect(session.messageText()).toMatch(corsMessage[use.name]);
    } finally {
      await session.close();
    }
  });

  it("shares a response that carries Access-Control-Allow-Origin, in a fresh context", async () => {
    const session = await use.newSession();
    try {
      await session.goto(page.url("/"));
      expect(session.messages()).toEqual([]);
      const body = await session.evaluateScript<unknown>(
        `fetch(${JSON.stringify(api.url("/allowed"))}).then((r) => r.json())`,
      );
      expect(body).toEqual({ ok: true });
    } finally {
      await session.close();
    }
  });
});
