import { ConfigError, IssueCollector, markWarningsLogged, type ConfigIssue, type ConfigWarning } from "../errors.ts";
import { compileCors } from "../cors/compile.ts";
import { DEFAULT_METHODS, DEFAULT_REQUEST_HEADERS, type CorsOptions } from "../cors/options.ts";
import { nearestName } from "../internal/suggest.ts";
import { freeze } from "../internal/freeze.ts";

/** django-cors-headers' setting names, current and legacy. */
export const CORS_SETTING_NAMES: readonly string[] = freeze([
  "CORS_ALLOWED_ORIGINS",
  "CORS_ALLOWED_ORIGIN_REGEXES",
  "CORS_ALLOW_ALL_ORIGINS",
  "CORS_URLS_REGEX",
  "CORS_ALLOW_METHODS",
  "CORS_ALLOW_HEADERS",
  "CORS_EXPOSE_HEADERS",
  "CORS_PREFLIGHT_MAX_AGE",
  "CORS_ALLOW_CREDENTIALS",
  "CORS_ALLOW_PRIVATE_NETWORK",
  "CORS_ORIGIN_WHITELIST",
  "CORS_ORIGIN_REGEX_WHITELIST",
  "CORS_ORIGIN_ALLOW_ALL",
]);

/** Settings django-cors-headers removed: harmless leftovers, so warnings that say what replaced them. */
const REMOVED_SETTINGS: Readonly<Record<string, { problem: string; fix: string }>> = {
  CORS_MODEL: {
    problem: "was removed from django-cors-headers in 3.0.0 and does nothing.",
    fix: "delete it; list origins in CORS_ALLOWED_ORIGINS, or decide per request with a check_request_enabled handler (crossgate: the allowOrigin option).",
  },
  CORS_REPLACE_HTTPS_REFERER: {
    problem: "was removed from django-cors-headers in 4.0.0 (with CorsPostCsrfMiddleware) and does nothing.",
    fix: "delete it; list the origins that may post in CSRF_TRUSTED_ORIGINS (crossgate's CSRF guard also trusts the CORS origins).",
  },
};

/** Names people write for a real setting; django-cors-headers ignores them silently. */
const MISTAKEN_NAMES: Readonly<Record<string, string>> = {
  CORS_ALLOWED_METHODS: "CORS_ALLOW_METHODS",
  CORS_ALLOWED_HEADERS: "CORS_ALLOW_HEADERS",
  CORS_ALLOW_ORIGIN: "CORS_ALLOWED_ORIGINS",
  CORS_ALLOW_ORIGINS: "CORS_ALLOWED_ORIGINS",
  CORS_ALLOWED_ORIGIN: "CORS_ALLOWED_ORIGINS",
  CORS_ORIGINS: "CORS_ALLOWED_ORIGINS",
  CORS_ALLOWED_ORIGINS_REGEXES: "CORS_ALLOWED_ORIGIN_REGEXES",
  CORS_EXPOSED_HEADERS: "CORS_EXPOSE_HEADERS",
  CORS_ALLOWED_CREDENTIALS: "CORS_ALLOW_CREDENTIALS",
  CORS_MAX_AGE: "CORS_PREFLIGHT_MAX_AGE",
};

/** Names django-cors-headers 4.0 dropped from its default `CORS_ALLOW_HEADERS`, as browsers never let scripts set them. */
const OLD_DEFAULT_HEADERS = new Set(["accept-encoding", "dnt", "origin"]);

/** django-cors-headers' default `CORS_PREFLIGHT_MAX_AGE` (one day; browsers cap it lower). */
const DJANGO_DEFAULT_MAX_AGE = 86400;

/** Reads one setting as a typed value, adding an issue naming the setting when it has the wrong type. */
export interface SettingsReader {
  has(name: string): boolean;
  list(name: string): string[] | undefined;
  regexList(name: string): string[] | undefined;
  string(name: string): string | undefined;
  bool(name: string): boolean | undefined;
  int(name: string): number | undefined;
  names(): string[];
}

