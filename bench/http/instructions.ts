/**
 * `npm run bench:http-instructions`: the HTTP server's instructions per request, counted by callgrind,
 * for each framework's bare handler, the hand-written limit and crossgate (and the peer with
 * `--peer`), on an allowed GET and an allowed preflight. Unlike the server CPU time of
 * `npm run bench`, the count does not move with the machine's load.
 *
 * Each (framework, target, kind) gets its own server (./server.ts, bundled with esbuild so no
 * TypeScript loader runs under valgrind) in `node --single-threaded` with fixed seeds and address
 * randomisation off. This process is the client: one keep-alive connection, one request at a time,
 * `--warmup` requests, then the line `mark` (the server calls `os.uptime()`, on which callgrind
 * dumps its counters), `--measured` requests, `mark` again. The count of the measured stretch,
 * without V8's compiling in it (see ../instructions/run.ts), divided by the requests, is the figure.
 * The server runs with ../instructions/run.ts's fixed heap sizes, so V8 schedules no collection by the
 * clock. The count can still move a little with the machine's load (bare Hono 94,500 and 97,400 in two
 * runs at load averages 8 and 15, before the heap was fixed): the server's own timers (the cached
 * `Date` header, keep-alive timeouts) run more often per request when each request takes longer.
 * Compare targets counted in the same run.
 *
 *   npm run bench:http-instructions -- [--frameworks=node,fastify,hono] [--warmup=2000] [--measured=1000] [--parallel=2] [--targets=bare,limit,crossgate] [--kinds=get,preflight] [--peer]
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { Agent, createServer, request } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bundleForCallgrind, compilerInstructions, dumpFiles, dumpTotal, STEADY_HEAP, valgrindAvailable } from "../instructions/run.ts";
import { onLines } from "./lines.ts";
import { requestHeaders } from "./run.ts";
import { HTTP_FRAMEWORKS, HTTP_FRAMEWORK_LABEL, HTTP_KINDS, HTTP_TARGETS, type HttpFramework, type HttpKind, type HttpTarget } from "./targets.ts";

interface Options {
  readonly frameworks: readonly HttpFramework[];
  readonly targets: readonly HttpTarget[];
  readonly kinds: readonly HttpKind[];
  readonly warmup: number;
  readonly measured: number;
  readonly parallel: number;
}

interface Count {
  readonly framework: HttpFramework;
  readonly target: HttpTarget;
  readonly kind: HttpKind;
  /** Instructions per request without V8's compiling, and the compiling's share per request. */
  readonly instructions: number;
  readonly compiler: number;
}

function parseOptions(args: readonly string[]): Options {
  const value = (name: string): string | undefined => args.find((arg) => arg.startsWith(`--${name}=`))?.slice(name.length + 3);
  const number = (name: string, fallback: number): number => {
    const parsed = Number(value(name) ?? fallback);
    if (!Number.isInteger(parsed) || parsed < 1) throw new Error(`--${name} takes a positive integer`);
    return parsed;
  };
  const frameworks = (value("frameworks")?.split(",") ?? [...HTTP_FRAMEWORKS]) as HttpFramework[];
  for (const framework of frameworks) if (!HTTP_FRAMEWORKS.includes(framework)) throw new Error(`unknown framework ${framework}`);
  const targets = (value("targets")?.split(",") ?? ["bare", "limit", "crossgate", ...(args.includes("--peer") ? ["peer"] : [])]) as HttpTarget[];
  for (const target of targets) if (!HTTP_TARGETS.includes(target) || target === "shaped") throw new Error(`unknown target ${target}`);
  const kinds = (value("kinds")?.split(",") ?? [...HTTP_KINDS]) as HttpKind[];
  for (const kind of kinds) if (!HTTP_KINDS.includes(kind)) throw new Error(`unknown kind ${kind}`);
  return { frameworks, targets, kinds, warmup: number("warmup", 2000), measured: number("measured", 1000), parallel: number("parallel", 2) };
}

/** A port nothing listens on now (another run of this script may be using others). */
async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/** Sends `times` requests of `kind` one after another on `agent`'s one connection; every answer must be 2xx. */
async function send(agent: Agent, port: number, kind: HttpKind, times: number): Promise<void> {
  const headers = requestHeaders(kind);
  const method = kind === "get" ? "GET" : "OPTIONS";
  for (let index = 0; index < times; index++) {
    await new Promise<void>((resolve, reject) => {
      const outgoing = request({ host: "127.0.0.1", port, path: "/api/posts/", method, headers, agent }, (response) => {
        response.resume();
        response.on("end", () => (response.statusCode !== undefined && response.statusCode < 300 ? resolve() : reject(new Error(`${method} answered ${response.statusCode}`))));
      });
      outgoing.setTimeout(60_000, () => outgoing.destroy(new Error(`${method} timed out`)));
      outgoing.on("error", reject);
      outgoing.end();
    });
  }
}

