// HttpError's probableCause "cookies-not-sent": a refused credentialed call from a page on another
// site than the API, judged from the two URLs alone (no extra request).
import { afterEach, describe, expect, it, vi } from "vitest";
import { createClient, isHttpError, type HttpError } from "../../src/client/index.ts";
import { approximateRegistrableDomain, approximateSite } from "../../src/client/site.ts";
import { registrableDomain } from "../../src/core/cookies/site.ts";

afterEach(() => vi.unstubAllGlobals());

function onPage(origin: string): void {
  vi.stubGlobal("location", { origin, href: `${origin}/app` });
}

/** A client whose fetch answers `status` (and a JSON body), counting the requests it made. */
function clientAnswering(status: number, body: unknown = { error: "nope" }, baseURL = "https://api.site-a.test", credentials: "include" | "same-origin" = "include") {
  const calls: string[] = [];
  const fetch = async (url: string | URL | Request) => {
    calls.push(String(url));
    return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
  };
  return { calls, client: createClient({ baseURL, fetch, credentials, csrf: false }) };
}

async function refusal(promise: Promise<unknown>): Promise<HttpError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  if (!isHttpError(error)) throw new Error(`expected an HttpError, got ${String(error)}`);
  return error;
}

describe("probableCause: cookies-not-sent", () => {
  it("names both sites and the doctor command with --login for a cross-site 401, making one request only", async () => {
    onPage("https://app.site-b.test");
    const { calls, client } = clientAnswering(401);
    const error = await refusal(client.get("/me"));
    expect(error.probableCause).toBe("cookies-not-sent");
    expect(error.explanation).toContain("the page's site (https://site-b.test) is not the API's site (https://site-a.test)");
    expect(error.explanation).toContain("npx crossgate doctor https://api.site-a.test/me --origin https://app.site-b.test --method GET --credentials --login '<your login URL>'");
    expect(error.message).toContain("probable cause: cookies not sent");
    expect(calls).toHaveLength(1);
  });

  it("covers the CSRF guard's \"CSRF cookie not set.\" refusal", async () => {
    onPage("http://localhost:5173");
    const { client } = clientAnswering(403, { error: "csrf_failed", reason: "CSRF cookie not set." }, "http://127.0.0.1:8000");
    const error = await refusal(client.post("/posts", { title: "x" }));
    expect(error.csrfReason).toBe("CSRF cookie not set.");
    expect(error.probableCause).toBe("cookies-not-sent");
    expect(error.explanation).toContain("(http://localhost) is not the API's site (http://127.0.0.1)");
  });

  it.each([
    ["same site", "https://app.site-a.test", 401, "include"],
    ["same origin", "https://api.site-a.test", 403, "include"],
    ["another status", "https://app.site-b.test", 500, "include"],
    ["not credentialed", "https://app.site-b.test", 401, "same-origin"],
    ["opaque page", "null", 401, "include"],
  ] as const)("stays undefined for %s", async (_desc, page, status, credentials) => {
    onPage(page);
    const { client } = clientAnswering(status, { error: "nope" }, "https://api.site-a.test", credentials);
    const error = await refusal(client.get("/me"));
    expect(error.probableCause).toBeUndefined();
    expect(error.explanation).toBeUndefined();
  });

  it("is undefined outside a browser page", async () => {
    const { client } = clientAnswering(401);
    expect((await refusal(client.get("/me"))).probableCause).toBeUndefined();
  });
});

describe("the client's approximate site (no Public Suffix List)", () => {
  it.each([
    ["api.example.com", "example.com"],
    ["a.b.example.co.uk", "example.co.uk"],
    ["shop.example.com.au", "example.com.au"],
    ["api.site-a.test", "site-a.test"],
    ["localhost", "localhost"],
    ["127.0.0.1", "127.0.0.1"],
    ["[::1]", "[::1]"],
    ["example.com.", "example.com"],
  ])("%s → %s, as the Public Suffix List says", (host, site) => {
    expect(approximateRegistrableDomain(host)).toBe(site);
    expect(registrableDomain(host.replace(/\.$/, ""))).toBe(site);
  });

  it("errs towards same-site for private suffixes (documented limit)", () => {
    expect(approximateRegistrableDomain("alice.github.io")).toBe("github.io");
    expect(registrableDomain("alice.github.io")).toBe("alice.github.io");
  });

  it("is schemeful", () => {
    expect(approximateSite("http://api.example.com")).not.toBe(approximateSite("https://app.example.com"));
    expect(approximateSite("null")).toBeUndefined();
  });
});
