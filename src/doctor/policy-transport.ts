// Answers the doctor's requests the way a crossgate policy would, with no server: what
// `crossgate explain` runs the engine against.
import type { CorsPolicy } from "../core/cors/policy.ts";
import { requestViewFromRecord } from "../core/request.ts";
import type { Transport, WireResponse } from "./engine.ts";
import type { HeaderPair } from "./http-tokens.ts";

/**
 * A transport that asks `policy` for each request and answers with its plan: a preflight the
 * policy answers itself gets the plan's status; any other request reaches "the app", which
 * answers `appStatus` with the plan's headers on it, as every crossgate adapter does.
 */
export function policyTransport(policy: CorsPolicy, appStatus = 200): Transport {
  return async (request) => {
    const record: Record<string, string> = {};
    for (const [name, value] of request.headers) {
      const lower = name.toLowerCase();
      record[lower] = record[lower] === undefined ? value : `${record[lower]}, ${value}`;
    }
    const url = new URL(request.url);
    const plan = await policy.decide(requestViewFromRecord(request.method, `${url.pathname}${url.search}`, record));
    const headers: HeaderPair[] = plan.headers.map(([name, value]) => [name, value] as const);
    if (plan.vary !== "") headers.push(["Vary", plan.vary]);
    const response: WireResponse = {
      status: plan.action === "respond" ? plan.status : appStatus,
      headers,
      bodyPreview: "",
    };
    return response;
  };
}
