/**
 * Runs generated requests through crossgate: the core decision in-process, and the node adapter
 * over a fake request and response (no sockets), so that each property run costs microseconds.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { NodeMiddleware } from "../../src/adapters/node.ts";
import type { CorsPlan, CorsPolicy, RequestView } from "../../src/index.ts";
import type { RequestSpec } from "./arbitraries.ts";

/** The request's headers as Node would hand them over: lower-case names, absent when undefined. */
export function headersOf(request: RequestSpec): Record<string, string> {
  const headers: Record<string, string> = {};
  if (request.origin !== undefined) headers.origin = request.origin;
  if (request.requestMethod !== undefined) headers["access-control-request-method"] = request.requestMethod;
  if (request.requestHeaders !== undefined) headers["access-control-request-headers"] = request.requestHeaders;
  if (request.privateNetwork !== undefined) headers["access-control-request-private-network"] = request.privateNetwork;
  if (request.tenant !== undefined) headers["x-tenant"] = request.tenant;
  return headers;
}

export function viewOf(request: RequestSpec): RequestView {
  const headers = headersOf(request);
  return { method: request.method, path: request.path, header: (name) => headers[name] };
}

/** The core's plan for a request; rejections and throws propagate to the property. */
export async function decide(policy: CorsPolicy, request: RequestSpec): Promise<CorsPlan> {
  const plan = policy.decide(viewOf(request));
  return plan instanceof Promise ? await plan : plan;
}

/** Whether the Fetch standard calls this a CORS preflight: OPTIONS with Origin and Access-Control-Request-Method. */
export function isPreflight(request: RequestSpec): boolean {
  return request.method === "OPTIONS" && request.origin !== undefined && request.requestMethod !== undefined;
}

/** Node's own rule for header values (`http.validateHeaderValue`): no CR, LF, NUL or other controls but tab. */
const INVALID_HEADER_VALUE = /[^\t\x20-\x7e\x80-\xff]/;

/** Just enough of `ServerResponse` for the node adapter, enforcing Node's header rules. */
class FakeResponse {
  statusCode = 200;
  headersSent = false;
  ended = false;
  readonly #headers = new Map<string, string | number | readonly string[]>();

  setHeader(name: string, value: string | number | readonly string[]): this {
    if (this.headersSent) throw new Error(`setHeader(${name}) after the head was sent`);
    for (const item of Array.isArray(value) ? value : [value]) {
      if (INVALID_HEADER_VALUE.test(String(item))) throw new Error(`invalid character in header ${name}: ${JSON.stringify(item)}`);
    }
    this.#headers.set(name.toLowerCase(), value);
    return this;
  }

  getHeader(name: string): string | number | readonly string[] | undefined {
    return this.#headers.get(name.toLowerCase());
  }

  removeHeader(name: string): void {
    this.#headers.delete(name.toLowerCase());
  }

  writeHead(status: number, headers?: Record<string, string>): this {
    if (this.headersSent) throw new Error("writeHead twice");
    this.statusCode = status;
    for (const [name, value] of Object.entries(headers ?? {})) this.setHeader(name, value);
    this.headersSent = true;
    return this;
  }

  end(): this {
    if (!this.headersSent) this.writeHead(this.statusCode);
    this.ended = true;
    return this;
  }

  headers(): ReadonlyMap<string, string | number | readonly string[]> {
    return this.#headers;
  }
}

export interface AdapterOutcome {
  /** Whether the app (`next`) ran. */
  readonly reachedApp: boolean;
  /** Whether the adapter answered by itself. */
  readonly answered: boolean;
  readonly status: number;
  readonly headers: ReadonlyMap<string, string | number | readonly string[]>;
}

/**
 * Runs the node adapter as Express would, with an app behind it that answers 200 and sets its own
 * `Vary`. Resolves once the adapter answered or handed on; fails if it does neither.
 */
export async function runNodeAdapter(middleware: NodeMiddleware, request: RequestSpec): Promise<AdapterOutcome> {
  const req = { method: request.method, url: request.path, headers: headersOf(request) } as unknown as IncomingMessage;
  const res = new FakeResponse();
  let reachedApp = false;
  let calls = 0;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("the node adapter neither answered nor called next")), 2000);
    const finish = (error?: unknown) => {
      clearTimeout(timer);
      if (error !== undefined) reject(error instanceof Error ? error : new Error(String(error)));
      else resolve();
    };
    const originalEnd = res.end.bind(res);
    res.end = () => {
      originalEnd();
      finish();
      return res;
    };
    try {
      middleware(req, res as unknown as ServerResponse, (error?: unknown) => {
        calls++;
        if (calls > 1) return finish(new Error("next called twice"));
        if (error !== undefined) return finish(error);
        reachedApp = true;
        try {
          // The app sets its own Vary and answers; the adapter must keep Origin in Vary.
          res.setHeader("Vary", "Accept-Encoding");
          res.writeHead(200, { "Content-Type": "text/plain" });
          res.end();
        } catch (appError) {
          finish(appError);
        }
      });
    } catch (error) {
      finish(error);
    }
  });
  return { reachedApp, answered: !reachedApp && res.ended, status: res.statusCode, headers: res.headers() };
}
