import { IssueCollector, markWarningsLogged, type ConfigIssue } from "../errors.ts";
import { RENAME_ISSUE, validateCsrf } from "../csrf/compile.ts";
import type { CsrfCookieOptions, CsrfOptions } from "../csrf/options.ts";
import { CSRF_TOKEN_FORMATS, type CsrfTokenFormat } from "../csrf/token-format.ts";
import type { CorsOptions } from "../cors/options.ts";
import { nearestName } from "../internal/suggest.ts";
import type { SettingsReader } from "./cors-settings.ts";
import { freeze } from "../internal/freeze.ts";

/** Django's CSRF setting names crossgate reads (plus `SECRET_KEY` and `SECRET_KEY_FALLBACKS`). */
export const CSRF_SETTING_NAMES: readonly string[] = freeze([
  "CSRF_TRUSTED_ORIGINS",
  "CSRF_COOKIE_NAME",
  "CSRF_HEADER_NAME",
  "CSRF_COOKIE_SECURE",
  "CSRF_COOKIE_SAMESITE",
  "CSRF_COOKIE_HTTPONLY",
  "CSRF_COOKIE_DOMAIN",
  "CSRF_COOKIE_PATH",
  "CSRF_COOKIE_AGE",
  "CSRF_USE_SESSIONS",
  // With CROSSGATE_CSRF_TOKEN_FORMAT = "django": new cookies are masked, as Django <= 4.0 writes them.
  // Otherwise ignored: crossgate's signed cookie is never masked (Django 5.0's neither).
  "CSRF_COOKIE_MASKED",
  // Accepted and ignored: crossgate answers refusals itself.
  "CSRF_FAILURE_VIEW",
]);

/** crossgate's own CSRF settings, for what Django has no setting for. */
export const CROSSGATE_CSRF_SETTING_NAMES: readonly string[] = freeze(["CROSSGATE_CSRF_TOKEN_FORMAT"]);

/** Which setting each crossgate option comes from, for error messages. */
const OPTION_SETTINGS: Readonly<Record<string, string>> = freeze({
  secret: "SECRET_KEY",
  secretFallbacks: "SECRET_KEY_FALLBACKS",
  trustedOrigins: "CSRF_TRUSTED_ORIGINS",
  headerName: "CSRF_HEADER_NAME",
  tokenFormat: "CROSSGATE_CSRF_TOKEN_FORMAT",
  "cookie.masked": "CSRF_COOKIE_MASKED",
  "cookie.name": "CSRF_COOKIE_NAME",
  "cookie.secure": "CSRF_COOKIE_SECURE",
  "cookie.sameSite": "CSRF_COOKIE_SAMESITE",
  "cookie.httpOnly": "CSRF_COOKIE_HTTPONLY",
  "cookie.domain": "CSRF_COOKIE_DOMAIN",
  "cookie.path": "CSRF_COOKIE_PATH",
  "cookie.maxAgeSeconds": "CSRF_COOKIE_AGE",
});

/** A settings source: typed reads, plus the raw value for settings that mix types (`None`, `False`). */
export interface CsrfSettingsSource {
  readonly reader: SettingsReader;
  /** The raw value; `null` stands for Python's `None`, `false` for `False`. */
  raw(name: string): unknown;
}

/**
 * Turns Django's CSRF settings into crossgate `CsrfOptions` whose `cors` is `corsOptions`, so the
 * guard trusts the CORS origins plus `CSRF_TRUSTED_ORIGINS`. Every problem names its setting. A
 * missing `SECRET_KEY` is reported when the guard is built, so CORS-only configurations still load.
 */
