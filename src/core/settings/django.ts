import { IssueCollector, logWarningsOnce, type ConfigWarning } from "../errors.ts";
import type { CorsOptions } from "../cors/options.ts";
import type { CsrfOptions } from "../csrf/options.ts";
import { corsOptionsFromSettings, type SettingsReader } from "./cors-settings.ts";
import { csrfOptionsFromSettings } from "./django-csrf.ts";
import { freeze } from "../internal/freeze.ts";

/** What crossgate builds from a settings source: options for each guard. */
export interface CrossgateSettings {
  readonly cors: CorsOptions;
  /** CSRF guard options; `csrf.cors` holds `cors`, so the guard trusts the same origins. */
  readonly csrf: CsrfOptions;
  /**
   * What is redundant in the settings (a removed setting, a header scripts can never send), named by
   * setting. Already logged once to `extras.cors.logger` (default `console`); a policy built from
   * `cors` does not log them again.
   */
  readonly warnings: readonly ConfigWarning[];
}

/** Extra crossgate options that Django has no setting for, merged into the result. */
export interface SettingsExtras {
  readonly cors?: Partial<CorsOptions>;
  /** E.g. `sessionId`, `trustProxy`, `debug`, or `tokens: false`. */
  readonly csrf?: Partial<CsrfOptions>;
}

/**
 * Reads django-cors-headers and Django CSRF settings (the names and defaults of `settings.py`, e.g.
 * parsed from JSON; `null` for `None`) and returns validated crossgate options. Throws one `ConfigError` naming each bad setting:
 * wrong types, unknown `CORS_*` names (with the nearest valid name), and everything crossgate's
 * validation refuses. What is merely redundant (a removed setting, a header scripts can never send)
 * is a warning instead: in `warnings`, and logged once to `extras.cors.logger` (default `console`).
 * @example
 * const { cors, csrf } = fromDjangoSettings({ CORS_ALLOWED_ORIGINS: ["https://app.example.com"], CORS_ALLOW_CREDENTIALS: true, SECRET_KEY: process.env.SECRET_KEY });
 */
export function fromDjangoSettings(settings: Readonly<Record<string, unknown>>, extras: SettingsExtras = {}): CrossgateSettings {
  const issues = new IssueCollector();
  if (typeof settings !== "object" || settings === null) {
    issues.add("wrong-type", "settings", settings, "must be an object of Django settings.", 'pass e.g. { CORS_ALLOWED_ORIGINS: ["https://app.example.com"] }.');
    issues.throwIfAny("Django settings");
  }
  const reader = djangoReader(settings, issues);
  const cors = corsOptionsFromSettings(reader, extras.cors ?? {}, issues);
  const csrf = csrfOptionsFromSettings({ reader, raw: (name) => settings[name] }, cors, extras.csrf ?? {}, issues);
  issues.throwIfAny("Django settings");
  return settingsResult(settings, cors, csrf, issues, extras);
}

/** The result of a settings reader, its warnings logged once to the CORS logger. */
export function settingsResult(source: object, cors: CorsOptions, csrf: CsrfOptions, issues: IssueCollector, extras: SettingsExtras): CrossgateSettings {
  const warnings = freeze([...issues.warnings]);
  const logger = extras.cors?.logger ?? console;
  logWarningsOnce(source, warnings, logger);
  return { cors, csrf, warnings };
}

function djangoReader(settings: Readonly<Record<string, unknown>>, issues: IssueCollector): SettingsReader {
  const has = (name: string) => Object.hasOwn(settings, name) && settings[name] !== undefined;
  const sequence = (name: string, allowRegExp: boolean): string[] | undefined => {
    if (!has(name)) return undefined;
    const value = settings[name];
    if (!Array.isArray(value) || value.some((item) => typeof item !== "string" && !(allowRegExp && item instanceof RegExp))) {
      issues.add(
        "wrong-type",
        name,
        value,
        typeof value === "string"
          ? "is a bare string; django-cors-headers would split it into characters."
          : "should be a sequence of strings.",
        `write ${name} = ${JSON.stringify(typeof value === "string" ? [value] : ["..."])}.`,
      );
      return undefined;
    }
    return value.map((item) => (item instanceof RegExp ? item.source : (item as string)));
  };
  return {
    has,
    names: () => Object.keys(settings),
    list: (name) => sequence(name, false),
    regexList: (name) => sequence(name, true),
    string(name) {
      if (!has(name)) return undefined;
      const value = settings[name];
      if (value instanceof RegExp) return value.source;
      if (typeof value !== "string") {
        issues.add("wrong-type", name, value, "should be a string or regex.", `write ${name} = r"^/api/.*$".`);
        return undefined;
      }
      return value;
    },
    bool(name) {
      if (!has(name)) return undefined;
      const value = settings[name];
      if (typeof value !== "boolean") {
        issues.add("wrong-type", name, value, "should be a bool.", `write ${name} = True or False.`);
        return undefined;
      }
      return value;
    },
    int(name) {
      if (!has(name)) return undefined;
      const value = settings[name];
      if (typeof value !== "number" || !Number.isInteger(value) || value < 0) {
        issues.add("wrong-type", name, value, "should be an integer greater than or equal to zero.", `write ${name} = 7200.`);
        return undefined;
      }
      return value;
    },
  };
}
