// A throwaway node:http server on a random loopback port, for pages and APIs under test.
import { createServer, type RequestListener, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface LoopbackServer {
  readonly port: number;
  /** `http://127.0.0.1:<port>` */
  readonly origin: string;
  /** `http://localhost:<port>`: another site than `origin` (cross-site for cookies), same server. */
  readonly localhostOrigin: string;
  /** `origin` + path. */
  url(path?: string): string;
  close(): Promise<void>;
}

export interface LoopbackServerOptions {
  /**
   * Also listen on `::1` at the same port, so `http://localhost:<port>` works whichever address the
   * browser resolves `localhost` to.
   * @default true
   */
  readonly alsoIPv6?: boolean;
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

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) return resolve();
    server.closeAllConnections();
    server.close(() => resolve());
  });
}

/** Starts `handler` on 127.0.0.1 (and ::1 on the same port unless disabled) at a random free port. */
export async function startLoopbackServer(
  handler: RequestListener,
  options: LoopbackServerOptions = {},
): Promise<LoopbackServer> {
  const alsoIPv6 = options.alsoIPv6 ?? true;
  // The random port picked on 127.0.0.1 may be taken on ::1; a few attempts settle it.
  for (let attempt = 0; ; attempt++) {
    const v4 = createServer(handler);
    const port = await listen(v4, 0, "127.0.0.1");
    const servers = [v4];
    if (alsoIPv6) {
      const v6 = createServer(handler);
      try {
        await listen(v6, port, "::1");
        servers.push(v6);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === "EADDRINUSE" && attempt < 5) {
          await closeServer(v4);
          continue;
        }
        // No IPv6 loopback on this machine: 127.0.0.1 alone still serves the tests.
        if (code !== "EADDRNOTAVAIL" && code !== "EAFNOSUPPORT") {
          await closeServer(v4);
          throw error;
        }
      }
    }
    const origin = `http://127.0.0.1:${port}`;
    return {
      port,
      origin,
      localhostOrigin: `http://localhost:${port}`,
      url: (path = "/") => origin + path,
      close: async () => {
        await Promise.all(servers.map(closeServer));
      },
    };
  }
}
