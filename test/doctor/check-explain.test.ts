// `crossgate check` and `crossgate explain` in-process: configuration sources and answers.
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.ts";
import type { CliIo } from "../../src/cli/io.ts";

const fixtures = join(import.meta.dirname, "fixtures");

async function cli(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const io: CliIo = { stdout: { write: (t: string) => (stdout += t) }, stderr: { write: (t: string) => (stderr += t) }, env };
  const code = await main(args, io);
  return { code, stdout, stderr };
}

describe("crossgate check", () => {
  it("accepts a JavaScript module with a callback and a RegExp", async () => {
    const result = await cli(["check", join(fixtures, "api-config.mjs")]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('(crossgate options, "cors" key): valid');
    expect(result.stdout).toContain("urlFilter: /^\\/api\\//");
    expect(result.stdout).toContain("allowOrigin: a callback");
  });

  it("needs exactly one source", async () => {
    expect((await cli(["check"])).code).toBe(2);
    expect((await cli(["check", "--env", join(fixtures, "settings.py")])).code).toBe(2);
  });

  it("prints each Django setting at fault", async () => {
    const origin = await cli(["check", "--env"], { CORS_ALLOWED_ORIGINS: "https://app.example.com/" });
    expect(origin.code).toBe(1);
    expect(origin.stderr).toContain("CORS_ALLOWED_ORIGINS[0]");
    const typo = await cli(["check", "--env"], { CORS_ALLOW_CREDENTAILS: "true" });
    expect(typo.code).toBe(1);
    expect(typo.stderr).toContain("did you mean CORS_ALLOW_CREDENTIALS?");
  });
});

describe("crossgate explain", () => {
  const config = join(fixtures, "api-config.mjs");
  it("answers per path, as urlFilter decides", async () => {
    const inside = await cli(["explain", config, "--origin", "http://localhost:5173", "--path", "/api/items", "--json"]);
    expect(inside.code).toBe(0);
    const report = JSON.parse(inside.stdout);
    expect(report.steps[0].response.headers).toContainEqual(["Access-Control-Allow-Origin", "http://localhost:5173"]);
    expect(report.csrf).toBeNull();
    const outside = await cli(["explain", config, "--origin", "http://localhost:5173", "--path", "/admin", "--json"]);
    expect(outside.code).toBe(1);
    expect(JSON.parse(outside.stdout).rule).toBe("missing-allow-origin");
  });

  it("consults allowOrigin and checks requested methods and headers", async () => {
    expect((await cli(["explain", config, "--origin", "https://partner.example", "--path", "/api/x", "-X", "DELETE"])).code).toBe(0);
    const header = await cli(["explain", config, "--origin", "https://app.example.com", "--path", "/api/x", "-H", "X-Unknown: 1", "--json"]);
    expect(header.code).toBe(1);
    expect(JSON.parse(header.stdout)).toMatchObject({ rule: "preflight-not-ok", failure: { messages: { chrome: expect.stringContaining("No 'Access-Control-Allow-Origin'") } } });
  });

  it("needs an origin", async () => {
    const result = await cli(["explain", config, "--json"]);
    expect(result.code).toBe(2);
    expect(JSON.parse(result.stdout)).toEqual({ version: 1, error: { kind: "usage", problems: ["Missing --origin <the page's origin>."] } });
  });
});

describe("crossgate", () => {
  it("exits 2 on an unknown command", async () => {
    const result = await cli(["doctr"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('unknown command "doctr"');
  });
});
