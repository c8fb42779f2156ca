import fc from "fast-check";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { CorsPlan } from "./cors/decide.ts";
import type { CorsOptions } from "./cors/options.ts";
import { createCorsPolicy } from "./cors/policy.ts";
import { createCsrfPolicy } from "./csrf/policy.ts";
import type { CsrfRequest } from "./csrf/request.ts";
import { refusalHeaderValue, sanitizeEventText, type CorsRefusalEvent, type CsrfRefusalEvent } from "./refusal.ts";
import { requestViewFromRecord, type RequestView } from "./request.ts";

const APP = "https://app.example.com";
const EVIL = "https://evil.example";
const quiet = { warn: () => {} };

const view = (method: string, headers: Record<string, string>, path = "/api/posts?page=2"): RequestView => requestViewFromRecord(method, path, headers);
const preflight = (origin: string, method: string, headers?: string, extra: Record<string, string> = {}) =>
  view("OPTIONS", { origin, "access-control-request-method": method, ...(headers === undefined ? {} : { "access-control-request-headers": headers }), ...extra });

function decideNow(options: CorsOptions, request: RequestView): CorsPlan {
  const plan = createCorsPolicy({ logger: quiet, ...options }).decide(request);
  if (plan instanceof Promise) throw new Error("unexpected async plan");
  return plan;
}
const headersOf = (plan: CorsPlan) => Object.fromEntries(plan.headers);

const base: CorsOptions = { origins: [APP], methods: ["GET", "POST", "PUT"], requestHeaders: ["content-type", "x-trace"], maxAgeSeconds: 600 };
const creds: CorsOptions = { ...base, credentials: true };
const PREFLIGHT_VARY = "Origin, Access-Control-Request-Method, Access-Control-Request-Headers";

describe("debug: refused preflights from allowed origins are answered so the browser names the cause", () => {
  const rows: { name: string; options: CorsOptions; request: RequestView; status: number; reason: string; headers: Record<string, string> }[] = [
    {
      name: "method: the allowed methods, not the one asked for",
      options: { ...creds, debug: true },
      request: preflight(APP, "DELETE", "content-type"),
      status: 204,
      reason: "method-not-allowed",
      headers: {
        "Access-Control-Allow-Origin": APP,
        "Access-Control-Allow-Credentials": "true",
        "Access-Control-Allow-Methods": "GET, POST, PUT",
        "Access-Control-Allow-Headers": "content-type",
        "Crossgate-Refusal": 'method-not-allowed; method="DELETE"',
      },
    },
    {
      name: "header: the method and the allowed requested headers, not the one at fault",
      options: { ...creds, debug: true },
      request: preflight(APP, "PUT", "content-type,x-foo,x-trace"),
      status: 204,
      reason: "header-not-allowed",
      headers: {
        "Access-Control-Allow-Origin": APP,
        "Access-Control-Allow-Credentials": "true",
        "Access-Control-Allow-Methods": "GET, POST, PUT",
        "Access-Control-Allow-Headers": "content-type, x-trace",
        "Crossgate-Refusal": 'header-not-allowed; header="x-foo"',
      },
    },
    {
      name: "header, without credentials: no Allow-Credentials",
      options: { ...base, debug: true, preflightStatus: 200 },
      request: preflight(APP, "POST", "x-foo"),
      status: 200,
      reason: "header-not-allowed",
      headers: {
        "Access-Control-Allow-Origin": APP,
        "Access-Control-Allow-Methods": "GET, POST, PUT",
        "Crossgate-Refusal": 'header-not-allowed; header="x-foo"',
      },
    },
    {
      name: "Authorization under requestHeaders \"*\": listed explicitly, never as \"*\" (browsers still let * cover it)",
      options: { origins: "*", requestHeaders: ["*"], methods: ["PATCH"], debug: true },
      request: preflight(APP, "PATCH", "x-anything,authorization"),
      status: 204,
      reason: "header-not-allowed",
      headers: {
        "Access-Control-Allow-Origin": "*",
        "Access-Control-Allow-Methods": "PATCH",
        "Access-Control-Allow-Headers": "x-anything",
        "Crossgate-Refusal": 'header-not-allowed; header="authorization"',
      },
    },
    {
      name: "methods \"*\" with credentials: the granted method is echoed for a header refusal",
      options: { origins: [APP], credentials: true, methods: ["*"], requestHeaders: ["x-trace"], debug: true },
      request: preflight(APP, "PURGE", "x-foo"),
      status: 204,
      reason: "header-not-allowed",
      headers: {
        "Access-Control-Allow-Origin": APP,
        "Access-Control-Allow-Credentials": "true",
        "Access-Control-Allow-Methods": "PURGE",
        "Crossgate-Refusal": 'header-not-allowed; header="x-foo"',
      },
    },
  ];
  it.each(rows)("$name", ({ options, request, status, reason, headers }) => {
    const plan = decideNow(options, request);
    const vary = options.origins === "*" ? "Access-Control-Request-Method, Access-Control-Request-Headers" : PREFLIGHT_VARY;
    expect(plan).toMatchObject({ action: "respond", status, verdict: "refused", reason, preflight: true, vary });
    expect(headersOf(plan)).toEqual(headers);
  });

  it("without debug the same preflights get a bare 403", () => {
    for (const row of rows) {
      const plan = decideNow({ ...row.options, debug: false }, row.request);
      expect(plan).toMatchObject({ action: "respond", status: 403, verdict: "refused", reason: row.reason, headers: [] });
    }
  });
});

