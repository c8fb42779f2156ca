// The `crossgate` command as users run it: a child process, exit codes 0/1/2, `--json`, colour
// rules, and the exact `npx crossgate doctor ...` line crossgate/client prints.
import { execFile } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { doctorCommand } from "../../src/client/doctor-command.ts";

const repo = join(import.meta.dirname, "../..");
const cli = ["--import", "tsx", join(repo, "src/cli/main.ts")];

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function run(args: readonly string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [...cli, ...args], { cwd: repo, env: { ...process.env, NO_COLOR: "", FORCE_COLOR: "", ...env }, timeout: 20_000 }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : typeof error.code === "number" ? error.code : -1, stdout, stderr });
    });
  });
}

/** Runs a whole shell command line (quoting included), with `npx crossgate` replaced by this checkout's CLI. */
function runShell(line: string): Promise<Run> {
  const replaced = line.replace(/^npx crossgate /, `'${process.execPath}' ${cli.map((a) => `'${a}'`).join(" ")} `);
  return new Promise((resolve) => {
    execFile("/bin/sh", ["-c", replaced], { cwd: repo, timeout: 20_000 }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : typeof error.code === "number" ? error.code : -1, stdout, stderr });
    });
  });
}

const page = "http://localhost:5173";
let server: Server;
let base: string;
let closedPort: number;

