// Where the API and the outsider page are: the ports come from the static server, the host from the
// page's own URL, because localhost and 127.0.0.1 are different sites and browsers keep cookies apart.

export interface DemoOrigins {
  /** `http://<this page's host>:<API port>` */
  readonly api: string;
  /** `http://<this page's host>:<outsider port>`: an origin the API's CORS policy does not allow. */
  readonly outsider: string;
}

interface PortConfig {
  readonly apiPort: number;
  readonly outsiderPort: number;
}

/** Reads `/demo-config.json` and builds the origins on `location.hostname` (`[::1]` keeps its brackets). */
export async function loadDemoOrigins(): Promise<DemoOrigins> {
  const response = await fetch("/demo-config.json", { cache: "no-store" });
  const config = (await response.json()) as PortConfig;
  const host = location.hostname;
  return { api: `http://${host}:${config.apiPort}`, outsider: `http://${host}:${config.outsiderPort}` };
}
