/**
 * Instructions per preflight on node:http for each `Access-Control-Request-Headers` shape of
 * `ACRH_SHAPES` (bench/scenarios.ts), for crossgate and `cors`: shows that crossgate's cost grows
 * linearly with the value's length whatever its form (the instructions per byte read stay the same
 * when the length doubles), and how it compares with `cors`, which never reads the header when
 * allowed headers are configured.
 */
import { ACRH_SHAPES } from "../scenarios.ts";
import { requestWork, runInstructions, type InstructionOptions, type InstructionRun } from "./run.ts";

const CONTENDERS = ["node/noop", "node/crossgate", "node/cors"] as const;

/** Counts the shapes once for node's no-op, crossgate and `cors`. */
export function countAcrhShapes(options: Omit<InstructionOptions, "frameworks" | "scenarios" | "contenders" | "repetitions">): Promise<InstructionRun> {
  // Every shape twice: a path first taken in a measured stretch would count its compilation, so
  // only the second pass is reported.
  // Each request costs tens of thousands of instructions, so fewer of them than in the scored
  // scenarios give as steady a figure, at a fifth of the time.
  const ids = ACRH_SHAPES.map((shape) => shape.id);
  return runInstructions({ ...options, warmup: Math.min(options.warmup, 500), measured: Math.min(options.measured, 1_000), stretches: 1, repetitions: 1, frameworks: ["node"], contenders: CONTENDERS, scenarios: [...ids, ...ids] });
}

export function acrhMarkdown(run: InstructionRun): string {
  const samples = run.runs[0] ?? [];
  const get = (contender: string, scenario: string) => requestWork(samples.findLast((sample) => sample.contender === contender && sample.scenario === scenario));
  const net = (contender: string, scenario: string) => get(contender, scenario) - get("node/noop", scenario);
  const baseline = net("node/crossgate", "acrh-none");
  const lines = [
    "### Access-Control-Request-Headers shapes (node:http, not scored)",
    "",
    "Instructions per preflight above the no-op, from the allowed origin, under the policy of the other",
    "scenarios (two allowed names), for values of each shape at two lengths. \"Per byte\" is crossgate's",
    "count minus its count for the same preflight without the header, divided by the value's length:",
    "when it stays the same as the length doubles, the cost is linear. `cors` never reads the header",
    "when allowed headers are configured, so its count is the same for every value. Every shape is counted",
    `twice in one process (${run.measured.toLocaleString("en-US")} requests after ${run.warmup.toLocaleString("en-US")} of warm-up each time) and the second count shown.`,
    "",
    "| shape | bytes | crossgate | per byte | cors | crossgate ÷ cors |",
    "|---|---:|---:|---:|---:|---:|",
  ];
  for (const shape of ACRH_SHAPES) {
    const ours = net("node/crossgate", shape.id);
    const theirs = net("node/cors", shape.id);
    const perByte = shape.bytes === 0 ? "" : ((ours - baseline) / shape.bytes).toFixed(1);
    lines.push(`| ${shape.shape} | ${shape.bytes.toLocaleString("en-US")} | ${ours.toLocaleString("en-US")} | ${perByte} | ${theirs.toLocaleString("en-US")} | ${(ours / theirs).toFixed(2)}x |`);
  }
  lines.push("");
  return lines.join("\n");
}
