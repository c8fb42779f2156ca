// The doctor's I/O: sends each request with node:http / node:https so that exactly the headers a
// browser would send go out (no cookies, no automatic redirects), and runs the engine.
import { lookup } from "node:dns/promises";
import http from "node:http";
import https from "node:https";
import { diagnose, type Transport, type WireRequest, type WireResponse } from "./engine.ts";
import type { HeaderPair } from "./http-tokens.ts";
import { addressSpaceOfHost, type AddressSpace } from "../client/address-space.ts";
import { loginRequest, type LoginInput } from "./cookies-login.ts";
import { withCookieReport } from "./cookies-report.ts";
import { normalizeDoctorInput, type DoctorInput } from "./input.ts";
import { readPage } from "./page-reader.ts";
import { resolveLookup, type ResolveRule } from "./resolve.ts";
import type { DoctorReport } from "./report.ts";
import type { ServerKind } from "./server-kind.ts";

/** How requests are sent. */
export interface HttpTransportOptions {
  /** Give up on a request after this many milliseconds. @default 10000 */
  readonly timeoutMs?: number;
  /** Accept any TLS certificate (self-signed development servers). @default false */
  readonly insecure?: boolean;
  /** Connect to these addresses for these host names and ports (curl's `--resolve`). @default [] */
  readonly resolve?: readonly ResolveRule[];
}

export interface DoctorOptions extends HttpTransportOptions {
  /** Also GET a missing path to see whether error responses carry CORS headers. @default true */
  readonly errorProbe?: boolean;
  /**
   * Apply the Fetch standard exactly where today's browsers are laxer (`Authorization` covered by
   * `Access-Control-Allow-Headers: *` is then a failure, not a warning). @default false
   */
  readonly strict?: boolean;
  /** Sends requests; defaults to node:http / node:https. */
  readonly transport?: Transport;
  /** The server to write fixes for first (`--server`); recognised from the responses when absent. */
  readonly server?: ServerKind;
  /**
   * Send extra GET and OPTIONS requests to settle a failure's cause, and audit an allowed
   * credentialed response for origins nobody lists (`https://….invalid`, `null`). @default true
   */
  readonly extraProbes?: boolean;
  /** A login request whose cookies the report covers (needs `credentials`). @default none */
  readonly login?: LoginInput;
}

/** Thrown for a doctor input that does not describe a request (bad URL, origin, method or header). */
export class DoctorUsageError extends TypeError {
  override readonly name = "DoctorUsageError";
  readonly code = "ERR_CROSSGATE_DOCTOR_USAGE";
  constructor(readonly problems: readonly string[]) {
    super(`crossgate doctor: ${problems.join(" ")}`);
  }
}

/**
 * Diagnoses a cross-origin request against a live server, as a browser would make it.
 * Throws `DoctorUsageError` for an input that is not a request; network failures are a report
 * with verdict "error".
 * @example
 * const report = await doctor({ url: "https://api.example.com/items", origin: "https://app.example.com", method: "PUT" });
 * if (report.verdict !== "allowed") console.log(report.failure?.fix.crossgate);
 */
