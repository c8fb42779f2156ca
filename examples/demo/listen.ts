// Listens on IPv4 and IPv6 loopback at one port, so `http://localhost:<port>` works whichever address
// the browser resolves `localhost` to (127.0.0.1 or ::1).
import { createServer, type RequestListener, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** A handler served on 127.0.0.1 and ::1 at the same port. */
export interface LoopbackListener {
  readonly port: number;
  close(): Promise<void>;
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => reject(error);
    server.once("error", onError);
    server.listen(port, host, () => {
      server.off("error", onError);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) return resolve();
    server.close(() => resolve());
    // Keep-alive sockets would hold the server open after Ctrl-C.
    server.closeAllConnections();
  });
}

function errorCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

/**
 * Serves `handler` on 127.0.0.1 and ::1 at `port` (`0` picks a free port, the same on both).
 * A machine without IPv6 loopback is served on 127.0.0.1 alone. A port in use fails with a message
 * naming it and `portVariable`, the environment variable that changes it.
 */
export async function listenOnLoopback(handler: RequestListener, port: number, portVariable: string): Promise<LoopbackListener> {
  for (let attempt = 0; ; attempt++) {
    const v4 = createServer(handler);
    let bound: number;
    try {
      bound = await listen(v4, port, "127.0.0.1");
    } catch (error) {
      if (errorCode(error) === "EADDRINUSE") {
        throw new Error(`crossgate demo: port ${port} is already in use on 127.0.0.1; stop what uses it or set ${portVariable}=<another port>`);
      }
      throw error;
    }
    const servers = [v4];
    const v6 = createServer(handler);
    try {
      await listen(v6, bound, "::1");
      servers.push(v6);
    } catch (error) {
      const code = errorCode(error);
      // A free port picked on 127.0.0.1 may be taken on ::1: try another one.
      if (code === "EADDRINUSE" && port === 0 && attempt < 5) {
        await close(v4);
        continue;
      }
      if (code === "EADDRINUSE") {
        await close(v4);
        throw new Error(`crossgate demo: port ${bound} is already in use on ::1; stop what uses it or set ${portVariable}=<another port>`);
      }
      if (code !== "EADDRNOTAVAIL" && code !== "EAFNOSUPPORT") {
        await close(v4);
        throw error;
      }
    }
    return { port: bound, close: async () => void (await Promise.all(servers.map(close))) };
  }
}
