// One csrftoken cookie shared by a real Django 3.2 (Debian's) and crossgate with tokenFormat: "django",
// both on 127.0.0.1 (cookies ignore ports, so both servers see the same cookie): a token Django issued
// passes crossgate, one crossgate issued passes Django, and the cookie's secret never changes. A control
// with crossgate's default signed tokens shows the same steps failing.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCorsPolicy, createCsrfPolicy, type CsrfOptions } from "../../src/index.ts";
import { unmaskToken } from "../../src/core/csrf/token.ts";
import { djangoIsMissingLocally, startDjango, type DjangoServer } from "../support/django.ts";
import { djangoCsrfUrls, djangoCsrfViews } from "./django-project.ts";
import { ADAPTERS, startServer, type AdapterName, type RunningServer } from "./servers.ts";

/** The browser's cookie jar for 127.0.0.1, reduced to what these tests need: name → value, and every Set-Cookie seen. */
class Jar {
  readonly values = new Map<string, string>();
  readonly written: string[] = [];
  header(): string {
    return [...this.values].map(([name, value]) => `${name}=${value}`).join("; ");
  }
  take(response: Response): Response {
    for (const line of response.headers.getSetCookie()) {
      this.written.push(line);
      const pair = line.split(";")[0]!;
      const equals = pair.indexOf("=");
      this.values.set(pair.slice(0, equals).trim(), pair.slice(equals + 1).trim());
    }
    return response;
  }
  get csrftoken(): string {
    return this.values.get("csrftoken") ?? "";
  }
}

const secretOf = (value: string) => (value.length === 64 ? unmaskToken(value) : value);

async function send(jar: Jar, url: string, init: { method?: string; token?: string; form?: Record<string, string> } = {}): Promise<Response> {
  const headers: Record<string, string> = { cookie: jar.header() };
  if (init.token !== undefined) headers["x-csrftoken"] = init.token;
  let body: string | null = null;
  if (init.form !== undefined) {
    headers["content-type"] = "application/x-www-form-urlencoded";
    body = new URLSearchParams(init.form).toString();
  } else if (init.method === "POST") {
    headers["content-type"] = "application/json";
    body = "{}";
  }
  const response = jar.take(await fetch(url, { method: init.method ?? "GET", headers, body }));
  await response.arrayBuffer();
  return response;
}

async function tokenFrom(jar: Jar, url: string): Promise<{ token: string; response: Response }> {
  const headers = { cookie: jar.header() };
  const response = jar.take(await fetch(url, { headers }));
  const { csrfToken } = (await response.json()) as { csrfToken: string };
  return { token: csrfToken, response };
}

