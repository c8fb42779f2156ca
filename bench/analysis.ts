/**
 * Turns raw timings into the figures the targets speak of: each contender's cost above its
 * framework's no-op middleware, crossgate's lead over each peer in the same framework, its ratio
 * to the physical limit, the geometric means, and the HTTP overheads against the bare handler
 * (throughput lost, and the server's own CPU time per request above bare and above the limit).
 * Also reads the instruction counts `npm run bench:instructions` keeps in BENCHMARKS.md.
 */
import type { Framework } from "./contenders.ts";
import type { HttpRun } from "./http/run.ts";
import type { HttpFramework, HttpKind } from "./http/targets.ts";
import type { InProcessRun } from "./inprocess.ts";
import { MANY_ORIGINS_BASELINE } from "./scenarios.ts";

export const TARGETS = {
  leadOverEveryPeer: 1,
  geomeanLead: 1.5,
  limitRatio: 1.5,
  /** Where the limit itself costs less than this above the no-op, being within `limitSlackNs` of it also counts. */
  smallLimitNs: 300,
  limitSlackNs: 150,
  manyOriginsRatio: 1.1,
  /**
   * Over HTTP, crossgate's server CPU time per request above the hand-written limit's, which
   * sends the same bytes: what crossgate's own work costs once Node writes the headers. The
   * in-process figures (0.2-1.5 µs above the limit) predict it stays within this.
   */
  httpCpuAboveLimitUs: 1,
  /** The largest difference between two instruction-count runs, relative to the count above the no-op. */
  instructionRepeatability: 0.02,
  /**
   * A framework whose no-op costs more than this per request (Hono: a Fetch `Request` and
   * `Response` each time, ~20 µs) cannot resolve sub-microsecond CORS costs: its rows are shown
   * but not scored.
   */
  resolvableNoopNs: 5_000,
} as const;

export interface FrameworkRow {
  readonly scenario: string;
  readonly scored: boolean;
  readonly noop: number;
  readonly limit: number;
  readonly crossgate: number;
  readonly peer: number;
  /** Costs above the no-op middleware (at least 1 ns, so ratios stay finite). */
  readonly net: { readonly limit: number; readonly crossgate: number; readonly peer: number };
  /** Peer cost ÷ crossgate cost, above the no-op: how many times faster crossgate is. */
  readonly lead: number;
  /** crossgate ÷ limit, above the no-op and as called (the framework's own work included). */
  readonly limitRatio: { readonly net: number; readonly gross: number };
}

export interface FrameworkAnalysis {
  readonly framework: Framework;
  readonly peer: string;
  readonly rows: readonly FrameworkRow[];
  readonly geomeanLead: number;
  /** crossgate above the no-op with 10,000 exact origins ÷ with only the origin it is asked for (exact-1). */
  readonly manyOriginsRatio: number;
  /** Whether the framework's own cost is small enough for the targets to be judged on it. */
  readonly scored: boolean;
}

/** Per-round paired figures: the median over rounds and the lowest and highest round. */
export interface Paired {
  readonly median: number;
  readonly spread: readonly [number, number];
  /** True when the spread is wider than the median itself: the figure cannot be told from zero. */
  readonly noiseExceedsEffect: boolean;
}

export interface HttpRow {
  readonly framework: HttpFramework;
  readonly kind: HttpKind;
  /** Response bytes (status line, headers, body) of one answer, per target. */
  readonly bytes: Readonly<Record<string, number>>;
  /** The server's CPU time per request (µs), median over rounds, per target. */
  readonly cpuUs: Readonly<Record<string, number>>;
  /** Server CPU µs per request above the bare handler's in the same round, per target other than bare. */
  readonly cpuAboveBare: Readonly<Record<string, Paired>>;
  /** crossgate's server CPU µs per request above the limit's in the same round (same bytes sent). */
  readonly crossgateAboveLimit: Paired | undefined;
  /** The client's CPU time per request (µs), median over rounds, per target: what reading each answer costs autocannon. */
  readonly clientCpuUs: Readonly<Record<string, number>>;
  /** Median over rounds of the server's and the client's CPU time ÷ wall time, over every target. */
  readonly busy: { readonly server: number; readonly client: number };
  readonly bare: number;
  readonly crossgate: number;
  readonly peer: number;
  /**
   * 1 − target ÷ bare, per round (the two measured back to back), then the median over rounds:
   * the share of the bare handler's throughput lost.
   */
  readonly crossgateOverhead: number;
  readonly peerOverhead: number;
  /** The lowest and highest per-round overhead: how far the noise moves it. */
  readonly crossgateSpread: readonly [number, number];
  readonly peerSpread: readonly [number, number];
  /** True when the spread is wider than the overhead itself: the figure says nothing yet. */
  readonly noiseExceedsEffect: boolean;
  readonly runs: { readonly bare: readonly number[]; readonly crossgate: readonly number[]; readonly peer: readonly number[] };
  readonly failures: number;
}

