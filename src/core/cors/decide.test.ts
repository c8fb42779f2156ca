import { describe, expect, it } from "vitest";
import { requestViewFromRecord, type RequestView } from "../request.ts";
import type { CorsPlan } from "./decide.ts";
import type { CorsOptions } from "./options.ts";
import { createCorsPolicy } from "./policy.ts";

const APP = "https://app.example.com";

function request(method: string, headers: Record<string, string> = {}, path = "/api/posts?x=1"): RequestView {
  return requestViewFromRecord(method, path, headers);
}
const preflight = (origin: string, method = "PUT", headers?: string, extra: Record<string, string> = {}) =>
  request("OPTIONS", {
    origin,
    "access-control-request-method": method,
    ...(headers === undefined ? {} : { "access-control-request-headers": headers }),
    ...extra,
  });

function decide(options: CorsOptions, view: RequestView): CorsPlan {
  const plan = createCorsPolicy(options).decide(view);
  if (plan instanceof Promise) throw new Error("unexpected async plan");
  return plan;
}
const headersOf = (plan: CorsPlan) => Object.fromEntries(plan.headers);

interface Row {
  name: string;
  options: CorsOptions;
  request: RequestView;
  action: "respond" | "pass";
  status?: number;
  verdict: CorsPlan["verdict"];
  reason?: string;
  headers: Record<string, string>;
  vary: string;
}

const base: CorsOptions = { origins: [APP, "https://*.example.org", "http://localhost:*"], exposeHeaders: ["X-Total"] };
const creds: CorsOptions = { ...base, credentials: true };
const PREFLIGHT_VARY = "Origin, Access-Control-Request-Method, Access-Control-Request-Headers";
const ALLOWED_PREFLIGHT = {
  "Access-Control-Allow-Methods": "DELETE, GET, OPTIONS, PATCH, POST, PUT",
  "Access-Control-Allow-Headers": "accept, authorization, content-type, user-agent, x-csrftoken, x-requested-with",
  "Access-Control-Max-Age": "7200",
};

