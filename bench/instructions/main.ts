/**
 * `npm run bench:instructions`: instructions per request under callgrind for every contender of
 * node, Fastify and Koa on every scored scenario, counted twice to show that the count repeats,
 * then written into BENCHMARKS.md between the `instructions` markers.
 * Flags: `--runs=<n>` (default 2), `--frameworks=node,fastify,koa`, `--warmup=<n>` (default 2000),
 * `--rewarm=<n>` (requests after the full collection, default 3000), `--measured=<n>` (default 10000), `--stretches=<n>` (default 10: the measured requests in that many stretches, the least one counted), `--parallel=<n>` (default 2), `--json`,
 * `--acrh=yes|no|only` (default yes: with node, also the Access-Control-Request-Headers shapes of
 * ./acrh.ts; `only`: just those, printed instead of written into BENCHMARKS.md),
 * `--scenarios=<id,...>` and `--contenders=<framework/role,...>` (count only those; keep the
 * framework's `noop`, and its `limit` for the ratio), `--write=no` (print instead of writing).
 * To probe one change: `--frameworks=node --scenarios=origin-refused --runs=1 --acrh=no --write=no`.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { acrhMarkdown, countAcrhShapes } from "./acrh.ts";
import { requestWork, runInstructions, valgrindAvailable, type InstructionRun } from "./run.ts";

const { values } = parseArgs({
  options: {
    runs: { type: "string", default: "2" },
    frameworks: { type: "string", default: "node,fastify,koa" },
    warmup: { type: "string", default: "2000" },
    rewarm: { type: "string", default: "3000" },
    measured: { type: "string", default: "10000" },
    stretches: { type: "string", default: "10" },
    parallel: { type: "string", default: "2" },
    json: { type: "boolean", default: false },
    acrh: { type: "string", default: "yes" },
    /** Comma-separated scenario ids (default: every scored one and exact-1). */
    scenarios: { type: "string" },
    /** Comma-separated contender ids such as node/noop,node/crossgate (default: every one). */
    contenders: { type: "string" },
    /** `no`: print the tables instead of rewriting BENCHMARKS.md (for probing a change). */
    write: { type: "string", default: "yes" },
  },
});
if (!(await valgrindAvailable())) {
  process.stderr.write("valgrind is not installed: apt-get install -y valgrind\n");
  process.exit(2);
}
const log = (line: string) => void process.stderr.write(`${line}\n`);
const started = Date.now();
const counting = { warmup: Number(values.warmup), rewarm: Number(values.rewarm), measured: Number(values.measured), stretches: Number(values.stretches), parallel: Number(values.parallel), log };
const shapes = values.acrh !== "no" && values.frameworks.split(",").includes("node") ? acrhMarkdown(await countAcrhShapes(counting)) : "";
if (values.acrh === "only") {
  process.stdout.write(`${shapes}\n`);
  process.exit(0);
}
const result = await runInstructions({
  repetitions: Number(values.runs),
  frameworks: values.frameworks.split(","),
  warmup: Number(values.warmup),
  rewarm: Number(values.rewarm),
  measured: Number(values.measured),
  stretches: Number(values.stretches),
  parallel: Number(values.parallel),
  scenarios: values.scenarios?.split(","),
  contenders: values.contenders?.split(","),
  log,
});
const markdown = `${toMarkdown(result)}${shapes === "" ? "" : `\n${shapes}`}`;
if (values.write === "no") {
  process.stdout.write(`${markdown}\n`);
  if (values.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  process.exit(0);
}
const file = new URL("../../BENCHMARKS.md", import.meta.url);
const current = readFileSync(file, "utf8");
const START = "<!-- instructions:start -->";
const END = "<!-- instructions:end -->";
const section = `${START}\n${markdown}\n${END}`;
writeFileSync(file, current.includes(START) ? current.replace(new RegExp(`${START}[\\s\\S]*${END}`), section) : `${current.trimEnd()}\n\n${section}\n`);
if (values.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
log(`wrote BENCHMARKS.md's instruction counts in ${Math.round((Date.now() - started) / 1000)} s`);

/** Per framework and scenario: each role's instructions above the no-op, run by run, and the ratios. */
export function toMarkdown(run: InstructionRun): string {
  const lines: string[] = [
    "## Instructions per request (callgrind)",
    "",
    `Counted by valgrind's callgrind, not timed: ${run.measured.toLocaleString("en-US")} requests per scenario in ${run.stretches} stretches of ${(run.measured / run.stretches).toLocaleString("en-US")}, each contender in its own`,
    "`node --single-threaded` process with fixed seeds and address randomisation off, so a count repeats whatever",
    `else the machine does. Before each scenario's measured requests: ${run.warmup.toLocaleString("en-US")} of warm-up, a full collection`,
    `and ${run.rewarm.toLocaleString("en-US")} more. V8 still recompiles inside some measured stretches (after the collection, or when`,
    "a scenario's request shapes deoptimise code optimised for another's). That compiling is not work a request repeats, so",
    "each stretch's count leaves it out (callgrind's inclusive cost of V8's compile entry points in the stretch; deoptimisations",
    "stay counted). Each stretch starts after a minor collection, with the young generation fixed at 16 MiB and V8's clock-driven",
    "heap heuristics off, so the clock does not decide where a collection lands; a cell is the stretch of least work, the settled state every later",
    "request repeats (earlier stretches still run code V8 is optimising); the \"compiler\" column gives the share of that",
    "stretch the compiling was. Figures are instructions above the",
    `framework's no-op middleware; each cell shows ${run.runs.length === 1 ? "one run" : `${run.runs.length} runs`} and the spread column the largest difference between runs.`,
    "`exact-1` (not scored) is exact-10k's request with only the origin it sends listed, counted just before exact-10k:",
    "the 10,000-origin ratio divides by it, because a scenario counted after others costs more than the same one counted first.",
    "",
  ];
  const first = run.runs[0] ?? [];
  const get = (index: number, contender: string, scenario: string) =>
    requestWork(run.runs[index]?.find((sample) => sample.contender === contender && sample.scenario === scenario));
  const frameworks = [...new Set(first.map((sample) => sample.contender.split("/")[0] as string))];
  const scenarios = [...new Set(first.map((sample) => sample.scenario))];
  for (const framework of frameworks) {
    const ids = [...new Set(first.filter((sample) => sample.contender.startsWith(`${framework}/`)).map((sample) => sample.contender))];
    const noop = `${framework}/noop`;
    const roles = ids.filter((id) => id !== noop);
    const peer = roles.find((id) => !id.endsWith("/limit") && !id.endsWith("/crossgate"));
    lines.push(`### ${framework}`, "");
    lines.push(`| scenario | ${roles.join(" | ")} | crossgate ÷ limit | ${peer ?? "peer"} ÷ crossgate | max spread | compiler |`);
    lines.push(`|---|${roles.map(() => "---:").join("|")}|---:|---:|---:|---:|`);
    for (const scenario of scenarios) {
      let spread = 0;
      const net = (id: string, index: number) => get(index, id, scenario) - get(index, noop, scenario);
      const cells = roles.map((id) => {
        const values = run.runs.map((_, index) => net(id, index));
        const low = Math.min(...values);
        const high = Math.max(...values);
        spread = Math.max(spread, low > 0 ? (high - low) / low : 0);
        return values.map((value) => value.toLocaleString("en-US")).join(" / ");
      });
      const shares = run.runs.flatMap((samples) => samples.filter((sample) => sample.scenario === scenario && sample.contender.startsWith(`${framework}/`)));
      const compiler = Math.max(0, ...shares.map((sample) => (sample.instructions > 0 ? sample.compiler / sample.instructions : 0)));
      const ours = net(`${framework}/crossgate`, 0);
      const limit = net(`${framework}/limit`, 0);
      const theirs = peer === undefined ? NaN : net(peer, 0);
      lines.push(`| ${scenario} | ${cells.join(" | ")} | ${(ours / limit).toFixed(2)}x | ${(theirs / ours).toFixed(2)}x | ${(spread * 100).toFixed(2)}% | ${(compiler * 100).toFixed(0)}% |`);
    }
    lines.push("");
  }
  return lines.join("\n");
}
