// Bodies in and out: JSON, text, empty, and the URL/method/header basics, against a real server.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createClient, isParseError, ParseError } from "../../src/client/index.ts";
import { sendJSON, startRecordingServer, type RecordingServer } from "./recording-server.ts";

let api: RecordingServer;

beforeAll(async () => {
  api = await startRecordingServer((req, res) => {
    switch (req.path) {
      case "/v1/posts/1":
        return sendJSON(res, 200, { id: 1, title: "Hello" });
      case "/v1/problem":
        res.writeHead(200, { "Content-Type": "application/problem+json" });
        return res.end('{"type":"about:blank"}');
      case "/v1/no-content":
        res.writeHead(204);
        return res.end();
      case "/v1/empty":
        res.writeHead(200, { "Content-Type": "application/json" });
        return res.end();
      case "/v1/text":
        res.writeHead(200, { "Content-Type": "text/plain; charset=utf-8" });
        return res.end("plain words");
      case "/v1/broken":
        res.writeHead(200, { "Content-Type": "application/json" });
        return res.end("{not json");
      default:
        // Echo what arrived, so tests can check method, headers and body.
        return sendJSON(res, 200, { method: req.method, path: req.path, headers: req.headers, body: req.body });
    }
  });
});

afterAll(async () => {
  await api?.close();
});

type Echo = { method: string; path: string; headers: Record<string, string>; body: string };

describe("response bodies", () => {
  it("parses JSON into the requested type", async () => {
    const client = createClient({ baseURL: `${api.origin}/v1` });
    const post = await client.get<{ id: number; title: string }>("/posts/1");
    expect(post).toEqual({ id: 1, title: "Hello" });
    expect(post.title.toUpperCase()).toBe("HELLO");
  });

  it("parses +json media types", async () => {
    const client = createClient({ baseURL: `${api.origin}/v1` });
    expect(await client.get("/problem")).toEqual({ type: "about:blank" });
  });

  it("resolves undefined for 204 and for an empty body", async () => {
    const client = createClient({ baseURL: `${api.origin}/v1` });
    expect(await client.delete("/no-content")).toBeUndefined();
    expect(await client.get("/empty")).toBeUndefined();
  });

  it("resolves text for non-JSON responses", async () => {
    const client = createClient({ baseURL: `${api.origin}/v1` });
    expect(await client.get<string>("/text")).toBe("plain words");
  });

  it("rejects with ParseError when a JSON response does not parse", async () => {
    const client = createClient({ baseURL: `${api.origin}/v1` });
    const error = await client.get("/broken").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ParseError);
    expect(isParseError(error)).toBe(true);
    expect(error).toMatchObject({ code: "parse_failed", status: 200, text: "{not json", method: "GET", url: `${api.origin}/v1/broken` });
  });
});

describe("requests", () => {
  it("joins relative paths to baseURL with one slash, and takes absolute URLs as they are", async () => {
    const client = createClient({ baseURL: `${api.origin}/v1/` });
    expect((await client.get<Echo>("echo")).path).toBe("/v1/echo");
    expect((await client.get<Echo>("/echo?q=1")).path).toBe("/v1/echo?q=1");
    expect((await client.get<Echo>(`${api.origin}/elsewhere`)).path).toBe("/elsewhere");
  });

  it("sends objects as JSON with Content-Type application/json and an Accept header", async () => {
    const client = createClient({ baseURL: api.origin });
    const echo = await client.post<Echo>("/echo", { title: "Hi", tags: ["a"] });
    expect(echo.method).toBe("POST");
    expect(echo.headers["content-type"]).toBe("application/json");
    expect(echo.headers.accept).toContain("application/json");
    expect(JSON.parse(echo.body)).toEqual({ title: "Hi", tags: ["a"] });
  });

  it("keeps the caller's Content-Type and sends strings and URLSearchParams as they are", async () => {
    const client = createClient({ baseURL: api.origin });
    const text = await client.put<Echo>("/echo", "raw", { headers: { "Content-Type": "text/plain" } });
    expect(text).toMatchObject({ method: "PUT", body: "raw" });
    expect(text.headers["content-type"]).toBe("text/plain");
    const form = await client.post<Echo>("/echo", new URLSearchParams({ a: "1" }));
    expect(form.body).toBe("a=1");
    expect(form.headers["content-type"]).toContain("application/x-www-form-urlencoded");
    const custom = await client.post<Echo>("/echo", { a: 1 }, { headers: { "content-type": "application/vnd.x+json" } });
    expect(custom.headers["content-type"]).toBe("application/vnd.x+json");
  });

  it("upper-cases methods, which fetch leaves lower-case for PATCH", async () => {
    const client = createClient({ baseURL: api.origin });
    expect((await client.patch<Echo>("/echo", { a: 1 })).method).toBe("PATCH");
    expect((await client.request<Echo>("/echo", { method: "patch" })).method).toBe("PATCH");
    expect((await client.request<Echo>("/echo")).method).toBe("GET");
  });

  it("throws a TypeError for a method that is not an HTTP token", async () => {
    const client = createClient({ baseURL: api.origin });
    await expect(client.request("/echo", { method: "GET /x" })).rejects.toThrow(TypeError);
  });
});
