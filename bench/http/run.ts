/**
 * The HTTP benchmark: autocannon requests per second against each framework's bare handler,
 * crossgate and the peer, for an allowed GET and an allowed preflight. Servers run on core 0 and
 * the client on core 1 when `taskset` exists (2-core machine); all on 127.0.0.1. Runs alternate
 * (round 1 of every target, then round 2, ...) and each figure is the median of the rounds.
 *
 * Next to requests per second (which the client's speed also sets: one autocannon process on one
 * core), each run records the server's own CPU time per request (reported by the server process,
 * see server.ts), how busy the server and the client were (CPU time ÷ wall time), and, once per
 * server, the bytes of one response.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { connect } from "node:net";
import { fileURLToPath } from "node:url";
import { ALLOWED_ORIGIN } from "../scenarios.ts";
import { onLines } from "./lines.ts";
import { HTTP_FRAMEWORKS, HTTP_KINDS, httpTargets, type HttpFramework, type HttpKind, type HttpTarget } from "./targets.ts";

export interface HttpOptions {
  readonly rounds: number;
  readonly seconds: number;
  readonly warmupSeconds: number;
  readonly connections: number;
  /** Also run node:http's `shaped` target (the bare handler plus crossgate's per-object properties). */
  readonly shaped?: boolean;
  readonly log: (line: string) => void;
}

export interface HttpFigure {
  readonly framework: HttpFramework;
  readonly kind: HttpKind;
  readonly target: HttpTarget;
  /** Requests per second of every round, in run order. */
  readonly runs: readonly number[];
  readonly median: number;
  /** The server process's CPU time (user + system) per request, µs, of every round. */
  readonly cpuUs: readonly number[];
  readonly cpuUsMedian: number;
  /** Server CPU time ÷ wall time of every round: near 1, the server's core was saturated. */
  readonly serverBusy: readonly number[];
  /** The client's (autocannon's) CPU time ÷ wall time of every round. */
  readonly clientBusy: readonly number[];
  /** The client's CPU time per request, µs, of every round: what parsing the answers costs it. */
  readonly clientCpuUs: readonly number[];
  /** One response as received: bytes (status line, headers, body) and header count. */
  readonly response: { readonly status: number; readonly bytes: number; readonly headers: number };
  /** Errors, timeouts and non-2xx answers over all rounds (must be 0). */
  readonly failures: number;
}

export interface HttpRun {
  readonly pinned: boolean;
  readonly options: Omit<HttpOptions, "log">;
  readonly figures: readonly HttpFigure[];
}

const TSX = import.meta.resolve("tsx");
const SERVER = fileURLToPath(new URL("./server.ts", import.meta.url));
const CLIENT = fileURLToPath(new URL("./client.ts", import.meta.url));
const FIRST_PORT = 39_100;

const hasTaskset = (): boolean => spawnSync("taskset", ["-c", "0", "true"]).status === 0;

function pinned(core: number, command: string[], pin: boolean): [string, string[]] {
  return pin ? ["taskset", ["-c", String(core), ...command]] : [command[0]!, command.slice(1)];
}

/**
 * A helper process spoken to in lines: it prints `ready` once, then answers each line written to
 * its stdin with one line `<reply> <json>`, in order.
 */
interface Helper {
  readonly child: ChildProcess;
  ask<T>(line: string, reply: string, timeoutMs: number): Promise<T>;
}

async function startHelper(name: string, core: number, command: string[], pin: boolean): Promise<Helper> {
  const [program, args] = pinned(core, command, pin);
  const child = spawn(program, args, { stdio: ["pipe", "pipe", "inherit"] });
  const waiting: ((line: string) => void)[] = [];
  let ready: () => void = () => {};
  onLines(child.stdout!, (line) => {
    if (line === "ready") ready();
    else waiting.shift()?.(line);
  });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not start`)), 20_000);
    ready = () => {
      clearTimeout(timer);
      resolve();
    };
    child.on("exit", (code) => reject(new Error(`${name} exited with ${code}`)));
  });
  return {
    child,
    ask: <T>(line: string, reply: string, timeoutMs: number) =>
      new Promise<T>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`${name} did not answer ${line}`)), timeoutMs);
        waiting.push((answer) => {
          clearTimeout(timer);
          if (answer.startsWith(`${reply} `)) resolve(JSON.parse(answer.slice(reply.length + 1)) as T);
          else reject(new Error(`${name} answered ${answer}`));
        });
        child.stdin!.write(`${line}\n`);
      }),
  };
}

interface ServerStats {
  readonly cpuUs: number;
  readonly requests: number;
}

interface ClientResult {
  readonly rps: number;
  /** Answers received. */
  readonly requests: number;
  readonly failures: number;
  readonly durationUs: number;
  readonly cpuUs: number;
}

/** Sends one request as autocannon does (keep-alive) and counts the bytes of the answer. */
function responseShape(port: number, kind: HttpKind): Promise<HttpFigure["response"]> {
  const head = [`${kind === "get" ? "GET" : "OPTIONS"} /api/posts/ HTTP/1.1`, `Host: 127.0.0.1:${port}`, ...Object.entries(requestHeaders(kind)).map(([name, value]) => `${name}: ${value}`)];
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1");
    let received = Buffer.alloc(0);
    socket.on("data", (chunk: Buffer) => (received = Buffer.concat([received, chunk])));
    socket.on("error", reject);
    socket.write(`${head.join("\r\n")}\r\n\r\n`);
    // The answer to one small request arrives well within this; the socket stays open (keep-alive).
    setTimeout(() => {
      socket.destroy();
      const text = received.toString("latin1");
      const lines = text.slice(0, text.indexOf("\r\n\r\n")).split("\r\n");
      resolve({ status: Number(lines[0]?.split(" ")[1]), bytes: received.length, headers: lines.length - 1 });
    }, 300);
  });
}

/** What the client sends for each kind: an allowed GET, or an allowed preflight asking for PUT and two headers. */
export function requestHeaders(kind: HttpKind): Record<string, string> {
  if (kind === "get") return { Origin: ALLOWED_ORIGIN };
  return { Origin: ALLOWED_ORIGIN, "Access-Control-Request-Method": "PUT", "Access-Control-Request-Headers": "content-type,x-request-id" };
}

interface Load {
  readonly rps: number;
  readonly failures: number;
  readonly cpuUsPerRequest: number;
  readonly serverBusy: number;
  readonly clientBusy: number;
  readonly clientCpuUsPerRequest: number;
}

/** One autocannon run against one server, with the server's CPU time read just before and after. */
async function load(client: Helper, server: Helper, port: number, kind: HttpKind, seconds: number, connections: number): Promise<Load> {
  const before = await server.ask<ServerStats>("stats", "stats", 10_000);
  const job = { url: `http://127.0.0.1:${port}/api/posts/`, method: kind === "get" ? "GET" : "OPTIONS", headers: requestHeaders(kind), connections, seconds };
  const result = await client.ask<ClientResult>(JSON.stringify(job), "result", seconds * 1000 + 30_000);
  const after = await server.ask<ServerStats>("stats", "stats", 10_000);
  const cpuUs = after.cpuUs - before.cpuUs;
  return {
    rps: result.rps,
    failures: result.failures,
    cpuUsPerRequest: cpuUs / Math.max(after.requests - before.requests, 1),
    serverBusy: cpuUs / result.durationUs,
    clientBusy: result.cpuUs / result.durationUs,
    clientCpuUsPerRequest: result.cpuUs / Math.max(result.requests, 1),
  };
}

