// The harness's third-party-cookie switches really change what a cross-site credentialed fetch carries.
// Page on 127.0.0.1, API on localhost: another site, so the API's cookie is a third-party cookie there.
import { afterAll, beforeAll, expect, it } from "vitest";
import { describeInBrowsers, startLoopbackServer, type BrowserUse, type LoopbackServer } from "./harness.ts";

let page: LoopbackServer;
let api: LoopbackServer;

beforeAll(async () => {
  page = await startLoopbackServer((_req, res) => {
    res.writeHead(200, { "Content-Type": "text/html; charset=utf-8" });
    res.end("<!doctype html><title>page</title>");
  });
  api = await startLoopbackServer((req, res) => {
    if (req.url === "/login") {
      // Secure is honoured on http://localhost, a potentially trustworthy origin.
      res.writeHead(200, { "Set-Cookie": "sid=s1; SameSite=None; Secure; Path=/", "Content-Type": "text/plain" });
      res.end("logged in");
      return;
    }
    res.writeHead(200, {
      "Content-Type": "application/json",
      "Access-Control-Allow-Origin": page.origin,
      "Access-Control-Allow-Credentials": "true",
      Vary: "Origin",
    });
    res.end(JSON.stringify({ cookie: req.headers.cookie ?? null }));
  });
});

afterAll(async () => {
  await Promise.all([page?.close(), api?.close()]);
});

/** Logs in by a top-level visit to the API, then returns the Cookie header a cross-site fetch carried. */
async function cookieSentCrossSite(use: BrowserUse): Promise<string | null> {
  const session = await use.newSession();
  try {
    await session.goto(`${api.localhostOrigin}/login`);
    await session.goto(page.url("/"));
    const body = await session.evaluateScript<{ cookie: string | null }>(
      `fetch(${JSON.stringify(`${api.localhostOrigin}/echo`)}, { credentials: "include" }).then((r) => r.json())`,
    );
    return body.cookie;
  } finally {
    await session.close();
  }
}

describeInBrowsers("harness default profile", (use) => {
  it("does not send the API's first-party cookie on a cross-site fetch", async () => {
    expect(await cookieSentCrossSite(use)).toBeNull();
  });
});

describeInBrowsers(
  "harness with third-party cookies allowed",
  (use) => {
    it("sends the SameSite=None cookie on a cross-site fetch", async () => {
      expect(await cookieSentCrossSite(use)).toBe("sid=s1");
    });
  },
  { thirdPartyCookies: true, extraPrefsFirefox: { "network.cookie.cookieBehavior": 0 } },
);
