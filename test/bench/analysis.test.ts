/**
 * The benchmark's targets are judged by bench/analysis.ts and printed by bench/report.ts: these
 * cases feed both made-up figures and check each target is met or missed by the stated rule.
 */
import { describe, expect, it } from "vitest";
import { analyse, httpTable, paired, readInstructionCounts, TARGETS, type InstructionCounts } from "../../bench/analysis.ts";
import type { Contender, Framework } from "../../bench/contenders.ts";
import type { HttpFigure, HttpRun } from "../../bench/http/run.ts";
import type { HttpFramework, HttpKind, HttpTarget } from "../../bench/http/targets.ts";
import type { InProcessRun } from "../../bench/inprocess.ts";
import { toMarkdown, type Environment } from "../../bench/report.ts";
import { SCENARIOS } from "../../bench/scenarios.ts";

const FRAMEWORKS: readonly Framework[] = ["node", "fastify", "koa", "hono"];
const PEER: Record<Framework, string> = { node: "cors", fastify: "@fastify/cors", koa: "@koa/cors", hono: "hono/cors" };

/** Every framework's no-op at `noop` ns, the limit, crossgate and the peer at the given costs above it. */
function inProcess(costs: (framework: Framework, scenario: string) => { limit: number; crossgate: number; peer: number; noop?: number }): InProcessRun {
  const contenders = FRAMEWORKS.flatMap((framework) =>
    (["noop", "limit", "crossgate", "peer"] as const).map(
      (role) => ({ id: role === "peer" ? `${framework}/${PEER[framework]}` : `${framework}/${role}`, label: role === "peer" ? PEER[framework] : role, framework, role }) as unknown as Contender,
    ),
  );
  const samples = FRAMEWORKS.flatMap((framework) =>
    SCENARIOS.flatMap((scenario) => {
      const cost = costs(framework, scenario.id);
      const noop = cost.noop ?? 1_000;
      return [
        { contender: `${framework}/noop`, scenario: scenario.id, ns: noop },
        { contender: `${framework}/limit`, scenario: scenario.id, ns: noop + cost.limit },
        { contender: `${framework}/crossgate`, scenario: scenario.id, ns: noop + cost.crossgate },
        { contender: `${framework}/${PEER[framework]}`, scenario: scenario.id, ns: noop + cost.peer },
      ];
    }),
  );
  return { contenders, scenarios: SCENARIOS, samples };
}

const target = (analysis: ReturnType<typeof analyse>, start: string) => {
  const found = analysis.targets.find((item) => item.name.startsWith(start));
  if (found === undefined) throw new Error(`no target starting ${start}: ${analysis.targets.map((item) => item.name).join("; ")}`);
  return found;
};

describe("the limit target: within 1.5x of the limit, or within 150 ns where the limit costs under 300 ns", () => {
  const run = (crossgate: number, limit: number) => analyse(inProcess(() => ({ limit, crossgate, peer: crossgate * 3 })), undefined);

  it("names the rule the analysis applies", () => {
    expect(target(run(100, 100), "within").name).toBe(
      `within ${TARGETS.limitRatio}x of the limit in every scenario, or within ${TARGETS.limitSlackNs} ns where the limit costs under ${TARGETS.smallLimitNs} ns (above the no-op)`,
    );
    expect(TARGETS.limitRatio).toBe(1.5);
  });

  it.each([
    // [crossgate, limit, met]
    [1_500, 1_000, true], // exactly 1.5x
    [1_600, 1_000, false], // 1.6x, and the limit is not small
    [240, 100, true], // 2.4x but only 140 ns above a 100 ns limit
    [260, 100, false], // 160 ns above a small limit
    [449, 299, true], // 1.5x of a limit just under 300 ns
    [600, 300, false], // 2x of a 300 ns limit: the slack no longer applies
  ])("crossgate %i ns above the no-op against a limit of %i ns: met %s", (crossgate, limit, met) => {
    expect(target(run(crossgate, limit), "within").met).toBe(met);
  });

  it("the printed targets table carries the same row", () => {
    const analysis = run(1_600, 1_000);
    const markdown = toMarkdown(ENV, inProcess(() => ({ limit: 1_000, crossgate: 1_600, peer: 4_800 })), undefined, analysis, "");
    expect(markdown).toContain(`| ${target(analysis, "within").name} | **no** |`);
    expect(markdown).not.toContain("1.25x");
  });
});

const ENV: Environment = { date: "2026-01-01T00:00:00Z", cpu: "test", cores: 2, memoryGb: 4, os: "linux", node: "v20", versions: {}, load: { start: 0, end: 0 } };

