/** A raw HTTP client for contract tests: any header (Origin included), any size, real sockets. */
import http, { type IncomingHttpHeaders } from "node:http";
import { MAX_HEADER_SIZE } from "./adapters.ts";

export interface Reply {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  /** The header lines as received, name and value alternating (repeated fields are not joined). */
  readonly rawHeaders: readonly string[];
  readonly body: string;
  /** Milliseconds from sending to the end of the response. */
  readonly elapsedMs: number;
}

/** Sends one request to `base + path` on a fresh connection and reads the whole response. */
export function send(base: string, method: string, path: string, headers: Readonly<Record<string, string>> = {}, body?: string): Promise<Reply> {
  const target = new URL(path, base);
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: target.hostname, port: target.port, method, path: target.pathname + target.search, headers, agent: false, maxHeaderSize: MAX_HEADER_SIZE },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => (text += chunk));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, rawHeaders: res.rawHeaders, body: text, elapsedMs: performance.now() - started }));
      },
    );
    req.setTimeout(10_000, () => req.destroy(new Error(`${method} ${path}: no answer within 10 s`)));
    req.on("error", reject);
    req.end(body);
  });
}

/** The header's tokens, lower-cased (`"Accept-Encoding, Origin"` → `["accept-encoding", "origin"]`). */
export function tokens(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  return (Array.isArray(value) ? value.join(",") : value)
    .split(",")
    .map((token) => token.trim().toLowerCase())
    .filter((token) => token !== "");
}
