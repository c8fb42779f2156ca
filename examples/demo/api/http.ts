// Small node:http helpers for the demo API: JSON in and out, cookies, a request log.
import type { IncomingMessage, ServerResponse } from "node:http";

/** The largest JSON body the demo API reads. */
const MAX_BODY_BYTES = 64 * 1024;

/** Sends `body` as JSON with `status` and any extra headers. */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string | string[]> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { ...headers, "Content-Type": "application/json; charset=utf-8", "Content-Length": Buffer.byteLength(text) });
  res.end(text);
}

/** Sends `{ "error": code, "message": message }`. */
export function sendError(res: ServerResponse, status: number, code: string, message: string): void {
  sendJson(res, status, { error: code, message });
}

/**
 * Reads a JSON object body sent as `Content-Type: application/json`. Resolves undefined for another
 * type, or a missing, oversized or malformed body (the route answers 400); never throws. Insisting on
 * the JSON type means a cross-site "simple" request (text/plain, no preflight) is never parsed as JSON,
 * a second line of defence behind the CSRF guard.
 */
export function readJsonObject(req: IncomingMessage): Promise<Record<string, unknown> | undefined> {
  const type = req.headers["content-type"]?.split(";")[0]?.trim().toLowerCase();
  if (type !== "application/json" || req.readableEnded) {
    req.resume();
    return Promise.resolve(undefined);
  }
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) tooLarge = true;
      else chunks.push(chunk);
    });
    req.on("error", () => resolve(undefined));
    req.on("end", () => {
      if (tooLarge || size === 0) return resolve(undefined);
      try {
        const value: unknown = JSON.parse(Buffer.concat(chunks).toString("utf8"));
        resolve(typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined);
      } catch {
        resolve(undefined);
      }
    });
  });
}

/** The value of cookie `name` in the request's `Cookie` header. */
export function cookieValue(req: IncomingMessage, name: string): string | undefined {
  for (const pair of (req.headers.cookie ?? "").split(";")) {
    const index = pair.indexOf("=");
    if (index > 0 && pair.slice(0, index).trim() === name) return pair.slice(index + 1).trim();
  }
  return undefined;
}

/** One line of the request log: what the browser sent and what the API answered. */
export interface RequestLogEntry {
  readonly method: string;
  /** Path and query. */
  readonly url: string;
  readonly origin: string | undefined;
  /** `Sec-Fetch-Site`, as the browser set it. */
  readonly site: string | undefined;
  /** Whether the request carried any cookie. */
  readonly withCookies: boolean;
  readonly status: number;
}

/** Calls `log` once the response is finished. */
export function logWhenFinished(req: IncomingMessage, res: ServerResponse, log: (entry: RequestLogEntry) => void): void {
  res.on("finish", () => {
    const single = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);
    log({
      method: req.method ?? "GET",
      url: req.url ?? "/",
      origin: single(req.headers.origin),
      site: single(req.headers["sec-fetch-site"]),
      withCookies: req.headers.cookie !== undefined && req.headers.cookie !== "",
      status: res.statusCode,
    });
  });
}
