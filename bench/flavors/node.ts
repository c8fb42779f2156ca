/**
 * Calling a Connect/Express-style middleware `(req, res, next)` the way Express does, over mock
 * request and response objects that keep headers like Node's `ServerResponse` (lower-case keys).
 * A fresh request and response per call, as Node makes them: middlewares may keep per-request
 * state (crossgate marks the request it decided and wraps `writeHead` on the response).
 */
import type { BenchRequest } from "../scenarios.ts";
import { dispatch3 } from "./dispatch.ts";
import type { Outcome } from "./outcome.ts";

export type NodeStyleMiddleware = (req: any, res: any, next: (error?: unknown) => void) => unknown;

/** The parts of an `IncomingMessage` CORS middlewares read; the header record is shared, not copied. */
export class MockNodeRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly httpVersionMajor = 1;
  readonly httpVersionMinor = 1;
  readonly socket = { encrypted: false, remoteAddress: "127.0.0.1" };
  constructor(request: BenchRequest) {
    this.method = request.method;
    this.url = request.path;
    this.headers = request.headers as Record<string, string>;
  }
}

export class MockNodeResponse {
  statusCode = 200;
  statusMessage = "";
  headersSent = false;
  writableEnded = false;
  readonly headerStore: Record<string, string | number | readonly string[]> = Object.create(null);

  setHeader(name: string, value: string | number | readonly string[]): this {
    this.headerStore[name.toLowerCase()] = value;
    return this;
  }
  getHeader(name: string): string | number | readonly string[] | undefined {
    return this.headerStore[name.toLowerCase()];
  }
  hasHeader(name: string): boolean {
    return name.toLowerCase() in this.headerStore;
  }
  removeHeader(name: string): void {
    delete this.headerStore[name.toLowerCase()];
  }
  getHeaders(): Record<string, string | number | readonly string[]> {
    return { ...this.headerStore };
  }
  writeHead(status: number, headers?: Record<string, string>): this {
    this.statusCode = status;
    if (headers !== undefined) for (const name of Object.keys(headers)) this.setHeader(name, headers[name]!);
    this.headersSent = true;
    return this;
  }
  end(): this {
    if (!this.headersSent) this.writeHead(this.statusCode);
    this.writableEnded = true;
    return this;
  }
}

let reached = false;
const next = (): void => {
  reached = true;
};

/** A benchmark body: one call as Express makes it, on a fresh request and response. */
export function nodeStyleCall(middleware: NodeStyleMiddleware, request: BenchRequest): () => unknown {
  const stack = [middleware];
  return () => dispatch3(stack[0]!, new MockNodeRequest(request), new MockNodeResponse(), next);
}

/** Calls once and reports what the middleware did, for the pre-benchmark check. */
export async function nodeOutcome(middleware: NodeStyleMiddleware, request: BenchRequest): Promise<Outcome> {
  reached = false;
  const res = new MockNodeResponse();
  middleware(new MockNodeRequest(request), res, next);
  await new Promise((resolve) => setImmediate(resolve));
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(res.headerStore)) headers[name] = String(value);
  return { reachedApp: reached, status: res.writableEnded ? res.statusCode : 0, headers };
}
