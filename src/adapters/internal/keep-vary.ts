/**
 * Keeps `Origin` (and the plan's other `Vary` tokens) in a Node response's `Vary` until the head
 * is written, whatever the app does in between. Shared by the Node (Express, Connect) and Koa
 * adapters, which hand the raw `ServerResponse` to code that can replace `Vary`, and by the Hono
 * adapter on @hono/node-server, which writes the app's `Response` through `writeHead`.
 */
import type { OutgoingHttpHeaders, ServerResponse } from "node:http";
import { mergeVary } from "../../core/internal/vary.ts";

const VARY = Symbol("crossgate.vary");
const WRITE_HEAD = Symbol("crossgate.writeHead");

type VaryingResponse = ServerResponse & { [VARY]?: string; [WRITE_HEAD]?: ServerResponse["writeHead"] };

/**
 * Merges `vary` into the response's `Vary` now, and again when the head is written, so a handler
 * that later overwrites `Vary` (`res.setHeader("Vary", "Accept-Encoding")`,
 * `res.writeHead(200, { Vary })` or the flat array form `res.writeHead(200, ["Vary", ...])`)
 * cannot drop `Origin` and poison caches. Node's own end of a response (`res.end()` without
 * `writeHead`) goes through `writeHead` as well.
 */
export function keepVary(res: ServerResponse, vary: string): void {
  const response = res as VaryingResponse;
  response.setHeader("Vary", mergeVary(response.getHeader("vary"), vary));
  if (response[VARY] !== undefined) {
    response[VARY] = mergeVary(response[VARY], vary);
    return;
  }
  response[VARY] = vary;
  response[WRITE_HEAD] = response.writeHead;
  response.writeHead = writeHeadKeepingVary as ServerResponse["writeHead"];
}

function writeHeadKeepingVary(this: VaryingResponse, ...args: unknown[]): ServerResponse {
  const vary = this[VARY]!;
  const last = args.length > 1 ? args[args.length - 1] : undefined;
  if (Array.isArray(last)) {
    // `writeHead(status, [name, value, name, value, ...])`: Node sets each pair in turn, so a
    // `Vary` pair replaces the merged one; merge into every `Vary` pair of a copy.
    args[args.length - 1] = last.map((item: unknown, index) =>
      index % 2 === 1 && typeof last[index - 1] === "string" && (last[index - 1] as string).toLowerCase() === "vary"
        ? mergeVary(item as string | string[] | number | undefined, vary)
        : item,
    );
  } else if (typeof last === "object" && last !== null) {
    const headers = last as OutgoingHttpHeaders;
    const key = Object.keys(headers).find((name) => name.toLowerCase() === "vary");
    // A copy: the app's header object may be frozen or shared between responses.
    if (key !== undefined) args[args.length - 1] = { ...headers, [key]: mergeVary(headers[key], vary) };
  }
  if (!this.headersSent) {
    // Set again only when a handler replaced or removed it: setHeader validates name and value.
    const current = this.getHeader("vary");
    const merged = mergeVary(current, vary);
    if (merged !== current) this.setHeader("Vary", merged);
  }
  return (this[WRITE_HEAD] as (...a: unknown[]) => ServerResponse).apply(this, args);
}
