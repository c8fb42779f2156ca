/**
 * The HTTP benchmark: autocannon requests per second against each framework's bare handler,
 * crossgate and the peer, for an allowed GET and an allowed preflight. Servers run on core 0 and
 * the client on core 1 when `taskset` exists (2-core machine); all on 127.0.0.1. Runs alternate
 * (round 1 of every target, then round 2, ...) and each figure is the median of the rounds.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { ALLOWED_ORIGIN } from "../scenarios.ts";
import { HTTP_FRAMEWORKS, HTTP_KINDS, HTTP_TARGETS, type HttpFramework, type HttpKind, type HttpTarget } from "./targets.ts";

export interface HttpOptions {
  readonly rounds: number;
  readonly seconds: number;
  readonly warmupSeconds: number;
  readonly connections: number;
  readonly log: (line: string) => void;
}

export interface HttpFigure {
  readonly framework: HttpFramework;
  readonly kind: HttpKind;
  readonly target: HttpTarget;
  /** Requests per second of every round, in run order. */
  readonly runs: readonly number[];
  readonly median: number;
  /** Errors, timeouts and non-2xx answers over all rounds (must be 0). */
  readonly failures: number;
}

export interface HttpRun {
  readonly pinned: boolean;
  readonly options: Omit<HttpOptions, "log">;
  readonly figures: readonly HttpFigure[];
}

const require = createRequire(import.meta.url);
const AUTOCANNON = require.resolve("autocannon/autocannon.js");
const TSX = import.meta.resolve("tsx");
const SERVER = fileURLToPath(new URL("./server.ts", import.meta.url));
const FIRST_PORT = 39_100;

const hasTaskset = (): boolean => spawnSync("taskset", ["-c", "0", "true"]).status === 0;

function pinned(core: number, command: string[], pin: boolean): [string, string[]] {
  return pin ? ["taskset", ["-c", String(core), ...command]] : [command[0]!, command.slice(1)];
}

async function startServer(framework: HttpFramework, target: HttpTarget, port: number, pin: boolean): Promise<ChildProcess> {
  const [command, args] = pinned(0, [process.execPath, "--import", TSX, SERVER, framework, target, String(port)], pin);
  const child = spawn(command, args, { stdio: ["pipe", "pipe", "inherit"] });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${framework}/${target} did not start`)), 20_000);
    child.stdout!.on("data", (chunk: Buffer) => {
      if (chunk.toString().includes("ready")) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.on("exit", (code) => reject(new Error(`${framework}/${target} exited with ${code}`)));
  });
  return child;
}

function requestArgs(kind: HttpKind): string[] {
  const origin = ["-H", `Origin=${ALLOWED_ORIGIN}`];
  if (kind === "get") return origin;
  return [...origin, "-m", "OPTIONS", "-H", "Access-Control-Request-Method=PUT", "-H", "Access-Control-Request-Headers=content-type,x-request-id"];
}

interface Load {
  readonly rps: number;
  readonly failures: number;
}

function load(port: number, kind: HttpKind, seconds: number, connections: number, pin: boolean): Promise<Load> {
  const url = `http://127.0.0.1:${port}/api/posts/`;
  const [command, args] = pinned(1, [process.execPath, AUTOCANNON, "-j", "-c", String(connections), "-d", String(seconds), ...requestArgs(kind), url], pin);
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ["ignore", "pipe", "ignore"] });
    let out = "";
    child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
    child.on("error", reject);
    child.on("exit", () => {
      try {
        const result = JSON.parse(out) as { requests: { average: number }; errors: number; timeouts: number; non2xx: number };
        resolve({ rps: result.requests.average, failures: result.errors + result.timeouts + result.non2xx });
      } catch (error) {
        reject(new Error(`autocannon gave no JSON for port ${port}: ${String(error)}`));
      }
    });
  });
}

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

export async function runHttp(options: HttpOptions): Promise<HttpRun> {
  const pin = hasTaskset();
  const servers = new Map<string, { child: ChildProcess; port: number }>();
  const results = new Map<string, { runs: number[]; failures: number }>();
  try {
    let port = FIRST_PORT;
    for (const framework of HTTP_FRAMEWORKS) {
      for (const target of HTTP_TARGETS) {
        servers.set(`${framework}/${target}`, { child: await startServer(framework, target, port, pin), port });
        port++;
      }
    }
    options.log(`http: ${servers.size} servers up (${pin ? "pinned to core 0, client on core 1" : "taskset not found: unpinned"}); warming up`);
    for (const { port } of servers.values()) {
      for (const kind of HTTP_KINDS) await load(port, kind, options.warmupSeconds, options.connections, pin);
    }
    for (let round = 1; round <= options.rounds; round++) {
      options.log(`http round ${round}/${options.rounds}`);
      for (const framework of HTTP_FRAMEWORKS) {
        for (const kind of HTTP_KINDS) {
          // Rotate which target goes first, so none always runs on the freshest machine state.
          const order = HTTP_TARGETS.map((_, index) => HTTP_TARGETS[(index + round - 1) % HTTP_TARGETS.length]!);
          for (const target of order) {
            const key = `${framework}/${target}/${kind}`;
            const { rps, failures } = await load(servers.get(`${framework}/${target}`)!.port, kind, options.seconds, options.connections, pin);
            const entry = results.get(key) ?? { runs: [], failures: 0 };
            entry.runs.push(rps);
            entry.failures += failures;
            results.set(key, entry);
          }
        }
      }
    }
  } finally {
    for (const { child } of servers.values()) {
      child.stdin?.end();
      child.kill();
    }
  }
  const figures: HttpFigure[] = [];
  for (const framework of HTTP_FRAMEWORKS) {
    for (const kind of HTTP_KINDS) {
      for (const target of HTTP_TARGETS) {
        const entry = results.get(`${framework}/${target}/${kind}`)!;
        figures.push({ framework, kind, target, runs: entry.runs, median: median(entry.runs), failures: entry.failures });
      }
    }
  }
  const { log: _log, ...kept } = options;
  return { pinned: pin, options: kept, figures };
}
