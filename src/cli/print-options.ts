// `check --print-options`: a Django configuration as crossgate options (JSON) and as `.env` lines
// that `fromEnv()` reads back to the same options. A migration aid: secrets are never printed.
import type { CorsOptions } from "../core/cors/options.ts";
import type { CsrfOptions } from "../core/csrf/options.ts";
import { CORS_SETTING_NAMES } from "../core/settings/cors-settings.ts";
import { CROSSGATE_CSRF_SETTING_NAMES, CSRF_SETTING_NAMES } from "../core/settings/django-csrf.ts";

/** Settings whose lists may hold commas (regexes): always written as a JSON array. */
const REGEX_LISTS = new Set(["CORS_ALLOWED_ORIGIN_REGEXES", "CORS_ORIGIN_REGEX_WHITELIST"]);

/**
 * The crossgate options as JSON: `{ cors, csrf }`, without the logger, the secret, or the CORS
 * options repeated inside `csrf`. A RegExp (`urlFilter`) is written as its literal, `"/^\\/api\\//"`.
 */
export function optionsAsJson(cors: CorsOptions, csrf: CsrfOptions): string {
  const { logger: _logger, ...corsShown } = cors;
  const { cors: _cors, secret: _secret, secretFallbacks: _fallbacks, logger: _csrfLogger, ...csrfShown } = csrf;
  const cookie = csrfShown.cookie;
  const csrfOut = cookie !== undefined && Object.keys(cookie).length === 0 ? { ...csrfShown, cookie: undefined } : csrfShown;
  return JSON.stringify({ cors: corsShown, csrf: csrfOut }, (_key, value: unknown) => (value instanceof RegExp ? String(value) : value), 2);
}

/**
 * The settings as `.env` lines with django-cors-headers' names, in the forms `fromEnv` reads: lists
 * comma-separated (a JSON array when an item holds a comma or white space, and always for regexes),
 * booleans `true`/`false`, `None` for Python's None. Values that need it are single-quoted, as
 * `node --env-file` and dotenv read them. SECRET_KEY appears only as a comment.
 */
export function settingsAsEnvLines(settings: Readonly<Record<string, unknown>>, secretKeySet: boolean | undefined): string[] {
  const lines: string[] = [];
  for (const name of [...CORS_SETTING_NAMES, ...CSRF_SETTING_NAMES, ...CROSSGATE_CSRF_SETTING_NAMES]) {
    if (!Object.hasOwn(settings, name) || settings[name] === undefined) continue;
    const value = envValue(name, settings[name]);
    if (value !== undefined) lines.push(`${name}=${quote(value)}`);
  }
  if (secretKeySet === true) lines.push("# SECRET_KEY is set in the Django settings: give the same value here from where the project keeps it (never commit it).");
  else if (secretKeySet === false) lines.push("# SECRET_KEY is not set: the CSRF guard needs one to sign tokens.");
  return lines;
}

function envValue(name: string, value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (typeof value === "boolean") return value ? "true" : "false";
  if (typeof value === "number") return String(value);
  if (value === null) return name === "CSRF_COOKIE_SAMESITE" ? "false" : "None";
  if (Array.isArray(value) && value.every((item) => typeof item === "string")) {
    const items = value as string[];
    if (REGEX_LISTS.has(name) || items.some((item) => /[\s,]/.test(item) || item === "") || items.length === 0 || items[0]!.startsWith("[")) return JSON.stringify(items);
    return items.join(",");
  }
  return undefined;
}

/** Single quotes (taken literally by dotenv and `node --env-file`) unless the value is plain. */
function quote(value: string): string {
  if (/^[A-Za-z0-9_.,:/*@+=-]*$/.test(value)) return value;
  if (!value.includes("'") && !value.includes("\n")) return `'${value}'`;
  return JSON.stringify(value);
}
