/**
 * A raw HTTP/1.1 client over `net`: writes header values byte for byte, control characters and
 * non-Latin-1 text included, which Node's own client refuses to send (ERR_INVALID_CHAR).
 */
import net from "node:net";

export interface RawReply {
  readonly status: number;
  /** Lower-case names; repeated headers keep every value. */
  readonly headers: ReadonlyMap<string, readonly string[]>;
  readonly body: string;
  readonly elapsedMs: number;
}

/** Latin-1 text goes out as its bytes (as Node sends header strings); anything wider as UTF-8. */
function encode(text: string): Buffer {
  return /^[\x00-\xff]*$/.test(text) ? Buffer.from(text, "latin1") : Buffer.from(text, "utf8");
}

function decodeChunked(body: Buffer): Buffer {
  const parts: Buffer[] = [];
  let offset = 0;
  while (offset < body.length) {
    const lineEnd = body.indexOf("\r\n", offset);
    if (lineEnd === -1) break;
    const size = Number.parseInt(body.subarray(offset, lineEnd).toString("latin1"), 16);
    if (!Number.isFinite(size) || size === 0) break;
    parts.push(body.subarray(lineEnd + 2, lineEnd + 2 + size));
    offset = lineEnd + 2 + size + 2;
  }
  return Buffer.concat(parts);
}

function parse(bytes: Buffer, elapsedMs: number): RawReply {
  const headEnd = bytes.indexOf("\r\n\r\n");
  if (headEnd === -1) throw new Error(`no complete response head: ${JSON.stringify(bytes.subarray(0, 200).toString("latin1"))}`);
  const lines = bytes.subarray(0, headEnd).toString("latin1").split("\r\n");
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(lines[0] ?? "")?.[1]);
  if (!Number.isInteger(status)) throw new Error(`bad status line ${JSON.stringify(lines[0])}`);
  const headers = new Map<string, string[]>();
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(":");
    const name = line.slice(0, colon).trim().toLowerCase();
    const values = headers.get(name) ?? [];
    values.push(line.slice(colon + 1).trim());
    headers.set(name, values);
  }
  let body = bytes.subarray(headEnd + 4);
  if (headers.get("transfer-encoding")?.some((value) => value.toLowerCase().includes("chunked"))) body = decodeChunked(body);
  return { status, headers, body: body.toString("utf8"), elapsedMs };
}

/**
 * Sends one request on a fresh connection (`Connection: close`) and reads the response until the
 * server closes. Fails after `timeoutMs` without a complete answer.
 */
export function sendRaw(
  base: string,
  method: string,
  path: string,
  headers: readonly (readonly [string, string])[],
  body = "",
  timeoutMs = 10_000,
): Promise<RawReply> {
  const { hostname, port } = new URL(base);
  const head = [`${method} ${path} HTTP/1.1`, `Host: ${hostname}:${port}`, "Connection: close"];
  const parts: Buffer[] = [Buffer.from(head.join("\r\n") + "\r\n", "latin1")];
  for (const [name, value] of headers) parts.push(Buffer.from(`${name}: `, "latin1"), encode(value), Buffer.from("\r\n", "latin1"));
  const payload = Buffer.from(body, "utf8");
  if (payload.length > 0 || method === "POST" || method === "PUT") parts.push(Buffer.from(`Content-Length: ${payload.length}\r\n`, "latin1"));
  parts.push(Buffer.from("\r\n", "latin1"), payload);

  const started = performance.now();
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = net.connect({ host: hostname, port: Number(port) });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`${method} ${path}: no complete answer within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.on("data", (chunk: Buffer) => chunks.push(chunk));
    // The server may answer and close before reading the whole (huge) request: that is fine.
    socket.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code !== "ECONNRESET" && error.code !== "EPIPE") {
        clearTimeout(timer);
        reject(error);
      }
    });
    socket.on("close", () => {
      clearTimeout(timer);
      try {
        resolve(parse(Buffer.concat(chunks), performance.now() - started));
      } catch (error) {
        reject(error);
      }
    });
    socket.write(Buffer.concat(parts));
  });
}
