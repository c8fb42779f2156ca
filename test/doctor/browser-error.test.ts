// --from-browser-error: console lines from Chrome, Firefox and Safari back into a request and a rule.
import { describe, expect, it } from "vitest";
import { inputFromBrowserError, parseBrowserError } from "../../src/doctor/browser-error.ts";
import { probe } from "../../src/testing/index.ts";
import { brokenServerCases } from "./broken-servers.ts";
import { startCase } from "./servers.ts";

describe("parseBrowserError", () => {
  it("says what a console line cannot carry: the method (a preflighted POST is replayed as a GET) and the page's other headers", () => {
    const preflightMissing = parseBrowserError(
      "Access to fetch at 'https://api.example.com/items' from origin 'https://app.example.com' has been blocked by CORS policy: Response to preflight request doesn't pass access control check: No 'Access-Control-Allow-Origin' header is present on the requested resource.",
    )!;
    const rebuilt = inputFromBrowserError(preflightMissing, {});
    expect(rebuilt.ok && rebuilt.input.method).toBe("GET");
    expect(rebuilt.ok && rebuilt.notes.join(" ")).toMatch(/never carries the request's method.*a preflighted POST, PUT or DELETE would be checked as a GET.*pass -X/);
    expect(rebuilt.ok && rebuilt.notes.join(" ")).toMatch(/never lists the request's headers.*pass -H/);
    // Given -X, nothing is assumed about the method.
    const withMethod = inputFromBrowserError(preflightMissing, { method: "POST" });
    expect(withMethod.ok && withMethod.notes.join(" ")).not.toMatch(/method/);

    const header = parseBrowserError(
      "Access to fetch at 'https://api.example.com/items' from origin 'https://app.example.com' has been blocked by CORS policy: Request header field x-api-key is not allowed by Access-Control-Allow-Headers in preflight response.",
    )!;
    const inferred = inputFromBrowserError(header, {});
    expect(inferred.ok && inferred.input.headers).toEqual([["x-api-key", "crossgate-doctor"]]);
    expect(inferred.ok && inferred.notes.join(" ")).toMatch(/names only the refused header \(x-api-key\)/);
  });

  it("reads Chrome's preflight method message", () => {
    const parsed = parseBrowserError(
      "Access to fetch at 'https://api.example.com/items/1' from origin 'https://app.example.com' has been blocked by CORS policy: Method DELETE is not allowed by Access-Control-Allow-Methods in preflight response.",
    );
    expect(parsed).toMatchObject({ browser: "chrome", url: "https://api.example.com/items/1", origin: "https://app.example.com", method: "DELETE", preflight: true, rule: "method-not-allowed" });
  });

  it("reads Chrome's redirected form and spots the Origin: null taint", () => {
    const parsed = parseBrowserError(
      "Access to fetch at 'https://cdn.example.net/final' (redirected from 'https://api.example.com/start') from origin 'https://app.example.com' has been blocked by CORS policy: The 'Access-Control-Allow-Origin' header has a value 'https://app.example.com' that is not equal to the supplied origin.",
    );
    expect(parsed).toMatchObject({ url: "https://api.example.com/start", failedUrl: "https://cdn.example.net/final", rule: "redirect-tainted-origin" });
  });

  it("reads Firefox's message with typographic quotes, which names no origin", () => {
    const text =
      "Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at https://api.example.com/items. (Reason: header ‘x-csrftoken’ is not allowed according to header ‘Access-Control-Allow-Headers’ from CORS preflight response).";
    const parsed = parseBrowserError(text)!;
    expect(parsed).toMatchObject({ browser: "firefox", url: "https://api.example.com/items", origin: null, headerNames: ["x-csrftoken"], rule: "header-not-allowed" });
    const withoutOrigin = inputFromBrowserError(parsed, {});
    expect(withoutOrigin.ok).toBe(false);
    const rebuilt = inputFromBrowserError(parsed, { origin: "https://app.example.com" });
    expect(rebuilt).toMatchObject({ ok: true, input: { origin: "https://app.example.com", headers: [["x-csrftoken", "crossgate-doctor"]] } });
  });

  it("reads Firefox's status code", () => {
    const parsed = parseBrowserError(
      "Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at http://localhost:8000/api. (Reason: CORS preflight response did not succeed). Status code: 404.",
    );
    expect(parsed).toMatchObject({ rule: "preflight-not-ok", status: 404, preflight: true });
  });

  it("reads Safari's two lines", () => {
    const parsed = parseBrowserError("Origin https://app.example.com is not allowed by Access-Control-Allow-Origin. Status code: 200\nFetch API cannot load https://api.example.com/x due to access control checks.");
    expect(parsed).toMatchObject({ browser: "safari", origin: "https://app.example.com", url: "https://api.example.com/x", status: 200 });
  });

  it("returns null for text that is not a CORS message", () => {
    expect(parseBrowserError("TypeError: Failed to fetch")).toBeNull();
  });

  it("assumes a JSON body when a preflight happened for no visible reason, and says so", () => {
    const parsed = parseBrowserError(
      "Access to fetch at 'https://api.example.com/x' from origin 'https://app.example.com' has been blocked by CORS policy: Response to preflight request doesn't pass access control check: It does not have HTTP ok status.",
    )!;
    const rebuilt = inputFromBrowserError(parsed, {});
    expect(rebuilt).toMatchObject({ ok: true, input: { method: "GET", headers: [["Content-Type", "application/json"]] } });
    expect(rebuilt.ok && rebuilt.notes.join(" ")).toContain("application/json");
  });
});

describe("the doctor's own Chrome and Firefox texts parse back to the same rule", () => {
  const origin = "https://app.example.com";
  for (const testCase of brokenServerCases.filter((c) => c.want.verdict === "blocked")) {
    it(testCase.name, async () => {
      const running = await startCase(testCase, origin);
      try {
        const report = await probe(running.url, { origin, method: testCase.request.method ?? "GET", headers: testCase.request.headers ?? {}, credentials: testCase.request.credentials === true });
        const messages = report.failure!.messages;
        const chrome = parseBrowserError(messages.chrome)!;
        // Chromium reports a header-less non-ok preflight by its missing header, as the doctor predicts.
        const chromeRule = report.failure!.rule === "preflight-not-ok" && messages.chrome.includes("No 'Access-Control-Allow-Origin'") ? "missing-allow-origin" : report.rule;
        expect(chrome.rule).toBe(chromeRule);
        expect(chrome.origin).toBe(origin);
        const firefox = parseBrowserError(messages.firefox)!;
        expect(firefox.browser).toBe("firefox");
        expect(firefox.url).toBe(report.steps[report.failure!.step]!.request.url);
      } finally {
        await running.close();
      }
    });
  }
});