async function countOne(server: string, framework: HttpFramework, target: HttpTarget, kind: HttpKind, port: number, options: Options): Promise<Count> {
  const dir = mkdtempSync(join(tmpdir(), "crossgate-http-callgrind-"));
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const valgrind = ["-R", "valgrind", "--tool=callgrind", `--callgrind-out-file=${join(dir, "cg.out")}`, "--dump-before=*GetUptime*", "--dump-instr=no", "--compress-strings=no", "--compress-pos=no"];
  const node = [process.execPath, "--single-threaded", ...STEADY_HEAP, "--random-seed=42", "--hash-seed=42", server, framework, target, String(port)];
  const child = spawn("setarch", [...valgrind, ...node], { stdio: ["pipe", "pipe", "pipe"], env: { PATH: process.env.PATH ?? "", NODE_ENV: "production" } });
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.on("exit", () => resolve()));
  const waiting: ((line: string) => void)[] = [];
  onLines(child.stdout, (line) => waiting.shift()?.(line));
  const nextLine = (what: string): Promise<string> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${framework} ${target}: no ${what} within 300 s\n${stderr.slice(-2000)}`)), 300_000);
      waiting.push((line) => {
        clearTimeout(timer);
        resolve(line);
      });
      void exited.then(() => reject(new Error(`${framework} ${target} exited before ${what}\n${stderr.slice(-2000)}`)));
    });
  try {
    await nextLine("ready");
    await send(agent, port, kind, options.warmup);
    child.stdin.write("mark\n");
    await nextLine("mark");
    await send(agent, port, kind, options.measured);
    child.stdin.write("mark\n");
    await nextLine("mark");
    agent.destroy();
    child.stdin.end();
    await exited;
    // Dumps: start-up and warm-up, the measured stretch, then the rest up to the exit.
    const measured = dumpFiles(dir)[1];
    if (measured === undefined) throw new Error(`${framework} ${target}: callgrind wrote no dump for the measured stretch`);
    const compiler = await compilerInstructions(measured);
    return {
      framework,
      target,
      kind,
      instructions: Math.round((dumpTotal(measured) - compiler) / options.measured),
      compiler: Math.round(compiler / options.measured),
    };
  } finally {
    agent.destroy();
    if (child.exitCode === null) child.kill();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  if (!(await valgrindAvailable())) throw new Error("valgrind is not installed (Debian: apt-get install valgrind)");
  const server = await bundleForCallgrind(new URL("./server.ts", import.meta.url), new URL("./.server/", import.meta.url));
  try {
    const jobs = options.frameworks.flatMap((framework) => options.kinds.flatMap((kind) => options.targets.map((target) => ({ framework, kind, target }))));
    const counts: Count[] = [];
    const next = async (): Promise<void> => {
      const job = jobs.shift();
      if (job === undefined) return;
      const started = Date.now();
      const count = await countOne(server.file, job.framework, job.target, job.kind, await freePort(), options);
      counts.push(count);
      process.stderr.write(`${job.framework} ${job.kind} ${job.target}: ${count.instructions} (+${count.compiler} compiling) in ${Math.round((Date.now() - started) / 1000)} s\n`);
      await next();
    };
    await Promise.all(Array.from({ length: options.parallel }, next));
    console.log(`Server instructions per request (callgrind, ${options.measured} requests after ${options.warmup}, one keep-alive connection; V8's compiling left out)\n`);
    console.log(`| framework | kind | ${options.targets.join(" | ")} | crossgate − limit |`);
    console.log(`|---|---|${options.targets.map(() => "---:|").join("")}---:|`);
    for (const framework of options.frameworks) {
      for (const kind of options.kinds) {
        const of = (target: HttpTarget): number => counts.find((count) => count.framework === framework && count.kind === kind && count.target === target)?.instructions ?? NaN;
        const cells = [...options.targets.map(of), of("crossgate") - of("limit")].map((value) => (Number.isNaN(value) ? "–" : value.toLocaleString("en-US")));
        console.log(`| ${HTTP_FRAMEWORK_LABEL[framework]} | ${kind} | ${cells.join(" | ")} |`);
      }
    }
  } finally {
    server.cleanup();
  }
}

await main();
