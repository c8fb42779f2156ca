// `crossgate check [--env | <file>]`: validates a CORS configuration offline with exactly the
// validation a server runs at start-up (`createCorsPolicy`). Exit 0 valid, 1 invalid, 2 usage.
import { parseArgs } from "node:util";
import { createCorsPolicy } from "../core/cors/policy.ts";
import type { CorsOptions } from "../core/cors/options.ts";
import { describeValue, isConfigError } from "../core/errors.ts";
import { EXIT, stylerFor, type CliIo } from "./io.ts";
import { ConfigLoadError, loadConfig } from "./load-config.ts";
import { describeOptions } from "./describe-options.ts";

export const CHECK_USAGE = `Usage: crossgate check <file> [--json]
       crossgate check --env [--json]

Validates a CORS configuration with the same rules a server applies at start-up, and lists
every problem with its fix.

  <file>     crossgate options or django-cors-headers settings: a .json file, a .js/.mjs/.cjs
             module (default export or named exports), or a Django settings.py (CORS_* literals)
  --env      read django-cors-headers setting names from the environment (CORS_ALLOWED_ORIGINS=...)
  --json     print a machine-readable result (version 1)
  -h, --help show this help

Exit codes: 0 valid, 1 invalid, 2 usage error or unreadable file.`;

/** Runs `crossgate check` with `args` (after the subcommand name); returns the exit code. */
export async function runCheckCommand(args: readonly string[], io: CliIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: [...args], allowPositionals: true, strict: true, options: { env: { type: "boolean" }, json: { type: "boolean" }, help: { type: "boolean", short: "h" } } });
  } catch (error) {
    return usage(io, (error as Error).message, args.includes("--json"));
  }
  const { values, positionals } = parsed;
  const json = values.json === true;
  if (values.help === true) {
    io.stdout.write(`${CHECK_USAGE}\n`);
    return EXIT.ok;
  }
  const useEnv = values.env === true;
  if (useEnv === (positionals.length > 0) || positionals.length > 1) {
    return usage(io, useEnv ? "Give either --env or a file, not both." : "Give a configuration file or --env.", json);
  }

  const warnings: string[] = [];
  let source = useEnv ? "the environment" : (positionals[0] as string);
  try {
    const loaded = await loadConfig(useEnv ? { env: io.env } : { file: positionals[0] as string });
    source = loaded.source;
    const policy = createCorsPolicy({ ...loaded.options, logger: { warn: (message: string) => warnings.push(message) } });
    const options: CorsOptions = { ...policy.options };
    if (json) {
      io.stdout.write(`${JSON.stringify({ version: 1, valid: true, source, issues: [], warnings }, null, 2)}\n`);
    } else {
      const style = stylerFor(io.stdout, io.env);
      io.stdout.write(`${style.green("✓")} ${source}: valid.\n${describeOptions(options).map((line) => `  ${line}`).join("\n")}\n`);
      for (const warning of warnings) io.stdout.write(`  ${style.yellow("!")} ${warning}\n`);
    }
    return EXIT.ok;
  } catch (error) {
    if (isConfigError(error)) {
      if (json) {
        const issues = error.issues.map((issue) => ({ ...issue, value: describeValue(issue.value) }));
        io.stdout.write(`${JSON.stringify({ version: 1, valid: false, source, issues, warnings }, null, 2)}\n`);
      } else {
        const style = stylerFor(io.stderr, io.env);
        io.stderr.write(`${style.red("✗")} ${source}: ${error.message}\n`);
      }
      return EXIT.blocked;
    }
    if (error instanceof ConfigLoadError) return usage(io, error.message, json);
    throw error;
  }
}

function usage(io: CliIo, problem: string, json: boolean): number {
  if (json) io.stdout.write(`${JSON.stringify({ version: 1, error: { kind: "usage", problems: [problem] } }, null, 2)}\n`);
  else io.stderr.write(`crossgate check: ${problem}\n\n${CHECK_USAGE}\n`);
  return EXIT.usage;
}
