// Option validation: every problem reported at once, defaults filled in.
import { afterEach, describe, expect, it, vi } from "vitest";
import { createClient } from "../../src/client/index.ts";
import { resolveClientOptions } from "../../src/client/options.ts";
import { joinURL, originOf } from "../../src/client/urls.ts";

afterEach(() => {
  vi.unstubAllGlobals();
});

describe("resolveClientOptions", () => {
  it("fills in the documented defaults", () => {
    const resolved = resolveClientOptions({ baseURL: "https://api.example.com/v1" });
    expect(resolved).toMatchObject({
      baseURL: "https://api.example.com/v1",
      credentials: "include",
      timeoutMs: 30_000,
      csrf: { cookieName: "csrftoken", headerName: "X-CSRFToken", tokenURL: undefined },
    });
    expect([...resolved.apiOrigins]).toEqual(["https://api.example.com"]);
  });

  it("defaults baseURL to the page's origin in a browser, and requires it elsewhere", () => {
    expect(() => createClient()).toThrow(/baseURL is required outside a browser page/);
    vi.stubGlobal("location", { origin: "https://app.example.com", href: "https://app.example.com/x" });
    expect(resolveClientOptions({}).baseURL).toBe("https://app.example.com");
  });

  it("resolves tokenURL against baseURL and normalises apiOrigins", () => {
    const resolved = resolveClientOptions({
      baseURL: "https://api.example.com/v1",
      apiOrigins: ["https://files.example.com", "HTTPS://CDN.example.com"],
      csrf: { tokenURL: "/csrf" },
    });
    expect(resolved.csrf && resolved.csrf.tokenURL).toBe("https://api.example.com/v1/csrf");
    expect([...resolved.apiOrigins]).toEqual(["https://api.example.com", "https://files.example.com", "https://cdn.example.com"]);
  });

  it("reports every invalid option in one TypeError", () => {
    let error: unknown;
    try {
      createClient({
        baseURL: "ftp://files.example.com",
        credentials: "always" as RequestCredentials,
        timeoutMs: -1,
        apiOrigins: ["https://ok.example.com", "https://api.example.com/", "not a url", "*"],
        csrf: { cookieName: "bad name", headerName: "X-CSRF:Token", tokenURL: "" },
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(TypeError);
    const lines = (error as Error).message.split("\n").slice(1);
    expect(lines).toEqual([
      '- baseURL "ftp://files.example.com" is not an absolute http(s) URL',
      '- credentials "always" is not one of "include", "same-origin", "omit"',
      "- timeoutMs -1 is not a finite number >= 0",
      '- apiOrigins entry "https://api.example.com/" is not an origin like "https://api.example.com"',
      '- apiOrigins entry "not a url" is not an origin like "https://api.example.com"',
      '- apiOrigins entry "*" is not an origin like "https://api.example.com"',
      '- csrf.cookieName "bad name" is not a valid cookie name',
      '- csrf.headerName "X-CSRF:Token" is not a valid header name',
      '- csrf.tokenURL "" is not a URL or path',
    ]);
  });

  it("refuses a token endpoint on an origin the client does not trust", () => {
    expect(() => createClient({ baseURL: "https://api.example.com", csrf: { tokenURL: "https://evil.example/csrf" } })).toThrow(
      /csrf\.tokenURL "https:\/\/evil\.example\/csrf" is not on baseURL's origin or an apiOrigins entry/,
    );
    expect(() =>
      createClient({ baseURL: "https://api.example.com", apiOrigins: ["https://auth.example.com"], csrf: { tokenURL: "https://auth.example.com/csrf" } }),
    ).not.toThrow();
  });
});

describe("URLs", () => {
  it.each([
    ["https://a.example/v1", "/posts", "https://a.example/v1/posts"],
    ["https://a.example/v1/", "posts", "https://a.example/v1/posts"],
    ["https://a.example", "", "https://a.example"],
    ["https://a.example/v1", "https://b.example/x", "https://b.example/x"],
    ["https://a.example/v1", "//b.example/x", "https://b.example/x"],
  ])("joinURL(%s, %s) is %s", (base, path, want) => {
    expect(joinURL(base, path)).toBe(want);
  });

  it.each([
    ["https://A.example:443/x?y", "https://a.example"],
    ["http://127.0.0.1:8000/", "http://127.0.0.1:8000"],
    ["http://[::1]:80/", "http://[::1]"],
    ["ftp://a.example/", undefined],
    ["/relative", undefined],
    ["javascript:alert(1)", undefined],
  ])("originOf(%s) is %s", (url, want) => {
    expect(originOf(url)).toBe(want);
  });
});
