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
  | "origin-pattern-invalid"
  | "origin-insecure-with-credentials"
  | "origin-public-suffix-wildcard"
  | "any-origin-with-credentials"
  | "regex-invalid"
  | "regex-unanchored"
  | "method-invalid"
  | "method-forbidden"
  | "header-invalid"
  | "header-forbidden"
  | "any-header-with-credentials"
  | "expose-any-with-credentials"
  | "max-age-invalid"
  | "status-invalid"
  | "secret-missing"
  | "secret-weak"
  | "value-invalid";

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
    const lines = issues.map(
      // An issue about a name rather than a value (an unknown setting) has no value to show.
      (issue) => `  - ${issue.option}: ${issue.value === undefined ? "" : `${describeValue(issue.value)} `}${issue.problem} Fix: ${issue.fix}`,
    );
    const count = issues.length === 1 ? "1 problem" : `${issues.length} problems`;
    super(`${PREFIX}invalid ${subject} (${count}):\n${lines.join("\n")}`);
    this.issues = Object.freeze([...issues]);
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

/** Collects issues while a configuration is validated, then throws them all at once. */
export class IssueCollector {
  readonly issues: ConfigIssue[] = [];

  add(code: ConfigIssueCode, option: string, value: unknown, problem: string, fix: string): void {
    this.issues.push({ code, option, value, problem, fix });
  }

  throwIfAny(subject?: string): void {
    if (this.issues.length > 0) throw new ConfigError(this.issues, subject);
  }
}
