// `crossgate doctor <url> --origin <origin> …`: replays a request as a browser would and explains
// the verdict. Exit 0 allowed, 1 blocked, 2 usage or network error.
import { parseArgs } from "node:util";
import { inputFromBrowserError, parseBrowserError } from "../doctor/browser-error.ts";
import { formatReport } from "../doctor/format.ts";
import type { HeaderPair } from "../doctor/http-tokens.ts";
import { parseHeaderLine, type DoctorInput } from "../doctor/input.ts";
import { doctor, DoctorUsageError, type DoctorOptions } from "../doctor/probe.ts";
import type { DoctorReport, Warning } from "../doctor/report.ts";
import type { Transport } from "../doctor/engine.ts";
import { parseServerKind, SERVER_KINDS, type ServerKind } from "../doctor/server-kind.ts";
import { parseResolveRule, type ResolveRule } from "../doctor/resolve.ts";
import { EXIT, stylerFor, type CliIo } from "./io.ts";

export const DOCTOR_USAGE = `Usage: crossgate doctor <url> --origin <origin> [options]
       crossgate doctor <url> --page <page url> [options]
       crossgate doctor --from-browser-error '<console message>' [options]

Replays a cross-origin request exactly as a browser makes it (preflight, request, redirects)
and explains whether the browser would let the page read the response, and why not.

Options:
  -o, --origin <origin>            The page's origin, e.g. http://localhost:5173
      --page <url>                 The page making the request: read its Content-Security-Policy
                                   (connect-src) and where it is served; its origin is the default
                                   --origin
  -X, --method <method>            Request method (default GET)
  -H, --header 'Name: value'       A header the script sets (repeatable)
      --credentials                The script uses credentials: "include"; also reports, per
                                   browser, whether each cookie the responses set comes back
      --cookie 'name=value'        A cookie the page's browser sends (repeatable; implies
                                   --credentials), to replay the page's real request, e.g.
                                   --cookie 'csrftoken=…' -H 'X-CSRFToken: …'
      --server <kind>              Lead fixes in this server's language: django, crossgate,
                                   express, fastify, koa, hono (default: recognised from
                                   the responses)
      --login <url>                With --credentials: the page's login request, whose cookies
                                   the report covers (e.g. the session cookie)
      --login-method <method>      Method of the login request (default POST)
      --login-body <text>          Body of the login request (JSON gets application/json)
      --login-header 'Name: value' A header of the login request (repeatable)
      --resolve HOST:PORT:ADDRESS  Connect to ADDRESS for HOST:PORT (as curl's --resolve), for
                                   names that do not resolve yet (repeatable)
      --from-browser-error <text>  Take url, origin, method and headers from a Chrome, Firefox
                                   or Safari console message (flags given win)
      --json                       Print the machine-readable report (version 1)
      --timeout <ms>               Per-request timeout (default 10000)
      --insecure                   Accept any TLS certificate (self-signed dev servers)
      --no-error-probe             Do not GET a missing path to check error responses
      --no-extra-probes            Do not send the GET/OPTIONS requests that settle a cause
                                   or audit a credentialed response for reflected origins
      --strict                     Apply the Fetch standard where browsers are laxer today
                                   (Authorization covered by Access-Control-Allow-Headers: *)
  -h, --help                       Show this help

Exit codes: 0 the browser would allow it (even when cookies will be missing: see Cookies),
1 it would block it, 2 usage or network error.`;

/** Options for tests: a transport replacing node:http. */
export interface DoctorCommandHooks {
  readonly transport?: Transport;
}

