/**
 * Instructions per request, counted by valgrind's callgrind: unlike a time, the count does not move
 * with the machine's load, so a change of a few percent shows on a shared two-core machine.
 * Each contender runs in its own `node --single-threaded` process with fixed random and hash seeds
 * and address randomisation off, which makes the count repeatable to a few instructions; the worker
 * (./worker.ts, bundled with esbuild so no TypeScript loader runs under valgrind) marks each
 * measured stretch with `os.uptime()`, on which callgrind dumps its counters.
 * The count of a stretch includes V8's optimising compiler when it recompiles there (after the
 * worker's full collection, or when one scenario's request shapes deoptimise another's code), so
 * each sample also carries the compiler's instructions, read from callgrind's inclusive cost of
 * the runtime's compile entry points: a cell with a large share ranks optimised-code size, not
 * per-request work.
 */
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { build } from "esbuild";
import { contenders, type Contender } from "../contenders.ts";
import { MANY_ORIGINS_BASELINE, SCENARIOS } from "../scenarios.ts";

const run = promisify(execFile);

export interface InstructionSample {
  readonly contender: string;
  readonly scenario: string;
  /** Instructions per request, the marker's own cost removed. */
  readonly instructions: number;
  /** Of those, instructions per request inside V8's compilers (lazy and optimising). */
  readonly compiler: number;
  /** Every measured stretch's work per request (instructions less compiling); the sample is the least. */
  readonly stretches: readonly number[];
}

/**
 * The work a request repeats: the sample's count without the compiling V8 did in its stretch (under
 * callgrind V8 recompiles inside measured stretches; deoptimisations stay counted). NaN for no sample.
 */
export function requestWork(sample: InstructionSample | undefined): number {
  return sample === undefined ? NaN : sample.instructions - sample.compiler;
}

export interface InstructionRun {
  readonly warmup: number;
  readonly rewarm: number;
  readonly measured: number;
  readonly stretches: number;
  /** One list of samples per repetition: the second shows how repeatable the first is. */
  readonly runs: readonly (readonly InstructionSample[])[];
}

export interface InstructionOptions {
  readonly warmup: number;
  /** Requests between the full collection and the measured stretch. */
  readonly rewarm: number;
  readonly measured: number;
  /**
   * Stretches the measured requests are split into (each `measured / stretches` requests), each
   * after a minor collection; a sample is the stretch of least work: the early stretches of a
   * scenario still run code V8 has not finished optimising (and compiling leaves residue the
   * compile entry points do not cover), the settled one is the work every later request repeats.
   */
  readonly stretches: number;
  readonly repetitions: number;
  /** Processes under valgrind at once. */
  readonly parallel: number;
  readonly frameworks: readonly string[];
  /** Scenario ids to count (default: every scored scenario) and contender ids (default: all of the frameworks). */
  readonly scenarios?: readonly string[] | undefined;
  readonly contenders?: readonly string[] | undefined;
  readonly log: (line: string) => void;
}

/**
 * V8 flags for a process under callgrind: the heap's sizes fixed, so that no collection is
 * scheduled by the clock. V8 grows the young generation and the heap from measured allocation and
 * collection speeds, and its memory reducer fires on a timer, all of which run slower, and
 * differently, under valgrind on a loaded machine. A 16 MiB young generation also means a
 * measured stretch, after the minor collection before it, has room for its requests to allocate.
 */
export const STEADY_HEAP = ["--min-semi-space-size=16", "--max-semi-space-size=16", "--heap-growing-percent=50", "--no-memory-reducer"] as const;

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
 * Bundles `entry` (a script run under valgrind, so no TypeScript loader runs there) into `dir`,
 * next to bench/ so that its imports resolve to the project's node_modules. The path is the same
 * every time: a different path length shifts the heap, and with it when a garbage collection lands
 * in a measured stretch.
 */
export async function bundleForCallgrind(entry: URL, dir: URL): Promise<{ file: string; cleanup(): void }> {
  const folder = fileURLToPath(dir);
  rmSync(folder, { recursive: true, force: true });
  mkdirSync(folder);
  const file = join(folder, basename(fileURLToPath(entry)).replace(/\.ts$/, ".mjs"));
  await build({
    entryPoints: [fileURLToPath(entry)],
    outfile: file,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    packages: "external",
    logLevel: "error",
  });
  return { file, cleanup: () => rmSync(folder, { recursive: true, force: true }) };
}

