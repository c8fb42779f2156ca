// Starts a case's servers on random 127.0.0.1 ports (two ports are two origins).
import { createServer, type RequestListener, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { BrokenServerCase } from "./broken-servers.ts";

export interface RunningServer {
  readonly origin: string;
  close(): Promise<void>;
}

/** Listens first, so the handler can be built knowing every origin; then handles with it. */
export async function listenLater(): Promise<{ server: Server; origin: string; handle(listener: RequestListener): void; close(): Promise<void> }> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    server,
    origin,
    handle: (listener) => void server.on("request", listener),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Starts the case's server (and its redirect target) for a page at `pageOrigin`. */
export async function startCase(testCase: BrokenServerCase, pageOrigin: string): Promise<{ url: string; close(): Promise<void> }> {
  const main = await listenLater();
  const other = await listenLater();
  const context = { pageOrigin, otherOrigin: other.origin };
  main.handle(testCase.server(context));
  if (testCase.other) other.handle(testCase.other(context));
  else other.handle((_req, res) => res.writeHead(500).end());
  return {
    url: `${main.origin}${testCase.request.path ?? "/data"}`,
    close: async () => {
      await Promise.all([main.close(), other.close()]);
    },
  };
}
