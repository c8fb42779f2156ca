#!/usr/bin/env node
// The `crossgate` command: doctor, check and explain. Exit codes are shared: 0 allowed/valid,
// 1 blocked/invalid, 2 usage, configuration or network error.
import { realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { runCheckCommand } from "./check.ts";
import { runDoctorCommand } from "./doctor.ts";
import { runExplainCommand } from "./explain.ts";
import { EXIT, processIo, type CliIo } from "./io.ts";

export const MAIN_USAGE = `Usage: crossgate <command> [options]

Commands:
  doctor <url> --origin <origin>   replay a cross-origin request as a browser and explain the verdict
  check [--env | --django <module> | <file>]
                                   validate a CORS configuration as a server does at start-up
  explain [--env | --django <module> | <file>] --origin <origin>
                                   what a configuration answers to a request, without a server

Run crossgate <command> --help for its options.`;

/** Runs the CLI with `argv` (without node and the script path); returns the exit code. */
export async function main(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case "doctor":
      return runDoctorCommand(rest, io);
    case "check":
      return runCheckCommand(rest, io);
    case "explain":
      return runExplainCommand(rest, io);
    case "-h":
    case "--help":
    case "help":
      io.stdout.write(`${MAIN_USAGE}\n`);
      return EXIT.ok;
    default:
      io.stderr.write(`crossgate: ${command === undefined ? "missing a command" : `unknown command ${JSON.stringify(command)}`}.\n\n${MAIN_USAGE}\n`);
      return EXIT.usage;
  }
}

// Run only when executed (`crossgate ...`, `node dist/cli/main.js`), not when imported by tests.
if (isEntryPoint()) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`crossgate: unexpected error: ${(error as Error)?.stack ?? String(error)}\n`);
      process.exitCode = EXIT.usage;
    },
  );
}

function isEntryPoint(): boolean {
  const script = process.argv[1];
  if (script === undefined) return false;
  try {
    return realpathSync(script) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}
