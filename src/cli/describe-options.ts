// The options in force, one line each, with defaults filled in: what `check` prints.
import { DEFAULT_MAX_AGE_SECONDS, DEFAULT_METHODS, DEFAULT_REQUEST_HEADERS, type CorsOptions } from "../core/cors/options.ts";

/** Lines such as `origins: https://app.example.com` for the options a policy runs with. */
export function describeOptions(options: CorsOptions): string[] {
  const list = (values: readonly unknown[] | undefined, fallback: string) =>
    values === undefined ? fallback : values.length === 0 ? "(none)" : values.map((v) => String(v)).join(", ");
  const lines = [
    `origins: ${options.origins === "*" ? "* (every origin)" : list(options.origins, "(none)")}`,
  ];
  if (options.originRegexes !== undefined && options.originRegexes.length > 0) lines.push(`originRegexes: ${list(options.originRegexes, "")}`);
  if (options.allowOrigin !== undefined) lines.push("allowOrigin: a callback decides other origins");
  if (options.urlFilter !== undefined) lines.push(`urlFilter: ${options.urlFilter instanceof RegExp ? String(options.urlFilter) : "a function"}`);
  lines.push(
    `credentials: ${options.credentials === true}`,
    `methods: ${list(options.methods, `${DEFAULT_METHODS.join(", ")} (default)`)}`,
    `requestHeaders: ${list(options.requestHeaders, `${DEFAULT_REQUEST_HEADERS.join(", ")} (default)`)}`,
    `exposeHeaders: ${list(options.exposeHeaders, "(none)")}`,
    `maxAgeSeconds: ${options.maxAgeSeconds === undefined ? `${DEFAULT_MAX_AGE_SECONDS} (default)` : options.maxAgeSeconds === null ? "not sent (browsers cache 5 s)" : options.maxAgeSeconds}`,
  );
  const dangerous = Object.entries(options).filter(([key, value]) => key.startsWith("dangerously") && value === true).map(([key]) => key);
  if (dangerous.length > 0) lines.push(`enabled: ${dangerous.join(", ")}`);
  return lines;
}