beforeAll(async () => {
  server = createServer((req, res) => {
    const cors = { "Access-Control-Allow-Origin": page, "Access-Control-Allow-Credentials": "true", Vary: "Origin" };
    if (req.url?.startsWith("/no-cors")) return void res.writeHead(200).end("{}");
    if (req.method === "OPTIONS") return void res.writeHead(204, { ...cors, "Access-Control-Allow-Methods": "GET, PUT", "Access-Control-Allow-Headers": "content-type, x-csrftoken" }).end();
    res.writeHead(200, { ...cors, "Content-Type": "application/json" }).end("{}");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
  closedPort = (closed.address() as AddressInfo).port;
  await new Promise<void>((resolve) => closed.close(() => resolve()));
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe("crossgate doctor (child process)", () => {
  it("--cookie goes on the request only, --server leads the fix, and both are checked", async () => {
    const sent = await run(["doctor", `${base}/items`, "--origin", page, "-X", "PUT", "-H", "Content-Type: application/json", "--cookie", "csrftoken=abc", "--cookie", "sessionid=xyz", "--server", "django", "--json"]);
    expect(sent.stderr).toBe("");
    const report = JSON.parse(sent.stdout);
    expect(report.request.credentials).toBe(true);
    expect(report.steps[0].request.headers.some(([name]: [string]) => name === "Cookie")).toBe(false);
    expect(report.steps[1].request.headers).toContainEqual(["Cookie", "csrftoken=abc; sessionid=xyz"]);
    expect(report.server).toEqual({ kind: "django", source: "flag", evidence: null });
    const bad = await run(["doctor", `${base}/items`, "--origin", page, "--server", "rails"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--server must be one of django, crossgate, express, fastify, koa, hono");
  }, 60_000);

  it("exit 0 when allowed, 1 when blocked, with a stable --json report", async () => {
    const [allowed, blocked] = await Promise.all([
      run(["doctor", `${base}/api`, "--origin", page, "--method", "PUT", "--header", "Content-Type: application/json", "--credentials", "--json"]),
      run(["doctor", `${base}/no-cors`, "--origin", page, "--json"]),
    ]);
    expect(allowed.code).toBe(0);
    const report = JSON.parse(allowed.stdout);
    expect(Object.keys(report)).toEqual(["version", "verdict", "rule", "request", "preflight", "steps", "failure", "exposedHeaders", "preflightCache", "csrf", "warnings", "server", "cause", "fix", "security", "info", "cookies"]);
    expect(report).toMatchObject({ version: 1, verdict: "allowed", rule: null, preflight: { needed: true } });
    expect(report.steps[0].request.headers).toContainEqual(["Access-Control-Request-Headers", "content-type"]);
    expect(blocked.code).toBe(1);
    expect(JSON.parse(blocked.stdout)).toMatchObject({ verdict: "blocked", rule: "missing-allow-origin", failure: { rule: "missing-allow-origin", step: 0 } });
  });

  it("exit 2 for usage errors and for no response at all", async () => {
    const [noOrigin, badFlag, refused] = await Promise.all([
      run(["doctor", `${base}/api`]),
      run(["doctor", `${base}/api`, "--origin", page, "--bogus"]),
      run(["doctor", `http://127.0.0.1:${closedPort}/`, "--origin", page, "--json"]),
    ]);
    expect(noOrigin.code).toBe(2);
    expect(noOrigin.stderr).toContain("Missing --origin");
    expect(badFlag.code).toBe(2);
    expect(refused.code).toBe(2);
    expect(JSON.parse(refused.stdout)).toMatchObject({ verdict: "error", rule: "network-error" });
  });

  it("accepts exactly the command crossgate/client prints, placeholders included", async () => {
    const line = doctorCommand({
      url: `${base}/api/posts`,
      method: "PUT",
      headers: new Headers({ "Content-Type": "application/json", "X-CSRFToken": "secret" }),
      headerSpelling: new Map([["x-csrftoken", "X-CSRFToken"]]),
      credentials: true,
      origin: page,
    });
    expect(line).toContain("'X-CSRFToken: …'");
    const result = await runShell(line);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("ALLOWED");
    expect(result.stdout).toContain("Access-Control-Request-Headers: content-type,x-csrftoken");
  });

  it("reads a pasted Chrome console line", async () => {
    const message = `Access to fetch at '${base}/no-cors' from origin '${page}' has been blocked by CORS policy: No 'Access-Control-Allow-Origin' header is present on the requested resource.`;
    const result = await run(["doctor", "--from-browser-error", message]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain("BLOCKED  missing-allow-origin");
    expect(result.stdout).toContain(message);
  });

  it("colours only when asked: none for pipes or NO_COLOR, some with FORCE_COLOR", async () => {
    const args = ["doctor", `${base}/no-cors`, "--origin", page, "--no-error-probe"];
    const [plain, noColor, forced] = await Promise.all([run(args), run(args, { FORCE_COLOR: "1", NO_COLOR: "1" }), run(args, { FORCE_COLOR: "1" })]);
    const ansi = /\u001b\[/;
    expect(plain.stdout).not.toMatch(ansi);
    expect(noColor.stdout).not.toMatch(ansi);
    expect(forced.stdout).toMatch(ansi);
  });
});

describe("crossgate check and explain (child process)", () => {
  const fixtures = join(import.meta.dirname, "fixtures");
  it("check: 0 valid, 1 invalid, 2 unreadable; --env reads the Django names", async () => {
    const [valid, invalid, missing, env] = await Promise.all([
      run(["check", join(fixtures, "settings.py")]),
      run(["check", join(fixtures, "invalid.json"), "--json"]),
      run(["check", join(fixtures, "does-not-exist.json")]),
      run(["check", "--env"], { CORS_ALLOWED_ORIGINS: "https://app.example.com,http://localhost:5173/", CORS_ALLOW_CREDENTIALS: "true" }),
    ]);
    expect(valid.code).toBe(0);
    expect(valid.stdout).toContain("valid");
    expect(invalid.code).toBe(1);
    expect(JSON.parse(invalid.stdout)).toMatchObject({ version: 1, valid: false, issues: [{ code: "unknown-option", option: "methodz" }, { code: "origin-has-path", option: "origins[0]" }] });
    expect(missing.code).toBe(2);
    expect(env.code).toBe(1);
    expect(env.stderr).toContain("CORS_ALLOWED_ORIGINS[1]");
  });

  it("explain: 0 when the configuration allows the request, 1 when it refuses it", async () => {
    const [allowed, refused] = await Promise.all([
      run(["explain", join(fixtures, "settings.py"), "--origin", "http://localhost:5173", "-X", "PUT", "-H", "X-Api-Key: 1", "--credentials", "--json"]),
      run(["explain", join(fixtures, "settings.py"), "--origin", "http://localhost:5173", "-H", "X-Other: 1"]),
    ]);
    expect(allowed.code).toBe(0);
    expect(JSON.parse(allowed.stdout)).toMatchObject({ verdict: "allowed", configuration: expect.stringContaining("Django settings") });
    expect(refused.code).toBe(1);
    expect(refused.stdout).toContain("BLOCKED  preflight-not-ok");
    expect(refused.stdout).toContain("no request is sent");
  });
});

describe("the built command", () => {
  const built = join(repo, "dist/cli/main.js");
  it.skipIf(!existsSync(built))("keeps the shebang so npm can link it as a bin", () => {
    expect(readFileSync(built, "utf8").startsWith("#!/usr/bin/env node\n")).toBe(true);
    const pkg = JSON.parse(readFileSync(join(repo, "package.json"), "utf8"));
    expect(pkg.bin).toEqual({ crossgate: "./dist/cli/main.js" });
  });
});