export interface Target {
  readonly name: string;
  readonly met: boolean;
  readonly detail: string;
}

export interface Analysis {
  readonly frameworks: readonly FrameworkAnalysis[];
  /** Per scored scenario, crossgate's smallest lead over any peer (each in its own framework). */
  readonly worstLeadByScenario: readonly { readonly scenario: string; readonly lead: number; readonly peer: string }[];
  /** The smallest per-framework geometric mean: the lead over the best peer. */
  readonly geomeanLeadOverBestPeer: { readonly lead: number; readonly peer: string };
  readonly http: readonly HttpRow[] | undefined;
  readonly instructions: InstructionCounts | undefined;
  readonly targets: readonly Target[];
}

/** What the instruction-count section of BENCHMARKS.md says, per framework. */
export interface InstructionCounts {
  readonly runs: number;
  readonly frameworks: readonly {
    readonly framework: string;
    readonly rows: readonly {
      readonly scenario: string;
      /** crossgate's instructions above the no-op, mean of the runs. */
      readonly crossgate: number;
      /** The largest difference between runs of any contender, relative to its count above the no-op. */
      readonly spread: number;
    }[];
    /** crossgate with 10,000 exact origins ÷ with only the origin asked for (exact-1), in instructions above the no-op. */
    readonly manyOriginsRatio: number | undefined;
  }[];
}

/**
 * Reads the tables `npm run bench:instructions` writes between its markers in BENCHMARKS.md;
 * `undefined` when there is no such section.
 */
