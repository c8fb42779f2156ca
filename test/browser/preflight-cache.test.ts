// Preflight caching in real browsers, against the demo API (CORS_PREFLIGHT_MAX_AGE=600 in
// .env.example): Chromium preflights a repeated identical request exactly once within max-age;
// Firefox preflights it fewer times than it sends it (its cache is known to re-preflight the first
// URL of a page a few times, see reference/browsers.md §2c).
import { afterAll, beforeAll, expect, it } from "vitest";
import { describeInBrowsers } from "./harness.ts";
import { finishedChecklist, startDemoOnFreePorts, type DemoUnderTest } from "./support/demo.ts";

const REPEATS = 8;
let demo: DemoUnderTest;

beforeAll(async () => {
  demo = await startDemoOnFreePorts();
});

afterAll(async () => {
  await demo?.close();
});

it("answers preflights with the max-age from .env.example", async () => {
  const response = await fetch(`${demo.api}/api/echo`, {
    method: "OPTIONS",
    headers: { Origin: demo.spa, "Access-Control-Request-Method": "GET", "Access-Control-Request-Headers": "x-trace-id" },
  });
  expect(response.status).toBe(200);
  expect(response.headers.get("access-control-max-age")).toBe("600");
  expect(response.headers.get("access-control-allow-headers")).toContain("x-trace-id");
});

/** Sends `repeats` GETs with X-Trace-Id from the page, to `urls[i % urls.length]`, one after the other. */
const sendFromPage = async ({ urls, repeats }: { urls: string[]; repeats: number }) => {
  const seen: (string | null)[] = [];
  for (let i = 0; i < repeats; i++) {
    const response = await fetch(urls[i % urls.length]!, { credentials: "include", headers: { "X-Trace-Id": "cached" } });
    seen.push(((await response.json()) as { traceId: string | null }).traceId);
  }
  return seen;
};

describeInBrowsers("preflight cache", (use) => {
  it(`sends ${REPEATS} identical preflighted requests with ${use.name === "chromium" ? "exactly one preflight" : "fewer preflights"}`, async () => {
    const session = await use.newSession();
    try {
      await session.goto(`${demo.spa}/`);
      // The SPA's own checklist runs first; it uses other URLs, so it does not warm this one.
      await finishedChecklist(session);
      const path = `/api/echo?cache=${use.name}-${Date.now()}`;
      const traces = await session.evaluate(sendFromPage, { urls: [demo.api + path], repeats: REPEATS });
      expect(traces).toEqual(Array(REPEATS).fill("cached"));

      const forPath = demo.requests.filter((entry) => entry.url === path);
      const preflights = forPath.filter((entry) => entry.method === "OPTIONS");
      const requests = forPath.filter((entry) => entry.method === "GET");
      expect(requests).toHaveLength(REPEATS);
      // Browsers never send cookies on a preflight (Fetch standard, CORS-preflight fetch step 1).
      expect(preflights.every((entry) => !entry.withCookies)).toBe(true);
      if (use.name === "chromium") {
        expect(preflights).toHaveLength(1);
      } else {
        expect(preflights.length).toBeGreaterThanOrEqual(1);
        expect(preflights.length).toBeLessThan(REPEATS);
      }
    } finally {
      await session.close();
    }
  });

  it("preflights every request when each one has its own URL (the cache is per URL, and the count sees it)", async () => {
    const session = await use.newSession();
    try {
      await session.goto(`${demo.spa}/`);
      const stamp = `${use.name}-${Date.now()}`;
      const paths = Array.from({ length: 4 }, (_, i) => `/api/echo?distinct=${stamp}-${i}`);
      await session.evaluate(sendFromPage, { urls: paths.map((path) => demo.api + path), repeats: paths.length });
      const preflights = demo.requests.filter((entry) => entry.method === "OPTIONS" && paths.includes(entry.url));
      expect(preflights).toHaveLength(paths.length);
    } finally {
      await session.close();
    }
  });
});
