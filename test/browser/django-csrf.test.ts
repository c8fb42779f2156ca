// One csrftoken cookie in a real browser: an SPA page calls a Django 3.2 API and a crossgate API
// (tokenFormat: "django") on the same site (127.0.0.1, three ports), in the common pattern: read
// `csrftoken` from document.cookie and send it as X-CSRFToken, or send a token an endpoint returned.
// Each side accepts the other's tokens and the cookie's secret never changes, in Chromium and Firefox.
import { afterAll, beforeAll, expect, it } from "vitest";
import { createCorsPolicy, createCsrfPolicy } from "../../src/index.ts";
import { unmaskToken } from "../../src/core/csrf/token.ts";
import { djangoCsrfUrls, djangoCsrfViews } from "../csrf/django-project.ts";
import { startServer, type RunningServer } from "../csrf/servers.ts";
import { djangoIsMissingLocally, startDjango, type DjangoServer } from "../support/django.ts";
import { describeInBrowsers, startLoopbackServer, type LoopbackServer } from "./harness.ts";

let page: LoopbackServer;
let django: DjangoServer;
let api: RunningServer;

beforeAll(async () => {
  if (djangoIsMissingLocally()) return;
  page = await startLoopbackServer((_req, res) => {
    res.writeHead(200, { "Content-Type": "text/html; charset=utf-8" }).end("<!doctype html><title>spa</title><h1>spa</h1>");
  });
  django = await startDjango({
    views: djangoCsrfViews,
    urls: djangoCsrfUrls,
    settings: `CORS_ALLOWED_ORIGINS = [${JSON.stringify(page.origin)}]\nCORS_ALLOW_CREDENTIALS = True`,
  });
  const cors = createCorsPolicy({ origins: [page.origin], credentials: true, exposeHeaders: ["X-CSRFToken"] });
  api = await startServer("node:http", cors, createCsrfPolicy({ cors, tokenFormat: "django" }));
});

afterAll(async () => {
  await Promise.all([page?.close(), django?.stop(), api?.close()]);
});

interface Apis {
  readonly django: string;
  readonly crossgate: string;
}

/** Page-side: Django issues first; the page uses its token and the cookie on both APIs, then crossgate's token on Django. */
async function djangoFirst({ django, crossgate }: Apis) {
  const cookie = () => /(?:^|;\s*)csrftoken=([^;]*)/.exec(document.cookie)?.[1] ?? "";
  const post = async (url: string, token: string) =>
    (await fetch(url, { method: "POST", credentials: "include", headers: { "Content-Type": "application/json", "X-CSRFToken": token }, body: "{}" })).status;
  const tokenFrom = async (url: string) => ((await (await fetch(url, { credentials: "include" })).json()) as { csrfToken: string }).csrfToken;

  const djangoToken = await tokenFrom(`${django}/api/token/`);
  const first = cookie();
  const statuses = {
    crossgateWithCookie: await post(`${crossgate}/api/things`, first),
    crossgateWithDjangoToken: await post(`${crossgate}/api/things`, djangoToken),
    djangoWithCrossgateToken: await post(`${django}/api/write/`, await tokenFrom(`${crossgate}/api/csrf`)),
    djangoWithCookie: await post(`${django}/api/write/`, cookie()),
    djangoWithItsCachedToken: await post(`${django}/api/write/`, djangoToken),
    crossgateWithWrongToken: await post(`${crossgate}/api/things`, "x".repeat(32)),
    djangoAfterCrossgateRefusal: await post(`${django}/api/write/`, djangoToken),
  };
  return { statuses, first, last: cookie() };
}

/** Page-side: crossgate issues first; Django then sends its own cookie; every token cached on the way keeps working. */
async function crossgateFirst({ django, crossgate }: Apis) {
  const cookie = () => /(?:^|;\s*)csrftoken=([^;]*)/.exec(document.cookie)?.[1] ?? "";
  const post = async (url: string, token: string) =>
    (await fetch(url, { method: "POST", credentials: "include", headers: { "Content-Type": "application/json", "X-CSRFToken": token }, body: "{}" })).status;
  const tokenFrom = async (url: string) => ((await (await fetch(url, { credentials: "include" })).json()) as { csrfToken: string }).csrfToken;

  const crossgateToken = await tokenFrom(`${crossgate}/api/csrf`);
  const first = cookie();
  const before = {
    djangoWithCookie: await post(`${django}/api/write/`, first),
    djangoWithCrossgateToken: await post(`${django}/api/write/`, crossgateToken),
    crossgateWithCookie: await post(`${crossgate}/api/things`, first),
  };
  const djangoToken = await tokenFrom(`${django}/api/token/`);
  const after = {
    crossgateWithDjangoToken: await post(`${crossgate}/api/things`, djangoToken),
    crossgateWithCookie: await post(`${crossgate}/api/things`, cookie()),
    djangoWithFirstCookie: await post(`${django}/api/write/`, first),
    crossgateWithItsCachedToken: await post(`${crossgate}/api/things`, crossgateToken),
  };
  return { before, after, first, last: cookie() };
}

const secretOf = (value: string) => (value.length === 64 ? unmaskToken(value) : value);

describeInBrowsers("one csrftoken cookie for a Django API and a crossgate API", (use) => {
  it.skipIf(djangoIsMissingLocally())("Django first: both accept each other's tokens, and the cookie is never replaced", async () => {
    const session = await use.newSession();
    try {
      await session.goto(page.url("/"));
      const outcome = await session.evaluate(djangoFirst, { django: django.origin, crossgate: api.url });
      expect(outcome.first, "the page reads Django's cookie").toMatch(/^[A-Za-z0-9]{64}$/);
      expect(outcome.statuses).toEqual({
        crossgateWithCookie: 200,
        crossgateWithDjangoToken: 200,
        djangoWithCrossgateToken: 200,
        djangoWithCookie: 200,
        djangoWithItsCachedToken: 200,
        crossgateWithWrongToken: 403,
        djangoAfterCrossgateRefusal: 200,
      });
      expect(outcome.last).toBe(outcome.first);
    } finally {
      await session.close();
    }
  });

  it.skipIf(djangoIsMissingLocally())("crossgate first: Django accepts crossgate's cookie and token; the secret survives Django's token endpoint", async () => {
    const session = await use.newSession();
    try {
      await session.goto(page.url("/"));
      const outcome = await session.evaluate(crossgateFirst, { django: django.origin, crossgate: api.url });
      expect(outcome.first).toMatch(/^[A-Za-z0-9]{32}$/);
      expect(outcome.before).toEqual({ djangoWithCookie: 200, djangoWithCrossgateToken: 200, crossgateWithCookie: 200 });
      expect(outcome.after).toEqual({ crossgateWithDjangoToken: 200, crossgateWithCookie: 200, djangoWithFirstCookie: 200, crossgateWithItsCachedToken: 200 });
      expect(secretOf(outcome.last)).toBe(outcome.first);
    } finally {
      await session.close();
    }
  });
});