export const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

export async function runHttp(options: HttpOptions): Promise<HttpRun> {
  const pin = hasTaskset();
  const servers = new Map<string, { helper: Helper; port: number }>();
  let client: Helper | undefined;
  const results = new Map<string, { runs: number[]; cpuUs: number[]; serverBusy: number[]; clientBusy: number[]; clientCpuUs: number[]; failures: number }>();
  const responses = new Map<string, HttpFigure["response"]>();
  try {
    let port = FIRST_PORT;
    for (const framework of HTTP_FRAMEWORKS) {
      for (const target of httpTargets(framework, options.shaped)) {
        const helper = await startHelper(`${framework}/${target} server`, 0, [process.execPath, "--import", TSX, SERVER, framework, target, String(port)], pin);
        servers.set(`${framework}/${target}`, { helper, port });
        port++;
      }
    }
    client = await startHelper("autocannon client", 1, [process.execPath, "--import", TSX, CLIENT], pin);
    options.log(`http: ${servers.size} servers up (${pin ? "pinned to core 0, client on core 1" : "taskset not found: unpinned"}); warming up`);
    for (const [key, server] of servers) {
      for (const kind of HTTP_KINDS) {
        responses.set(`${key}/${kind}`, await responseShape(server.port, kind));
        await load(client, server.helper, server.port, kind, options.warmupSeconds, options.connections);
      }
    }
    for (let round = 1; round <= options.rounds; round++) {
      options.log(`http round ${round}/${options.rounds}`);
      for (const framework of HTTP_FRAMEWORKS) {
        for (const kind of HTTP_KINDS) {
          // Rotate which target goes first, so none always runs on the freshest machine state.
          const targets = httpTargets(framework, options.shaped);
          const order = targets.map((_, index) => targets[(index + round - 1) % targets.length]!);
          for (const target of order) {
            const key = `${framework}/${target}/${kind}`;
            const server = servers.get(`${framework}/${target}`)!;
            const run = await load(client, server.helper, server.port, kind, options.seconds, options.connections);
            const entry = results.get(key) ?? { runs: [], cpuUs: [], serverBusy: [], clientBusy: [], clientCpuUs: [], failures: 0 };
            entry.runs.push(run.rps);
            entry.cpuUs.push(run.cpuUsPerRequest);
            entry.serverBusy.push(run.serverBusy);
            entry.clientBusy.push(run.clientBusy);
            entry.clientCpuUs.push(run.clientCpuUsPerRequest);
            entry.failures += run.failures;
            results.set(key, entry);
          }
        }
      }
    }
  } finally {
    for (const { child } of [...[...servers.values()].map((server) => server.helper), ...(client === undefined ? [] : [client])]) {
      child.stdin?.end();
      child.kill();
    }
  }
  const figures: HttpFigure[] = [];
  for (const framework of HTTP_FRAMEWORKS) {
    for (const kind of HTTP_KINDS) {
      for (const target of httpTargets(framework, options.shaped)) {
        const key = `${framework}/${target}/${kind}`;
        const entry = results.get(key)!;
        figures.push({
          framework,
          kind,
          target,
          runs: entry.runs,
          median: median(entry.runs),
          cpuUs: entry.cpuUs,
          cpuUsMedian: median(entry.cpuUs),
          serverBusy: entry.serverBusy,
          clientBusy: entry.clientBusy,
          clientCpuUs: entry.clientCpuUs,
          response: responses.get(key)!,
          failures: entry.failures,
        });
      }
    }
  }
  const { log: _log, ...kept } = options;
  return { pinned: pin, options: kept, figures };
}
