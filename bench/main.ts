/**
 * `npm run bench`: the in-process benchmark, then the HTTP one, then BENCHMARKS.md.
 * Flags: `--json` prints the results as JSON on stdout (progress goes to stderr); `--quick` is a
 * short smoke run that does not rewrite BENCHMARKS.md; `--no-http` skips the HTTP benchmark.
 */
import { writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { analyse } from "./analysis.ts";
import { runHttp } from "./http/run.ts";
import { runInProcess } from "./inprocess.ts";
import { environment, readFindings, toJson, toMarkdown } from "./report.ts";

const flags = new Set(process.argv.slice(2));
for (const flag of flags) {
  if (!["--json", "--quick", "--no-http"].includes(flag)) {
    console.error(`unknown flag ${flag}; use --json, --quick or --no-http`);
    process.exit(2);
  }
}
const quick = flags.has("--quick");
const log = (line: string): void => void process.stderr.write(`${line}\n`);
const loadAtStart = loadavg()[0]!;
const started = Date.now();

const inProcess = await runInProcess({ minCpuTimeMs: quick ? 20 : 120, rounds: quick ? 1 : 2, log });
const http = flags.has("--no-http")
  ? undefined
  : await runHttp({ rounds: quick ? 1 : 3, seconds: quick ? 1 : 2, warmupSeconds: 1, connections: 50, log });
const env = environment(loadAtStart);
const analysis = analyse(inProcess, http);

if (!quick) {
  writeFileSync(new URL("../BENCHMARKS.md", import.meta.url), toMarkdown(env, inProcess, http, analysis, readFindings()));
  log("wrote BENCHMARKS.md");
}
if (flags.has("--json")) {
  process.stdout.write(`${toJson(env, inProcess, http, analysis)}\n`);
} else {
  for (const target of analysis.targets) log(`${target.met ? "met   " : "MISSED"} ${target.name}: ${target.detail}`);
}
log(`done in ${Math.round((Date.now() - started) / 1000)} s`);
