// The extra requests the doctor sends after the replay, to settle a cause or audit an allowed
// response: bounded in number, never with a body, and only methods that change nothing (GET, and
// OPTIONS as a preflight), whatever the diagnosed request's method was.
import type { Transport, WireResponse } from "./engine.ts";
import { getHeader, type HeaderPair } from "./http-tokens.ts";
import type { ExtraProbe } from "./report.ts";
import { splitList } from "./header-list.ts";

/** At most this many extra requests per diagnosis. */
export const MAX_EXTRA_PROBES = 12;

export interface Prober {
  /**
   * GETs `url` with `Origin: origin`, or sends a preflight (OPTIONS with Access-Control-Request-Method
   * and, when given, -Headers). Null when the budget is spent or no response arrived.
   */
  get(url: string, origin: string): Promise<WireResponse | null>;
  preflight(url: string, origin: string, method: string, headerNames?: readonly string[]): Promise<WireResponse | null>;
  /** Records what the last request of `method` to `url` showed, for the report. */
  note(method: string, url: string, origin: string, response: WireResponse | null, showed: string): void;
  readonly probes: readonly ExtraProbe[];
  /** False when extra probes are off: nothing is sent, and causes rest on the replay alone. */
  readonly enabled: boolean;
  /** Every response received, for recognising the server. */
  readonly responses: readonly WireResponse[];
}

export function createProber(send: Transport, enabled: boolean): Prober {
  let budget = enabled ? MAX_EXTRA_PROBES : 0;
  const probes: ExtraProbe[] = [];
  const responses: WireResponse[] = [];
  const go = async (method: string, url: string, headers: HeaderPair[]): Promise<WireResponse | null> => {
    if (budget <= 0) return null;
    budget--;
    try {
      const response = await send({ method, url, headers: [["Accept", "*/*"], ...headers] });
      responses.push(response);
      return response;
    } catch {
      return null;
    }
  };
  return {
    get: (url, origin) => go("GET", url, [["Origin", origin]]),
    preflight: (url, origin, method, headerNames = []) =>
      go("OPTIONS", url, [
        ["Origin", origin],
        ["Access-Control-Request-Method", method],
        ...(headerNames.length > 0 ? [["Access-Control-Request-Headers", headerNames.join(",")] as const] : []),
      ]),
    note(method, url, origin, response, showed) {
      if (!enabled) return;
      probes.push({ method, url, origin, status: response?.status ?? null, showed });
    },
    probes,
    enabled,
    responses,
  };
}

/**
 * What in `headers` shows that a CORS layer ran, as a phrase ("Vary: Origin",
 * "Access-Control-Allow-Origin: …"), or null: no `Vary: Origin` and no `Access-Control-*`.
 */
export function corsLayerEvidence(headers: readonly HeaderPair[]): string | null {
  const allowOrigin = getHeader(headers, "access-control-allow-origin");
  if (allowOrigin !== null) return `Access-Control-Allow-Origin: ${allowOrigin}`;
  const vary = splitList(getHeader(headers, "vary"));
  if (vary.some((v) => v.toLowerCase() === "origin")) return "Vary: Origin";
  const other = headers.find(([name]) => name.toLowerCase().startsWith("access-control-"));
  return other ? `${other[0]}: ${other[1]}` : null;
}