export async function doctor(input: DoctorInput, options: DoctorOptions = {}): Promise<DoctorReport> {
  const normalized = normalizeDoctorInput(input);
  if (!normalized.ok) throw new DoctorUsageError(normalized.problems);
  const login = options.login === undefined ? null : loginRequest(options.login, normalized.request.origin);
  if (login !== null && "problems" in login) throw new DoctorUsageError(login.problems);
  if (login !== null && !normalized.request.credentials) throw new DoctorUsageError(["--login needs --credentials: without them the page's requests carry no cookies."]);
  const transport = options.transport ?? httpTransport(options);
  const diagnoseOptions = {
    errorProbe: options.errorProbe ?? true,
    strict: options.strict === true,
    inputWarnings: normalized.warnings,
    ...(options.server !== undefined ? { server: options.server } : {}),
    extraProbes: options.extraProbes !== false,
  };
  let report: DoctorReport;
  if (normalized.pageUrl === undefined) {
    report = await diagnose(normalized.request, transport, diagnoseOptions);
  } else {
    const page = await readPage(normalized.pageUrl, transport);
    const pageHost = new URL(page.url).hostname;
    const [pageSpace, targetSpace] = await Promise.all([resolvedAddressSpace(pageHost), resolvedAddressSpace(new URL(normalized.request.url).hostname)]);
    report = await diagnose(normalized.request, transport, {
      ...diagnoseOptions,
      inputWarnings: [...normalized.warnings, ...page.warnings],
      page: { url: page.url, policies: page.policies, addressSpace: pageSpace },
      pageReport: page.report,
      targetAddressSpace: targetSpace,
    });
  }
  return normalized.request.credentials ? withCookieReport(report, transport, login?.request ?? null) : report;
}

/**
 * The address space `host` resolves to (Local Network Access decides on the resolved address, not
 * the name); the host literal's own space when it does not resolve within a second.
 */
async function resolvedAddressSpace(host: string): Promise<AddressSpace> {
  const literal = addressSpaceOfHost(host);
  if (literal === "loopback" || /^[\d.]+$|:/.test(host)) return literal;
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    const resolved = await Promise.race([
      lookup(host.replace(/^\[|\]$/g, "")),
      new Promise<undefined>((resolve) => {
        timer = setTimeout(() => resolve(undefined), 1000);
      }),
    ]);
    return resolved === undefined ? literal : addressSpaceOfHost(resolved.address);
  } catch {
    return literal;
  } finally {
    clearTimeout(timer);
  }
}

const BODY_PREVIEW_BYTES = 8192;

/** A transport over node:http / node:https: one connection per request, nothing automatic. */
export function httpTransport(options: HttpTransportOptions = {}): Transport {
  const timeoutMs = options.timeoutMs ?? 10_000;
  return (request: WireRequest) =>
    new Promise<WireResponse>((resolve, reject) => {
      const url = new URL(request.url);
      const headers: Record<string, string> = {};
      for (const [name, value] of request.headers) headers[name] = value;
      const module = url.protocol === "https:" ? https : http;
      let settled = false;
      const finish = (fn: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        fn();
      };
      let req: http.ClientRequest;
      try {
        const lookup = resolveLookup(options.resolve ?? [], url);
        req = module.request(url, {
          method: request.method,
          headers,
          agent: false,
          ...(lookup !== null ? { lookup } : {}),
          ...(url.protocol === "https:" ? { rejectUnauthorized: options.insecure !== true } : {}),
        });
      } catch (error) {
        reject(error);
        return;
      }
      const timer = setTimeout(() => {
        const error = Object.assign(new Error(`no response within ${timeoutMs} ms`), { code: "ETIMEDOUT" });
        req.destroy(error);
      }, timeoutMs);
      req.on("error", (error) => finish(() => reject(error)));
      req.on("response", (res) => {
        const chunks: Buffer[] = [];
        const limit = request.bodyLimit ?? BODY_PREVIEW_BYTES;
        let size = 0;
        const done = () =>
          finish(() =>
            resolve({
              status: res.statusCode ?? 0,
              headers: pairs(res.rawHeaders),
              bodyPreview: Buffer.concat(chunks).subarray(0, limit).toString("utf8"),
            }),
          );
        res.on("data", (chunk: Buffer) => {
          if (size < limit) chunks.push(chunk);
          size += chunk.length;
          if (size >= limit) {
            done();
            res.destroy();
          }
        });
        res.on("end", done);
        res.on("close", done);
        res.on("error", done);
      });
      req.end(request.body);
    });
}

function pairs(raw: readonly string[]): HeaderPair[] {
  const result: HeaderPair[] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) result.push([raw[i] as string, raw[i + 1] as string]);
  return result;
}