/** Runs `crossgate doctor` with `args` (after the subcommand name) and returns the exit code. */
export async function runDoctorCommand(args: readonly string[], io: CliIo, hooks: DoctorCommandHooks = {}): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...args],
      allowPositionals: true,
      strict: true,
      options: {
        origin: { type: "string", short: "o" },
        page: { type: "string" },
        method: { type: "string", short: "X" },
        header: { type: "string", short: "H", multiple: true },
        credentials: { type: "boolean" },
        cookie: { type: "string", multiple: true },
        server: { type: "string" },
        "no-extra-probes": { type: "boolean" },
        login: { type: "string" },
        "login-method": { type: "string" },
        "login-body": { type: "string" },
        "login-header": { type: "string", multiple: true },
        resolve: { type: "string", multiple: true },
        "from-browser-error": { type: "string" },
        json: { type: "boolean" },
        timeout: { type: "string" },
        insecure: { type: "boolean" },
        "no-error-probe": { type: "boolean" },
        strict: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (error) {
    return usage(io, [(error as Error).message], args.includes("--json"));
  }
  const { values, positionals } = parsed;
  const json = values.json === true;
  if (values.help === true) {
    io.stdout.write(`${DOCTOR_USAGE}\n`);
    return EXIT.ok;
  }
  if (positionals.length > 1) return usage(io, [`Expected one URL, got ${positionals.length}: ${positionals.join(" ")}.`], json);

  const problems: string[] = [];
  const headers: HeaderPair[] = [];
  for (const line of values.header ?? []) {
    const pair = parseHeaderLine(line);
    if (pair === null) problems.push(`--header ${JSON.stringify(line)} must be written 'Name: value'.`);
    else headers.push(pair);
  }
  let timeoutMs: number | undefined;
  if (values.timeout !== undefined) {
    timeoutMs = Number(values.timeout);
    if (!Number.isInteger(timeoutMs) || timeoutMs <= 0) problems.push(`--timeout must be a positive number of milliseconds, got ${JSON.stringify(values.timeout)}.`);
  }
  let server: ServerKind | undefined;
  if (values.server !== undefined) {
    const kind = parseServerKind(values.server);
    if (kind === null) problems.push(`--server must be one of ${SERVER_KINDS.filter((k) => k !== "unknown").join(", ")}, got ${JSON.stringify(values.server)}.`);
    else server = kind;
  }
  const cookie = values.cookie !== undefined && values.cookie.length > 0 ? values.cookie.join("; ") : undefined;
  const resolve: ResolveRule[] = [];
  for (const text of values.resolve ?? []) {
    const rule = parseResolveRule(text);
    if (typeof rule === "string") problems.push(rule);
    else resolve.push(rule);
  }
  if (values.login === undefined && (values["login-method"] ?? values["login-body"] ?? values["login-header"]) !== undefined) {
    problems.push("--login-method, --login-body and --login-header need --login <url>.");
  }
  if (problems.length > 0) return usage(io, problems, json);

  const inputWarnings: Warning[] = [];
  let input: DoctorInput;
  let browserRule: string | null = null;
  const fromBrowser = values["from-browser-error"];
  if (fromBrowser !== undefined) {
    const message = parseBrowserError(fromBrowser);
    if (message === null) {
      return usage(io, ["--from-browser-error: no Chrome, Firefox or Safari CORS message found in the text given."], json);
    }
    const rebuilt = inputFromBrowserError(message, {
      ...(positionals[0] !== undefined ? { url: positionals[0] } : {}),
      ...(values.origin !== undefined ? { origin: values.origin } : {}),
      ...(values.method !== undefined ? { method: values.method } : {}),
      ...(headers.length > 0 ? { headers } : {}),
      ...(values.credentials === true ? { credentials: true } : {}),
    });
    if (!rebuilt.ok) return usage(io, rebuilt.problems, json);
    input = values.page !== undefined ? { ...rebuilt.input, page: values.page } : rebuilt.input;
    browserRule = message.rule;
    for (const note of rebuilt.notes) inputWarnings.push({ id: "input-assumed", message: note });
  } else {
    const url = positionals[0];
    if (url === undefined) return usage(io, ["Missing the URL to check."], json);
    if (values.origin === undefined && values.page === undefined) {
      return usage(io, ["Missing --origin <the page's origin>, e.g. --origin http://localhost:5173 (or --page <the page's URL>)."], json);
    }
    input = {
      url,
      ...(values.origin !== undefined ? { origin: values.origin } : {}),
      ...(values.page !== undefined ? { page: values.page } : {}),
      method: values.method ?? "GET",
      headers,
      credentials: values.credentials === true,
    };
  }
  if (cookie !== undefined) input = { ...input, cookie };

  const options: DoctorOptions = {
    ...(timeoutMs !== undefined ? { timeoutMs } : {}),
    ...(values.insecure === true ? { insecure: true } : {}),
    errorProbe: values["no-error-probe"] !== true,
    strict: values.strict === true,
    extraProbes: values["no-extra-probes"] !== true,
    ...(server !== undefined ? { server } : {}),
    ...(hooks.transport !== undefined ? { transport: hooks.transport } : {}),
    ...(resolve.length > 0 ? { resolve } : {}),
    ...(values.login !== undefined
      ? {
          login: {
            url: values.login,
            ...(values["login-method"] !== undefined ? { method: values["login-method"] } : {}),
            ...(values["login-body"] !== undefined ? { body: values["login-body"] } : {}),
            headers: values["login-header"] ?? [],
          },
        }
      : {}),
  };
  let report: DoctorReport;
  try {
    report = await doctor(input, options);
  } catch (error) {
    if (error instanceof DoctorUsageError) return usage(io, [...error.problems], json);
    throw error;
  }
  if (inputWarnings.length > 0 || (browserRule !== null && browserRule !== report.rule)) {
    const extra: Warning[] = [...inputWarnings];
    if (browserRule !== null && browserRule !== report.rule) {
      extra.push({
        id: "browser-reported-other-rule",
        message: `The browser reported ${browserRule}; the doctor now finds ${report.rule ?? "no failure"}. The server may have changed since, or the page's request differs (method, headers, credentials).`,
      });
    }
    report = { ...report, warnings: [...extra, ...report.warnings] };
  }

  if (json) io.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  else io.stdout.write(`${formatReport(report, stylerFor(io.stdout, io.env))}\n`);
  return report.verdict === "allowed" ? EXIT.ok : report.verdict === "blocked" ? EXIT.blocked : EXIT.usage;
}

function usage(io: CliIo, problems: readonly string[], json: boolean): number {
  if (json) {
    io.stdout.write(`${JSON.stringify({ version: 1, error: { kind: "usage", problems } }, null, 2)}\n`);
  } else {
    io.stderr.write(`crossgate doctor: ${problems.join("\n  ")}\n\n${DOCTOR_USAGE}\n`);
  }
  return EXIT.usage;
}
