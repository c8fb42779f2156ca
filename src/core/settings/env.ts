import { IssueCollector } from "../errors.ts";
import { corsOptionsFromSettings, type SettingsReader } from "./cors-settings.ts";
import { csrfOptionsFromSettings } from "./django-csrf.ts";
import { settingsResult, type CrossgateSettings, type SettingsExtras } from "./django.ts";

type Environment = Readonly<Record<string, string | undefined>>;

const TRUE = new Set(["true", "1", "yes", "on"]);
const FALSE = new Set(["false", "0", "no", "off", ""]);

/**
 * Reads the django-cors-headers setting names from environment variables, as in a twelve-factor
 * deployment: lists are comma- or whitespace-separated (`CORS_ALLOWED_ORIGINS="https://a.com,https://b.com"`)
 * or a JSON array; regex lists are a JSON array or whitespace-separated (regexes may contain commas);
 * booleans are `true/false`, `1/0`, `yes/no` or `on/off` in any case; integers are digits.
 * The CSRF settings (`SECRET_KEY`, `CSRF_TRUSTED_ORIGINS`, `CSRF_COOKIE_*`, `CSRF_HEADER_NAME`) are read
 * the same way; `CSRF_COOKIE_SAMESITE=false` omits the attribute, `CSRF_COOKIE_AGE=None` makes a session cookie.
 * Throws one `ConfigError` naming each bad variable.
 * @example
 * const { cors, csrf } = fromEnv(); // reads process.env
 */
export function fromEnv(env: Environment = globalThis.process?.env ?? {}, extras: SettingsExtras = {}): CrossgateSettings {
  const issues = new IssueCollector();
  const reader = envReader(env, issues);
  const cors = corsOptionsFromSettings(reader, extras.cors ?? {}, issues);
  const csrf = csrfOptionsFromSettings({ reader, raw: (name) => rawEnv(env, name) }, cors, extras.csrf ?? {}, issues);
  issues.throwIfAny("environment");
  return settingsResult(env, cors, csrf, issues, extras);
}

function envReader(env: Environment, issues: IssueCollector): SettingsReader {
  const has = (name: string) => env[name] !== undefined;
  const json = (name: string, value: string): string[] | undefined => {
    try {
      const parsed: unknown = JSON.parse(value);
      if (Array.isArray(parsed) && parsed.every((item) => typeof item === "string")) return parsed;
    } catch {
      // reported below
    }
    issues.add("wrong-type", name, value, "starts with '[' but is not a JSON array of strings.", `write ${name}='["a","b"]' or a comma-separated list.`);
    return undefined;
  };
  return {
    has,
    names: () => Object.keys(env).filter((name) => env[name] !== undefined),
    list(name) {
      const value = env[name]?.trim();
      if (value === undefined) return undefined;
      if (value.startsWith("[")) return json(name, value);
      return value.split(/[\s,]+/).filter((item) => item !== "");
    },
    regexList(name) {
      const value = env[name]?.trim();
      if (value === undefined) return undefined;
      if (value.startsWith("[")) return json(name, value);
      return value.split(/\s+/).filter((item) => item !== "");
    },
    string: (name) => env[name],
    bool(name) {
      const value = env[name];
      if (value === undefined) return undefined;
      const lower = value.trim().toLowerCase();
      if (TRUE.has(lower)) return true;
      if (FALSE.has(lower)) return false;
      issues.add("wrong-type", name, value, "is not a boolean.", `write ${name}=true or ${name}=false.`);
      return undefined;
    },
    int(name) {
      const value = env[name]?.trim();
      if (value === undefined) return undefined;
      if (!/^\d{1,9}$/.test(value)) {
        issues.add("wrong-type", name, value, "is not a whole number of seconds.", `write ${name}=7200.`);
        return undefined;
      }
      return Number(value);
    },
  };
}

/** `None` and `False` spelled in a variable, for the settings that accept them. */
function rawEnv(env: Environment, name: string): unknown {
  const value = env[name]?.trim();
  if (value === undefined) return undefined;
  // CSRF_COOKIE_SAMESITE=None is the SameSite=None attribute, not Python's None.
  if (name === "CSRF_COOKIE_SAMESITE") return /^false$/i.test(value) ? false : value;
  if (value === "None" || value === "null") return null;
  if (/^false$/i.test(value)) return false;
  return value;
}
