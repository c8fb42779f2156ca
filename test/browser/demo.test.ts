// The demo (`npm run demo`) in real Chromium and Firefox: every checklist scenario passes whichever
// loopback name the page is loaded from, a non-allowed origin is refused and explained, and a CSRF
// refusal reaches the allowed SPA readable.
import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startDemo } from "../../examples/demo/start-demo.ts";
import { isConfigError } from "../../src/index.ts";
import { describeInBrowsers, type BrowserName } from "./harness.ts";
import { demoScenarioNames, finishedChecklist, startDemoOnFreePorts, type DemoUnderTest } from "./support/demo.ts";

let demo: DemoUnderTest;

beforeAll(async () => {
  demo = await startDemoOnFreePorts();
});

afterAll(async () => {
  await demo?.close();
});

/** The browser's own console text for a response refused for lack of `Access-Control-Allow-Origin`. */
function corsRefusalMessage(browser: BrowserName, url: string, origin: string): string {
  return browser === "chromium"
    ? `Access to fetch at '${url}' from origin '${origin}' has been blocked by CORS policy: No 'Access-Control-Allow-Origin' header is present on the requested resource.`
    : `Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at ${url}. (Reason: CORS header ‘Access-Control-Allow-Origin’ missing)`;
}

describeInBrowsers("demo", (use) => {
  for (const host of ["127.0.0.1", "localhost", "[::1]"]) {
    it(`passes every checklist scenario when the SPA is loaded from ${host}`, async () => {
      const session = await use.newSession();
      try {
        await session.goto(`http://${host}:${demo.spaPort}/`);
        const rows = await finishedChecklist(session);
        expect(rows.map((row) => row.scenario)).toEqual(demoScenarioNames);
        expect(rows.filter((row) => row.status !== "pass")).toEqual([]);
        // Each row explains itself; spot-check the one about the refused origin.
        const refused = rows.find((row) => row.scenario === "disallowed-origin")!;
        expect(refused.line).toContain(`http://${host}:${demo.outsiderPort} (an iframe) is not in CORS_ALLOWED_ORIGINS`);
        expect(refused.line).toContain("CorsError (probable cause: cors)");
        // The command is shell-quoted where needed ('http://[::1]:…' because of the brackets).
        const q = host.startsWith("[") ? "'" : "";
        expect(refused.line).toContain(
          `npx crossgate doctor ${q}http://${host}:${demo.apiPort}/api/posts${q} --origin ${q}http://${host}:${demo.outsiderPort}${q}`,
        );
      } finally {
        await session.close();
      }
    });
  }

  it("refuses the outsider origin: fetch rejects, the client says CorsError, the console says why", async () => {
    const session = await use.newSession();
    try {
      await session.goto(`${demo.outsider}/outsider.html`);
      const result = await session.evaluateScript<Record<string, unknown>>("window.crossgateDemoOutsider");
      expect(result).toMatchObject({
        name: "CorsError",
        code: "cors_blocked",
        probableCause: "cors",
        doctorCommand: `npx crossgate doctor ${demo.api}/api/posts --origin ${demo.outsider} --method GET --credentials`,
      });
      expect(String(result.message)).toContain(`GET ${demo.api}/api/posts from ${demo.outsider} failed: probable cause: the server is reachable but the browser blocked the response by CORS policy`);
      await session.waitForMessage(corsRefusalMessage(use.name, `${demo.api}/api/posts`, demo.outsider));

      // Plain fetch from the same page rejects with the browser's opaque TypeError.
      const plain = await session.evaluate(async (api: string) => {
        try {
          await fetch(`${api}/api/posts?plain`, { credentials: "include" });
          return "resolved";
        } catch (error) {
          return (error as Error).name;
        }
      }, demo.api);
      expect(plain).toBe("TypeError");
      await session.waitForMessage(corsRefusalMessage(use.name, `${demo.api}/api/posts?plain`, demo.outsider));
    } finally {
      await session.close();
    }
  });

  it("lets the allowed SPA read a 403 CSRF refusal and its reason", async () => {
    const session = await use.newSession();
    try {
      await session.goto(`${demo.spa}/`);
      await finishedChecklist(session);
      const before = demo.posts.list().length;
      const refusal = await session.evaluate(async (api: string) => {
        const response = await fetch(`${api}/api/posts`, {
          method: "POST",
          credentials: "include",
          headers: { "Content-Type": "application/json" },
          body: JSON.stringify({ title: "no token" }),
        });
        return { status: response.status, body: await response.json() };
      }, demo.api);
      expect(refusal).toEqual({ status: 403, body: { error: "csrf_failed", reason: "CSRF token missing." } });
      expect(demo.posts.list()).toHaveLength(before);
    } finally {
      await session.close();
    }
  });
});

