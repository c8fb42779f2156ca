/**
 * Soak: mixed traffic at 100 connections against every adapter, on loopback, bounded in time.
 *
 *   npm run soak                          # 60 s per adapter
 *   npm run soak -- --seconds 10 --adapters fastify,hono --connections 50 --json
 *
 * Each adapter's server (CORS, then the CSRF guard; test/csrf/servers.ts) runs in its own child
 * process started with --expose-gc, so its heap is measured alone: after a warm-up and a forced GC
 * (before), and after the soak and another forced GC (after). The load generator (autocannon)
 * runs here and checks every answer: allowed requests must be granted, refused ones must get no
 * CORS header and, for unsafe requests, the CSRF guard's 403.
 *
 * Exits non-zero when any request failed or was answered wrongly, or when the heap grew by more
 * than --max-growth-mb (default 16) between the two forced GCs.
 */
import { fork, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { createRequire } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";

export const SOAK_ADAPTERS = ["node:http", "express", "fastify", "koa", "hono", "fetch"] as const;
export type SoakAdapter = (typeof SOAK_ADAPTERS)[number];

/** The parts of autocannon's API used here (the package ships no types). */
interface LoadRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
  readonly onResponse?: (status: number, body: string, context: unknown, headers: Record<string, string | string[]>) => void;
}
interface LoadResult {
  readonly errors: number;
  readonly timeouts: number;
  readonly requests: { readonly total: number; readonly average: number };
  readonly latency: { readonly p50: number; readonly p99: number; readonly max: number };
}
type Autocannon = (
  options: { url: string; connections: number; duration: number; requests: LoadRequest[]; timeout: number },
  done: (error: Error | null, result: LoadResult) => void,
) => unknown;
const autocannon = createRequire(import.meta.url)("autocannon") as Autocannon;

const APP = "https://app.example.com";
const EVIL = "https://evil.example.net";
const SECRET = "soak-secret-0123456789abcdefghijklmnop";

export interface SoakOptions {
  /** Seconds of measured traffic per adapter. @default 60 */
  readonly seconds?: number;
  /** Seconds of unmeasured warm-up traffic before the first heap snapshot. @default 5 */
  readonly warmupSeconds?: number;
  /** Concurrent connections. @default 100 */
  readonly connections?: number;
  /** Which adapters. @default all six */
  readonly adapters?: readonly SoakAdapter[];
  /** Largest acceptable heap growth between the forced GCs, in MiB. @default 16 */
  readonly maxGrowthMb?: number;
  /** Progress lines go here. @default none */
  readonly log?: (line: string) => void;
}

export interface HeapSnapshot {
  readonly heapUsedMb: number;
  readonly rssMb: number;
}

export interface AdapterSoak {
  readonly adapter: SoakAdapter;
  readonly requests: number;
  readonly requestsPerSecond: number;
  /** Socket errors, timeouts and wrong answers; must be 0. */
  readonly errors: number;
  /** The first few wrong answers, to debug them. */
  readonly problems: readonly string[];
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  readonly before: HeapSnapshot;
  readonly after: HeapSnapshot;
  readonly heapGrowthMb: number;
  readonly ok: boolean;
}

export interface SoakReport {
  readonly seconds: number;
  readonly connections: number;
  readonly maxGrowthMb: number;
  readonly adapters: readonly AdapterSoak[];
  readonly ok: boolean;
}

// ── the server side: one child process per adapter ─────────────────────────────────────────────

type ToChild = { readonly command: "memory" } | { readonly command: "stop" };
type FromChild = { readonly ready: string } | { readonly memory: HeapSnapshot };

async function serve(adapter: SoakAdapter): Promise<void> {
  const { createCorsPolicy, createCsrfPolicy } = await import("../src/index.ts");
  const { startServer } = await import("../test/csrf/servers.ts");
  const cors = createCorsPolicy({ origins: [APP], credentials: true, exposeHeaders: ["X-CSRFToken"] });
  const csrf = createCsrfPolicy({ cors, secret: SECRET });
  const server = await startServer(adapter, cors, csrf);
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error("the soak server needs node --expose-gc");
  process.on("message", async (message: ToChild) => {
    if (message.command === "memory") {
      // Several full collections, with turns of the event loop between them for finalisers.
      for (let round = 0; round < 4; round++) {
        gc();
        await new Promise((resolve) => setImmediate(resolve));
      }
      const usage = process.memoryUsage();
      process.send!({ memory: { heapUsedMb: usage.heapUsed / 2 ** 20, rssMb: usage.rss / 2 ** 20 } } satisfies FromChild);
    } else {
      const timer = setTimeout(() => process.exit(0), 2_000);
      timer.unref();
      await server.close();
      process.exit(0);
    }
  });
  process.send!({ ready: server.url } satisfies FromChild);
}

