/**
 * crossgate/testing: the doctor's engine for your own test suite. `probe()` makes a request the
 * way a browser page would (preflight, CORS checks, redirects) against a URL or an in-process
 * handler, and returns the doctor's report: verdict, failing rule, steps and fix.
 * @example
 * const result = await probe(app, { origin: "https://app.example.com", method: "PUT", headers: { "Content-Type": "application/json" } });
 * assert.equal(result.verdict, "allowed");
 */
import type { Server } from "node:http";
import type { ServerKind } from "../doctor/server-kind.ts";
import { doctor, DoctorUsageError, httpTransport } from "../doctor/probe.ts";
import type { DoctorInput } from "../doctor/input.ts";
import type { DoctorReport } from "../doctor/report.ts";
import { fetchHandlerTarget, nodeTarget, type FetchHandler, type NodeRequestListener, type ResolvedTarget } from "./targets.ts";

export type { FetchHandler, NodeRequestListener };
export type {
  BrowserMessages,
  Check,
  CheckId,
  Cause,
  CauseId,
  CsrfReadability,
  ExtraProbe,
  SecurityFinding,
  DoctorReport,
  DoctorRequest,
  ExposedHeaders,
  Failure,
  Fix,
  PreflightCache,
  Step,
  Verdict,
  Warning,
  WarningId,
} from "../doctor/report.ts";
export type { RuleId } from "../doctor/rules.ts";
export type { ServerIdentity, ServerKind } from "../doctor/server-kind.ts";
export type { CrossgateOptionsPatch, FixChange, ListPatch } from "../doctor/fix-snippets.ts";
export { applyCrossgatePatch } from "../doctor/fix-snippets.ts";
export { RULE_IDS, RULE_SUMMARIES } from "../doctor/rules.ts";
export { DoctorUsageError };

/**
 * What `probe` diagnoses: an absolute http(s) URL of a running server, a Fetch handler (or an
 * object with a `fetch` method, such as a Hono app), a Node request listener (an Express app,
 * Koa's `app.callback()`), or a node:http server (Fastify's `app.server` after `await app.ready()`).
 */
export type ProbeTarget = string | URL | FetchHandler | { fetch: FetchHandler } | NodeRequestListener | Server;

/** The request a page script would make. */
export interface ProbeOptions {
  /** The page's origin, e.g. `"https://app.example.com"`. Required. */
  readonly origin: string;
  /** The method, as passed to `fetch()`. @default "GET" */
  readonly method?: string;
  /** Headers the script sets: a record, `[name, value]` pairs, or `"Name: value"` strings. @default none */
  readonly headers?: DoctorInput["headers"];
  /** `credentials: "include"`: cookies go along and the response must allow them. @default false */
  readonly credentials?: boolean;
  /** Path and query to request from an in-process target, or relative to a URL target. @default "/" */
  readonly path?: string;
  /**
   * How to call a plain function target. @default "node" when the function declares two or more
   * parameters (`(req, res)`), otherwise "fetch" (`(request) => Response`)
   */
  readonly handler?: "fetch" | "node";
  /**
   * After an allowed request, also GET a missing path to check that error responses carry CORS
   * headers (the CLI does this by default). @default false
   */
  readonly errorProbe?: boolean;
  /**
   * Apply the Fetch standard exactly where today's browsers are laxer (`Authorization` covered by
   * `Access-Control-Allow-Headers: *` fails instead of warning). @default false
   */
  readonly strict?: boolean;
  /** Per-request timeout in milliseconds. @default 10000 */
  readonly timeoutMs?: number;
  /** A Cookie header to send on the request itself (never on the preflight); implies credentials. @default none */
  readonly cookie?: string;
  /** The server whose language the fix leads with. @default recognised from the responses */
  readonly server?: ServerKind;
  /**
   * Send the extra GET/OPTIONS requests that settle a failure's cause and audit an allowed
   * credentialed response for reflected origins (the CLI does this by default). @default false
   */
  readonly extraProbes?: boolean;
}

/**
 * Diagnoses one cross-origin request the way a browser makes it and returns the doctor's report.
 * Never throws for a blocked request (that is `verdict: "blocked"`), only for options that do not
 * describe a request (`DoctorUsageError`).
 * @example
 * // the three classic CORS tests
 * expect((await probe(app, { origin: "https://app.example.com", method: "DELETE", path: "/items/1" })).verdict).toBe("allowed");
 * expect((await probe(app, { origin: "https://app.example.com", path: "/items" })).verdict).toBe("allowed");
 * expect((await probe(app, { origin: "https://evil.example", path: "/items" })).rule).toBe("missing-allow-origin");
 */
export async function probe(target: ProbeTarget, options: ProbeOptions): Promise<DoctorReport> {
  if (typeof options !== "object" || options === null) throw new DoctorUsageError(["probe(target, options) needs options with at least an origin."]);
  const path = options.path ?? "/";
  const timeoutMs = options.timeoutMs ?? 10_000;
  const resolved = await resolveTarget(target, path, options.handler, timeoutMs);
  try {
    const input: DoctorInput = {
      url: resolved.url,
      origin: options.origin,
      ...(options.method !== undefined ? { method: options.method } : {}),
      ...(options.headers !== undefined ? { headers: options.headers } : {}),
      credentials: options.credentials === true,
      ...(options.cookie !== undefined ? { cookie: options.cookie } : {}),
    };
    return await doctor(input, {
      transport: resolved.transport,
      errorProbe: options.errorProbe === true,
      strict: options.strict === true,
      timeoutMs,
      extraProbes: options.extraProbes === true,
      ...(options.server !== undefined ? { server: options.server } : {}),
    });
  } finally {
    await resolved.close();
  }
}

async function resolveTarget(target: ProbeTarget, path: string, handler: "fetch" | "node" | undefined, timeoutMs: number): Promise<ResolvedTarget> {
  if (typeof target === "string" || target instanceof URL) {
    let url: URL;
    try {
      url = new URL(path, target);
    } catch {
      throw new DoctorUsageError([`The target ${JSON.stringify(String(target))} is not an absolute URL.`]);
    }
    return { url: url.href, transport: httpTransport({ timeoutMs }), close: async () => {} };
  }
  if (typeof target === "function") {
    const kind = handler ?? (target.length >= 2 ? "node" : "fetch");
    return kind === "node" ? nodeTarget(target as NodeRequestListener, path, timeoutMs) : fetchHandlerTarget(target as FetchHandler, path, timeoutMs);
  }
  if (typeof target === "object" && target !== null) {
    if (typeof (target as Server).listen === "function" && typeof (target as Server).address === "function") return nodeTarget(target as Server, path, timeoutMs);
    if (typeof (target as { fetch?: unknown }).fetch === "function") {
      const app = target as { fetch: FetchHandler };
      return fetchHandlerTarget((request) => app.fetch(request), path, timeoutMs);
    }
  }
  throw new DoctorUsageError(["probe() needs a URL, a Fetch handler, a Node request listener or a node:http server as its target."]);
}
