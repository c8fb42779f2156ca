import { freeze } from "./internal/freeze.ts";

/**
 * One problem found while validating a configuration. A `ConfigError` carries every problem
 * found, so a user fixes them all in one round.
 */
export interface ConfigIssue {
  /** Stable machine-readable code, e.g. `"origin-has-path"`. */
  readonly code: ConfigIssueCode;
  /** The option the problem is in, e.g. `origins[2]` or `CORS_ALLOWED_ORIGINS[0]`. */
  readonly option: string;
  /** The offending value, as given. */
  readonly value: unknown;
  /** What is wrong, in one sentence. */
  readonly problem: string;
  /** How to fix it, in one sentence. */
  readonly fix: string;
}

export type ConfigIssueCode =
  | "unknown-option"
  | "wrong-type"
  | "origin-null"
  | "origin-missing-scheme"
  | "origin-has-path"
  | "origin-has-query"
  | "origin-has-fragment"
  | "origin-has-userinfo"
  | "origin-uppercase"
  | "origin-default-port"
  | "origin-unicode-host"
  | "origin-invalid"
  | "origin-host-too-long"
  | "origin-port-zero"
  | "origin-ipv4-mapped"
  | "origin-pattern-invalid"
  | "origin-insecure-with-credentials"
  | "origin-public-suffix-wildcard"
  | "any-origin-with-credentials"
  | "regex-invalid"
  | "regex-unanchored"
  | "regex-backtracking"
  | "method-invalid"
  | "method-forbidden"
  | "header-invalid"
  | "header-forbidden"
  | "header-misplaced"
  | "any-header-with-credentials"
  | "expose-any-with-credentials"
  | "max-age-invalid"
  | "status-invalid"
  | "secret-missing"
  | "secret-weak"
  | "value-invalid";

/**
 * Something redundant in a configuration: it works, but part of it does nothing (a header browsers
 * never let scripts set, a removed Django setting). Unlike a `ConfigIssue` it never stops a policy
 * from being built: it goes to the logger once, and `crossgate check` lists it with exit code 0.
 */
export interface ConfigWarning {
  readonly code: ConfigWarningCode;
  readonly option: string;
  readonly value: unknown;
  readonly problem: string;
  readonly fix: string;
}

export type ConfigWarningCode = "header-redundant" | "max-age-above-cap" | "setting-removed";

const PREFIX = "crossgate: ";

/**
 * Thrown when building a policy from options that crossgate refuses. `issues` lists every
 * problem; `message` shows them one per line with the option, the bad value and the fix.
 */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
  readonly code = "ERR_CROSSGATE_CONFIG";
  readonly issues: readonly ConfigIssue[];

  constructor(issues: readonly ConfigIssue[], subject = "configuration") {
    const lines = issues.map((issue) => `  - ${describeIssue(issue)}`);
    const count = issues.length === 1 ? "1 problem" : `${issues.length} problems`;
    super(`${PREFIX}invalid ${subject} (${count}):\n${lines.join("\n")}`);
    this.issues = freeze([...issues]);
  }
}

/** True for a `ConfigError`, also one from another copy of crossgate or another realm. */
export function isConfigError(value: unknown): value is ConfigError {
  return (
    typeof value === "object" &&
    value !== null &&
    (value as { code?: unknown }).code === "ERR_CROSSGATE_CONFIG" &&
    Array.isArray((value as { issues?: unknown }).issues)
  );
}

/** Quotes a value the way it appears in the user's configuration. */
export function describeValue(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (value instanceof RegExp) return String(value);
  if (typeof value === "function") return "a function";
  if (value === undefined) return "undefined";
  try {
    const json = JSON.stringify(value);
    return json.length > 120 ? `${json.slice(0, 117)}...` : json;
  } catch {
    return String(value);
  }
}

/** `option: value problem Fix: fix`, for an issue or a warning. */
function describeIssue(issue: ConfigIssue | ConfigWarning): string {
  // An issue about a name rather than a value (an unknown setting) has no value to show.
  return `${issue.option}: ${issue.value === undefined ? "" : `${describeValue(issue.value)} `}${issue.problem} Fix: ${issue.fix}`;
}

/** One warning as a log line: `crossgate: warning: requestHeaders[2]: "dnt" ... Fix: ...`. */
export function formatWarning(warning: ConfigWarning): string {
  return `${PREFIX}warning: ${describeIssue(warning)}`;
}

const LOGGED = new WeakSet<object>();

/**
 * Sends each warning to `logger` as one line, once per options object: a policy rebuilt from the
 * same options (a CSRF guard building its CORS policy, `reconfigure` with the same object) stays quiet.
 */
/** Marks `options` as warned about, when its warnings were already reported under other names (settings readers). */
export function markWarningsLogged(options: object): void {
  LOGGED.add(options);
}

export function logWarningsOnce(options: object, warnings: readonly ConfigWarning[], logger: { warn(message: string): void }): void {
  if (warnings.length === 0 || LOGGED.has(options)) return;
  LOGGED.add(options);
  for (const warning of warnings) logger.warn(formatWarning(warning));
}

/**
 * Collects issues while a configuration is validated, then throws them all at once. The rule:
 * an issue (`add`) for what is insecure or can never work as written; a warning (`warn`) for what
 * is merely redundant.
 */
export class IssueCollector {
  readonly issues: ConfigIssue[] = [];
  readonly warnings: ConfigWarning[] = [];

  add(code: ConfigIssueCode, option: string, value: unknown, problem: string, fix: string): void {
    this.issues.push({ code, option, value, problem, fix });
  }

  warn(code: ConfigWarningCode, option: string, value: unknown, problem: string, fix: string): void {
    this.warnings.push({ code, option, value, problem, fix });
  }

  throwIfAny(subject?: string): void {
    if (this.issues.length > 0) throw new ConfigError(this.issues, subject);
  }
}
