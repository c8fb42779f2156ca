/**
 * Instructions per request, counted by valgrind's callgrind: unlike a time, the count does not move
 * with the machine's load, so a change of a few percent shows on a shared two-core machine.
 * Each contender runs in its own `node --single-threaded` process with fixed random and hash seeds
 * and address randomisation off, which makes the count repeatable to a few instructions; the worker
 * (./worker.ts, bundled with esbuild so no TypeScript loader runs under valgrind) marks each
 * measured stretch with `os.uptime()`, on which callgrind dumps its counters.
 */
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { build } from "esbuild";
import { contenders, type Contender } from "../contenders.ts";
import { SCENARIOS } from "../scenarios.ts";

const run = promisify(execFile);

export interface InstructionSample {
  readonly contender: string;
  readonly scenario: string;
  /** Instructions per request, the marker's own cost removed. */
  readonly instructions: number;
}

export interface InstructionRun {
  readonly warmup: number;
  readonly measured: number;
  /** One list of samples per repetition: the second shows how repeatable the first is. */
  readonly runs: readonly (readonly InstructionSample[])[];
}

export interface InstructionOptions {
  readonly warmup: number;
  readonly measured: number;
  readonly repetitions: number;
  /** Processes under valgrind at once. */
  readonly parallel: number;
  readonly frameworks: readonly string[];
  /** Scenario ids to count (default: every scored scenario) and contender ids (default: all of the frameworks). */
  readonly scenarios?: readonly string[];
  readonly contenders?: readonly string[];
  readonly log: (line: string) => void;
}

/** Whether valgrind is installed (Debian: `apt-get install valgrind`). */
export async function valgrindAvailable(): Promise<boolean> {
  try {
    await run("valgrind", ["--version"]);
    return true;
  } catch {
    return false;
  }
}

/**
 * Bundles the worker next to bench/ so that its imports resolve to the project's node_modules.
 * The path is the same every time: a different path length shifts the heap, and with it when a
 * garbage collection lands in a measured stretch.
 */
async function bundleWorker(): Promise<{ file: string; cleanup(): void }> {
  const dir = join(fileURLToPath(new URL(".", import.meta.url)), ".worker");
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir);
  const file = join(dir, "worker.mjs");
  await build({
    entryPoints: [fileURLToPath(new URL("./worker.ts", import.meta.url))],
    outfile: file,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    packages: "external",
    logLevel: "error",
  });
  return { file, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The `summary:` (total instructions) of each callgrind dump file, in dump order. */
function dumpTotals(dir: string): number[] {
  const files = readdirSync(dir)
    .map((name) => /^cg\.out\.(\d+)$/.exec(name))
    .filter((match): match is RegExpExecArray => match !== null)
    .sort((a, b) => Number(a[1]) - Number(b[1]));
  return files.map((match) => {
    const text = readFileSync(join(dir, match[0]), "utf8");
    const summary = /^summary:\s*(\d+)/m.exec(text) ?? /^totals:\s*(\d+)/m.exec(text);
    return summary ? Number(summary[1]) : 0;
  });
}

async function countOne(worker: string, contender: Contender, scenarios: readonly string[], options: InstructionOptions): Promise<InstructionSample[]> {
  const dir = mkdtempSync(join(tmpdir(), "crossgate-callgrind-"));
  try {
    await run(
      "setarch",
      [
        "-R",
        "valgrind",
        "--tool=callgrind",
        `--callgrind-out-file=${join(dir, "cg.out")}`,
        "--dump-before=*GetUptime*",
        "--dump-instr=no",
        "--compress-strings=no",
        "--compress-pos=no",
        process.execPath,
        "--single-threaded",
        "--expose-gc",
        "--random-seed=42",
        "--hash-seed=42",
        worker,
        contender.id,
        String(options.warmup),
        String(options.measured),
        ...scenarios,
      ],
      { maxBuffer: 16 * 1024 * 1024, env: { PATH: process.env.PATH ?? "", NODE_ENV: "production" } },
    );
    // Dumps: 1 start-up, 2 calibration, then per scenario: set-up and warm-up, measured.
    const totals = dumpTotals(dir);
    const marker = totals[1] ?? 0;
    return scenarios.map((scenario, index) => {
      const measuredTotal = totals[3 + 2 * index];
      if (measuredTotal === undefined) throw new Error(`callgrind wrote ${totals.length} dumps for ${contender.id}; expected ${2 + 2 * scenarios.length}`);
      return { contender: contender.id, scenario, instructions: Math.round((measuredTotal - marker) / options.measured) };
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Counts every contender of the chosen frameworks on every scored scenario (or the chosen ones), `repetitions` times. */
export async function runInstructions(options: InstructionOptions): Promise<InstructionRun> {
  const list = (await contenders()).filter((contender) => options.frameworks.includes(contender.framework) && (options.contenders?.includes(contender.id) ?? true));
  const scenarios = options.scenarios ?? SCENARIOS.filter((scenario) => scenario.scored).map((scenario) => scenario.id);
  const worker = await bundleWorker();
  try {
    const runs: InstructionSample[][] = [];
    for (let repetition = 1; repetition <= options.repetitions; repetition++) {
      const queue = [...list];
      const samples: InstructionSample[] = [];
      const next = async (): Promise<void> => {
        const contender = queue.shift();
        if (contender === undefined) return;
        const started = Date.now();
        samples.push(...(await countOne(worker.file, contender, scenarios, options)));
        options.log(`instructions ${repetition}/${options.repetitions}: ${contender.id} in ${Math.round((Date.now() - started) / 1000)} s`);
        await next();
      };
      await Promise.all(Array.from({ length: options.parallel }, next));
      runs.push(samples);
    }
    return { warmup: options.warmup, measured: options.measured, runs };
  } finally {
    worker.cleanup();
  }
}
