// A request carrying the CSRF token or a body is never resent to another server by a redirect:
// over real sockets, an API answering 307 to another origin must not see that origin receive the
// token or the body; a 307/308 within the API origins is still followed.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createClient, isRedirectError, RedirectError, type FetchFunction } from "../../src/client/index.ts";
import { sendJSON, startRecordingServer, type RecordingServer } from "./recording-server.ts";

let api: RecordingServer;
let second: RecordingServer;
let elsewhere: RecordingServer;

beforeAll(async () => {
  elsewhere = await startRecordingServer((req, res) => sendJSON(res, 200, { got: req.headers["x-csrftoken"] ?? null }));
  second = await startRecordingServer((req, res) => sendJSON(res, 200, { token: req.headers["x-csrftoken"] ?? null, body: req.body }));
  api = await startRecordingServer((req, res) => {
    const redirect = (status: number, location: string) => {
      res.writeHead(status, { Location: location });
      res.end();
    };
    if (req.path === "/csrf") return sendJSON(res, 200, { csrfToken: "t".repeat(64) });
    if (req.path === "/away") return redirect(307, `${elsewhere.origin}/collect`);
    if (req.path === "/away-308") return redirect(308, `${elsewhere.origin}/collect`);
    if (req.path === "/see-other") return redirect(303, "/done");
    if (req.path === "/moved-within") return redirect(307, "/done");
    if (req.path === "/to-second") return redirect(308, `${second.origin}/done`);
    if (req.path === "/loop") return redirect(307, "/loop");
    if (req.path === "/get-away") return redirect(302, `${elsewhere.origin}/page`);
    return sendJSON(res, 200, { token: req.headers["x-csrftoken"] ?? null, body: req.body });
  });
});
afterAll(async () => {
  await Promise.all([api.close(), second.close(), elsewhere.close()]);
});
beforeEach(() => {
  elsewhere.requests.length = 0;
});

const client = () => createClient({ baseURL: api.origin, apiOrigins: [second.origin], csrf: { tokenURL: "/csrf" } });

describe("redirects of requests that carry the token or a body", () => {
  it.each(["/away", "/away-308"])("refuses %s to another origin: neither the token nor the body leaves the API", async (path) => {
    const error = await client().post(path, { amount: 100 }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RedirectError);
    expect(isRedirectError(error)).toBe(true);
    expect(error).toMatchObject({ code: "redirect_refused", location: `${elsewhere.origin}/collect`, method: "POST" });
    expect((error as Error).message).toContain("does not follow redirects with the CSRF token or a body");
    expect(elsewhere.requests).toEqual([]);
  });

  it("follows a 307 within the API, and a 308 to another listed API origin, with the token and the body", async () => {
    expect(await client().post("/moved-within", { a: 1 })).toEqual({ token: "t".repeat(64), body: '{"a":1}' });
    expect(await client().put("/to-second", { b: 2 })).toEqual({ token: "t".repeat(64), body: '{"b":2}' });
  });

  it("refuses a 303 (fetch would turn the POST into a GET elsewhere) and a redirect loop", async () => {
    await expect(client().post("/see-other", {})).rejects.toMatchObject({ code: "redirect_refused", status: 303 });
    await expect(client().post("/loop", {})).rejects.toMatchObject({ code: "redirect_refused" });
  });

  it("refuses the browser's opaque redirect, whose target it cannot see", async () => {
    const opaque: FetchFunction = async (input, init) => {
      if (String(input).endsWith("/csrf")) return fetch(input, init);
      expect(init?.redirect).toBe("manual");
      return { type: "opaqueredirect", status: 0, ok: false, headers: new Headers(), body: null } as unknown as Response;
    };
    const error = await createClient({ baseURL: api.origin, csrf: { tokenURL: "/csrf" }, fetch: opaque }).post("/away", {}).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: "redirect_refused", status: undefined, location: undefined });
  });

  it("lets a GET without a body follow redirects as fetch does (no token, no body to leak)", async () => {
    expect(await client().get("/get-away")).toEqual({ got: null });
    expect(elsewhere.requests).toHaveLength(1);
  });
});
