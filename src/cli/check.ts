// `crossgate check [--env | --django <module> | <file>]`: validates a CORS configuration offline with
// exactly the validation a server runs at start-up (`compileCors`, behind `createCorsPolicy`).
// Exit 0 valid (warnings included), 1 invalid, 2 usage or unreadable configuration.
import { parseArgs } from "node:util";
import { compileCors } from "../core/cors/compile.ts";
import type { CorsOptions } from "../core/cors/options.ts";
import { describeValue, formatWarning, isConfigError, type ConfigWarning } from "../core/errors.ts";
import { EXIT, stylerFor, type CliIo } from "./io.ts";
import { ConfigLoadError, loadConfig } from "./load-config.ts";
import { describeOptions } from "./describe-options.ts";
import { optionsAsJson, settingsAsEnvLines } from "./print-options.ts";
import { SOURCE_OPTIONS, SOURCE_USAGE, configSource } from "./source-args.ts";

export const CHECK_USAGE = `Usage: crossgate check <file> [--json] [--print-options]
       crossgate check --env [--json] [--print-options]
       crossgate check --django <settings module> [--pythonpath DIR] [--python PATH] [--json] [--print-options]

Validates a CORS configuration with the same rules a server applies at start-up, and lists
every problem with its fix. Warnings (what is redundant) do not make it invalid.

${SOURCE_USAGE}
  --print-options        for Django settings: print the equivalent crossgate options as JSON,
                         then as .env lines for fromEnv() (a migration aid; SECRET_KEY is
                         never printed)
  --json                 print a machine-readable result (version 1)
  -h, --help             show this help

Exit codes: 0 valid, 1 invalid, 2 usage error or unreadable configuration.`;

const SILENT = { warn: () => {} };

/** Runs `crossgate check` with `args` (after the subcommand name); returns the exit code. */
export async function runCheckCommand(args: readonly string[], io: CliIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...args],
      allowPositionals: true,
      strict: true,
      options: { ...SOURCE_OPTIONS, json: { type: "boolean" }, "print-options": { type: "boolean" }, help: { type: "boolean", short: "h" } },
    });
  } catch (error) {
    return usage(io, (error as Error).message, args.includes("--json"));
  }
  const { values, positionals } = parsed;
  const json = values.json === true;
  if (values.help === true) {
    io.stdout.write(`${CHECK_USAGE}\n`);
    return EXIT.ok;
  }
  const from = configSource(values, positionals, io.env);
  if (typeof from === "string") return usage(io, from, json);

  let source = "django" in from ? from.django.module : "env" in from ? "the environment" : from.file;
  try {
    const loaded = await loadConfig(from);
    source = loaded.source;
    const compiled = compileCors({ ...loaded.options, logger: SILENT });
    // Settings readers report warnings under the settings' names; the compiled ones would repeat them.
    const warnings: readonly ConfigWarning[] = loaded.django?.warnings ?? compiled.warnings;
    const printOptions = values["print-options"] === true;
    if (printOptions && loaded.django === undefined) return usage(io, "--print-options needs Django settings (a settings.py, CORS_* names, --env or --django).", json);
    const options: CorsOptions = { ...compiled.options };
    const optionsJson = loaded.django === undefined ? undefined : optionsAsJson(loaded.django.result.cors, loaded.django.result.csrf);
    const envLines = loaded.django === undefined ? undefined : settingsAsEnvLines(loaded.django.settings, loaded.django.secretKeySet);
    if (json) {
      const result = {
        version: 1,
        valid: true,
        source,
        issues: [],
        warnings: warnings.map((warning) => ({ ...warning, value: warning.value === undefined ? undefined : describeValue(warning.value) })),
        ...(loaded.django !== undefined && loaded.django.notes.length > 0 ? { notes: loaded.django.notes } : {}),
        ...(printOptions ? { options: JSON.parse(optionsJson!) as unknown, env: envLines } : {}),
      };
      io.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
      return EXIT.ok;
    }
    // With --print-options, stdout holds only what to copy; the verdict goes to stderr.
    const out = printOptions ? io.stderr : io.stdout;
    const style = stylerFor(out, io.env);
    const lines = [...describeOptions(options), ...(loaded.django?.notes ?? [])];
    out.write(`${style.green("✓")} ${source}: valid.\n${lines.map((line) => `  ${line}`).join("\n")}\n`);
    for (const warning of warnings) out.write(`  ${style.yellow("!")} ${formatWarning(warning).replace(/^crossgate: /, "")}\n`);
    if (printOptions) io.stdout.write(`${optionsJson}\n\n# .env for fromEnv()\n${envLines!.join("\n")}\n`);
    return EXIT.ok;
  } catch (error) {
    if (isConfigError(error)) {
      if (json) {
        const issues = error.issues.map((issue) => ({ ...issue, value: describeValue(issue.value) }));
        io.stdout.write(`${JSON.stringify({ version: 1, valid: false, source, issues, warnings: [] }, null, 2)}\n`);
      } else {
        const style = stylerFor(io.stderr, io.env);
        io.stderr.write(`${style.red("✗")} ${source}: ${error.message}\n`);
      }
      return EXIT.blocked;
    }
    if (error instanceof ConfigLoadError) return usage(io, error.message.replace(/^crossgate: /, ""), json, false);
    throw error;
  }
}

function usage(io: CliIo, problem: string, json: boolean, showUsage = true): number {
  if (json) io.stdout.write(`${JSON.stringify({ version: 1, error: { kind: "usage", problems: [problem] } }, null, 2)}\n`);
  else io.stderr.write(`crossgate check: ${problem}\n${showUsage ? `\n${CHECK_USAGE}\n` : ""}`);
  return EXIT.usage;
}
