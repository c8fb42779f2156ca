// CSRF token sources, the retry after a refusal, and the token never leaving the API origins.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { apiRequest, createClient, HttpError, isCsrfRefusal, isHttpError, type FetchFunction } from "../../src/client/index.ts";
import { sendJSON, startRecordingServer, type RecordedRequest, type RecordingServer } from "./recording-server.ts";

/** A guard in the shape of crossgate's: 403 with Django's reason unless X-CSRFToken equals the current token. */
function guardedAPI() {
  const state = { token: "tokenA", issued: 0 };
  const refuse = (req: RecordedRequest) => {
    if (["GET", "HEAD", "OPTIONS", "TRACE"].includes(req.method)) return undefined;
    const sent = req.headers["x-csrftoken"];
    if (sent === undefined) return "CSRF token missing.";
    if (sent !== state.token) return "CSRF token incorrect.";
    return undefined;
  };
  return { state, refuse };
}

let api: RecordingServer;
let other: RecordingServer;
const guard = guardedAPI();

beforeAll(async () => {
  api = await startRecordingServer((req, res) => {
    if (req.path === "/csrf") {
      guard.state.issued++;
      return sendJSON(res, 200, { csrfToken: guard.state.token }, { "X-CSRFToken": guard.state.token });
    }
    if (req.path === "/csrf-header-only") {
      res.writeHead(204, { "X-CSRFToken": guard.state.token });
      return res.end();
    }
    if (req.path === "/csrf-garbage") return sendJSON(res, 200, { csrfToken: "bad\r\nX-Injected: 1" });
    if (req.path === "/me") return sendJSON(res, 200, { user: "ada" }, { "X-CSRFToken": guard.state.token });
    if (req.path === "/origin-refused") {
      return sendJSON(res, 403, { error: "csrf_failed", reason: "Origin checking failed - http://evil.test does not match any trusted origins." });
    }
    const reason = guard.refuse(req);
    if (reason !== undefined) return sendJSON(res, 403, { error: "csrf_failed", reason });
    return sendJSON(res, 200, { ok: true, token: req.headers["x-csrftoken"] ?? null });
  });
  other = await startRecordingServer((req, res) => sendJSON(res, 200, { token: req.headers["x-csrftoken"] ?? null }));
});

afterAll(async () => {
  await Promise.all([api?.close(), other?.close()]);
});

beforeEach(() => {
  guard.state.token = "tokenA";
  guard.state.issued = 0;
  api.requests.length = 0;
  other.requests.length = 0;
});

afterEach(() => {
  vi.unstubAllGlobals();
});

const paths = () => api.requests.map((r) => `${r.method} ${r.path}`);

describe("token sources", () => {
  it("fetches the token endpoint once, then sends X-CSRFToken on unsafe methods only", async () => {
    const client = createClient({ baseURL: api.origin, csrf: { tokenURL: "/csrf" } });
    await client.get("/items");
    await client.request("/items", { method: "HEAD" });
    await client.request("/items", { method: "OPTIONS" });
    expect(guard.state.issued).toBe(0);
    await expect(client.post("/items", { a: 1 })).resolves.toEqual({ ok: true, token: "tokenA" });
    await client.put("/items", { a: 1 });
    await client.patch("/items", { a: 1 });
    await client.delete("/items");
    expect(guard.state.issued).toBe(1);
    expect(paths()).toEqual(["GET /items", "HEAD /items", "OPTIONS /items", "GET /csrf", "POST /items", "PUT /items", "PATCH /items", "DELETE /items"]);
    expect(api.requests.filter((r) => ["GET", "HEAD", "OPTIONS"].includes(r.method)).map((r) => r.headers["x-csrftoken"])).toEqual([undefined, undefined, undefined, undefined]);
  });

  it("shares one token-endpoint request between concurrent calls", async () => {
    const client = createClient({ baseURL: api.origin, csrf: { tokenURL: "/csrf" } });
    await Promise.all([client.post("/a"), client.post("/b"), client.post("/c")]);
    expect(guard.state.issued).toBe(1);
  });

  it("takes the token from the endpoint's X-CSRFToken header when the body has none", async () => {
    const client = createClient({ baseURL: api.origin, csrf: { tokenURL: "/csrf-header-only" } });
    await expect(client.post("/items")).resolves.toEqual({ ok: true, token: "tokenA" });
  });

  it("remembers a token from any API response's X-CSRFToken header", async () => {
    const client = createClient({ baseURL: api.origin });
    await expect(client.post("/items")).rejects.toMatchObject({ status: 403, csrfReason: "CSRF token missing." });
    await client.get("/me");
    await expect(client.post("/items")).resolves.toEqual({ ok: true, token: "tokenA" });
  });

  it("reads the csrftoken cookie when the page can see it, preferring it to a remembered token", async () => {
    vi.stubGlobal("document", { cookie: "theme=dark; csrftoken=tokenB; other=1" });
    guard.state.token = "tokenB";
    const client = createClient({ baseURL: api.origin, csrf: { tokenURL: "/csrf" } });
    await expect(client.post("/items")).resolves.toEqual({ ok: true, token: "tokenB" });
    expect(guard.state.issued).toBe(0);
  });

  it("honours custom cookie and header names", async () => {
    vi.stubGlobal("document", { cookie: "XSRF-TOKEN=tokenA" });
    const client = createClient({ baseURL: other.origin, csrf: { cookieName: "XSRF-TOKEN", headerName: "X-XSRF-TOKEN" } });
    await client.post("/x");
    expect(other.requests[0]?.headers["x-xsrf-token"]).toBe("tokenA");
    expect(other.requests[0]?.headers["x-csrftoken"]).toBeUndefined();
  });

  it("sends no token when csrf is false", async () => {
    vi.stubGlobal("document", { cookie: "csrftoken=tokenA" });
    const client = createClient({ baseURL: api.origin, csrf: false });
    await expect(client.post("/items")).rejects.toMatchObject({ csrfReason: "CSRF token missing." });
    expect(api.requests).toHaveLength(1);
  });

  it("ignores a token that could not safely go into a header", async () => {
    const client = createClient({ baseURL: api.origin, csrf: { tokenURL: "/csrf-garbage" } });
    await expect(client.post("/items")).rejects.toMatchObject({ csrfReason: "CSRF token missing." });
    expect(api.requests.at(-1)?.headers["x-csrftoken"]).toBeUndefined();
  });
});

