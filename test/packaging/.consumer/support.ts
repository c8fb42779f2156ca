/**
 * Shared by the consumer checks: the same browser-like exchanges against every framework, over a
 * real socket on 127.0.0.1. This folder is copied into a scratch project that has crossgate
 * installed from the packed tarball; it is never compiled inside the crossgate repository.
 */
import { strict as assert } from "node:assert";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export const ALLOWED_ORIGIN = "https://app.example.com";
export const REFUSED_ORIGIN = "https://evil.example";
/** The options every check gives its framework's `cors()`. */
export const OPTIONS = { origins: [ALLOWED_ORIGIN], credentials: true, exposeHeaders: ["x-request-id"] } as const;
/** The route every check serves: GET answers `{"ok":true}`. */
export const PATH = "/api/items";

/** Starts listening on 127.0.0.1 on a free port and returns the base URL. */
export async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

export async function close(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

function preflight(base: string, origin: string): Promise<Response> {
  return fetch(base + PATH, {
    method: "OPTIONS",
    headers: { Origin: origin, "Access-Control-Request-Method": "PUT", "Access-Control-Request-Headers": "content-type" },
  });
}

function varyTokens(response: Response): string[] {
  return (response.headers.get("vary") ?? "").split(",").map((token) => token.trim().toLowerCase());
}

/**
 * What a browser sees from a server built with `OPTIONS`: a granted preflight, a refused one, and
 * an actual request whose response carries the CORS headers. Throws on the first difference.
 */
export async function expectCorsExchanges(base: string, label: string): Promise<void> {
  const granted = await preflight(base, ALLOWED_ORIGIN);
  assert.equal(granted.status, 204, `${label}: granted preflight status`);
  assert.equal(granted.headers.get("access-control-allow-origin"), ALLOWED_ORIGIN, `${label}: preflight allow-origin`);
  assert.equal(granted.headers.get("access-control-allow-credentials"), "true", `${label}: preflight allow-credentials`);
  assert.match(granted.headers.get("access-control-allow-methods") ?? "", /\bPUT\b/, `${label}: preflight allow-methods`);
  assert.match(granted.headers.get("access-control-allow-headers") ?? "", /content-type/i, `${label}: preflight allow-headers`);
  assert.ok(varyTokens(granted).includes("origin"), `${label}: preflight Vary has Origin`);
  assert.equal(await granted.text(), "", `${label}: preflight body is empty`);

  const refused = await preflight(base, REFUSED_ORIGIN);
  assert.equal(refused.status, 403, `${label}: refused preflight status`);
  assert.equal(refused.headers.get("access-control-allow-origin"), null, `${label}: refused preflight has no allow-origin`);
  await refused.arrayBuffer();

  const actual = await fetch(base + PATH, { headers: { Origin: ALLOWED_ORIGIN } });
  assert.equal(actual.status, 200, `${label}: actual request status`);
  assert.equal(actual.headers.get("access-control-allow-origin"), ALLOWED_ORIGIN, `${label}: actual allow-origin`);
  assert.equal(actual.headers.get("access-control-expose-headers")?.toLowerCase(), "x-request-id", `${label}: actual expose-headers`);
  assert.ok(varyTokens(actual).includes("origin"), `${label}: actual Vary has Origin`);
  assert.deepEqual(await actual.json(), { ok: true }, `${label}: actual body`);

  const other = await fetch(base + PATH, { headers: { Origin: REFUSED_ORIGIN } });
  assert.equal(other.headers.get("access-control-allow-origin"), null, `${label}: refused origin gets no allow-origin`);
  await other.arrayBuffer();
}

/** A minimal Node server around a Fetch handler, the way Node runtimes host one. */
export function serveFetch(handler: (request: Request) => Response | Promise<Response>): Server {
  return createServer((req: IncomingMessage, res: ServerResponse) => {
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) {
      if (typeof value === "string") headers.set(name, value);
      else if (Array.isArray(value)) for (const item of value) headers.append(name, item);
    }
    const method = req.method ?? "GET";
    const request = new Request(`http://127.0.0.1${req.url ?? "/"}`, { method, headers });
    Promise.resolve(handler(request)).then(
      async (response) => {
        res.writeHead(response.status, Object.fromEntries(response.headers));
        res.end(Buffer.from(await response.arrayBuffer()));
      },
      () => {
        res.writeHead(500);
        res.end();
      },
    );
  });
}

/** Runs a check and reports its outcome on stdout; a failure exits non-zero with the message. */
export function run(name: string, check: () => Promise<void>): void {
  const deadline = setTimeout(() => {
    console.error(`${name}: timed out`);
    process.exit(2);
  }, 15_000);
  check().then(
    () => {
      clearTimeout(deadline);
      console.log(`ok ${name}`);
    },
    (error: unknown) => {
      clearTimeout(deadline);
      console.error(`${name}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      process.exitCode = 1;
    },
  );
}