describe("debug: other refusals keep their answer and only gain Crossgate-Refusal", () => {
  it.each([
    ["a refused origin's preflight", preflight(EVIL, "PUT", "x-foo"), "respond", 403, "origin-not-allowed"],
    ["a refused origin's request", view("GET", { origin: EVIL }), "pass", 0, "origin-not-allowed"],
    ["a null origin", view("POST", { origin: "null" }), "pass", 0, "origin-null"],
    ["a malformed origin's preflight", preflight("https://EVIL.example", "PUT"), "respond", 403, "origin-malformed"],
    ["a malformed header list from an allowed origin", preflight(APP, "PUT", "content-type,(b)"), "respond", 403, "headers-malformed"],
  ] as const)("%s", (_name, request, action, status, reason) => {
    const plan = decideNow({ ...creds, debug: true }, request);
    expect(plan).toMatchObject({ action, status, verdict: "refused", reason });
    expect(plan.headers).toEqual([["Crossgate-Refusal", reason]]);
    expect(decideNow(creds, request).headers).toEqual([]);
  });

  it("allowed requests never carry Crossgate-Refusal", () => {
    expect(headersOf(decideNow({ ...creds, debug: true }, preflight(APP, "PUT", "x-trace")))).not.toHaveProperty("Crossgate-Refusal");
    expect(headersOf(decideNow({ ...creds, debug: true }, view("GET", { origin: APP })))).not.toHaveProperty("Crossgate-Refusal");
  });

  it("names the value at fault as a structured-field string: printable ASCII only, quotes and backslashes escaped, capped", () => {
    expect(refusalHeaderValue("header-not-allowed", "header", 'x-"a\\b')).toBe('header-not-allowed; header="x-\\"a\\\\b"');
    expect(refusalHeaderValue("method-not-allowed", "method", "G\u00e9T\n")).toBe('method-not-allowed; method="G?T?"');
    expect(refusalHeaderValue("header-not-allowed", "header", "x".repeat(1000)).length).toBeLessThan(200);
    expect(refusalHeaderValue("origin-untrusted")).toBe("origin-untrusted");
  });
});

