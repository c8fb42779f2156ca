/**
 * Runs under callgrind (see ./run.ts): one contender, every scored scenario, with `os.uptime()` as
 * the marker. callgrind dumps (and zeroes) its counters on every call (`--dump-before=*GetUptime*`),
 * so each dump holds exactly the instructions between two markers: a calibration pair first, then
 * per scenario its set-up, warm-up, a full collection and a re-warm, then its N measured requests
 * in S stretches of N/S, each after a minor collection and between two markers.
 * V8 deoptimises and recompiles after the collection: the re-warm keeps some of that out of the
 * measured stretch, and ./run.ts reports how much of the stretch was still the compiler.
 *
 *   node <bundled worker> <contender id> <warm-up> <re-warm> <measured> <stretches> <scenario id>...
 */
import { uptime } from "node:os";
import { contenders, prepare } from "../contenders.ts";
import { scenarioById } from "../scenarios.ts";

const [contenderId = "", warmupText = "", rewarmText = "", measuredText = "", stretchesText = "", ...scenarioIds] = process.argv.slice(2);
const warmup = Number(warmupText);
const rewarm = Number(rewarmText);
const stretches = Number(stretchesText);
const perStretch = Number(measuredText) / stretches;
const contender = (await contenders()).find((candidate) => candidate.id === contenderId);
if (contender === undefined || ![warmup, rewarm, stretches, perStretch].every(Number.isInteger) || scenarioIds.length === 0) {
  process.stderr.write(`usage: worker <contender> <warm-up> <re-warm> <measured> <stretches dividing measured> <scenario>...; unknown contender ${JSON.stringify(contenderId)}?\n`);
  process.exit(2);
}

async function repeat(run: () => unknown, times: number): Promise<void> {
  for (let i = 0; i < times; i++) {
    const result = run();
    if (result instanceof Promise) await result;
  }
}

// Calibration: two markers with nothing between them (the marker's own cost).
uptime();
uptime();
for (const id of scenarioIds) {
  const prepared = await prepare(contender, scenarioById(id));
  await repeat(prepared.run, warmup);
  // Start each measured stretch on a collected heap, so a full collection left over from set-up
  // or another scenario does not land in it (the young-generation ones its own requests cause do).
  (globalThis as { gc?: () => void }).gc?.();
  await repeat(prepared.run, rewarm);
  for (let stretch = 0; stretch < stretches; stretch++) {
    // Every stretch starts on an empty young generation (the minor collection is counted in the
    // dump before the marker), so each holds the same number of the scavenges its own requests
    // cause, and the stretches can be compared with one another.
    (globalThis as { gc?: (options: { type: "minor" }) => void }).gc?.({ type: "minor" });
    uptime();
    await repeat(prepared.run, perStretch);
    uptime();
  }
}