/**
 * Turns django-cors-headers settings into validated crossgate `CorsOptions`. Every problem names
 * the setting it comes from. `extra` adds crossgate options Django has no setting for
 * (`dangerouslyAllow...`, `debug`, `allowOrigin`).
 */
export function corsOptionsFromSettings(reader: SettingsReader, extra: Partial<CorsOptions>, issues: IssueCollector): CorsOptions {
  for (const name of reader.names()) {
    if (!name.startsWith("CORS_") || CORS_SETTING_NAMES.includes(name)) continue;
    const removed = REMOVED_SETTINGS[name];
    if (removed !== undefined) {
      issues.warn("setting-removed", name, undefined, removed.problem, removed.fix);
      continue;
    }
    // An error, not a warning: what the user wrote (often a restriction) never applied, in Django either.
    const near = MISTAKEN_NAMES[name] ?? nearestName(name, CORS_SETTING_NAMES);
    issues.add(
      "unknown-option",
      name,
      undefined,
      "is not a django-cors-headers setting; Django ignores it too, so what it says has never applied.",
      near ? `did you mean ${near}? (With that name it takes effect, in Django too.)` : `use one of ${CORS_SETTING_NAMES.join(", ")}.`,
    );
  }

  // The new name wins whenever it is defined, even empty (django-cors-headers conf.py).
  const originsName = reader.has("CORS_ALLOWED_ORIGINS") || !reader.has("CORS_ORIGIN_WHITELIST") ? "CORS_ALLOWED_ORIGINS" : "CORS_ORIGIN_WHITELIST";
  const regexesName =
    reader.has("CORS_ALLOWED_ORIGIN_REGEXES") || !reader.has("CORS_ORIGIN_REGEX_WHITELIST") ? "CORS_ALLOWED_ORIGIN_REGEXES" : "CORS_ORIGIN_REGEX_WHITELIST";
  const allowAllName = reader.has("CORS_ALLOW_ALL_ORIGINS") || !reader.has("CORS_ORIGIN_ALLOW_ALL") ? "CORS_ALLOW_ALL_ORIGINS" : "CORS_ORIGIN_ALLOW_ALL";

  const options: { -readonly [K in keyof CorsOptions]: CorsOptions[K] } = {};
  const allowAll = reader.bool(allowAllName) ?? false;
  options.origins = allowAll ? "*" : (reader.list(originsName) ?? []);
  const regexes = reader.regexList(regexesName);
  if (regexes !== undefined && !allowAll) options.originRegexes = regexes.map(pythonRegexToJavaScript);

  const urls = reader.string("CORS_URLS_REGEX");
  if (urls !== undefined) {
    try {
      // Django uses re.match on the path: anchored at the start only.
      const regex = new RegExp(`^(?:${pythonRegexToJavaScript(urls)})`);
      options.urlFilter = regex;
    } catch (error) {
      issues.add("regex-invalid", "CORS_URLS_REGEX", urls, `is not a valid regular expression (${(error as Error).message}).`, "fix its syntax.");
    }
  }
  options.methods = reader.list("CORS_ALLOW_METHODS") ?? [...DEFAULT_METHODS];
  options.requestHeaders = reader.list("CORS_ALLOW_HEADERS") ?? [...DEFAULT_REQUEST_HEADERS];
  const expose = reader.list("CORS_EXPOSE_HEADERS");
  if (expose !== undefined) options.exposeHeaders = expose;
  const maxAge = reader.int("CORS_PREFLIGHT_MAX_AGE") ?? DJANGO_DEFAULT_MAX_AGE;
  // django-cors-headers omits the header when the value is 0.
  options.maxAgeSeconds = maxAge === 0 ? null : maxAge;
  options.credentials = reader.bool("CORS_ALLOW_CREDENTIALS") ?? false;
  options.privateNetwork = reader.bool("CORS_ALLOW_PRIVATE_NETWORK") ?? false;
  // django-cors-headers answers preflights with 200.
  options.preflightStatus = 200;

  const merged: CorsOptions = { ...options, ...extra };
  // Validate what could be read even when another setting was mistyped, so one run reports
  // every problem; a setting already reported for its type is not reported twice.
  const reported = new Set(issues.issues.map((issue) => issue.option));
  // Its warnings are reported here under the settings' names, so the policy built from `merged` stays quiet.
  markWarningsLogged(merged);
  try {
    const compiled = compileCors(merged);
    const names = { originsName, regexesName, allowAllName };
    for (const warning of compiled.warnings) {
      // Django's own default max-age (86400) is above Chromium's cap; the user did not write it.
      if (warning.code === "max-age-above-cap" && !reader.has("CORS_PREFLIGHT_MAX_AGE")) continue;
      issues.warnings.push(renameWarning(warning, names));
    }
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    for (const issue of error.issues) {
      const renamed = renameOption(issue, { originsName, regexesName, allowAllName });
      if (!reported.has(renamed.option.replace(/\[\d+\]$/, ""))) issues.issues.push(renamed);
    }
  }
  return merged;
}