function startChild(adapter: SoakAdapter): { child: ChildProcess; url: Promise<string> } {
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;
  const child = fork(fileURLToPath(import.meta.url), ["--serve", adapter], {
    execArgv: ["--import", tsx, "--expose-gc"],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const url = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${adapter}: the server did not start within 30 s`)), 30_000);
    child.once("exit", (code) => reject(new Error(`${adapter}: the server exited (${code}) before it was ready`)));
    child.on("message", (message: FromChild) => {
      if ("ready" in message) {
        clearTimeout(timer);
        resolve(message.ready);
      }
    });
  });
  return { child, url };
}

function askMemory(child: ChildProcess): Promise<HeapSnapshot> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("no memory report within 30 s")), 30_000);
    const listener = (message: FromChild) => {
      if ("memory" in message) {
        clearTimeout(timer);
        child.off("message", listener);
        resolve(message.memory);
      }
    };
    child.on("message", listener);
    child.send({ command: "memory" } satisfies ToChild);
  });
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = once(child, "exit");
  child.send({ command: "stop" } satisfies ToChild);
  const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
  await exited;
  clearTimeout(timer);
}

// ── the client side: mixed traffic, every answer checked ───────────────────────────────────────

interface Expected {
  readonly status: number;
  /** The `Access-Control-Allow-Origin` the answer must carry, or undefined for none. */
  readonly allowOrigin: string | undefined;
}

interface Mix {
  readonly requests: LoadRequest[];
  readonly problems: string[];
  wrong: number;
}

function mixedTraffic(cookie: string, token: string): Mix {
  const mix: Mix = { requests: [], problems: [], wrong: 0 };
  const json = { accept: "application/json", "content-type": "application/json" };
  const add = (label: string, request: LoadRequest, expected: Expected) => {
    mix.requests.push({
      ...request,
      onResponse: (status: number, _body: string, _context: unknown, headers: Record<string, string | string[]>) => {
        // Header names arrive as each framework wrote them (Access-Control-Allow-Origin or lower case).
        const allowOrigin = Object.entries(headers).find(([name]) => name.toLowerCase() === "access-control-allow-origin")?.[1];
        if (status !== expected.status || allowOrigin !== expected.allowOrigin) {
          mix.wrong++;
          if (mix.problems.length < 5) mix.problems.push(`${label}: ${status} with Access-Control-Allow-Origin ${String(allowOrigin)}, expected ${expected.status} with ${String(expected.allowOrigin)}`);
        }
      },
    });
  };
  add("allowed GET", { method: "GET", path: "/api/csrf", headers: { origin: APP, cookie } }, { status: 200, allowOrigin: APP });
  add("allowed preflight", { method: "OPTIONS", path: "/api/things", headers: { origin: APP, "access-control-request-method": "POST", "access-control-request-headers": "content-type,x-csrftoken" } }, { status: 204, allowOrigin: APP });
  add("allowed POST with a token", { method: "POST", path: "/api/things", headers: { origin: APP, cookie, "x-csrftoken": token, ...json }, body: "{}" }, { status: 200, allowOrigin: APP });
  add("refused GET", { method: "GET", path: "/api/csrf", headers: { origin: EVIL } }, { status: 200, allowOrigin: undefined });
  add("refused preflight", { method: "OPTIONS", path: "/api/things", headers: { origin: EVIL, "access-control-request-method": "POST" } }, { status: 403, allowOrigin: undefined });
  add("CSRF-refused cross-origin POST", { method: "POST", path: "/api/things", headers: { origin: EVIL, cookie, "x-csrftoken": token, ...json }, body: "{}" }, { status: 403, allowOrigin: undefined });
  add("CSRF-refused POST without a token", { method: "POST", path: "/api/things", headers: { origin: APP, cookie, ...json }, body: "{}" }, { status: 403, allowOrigin: APP });
  add("refused GET from a look-alike origin", { method: "GET", path: "/api/csrf", headers: { origin: "https://app.example.com.evil.net" } }, { status: 200, allowOrigin: undefined });
  return mix;
}

async function issueToken(url: string): Promise<{ cookie: string; token: string }> {
  const response = await fetch(`${url}/api/csrf`, { headers: { origin: APP } });
  const cookie = response.headers.getSetCookie().find((value) => value.startsWith("csrftoken="))?.split(";")[0];
  const { csrfToken } = (await response.json()) as { csrfToken: string };
  if (cookie === undefined) throw new Error("the token endpoint set no csrftoken cookie");
  return { cookie, token: csrfToken };
}

function load(url: string, seconds: number, connections: number, requests: LoadRequest[]): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    autocannon({ url, connections, duration: seconds, requests, timeout: 10 }, (error, result) => (error ? reject(error) : resolve(result)));
  });
}

const round = (value: number, digits = 1) => Number(value.toFixed(digits));

async function soakOne(adapter: SoakAdapter, options: Required<Omit<SoakOptions, "adapters" | "log">>, log: (line: string) => void): Promise<AdapterSoak> {
  const { child, url: ready } = startChild(adapter);
  try {
    const url = await ready;
    const { cookie, token } = await issueToken(url);
    if (options.warmupSeconds > 0) await load(url, options.warmupSeconds, options.connections, mixedTraffic(cookie, token).requests);
    const before = await askMemory(child);
    const mix = mixedTraffic(cookie, token);
    const result = await load(url, options.seconds, options.connections, mix.requests);
    const after = await askMemory(child);
    const errors = result.errors + result.timeouts + mix.wrong;
    const heapGrowthMb = after.heapUsedMb - before.heapUsedMb;
    const soak: AdapterSoak = {
      adapter,
      requests: result.requests.total,
      requestsPerSecond: Math.round(result.requests.average),
      errors,
      problems: [...mix.problems, ...(result.errors + result.timeouts > 0 ? [`${result.errors} socket errors, ${result.timeouts} timeouts`] : [])],
      p50Ms: result.latency.p50,
      p99Ms: result.latency.p99,
      maxMs: result.latency.max,
      before: { heapUsedMb: round(before.heapUsedMb), rssMb: round(before.rssMb) },
      after: { heapUsedMb: round(after.heapUsedMb), rssMb: round(after.rssMb) },
      heapGrowthMb: round(heapGrowthMb, 2),
      ok: errors === 0 && result.requests.total > 0 && heapGrowthMb <= options.maxGrowthMb,
    };
    log(
      `${adapter.padEnd(9)} ${String(soak.requests).padStart(8)} req  ${String(soak.requestsPerSecond).padStart(6)} req/s  errors ${soak.errors}  ` +
        `p99 ${soak.p99Ms} ms  heap ${soak.before.heapUsedMb} → ${soak.after.heapUsedMb} MiB (${soak.heapGrowthMb >= 0 ? "+" : ""}${soak.heapGrowthMb})  ` +
        `rss ${soak.before.rssMb} → ${soak.after.rssMb} MiB  ${soak.ok ? "ok" : "FAIL"}`,
    );
    for (const problem of soak.problems) log(`          ${problem}`);
    return soak;
  } finally {
    await stopChild(child);
  }
}

/** Soaks each adapter in turn (never two at once, so they do not compete for the cores). */
export async function runSoak(options: SoakOptions = {}): Promise<SoakReport> {
  const settings = {
    seconds: options.seconds ?? 60,
    warmupSeconds: options.warmupSeconds ?? 5,
    connections: options.connections ?? 100,
    maxGrowthMb: options.maxGrowthMb ?? 16,
  };
  const log = options.log ?? (() => {});
  const results: AdapterSoak[] = [];
  for (const adapter of options.adapters ?? SOAK_ADAPTERS) results.push(await soakOne(adapter, settings, log));
  return { seconds: settings.seconds, connections: settings.connections, maxGrowthMb: settings.maxGrowthMb, adapters: results, ok: results.every((result) => result.ok) };
}

// ── command line ───────────────────────────────────────────────────────────────────────────────

function parseArguments(argv: readonly string[]): SoakOptions & { json: boolean } {
  const value = (name: string): string | undefined => {
    const index = argv.indexOf(name);
    return index === -1 ? undefined : argv[index + 1];
  };
  const number = (name: string): number | undefined => {
    const raw = value(name);
    if (raw === undefined) return undefined;
    const parsed = Number(raw);
    if (!Number.isFinite(parsed) || parsed < 0) throw new Error(`${name} needs a number, not ${JSON.stringify(raw)}`);
    return parsed;
  };
  const adapters = value("--adapters")?.split(",").map((name) => name.trim());
  for (const name of adapters ?? []) {
    if (!SOAK_ADAPTERS.includes(name as SoakAdapter)) throw new Error(`unknown adapter ${JSON.stringify(name)}; use ${SOAK_ADAPTERS.join(", ")}`);
  }
  const seconds = number("--seconds");
  const warmupSeconds = number("--warmup");
  const connections = number("--connections");
  const maxGrowthMb = number("--max-growth-mb");
  return {
    json: argv.includes("--json"),
    ...(seconds === undefined ? {} : { seconds }),
    ...(warmupSeconds === undefined ? {} : { warmupSeconds }),
    ...(connections === undefined ? {} : { connections }),
    ...(maxGrowthMb === undefined ? {} : { maxGrowthMb }),
    ...(adapters === undefined ? {} : { adapters: adapters as SoakAdapter[] }),
  };
}

async function main(argv: readonly string[]): Promise<void> {
  const serveIndex = argv.indexOf("--serve");
  if (serveIndex !== -1) return serve(argv[serveIndex + 1] as SoakAdapter);
  const { json, ...options } = parseArguments(argv);
  const seconds = options.seconds ?? 60;
  if (!json) console.log(`crossgate soak: ${seconds} s of mixed traffic per adapter at ${options.connections ?? 100} connections (node ${process.version})`);
  const report = await runSoak({ ...options, log: json ? () => {} : (line) => console.log(line) });
  if (json) console.log(JSON.stringify(report, null, 2));
  else console.log(report.ok ? "soak passed: no errors, heap growth bounded" : "soak FAILED");
  process.exitCode = report.ok ? 0 : 1;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
