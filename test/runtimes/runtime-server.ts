/**
 * Out-of-process runtimes for the contract suites: find the binaries the `bun`, `deno` and
 * `workerd` devDependencies ship, start a server process, wait for the URL it prints, and stop it.
 * Nothing is downloaded: every binary comes from an npm package already in node_modules.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { closeSync, existsSync, openSync, readSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { describeCorsContract, type ContractServer } from "../contract/table.ts";
import { describeCsrfMatrix } from "../csrf/matrix.ts";

export const repo = resolve(import.meta.dirname, "../..");
const require = createRequire(join(repo, "package.json"));

/** True when the file starts with the ELF magic number (a real binary, not a launcher script or placeholder). */
function isElf(file: string): boolean {
  if (!existsSync(file)) return false;
  const fd = openSync(file, "r");
  try {
    const head = Buffer.alloc(4);
    return readSync(fd, head, 0, 4, 0) === 4 && head.equals(Buffer.from([0x7f, 0x45, 0x4c, 0x46]));
  } finally {
    closeSync(fd);
  }
}

/** The directory of an installed package, or undefined when it is not installed. */
function packageDir(name: string): string | undefined {
  try {
    return dirname(require.resolve(`${name}/package.json`));
  } catch {
    return undefined;
  }
}

/**
 * A runtime's binary. Each npm package carries it in a per-platform optional dependency; its
 * postinstall script (allowed in package.json's `allowScripts`) copies it into the main package.
 * Both places are looked at, so the binary is found whether or not npm ran that script.
 */
export function runtimeBinary(candidates: readonly (readonly [pkg: string, file: string])[]): string {
  const tried: string[] = [];
  for (const [pkg, file] of candidates) {
    const dir = packageDir(pkg);
    if (dir === undefined) {
      tried.push(`${pkg} (not installed)`);
      continue;
    }
    const path = join(dir, file);
    if (isElf(path)) return path;
    tried.push(path);
  }
  throw new Error(`no runtime binary found; run npm install. Tried: ${tried.join(", ")}`);
}

export const BUN = () =>
  runtimeBinary([
    ["@oven/bun-linux-x64", "bin/bun"],
    ["@oven/bun-linux-x64-baseline", "bin/bun"],
    ["bun", "bin/bun.exe"],
  ]);
export const DENO = () => runtimeBinary([["@deno/linux-x64-glibc", "deno"], ["deno", "deno"]]);

/** A server running in another process. */
export interface RuntimeServer extends ContractServer {
  /** Everything the process wrote to stderr so far. */
  stderr(): string;
}

const MAX_OUTPUT = 1024 * 1024;

/**
 * Starts `command args` and resolves once a line of its output matches `ready` (whose first group
 * is the server's URL). Fails with the output so far when the process exits or `timeoutMs` passes.
 */
export function startProcess(
  command: string,
  args: readonly string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; ready: RegExp; timeoutMs?: number },
): Promise<RuntimeServer> {
  const child: ChildProcess = spawn(command, args, { cwd: options.cwd ?? repo, env: options.env ?? process.env, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  const exited = new Promise<void>((done) => child.once("exit", () => done()));
  const close = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill("SIGTERM");
    const killer = setTimeout(() => child.kill("SIGKILL"), 3000);
    await exited;
    clearTimeout(killer);
  };
  return new Promise((resolvePromise, reject) => {
    const fail = (why: string) => {
      clearTimeout(timer);
      void close();
      reject(new Error(`${command} ${args.join(" ")}: ${why}\n--- stdout\n${stdout}\n--- stderr\n${stderr}`));
    };
    const timer = setTimeout(() => fail(`no ${options.ready} within ${options.timeoutMs ?? 30_000} ms`), options.timeoutMs ?? 30_000);
    const look = () => {
      const match = options.ready.exec(stdout) ?? options.ready.exec(stderr);
      if (match === null) return;
      clearTimeout(timer);
      resolvePromise({ url: match[1]!.replace(/\/$/, ""), close, stderr: () => stderr });
    };
    child.stdout!.setEncoding("utf8").on("data", (chunk: string) => {
      if (stdout.length < MAX_OUTPUT) stdout += chunk;
      look();
    });
    child.stderr!.setEncoding("utf8").on("data", (chunk: string) => {
      if (stderr.length < MAX_OUTPUT) stderr += chunk;
      look();
    });
    child.once("error", (error) => fail(error.message));
    child.once("exit", (code, signal) => fail(`exited (${signal ?? code}) before it was ready`));
  });
}

/** Runs `command args` to its end; rejects with its output when it fails or outlasts `timeoutMs`. */
export function runToEnd(command: string, args: readonly string[], options: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs: number }): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    const keep = (chunk: Buffer) => {
      if (output.length < MAX_OUTPUT) output += chunk.toString();
    };
    child.stdout.on("data", keep);
    child.stderr.on("data", keep);
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs);
    child.once("error", (error) => reject(error));
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolvePromise();
      else reject(new Error(`${command} ${args.join(" ")} failed (${signal ?? code}):\n${output}`));
    });
  });
}

/**
 * The CORS contract and the CSRF attack matrix against one server process, started once for both.
 * The runtimes keep their own request-head limits (see `limitedHeads`). Afterwards the process must
 * not have printed anything on stderr but what `expectedStderr` allows (warnings count as failures).
 */
export function describeRuntime(name: string, start: () => Promise<RuntimeServer>, expectedStderr: RegExp = /^$/): void {
  let running: Promise<RuntimeServer> | undefined;
  const shared = async (): Promise<ContractServer> => {
    running ??= start();
    const server = await running;
    return { url: server.url, close: async () => {} };
  };
  describe(name, () => {
    afterAll(async () => (await running)?.close());
    describeCorsContract(name, shared, { limitedHeads: true });
    describeCsrfMatrix(name, shared);
    describe(`${name}: the process`, () => {
      beforeAll(shared);
      it("printed no warning or error", async () => {
        const stderr = (await running!).stderr().trim();
        expect(stderr).toMatch(expectedStderr);
      });
    });
  });
}
