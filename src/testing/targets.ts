// The things `probe()` can diagnose in-process: a Fetch handler, a Node request listener or a
// node:http server. Each becomes a transport plus the URL the doctor requests.
import http, { type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Transport, WireRequest, WireResponse } from "../doctor/engine.ts";
import type { HeaderPair } from "../doctor/http-tokens.ts";
import { httpTransport } from "../doctor/probe.ts";

/** A Fetch API handler: Hono's `app.fetch`, a Workers/Deno/Bun handler, crossgate's fetch adapter. */
export type FetchHandler = (request: Request) => Response | Promise<Response>;

/** A node:http request listener: an Express app, Koa's `app.callback()`, a plain `(req, res)` function. */
export type NodeRequestListener = (req: IncomingMessage, res: ServerResponse) => void;

/** Where the doctor sends its requests, and how to stop afterwards. */
export interface ResolvedTarget {
  readonly url: string;
  readonly transport: Transport;
  close(): Promise<void>;
}

const BODY_PREVIEW_CHARS = 8192;
const FETCH_HANDLER_BASE = "http://localhost";

/**
 * Calls a Fetch handler directly, no socket. Requests for other origins (a redirect elsewhere)
 * go out over the network. `Headers` joins repeated response headers, so a duplicate header
 * shows as one combined value, which the CORS check treats just as a browser does.
 */
export function fetchHandlerTarget(handler: FetchHandler, path: string, timeoutMs: number): ResolvedTarget {
  const url = new URL(path, FETCH_HANDLER_BASE);
  const network = httpTransport({ timeoutMs });
  const transport: Transport = async (request: WireRequest): Promise<WireResponse> => {
    if (new URL(request.url).origin !== url.origin) return network(request);
    const response = await handler(new Request(request.url, { method: request.method, headers: request.headers.map(([n, v]) => [n, v]) }));
    const headers: HeaderPair[] = [];
    response.headers.forEach((value, name) => {
      if (name !== "set-cookie") headers.push([name, value]);
    });
    for (const cookie of response.headers.getSetCookie()) headers.push(["set-cookie", cookie]);
    const body = await response.text().catch(() => "");
    return { status: response.status, headers, bodyPreview: body.slice(0, BODY_PREVIEW_CHARS) };
  };
  return { url: url.href, transport, close: async () => {} };
}

/** Serves a Node listener (or an existing server) on a random 127.0.0.1 port for the probe's duration. */
export async function nodeTarget(target: NodeRequestListener | Server, path: string, timeoutMs: number): Promise<ResolvedTarget> {
  const server = typeof target === "function" ? http.createServer(target) : target;
  const startedHere = !server.listening;
  if (startedHere) {
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(0, "127.0.0.1", () => {
        server.off("error", reject);
        resolve();
      });
    });
  }
  const address = server.address() as AddressInfo;
  const host = address.family === "IPv6" ? `[${address.address === "::" ? "::1" : address.address}]` : address.address === "0.0.0.0" ? "127.0.0.1" : address.address;
  return {
    url: new URL(path, `http://${host}:${address.port}`).href,
    transport: httpTransport({ timeoutMs }),
    close: () =>
      startedHere
        ? new Promise<void>((resolve) => {
            server.closeAllConnections();
            server.close(() => resolve());
          })
        : Promise.resolve(),
  };
}
