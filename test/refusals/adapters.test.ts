// Debug mode and onRefusal through every adapter (test/contract/adapters.ts): the debug answer to a
// preflight refused for a header, Crossgate-Refusal on a refused request's app response, and one
// event per refusal, on real sockets.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CorsRefusalEvent } from "../../src/index.ts";
import { adapters, type ContractServer } from "../contract/adapters.ts";
import { send } from "../contract/http.ts";

const APP = "https://app.example.com";

describe.each(adapters.map((adapter) => [adapter.name, adapter] as const))("%s", (_name, adapter) => {
  const events: CorsRefusalEvent[] = [];
  let server: ContractServer;
  beforeAll(async () => {
    server = await adapter.start({
      cors: { origins: [APP], credentials: true, requestHeaders: ["content-type"], debug: true, logger: { warn: () => {} }, onRefusal: (event) => void events.push(event) },
    });
  });
  afterAll(() => server?.close());

  it("answers a preflight refused for a header like a grant without it, naming the header", async () => {
    const reply = await send(server.url, "OPTIONS", "/api/items", { origin: APP, "access-control-request-method": "PUT", "access-control-request-headers": "content-type,x-foo" });
    expect(reply.status).toBe(204);
    expect(reply.headers["access-control-allow-origin"]).toBe(APP);
    expect(reply.headers["access-control-allow-credentials"]).toBe("true");
    expect(reply.headers["access-control-allow-headers"]).toBe("content-type");
    expect(reply.headers["crossgate-refusal"]).toBe('header-not-allowed; header="x-foo"');
    expect(events.at(-1)).toMatchObject({ kind: "cors", reason: "header-not-allowed", detail: "x-foo", preflight: true });
  });

  it("keeps a refused origin without CORS headers; the app's answer names the reason", async () => {
    const reply = await send(server.url, "GET", "/api/items", { origin: "https://evil.example" });
    expect(reply.headers["access-control-allow-origin"]).toBeUndefined();
    expect(reply.headers["crossgate-refusal"]).toBe("origin-not-allowed");
    expect(events.at(-1)).toMatchObject({ kind: "cors", reason: "origin-not-allowed", origin: "https://evil.example", preflight: false });
  });
});
