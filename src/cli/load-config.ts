// Finds the CORS configuration `check` and `explain` work on: the environment, a Django project's
// settings as Django evaluates them, or a file holding crossgate options or django-cors-headers
// settings (JSON, JavaScript module, or settings.py).
import { readFile } from "node:fs/promises";
import { extname, relative, resolve, sep } from "node:path";
import { pathToFileURL } from "node:url";
import type { CorsOptions } from "../core/cors/options.ts";
import { ConfigError, type ConfigWarning } from "../core/errors.ts";
import { fromDjangoSettings, type CrossgateSettings } from "../core/settings/django.ts";
import { fromEnv } from "../core/settings/env.ts";
import { readDjangoProject, type DjangoProject } from "./django-project.ts";
import { ConfigLoadError } from "./load-error.ts";
import { readPythonSettings } from "./python-settings.ts";

/** A configuration read, not yet validated as a policy. */
export interface LoadedConfig {
  readonly options: CorsOptions;
  /** Where it came from, for messages: `"the environment"`, `"cors.json (crossgate options)"`. */
  readonly source: string;
  /** For Django settings (any source): the settings read, validated, and their warnings named by setting. */
  readonly django?: {
    readonly settings: Readonly<Record<string, unknown>>;
    readonly result: CrossgateSettings;
    readonly warnings: readonly ConfigWarning[];
    /** Lines about the project itself (`SECRET_KEY: set (not shown)`), for `check`. */
    readonly notes: readonly string[];
    /** With --django: whether the project sets SECRET_KEY (the value is never read out of Python). */
    readonly secretKeySet?: boolean;
  };
}

/** Where `check` and `explain` read the configuration from. */
export type ConfigSource =
  | { readonly env: Readonly<Record<string, string | undefined>> }
  | { readonly file: string }
  | { readonly django: DjangoProject; readonly env: Readonly<Record<string, string | undefined>> };

/** Settings warnings are returned, not logged: the commands print them themselves. */
const QUIET = { cors: { logger: { warn: () => {} } } };

/**
 * Reads the configuration from `env` (`--env`), a Django project (`--django`) or `file`. Django
 * settings go through `fromDjangoSettings`/`fromEnv`, which validate them and throw a `ConfigError`
 * naming each setting.
 */
export async function loadConfig(from: ConfigSource): Promise<LoadedConfig> {
  if ("django" in from) {
    const project = await readDjangoProject(from.django, from.env);
    const loaded = djangoConfig(project.settings, `${from.django.module} (Django ${project.djangoVersion} settings, imported by ${project.python})`);
    const secret = project.secretKeySet ? "SECRET_KEY: set (its value is never shown)" : "SECRET_KEY: not set; the CSRF guard needs it to sign tokens";
    return { ...loaded, django: { ...loaded.django!, notes: [secret], secretKeySet: project.secretKeySet } };
  }
  if ("env" in from) {
    const result = fromEnv(from.env, QUIET);
    const settings = Object.fromEntries(Object.entries(from.env).filter(([name, value]) => value !== undefined && /^(?:CORS|CSRF|CROSSGATE)_/.test(name)));
    return { options: result.cors, source: "the environment (django-cors-headers setting names)", django: { settings, result, warnings: result.warnings, notes: [] } };
  }
  const path = resolve(from.file);
  const extension = extname(path).toLowerCase();
  if (extension === ".py") {
    const text = await read(path, from.file);
    const { settings, problems } = readPythonSettings(text);
    if (problems.length > 0) {
      throw new ConfigLoadError(
        `crossgate: cannot read ${from.file}:\n  - ${problems.join("\n  - ")}\n` +
          `To let Django evaluate it (environment variables, DEBUG switches, imports), run: crossgate check --django ${moduleNameOf(path)}`,
      );
    }
    return djangoConfig(settings, `${from.file} (Django settings)`);
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
    return djangoConfig(settings, `${file} (Django settings)`);
  }
  const cors = record["cors"];
  if (typeof cors === "object" && cors !== null && !Array.isArray(cors)) return { options: cors as CorsOptions, source: `${file} (crossgate options, "cors" key)` };
  return { options: record as CorsOptions, source: `${file} (crossgate options)` };
}

function djangoConfig(settings: Record<string, unknown>, source: string): LoadedConfig {
  const result = fromDjangoSettings(settings, QUIET);
  return { options: result.cors, source, django: { settings, result, warnings: result.warnings, notes: [] } };
}

/** `mysite/settings.py` (from the current directory) → `mysite.settings`, for the --django hint. */
function moduleNameOf(path: string): string {
  const inside = relative(process.cwd(), path);
  const name = (inside.startsWith("..") ? path.split(sep).slice(-2).join(sep) : inside).replace(/\.py$/, "");
  return name.split(sep).filter((part) => part !== "").join(".");
}

async function read(path: string, shown: string): Promise<string> {
  try {
    return await readFile(path, "utf8");
  } catch (error) {
    throw new ConfigLoadError(`crossgate: cannot read ${shown}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}

export { ConfigError, ConfigLoadError };
