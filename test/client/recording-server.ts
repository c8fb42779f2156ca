// A loopback API for client tests that records every request it receives.
import type { IncomingHttpHeaders, ServerResponse } from "node:http";
import { startLoopbackServer } from "../browser/harness/loopback-server.ts";

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

export interface RecordingServer {
  readonly origin: string;
  readonly requests: RecordedRequest[];
  close(): Promise<void>;
}

export type Route = (request: RecordedRequest, response: ServerResponse) => void;

/** Starts a server on 127.0.0.1 whose responses come from `route`; bodies are read before routing. */
export async function startRecordingServer(route: Route): Promise<RecordingServer> {
  const requests: RecordedRequest[] = [];
  const server = await startLoopbackServer(
    (req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (chunk: Buffer) => chunks.push(chunk));
      req.on("end", () => {
        const recorded = {
          method: req.method ?? "",
          path: req.url ?? "",
          headers: req.headers,
          body: Buffer.concat(chunks).toString("utf8"),
        };
        requests.push(recorded);
        route(recorded, res);
      });
    },
    { alsoIPv6: false },
  );
  return { origin: server.origin, requests, close: () => server.close() };
}

/** Answers JSON with `status` and extra headers. */
export function sendJSON(res: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { "Content-Type": "application/json", ...headers });
  res.end(JSON.stringify(value));
}