function instructionSection(rows: Record<string, string>): string {
  const lines = ["<!-- instructions:start -->", "## Instructions per request (callgrind)", "", "### node", ""];
  lines.push("| scenario | node/limit | node/crossgate | node/cors | crossgate ÷ limit | node/cors ÷ crossgate | max spread |", "|---|---:|---:|---:|---:|---:|---:|");
  for (const [scenario, cells] of Object.entries(rows)) lines.push(`| ${scenario} | ${cells} |`);
  lines.push("", "<!-- instructions:end -->");
  return ["# crossgate benchmarks", "", ...lines, ""].join("\n");
}

describe("instruction counts read from BENCHMARKS.md", () => {
  const markdown = instructionSection({
    "simple-allowed": "6,609 / 6,614 | 16,000 / 16,000 | 51,659 / 51,677 | 2.45x | 3.18x | 0.10%",
    "exact-10k": "5,040 / 5,047 | 26,000 / 26,000 | 770,770 / 770,801 | 5.27x | 29.00x | 2.50%",
  });

  it("reads crossgate's count, the runs and each row's spread", () => {
    const counts = readInstructionCounts(markdown)!;
    expect(counts.runs).toBe(2);
    expect(counts.frameworks.map((item) => item.framework)).toEqual(["node"]);
    expect(counts.frameworks[0]!.rows).toEqual([
      { scenario: "simple-allowed", crossgate: 16_000, spread: 0.001 },
      { scenario: "exact-10k", crossgate: 26_000, spread: 0.025 },
    ]);
    expect(counts.frameworks[0]!.manyOriginsRatio).toBeCloseTo(1.625, 3);
  });

  it("has no counts without the section", () => {
    expect(readInstructionCounts("# crossgate benchmarks\n")).toBeUndefined();
  });

  it("judges repeatability within 2% and names the cells over it", () => {
    const analysis = analyse(inProcess(() => ({ limit: 100, crossgate: 150, peer: 500 })), undefined, readInstructionCounts(markdown));
    const row = target(analysis, "instruction counts repeatable");
    expect(row.met).toBe(false);
    expect(row.detail).toContain("node/exact-10k 2.5%");
    const steady = readInstructionCounts(markdown.replace("2.50%", "1.90%"));
    expect(target(analyse(inProcess(() => ({ limit: 100, crossgate: 150, peer: 500 })), undefined, steady), "instruction counts repeatable").met).toBe(true);
  });

  it("one run cannot show repeatability", () => {
    const single: InstructionCounts = { runs: 1, frameworks: [{ framework: "node", rows: [{ scenario: "simple-allowed", crossgate: 1, spread: 0 }], manyOriginsRatio: undefined }] };
    expect(target(analyse(inProcess(() => ({ limit: 100, crossgate: 150, peer: 500 })), undefined, single), "instruction counts repeatable").met).toBe(false);
  });

  it("10,000 origins ÷ one comes from the instruction counts where they exist, and from time elsewhere", () => {
    const timedFine = inProcess(() => ({ limit: 100, crossgate: 150, peer: 500 }));
    const analysis = analyse(timedFine, undefined, readInstructionCounts(markdown));
    const row = target(analysis, "10,000 exact origins");
    expect(row.met).toBe(false);
    expect(row.detail).toContain("node 1.63x (instructions)");
    expect(row.detail).toContain("fastify 1.00x (timed)");
    const report = toMarkdown(ENV, timedFine, undefined, analysis, "");
    expect(report).toContain("10,000 exact origins ÷ one origin (crossgate, above no-op): 1.00x timed, 1.63x in instructions (counted");
    expect(target(analyse(timedFine, undefined, undefined), "10,000 exact origins").met).toBe(true);
  });
});

function httpRun(perRound: (framework: HttpFramework, kind: HttpKind, target: HttpTarget, round: number) => { rps: number; cpuUs: number }, rounds = 10): HttpRun {
  const figures: HttpFigure[] = [];
  for (const framework of ["node", "fastify", "hono"] as const) {
    for (const kind of ["get", "preflight"] as const) {
      for (const target of ["bare", "limit", "crossgate", "peer"] as const) {
        const values = Array.from({ length: rounds }, (_, round) => perRound(framework, kind, target, round));
        const runs = values.map((value) => value.rps);
        const cpuUs = values.map((value) => value.cpuUs);
        const sorted = (list: number[]) => [...list].sort((a, b) => a - b)[list.length >> 1]!;
        figures.push({
          framework,
          kind,
          target,
          runs,
          median: sorted(runs),
          cpuUs,
          cpuUsMedian: sorted(cpuUs),
          serverBusy: runs.map(() => 0.9),
          clientBusy: runs.map(() => 0.6),
          clientCpuUs: runs.map(() => (target === "bare" ? 8 : 9)),
          response: { status: 200, bytes: target === "bare" ? 150 : 258, headers: target === "bare" ? 5 : 8 },
          failures: 0,
        });
      }
    }
  }
  return { pinned: true, options: { rounds, seconds: 2, warmupSeconds: 1, connections: 50 }, figures };
}

