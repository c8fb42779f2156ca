/**
 * Runs under callgrind (see ./run.ts): one contender, every scored scenario, with `os.uptime()` as
 * the marker. callgrind dumps (and zeroes) its counters on every call (`--dump-before=*GetUptime*`),
 * so each dump holds exactly the instructions between two markers: a calibration pair first, then
 * per scenario its set-up, warm-up, a full collection and a re-warm, then its N measured requests.
 * V8 deoptimises and recompiles after the collection: the re-warm keeps some of that out of the
 * measured stretch, and ./run.ts reports how much of the stretch was still the compiler.
 *
 *   node <bundled worker> <contender id> <warm-up> <re-warm> <measured> <scenario id>...
 */
import { uptime } from "node:os";
import { contenders, prepare } from "../contenders.ts";
import { scenarioById } from "../scenarios.ts";

const [contenderId = "", warmupText = "", rewarmText = "", measuredText = "", ...scenarioIds] = process.argv.slice(2);
const warmup = Number(warmupText);
const rewarm = Number(rewarmText);
const measured = Number(measuredText);
const contender = (await contenders()).find((candidate) => candidate.id === contenderId);
if (contender === undefined || ![warmup, rewarm, measured].every(Number.isInteger) || scenarioIds.length === 0) {
  process.stderr.write(`usage: worker <contender> <warm-up> <re-warm> <measured> <scenario>...; unknown contender ${JSON.stringify(contenderId)}?\n`);
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
  uptime();
  await repeat(prepared.run, measured);
  uptime();
}