export function readInstructionCounts(markdown: string): InstructionCounts | undefined {
  const section = /<!-- instructions:start -->([\s\S]*)<!-- instructions:end -->/.exec(markdown)?.[1];
  if (section === undefined) return undefined;
  const frameworks: InstructionCounts["frameworks"][number][] = [];
  let runs = 0;
  for (const block of section.split(/^### /m).slice(1)) {
    const framework = block.slice(0, block.indexOf("\n")).trim();
    const table = block.split("\n").filter((line) => line.startsWith("|"));
    const header = table[0]?.split("|").map((cell) => cell.trim()) ?? [];
    const ours = header.findIndex((cell) => cell.endsWith("/crossgate"));
    const spreadColumn = header.indexOf("max spread");
    if (ours < 0 || spreadColumn < 0) continue;
    const rows = table.slice(2).map((line) => {
      const cells = line.split("|").map((cell) => cell.trim());
      const values = cells[ours]!.split("/").map((value) => Number(value.replace(/,/g, "")));
      runs = Math.max(runs, values.length);
      return { scenario: cells[1]!, crossgate: values.reduce((sum, value) => sum + value, 0) / values.length, spread: Number(cells[spreadColumn]!.replace("%", "")) / 100 };
    });
    const one = rows.find((row) => row.scenario === MANY_ORIGINS_BASELINE) ?? rows.find((row) => row.scenario === "simple-allowed");
    const many = rows.find((row) => row.scenario === "exact-10k");
    frameworks.push({ framework, rows, manyOriginsRatio: one === undefined || many === undefined ? undefined : many.crossgate / one.crossgate });
  }
  return frameworks.length === 0 ? undefined : { runs, frameworks };
}

export const geomean = (values: readonly number[]): number => Math.exp(values.reduce((sum, value) => sum + Math.log(value), 0) / values.length);

export function analyse(inProcess: InProcessRun, http: HttpRun | undefined, instructions?: InstructionCounts): Analysis {
  const ns = (contender: string, scenario: string): number => inProcess.samples.find((sample) => sample.contender === contender && sample.scenario === scenario)!.ns;
  const frameworks: FrameworkAnalysis[] = [];
  for (const framework of ["node", "fastify", "koa", "hono"] as const) {
    const crossgate = inProcess.contenders.find((contender) => contender.framework === framework && contender.role === "crossgate");
    const peer = inProcess.contenders.find((contender) => contender.framework === framework && contender.role === "peer");
    if (crossgate === undefined || peer === undefined) continue;
    const rows = inProcess.scenarios.map((scenario): FrameworkRow => {
      const noop = ns(`${framework}/noop`, scenario.id);
      const limit = ns(`${framework}/limit`, scenario.id);
      const ours = ns(crossgate.id, scenario.id);
      const theirs = ns(peer.id, scenario.id);
      const above = (value: number): number => Math.max(value - noop, 1);
      const net = { limit: above(limit), crossgate: above(ours), peer: above(theirs) };
      return {
        scenario: scenario.id,
        scored: scenario.scored,
        noop,
        limit,
        crossgate: ours,
        peer: theirs,
        net,
        lead: net.peer / net.crossgate,
        limitRatio: { net: net.crossgate / net.limit, gross: ours / limit },
      };
    });
    const scored = rows.filter((row) => row.scored);
    // Reports from before exact-1 existed divide by simple-allowed, the same request shape.
    const one = rows.find((row) => row.scenario === MANY_ORIGINS_BASELINE) ?? rows.find((row) => row.scenario === "simple-allowed")!;
    const many = rows.find((row) => row.scenario === "exact-10k")!;
    frameworks.push({
      framework,
      peer: peer.label,
      rows,
      geomeanLead: geomean(scored.map((row) => row.lead)),
      manyOriginsRatio: many.net.crossgate / one.net.crossgate,
      scored: median(rows.map((row) => row.noop)) <= TARGETS.resolvableNoopNs,
    });
  }

  const judged = frameworks.filter((framework) => framework.scored);
  const worstLeadByScenario = inProcess.scenarios
    .filter((scenario) => scenario.scored)
    .map((scenario) => {
      let worst = { scenario: scenario.id, lead: Infinity, peer: "" };
      for (const framework of judged) {
        const row = framework.rows.find((candidate) => candidate.scenario === scenario.id)!;
        if (row.lead < worst.lead) worst = { scenario: scenario.id, lead: row.lead, peer: framework.peer };
      }
      return worst;
    });
  const bestPeer = judged.reduce((best, framework) => (framework.geomeanLead < best.geomeanLead ? framework : best));

  const httpRows = http === undefined ? undefined : httpTable(http);
  const targets: Target[] = [];
  const losses = judged.flatMap((framework) =>
    framework.rows.filter((row) => row.scored && row.lead <= TARGETS.leadOverEveryPeer).map((row) => `${row.scenario} vs ${framework.peer} (${row.lead.toFixed(2)}x)`),
  );
  targets.push({
    name: "faster than every peer in every in-process scenario",
    met: losses.length === 0,
    detail: losses.length === 0 ? `smallest lead ${Math.min(...worstLeadByScenario.map((row) => row.lead)).toFixed(2)}x` : `slower or equal: ${losses.join(", ")}`,
  });
  targets.push({
    name: `geometric mean at least ${TARGETS.geomeanLead}x the best peer's`,
    met: bestPeer.geomeanLead >= TARGETS.geomeanLead,
    detail: `${bestPeer.geomeanLead.toFixed(2)}x over ${bestPeer.peer} (the closest peer); ${judged.map((framework) => `${framework.peer} ${framework.geomeanLead.toFixed(2)}x`).join(", ")}`,
  });
  const overLimit = judged.flatMap((framework) =>
    framework.rows
      .filter(
        (row) =>
          row.scored &&
          row.limitRatio.net > TARGETS.limitRatio &&
          !(row.net.limit < TARGETS.smallLimitNs && row.net.crossgate - row.net.limit <= TARGETS.limitSlackNs),
      )
      .map((row) => `${framework.framework}/${row.scenario} ${row.limitRatio.net.toFixed(2)}x (+${Math.round(row.net.crossgate - row.net.limit)} ns)`),
  );
  targets.push({
    name: `within ${TARGETS.limitRatio}x of the limit in every scenario, or within ${TARGETS.limitSlackNs} ns where the limit costs under ${TARGETS.smallLimitNs} ns (above the no-op)`,
    met: overLimit.length === 0,
    detail: overLimit.length === 0 ? "every scenario" : `over: ${overLimit.join(", ")}`,
  });
  // Instruction counts where bench:instructions has them (the timed ratio is within noise), else timed.
  const manyOrigins = judged.map((framework) => {
    const counted = instructions?.frameworks.find((item) => item.framework === framework.framework)?.manyOriginsRatio;
    return counted === undefined
      ? { framework: framework.framework, ratio: framework.manyOriginsRatio, source: "timed" }
      : { framework: framework.framework, ratio: counted, source: "instructions" };
  });
  targets.push({
    name: `10,000 exact origins within ${TARGETS.manyOriginsRatio}x of one origin (instructions where counted, else time)`,
    met: manyOrigins.every((item) => item.ratio <= TARGETS.manyOriginsRatio),
    detail: manyOrigins.map((item) => `${item.framework} ${item.ratio.toFixed(2)}x (${item.source})`).join(", "),
  });
  if (instructions !== undefined) {
    const cells = instructions.frameworks.flatMap((framework) => framework.rows.map((row) => ({ ...row, framework: framework.framework })));
    const loose = cells.filter((cell) => cell.spread > TARGETS.instructionRepeatability);
    targets.push({
      name: `instruction counts repeatable within ${TARGETS.instructionRepeatability * 100}% between runs (above the no-op, every contender)`,
      met: instructions.runs >= 2 && loose.length === 0,
      detail:
        instructions.runs < 2
          ? "one run only: run `npm run bench:instructions` with at least two runs"
          : loose.length === 0
            ? `${cells.length} cells, largest ${percent(Math.max(...cells.map((cell) => cell.spread)))}`
            : `${cells.length - loose.length} of ${cells.length} cells; over: ${loose.map((cell) => `${cell.framework}/${cell.scenario} ${percent(cell.spread)}`).join(", ")}`,
    });
  }
  if (httpRows !== undefined) {
    const judgedRows = httpRows.filter((row) => row.crossgateAboveLimit !== undefined);
    const heavy = judgedRows.filter((row) => row.crossgateAboveLimit!.median > TARGETS.httpCpuAboveLimitUs);
    targets.push({
      name: `over HTTP, crossgate's server CPU per request within ${TARGETS.httpCpuAboveLimitUs} µs of the hand-written limit's (same bytes sent; median of interleaved rounds)`,
      met: judgedRows.length > 0 && heavy.length === 0,
      detail: judgedRows
        .map((row) => `${row.framework} ${row.kind} ${signedUs(row.crossgateAboveLimit!.median)}${row.crossgateAboveLimit!.noiseExceedsEffect ? " (noise > effect)" : ""}`)
        .join(", "),
    });
  }
  return {
    frameworks,
    worstLeadByScenario,
    geomeanLeadOverBestPeer: { lead: bestPeer.geomeanLead, peer: bestPeer.peer },
    http: httpRows,
    instructions,
    targets,
  };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

export const percent = (fraction: number): string => `${(fraction * 100).toFixed(1)}%`;
export const signedUs = (value: number): string => `${value >= 0 ? "+" : "−"}${Math.abs(value).toFixed(2)} µs`;

/** Per round, `value(round) − base(round)`; then the median and the lowest and highest round. */
export function paired(values: readonly number[], base: readonly number[], relative = false): Paired {
  const rounds = values.map((value, round) => (relative ? 1 - value / (base[round] ?? NaN) : value - (base[round] ?? NaN)));
  const middle = median(rounds);
  const spread: [number, number] = [Math.min(...rounds), Math.max(...rounds)];
  return { median: middle, spread, noiseExceedsEffect: spread[1] - spread[0] > Math.abs(middle) };
}

/** The HTTP figures, per framework and request kind. */
export function httpTable(http: HttpRun): HttpRow[] {
  const rows: HttpRow[] = [];
  for (const framework of ["node", "fastify", "hono"] as const) {
    for (const kind of ["get", "preflight"] as const) {
      const figures = http.figures.filter((item) => item.framework === framework && item.kind === kind);
      const figure = (target: string) => figures.find((item) => item.target === target);
      const bare = figure("bare");
      const crossgate = figure("crossgate");
      const peer = figure("peer");
      if (bare === undefined || crossgate === undefined || peer === undefined) continue;
      // Round i of each target ran back to back, so the pair shares the machine's state.
      const ours = paired(crossgate.runs, bare.runs, true);
      const theirs = paired(peer.runs, bare.runs, true);
      const limit = figure("limit");
      const cpu = figures.every((item) => item.cpuUs !== undefined && item.cpuUs.length > 0);
      const byTarget = <T>(value: (item: (typeof figures)[number]) => T): Record<string, T> => Object.fromEntries(figures.map((item) => [item.target, value(item)]));
      rows.push({
        framework,
        kind,
        bytes: byTarget((item) => item.response?.bytes ?? NaN),
        cpuUs: cpu ? byTarget((item) => item.cpuUsMedian) : {},
        cpuAboveBare: cpu ? Object.fromEntries(figures.filter((item) => item !== bare).map((item) => [item.target, paired(item.cpuUs, bare.cpuUs)])) : {},
        clientCpuUs: cpu ? byTarget((item) => median(item.clientCpuUs ?? [NaN])) : {},
        crossgateAboveLimit: cpu && limit !== undefined ? paired(crossgate.cpuUs, limit.cpuUs) : undefined,
        busy: cpu ? { server: median(figures.flatMap((item) => item.serverBusy)), client: median(figures.flatMap((item) => item.clientBusy)) } : { server: NaN, client: NaN },
        bare: bare.median,
        crossgate: crossgate.median,
        peer: peer.median,
        crossgateOverhead: ours.median,
        peerOverhead: theirs.median,
        crossgateSpread: ours.spread,
        peerSpread: theirs.spread,
        noiseExceedsEffect: ours.noiseExceedsEffect,
        runs: { bare: bare.runs, crossgate: crossgate.runs, peer: peer.runs },
        failures: figures.reduce((sum, item) => sum + item.failures, 0),
      });
    }
  }
  return rows;
}