describe("npm run demo", () => {
  it("refuses a bad CORS variable with crossgate's ConfigError naming it, and releases its ports", async () => {
    const spaDir = mkdtempSync(join(tmpdir(), "crossgate-demo-empty-"));
    let apiPort = 0;
    try {
      const started = startDemo({
        apiPort: 0,
        spaPort: 0,
        outsiderPort: 0,
        spaDir,
        env: (ports) => {
          apiPort = ports.apiPort;
          return { CORS_ALLOWED_ORIGINS: "http://localhost:5173/", CORS_ALLOW_CREDENTIALS: "true", SECRET_KEY: "x".repeat(8) + "demo-secret-0123456789abcdef" };
        },
      });
      const error: unknown = await started.then(
        () => undefined,
        (reason: unknown) => reason,
      );
      expect(isConfigError(error)).toBe(true);
      expect(String((error as Error).message)).toContain("CORS_ALLOWED_ORIGINS");
      await expect(fetch(`http://127.0.0.1:${apiPort}/api/posts`)).rejects.toThrow();
    } finally {
      rmSync(spaDir, { recursive: true, force: true });
    }
  });

  it("prints its URLs, applies .env.example's origins, and stops cleanly on Ctrl-C", async () => {
    const repository = join(import.meta.dirname, "../..");
    // As `npm run demo` runs it: node with tsx's loader, so the signal reaches the demo itself.
    const child = spawn(process.execPath, ["--import", "tsx", "examples/demo/main.ts"], {
      cwd: repository,
      env: { ...process.env, API_PORT: "0", SPA_PORT: "0", OUTSIDER_PORT: "0" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const exited = once(child, "exit");
    try {
      const deadline = Date.now() + 20_000;
      // SPA_PORT=0 is not in .env.example's CORS_ALLOWED_ORIGINS, and the demo says so after its URLs.
      while (!output.includes("Add it to CORS_ALLOWED_ORIGINS") && Date.now() < deadline && child.exitCode === null) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(output).toContain("Press Ctrl-C to stop.");
      expect(output).toMatch(/Warning: the API does not allow the SPA's origin http:\/\/localhost:\d+, so the browser will refuse every call/);
      const apiPort = /API\s+http:\/\/localhost:(\d+)/.exec(output)?.[1];
      expect(output).toMatch(/SPA\s+http:\/\/localhost:\d+\//);
      expect(output).toMatch(/outsider\s+http:\/\/localhost:\d+\/outsider\.html/);

      // The defaults come from .env.example: the SPA's usual origin is allowed, with credentials.
      const response = await fetch(`http://localhost:${apiPort}/api/posts`, { headers: { Origin: "http://localhost:5173" } });
      expect(response.headers.get("access-control-allow-origin")).toBe("http://localhost:5173");
      expect(response.headers.get("access-control-allow-credentials")).toBe("true");
      expect(response.headers.get("access-control-expose-headers")).toMatch(/x-total-count/i);

      child.kill("SIGINT");
      const [code] = await exited;
      expect(code).toBe(0);
      expect(output).toContain("SIGINT, stopping");
      await expect(fetch(`http://127.0.0.1:${apiPort}/api/posts`)).rejects.toThrow();
    } finally {
      if (child.exitCode === null) child.kill("SIGKILL");
    }
  });
});
