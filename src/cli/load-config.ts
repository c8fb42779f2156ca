// Finds the CORS configuration `check` and `explain` work on: the environment, or a file holding
// crossgate options or django-cors-headers settings (JSON, JavaScript module, or settings.py).
import { readFile } from "node:fs/promises";
import { extname, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { CorsOptions } from "../core/cors/options.ts";
import { ConfigError } from "../core/errors.ts";
import { fromDjangoSettings } from "../core/settings/django.ts";
import { fromEnv } from "../core/settings/env.ts";
import { readPythonSettings } from "./python-settings.ts";

/** A configuration read, not yet validated as a policy. */
export interface LoadedConfig {
  readonly options: CorsOptions;
  /** Where it came from, for messages: `"the environment"`, `"cors.json (crossgate options)"`. */
  readonly source: string;
}

/** The file could not be read as a configuration at all (missing, not JSON, no export). Exit code 2. */
export class ConfigLoadError extends Error {
  override readonly name = "ConfigLoadError";
}

/**
 * Reads the configuration from `env` (`--env`) or from `file`. Django settings go through
 * `fromDjangoSettings`/`fromEnv`, which validate them and throw a `ConfigError` naming each setting.
 */
export async function loadConfig(from: { readonly env: Readonly<Record<string, string | undefined>> } | { readonly file: string }): Promise<LoadedConfig> {
  if ("env" in from) return { options: fromEnv(from.env).cors, source: "the environment (django-cors-headers setting names)" };
  const path = resolve(from.file);
  const extension = extname(path).toLowerCase();
  if (extension === ".py") {
    const text = await read(path, from.file);
    const { settings, problems } = readPythonSettings(text);
    if (problems.length > 0) throw new ConfigLoadError(`crossgate: cannot read ${from.file}:\n  - ${problems.join("\n  - ")}`);
    return { options: fromDjangoSettings(settings).cors, source: `${from.file} (Django settings)` };
  }
  let value: unknown;
  if (extension === ".js" || extension === ".mjs" || extension === ".cjs") {
    let module: Record<string, unknown>;
    try {
      module = (await import(pathToFileURL(path).href)) as Record<string, unknown>;
    } catch (error) {
      throw new ConfigLoadError(`crossgate: cannot load ${from.file}: ${(error as Error).message}`);
    }
    // `export default {...}`, `module.exports = {...}`, or named exports (`export const CORS_ALLOWED_ORIGINS = [...]`).
    value = module["default"] !== undefined ? module["default"] : Object.fromEntries(Object.entries(module).filter(([key]) => key !== "default"));
  } else {
    const text = await read(path, from.file);
    try {
      value = JSON.parse(text);
    } catch (error) {
      throw new ConfigLoadError(`crossgate: ${from.file} is not valid JSON: ${(error as Error).message}`);
    }
  }
  return classify(value, from.file);
}

/** Django settings if any key is a `CORS_*` name; `{ cors: {...} }` or plain crossgate options otherwise. */
function classify(value: unknown, file: string): LoadedConfig {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new ConfigLoadError(`crossgate: ${file} must hold an object of crossgate options or Django CORS_* settings.`);
  }
  const record = value as Record<string, unknown>;
  if (Object.keys(record).some((key) => key.startsWith("CORS_"))) {
    const settings = Object.fromEntries(Object.entries(record).filter(([key]) => /^[A-Z][A-Z0-9_]*$/.test(key)));
    return { options: fromDjangoSettings(settings).cors, source: `${file} (Django settings)` };
  }
  const cors = record["cors"];
  if (typeof cors === "object" && cors !== null && !Array.isArray(cors)) return { options: cors as CorsOptions, source: `${file} (crossgate options, "cors" key)` };
  return { options: record as CorsOptions, source: `${file} (crossgate options)` };
}

async function read(path: string, shown: string): Promise<string> {
  try {
    return await readFile(path, "utf8");
  } catch (error) {
    throw new ConfigLoadError(`crossgate: cannot read ${shown}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}

export { ConfigError };