const rows: Row[] = [
  { name: "actual request from an allowed origin", options: base, request: request("GET", { origin: APP }), action: "pass", verdict: "allowed", headers: { "Access-Control-Allow-Origin": APP, "Access-Control-Expose-Headers": "x-total" }, vary: "Origin" },
  { name: "credentials add Allow-Credentials", options: creds, request: request("POST", { origin: APP }), action: "pass", verdict: "allowed", headers: { "Access-Control-Allow-Origin": APP, "Access-Control-Allow-Credentials": "true", "Access-Control-Expose-Headers": "x-total" }, vary: "Origin" },
  { name: "refused origin gets no header, only Vary", options: creds, request: request("GET", { origin: "https://evil.com" }), action: "pass", verdict: "refused", reason: "origin-not-allowed", headers: {}, vary: "Origin" },
  { name: "request without Origin gets Vary", options: base, request: request("GET"), action: "pass", verdict: "no-origin", headers: {}, vary: "Origin" },
  { name: "subdomain pattern matches one label", options: base, request: request("GET", { origin: "https://a.example.org" }), action: "pass", verdict: "allowed", headers: { "Access-Control-Allow-Origin": "https://a.example.org", "Access-Control-Expose-Headers": "x-total" }, vary: "Origin" },
  { name: "subdomain pattern matches several labels", options: base, request: request("GET", { origin: "https://a.b.example.org" }), action: "pass", verdict: "allowed", headers: { "Access-Control-Allow-Origin": "https://a.b.example.org", "Access-Control-Expose-Headers": "x-total" }, vary: "Origin" },
  { name: "subdomain pattern never matches the bare domain", options: base, request: request("GET", { origin: "https://example.org" }), action: "pass", verdict: "refused", reason: "origin-not-allowed", headers: {}, vary: "Origin" },
  { name: "subdomain pattern respects label boundaries", options: base, request: request("GET", { origin: "https://evil-example.org" }), action: "pass", verdict: "refused", reason: "origin-not-allowed", headers: {}, vary: "Origin" },
  { name: "subdomain pattern is not a suffix of another domain", options: base, request: request("GET", { origin: "https://a.example.org.evil.net" }), action: "pass", verdict: "refused", reason: "origin-not-allowed", headers: {}, vary: "Origin" },
  { name: "subdomain pattern respects the scheme", options: base, request: request("GET", { origin: "http://a.example.org" }), action: "pass", verdict: "refused", reason: "origin-not-allowed", headers: {}, vary: "Origin" },
  { name: "subdomain pattern respects the port", options: base, request: request("GET", { origin: "https://a.example.org:8443" }), action: "pass", verdict: "refused", reason: "origin-not-allowed", headers: {}, vary: "Origin" },
  { name: "port pattern matches any port", options: base, request: request("GET", { origin: "http://localhost:5173" }), action: "pass", verdict: "allowed", headers: { "Access-Control-Allow-Origin": "http://localhost:5173", "Access-Control-Expose-Headers": "x-total" }, vary: "Origin" },
  { name: "port pattern matches no port", options: base, request: request("GET", { origin: "http://localhost" }), action: "pass", verdict: "allowed", headers: { "Access-Control-Allow-Origin": "http://localhost", "Access-Control-Expose-Headers": "x-total" }, vary: "Origin" },
  { name: "port pattern does not match another host", options: base, request: request("GET", { origin: "http://localhost.evil.com:5173" }), action: "pass", verdict: "refused", reason: "origin-not-allowed", headers: {}, vary: "Origin" },
  { name: "exact origin is byte-exact: upper case refused", options: base, request: request("GET", { origin: "https://APP.example.com" }), action: "pass", verdict: "refused", reason: "origin-malformed", headers: {}, vary: "Origin" },
  { name: "exact origin is byte-exact: trailing slash refused", options: base, request: request("GET", { origin: `${APP}/` }), action: "pass", verdict: "refused", reason: "origin-malformed", headers: {}, vary: "Origin" },
  { name: "two origins in one header are refused", options: base, request: request("GET", { origin: `${APP}, https://evil.com` }), action: "pass", verdict: "refused", reason: "origin-malformed", headers: {}, vary: "Origin" },
  { name: "null origin is refused", options: base, request: request("GET", { origin: "null" }), action: "pass", verdict: "refused", reason: "origin-null", headers: {}, vary: "Origin" },
  { name: "null origin allowed when opted in", options: { origins: ["null"], dangerouslyAllowNullOrigin: true }, request: request("GET", { origin: "null" }), action: "pass", verdict: "allowed", headers: { "Access-Control-Allow-Origin": "null" }, vary: "Origin" },
  { name: "allow-all answers * without Vary: Origin", options: { origins: "*" }, request: request("GET", { origin: "https://any.com" }), action: "pass", verdict: "allowed", headers: { "Access-Control-Allow-Origin": "*" }, vary: "" },
  { name: "allow-all answers * even without Origin", options: { origins: "*" }, request: request("GET"), action: "pass", verdict: "allowed", headers: { "Access-Control-Allow-Origin": "*" }, vary: "" },
  { name: "allow-all with credentials (opted in) reflects", options: { origins: "*", credentials: true, dangerouslyAllowAnyOriginWithCredentials: true }, request: request("GET", { origin: "https://any.com" }), action: "pass", verdict: "allowed", headers: { "Access-Control-Allow-Origin": "https://any.com", "Access-Control-Allow-Credentials": "true" }, vary: "Origin" },
  { name: "allow-all with credentials still refuses null", options: { origins: "*", credentials: true, dangerouslyAllowAnyOriginWithCredentials: true }, request: request("GET", { origin: "null" }), action: "pass", verdict: "refused", reason: "origin-null", headers: {}, vary: "Origin" },
  { name: "regex matches in full", options: { originRegexes: [/^https:\/\/[a-z]+\.example\.net$/] }, request: request("GET", { origin: "https://api.example.net" }), action: "pass", verdict: "allowed", headers: { "Access-Control-Allow-Origin": "https://api.example.net" }, vary: "Origin" },
  { name: "regex never matches a longer origin", options: { originRegexes: [/^https:\/\/[a-z]+\.example\.net$/] }, request: request("GET", { origin: "https://api.example.net.evil.com" }), action: "pass", verdict: "refused", reason: "origin-not-allowed", headers: {}, vary: "Origin" },
  { name: "regex alternation is still full-match", options: { originRegexes: ["^https://a\\.com$|^https://b\\.com$"] }, request: request("GET", { origin: "https://b.com.evil.net" }), action: "pass", verdict: "refused", reason: "origin-not-allowed", headers: {}, vary: "Origin" },
  { name: "preflight from an allowed origin is answered", options: base, request: preflight(APP, "PUT", "content-type,x-csrftoken"), action: "respond", status: 204, verdict: "allowed", headers: { "Access-Control-Allow-Origin": APP, ...ALLOWED_PREFLIGHT }, vary: PREFLIGHT_VARY },
  { name: "preflight status 200 when configured", options: { ...base, preflightStatus: 200 }, request: preflight(APP), action: "respond", status: 200, verdict: "allowed", headers: { "Access-Control-Allow-Origin": APP, ...ALLOWED_PREFLIGHT }, vary: PREFLIGHT_VARY },
  { name: "preflight with credentials", options: creds, request: preflight(APP), action: "respond", status: 204, verdict: "allowed", headers: { "Access-Control-Allow-Origin": APP, "Access-Control-Allow-Credentials": "true", ...ALLOWED_PREFLIGHT }, vary: PREFLIGHT_VARY },
  { name: "preflight from a refused origin is answered 403 without grant", options: base, request: preflight("https://evil.com"), action: "respond", status: 403, verdict: "refused", reason: "origin-not-allowed", headers: {}, vary: PREFLIGHT_VARY },
  { name: "preflight for a method not allowed", options: { ...base, methods: ["GET", "POST"] }, request: preflight(APP, "DELETE"), action: "respond", status: 403, verdict: "refused", reason: "method-not-allowed", headers: {}, vary: PREFLIGHT_VARY },
  { name: "preflight method match is case-sensitive", options: { ...base, methods: ["PATCH"] }, request: preflight(APP, "patch"), action: "respond", status: 403, verdict: "refused", reason: "method-not-allowed", headers: {}, vary: PREFLIGHT_VARY },
  { name: "safelisted methods are always allowed", options: { ...base, methods: [] }, request: preflight(APP, "POST", "content-type"), action: "respond", status: 204, verdict: "allowed", headers: { "Access-Control-Allow-Origin": APP, "Access-Control-Allow-Headers": ALLOWED_PREFLIGHT["Access-Control-Allow-Headers"], "Access-Control-Max-Age": "7200" }, vary: PREFLIGHT_VARY },
  { name: "preflight for a header not allowed", options: base, request: preflight(APP, "PUT", "content-type,x-evil"), action: "respond", status: 403, verdict: "refused", reason: "header-not-allowed", headers: {}, vary: PREFLIGHT_VARY },
  { name: "header names compare case-insensitively, with odd spacing", options: base, request: preflight(APP, "PUT", " Content-Type ,  X-CSRFToken"), action: "respond", status: 204, verdict: "allowed", headers: { "Access-Control-Allow-Origin": APP, ...ALLOWED_PREFLIGHT }, vary: PREFLIGHT_VARY },
  { name: "malformed request headers are refused", options: base, request: preflight(APP, "PUT", "content-type;x"), action: "respond", status: 403, verdict: "refused", reason: "headers-malformed", headers: {}, vary: PREFLIGHT_VARY },
  { name: "any header without credentials answers *", options: { origins: [APP], requestHeaders: ["*"] }, request: preflight(APP, "PUT", "x-anything"), action: "respond", status: 204, verdict: "allowed", headers: { "Access-Control-Allow-Origin": APP, ...ALLOWED_PREFLIGHT, "Access-Control-Allow-Headers": "*" }, vary: PREFLIGHT_VARY },
  { name: "any header never covers Authorization", options: { origins: [APP], requestHeaders: ["*"] }, request: preflight(APP, "PUT", "authorization"), action: "respond", status: 403, verdict: "refused", reason: "header-not-allowed", headers: {}, vary: PREFLIGHT_VARY },
  { name: "Authorization listed with *", options: { origins: [APP], requestHeaders: ["*", "Authorization"] }, request: preflight(APP, "PUT", "authorization,x-a"), action: "respond", status: 204, verdict: "allowed", headers: { "Access-Control-Allow-Origin": APP, ...ALLOWED_PREFLIGHT, "Access-Control-Allow-Headers": "*, authorization" }, vary: PREFLIGHT_VARY },
  { name: "any header with credentials (opted in) reflects the names", options: { origins: [APP], credentials: true, requestHeaders: ["*"], dangerouslyAllowAnyHeaderWithCredentials: true }, request: preflight(APP, "PUT", "X-B,authorization"), action: "respond", status: 204, verdict: "allowed", headers: { "Access-Control-Allow-Origin": APP, "Access-Control-Allow-Credentials": "true", "Access-Control-Allow-Methods": ALLOWED_PREFLIGHT["Access-Control-Allow-Methods"], "Access-Control-Max-Age": "7200", "Access-Control-Allow-Headers": "x-b, authorization" }, vary: PREFLIGHT_VARY },
  { name: "any method without credentials answers *", options: { origins: [APP], methods: ["*"] }, request: preflight(APP, "PROPFIND"), action: "respond", status: 204, verdict: "allowed", headers: { "Access-Control-Allow-Origin": APP, ...ALLOWED_PREFLIGHT, "Access-Control-Allow-Methods": "*" }, vary: PREFLIGHT_VARY },
  { name: "any header with credentials sends no empty Allow-Headers for a list of empty elements", options: { origins: [APP], credentials: true, requestHeaders: ["*"], dangerouslyAllowAnyHeaderWithCredentials: true }, request: preflight(APP, "PUT", " , ,"), action: "respond", status: 204, verdict: "allowed", headers: { "Access-Control-Allow-Origin": APP, "Access-Control-Allow-Credentials": "true", "Access-Control-Allow-Methods": ALLOWED_PREFLIGHT["Access-Control-Allow-Methods"], "Access-Control-Max-Age": "7200" }, vary: PREFLIGHT_VARY },
  { name: "any method with credentials reflects the method", options: { origins: [APP], methods: ["*"], credentials: true }, request: preflight(APP, "PROPFIND"), action: "respond", status: 204, verdict: "allowed", headers: { "Access-Control-Allow-Origin": APP, "Access-Control-Allow-Credentials": "true", "Access-Control-Allow-Headers": ALLOWED_PREFLIGHT["Access-Control-Allow-Headers"], "Access-Control-Max-Age": "7200", "Access-Control-Allow-Methods": "PROPFIND" }, vary: PREFLIGHT_VARY },
  { name: "max-age null omits the header", options: { origins: [APP], maxAgeSeconds: null, requestHeaders: [], methods: [] }, request: preflight(APP, "GET"), action: "respond", status: 204, verdict: "allowed", headers: { "Access-Control-Allow-Origin": APP }, vary: PREFLIGHT_VARY },
  { name: "max-age 0 is sent", options: { origins: [APP], maxAgeSeconds: 0, requestHeaders: [], methods: [] }, request: preflight(APP, "GET"), action: "respond", status: 204, verdict: "allowed", headers: { "Access-Control-Allow-Origin": APP, "Access-Control-Max-Age": "0" }, vary: PREFLIGHT_VARY },
  { name: "OPTIONS without Access-Control-Request-Method passes through", options: base, request: request("OPTIONS", { origin: APP }), action: "pass", verdict: "allowed", headers: { "Access-Control-Allow-Origin": APP, "Access-Control-Expose-Headers": "x-total" }, vary: "Origin" },
  { name: "OPTIONS with ACRM but without Origin passes through", options: base, request: request("OPTIONS", { "access-control-request-method": "PUT" }), action: "pass", verdict: "no-origin", headers: {}, vary: "Origin" },
  { name: "private network answered when configured and requested", options: { ...base, privateNetwork: true, requestHeaders: [], methods: [] }, request: preflight(APP, "GET", undefined, { "access-control-request-private-network": "true" }), action: "respond", status: 204, verdict: "allowed", headers: { "Access-Control-Allow-Origin": APP, "Access-Control-Max-Age": "7200", "Access-Control-Allow-Private-Network": "true" }, vary: `${PREFLIGHT_VARY}, Access-Control-Request-Private-Network` },
  { name: "private network not answered when not configured", options: { ...base, requestHeaders: [], methods: [] }, request: preflight(APP, "GET", undefined, { "access-control-request-private-network": "true" }), action: "respond", status: 204, verdict: "allowed", headers: { "Access-Control-Allow-Origin": APP, "Access-Control-Max-Age": "7200" }, vary: PREFLIGHT_VARY },
  { name: "private network not answered for a refused origin", options: { ...base, privateNetwork: true }, request: preflight("https://evil.com", "GET", undefined, { "access-control-request-private-network": "true" }), action: "respond", status: 403, verdict: "refused", reason: "origin-not-allowed", headers: {}, vary: `${PREFLIGHT_VARY}, Access-Control-Request-Private-Network` },
  { name: "private network requires exactly 'true'", options: { ...base, privateNetwork: true, requestHeaders: [], methods: [] }, request: preflight(APP, "GET", undefined, { "access-control-request-private-network": "TRUE" }), action: "respond", status: 204, verdict: "allowed", headers: { "Access-Control-Allow-Origin": APP, "Access-Control-Max-Age": "7200" }, vary: `${PREFLIGHT_VARY}, Access-Control-Request-Private-Network` },
  { name: "URL filter miss does nothing at all", options: { ...base, urlFilter: /^\/api\// }, request: request("GET", { origin: APP }, "/admin/x"), action: "pass", verdict: "disabled", headers: {}, vary: "" },
  { name: "URL filter miss lets a preflight through", options: { ...base, urlFilter: /^\/api\// }, request: requestViewFromRecord("OPTIONS", "/admin", { origin: APP, "access-control-request-method": "PUT" }), action: "pass", verdict: "disabled", headers: {}, vary: "" },
  { name: "URL filter ignores the query string", options: { ...base, urlFilter: /^\/api\/posts$/ }, request: request("GET", { origin: APP }, "/api/posts?x=/admin"), action: "pass", verdict: "allowed", headers: { "Access-Control-Allow-Origin": APP, "Access-Control-Expose-Headers": "x-total" }, vary: "Origin" },
  { name: "URL filter matches the decoded path", options: { ...base, urlFilter: /^\/api\/caf\u00e9$/ }, request: request("GET", { origin: APP }, "/api/caf%C3%A9"), action: "pass", verdict: "allowed", headers: { "Access-Control-Allow-Origin": APP, "Access-Control-Expose-Headers": "x-total" }, vary: "Origin" },
  { name: "varyOn adds the callback's headers", options: { origins: [APP], varyOn: ["x-tenant"] }, request: request("GET", { origin: APP }), action: "pass", verdict: "allowed", headers: { "Access-Control-Allow-Origin": APP }, vary: "Origin, X-Tenant" },
];

describe("decideCors", () => {
  it.each(rows)("$name", (row) => {
    const plan = decide(row.options, row.request);
    expect(plan.action).toBe(row.action);
    if (row.status !== undefined) expect(plan.status).toBe(row.status);
    expect(plan.verdict).toBe(row.verdict);
    expect(plan.reason).toBe(row.reason);
    expect(headersOf(plan)).toEqual(row.headers);
    expect(plan.vary).toBe(row.vary);
  });

  it("returns the same frozen plan for repeated requests from an exact origin", () => {
    const policy = createCorsPolicy(base);
    const first = policy.decide(request("GET", { origin: APP }));
    const second = policy.decide(request("GET", { origin: APP }));
    expect(second).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
  });

  it("names the refused header in the plan", () => {
    const plan = decide(base, preflight(APP, "PUT", "content-type,x-evil"));
    expect(plan.detail).toBe("x-evil");
  });

  it("reuses a refused preflight's plan for the same name at fault, and never for another name or reason", () => {
    const policy = createCorsPolicy(base);
    const once = (view: RequestView) => policy.decide(view) as CorsPlan;
    const evil = once(preflight(APP, "PUT", "x-evil"));
    expect(once(preflight(APP, "PUT", "content-type, x-evil"))).toBe(evil);
    const other = once(preflight(APP, "PUT", "x-other"));
    expect([other.reason, other.detail, other.status]).toEqual(["header-not-allowed", "x-other", 403]);
    // The same text as a refused method is a different refusal.
    const method = once(preflight(APP, "x-evil"));
    expect([method.reason, method.detail]).toEqual(["method-not-allowed", "x-evil"]);
    expect(once(preflight(APP, "x-evil"))).toBe(method);
  });

  it("refuses a header name longer than every allowed one by its first characters, without reading on to tell whether it is malformed", () => {
    const long = `x-${"a".repeat(4_000)}@`;
    const shown = `x-${"a".repeat(61)}…`;
    const plan = decide(base, preflight(APP, "PUT", `content-type,${long}`));
    expect([plan.reason, plan.detail]).toEqual(["header-not-allowed", shown]);
    // The debug header carries only printable ASCII.
    const debug = decide({ ...base, debug: true, logger: { warn: () => {} } }, preflight(APP, "PUT", long));
    expect(headersOf(debug)["Crossgate-Refusal"]).toBe(`header-not-allowed; header="${shown.replace("…", "?")}"`);
    // With any header allowed there is no longest name: every name is read to its end.
    expect(decide({ ...base, requestHeaders: ["*"] }, preflight(APP, "PUT", `content-type,${long}`)).reason).toBe("headers-malformed");
  });
});

describe("hostile input is bounded and refused", () => {
  it.each([
    ["a 1 MiB Origin", request("GET", { origin: `https://${"a".repeat(1 << 20)}.com` }), "origin-too-long"],
    ["a 1 MiB Access-Control-Request-Headers", preflight(APP, "PUT", ",".repeat(1 << 20)), "headers-too-long"],
    ["a 1 MiB header list of names", preflight(APP, "PUT", "a,".repeat(1 << 19)), "headers-too-long"],
    ["control characters in Origin", request("GET", { origin: `${APP}\r\nSet-Cookie: x=1` }), "origin-malformed"],
    ["a NUL in Origin", request("GET", { origin: `${APP}\u0000` }), "origin-malformed"],
    ["unicode in Origin", request("GET", { origin: "https://аpp.example.com" }), "origin-malformed"],
  ])("%s", (_name, view, reason) => {
    const started = performance.now();
    const plan = decide(creds, view);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(plan.verdict).toBe("refused");
    expect(plan.reason).toBe(reason);
    expect(plan.headers).toEqual([]);
  });
});

describe("allowOrigin callback", () => {
  it("is asked only for origins the static rules refuse, and may be async", async () => {
    const asked: string[] = [];
    const policy = createCorsPolicy({
      origins: [APP],
      credentials: true,
      allowOrigin: async (origin, view) => {
        asked.push(origin);
        return origin === "https://tenant.partner.com" && view.header("x-tenant") === "t1";
      },
      varyOn: ["X-Tenant"],
    });
    expect(policy.decide(request("GET", { origin: APP }))).not.toBeInstanceOf(Promise);
    const allowed = await policy.decide(request("GET", { origin: "https://tenant.partner.com", "x-tenant": "t1" }));
    expect(allowed.verdict).toBe("allowed");
    expect(headersOf(allowed)["Access-Control-Allow-Origin"]).toBe("https://tenant.partner.com");
    expect(allowed.vary).toBe("Origin, X-Tenant");
    const refused = await policy.decide(request("GET", { origin: "https://tenant.partner.com", "x-tenant": "t2" }));
    expect(refused.verdict).toBe("refused");
    expect(asked).toEqual(["https://tenant.partner.com", "https://tenant.partner.com"]);
  });

  it("cannot admit a plain-http origin (other than loopback) with credentials, whatever admits it", async () => {
    const everyone = createCorsPolicy({ credentials: true, allowOrigin: () => true, originRegexes: [/^.*$/], dangerouslyAllowPublicSuffixWildcards: true });
    for (const origin of ["http://evil.example", "http://app.example.com:8080"]) {
      expect((await everyone.decide(request("GET", { origin }))).verdict, origin).toBe("refused");
    }
    for (const origin of ["https://evil.example", "http://localhost:5173", "http://127.0.0.1:3000", "http://[::1]"]) {
      expect((await everyone.decide(request("GET", { origin }))).verdict, origin).toBe("allowed");
    }
    const optedIn = createCorsPolicy({ credentials: true, allowOrigin: () => true, dangerouslyAllowInsecureOriginsWithCredentials: true });
    expect((await optedIn.decide(request("GET", { origin: "http://evil.example" }))).verdict).toBe("allowed");
    const noCredentials = createCorsPolicy({ allowOrigin: () => true });
    expect((await noCredentials.decide(request("GET", { origin: "http://evil.example" }))).verdict).toBe("allowed");
  });

  it("never sees malformed or null origins", () => {
    const asked: string[] = [];
    const policy = createCorsPolicy({ allowOrigin: (origin) => (asked.push(origin), true) });
    for (const origin of ["null", "https://A.com", "https://a.com/", "garbage"]) {
      expect((policy.decide(request("GET", { origin })) as CorsPlan).verdict).toBe("refused");
    }
    expect(asked).toEqual([]);
  });

  it("refuses, logs and never crashes when it throws or rejects", async () => {
    const warnings: string[] = [];
    const logger = { warn: (message: string) => warnings.push(message) };
    const throwing = createCorsPolicy({ logger, allowOrigin: () => { throw new Error("db down"); } });
    const thrown = throwing.decide(request("GET", { origin: "https://x.com" })) as CorsPlan;
    expect(thrown.reason).toBe("origin-callback-failed");
    const rejecting = createCorsPolicy({ logger, allowOrigin: () => Promise.reject(new Error("timeout")) });
    const rejected = await rejecting.decide(request("GET", { origin: "https://x.com" }));
    expect(rejected.reason).toBe("origin-callback-failed");
    expect(warnings.join("\n")).toMatch(/db down[\s\S]*timeout/);
  });

  it("grants a preflight only when the callback allows and the method is allowed", async () => {
    const policy = createCorsPolicy({ allowOrigin: () => true, methods: ["PUT"] });
    expect((await policy.decide(preflight("https://x.com", "PUT"))).verdict).toBe("allowed");
    expect((await policy.decide(preflight("https://x.com", "DELETE"))).reason).toBe("method-not-allowed");
  });
});

describe("debug logging", () => {
  it("says exactly why each request was refused", () => {
    const warnings: string[] = [];
    const policy = createCorsPolicy({ ...base, methods: ["GET"], debug: true, logger: { warn: (m) => warnings.push(m) } });
    policy.decide(request("GET", { origin: "https://evil.com" }));
    policy.decide(preflight(APP, "DELETE"));
    policy.decide(preflight(APP, "GET", "x-evil"));
    policy.decide(request("GET", { origin: "null" }));
    expect(warnings).toEqual([
      'crossgate cors: refused request GET /api/posts from origin "https://evil.com": the origin is not in origins, matches no pattern or regex, and allowOrigin (if any) did not allow it.',
      'crossgate cors: refused preflight OPTIONS /api/posts from origin "https://app.example.com": the preflight asks for a method that is not in methods (method "DELETE").',
      'crossgate cors: refused preflight OPTIONS /api/posts from origin "https://app.example.com": the preflight asks for a header that is not in requestHeaders (header "x-evil").',
      'crossgate cors: refused request GET /api/posts from origin "null": the origin is "null" (sandboxed iframe, file: page or cross-origin redirect), which is not allowed.',
    ]);
  });

  it("logs nothing without debug", () => {
    const warnings: string[] = [];
    createCorsPolicy({ ...base, logger: { warn: (m) => warnings.push(m) } }).decide(request("GET", { origin: "https://evil.com" }));
    expect(warnings).toEqual([]);
  });
});

describe("reconfigure", () => {
  it("swaps the rules atomically after full validation", () => {
    const policy = createCorsPolicy({ origins: [APP] });
    const view = request("GET", { origin: "https://new.example.com" });
    expect((policy.decide(view) as CorsPlan).verdict).toBe("refused");
    policy.reconfigure({ origins: ["https://new.example.com"] });
    expect((policy.decide(view) as CorsPlan).verdict).toBe("allowed");
    expect((policy.decide(request("GET", { origin: APP })) as CorsPlan).verdict).toBe("refused");
  });

  it("keeps the old rules when the new options are refused", () => {
    const policy = createCorsPolicy({ origins: [APP] });
    expect(() => policy.reconfigure({ origins: ["https://new.example.com/"] })).toThrow(/origin-has-path|ends with a slash/);
    expect((policy.decide(request("GET", { origin: APP })) as CorsPlan).verdict).toBe("allowed");
    expect(policy.options.origins).toEqual([APP]);
  });
});

describe("scale", () => {
  it("matches one of 10,000 exact origins by lookup", () => {
    const origins = Array.from({ length: 10_000 }, (_, i) => `https://app${i}.example.com`);
    const policy = createCorsPolicy({ origins });
    expect((policy.decide(request("GET", { origin: "https://app9999.example.com" })) as CorsPlan).verdict).toBe("allowed");
    expect((policy.decide(request("GET", { origin: "https://app10000.example.com" })) as CorsPlan).verdict).toBe("refused");
  });
});

describe("origins matched by a pattern or refused are remembered, within a bound", () => {
  const options: CorsOptions = { origins: ["https://*.example.net"], credentials: true };

  it("answers a repeated pattern-matched origin with the same plan, for actual requests and preflights", () => {
    const policy = createCorsPolicy(options);
    const origin = "https://eu.app.example.net";
    const first = policy.decide(request("GET", { origin })) as CorsPlan;
    expect(first.verdict).toBe("allowed");
    expect(policy.decide(request("GET", { origin }))).toBe(first);
    const preflightPlan = policy.decide(preflight(origin, "GET")) as CorsPlan;
    expect(preflightPlan.verdict).toBe("allowed");
    expect(policy.decide(preflight(origin, "GET"))).toBe(preflightPlan);
  });

  it("keeps refusing a remembered origin with the same reason, and still decides fresh origins after the memo fills", () => {
    const policy = createCorsPolicy(options);
    for (let index = 0; index < 3000; index++) {
      const plan = policy.decide(request("GET", { origin: `https://evil${index}.example.com` })) as CorsPlan;
      expect(plan.reason).toBe("origin-not-allowed");
    }
    expect((policy.decide(request("GET", { origin: "https://EVIL.example.net" })) as CorsPlan).reason).toBe("origin-malformed");
    expect((policy.decide(request("GET", { origin: "https://EVIL.example.net" })) as CorsPlan).reason).toBe("origin-malformed");
    expect((policy.decide(request("GET", { origin: "https://a.example.net" })) as CorsPlan).verdict).toBe("allowed");
    expect((policy.decide(request("GET", { origin: "https://example.net" })) as CorsPlan).verdict).toBe("refused");
  });

  it("answers a repeated refused origin with the same plan, and still tells onRefusal of every repeat", () => {
    const policy = createCorsPolicy(options);
    const origin = "https://app.example.net.evil.com";
    const actual = policy.decide(request("GET", { origin })) as CorsPlan;
    const refusedPreflight = policy.decide(preflight(origin, "PUT")) as CorsPlan;
    expect([actual.verdict, actual.reason, actual.action]).toEqual(["refused", "origin-not-allowed", "pass"]);
    expect([refusedPreflight.reason, refusedPreflight.action, refusedPreflight.status]).toEqual(["origin-not-allowed", "respond", 403]);
    expect(policy.decide(request("GET", { origin }))).toBe(actual);
    expect(policy.decide(preflight(origin, "PUT"))).toBe(refusedPreflight);
    const told: string[] = [];
    const watched = createCorsPolicy({ ...options, onRefusal: (event) => void told.push(`${event.reason} ${event.preflight}`) });
    for (let index = 0; index < 3; index++) watched.decide(index === 1 ? preflight(origin, "PUT") : request("GET", { origin }));
    expect(told).toEqual(["origin-not-allowed false", "origin-not-allowed true", "origin-not-allowed false"]);
  });

  it("never remembers an allowOrigin answer: the callback is asked every time", () => {
    let asked = 0;
    const policy = createCorsPolicy({ origins: [APP], allowOrigin: () => (asked++, asked === 1) });
    expect((policy.decide(request("GET", { origin: "https://other.example.com" })) as CorsPlan).verdict).toBe("allowed");
    expect((policy.decide(request("GET", { origin: "https://other.example.com" })) as CorsPlan).verdict).toBe("refused");
    expect(asked).toBe(2);
  });
});
