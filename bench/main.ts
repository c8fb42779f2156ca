/**
 * `npm run bench`: the in-process benchmark, then the HTTP one, then BENCHMARKS.md.
 * Flags: `--json` prints the results as JSON on stdout (progress goes to stderr); `--quick` is a
 * short smoke run that does not rewrite BENCHMARKS.md; `--no-http` skips the HTTP benchmark;
 * `--from=<results.json>` rewrites BENCHMARKS.md from an earlier `--json` output without measuring;
 * `--http-shaped` adds node:http's `shaped` target to the HTTP benchmark (what the own properties
 * crossgate's adapter adds to each request and response cost, alone).
 * The targets also read the instruction counts `npm run bench:instructions` keeps in BENCHMARKS.md.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { analyse, readInstructionCounts } from "./analysis.ts";
import { runHttp, type HttpRun } from "./http/run.ts";
import { runInProcess, type InProcessRun } from "./inprocess.ts";
import { environment, keepInstructionSection, readFindings, toJson, toMarkdown, type Environment } from "./report.ts";
import { measureSizes, type SizeFigure } from "./size.ts";

const args = process.argv.slice(2);
const from = args.find((arg) => arg.startsWith("--from="))?.slice("--from=".length);
const flags = new Set(args.filter((arg) => !arg.startsWith("--from=")));
for (const flag of flags) {
  if (!["--json", "--quick", "--no-http", "--http-shaped"].includes(flag)) {
    console.error(`unknown flag ${flag}; use --json, --quick, --no-http, --http-shaped or --from=<results.json>`);
    process.exit(2);
  }
}
const REPORT = new URL("../BENCHMARKS.md", import.meta.url);
const instructions = readInstructionCounts(readFileSync(REPORT, "utf8"));
if (from !== undefined) {
  // `npm run bench -- --json > file` also captures npm's banner: read from the first brace.
  const text = readFileSync(from, "utf8");
  const saved = JSON.parse(text.slice(text.indexOf("{"))) as { environment: Environment; inProcess: InProcessRun; http: HttpRun | null; sizes?: SizeFigure[] | null };
  const again = analyse(saved.inProcess, saved.http ?? undefined, instructions);
  writeReport(toMarkdown(saved.environment, saved.inProcess, saved.http ?? undefined, again, readFindings(), saved.sizes ?? undefined));
  process.stderr.write("wrote BENCHMARKS.md from saved results\n");
  process.exit(0);
}
const quick = flags.has("--quick");

/** Writes BENCHMARKS.md, keeping its instruction-count section (from `npm run bench:instructions`). */
function writeReport(markdown: string): void {
  writeFileSync(REPORT, keepInstructionSection(readFileSync(REPORT, "utf8"), markdown));
}
const log = (line: string): void => void process.stderr.write(`${line}\n`);
const loadAtStart = loadavg()[0]!;
const started = Date.now();

const sizes = await measureSizes(quick ? 3 : 15, log);
const inProcess = await runInProcess({ minCpuTimeMs: quick ? 20 : 120, rounds: quick ? 1 : 2, log });
const http = flags.has("--no-http")
  ? undefined
  : await runHttp({ rounds: quick ? 1 : 10, seconds: quick ? 1 : 2, warmupSeconds: 1, connections: 50, shaped: flags.has("--http-shaped"), log });
const env = environment(loadAtStart);
const analysis = analyse(inProcess, http, instructions);

if (!quick) {
  writeReport(toMarkdown(env, inProcess, http, analysis, readFindings(), sizes));
  log("wrote BENCHMARKS.md");
}
if (flags.has("--json")) {
  process.stdout.write(`${toJson(env, inProcess, http, analysis, sizes)}\n`);
} else {
  for (const target of analysis.targets) log(`${target.met ? "met   " : "MISSED"} ${target.name}: ${target.detail}`);
}
log(`done in ${Math.round((Date.now() - started) / 1000)} s`);
