// Checks that the CORS and CSRF options share (unknown names, booleans, the logger, the refusal
// listener), written once so that both give the same messages and a bundle carries them once.
import type { IssueCollector } from "../errors.ts";
import type { CorsLogger } from "../cors/options.ts";
import { nearestName } from "./suggest.ts";

/** Reports each key of `input` that is not in `known`, suggesting the nearest known name; `what` is e.g. "CORS option". */
export function checkKnownNames(input: Record<string, unknown>, known: readonly string[], prefix: string, what: string, issues: IssueCollector): void {
  for (const key of Object.keys(input)) {
    if (known.includes(key)) continue;
    const near = nearestName(key, known);
    issues.add("unknown-option", `${prefix}${key}`, input[key], `is not a crossgate ${what}.`, near ? `did you mean "${prefix}${near}"?` : `use one of: ${known.join(", ")}.`);
  }
}

/** `value` if it is a boolean, `fallback` if it is left out; anything else is reported and reads as `fallback`. */
export function booleanOption(value: unknown, option: string, fallback: boolean, issues: IssueCollector): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== "boolean") {
    issues.add("wrong-type", option, value, "must be true or false.", `write ${option}: ${Boolean(value)}.`);
    return fallback;
  }
  return value;
}

/** The `logger` option, `console` when left out; one without `warn()` is reported. */
export function loggerOption(value: CorsLogger | undefined, issues: IssueCollector): CorsLogger {
  const logger = value ?? console;
  if (typeof logger?.warn !== "function") {
    issues.add("wrong-type", "logger", logger, "must have a warn(message) method.", "pass console or an object with warn().");
  }
  return logger;
}

/** Reports an `onRefusal` that is given but is not a function. */
export function checkRefusalListener(value: unknown, issues: IssueCollector): void {
  if (value !== undefined && typeof value !== "function") {
    issues.add("wrong-type", "onRefusal", value, "must be a function (event) => void.", "pass a function or leave it out.");
  }
}

/** A user regex's flags without `g` and `y`, whose `lastIndex` would make repeated `test()` calls disagree. */
export function statelessFlags(regex: RegExp): string {
  return regex.flags.replace(/[gy]/g, "");
}
