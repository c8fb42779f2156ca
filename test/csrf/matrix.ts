/**
 * The CSRF attack matrix over real sockets: each attack refused with Django's exact reason, each
 * legitimate request passed, and refusals readable by allowed origins (CORS headers). It only talks
 * HTTP to `start().url`, so it runs against the Node adapters (./attack-matrix.test.ts) and against
 * apps served out of process by other runtimes (../runtimes/). The app's routes: ./servers.ts.
 */
import http, { type IncomingHttpHeaders } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCorsPolicy, createCsrfPolicy } from "../../src/index.ts";
import { CSRF_APP, CSRF_CORS, csrfMatrixOptions } from "../contract/config.ts";

export interface RunningServer {
  readonly url: string;
  close(): Promise<void>;
}

const APP = CSRF_APP;
const SIBLING = "https://evil.example.com";
const PUBLIC = "https://api.example.com";

/** The policies every matrix app is built from. */
export const corsPolicy = createCorsPolicy(CSRF_CORS);
export const csrfPolicy = createCsrfPolicy(csrfMatrixOptions(corsPolicy));

interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

function send(base: string, method: string, path: string, headers: Record<string, string> = {}, body?: string): Promise<Reply> {
  const url = new URL(path, base);
  return new Promise((resolve, reject) => {
    // A fresh connection per request: a server may close one whose request body it did not read.
    const req = http.request({ host: url.hostname, port: url.port, method, path: url.pathname, headers, agent: false }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (text += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

const reasonOf = (reply: Reply) => (JSON.parse(reply.body) as { error: string; reason: string }).reason;
const cookiePair = (reply: Reply) => reply.headers["set-cookie"]!.find((c) => c.startsWith("csrftoken="))!.split(";")[0]!;
const json = { accept: "application/json", "content-type": "application/json" };
const form = { accept: "text/html", "content-type": "application/x-www-form-urlencoded" };

export function describeCsrfMatrix(name: string, start: () => Promise<RunningServer>): void {
  describe(`CSRF attack matrix: ${name}`, () => {
    let server: RunningServer;
    let alice: { cookie: string; token: string };

    async function tokenFor(session?: string): Promise<{ cookie: string; token: string; reply: Reply }> {
      const reply = await send(server.url, "GET", "/api/csrf", { origin: APP, ...(session ? { "x-session": session } : {}) });
      return { cookie: cookiePair(reply), token: (JSON.parse(reply.body) as { csrfToken: string }).csrfToken, reply };
    }

    beforeAll(async () => {
      server = await start();
      alice = await tokenFor("alice");
    });
    afterAll(() => server?.close());

    it("token endpoint: JSON token, the cookie, the exposed header, no-store, CORS-readable", async () => {
      const { reply, token } = await tokenFor("alice");
      expect(reply.status).toBe(200);
      expect(token).toMatch(/^[A-Za-z0-9]{128}$/);
      expect(reply.headers["x-csrftoken"]).toBe(token);
      expect(reply.headers["set-cookie"]!.join()).toMatch(/csrftoken=[A-Za-z0-9]{64}; Max-Age=31449600; Path=\/; SameSite=Lax/);
      expect(reply.headers["cache-control"]).toBe("no-store");
      expect(reply.headers["access-control-allow-origin"]).toBe(APP);
      expect(reply.headers["access-control-expose-headers"]?.toLowerCase()).toContain("x-csrftoken");
    });

    it("refuses a cross-site form POST without a token", async () => {
      const reply = await send(server.url, "POST", "/api/things", { ...form, origin: "https://evil.example" }, "amount=100&to=mallory");
      expect(reply.status).toBe(403);
      expect(reply.headers["content-type"]).toMatch(/^text\/plain/);
      expect(reply.body).toContain("Reason: Origin checking failed - https://evil.example does not match any trusted origins.");
      expect(reply.headers["access-control-allow-origin"]).toBeUndefined();
    });

    it("refuses Origin: null", async () => {
      const reply = await send(server.url, "POST", "/api/things", { ...json, origin: "null", cookie: alice.cookie, "x-csrftoken": alice.token, "x-session": "alice" }, "{}");
      expect(reply.status).toBe(403);
      expect(reasonOf(reply)).toBe("Origin checking failed - null does not match any trusted origins.");
    });

    it("refuses Sec-Fetch-Site: cross-site from an untrusted origin, even with a valid token", async () => {
      const headers = { ...json, "sec-fetch-site": "cross-site", origin: "https://evil.example", cookie: alice.cookie, "x-csrftoken": alice.token, "x-session": "alice" };
      const reply = await send(server.url, "POST", "/api/things", headers, "{}");
      expect(reply.status).toBe(403);
      expect(reasonOf(reply)).toBe("Origin checking failed - https://evil.example does not match any trusted origins.");
    });

    it("refuses a sibling subdomain's request by its Origin", async () => {
      const reply = await send(server.url, "POST", "/api/things", { ...json, "sec-fetch-site": "same-site", origin: SIBLING }, "{}");
      expect(reasonOf(reply)).toBe(`Origin checking failed - ${SIBLING} does not match any trusted origins.`);
    });

    it("refuses a cookie a sibling subdomain planted with a matching form field (no Origin)", async () => {
      const forged = "a".repeat(64);
      const reply = await send(server.url, "POST", "/api/things", { ...form, cookie: `csrftoken=${forged}`, "x-session": "alice" }, `csrfmiddlewaretoken=${forged}`);
      expect(reply.status).toBe(403);
      expect(reply.body).toContain("Reason: CSRF token from POST incorrect.");
    });

    it("refuses the attacker's own valid token planted into the victim's browser", async () => {
      const mallory = await tokenFor("mallory");
      const reply = await send(server.url, "POST", "/api/things", { ...form, cookie: mallory.cookie, "x-session": "alice" }, `csrfmiddlewaretoken=${mallory.token}`);
      expect(reply.body).toContain("Reason: CSRF token from POST incorrect.");
    });

    it("refuses another session's token from a trusted origin", async () => {
      const reply = await send(server.url, "POST", "/api/things", { ...json, origin: APP, cookie: alice.cookie, "x-csrftoken": alice.token, "x-session": "bob" }, "{}");
      expect(reasonOf(reply)).toBe("CSRF token from the 'X-Csrftoken' HTTP header incorrect.");
    });

    it("refuses a stale token after the login rotation, passes the new one", async () => {
      const before = await tokenFor();
      const login = await send(server.url, "POST", "/api/login", { ...json, origin: APP, cookie: before.cookie, "x-csrftoken": before.token, "x-new-session": "carol" }, "{}");
      expect(login.status).toBe(200);
      const fresh = (JSON.parse(login.body) as { csrfToken: string }).csrfToken;
      expect(login.headers["x-csrftoken"]).toBe(fresh);
      const freshCookie = cookiePair(login);
      expect(freshCookie).not.toBe(before.cookie);
      const stale = await send(server.url, "POST", "/api/things", { ...json, origin: APP, cookie: before.cookie, "x-csrftoken": before.token, "x-session": "carol" }, "{}");
      expect(reasonOf(stale)).toBe("CSRF token from the 'X-Csrftoken' HTTP header incorrect.");
      const ok = await send(server.url, "POST", "/api/things", { ...json, origin: APP, cookie: freshCookie, "x-csrftoken": fresh, "x-session": "carol" }, "{}");
      expect(ok.status).toBe(200);
    });

    it("refuses a missing Origin and Referer on HTTPS (behind the proxy)", async () => {
      const headers = { ...json, "x-forwarded-proto": "https", "x-forwarded-host": "api.example.com", cookie: alice.cookie, "x-csrftoken": alice.token, "x-session": "alice" };
      const reply = await send(server.url, "POST", "/api/things", headers, "{}");
      expect(reasonOf(reply)).toBe("Referer checking failed - no Referer.");
      const insecure = await send(server.url, "POST", "/api/things", { ...headers, referer: "http://api.example.com/form" }, "{}");
      expect(reasonOf(insecure)).toBe("Referer checking failed - Referer is insecure while host is secure.");
      const good = await send(server.url, "POST", "/api/things", { ...headers, referer: `${PUBLIC}/form` }, "{}");
      expect(good.status).toBe(200);
    });

    it("takes the public origin from X-Forwarded-* behind the proxy", async () => {
      const headers = { ...json, origin: PUBLIC, cookie: alice.cookie, "x-csrftoken": alice.token, "x-session": "alice" };
      expect((await send(server.url, "POST", "/api/things", { ...headers, "x-forwarded-proto": "https", "x-forwarded-host": "api.example.com" }, "{}")).status).toBe(200);
      const direct = await send(server.url, "POST", "/api/things", headers, "{}");
      expect(reasonOf(direct)).toBe(`Origin checking failed - ${PUBLIC} does not match any trusted origins.`);
    });

    it("refuses a trusted origin without a token, with CORS headers so the page can read why", async () => {
      const noCookie = await send(server.url, "POST", "/api/things", { ...json, origin: APP, "x-session": "alice" }, "{}");
      expect(noCookie.status).toBe(403);
      expect(reasonOf(noCookie)).toBe("CSRF cookie not set.");
      expect(noCookie.headers["access-control-allow-origin"]).toBe(APP);
      expect(noCookie.headers["access-control-allow-credentials"]).toBe("true");
      // The refusal carries a fresh token for the client's one retry.
      expect(noCookie.headers["x-csrftoken"]).toMatch(/^[A-Za-z0-9]{128}$/);
      const noHeader = await send(server.url, "POST", "/api/things", { ...json, origin: APP, cookie: alice.cookie, "x-session": "alice" }, "{}");
      expect(reasonOf(noHeader)).toBe("CSRF token missing.");
      expect(noHeader.headers["access-control-allow-origin"]).toBe(APP);
    });

    it("passes a trusted origin with its token, in the header or the form field", async () => {
      const header = await send(server.url, "POST", "/api/things", { ...json, origin: APP, cookie: alice.cookie, "x-csrftoken": alice.token, "x-session": "alice" }, "{}");
      expect(header.status).toBe(200);
      expect(header.headers["access-control-allow-origin"]).toBe(APP);
      const viaForm = await send(server.url, "POST", "/api/things", { ...form, origin: APP, cookie: alice.cookie, "x-session": "alice" }, `note=hi&csrfmiddlewaretoken=${alice.token}`);
      expect(viaForm.status).toBe(200);
      // The app still reads the form after the guard did.
      expect((JSON.parse(viaForm.body) as { form: Record<string, string> }).form.note).toBe("hi");
    });

    it("finds the real cookie behind planted ones (cookie stuffing does not lock the user out)", async () => {
      // Longer-Path cookies come first: a sibling subdomain plants well-formed csrftoken values ahead of ours.
      const planted = Array.from({ length: 20 }, (_, index) => `csrftoken=${String.fromCharCode(97 + (index % 26)).repeat(64)}`);
      const cookie = [...planted, alice.cookie].join("; ");
      const reply = await send(server.url, "POST", "/api/things", { ...json, origin: APP, cookie, "x-csrftoken": alice.token, "x-session": "alice" }, "{}");
      expect(reply.status).toBe(200);
      // A planted value copied into the header still fails: it matches a cookie but carries no valid signature.
      const copied = await send(server.url, "POST", "/api/things", { ...json, origin: APP, cookie, "x-csrftoken": "a".repeat(64), "x-session": "alice" }, "{}");
      expect(reasonOf(copied)).toBe("CSRF token from the 'X-Csrftoken' HTTP header incorrect.");
    });

    it("passes Sec-Fetch-Site: same-origin and the exempt webhook", async () => {
      expect((await send(server.url, "POST", "/api/things", { ...json, "sec-fetch-site": "same-origin" }, "{}")).status).toBe(200);
      const hook = await send(server.url, "POST", "/webhooks/hook", { ...json, origin: "https://evil.example" }, "{}");
      expect(hook.status).toBe(200);
      expect(hook.body).toBe("hooked");
    });
  });
}
