// Diagnosing fetch's opaque TypeError: CORS refusal, unreachable server, mixed content, local network access.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it, vi } from "vitest";
import {
  CorsError,
  createClient,
  isCorsError,
  isNetworkError,
  NetworkError,
  type FetchFunction,
} from "../../src/client/index.ts";

afterEach(() => {
  vi.unstubAllGlobals();
});

function onPage(origin: string): void {
  vi.stubGlobal("location", { origin, href: `${origin}/` });
}

interface Call {
  readonly url: string;
  readonly init: RequestInit | undefined;
}

/** A fetch whose real requests fail like a browser's CORS refusal; no-cors probes resolve or reject as told. */
function browserLikeFetch(probe: "resolves" | "rejects", message = "Failed to fetch"): { fetch: FetchFunction; calls: Call[] } {
  const calls: Call[] = [];
  return {
    calls,
    fetch: async (url, init) => {
      calls.push({ url, init });
      if (init?.mode === "no-cors") {
        if (probe === "resolves") return new Response(null, { status: 200 }); // stands in for an opaque response
        throw new TypeError(message);
      }
      throw new TypeError(message);
    },
  };
}

/** A port that nothing listens on: bind, read the port, close. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe("CORS refusal: the host answers a no-cors probe", () => {
  it("throws CorsError with the cause, page origin, URL, method and the doctor command", async () => {
    onPage("http://localhost:5173");
    const spy = browserLikeFetch("resolves");
    const client = createClient({ baseURL: "http://127.0.0.1:8000/api", fetch: spy.fetch, csrf: { tokenURL: "/csrf" } });
    vi.stubGlobal("document", { cookie: "csrftoken=abc123" });
    const error = await client.post("/posts", { title: "x" }, { headers: { "X-Request-Id": "r1" } }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(CorsError);
    expect(isCorsError(error)).toBe(true);
    expect(isNetworkError(error)).toBe(false);
    const cors = error as CorsError;
    expect(cors).toMatchObject({
      name: "CorsError",
      code: "cors_blocked",
      probableCause: "cors",
      origin: "http://localhost:5173",
      url: "http://127.0.0.1:8000/api/posts",
      method: "POST",
    });
    expect(cors.cause).toBeInstanceOf(TypeError);
    expect(cors.doctorCommand).toBe(
      "npx crossgate doctor http://127.0.0.1:8000/api/posts --origin http://localhost:5173 --method POST " +
        "--header 'Content-Type: application/json' --header 'X-CSRFToken: …' --header 'X-Request-Id: …' --credentials",
    );
    expect(cors.message).toContain("POST http://127.0.0.1:8000/api/posts from http://localhost:5173");
    expect(cors.message).toContain("blocked the response by CORS policy");
    expect(cors.message).toContain(cors.doctorCommand);
    expect(cors.message).not.toContain("abc123");

    // One real attempt, then one GET probe without credentials: never a second POST.
    expect(spy.calls.map((c) => [c.init?.method, c.init?.mode ?? "cors", c.init?.credentials])).toEqual([
      ["POST", "cors", "include"],
      ["GET", "no-cors", "omit"],
    ]);
    expect(spy.calls[1]?.url).toBe("http://127.0.0.1:8000/api/posts");
  });

  it("leaves out safelisted headers and --credentials when none were sent", async () => {
    onPage("https://app.example.com");
    const spy = browserLikeFetch("resolves", "NetworkError when attempting to fetch resource.");
    const client = createClient({ baseURL: "https://api.example.com", credentials: "omit", fetch: spy.fetch });
    const error = (await client.get("/items?q=it's", { headers: { "Accept-Language": "en" } }).catch((e: unknown) => e)) as CorsError;
    expect(error.probableCause).toBe("cors");
    expect(error.doctorCommand).toBe(
      "npx crossgate doctor 'https://api.example.com/items?q=it'\\''s' --origin https://app.example.com --method GET",
    );
  });

  it("recognises Safari's and newer Chromium's messages", async () => {
    onPage("https://app.example.com");
    for (const message of ["Load failed", "Failed to fetch (api.example.com)"]) {
      const client = createClient({ baseURL: "https://api.example.com", fetch: browserLikeFetch("resolves", message).fetch });
      await expect(client.get("/x")).rejects.toBeInstanceOf(CorsError);
    }
  });
});

describe("no answer at all", () => {
  it("throws NetworkError 'unreachable' when the probe fails too", async () => {
    onPage("https://app.example.com");
    const spy = browserLikeFetch("rejects");
    const client = createClient({ baseURL: "https://api.example.com", fetch: spy.fetch });
    const error = (await client.delete("/posts/1").catch((e: unknown) => e)) as NetworkError;
    expect(error).toBeInstanceOf(NetworkError);
    expect(error).toMatchObject({ name: "NetworkError", code: "network_error", probableCause: "unreachable", method: "DELETE" });
    expect(error.message).toContain("did not answer");
    expect(error.doctorCommand).toContain("--method DELETE");
    expect(spy.calls).toHaveLength(2);
  });

  it("throws NetworkError for a real closed port, outside a browser page", async () => {
    const port = await closedPort();
    const client = createClient({ baseURL: `http://127.0.0.1:${port}` });
    const error = (await client.post("/x", { a: 1 }).catch((e: unknown) => e)) as NetworkError;
    expect(error).toBeInstanceOf(NetworkError);
    expect(error.probableCause).toBe("unreachable");
    expect(error.origin).toBeUndefined();
    expect(error.doctorCommand).toBe(
      `npx crossgate doctor http://127.0.0.1:${port}/x --method POST --header 'Content-Type: application/json' --credentials`,
    );
  });

  it("really probes a closed port from a (stubbed) cross-origin page", async () => {
    onPage("http://localhost:5173");
    const port = await closedPort();
    const calls: string[] = [];
    const client = createClient({
      baseURL: `http://127.0.0.1:${port}`,
      fetch: (url, init) => {
        calls.push(init?.mode ?? "cors");
        return fetch(url, init);
      },
    });
    const error = await client.get("/x").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NetworkError);
    expect(calls).toEqual(["cors", "no-cors"]);
  });
});

describe("blocked before sending", () => {
  it("names mixed content for an https page asking for an http URL, without probing", async () => {
    onPage("https://app.example.com");
    const spy = browserLikeFetch("resolves");
    const client = createClient({ baseURL: "http://api.example.com", fetch: spy.fetch });
    const error = (await client.get("/x").catch((e: unknown) => e)) as NetworkError;
    expect(error).toBeInstanceOf(NetworkError);
    expect(error.probableCause).toBe("mixed-content");
    expect(error.message).toContain("mixed content");
    expect(spy.calls).toHaveLength(1);
  });

  it("does not call http://127.0.0.1 from an https page mixed content (loopback is potentially trustworthy)", async () => {
    onPage("https://app.example.com");
    const client = createClient({ baseURL: "http://127.0.0.1:8000", fetch: browserLikeFetch("rejects").fetch });
    const error = (await client.get("/x").catch((e: unknown) => e)) as NetworkError;
    expect(error.probableCause).toBe("local-network-access");
  });

  it("names local network access for a public page asking for a private or loopback address", async () => {
    onPage("https://app.example.com");
    for (const base of ["https://192.168.1.20", "https://10.0.0.5:8443", "https://[::1]:8000", "https://printer.local"]) {
      const client = createClient({ baseURL: base, fetch: browserLikeFetch("rejects").fetch });
      const error = (await client.get("/x").catch((e: unknown) => e)) as NetworkError;
      expect([base, error.probableCause]).toEqual([base, "local-network-access"]);
      expect(error.message).toContain("Local Network Access");
    }
  });

  it("still says CORS when the local target answers the probe", async () => {
    onPage("https://app.example.com");
    const client = createClient({ baseURL: "https://192.168.1.20", fetch: browserLikeFetch("resolves").fetch });
    await expect(client.get("/x")).rejects.toMatchObject({ probableCause: "cors" });
  });

  it("does not blame LNA for a loopback page calling loopback", async () => {
    onPage("http://localhost:5173");
    const client = createClient({ baseURL: "http://127.0.0.1:8000", fetch: browserLikeFetch("rejects").fetch });
    await expect(client.get("/x")).rejects.toMatchObject({ probableCause: "unreachable" });
  });
});

describe("what is not diagnosed", () => {
  it("rethrows a TypeError that is not a network failure as is, without probing", async () => {
    onPage("http://localhost:5173");
    const misuse = new TypeError("Failed to execute 'fetch' on 'Window': Invalid name");
    let calls = 0;
    const client = createClient({
      baseURL: "http://127.0.0.1:8000",
      fetch: async () => {
        calls++;
        throw misuse;
      },
    });
    await expect(client.get("/x")).rejects.toBe(misuse);
    expect(calls).toBe(1);
  });

  it("does not probe a same-origin request", async () => {
    onPage("http://127.0.0.1:8000");
    const spy = browserLikeFetch("resolves");
    const client = createClient({ fetch: spy.fetch });
    await expect(client.get("/x")).rejects.toMatchObject({ probableCause: "unreachable", url: "http://127.0.0.1:8000/x" });
    expect(spy.calls).toHaveLength(1);
  });

  it("reports a caller abort during the probe as the abort, not as a diagnosis", async () => {
    onPage("http://localhost:5173");
    const controller = new AbortController();
    const client = createClient({
      baseURL: "http://127.0.0.1:8000",
      fetch: (_url, init) => {
        if (init?.mode !== "no-cors") return Promise.reject(new TypeError("Failed to fetch"));
        controller.abort();
        return Promise.reject(init.signal?.reason);
      },
    });
    const error = await client.get("/x", { signal: controller.signal }).catch((e: unknown) => e);
    expect(controller.signal.aborted).toBe(true);
    expect(error).toBe(controller.signal.reason);
  });
});

describe("the page's Content-Security-Policy", () => {
  /** A document that fires `securitypolicyviolation` one task after fetch rejects, as browsers do. */
  function pageWithPolicy(events: readonly Record<string, unknown>[]): { fetch: FetchFunction; calls: Call[] } {
    const document = new EventTarget();
    vi.stubGlobal("document", document);
    const calls: Call[] = [];
    return {
      calls,
      fetch: async (url, init) => {
        calls.push({ url, init });
        setTimeout(() => {
          for (const fields of events) document.dispatchEvent(Object.assign(new Event("securitypolicyviolation"), fields));
        }, 0);
        throw new TypeError("Failed to fetch");
      },
    };
  }

  const violation = (blockedURI: string, more: Record<string, unknown> = {}) => ({
    blockedURI,
    effectiveDirective: "connect-src",
    violatedDirective: "connect-src",
    originalPolicy: "default-src 'self'; connect-src 'self' https://cdn.example.com",
    disposition: "enforce",
    ...more,
  });

  it("names the policy and the origin to add, and sends no probe", async () => {
    onPage("http://localhost:5173");
    const { fetch, calls } = pageWithPolicy([violation("http://localhost:8000/api/items")]);
    const api = createClient({ baseURL: "http://localhost:8000", fetch, csrf: false });
    const error = await api.get("/api/items").catch((e: unknown) => e);
    expect(isNetworkError(error)).toBe(true);
    expect(error).toMatchObject({
      probableCause: "content-security-policy",
      contentSecurityPolicy: { directive: "connect-src 'self' https://cdn.example.com" },
      doctorCommand: "npx crossgate doctor http://localhost:8000/api/items --page http://localhost:5173/ --method GET --credentials",
    });
    expect((error as Error).message).toContain(
      `blocks connecting to http://localhost:8000 ("connect-src 'self' https://cdn.example.com")`,
    );
    expect((error as Error).message).toContain("the fix is on the page's server, not in the API's CORS settings");
    expect(calls).toHaveLength(1);
  });

  it("quotes default-src when the policy has no connect-src, and accepts a blockedURI stripped to the origin", async () => {
    onPage("http://localhost:5173");
    const { fetch } = pageWithPolicy([violation("http://localhost:8000", { originalPolicy: "default-src 'self'" })]);
    const error = await createClient({ baseURL: "http://localhost:8000", fetch, csrf: false }).get("/x").catch((e: unknown) => e);
    expect(error).toMatchObject({ probableCause: "content-security-policy", contentSecurityPolicy: { directive: "default-src 'self'" } });
  });

  it("ignores report-only violations, other directives and other URLs, and then probes as before", async () => {
    onPage("http://localhost:5173");
    const { fetch, calls } = pageWithPolicy([
      violation("http://localhost:8000/x", { disposition: "report" }),
      violation("http://localhost:8000/x", { effectiveDirective: "img-src", violatedDirective: "img-src" }),
      violation("http://localhost:9999/x"),
      violation("http://localhost:8000/other"),
    ]);
    const error = await createClient({ baseURL: "http://localhost:8000", fetch, csrf: false }).get("/x").catch((e: unknown) => e);
    expect(error).toMatchObject({ probableCause: "unreachable", contentSecurityPolicy: undefined });
    expect(calls.map((c) => c.init?.mode)).toEqual([undefined, "no-cors"]);
  });
});
