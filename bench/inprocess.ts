/**
 * The in-process benchmark: every contender on every scenario, timed by mitata (warm-up, then
 * batched samples for at least `minCpuTimeMs`). Each pair is measured in `rounds` interleaved
 * rounds and the lowest median kept: on a shared, noisy machine the fastest round is the one the
 * neighbours disturbed least.
 */
import { measure } from "mitata";
import { checkContender } from "./check.ts";
import { contenders, prepare, type Contender } from "./contenders.ts";
import { SCENARIOS, type Scenario } from "./scenarios.ts";

export interface InProcessSample {
  readonly contender: string;
  readonly scenario: string;
  /** Median time per request over mitata's samples, in nanoseconds. */
  readonly ns: number;
}

export interface InProcessRun {
  readonly contenders: readonly Contender[];
  readonly scenarios: readonly Scenario[];
  readonly samples: readonly InProcessSample[];
}

export interface InProcessOptions {
  readonly minCpuTimeMs: number;
  readonly rounds: number;
  readonly log: (line: string) => void;
}

export async function runInProcess(options: InProcessOptions): Promise<InProcessRun> {
  const list = await contenders();
  const prepared = new Map<string, Awaited<ReturnType<typeof prepare>>>();
  const problems: string[] = [];
  for (const scenario of SCENARIOS) {
    for (const contender of list) {
      const ready = await prepare(contender, scenario);
      problems.push(...(await checkContender(contender, scenario, ready)));
      prepared.set(`${contender.id} ${scenario.id}`, ready);
    }
  }
  if (problems.length > 0) throw new Error(`unfair comparison, nothing timed:\n${problems.join("\n")}`);

  const best = new Map<string, number>();
  for (let round = 1; round <= options.rounds; round++) {
    options.log(`in-process round ${round}/${options.rounds}`);
    for (const scenario of SCENARIOS) {
      // Alternate the order each round so no contender always runs right after the same neighbour.
      const order = round % 2 === 1 ? list : [...list].reverse();
      for (const contender of order) {
        const key = `${contender.id} ${scenario.id}`;
        const stats = await measure(prepared.get(key)!.run, { min_cpu_time: options.minCpuTimeMs * 1e6 });
        best.set(key, Math.min(best.get(key) ?? Infinity, stats.p50));
      }
    }
  }
  const samples: InProcessSample[] = [];
  for (const scenario of SCENARIOS) {
    for (const contender of list) samples.push({ contender: contender.id, scenario: scenario.id, ns: best.get(`${contender.id} ${scenario.id}`)! });
  }
  return { contenders: list, scenarios: SCENARIOS, samples };
}