describe.skipIf(djangoIsMissingLocally())("one csrftoken cookie shared by Django 3.2 and crossgate", () => {
  let django: DjangoServer;
  const running: RunningServer[] = [];
  const cors = createCorsPolicy({ origins: ["http://127.0.0.1:5173"], credentials: true, exposeHeaders: ["X-CSRFToken"] });

  async function crossgate(adapter: AdapterName, options: Partial<CsrfOptions> = {}): Promise<string> {
    const server = await startServer(adapter, cors, createCsrfPolicy({ cors, tokenFormat: "django", ...options }));
    running.push(server);
    return server.url;
  }

  beforeAll(async () => {
    django = await startDjango({ views: djangoCsrfViews, urls: djangoCsrfUrls });
  });
  afterAll(async () => {
    await Promise.all([django?.stop(), ...running.map((server) => server.close())]);
  });

  describe.each(ADAPTERS)("%s", (adapter) => {
    it("Django first: crossgate accepts Django's token and the cookie copied verbatim; Django accepts crossgate's; the cookie never changes", async () => {
      const api = await crossgate(adapter);
      const jar = new Jar();
      const fromDjango = await tokenFrom(jar, `${django.origin}/api/token/`);
      const cookie = jar.csrftoken;
      expect(cookie, "Django 3.2 writes a 64-character masked cookie").toMatch(/^[A-Za-z0-9]{64}$/);
      expect(jar.written).toHaveLength(1);

      expect((await send(jar, `${api}/api/things`, { method: "POST", token: fromDjango.token })).status).toBe(200);
      expect((await send(jar, `${api}/api/things`, { method: "POST", token: cookie })).status).toBe(200);

      const fromCrossgate = await tokenFrom(jar, `${api}/api/csrf`);
      expect(fromCrossgate.response.headers.getSetCookie()).toEqual([]);
      expect(fromCrossgate.token).toMatch(/^[A-Za-z0-9]{64}$/);
      expect(fromCrossgate.token).not.toBe(cookie);
      expect((await send(jar, `${django.origin}/api/write/`, { method: "POST", token: fromCrossgate.token })).status).toBe(200);

      // A refusal hands out a fresh token, but leaves Django's cookie alone.
      const refused = await send(jar, `${api}/api/things`, { method: "POST", token: "x".repeat(32) });
      expect(refused.status).toBe(403);
      expect(refused.headers.getSetCookie()).toEqual([]);
      expect(secretOf(refused.headers.get("x-csrftoken")!)).toBe(secretOf(cookie));

      expect((await send(jar, `${django.origin}/api/write/`, { method: "POST", token: fromDjango.token })).status).toBe(200);
      expect((await send(jar, `${django.origin}/api/write/`, { method: "POST", token: cookie })).status).toBe(200);
      expect(jar.csrftoken).toBe(cookie);
      expect(jar.written).toHaveLength(1);
    });

    it("crossgate first: Django accepts crossgate's cookie and tokens, and the secret survives Django's own token endpoint", async () => {
      const api = await crossgate(adapter);
      const jar = new Jar();
      const fromCrossgate = await tokenFrom(jar, `${api}/api/csrf`);
      const cookie = jar.csrftoken;
      expect(cookie, "a Django >= 4.1 cookie: the 32-character secret").toMatch(/^[A-Za-z0-9]{32}$/);

      expect((await send(jar, `${django.origin}/api/write/`, { method: "POST", token: fromCrossgate.token })).status).toBe(200);
      expect((await send(jar, `${django.origin}/api/write/`, { method: "POST", token: cookie })).status).toBe(200);
      expect((await send(jar, `${api}/api/things`, { method: "POST", token: cookie })).status).toBe(200);

      // Django 3.2 masks a 32-character cookie when it next sends its own: another value, the same secret.
      const fromDjango = await tokenFrom(jar, `${django.origin}/api/token/`);
      expect(secretOf(jar.csrftoken)).toBe(cookie);
      expect((await send(jar, `${api}/api/things`, { method: "POST", token: fromDjango.token })).status).toBe(200);
      expect((await send(jar, `${api}/api/things`, { method: "POST", token: fromCrossgate.token })).status).toBe(200);
      expect((await send(jar, `${django.origin}/api/write/`, { method: "POST", token: fromCrossgate.token })).status).toBe(200);
      expect((await tokenFrom(jar, `${api}/api/csrf`)).response.headers.getSetCookie()).toEqual([]);
    });
  });

  it("with cookie.masked (Django <= 4.0's form), Django 3.2 keeps crossgate's cookie byte for byte", async () => {
    const api = await crossgate("node:http", { cookie: { masked: true } });
    const jar = new Jar();
    const fromCrossgate = await tokenFrom(jar, `${api}/api/csrf`);
    const cookie = jar.csrftoken;
    expect(cookie).toMatch(/^[A-Za-z0-9]{64}$/);
    const fromDjango = await tokenFrom(jar, `${django.origin}/api/token/`);
    expect(jar.csrftoken).toBe(cookie);
    expect((await send(jar, `${django.origin}/api/write/`, { method: "POST", token: fromCrossgate.token })).status).toBe(200);
    expect((await send(jar, `${api}/api/things`, { method: "POST", token: fromDjango.token })).status).toBe(200);
    expect(jar.csrftoken).toBe(cookie);
  });

  it.each(["express", "node:http"] as const)("form posts carry csrfmiddlewaretoken both ways (%s)", async (adapter) => {
    const api = await crossgate(adapter);
    const jar = new Jar();
    const fromDjango = await tokenFrom(jar, `${django.origin}/api/token/`);
    const fromCrossgate = await tokenFrom(jar, `${api}/api/csrf`);
    expect((await send(jar, `${api}/api/things`, { method: "POST", form: { csrfmiddlewaretoken: fromDjango.token, title: "t" } })).status).toBe(200);
    expect((await send(jar, `${django.origin}/api/write/`, { method: "POST", form: { csrfmiddlewaretoken: fromCrossgate.token, title: "t" } })).status).toBe(200);
    expect((await send(jar, `${django.origin}/api/write/`, { method: "POST", form: { csrfmiddlewaretoken: "A".repeat(64) } })).status).toBe(403);
  });

  it("control: crossgate's default signed tokens and Django refuse each other's, and crossgate replaces Django's cookie", async () => {
    const server = await startServer("node:http", cors, createCsrfPolicy({ cors, secret: "interop-control-secret-0123456789abcdef" }));
    running.push(server);
    const jar = new Jar();
    const fromDjango = await tokenFrom(jar, `${django.origin}/api/token/`);
    const djangoCookie = jar.csrftoken;
    expect((await send(jar, `${server.url}/api/things`, { method: "POST", token: fromDjango.token })).status).toBe(403);
    const fromCrossgate = await tokenFrom(jar, `${server.url}/api/csrf`);
    expect(jar.csrftoken).not.toBe(djangoCookie);
    expect((await send(jar, `${django.origin}/api/write/`, { method: "POST", token: fromCrossgate.token })).status).toBe(403);
    // The page's cached Django token now fails at Django itself.
    expect((await send(jar, `${django.origin}/api/write/`, { method: "POST", token: fromDjango.token })).status).toBe(403);
  });
});
