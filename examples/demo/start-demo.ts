// Starts the whole demo in-process: the API, the SPA's static server, and the outsider page's server.
import { rm } from "node:fs/promises";
import type { RequestLogEntry } from "./api/http.ts";
import type { PostStore } from "./api/posts.ts";
import { createDemoApi } from "./api/server.ts";
import { buildSpa } from "./build-spa.ts";
import { demoEnvironment, portFrom, type Environment } from "./config.ts";
import { listenOnLoopback, type LoopbackListener } from "./listen.ts";
import { staticSite, type DemoPageConfig } from "./static-server.ts";

/** The three ports, once bound. */
export interface DemoPorts {
  readonly apiPort: number;
  readonly spaPort: number;
  readonly outsiderPort: number;
}

export interface StartDemoOptions {
  /** The API's port; `0` picks a free one. @default API_PORT, else 8000 */
  readonly apiPort?: number;
  /** The SPA's port; `0` picks a free one. @default SPA_PORT, else 5173 */
  readonly spaPort?: number;
  /** The port of the page the API does not allow; `0` picks a free one. @default OUTSIDER_PORT, else 5174 */
  readonly outsiderPort?: number;
  /**
   * The API's environment (CORS_*, SECRET_KEY, CSRF_*), or a function of the bound ports (tests on
   * free ports allow the SPA's actual origins this way).
   * @default `.env.example`, overridden by `.env` and then by `process.env`
   */
  readonly env?: Environment | ((ports: DemoPorts) => Environment);
  /** A directory holding an already built SPA, which is then served as is. @default builds the SPA into a temporary directory */
  readonly spaDir?: string;
  /** Called once per finished API request, preflights included. @default none */
  readonly onRequest?: (entry: RequestLogEntry) => void;
}

export interface RunningDemo extends DemoPorts {
  /** `http://localhost:<spaPort>/`: open this. */
  readonly spaURL: string;
  /** `http://localhost:<apiPort>` */
  readonly apiURL: string;
  /** `http://localhost:<outsiderPort>/outsider.html` */
  readonly outsiderURL: string;
  /** The API's in-memory posts. */
  readonly posts: PostStore;
  /** Stops all servers and removes the temporary SPA build. */
  close(): Promise<void>;
}

/**
 * Builds the SPA (unless `spaDir` is given) and starts the three servers on 127.0.0.1 and ::1.
 * Rejects with crossgate's ConfigError for a bad CORS or CSRF variable, or with a message naming
 * the port variable when a port is taken.
 * @example
 * const demo = await startDemo({ apiPort: 0, spaPort: 0, outsiderPort: 0 });
 * console.log(demo.spaURL);
 * await demo.close();
 */
export async function startDemo(options: StartDemoOptions = {}): Promise<RunningDemo> {
  const defaults = demoEnvironment();
  const builtDir = options.spaDir ?? (await buildSpa());
  const ownsBuild = options.spaDir === undefined;
  const listeners: LoopbackListener[] = [];
  const closeAll = async () => {
    await Promise.all(listeners.map((listener) => listener.close()));
    if (ownsBuild) await rm(builtDir, { recursive: true, force: true });
  };

  try {
    // Bind every port first: the page config and (in tests) the allowed origins depend on all of them.
    let apiHandler: ((...args: Parameters<ReturnType<typeof createDemoApi>["handler"]>) => void) | undefined;
    let pageConfig: DemoPageConfig | undefined;
    const site = staticSite(builtDir, () => pageConfig!);
    const api = await listenOnLoopback((req, res) => apiHandler!(req, res), options.apiPort ?? portFrom(defaults, "API_PORT", 8000), "API_PORT");
    listeners.push(api);
    const spa = await listenOnLoopback(site, options.spaPort ?? portFrom(defaults, "SPA_PORT", 5173), "SPA_PORT");
    listeners.push(spa);
    const outsider = await listenOnLoopback(site, options.outsiderPort ?? portFrom(defaults, "OUTSIDER_PORT", 5174), "OUTSIDER_PORT");
    listeners.push(outsider);

    const ports: DemoPorts = { apiPort: api.port, spaPort: spa.port, outsiderPort: outsider.port };
    pageConfig = ports;
    const env = typeof options.env === "function" ? options.env(ports) : (options.env ?? defaults);
    const demoApi = createDemoApi({ env, ...(options.onRequest ? { onRequest: options.onRequest } : {}) });
    apiHandler = demoApi.handler;

    return {
      ...ports,
      spaURL: `http://localhost:${ports.spaPort}/`,
      apiURL: `http://localhost:${ports.apiPort}`,
      outsiderURL: `http://localhost:${ports.outsiderPort}/outsider.html`,
      posts: demoApi.posts,
      close: closeAll,
    };
  } catch (error) {
    await closeAll();
    throw error;
  }
}
