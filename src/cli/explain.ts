// `crossgate explain [<file> | --env] --origin ... --method ... [--header ...]`: what a given CORS
// configuration answers to a request, with no server. The doctor's engine runs against the
// policy's own plans, so the report reads exactly like `crossgate doctor`'s.
import { parseArgs } from "node:util";
import { createCorsPolicy, type CorsPolicy } from "../core/cors/policy.ts";
import { isConfigError } from "../core/errors.ts";
import { formatReport } from "../doctor/format.ts";
import type { HeaderPair } from "../doctor/http-tokens.ts";
import { parseHeaderLine } from "../doctor/input.ts";
import { policyTransport } from "../doctor/policy-transport.ts";
import { doctor, DoctorUsageError } from "../doctor/probe.ts";
import { EXIT, stylerFor, type CliIo } from "./io.ts";
import { ConfigLoadError, loadConfig } from "./load-config.ts";
import { SOURCE_OPTIONS, configSource } from "./source-args.ts";

/** The server URL explain pretends to call; `.invalid` never resolves, and nothing is sent. */
export const EXPLAIN_SERVER = "https://server.invalid";

export const EXPLAIN_USAGE = `Usage: crossgate explain <file> --origin <origin> [options]
       crossgate explain --env --origin <origin> [options]
       crossgate explain --django <settings module> [--pythonpath DIR] [--python PATH] --origin <origin> [options]

Says what a CORS configuration would answer to a browser's request, without a server: the
preflight and response headers it sends, and whether the browser would allow the request.

  <file> | --env | --django <module>
                                  the configuration, as for crossgate check (--pythonpath and
                                  --python go with --django)
  -o, --origin <origin>           the page's origin (required)
  -X, --method <method>           request method (default GET)
  -H, --header 'Name: value'      a header the script sets (repeatable)
      --credentials               the script uses credentials: "include"
      --path <path>               request path and query, for urlFilter (default /)
      --json                      print the machine-readable report (version 1)
  -h, --help                      show this help

Exit codes: 0 the browser would allow it, 1 it would block it, 2 usage or configuration error.`;

/** Runs `crossgate explain` with `args` (after the subcommand name); returns the exit code. */
export async function runExplainCommand(args: readonly string[], io: CliIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...args],
      allowPositionals: true,
      strict: true,
      options: {
        ...SOURCE_OPTIONS,
        origin: { type: "string", short: "o" },
        method: { type: "string", short: "X" },
        header: { type: "string", short: "H", multiple: true },
        credentials: { type: "boolean" },
        path: { type: "string" },
        json: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (error) {
    return usage(io, [(error as Error).message], args.includes("--json"));
  }
  const { values, positionals } = parsed;
  const json = values.json === true;
  if (values.help === true) {
    io.stdout.write(`${EXPLAIN_USAGE}\n`);
    return EXIT.ok;
  }
  const problems: string[] = [];
  const from = configSource(values, positionals, io.env);
  if (typeof from === "string") problems.push(from);
  if (values.origin === undefined) problems.push("Missing --origin <the page's origin>.");
  const path = values.path ?? "/";
  if (!path.startsWith("/")) problems.push(`--path must start with "/", got ${JSON.stringify(path)}.`);
  const headers: HeaderPair[] = [];
  for (const line of values.header ?? []) {
    const pair = parseHeaderLine(line);
    if (pair === null) problems.push(`--header ${JSON.stringify(line)} must be written 'Name: value'.`);
    else headers.push(pair);
  }
  if (problems.length > 0) return usage(io, problems, json);

  let policy: CorsPolicy;
  let source: string;
  try {
    const loaded = await loadConfig(from as Exclude<typeof from, string>);
    source = loaded.source;
    policy = createCorsPolicy({ ...loaded.options, logger: { warn: () => {} } });
  } catch (error) {
    if (isConfigError(error)) return usage(io, [error.message, "Run crossgate check for details."], json);
    if (error instanceof ConfigLoadError) return usage(io, [error.message.replace(/^crossgate: /, "")], json);
    throw error;
  }

  try {
    const diagnosed = await doctor(
      { url: new URL(path, EXPLAIN_SERVER).href, origin: values.origin as string, method: values.method ?? "GET", headers, credentials: values.credentials === true },
      { transport: policyTransport(policy), errorProbe: false },
    );
    // No application runs here, so there is no CSRF answer to judge.
    const report = { ...diagnosed, csrf: null };
    if (json) {
      io.stdout.write(`${JSON.stringify({ ...report, configuration: source }, null, 2)}\n`);
    } else {
      const style = stylerFor(io.stdout, io.env);
      io.stdout.write(`${style.dim(`crossgate explain: what ${source} answers (no request is sent)`)}\n${formatReport(report, style)}\n`);
    }
    return report.verdict === "allowed" ? EXIT.ok : report.verdict === "blocked" ? EXIT.blocked : EXIT.usage;
  } catch (error) {
    if (error instanceof DoctorUsageError) return usage(io, [...error.problems], json);
    throw error;
  }
}

function usage(io: CliIo, problems: readonly string[], json: boolean): number {
  if (json) io.stdout.write(`${JSON.stringify({ version: 1, error: { kind: "usage", problems } }, null, 2)}\n`);
  else io.stderr.write(`crossgate explain: ${problems.join("\n  ")}\n\n${EXPLAIN_USAGE}\n`);
  return EXIT.usage;
}
