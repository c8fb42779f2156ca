// Timeouts and caller aborts, against a server that answers slowly.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createClient, isAbortError, isTimeoutError, TimeoutError } from "../../src/client/index.ts";
import { sendJSON, startRecordingServer, type RecordingServer } from "./recording-server.ts";

let api: RecordingServer;

beforeAll(async () => {
  api = await startRecordingServer((req, res) => {
    const delay = Number(new URL(req.path, "http://x").searchParams.get("delay") ?? 0);
    if (req.path.startsWith("/slow-body")) {
      // Headers at once, body late: the deadline must cover reading the body too.
      res.writeHead(200, { "Content-Type": "application/json" });
      res.write('{"a":');
      setTimeout(() => res.end("1}"), delay).unref();
      return;
    }
    if (req.path.startsWith("/csrf")) {
      setTimeout(() => sendJSON(res, 200, { csrfToken: "t" }), delay).unref();
      return;
    }
    setTimeout(() => sendJSON(res, 200, { ok: true }), delay).unref();
  });
});

afterAll(async () => {
  await api?.close();
});

describe("timeouts", () => {
  it("rejects with TimeoutError after timeoutMs", async () => {
    const client = createClient({ baseURL: api.origin, timeoutMs: 100 });
    const started = performance.now();
    const error = await client.get("/slow?delay=2000").catch((e: unknown) => e);
    const elapsed = performance.now() - started;
    expect(error).toBeInstanceOf(TimeoutError);
    expect(isTimeoutError(error)).toBe(true);
    expect(error).toMatchObject({ name: "TimeoutError", code: "timeout", timeoutMs: 100, method: "GET", url: `${api.origin}/slow?delay=2000` });
    expect(elapsed).toBeGreaterThanOrEqual(90);
    expect(elapsed).toBeLessThan(1500);
  });

  it("covers reading the body", async () => {
    const client = createClient({ baseURL: api.origin, timeoutMs: 100 });
    await expect(client.get("/slow-body?delay=2000")).rejects.toBeInstanceOf(TimeoutError);
  });

  it("covers the token endpoint", async () => {
    const client = createClient({ baseURL: api.origin, timeoutMs: 100, csrf: { tokenURL: "/csrf?delay=2000" } });
    await expect(client.post("/x")).rejects.toBeInstanceOf(TimeoutError);
  });

  it("lets a call override the deadline, and 0 means none", async () => {
    const client = createClient({ baseURL: api.origin, timeoutMs: 50 });
    await expect(client.get("/slow?delay=150", { timeoutMs: 0 })).resolves.toEqual({ ok: true });
    await expect(client.get("/slow?delay=150", { timeoutMs: 1000 })).resolves.toEqual({ ok: true });
    const none = createClient({ baseURL: api.origin, timeoutMs: 0 });
    await expect(none.get("/slow?delay=150")).resolves.toEqual({ ok: true });
  });
});

describe("caller aborts", () => {
  it("rejects with the signal's AbortError as is", async () => {
    const client = createClient({ baseURL: api.origin });
    const controller = new AbortController();
    const pending = client.get("/slow?delay=2000", { signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    const error = await pending.catch((e: unknown) => e);
    expect(error).toBe(controller.signal.reason);
    expect(isAbortError(error)).toBe(true);
    expect(error).toBeInstanceOf(DOMException);
  });

  it("keeps a custom abort reason, and rejects at once for a signal that is already aborted", async () => {
    const client = createClient({ baseURL: api.origin });
    const reason = new Error("navigated away");
    await expect(client.post("/x", { a: 1 }, { signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
    const controller = new AbortController();
    const pending = client.get("/slow?delay=2000", { signal: controller.signal });
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
  });

  it("an abort wins over the deadline, and the deadline is not reported as an abort", async () => {
    const client = createClient({ baseURL: api.origin, timeoutMs: 100 });
    const error = await client.get("/slow?delay=2000", { signal: new AbortController().signal }).catch((e: unknown) => e);
    expect(isTimeoutError(error)).toBe(true);
    expect(isAbortError(error)).toBe(false);
  });
});
