// The demo's configuration: `.env.example` gives the defaults, `.env` and the environment override
// them, and crossgate's `fromEnv` turns the Django-named variables into validated options.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { createCorsPolicy, createCsrfPolicy, fromEnv, type CorsPolicy, type CsrfOptions, type CsrfPolicy } from "../../src/index.ts";

/** Environment variables, as in `process.env`. */
export type Environment = Readonly<Record<string, string | undefined>>;

const repository = join(import.meta.dirname, "../..");

/** Reads `KEY=value` lines (`#` comments, optional quotes), as dotenv files are written. */
export function parseDotenv(text: string): Record<string, string> {
  const values: Record<string, string> = {};
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    const match = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line);
    if (!match) continue;
    let value = match[2] ?? "";
    const quoted = /^(["'])(.*)\1$/.exec(value);
    value = quoted ? (quoted[2] ?? "") : value.replace(/\s+#.*$/, "");
    values[match[1]!] = value;
  }
  return values;
}

function readDotenv(path: string): Record<string, string> {
  return existsSync(path) ? parseDotenv(readFileSync(path, "utf8")) : {};
}

/** The variables of `.env.example` alone. */
export function exampleEnvironment(): Record<string, string> {
  return readDotenv(join(repository, ".env.example"));
}

/** `.env.example`, then `.env`, then `overrides` (by default `process.env`): later wins. */
export function demoEnvironment(overrides: Environment = process.env): Environment {
  return { ...exampleEnvironment(), ...readDotenv(join(repository, ".env")), ...overrides };
}

/** Reads a port variable; `fallback` when unset. */
export function portFrom(env: Environment, name: string, fallback: number): number {
  const value = env[name]?.trim();
  if (value === undefined || value === "") return fallback;
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65535) throw new Error(`crossgate demo: ${name}=${JSON.stringify(value)} is not a port number (0-65535)`);
  return port;
}

/** The API's policies, built once from the environment. */
export interface DemoPolicies {
  readonly cors: CorsPolicy;
  readonly csrf: CsrfPolicy;
}

/**
 * Builds the CORS policy and the CSRF guard with `fromEnv`; the guard trusts the CORS origins.
 * `sessionId` binds CSRF tokens to the demo's login session.
 */
export function demoPolicies(env: Environment, sessionId: NonNullable<CsrfOptions["sessionId"]>): DemoPolicies {
  const settings = fromEnv(crossgateVariables(env), { csrf: { sessionId } });
  const cors = createCorsPolicy(settings.cors);
  // One CORS policy object for both, so a `reconfigure` would apply to the CSRF trust list too.
  const csrf = createCsrfPolicy({ ...settings.csrf, cors });
  return { cors, csrf };
}

/** Only the variables `fromEnv` reads; the shell's unrelated variables stay out of it. */
function crossgateVariables(env: Environment): Environment {
  return Object.fromEntries(Object.entries(env).filter(([name]) => name.startsWith("CORS_") || name.startsWith("CSRF_") || name === "SECRET_KEY"));
}