describe("CSRF refusals", () => {
  it("turns the guard's 403 body into HttpError.csrfReason", async () => {
    const client = createClient({ baseURL: api.origin });
    const error = await client.post("/items", { a: 1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HttpError);
    expect(isHttpError(error) && isCsrfRefusal(error)).toBe(true);
    expect(error).toMatchObject({
      name: "HttpError",
      code: "http_error",
      status: 403,
      statusText: "Forbidden",
      method: "POST",
      url: `${api.origin}/items`,
      csrfReason: "CSRF token missing.",
      body: { error: "csrf_failed", reason: "CSRF token missing." },
    });
    expect((error as Error).message).toBe(`crossgate: POST ${api.origin}/items answered 403 Forbidden: CSRF check failed: CSRF token missing.`);
  });

  it("refreshes a stale token once and retries the refused request", async () => {
    const client = createClient({ baseURL: api.origin, csrf: { tokenURL: "/csrf" } });
    await client.post("/items");
    guard.state.token = "tokenC"; // rotated, e.g. at login
    api.requests.length = 0;
    await expect(client.post("/items", { n: 2 })).resolves.toEqual({ ok: true, token: "tokenC" });
    expect(paths()).toEqual(["POST /items", "GET /csrf", "POST /items"]);
    expect(api.requests.map((r) => r.headers["x-csrftoken"])).toEqual(["tokenA", undefined, "tokenC"]);
    expect(api.requests[2]?.body).toBe('{"n":2}');
  });

  it("retries only once: a second refusal is the caller's HttpError", async () => {
    const client = createClient({ baseURL: api.origin, csrf: { tokenURL: "/csrf" } });
    await client.post("/items");
    let issued = 0;
    // Every token the endpoint hands out is already stale.
    const rotating = createClient({
      baseURL: api.origin,
      csrf: { tokenURL: "/csrf" },
      fetch: async (input, init) => {
        if (input.endsWith("/csrf")) return Response.json({ csrfToken: `stale${++issued}` });
        return fetch(input, init);
      },
    });
    api.requests.length = 0;
    await expect(rotating.post("/items")).rejects.toMatchObject({ status: 403, csrfReason: "CSRF token incorrect." });
    expect(paths()).toEqual(["POST /items", "POST /items"]);
    expect(api.requests.map((r) => r.headers["x-csrftoken"])).toEqual(["stale1", "stale2"]);
  });

  it("does not retry when the refusal is about the Origin, not the token", async () => {
    const client = createClient({ baseURL: api.origin, csrf: { tokenURL: "/csrf" } });
    await expect(client.post("/origin-refused")).rejects.toMatchObject({ csrfReason: expect.stringMatching(/^Origin checking failed/) });
    expect(paths()).toEqual(["GET /csrf", "POST /origin-refused"]);
  });

  it("does not retry when no different token can be found", async () => {
    vi.stubGlobal("document", { cookie: "csrftoken=wrong" });
    const client = createClient({ baseURL: api.origin });
    await expect(client.post("/items")).rejects.toMatchObject({ csrfReason: "CSRF token incorrect." });
    expect(paths()).toEqual(["POST /items"]);
  });

  it("never retries a refusal of a safe method or a 403 that is not a CSRF refusal", async () => {
    let calls = 0;
    const answer = (body: unknown): FetchFunction => async () => {
      calls++;
      return Response.json(body, { status: 403, headers: { "X-CSRFToken": `fresh${calls}` } });
    };
    const refusal = { error: "csrf_failed", reason: "CSRF token missing." };
    const safe = createClient({ baseURL: api.origin, fetch: answer(refusal) });
    await expect(safe.get("/items")).rejects.toMatchObject({ status: 403, csrfReason: "CSRF token missing." });
    expect(calls).toBe(1);
    calls = 0;
    const forbidden = createClient({ baseURL: api.origin, fetch: answer({ error: "forbidden" }) });
    await expect(forbidden.post("/items")).rejects.toMatchObject({ status: 403, csrfReason: undefined });
    expect(calls).toBe(1);
    calls = 0;
    const refusing = createClient({ baseURL: api.origin, fetch: answer(refusal) });
    await expect(refusing.post("/items")).rejects.toMatchObject({ status: 403, csrfReason: "CSRF token missing." });
    expect(calls).toBe(2); // the refusal carried a new token, so exactly one retry
  });
});

describe("the token and credentials stay with the API origins", () => {
  /** Records what the client handed to fetch, then really sends it. */
  function spyingFetch(): { fetch: FetchFunction; calls: { url: string; init: RequestInit | undefined }[] } {
    const calls: { url: string; init: RequestInit | undefined }[] = [];
    return {
      calls,
      fetch: (url, init) => {
        calls.push({ url, init });
        return fetch(url, init);
      },
    };
  }

  it("sends neither X-CSRFToken nor credentials to an absolute URL on another origin", async () => {
    vi.stubGlobal("document", { cookie: "csrftoken=tokenA" });
    const spy = spyingFetch();
    const client = createClient({ baseURL: api.origin, csrf: { tokenURL: "/csrf" }, fetch: spy.fetch });
    await client.post("/items");
    await client.post(`${other.origin}/collect`, { a: 1 });
    await client.put(`${other.origin}/collect`, { a: 1 });
    await client.delete(`//${other.origin.slice("http://".length)}/collect`);
    expect(other.requests.map((r) => r.headers["x-csrftoken"])).toEqual([undefined, undefined, undefined]);
    expect(spy.calls.map((c) => [new URL(c.url).origin === api.origin ? "api" : "other", c.init?.credentials])).toEqual([
      ["api", "include"],
      ["other", "same-origin"],
      ["other", "same-origin"],
      ["other", "same-origin"],
    ]);
  });

  it("does not remember a token header sent by a foreign origin", async () => {
    const evil = await startRecordingServer((_req, res) => sendJSON(res, 200, {}, { "X-CSRFToken": "planted" }));
    try {
      const client = createClient({ baseURL: api.origin });
      await client.get(`${evil.origin}/x`);
      await expect(client.post("/items")).rejects.toMatchObject({ csrfReason: "CSRF token missing." });
      expect(api.requests.at(-1)?.headers["x-csrftoken"]).toBeUndefined();
    } finally {
      await evil.close();
    }
  });

  it("sends both to origins listed in apiOrigins", async () => {
    vi.stubGlobal("document", { cookie: "csrftoken=tokenA" });
    const spy = spyingFetch();
    const client = createClient({ baseURL: api.origin, apiOrigins: [other.origin], fetch: spy.fetch });
    await expect(client.post(`${other.origin}/collect`)).resolves.toEqual({ token: "tokenA" });
    expect(spy.calls[0]?.init?.credentials).toBe("include");
  });

  it("uses the configured credentials mode for API origins", async () => {
    const spy = spyingFetch();
    const client = createClient({ baseURL: api.origin, credentials: "same-origin", fetch: spy.fetch });
    await client.get("/me");
    expect(spy.calls[0]?.init?.credentials).toBe("same-origin");
  });

  it("apiRequest sends the page cookie's token only to the page's own host", async () => {
    const pageOrigin = api.origin.replace(/:\d+$/, ":5173"); // same host, another port: same site
    vi.stubGlobal("location", { origin: pageOrigin, href: `${pageOrigin}/app` });
    vi.stubGlobal("document", { cookie: "csrftoken=tokenA" });
    await expect(apiRequest(`${api.origin}/items`, "POST", { a: 1 })).resolves.toEqual({ ok: true, token: "tokenA" });
    // A page on localhost sees its own cookies; 127.0.0.1 is another host, so they must not go there.
    vi.stubGlobal("location", { origin: "http://localhost:5173", href: "http://localhost:5173/app" });
    await expect(apiRequest(`${other.origin}/collect`, "POST", { a: 1 })).resolves.toEqual({ token: null });
    vi.stubGlobal("location", { origin: "http://app.test", href: "http://app.test/" });
    await expect(apiRequest(`${other.origin}/collect`, "POST")).resolves.toEqual({ token: null });
  });
});
