import { ConfigError, IssueCollector, type ConfigIssue } from "../errors.ts";
import { compileCors } from "../cors/compile.ts";
import { DEFAULT_METHODS, DEFAULT_REQUEST_HEADERS, type CorsOptions } from "../cors/options.ts";
import { nearestName } from "../internal/suggest.ts";

/** django-cors-headers' setting names, current and legacy. */
export const CORS_SETTING_NAMES: readonly string[] = Object.freeze([
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

const REMOVED_SETTINGS: Readonly<Record<string, string>> = {
  CORS_MODEL: "was removed from django-cors-headers in 3.0.0 and has no crossgate equivalent.",
  CORS_REPLACE_HTTPS_REFERER: "was removed from django-cors-headers in 4.0.0; crossgate's CSRF guard trusts the CORS origins directly.",
};

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
      issues.add("unknown-option", name, undefined, removed, `delete ${name}.`);
      continue;
    }
    const near = nearestName(name, CORS_SETTING_NAMES);
    issues.add("unknown-option", name, undefined, "is not a django-cors-headers setting.", near ? `did you mean ${near}?` : `use one of ${CORS_SETTING_NAMES.join(", ")}.`);
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
  try {
    compileCors(merged);
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

function renameOption(issue: ConfigIssue, names: { originsName: string; regexesName: string; allowAllName: string }): ConfigIssue {
  const [, base = issue.option, index = ""] = /^([A-Za-z]+)(\[\d+\])?$/.exec(issue.option) ?? [];
  let option = issue.option;
  if (base === "origins") option = issue.value === "*" ? names.allowAllName : `${names.originsName}${index}`;
  else if (base === "originRegexes") option = `${names.regexesName}${index}`;
  else if (OPTION_TO_SETTING[base] !== undefined) option = `${OPTION_TO_SETTING[base]}${index}`;
  const fix = issue.fix.replace(/set (dangerously\w+): true/g, "pass { $1: true } as the second argument");
  return { ...issue, option, fix };
}

/** Python's named groups `(?P<name>...)` and backreferences `(?P=name)` in JavaScript syntax. */
function pythonRegexToJavaScript(source: string): string {
  return source.replace(/\(\?P</g, "(?<").replace(/\(\?P=(\w+)\)/g, "\\k<$1>");
}
