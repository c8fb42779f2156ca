// The CORS contract (./table.ts) over real sockets against every Node adapter in ./adapters.ts.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { adapters, type ContractServer } from "./adapters.ts";
import { APP, CONTRACT_CORS as CORS, CONTRACT_OVERRIDE as OVERRIDE } from "./config.ts";
import { send } from "./http.ts";
import { describeCorsContract, preflight } from "./table.ts";

for (const adapter of adapters) describeCorsContract(adapter.name, () => adapter.start({ cors: CORS, overrideCors: OVERRIDE }));

describe.each(adapters.map((adapter) => [adapter.name, adapter] as const))("without crossgate: %s", (_name, adapter) => {
  // The same app with no CORS middleware: proves the rows above test crossgate, not the app.
  let server: ContractServer;
  beforeAll(async () => {
    server = await adapter.start({});
  });
  afterAll(() => server?.close());

  it("sends no CORS header and lets preflights reach the router", async () => {
    const actual = await send(server.url, "GET", "/api/items", { Origin: APP });
    expect(actual.status).toBe(200);
    expect(actual.headers["access-control-allow-origin"]).toBeUndefined();
    const preflightReply = await send(server.url, "OPTIONS", "/api/items", preflight(APP, "PUT"));
    expect(preflightReply.status).not.toBe(204);
    expect(preflightReply.headers["access-control-allow-origin"]).toBeUndefined();
  });
});