describe("HTTP: the server's CPU time per request", () => {
  const base = { bare: 12, limit: 12.5, crossgate: 13, peer: 14 } as const;

  it("pairs each round with the same round's bare (or limit) run, and reports the median and spread", () => {
    // Round r makes every target r µs slower: the machine's state, which pairing cancels.
    const rows = httpTable(httpRun((_f, _k, target, round) => ({ rps: 40_000 - round * 1_000, cpuUs: base[target as keyof typeof base] + round })));
    const row = rows[0]!;
    expect(row.cpuAboveBare["crossgate"]!.median).toBeCloseTo(1, 9);
    expect(row.cpuAboveBare["crossgate"]!.spread).toEqual([1, 1]);
    expect(row.cpuAboveBare["limit"]!.median).toBeCloseTo(0.5, 9);
    expect(row.crossgateAboveLimit!.median).toBeCloseTo(0.5, 9);
    expect(row.crossgateAboveLimit!.noiseExceedsEffect).toBe(false);
    expect(row.bytes).toEqual({ bare: 150, limit: 258, crossgate: 258, peer: 258 });
    expect(row.busy).toEqual({ server: 0.9, client: 0.6 });
  });

  it("says when the spread is wider than the effect", () => {
    const figures = paired([13, 10, 16], [12, 12, 12]);
    expect(figures.median).toBe(1);
    expect(figures.spread).toEqual([-2, 4]);
    expect(figures.noiseExceedsEffect).toBe(true);
  });

  it("judges crossgate against the limit, not against the bare handler", () => {
    const judge = (crossgate: number) =>
      target(
        analyse(inProcess(() => ({ limit: 100, crossgate: 150, peer: 500 })), httpRun((_f, _k, name) => ({ rps: 40_000, cpuUs: name === "crossgate" ? crossgate : name === "bare" ? 10 : 14 }))),
        "over HTTP",
      );
    // 4 µs above bare, but the limit (same bytes) costs as much: crossgate's own work is nothing.
    expect(judge(14).met).toBe(true);
    expect(judge(14 + TARGETS.httpCpuAboveLimitUs + 0.5).met).toBe(false);
    expect(judge(14 + TARGETS.httpCpuAboveLimitUs + 0.5).detail).toContain("node get +1.50 µs");
  });

  it("prints the CPU table, which figure is the server's cost and which includes the client", () => {
    const run = httpRun((_f, _k, target) => ({ rps: 40_000, cpuUs: base[target as keyof typeof base] }));
    const processRun = inProcess(() => ({ limit: 100, crossgate: 150, peer: 500 }));
    const markdown = toMarkdown(ENV, processRun, run, analyse(processRun, run), "");
    expect(markdown).toContain("### The server's cost: CPU time per request");
    expect(markdown).toContain("### Throughput (includes the client)");
    expect(markdown).toContain("| node:http | GET | 150 / 258 / 258 / 258 | 12.00 / 12.50 / 13.00 / 14.00 | +0.50 µs (+0.50 µs … +0.50 µs) | +1.00 µs");
    expect(markdown).toContain("90.0% / 60.0% | 8.00 / 9.00 / 9.00 / 9.00 |");
  });

  it("reads an HTTP run saved before CPU time was recorded", () => {
    const old = httpRun((_f, _k, _t) => ({ rps: 40_000, cpuUs: 0 }));
    const stripped: HttpRun = { ...old, figures: old.figures.filter((figure) => figure.target !== "limit").map(({ cpuUs: _c, cpuUsMedian: _m, serverBusy: _s, clientBusy: _b, clientCpuUs: _u, response: _r, ...rest }) => rest as HttpFigure) };
    const rows = httpTable(stripped);
    expect(rows).toHaveLength(6);
    expect(rows[0]!.crossgateAboveLimit).toBeUndefined();
    expect(rows[0]!.crossgateOverhead).toBe(0);
  });
});
