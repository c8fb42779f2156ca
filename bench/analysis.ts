/**
 * Turns raw timings into the figures the targets speak of: each contender's cost above its
 * framework's no-op middleware, crossgate's lead over each peer in the same framework, its ratio
 * to the physical limit, the geometric means, and the HTTP overheads against the bare handler.
 */
import type { Framework } from "./contenders.ts";
import type { HttpRun } from "./http/run.ts";
import type { HttpFramework, HttpKind } from "./http/targets.ts";
import type { InProcessRun } from "./inprocess.ts";

export const TARGETS = {
  leadOverEveryPeer: 1,
  geomeanLead: 1.5,
  limitRatio: 1.5,
  /** Where the limit itself costs less than this above the no-op, being within `limitSlackNs` of it also counts. */
  smallLimitNs: 300,
  limitSlackNs: 150,
  manyOriginsRatio: 1.1,
  httpOverhead: 0.03,
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
  /** crossgate above the no-op with 10,000 exact origins ÷ with one. */
  readonly manyOriginsRatio: number;
  /** Whether the framework's own cost is small enough for the targets to be judged on it. */
  readonly scored: boolean;
}

export interface HttpRow {
  readonly framework: HttpFramework;
  readonly kind: HttpKind;
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
  readonly targets: readonly Target[];
}

export const geomean = (values: readonly number[]): number => Math.exp(values.reduce((sum, value) => sum + Math.log(value), 0) / values.length);

export function analyse(inProcess: InProcessRun, http: HttpRun | undefined): Analysis {
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
    const one = rows.find((row) => row.scenario === "simple-allowed")!;
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
  targets.push({
    name: `10,000 exact origins within ${TARGETS.manyOriginsRatio}x of one origin`,
    met: judged.every((framework) => framework.manyOriginsRatio <= TARGETS.manyOriginsRatio),
    detail: judged.map((framework) => `${framework.framework} ${framework.manyOriginsRatio.toFixed(2)}x`).join(", "),
  });
  if (httpRows !== undefined) {
    const heavy = httpRows.filter((row) => row.crossgateOverhead > TARGETS.httpOverhead);
    targets.push({
      name: `HTTP overhead at most ${TARGETS.httpOverhead * 100}% of the bare handler's throughput`,
      met: heavy.length === 0,
      detail: httpRows
        .map((row) => `${row.framework} ${row.kind} ${percent(row.crossgateOverhead)}${row.noiseExceedsEffect ? " (noise wider than the effect)" : ""}`)
        .join(", "),
    });
  }
  return {
    frameworks,
    worstLeadByScenario,
    geomeanLeadOverBestPeer: { lead: bestPeer.geomeanLead, peer: bestPeer.peer },
    http: httpRows,
    targets,
  };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

export const percent = (fraction: number): string => `${(fraction * 100).toFixed(1)}%`;

function httpTable(http: HttpRun): HttpRow[] {
  const rows: HttpRow[] = [];
  for (const framework of ["node", "fastify", "hono"] as const) {
    for (const kind of ["get", "preflight"] as const) {
      const figure = (target: string) => http.figures.find((item) => item.framework === framework && item.kind === kind && item.target === target)!;
      const bare = figure("bare");
      const crossgate = figure("crossgate");
      const peer = figure("peer");
      // Round i of each target ran back to back, so the pair shares the machine's state.
      const paired = (runs: readonly number[]) => runs.map((value, round) => 1 - value / (bare.runs[round] ?? NaN));
      const ours = paired(crossgate.runs);
      const theirs = paired(peer.runs);
      const spread = (values: readonly number[]): [number, number] => [Math.min(...values), Math.max(...values)];
      const crossgateSpread = spread(ours);
      rows.push({
        framework,
        kind,
        bare: bare.median,
        crossgate: crossgate.median,
        peer: peer.median,
        crossgateOverhead: median(ours),
        peerOverhead: median(theirs),
        crossgateSpread,
        peerSpread: spread(theirs),
        noiseExceedsEffect: crossgateSpread[1] - crossgateSpread[0] > Math.abs(median(ours)),
        runs: { bare: bare.runs, crossgate: crossgate.runs, peer: peer.runs },
        failures: bare.failures + crossgate.failures + peer.failures,
      });
    }
  }
  return rows;
}