describe("debug never grants what the policy refuses (property)", () => {
  const methods = fc.constantFrom("GET", "POST", "PUT", "PATCH", "DELETE", "PURGE", "patch");
  const names = fc.constantFrom("content-type", "x-trace", "x-foo", "authorization", "x-b", "accept");
  const options = fc.record({
    credentials: fc.boolean(),
    methods: fc.oneof(fc.uniqueArray(methods, { maxLength: 4 }), fc.constant(["*"])),
    requestHeaders: fc.oneof(fc.uniqueArray(names, { maxLength: 4 }), fc.constant(["*"])),
    any: fc.boolean(),
  });
  it("a debug answer lists only methods and headers the policy grants, and refuses exactly when the plain policy does", () => {
    fc.assert(
      fc.property(options, methods, fc.uniqueArray(names, { maxLength: 4 }), (o, method, asked) => {
        const any = o.any && !o.credentials;
        const listed: readonly string[] = o.requestHeaders;
        const requestHeaders = o.credentials && listed.includes("*") ? listed.filter((n) => n !== "*") : listed;
        const options: CorsOptions = { origins: any ? "*" : [APP], credentials: o.credentials, methods: o.methods, requestHeaders };
        const request = preflight(APP, method, asked.length > 0 ? asked.join(",") : undefined);
        const plain = decideNow(options, request);
        const debug = decideNow({ ...options, debug: true }, request);
        expect([debug.verdict, debug.reason, debug.detail]).toEqual([plain.verdict, plain.reason, plain.detail]);
        if (plain.verdict !== "refused") return;
        const granted = headersOf(debug);
        const listedMethods = (granted["Access-Control-Allow-Methods"] ?? "").split(", ");
        const listedHeaders = (granted["Access-Control-Allow-Headers"] ?? "").split(", ");
        expect(listedMethods).not.toContain("*");
        expect(listedHeaders).not.toContain("*");
        if (plain.reason === "method-not-allowed") expect(listedMethods).not.toContain(method);
        if (plain.reason === "header-not-allowed") expect(listedHeaders).not.toContain(plain.detail);
        // Whatever is listed, the plain policy grants on its own.
        for (const name of listedHeaders.filter(Boolean)) {
          expect(decideNow(options, preflight(APP, "GET", name)).verdict).toBe("allowed");
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe("debug under NODE_ENV=production", () => {
  const before = process.env.NODE_ENV;
  afterEach(() => {
    process.env.NODE_ENV = before;
  });

  it("logs one loud warning when a CORS policy or CSRF guard starts with debug on", () => {
    process.env.NODE_ENV = "production";
    const warn = vi.fn();
    createCorsPolicy({ origins: [APP], debug: true, logger: { warn } });
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0]![0]).toMatch(/^crossgate cors: WARNING: debug is on while NODE_ENV=production/);
    warn.mockClear();
    createCsrfPolicy({ trustedOrigins: [APP], tokens: false, debug: true, logger: { warn } });
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0]![0]).toMatch(/^crossgate csrf: WARNING: debug is on while NODE_ENV=production/);
  });

  it("says nothing without debug, or outside production", () => {
    const warn = vi.fn();
    process.env.NODE_ENV = "production";
    createCorsPolicy({ origins: [APP], logger: { warn } });
    process.env.NODE_ENV = "development";
    createCorsPolicy({ origins: [APP], debug: true, logger: { warn } });
    expect(warn).not.toHaveBeenCalled();
  });
});

describe("onRefusal (CORS)", () => {
  it("gets a frozen event for each refusal, synchronously, before decide returns", () => {
    const events: CorsRefusalEvent[] = [];
    const policy = createCorsPolicy({ ...creds, onRefusal: (event) => void events.push(event) });
    policy.decide(preflight(APP, "DELETE"));
    expect(events).toEqual([{ kind: "cors", reason: "method-not-allowed", origin: APP, method: "OPTIONS", path: "/api/posts", preflight: true, detail: "DELETE" }]);
    policy.decide(preflight(APP, "PUT", "x-trace,x-foo"));
    policy.decide(view("GET", { origin: EVIL }));
    expect(events.slice(1)).toEqual([
      { kind: "cors", reason: "header-not-allowed", origin: APP, method: "OPTIONS", path: "/api/posts", preflight: true, detail: "x-foo" },
      { kind: "cors", reason: "origin-not-allowed", origin: EVIL, method: "GET", path: "/api/posts", preflight: false, detail: undefined },
    ]);
    expect(events.every(Object.isFrozen)).toBe(true);
  });

  it("is not called for allowed requests, requests without Origin or paths outside urlFilter", () => {
    const onRefusal = vi.fn();
    const policy = createCorsPolicy({ ...creds, urlFilter: /^\/api\//, onRefusal });
    policy.decide(view("GET", { origin: APP }));
    policy.decide(preflight(APP, "PUT"));
    policy.decide(view("POST", {}));
    policy.decide(view("GET", { origin: EVIL }, "/static/x.js"));
    expect(onRefusal).not.toHaveBeenCalled();
  });

  it("caps origin and detail and replaces control characters", () => {
    const events: CorsRefusalEvent[] = [];
    const policy = createCorsPolicy({ ...base, onRefusal: (event) => void events.push(event) });
    policy.decide(view("GET", { origin: `https://${"a".repeat(5000)}.example` }));
    policy.decide(view("GET", { origin: "https://x.example\r\nX-Injected: 1" }));
    policy.decide(preflight(APP, `X-${"B".repeat(1000)}`));
    // A header name longer than every allowed one is named by its first characters already.
    policy.decide(preflight(APP, "PUT", `x-${"b".repeat(1000)}`));
    expect(events[0]!.origin!.length).toBe(256);
    expect(events[0]!.origin!.endsWith("…")).toBe(true);
    expect(events[1]!.origin).toBe("https://x.example\uFFFD\uFFFDX-Injected: 1");
    expect(events[2]!.detail!.length).toBe(128);
    expect(events[3]!.detail).toBe(`x-${"b".repeat(61)}…`);
    for (const event of events) {
      expect(`${event.origin}${event.detail}${event.path}${event.method}`).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
    }
    expect(sanitizeEventText("a\u0085b\u2028c", 10)).toBe("a\uFFFDb\uFFFDc");
  });

  it("reports the refusals an async allowOrigin decides, once they are decided", async () => {
    const onRefusal = vi.fn();
    const policy = createCorsPolicy({ allowOrigin: async (origin) => origin === APP, onRefusal });
    const pending = policy.decide(view("GET", { origin: EVIL }));
    expect(onRefusal).not.toHaveBeenCalled();
    expect((await pending).verdict).toBe("refused");
    expect(onRefusal).toHaveBeenCalledWith(expect.objectContaining({ reason: "origin-not-allowed", origin: EVIL }));
    await policy.decide(view("GET", { origin: APP }));
    expect(onRefusal).toHaveBeenCalledTimes(1);
  });

  it("never changes the response: throws and rejections go to the logger", async () => {
    const warn = vi.fn();
    const request = preflight(APP, "DELETE");
    const expected = decideNow(creds, request);
    const throwing = createCorsPolicy({ ...creds, logger: { warn }, onRefusal: () => { throw new Error("counter down"); } });
    expect(throwing.decide(request)).toEqual(expected);
    expect(warn.mock.calls[0]![0]).toMatch(/^crossgate cors: onRefusal failed for a method-not-allowed refusal; the response is unchanged\. Error: counter down/);
    const rejecting = createCorsPolicy({ ...creds, logger: { warn }, onRefusal: async () => { throw new Error("exporter down"); } });
    expect(rejecting.decide(request)).toEqual(expected);
    await vi.waitFor(() => expect(warn).toHaveBeenCalledTimes(2));
    expect(warn.mock.calls[1]![0]).toMatch(/Error: exporter down/);
  });

  it("is refused as a non-function, naming the option", () => {
    expect(() => createCorsPolicy({ origins: [APP], onRefusal: "count" as never })).toThrow(/onRefusal.*must be a function/s);
  });

  it("a policy without it answers with the very same plan objects", () => {
    const policy = createCorsPolicy(creds);
    expect(policy.decide(preflight(APP, "DELETE"))).toBe(policy.decide(preflight(APP, "DELETE")));
  });
});

describe("onRefusal and debug (CSRF)", () => {
  const SECRET = "test-secret-0123456789-abcdefghijklmnop";
  const csrfRequest = (headers: Record<string, string>, secure = true): CsrfRequest => ({
    ...requestViewFromRecord("POST", "/api/things?x=1", { host: "api.example.com", ...headers }),
    secure,
  });

  it("gets a frozen event with the refusal code; a referer refusal names the Referer's origin, never its path", async () => {
    const events: CsrfRefusalEvent[] = [];
    const guard = createCsrfPolicy({ trustedOrigins: [APP], secret: SECRET, onRefusal: (event) => void events.push(event) });
    await guard.decide(csrfRequest({ origin: EVIL }));
    await guard.decide(csrfRequest({ referer: "https://evil.example/page?token=secret" }));
    await guard.decide(csrfRequest({ origin: APP }));
    await guard.decide(csrfRequest({ origin: APP, "sec-fetch-site": "same-origin" }));
    expect(events).toEqual([
      { kind: "csrf", reason: "origin-untrusted", origin: EVIL, method: "POST", path: "/api/things", preflight: false, detail: undefined },
      { kind: "csrf", reason: "referer-untrusted", origin: undefined, method: "POST", path: "/api/things", preflight: false, detail: "https://evil.example" },
      { kind: "csrf", reason: "cookie-missing", origin: APP, method: "POST", path: "/api/things", preflight: false, detail: undefined },
    ]);
    expect(events.every(Object.isFrozen)).toBe(true);
  });

  it("never changes the decision: throws and rejections go to the logger", async () => {
    const warn = vi.fn();
    const plain = await createCsrfPolicy({ trustedOrigins: [APP], tokens: false }).decide(csrfRequest({ origin: EVIL }));
    const throwing = createCsrfPolicy({ trustedOrigins: [APP], tokens: false, logger: { warn }, onRefusal: () => { throw new Error("boom"); } });
    expect(await throwing.decide(csrfRequest({ origin: EVIL }))).toEqual(plain);
    const rejecting = createCsrfPolicy({ trustedOrigins: [APP], tokens: false, logger: { warn }, onRefusal: () => Promise.reject(new Error("later")) });
    expect(await rejecting.decide(csrfRequest({ origin: EVIL }))).toEqual(plain);
    await vi.waitFor(() => expect(warn).toHaveBeenCalledTimes(2));
    expect(warn.mock.calls.map((c) => c[0]).join("\n")).toMatch(/crossgate csrf: onRefusal failed for a origin-untrusted refusal[^]*boom[^]*later/);
  });

  it("in debug mode the 403 names the code in Crossgate-Refusal; without debug it does not", async () => {
    const debug = await createCsrfPolicy({ trustedOrigins: [APP], tokens: false, debug: true, logger: quiet }).decide(csrfRequest({ origin: EVIL }));
    expect(debug.response!.headers).toContainEqual(["Crossgate-Refusal", "origin-untrusted"]);
    const plain = await createCsrfPolicy({ trustedOrigins: [APP], tokens: false }).decide(csrfRequest({ origin: EVIL }));
    expect(plain.response!.headers.map(([name]) => name)).not.toContain("Crossgate-Refusal");
  });
});