/** The callgrind dump files of a run, in dump order. */
export function dumpFiles(dir: string): string[] {
  return readdirSync(dir)
    .map((name) => /^cg\.out\.(\d+)$/.exec(name))
    .filter((match): match is RegExpExecArray => match !== null)
    .sort((a, b) => Number(a[1]) - Number(b[1]))
    .map((match) => join(dir, match[0]));
}

/** The `summary:` (total instructions) of a callgrind dump file. */
export function dumpTotal(file: string): number {
  const text = readFileSync(file, "utf8");
  const summary = /^summary:\s*(\d+)/m.exec(text) ?? /^totals:\s*(\d+)/m.exec(text);
  return summary ? Number(summary[1]) : 0;
}

/** V8's runtime entries into its compilers; their inclusive cost is the compiling done in a dump. */
const COMPILER_ENTRIES = /^\s*([\d,]+) \(.*?\)\s+\S*:v8::internal::Runtime_(?:CompileOptimized|CompileLazy)\(/;

/** Instructions spent under V8's compile entry points in a dump (callgrind_annotate's inclusive costs). */
export async function compilerInstructions(file: string): Promise<number> {
  const { stdout } = await run("callgrind_annotate", ["--inclusive=yes", "--threshold=100", file], { maxBuffer: 256 * 1024 * 1024 });
  let total = 0;
  for (const line of stdout.split("\n")) {
    const match = COMPILER_ENTRIES.exec(line);
    if (match) total += Number((match[1] as string).replaceAll(",", ""));
  }
  return total;
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
        ...STEADY_HEAP,
        "--random-seed=42",
        "--hash-seed=42",
        worker,
        contender.id,
        String(options.warmup),
        String(options.rewarm),
        String(options.measured),
        String(options.stretches),
        ...scenarios,
      ],
      { maxBuffer: 16 * 1024 * 1024, env: { PATH: process.env.PATH ?? "", NODE_ENV: "production" } },
    );
    // Dumps: 1 start-up, 2 calibration, then per scenario and stretch: what came before it (the
    // scenario's set-up, warm-up, collection and re-warm, or the last stretch's minor collection),
    // then the stretch itself.
    const files = dumpFiles(dir);
    const expected = 2 + 2 * options.stretches * scenarios.length;
    if (files.length !== expected) throw new Error(`callgrind wrote ${files.length} dumps for ${contender.id}; expected ${expected}`);
    const marker = dumpTotal(files[1]!);
    const perStretch = options.measured / options.stretches;
    const samples: InstructionSample[] = [];
    for (const [index, scenario] of scenarios.entries()) {
      const counted: { instructions: number; compiler: number }[] = [];
      for (let stretch = 0; stretch < options.stretches; stretch++) {
        const file = files[2 + 2 * (index * options.stretches + stretch) + 1]!;
        counted.push({ instructions: (dumpTotal(file) - marker) / perStretch, compiler: (await compilerInstructions(file)) / perStretch });
      }
      const works = counted.map((count) => count.instructions - count.compiler);
      const settled = counted[works.indexOf(Math.min(...works))]!;
      samples.push({
        contender: contender.id,
        scenario,
        instructions: Math.round(settled.instructions),
        compiler: Math.round(settled.compiler),
        stretches: works.map(Math.round),
      });
    }
    return samples;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Counts every contender of the chosen frameworks on every scored scenario (or the chosen ones), `repetitions` times. */
export async function runInstructions(options: InstructionOptions): Promise<InstructionRun> {
  const list = (await contenders()).filter((contender) => options.frameworks.includes(contender.framework) && (options.contenders?.includes(contender.id) ?? true));
  const scenarios = options.scenarios ?? SCENARIOS.filter((scenario) => scenario.scored || scenario.id === MANY_ORIGINS_BASELINE).map((scenario) => scenario.id);
  const worker = await bundleForCallgrind(new URL("./worker.ts", import.meta.url), new URL("./.worker/", import.meta.url));
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
    return { warmup: options.warmup, rewarm: options.rewarm, measured: options.measured, stretches: options.stretches, runs };
  } finally {
    worker.cleanup();
  }
}