export function csrfOptionsFromSettings(
  source: CsrfSettingsSource,
  corsOptions: CorsOptions,
  extra: Partial<CsrfOptions>,
  issues: IssueCollector,
): CsrfOptions {
  const { reader } = source;
  for (const name of reader.names()) {
    if (!name.startsWith("CSRF_") || CSRF_SETTING_NAMES.includes(name)) continue;
    const near = nearestName(name, CSRF_SETTING_NAMES);
    issues.add("unknown-option", name, undefined, "is not a Django CSRF setting crossgate knows.", near ? `did you mean ${near}?` : `use one of ${CSRF_SETTING_NAMES.join(", ")}.`);
  }
  for (const name of reader.names()) {
    if (!name.startsWith("CROSSGATE_CSRF_") || CROSSGATE_CSRF_SETTING_NAMES.includes(name)) continue;
    const near = nearestName(name, CROSSGATE_CSRF_SETTING_NAMES);
    issues.add("unknown-option", name, undefined, "is not a crossgate CSRF setting.", near ? `did you mean ${near}?` : `use one of ${CROSSGATE_CSRF_SETTING_NAMES.join(", ")}.`);
  }
  if (reader.bool("CSRF_USE_SESSIONS") === true) {
    issues.add(
      "value-invalid",
      "CSRF_USE_SESSIONS",
      true,
      "keeps the CSRF secret in the session; crossgate keeps it in the cookie, signed and bound to the session instead.",
      "delete CSRF_USE_SESSIONS and pass { csrf: { sessionId: (request) => ... } } as the second argument.",
    );
  }

  const options: { -readonly [K in keyof CsrfOptions]: CsrfOptions[K] } = { cors: corsOptions };
  const secret = reader.string("SECRET_KEY");
  if (secret !== undefined) options.secret = secret;
  const fallbacks = reader.list("SECRET_KEY_FALLBACKS");
  if (fallbacks !== undefined) options.secretFallbacks = fallbacks;
  const trusted = reader.list("CSRF_TRUSTED_ORIGINS");
  if (trusted !== undefined) options.trustedOrigins = trusted;
  const header = reader.string("CSRF_HEADER_NAME");
  if (header !== undefined) options.headerName = headerFromMeta(header);
  const format = reader.string("CROSSGATE_CSRF_TOKEN_FORMAT")?.trim();
  if (format !== undefined) {
    // Any case ("Django", DJANGO in an environment file); an unknown value is reported as written.
    const known = CSRF_TOKEN_FORMATS.find((name) => name === format.toLowerCase());
    options.tokenFormat = known ?? (format as CsrfTokenFormat);
  }

  const cookie: { -readonly [K in keyof CsrfCookieOptions]: CsrfCookieOptions[K] } = {};
  const name = reader.string("CSRF_COOKIE_NAME");
  if (name !== undefined) cookie.name = name;
  const path = reader.string("CSRF_COOKIE_PATH");
  if (path !== undefined) cookie.path = path;
  if (source.raw("CSRF_COOKIE_DOMAIN") !== null) {
    const domain = reader.string("CSRF_COOKIE_DOMAIN");
    if (domain !== undefined && domain !== "") cookie.domain = domain;
  }
  const secure = reader.bool("CSRF_COOKIE_SECURE");
  if (secure !== undefined) cookie.secure = secure;
  const httpOnly = reader.bool("CSRF_COOKIE_HTTPONLY");
  if (httpOnly !== undefined) cookie.httpOnly = httpOnly;
  const sameSite = source.raw("CSRF_COOKIE_SAMESITE");
  // Python's False and None both mean "no SameSite attribute" (Django's set_cookie omits it).
  if (sameSite === false || sameSite === null) cookie.sameSite = false;
  else if (sameSite !== undefined) cookie.sameSite = String(sameSite) as CsrfCookieOptions["sameSite"] & string;
  if (source.raw("CSRF_COOKIE_AGE") === null) cookie.maxAgeSeconds = null;
  else {
    const age = reader.int("CSRF_COOKIE_AGE");
    if (age !== undefined) cookie.maxAgeSeconds = age;
  }
  const masked = reader.bool("CSRF_COOKIE_MASKED");
  if (masked !== undefined && (extra.tokenFormat ?? options.tokenFormat) === "django") cookie.masked = masked;
  if (Object.keys(cookie).length > 0) options.cookie = cookie;

  const merged: CsrfOptions = { ...options, ...extra, cookie: { ...options.cookie, ...extra.cookie } };
  Object.defineProperty(merged, RENAME_ISSUE, { value: issueInSettings, enumerable: true });

  // Validate now, naming the settings; the CORS part is reported by the CORS reader, and a missing
  // secret only when the guard is built.
  const found = new IssueCollector();
  const { cors: _reportedByTheCorsReader, ...withoutCors } = merged;
  validateCsrf(withoutCors, found);
  const renamed = <T extends { readonly option: string }>(item: T): T => {
    const setting = settingOf(item.option);
    return setting === undefined ? item : { ...item, option: `${setting.name}${setting.index}` };
  };
  for (const issue of found.issues) {
    if (issue.code !== "secret-missing") issues.issues.push(renamed(issue));
  }
  // Warnings are reported here under the settings' names; the guard built from `merged` stays quiet.
  for (const warning of found.warnings) issues.warnings.push(renamed(warning));
  markWarningsLogged(merged);
  return merged;
}

/** Django's `CSRF_HEADER_NAME` is a `request.META` key (`HTTP_X_CSRFTOKEN`); crossgate wants the header (`X-CSRFToken`). */
export function headerFromMeta(value: string): string {
  if (!value.toUpperCase().startsWith("HTTP_")) return value;
  const header = value.slice(5).replace(/_/g, "-");
  if (header.toUpperCase() === "X-CSRFTOKEN") return "X-CSRFToken";
  return header.toLowerCase().replace(/(^|-)([a-z])/g, (_, dash: string, letter: string) => dash + letter.toUpperCase());
}

/** The setting an option (`secret`, `cookie.name`, `trustedOrigins[2]`) comes from, and its index if any. */
function settingOf(option: string): { readonly name: string; readonly index: string } | undefined {
  const [, base = option, index = ""] = /^([A-Za-z.]+)(\[\d+\])?$/.exec(option) ?? [];
  const name = OPTION_SETTINGS[base];
  return name === undefined ? undefined : { name, index };
}

/** An issue found when the guard is built from these settings (a missing `SECRET_KEY`), in the settings' terms. */
function issueInSettings(issue: ConfigIssue): ConfigIssue {
  const setting = settingOf(issue.option);
  if (setting === undefined) return issue;
  const fix = issue.fix.replace(/^pass secret: /, `set ${setting.name} to `).replace(/, or set tokens: false/, ", or pass { csrf: { tokens: false } } as the second argument");
  return { ...issue, option: `${setting.name}${setting.index}`, fix };
}