const OPTION_TO_SETTING: Readonly<Record<string, string>> = {
  methods: "CORS_ALLOW_METHODS",
  requestHeaders: "CORS_ALLOW_HEADERS",
  exposeHeaders: "CORS_EXPOSE_HEADERS",
  maxAgeSeconds: "CORS_PREFLIGHT_MAX_AGE",
  credentials: "CORS_ALLOW_CREDENTIALS",
  privateNetwork: "CORS_ALLOW_PRIVATE_NETWORK",
  urlFilter: "CORS_URLS_REGEX",
};

type SettingNames = { originsName: string; regexesName: string; allowAllName: string };

/** The setting an option comes from: `origins[2]` → `CORS_ALLOWED_ORIGINS[2]`. */
function settingFor(option: string, value: unknown, names: SettingNames): string {
  const [, base = option, index = ""] = /^([A-Za-z]+)(\[\d+\])?$/.exec(option) ?? [];
  if (base === "origins") return value === "*" ? names.allowAllName : `${names.originsName}${index}`;
  if (base === "originRegexes") return `${names.regexesName}${index}`;
  if (OPTION_TO_SETTING[base] !== undefined) return `${OPTION_TO_SETTING[base]}${index}`;
  return option;
}

function renameOption(issue: ConfigIssue, names: SettingNames): ConfigIssue {
  const option = settingFor(issue.option, issue.value, names);
  if (issue.code === "any-origin-with-credentials") {
    // What works in development, with the credentials kept: the pages' origins, or every local port.
    const fix =
      `set ${names.allowAllName} = False and list the pages' origins in CORS_ALLOWED_ORIGINS, e.g. ["http://localhost:5173"]; ` +
      `for every local port in development, CORS_ALLOWED_ORIGIN_REGEXES = [r"^http://localhost:\\d+$"] works in Django and crossgate alike. ` +
      "To reflect every origin with credentials anyway, pass { dangerouslyAllowAnyOriginWithCredentials: true } as the second argument.";
    return { ...issue, option, value: true, fix };
  }
  const fix = issue.fix.replace(/set (dangerously\w+): true/g, "pass { $1: true } as the second argument");
  return { ...issue, option, fix };
}

function renameWarning(warning: ConfigWarning, names: SettingNames): ConfigWarning {
  const option = settingFor(warning.option, warning.value, names);
  if (warning.code === "header-redundant" && typeof warning.value === "string" && OLD_DEFAULT_HEADERS.has(warning.value.toLowerCase())) {
    return {
      ...warning,
      option,
      problem: `${warning.problem} (django-cors-headers 4.0 dropped it from its default CORS_ALLOW_HEADERS for this reason.)`,
      fix: "remove it (corsheaders.defaults.default_headers no longer lists it from django-cors-headers 4.0 on).",
    };
  }
  if (warning.code === "max-age-above-cap") return { ...warning, option, fix: warning.fix.replace(/^write maxAgeSeconds: (\d+)/, `write ${option} = $1`) };
  return { ...warning, option };
}

/** Python's named groups `(?P<name>...)` and backreferences `(?P=name)` in JavaScript syntax. */
function pythonRegexToJavaScript(source: string): string {
  return source.replace(/\(\?P</g, "(?<").replace(/\(\?P=(\w+)\)/g, "\\k<$1>");
}
