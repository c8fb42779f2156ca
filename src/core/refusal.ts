// What the CORS policy and the CSRF guard say about a refusal outside the response: the `onRefusal`
// event (for counters and logs in production) and the debug-mode `Crossgate-Refusal` header.
import type { RefusalReason } from "./cors/decide.ts";
import type { CsrfRefusalCode } from "./csrf/reasons.ts";
import type { RequestView } from "./request.ts";
import { freeze } from "./internal/freeze.ts";

interface RefusalEventFields {
  /** The `Origin` header (capped, control characters replaced), or `undefined` when the request had none. */
  readonly origin: string | undefined;
  /** The request method (capped, control characters replaced). */
  readonly method: string;
  /** The request path without the query string, as received (capped, control characters replaced). */
  readonly path: string;
  /** Whether the request was a CORS preflight. */
  readonly preflight: boolean;
  /**
   * The value at fault, when there is one: the method or header name of a refused preflight (CORS),
   * the `Referer`'s origin of a referer refusal (CSRF). Capped, control characters replaced.
   */
  readonly detail: string | undefined;
}

/** A CORS refusal, as `onRefusal` receives it. `reason` is `CorsPlan.reason`. */
export interface CorsRefusalEvent extends RefusalEventFields {
  readonly kind: "cors";
  readonly reason: RefusalReason;
}

/** A CSRF refusal, as `onRefusal` receives it. `reason` is `CsrfDecision.code`. */
export interface CsrfRefusalEvent extends RefusalEventFields {
  readonly kind: "csrf";
  readonly reason: CsrfRefusalCode;
}

/** A refusal by the CORS policy or the CSRF guard; frozen. */
export type RefusalEvent = CorsRefusalEvent | CsrfRefusalEvent;

/**
 * Told about every refusal, synchronously, once the decision is made. What it returns, throws or
 * rejects never changes the response; throws and rejections go to the logger.
 */
export type RefusalListener<E extends RefusalEvent = RefusalEvent> = (event: E) => void | Promise<void>;

/** Longest `origin` an event carries; browsers' origins are far shorter, so longer ones are attacks or bugs. */
export const MAX_EVENT_ORIGIN_LENGTH = 256;
/** Longest `detail` an event carries. */
export const MAX_EVENT_DETAIL_LENGTH = 128;
const MAX_EVENT_PATH_LENGTH = 1024;
const MAX_EVENT_METHOD_LENGTH = 32;

// Unicode Cc (C0, DEL, C1) plus the line and paragraph separators, which split log lines as well.
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;
const HAS_CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

/** `value` cut to `max` characters (marked with `…`), with every control character replaced by U+FFFD. */
export function sanitizeEventText(value: string, max: number): string {
  const cut = value.length > max ? `${value.slice(0, max - 1)}…` : value;
  return HAS_CONTROL.test(cut) ? cut.replace(CONTROL, "\uFFFD") : cut;
}

function eventText(value: string | undefined, max: number): string | undefined {
  return value === undefined ? undefined : sanitizeEventText(value, max);
}

/** Builds the frozen event for one refusal. */
export function refusalEvent(kind: "cors", reason: RefusalReason, request: RequestView, preflight: boolean, detail: string | undefined): CorsRefusalEvent;
export function refusalEvent(kind: "csrf", reason: CsrfRefusalCode, request: RequestView, preflight: boolean, detail: string | undefined): CsrfRefusalEvent;
export function refusalEvent(
  kind: "cors" | "csrf",
  reason: RefusalReason | CsrfRefusalCode,
  request: RequestView,
  preflight: boolean,
  detail: string | undefined,
): RefusalEvent {
  return freeze({
    kind,
    reason,
    origin: eventText(request.header("origin"), MAX_EVENT_ORIGIN_LENGTH),
    method: sanitizeEventText(request.method, MAX_EVENT_METHOD_LENGTH),
    path: sanitizeEventText(request.path, MAX_EVENT_PATH_LENGTH),
    preflight,
    detail: eventText(detail, MAX_EVENT_DETAIL_LENGTH),
  }) as RefusalEvent;
}

/**
 * Calls the listener and never lets it reach the request: a throw, or a rejection of a returned
 * promise, is reported to the logger.
 */
export function notifyRefusal<E extends RefusalEvent>(listener: RefusalListener<E>, event: E, logger: { warn(message: string): void }): void {
  let result: unknown;
  try {
    result = listener(event);
  } catch (error) {
    reportListenerError(error, event, logger);
    return;
  }
  if (result !== undefined && result !== null && typeof (result as PromiseLike<unknown>).then === "function") {
    try {
      (result as PromiseLike<unknown>).then(undefined, (error: unknown) => reportListenerError(error, event, logger));
    } catch (error) {
      reportListenerError(error, event, logger);
    }
  }
}

function reportListenerError(error: unknown, event: RefusalEvent, logger: { warn(message: string): void }): void {
  try {
    logger.warn(`crossgate ${event.kind}: onRefusal failed for a ${event.reason} refusal; the response is unchanged. ${String((error as Error)?.stack ?? error)}`);
  } catch {
    // A logger that throws has nowhere left to report to.
  }
}

/** The debug-mode response header naming why crossgate refused a request. */
export const REFUSAL_HEADER = "Crossgate-Refusal";

const MAX_HEADER_PARAMETER_LENGTH = 128;

/**
 * A `Crossgate-Refusal` value: the reason as a Structured Field token with the value at fault as a
 * string parameter, e.g. `header-not-allowed; header="x-foo"` (RFC 9651 §3.3.3, §3.3.4). Only
 * printable ASCII goes into an sf-string, so any other character becomes `?`.
 */
export function refusalHeaderValue(reason: RefusalReason | CsrfRefusalCode, parameter?: string, value?: string): string {
  if (parameter === undefined || value === undefined) return reason;
  const cut = value.length > MAX_HEADER_PARAMETER_LENGTH ? `${value.slice(0, MAX_HEADER_PARAMETER_LENGTH)}...` : value;
  const escaped = cut.replace(/[^\x20-\x7e]/g, "?").replace(/["\\]/g, "\\$&");
  return `${reason}; ${parameter}="${escaped}"`;
}

/** Reads the NODE_ENV of runtimes that have one (Node, Bun, Deno with process), without importing anything. */
export function runningInProduction(): boolean {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  return env?.NODE_ENV === "production";
}

/** The one loud warning for `debug: true` under `NODE_ENV=production`. */
export function warnDebugInProduction(what: "cors" | "csrf", logger: { warn(message: string): void }): void {
  if (!runningInProduction()) return;
  logger.warn(
    `crossgate ${what}: WARNING: debug is on while NODE_ENV=production. Debug mode logs every refusal with the request's origin and path, ` +
      `names the reason in a Crossgate-Refusal response header${what === "cors" ? ", and answers refused preflights from allowed origins with 2xx so browsers name the cause" : ""}. ` +
      "Turn it off in production (debug: false) and count refusals with onRefusal instead.",
  );
}
