/**
 * The HTTP benchmark's load generator: one long-lived process (pinned to its own core by the
 * parent) that runs autocannon's programmatic API once per line it reads on stdin, so no run pays
 * autocannon's start-up. Each stdin line is a JSON `{ url, method, headers, connections, seconds }`;
 * each answer is one stdout line `result {"rps":…,"requests":…,"failures":…,"durationUs":…,"cpuUs":…}` where
 * `cpuUs` is this process's own CPU time during the run (how busy the client was).
 */
import { createRequire } from "node:module";
import { onLines } from "./lines.ts";

interface Job {
  readonly url: string;
  readonly method: "GET" | "OPTIONS";
  readonly headers: Readonly<Record<string, string>>;
  readonly connections: number;
  readonly seconds: number;
}

interface AutocannonResult {
  readonly requests: { readonly average: number; readonly total: number };
  readonly errors: number;
  readonly timeouts: number;
  readonly non2xx: number;
  readonly duration: number;
}

const autocannon = createRequire(import.meta.url)("autocannon") as (options: object) => Promise<AutocannonResult>;

async function run(job: Job): Promise<string> {
  const before = process.cpuUsage();
  const result = await autocannon({ url: job.url, method: job.method, headers: job.headers, connections: job.connections, duration: job.seconds });
  const cpu = process.cpuUsage(before);
  return JSON.stringify({
    rps: result.requests.average,
    requests: result.requests.total,
    failures: result.errors + result.timeouts + result.non2xx,
    durationUs: result.duration * 1_000_000,
    cpuUs: cpu.user + cpu.system,
  });
}

let queue = Promise.resolve();
onLines(process.stdin, (line) => {
  queue = queue.then(async () => void process.stdout.write(`result ${await run(JSON.parse(line) as Job)}\n`));
});
// The parent ends the benchmark by closing stdin (or dies): never outlive it.
process.stdin.on("end", () => process.exit(0));
process.stdin.on("close", () => process.exit(0));
console.log("ready");
