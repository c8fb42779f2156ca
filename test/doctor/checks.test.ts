// The CORS check and the preflight check, rule by rule, on header lists (no sockets).
import { describe, expect, it } from "vitest";
import { corsCheck } from "../../src/doctor/cors-check.ts";
import { exposedHeadersOf } from "../../src/doctor/exposed-headers.ts";
import { serializeRequestOrigin } from "../../src/doctor/origin.ts";
import { preflightCacheOf } from "../../src/doctor/preflight-cache.ts";
import { preflightCheck, type PreflightQuestion } from "../../src/doctor/preflight-check.ts";
import { secFetchSite } from "../../src/doctor/sec-fetch.ts";

const o = "https://app.example.com";
type H = [string, string][];

describe("corsCheck (Fetch standard, CORS check)", () => {
  const rows: readonly { desc: string; credentials: boolean; headers: H; want: string }[] = [
    { desc: "no header", credentials: false, headers: [], want: "missing-allow-origin" },
    { desc: "* without credentials", credentials: false, headers: [["Access-Control-Allow-Origin", "*"]], want: "ok" },
    { desc: "* with credentials", credentials: true, headers: [["Access-Control-Allow-Origin", "*"], ["Access-Control-Allow-Credentials", "true"]], want: "wildcard-with-credentials" },
    { desc: "exact origin", credentials: false, headers: [["access-control-allow-origin", o]], want: "ok" },
    { desc: "trailing slash", credentials: false, headers: [["Access-Control-Allow-Origin", `${o}/`]], want: "allow-origin-mismatch" },
    { desc: "upper case", credentials: false, headers: [["Access-Control-Allow-Origin", o.toUpperCase()]], want: "allow-origin-mismatch" },
    { desc: "a list", credentials: false, headers: [["Access-Control-Allow-Origin", `${o} https://b.example`]], want: "multiple-allow-origin" },
    { desc: "repeated", credentials: false, headers: [["Access-Control-Allow-Origin", o], ["Access-Control-Allow-Origin", o]], want: "multiple-allow-origin" },
    { desc: "not a URL", credentials: false, headers: [["Access-Control-Allow-Origin", "app.example.com"]], want: "allow-origin-invalid" },
    { desc: "credentials, ACAC true", credentials: true, headers: [["Access-Control-Allow-Origin", o], ["Access-Control-Allow-Credentials", "true"]], want: "ok" },
    { desc: "credentials, ACAC True", credentials: true, headers: [["Access-Control-Allow-Origin", o], ["Access-Control-Allow-Credentials", "True"]], want: "allow-credentials-not-true" },
    { desc: "credentials, ACAC missing", credentials: true, headers: [["Access-Control-Allow-Origin", o]], want: "allow-credentials-not-true" },
    { desc: "credentials, ACAC repeated", credentials: true, headers: [["Access-Control-Allow-Origin", o], ["Access-Control-Allow-Credentials", "true"], ["Access-Control-Allow-Credentials", "true"]], want: "allow-credentials-not-true" },
  ];
  for (const row of rows) {
    it(row.desc, () => {
      const result = corsCheck(o, row.credentials, row.headers);
      expect(result.ok ? "ok" : result.rule).toBe(row.want);
    });
  }
  it("compares against null after a tainting redirect", () => {
    expect(corsCheck("null", false, [["Access-Control-Allow-Origin", "null"]]).ok).toBe(true);
    expect(corsCheck("null", false, [["Access-Control-Allow-Origin", o]]).ok).toBe(false);
  });
});

describe("preflightCheck (Fetch standard, CORS-preflight fetch)", () => {
  const base: PreflightQuestion = { origin: o, credentials: false, method: "PUT", headerNames: ["Content-Type"], unsafeHeaderNames: ["content-type"] };
  const allow: H = [["Access-Control-Allow-Origin", o], ["Access-Control-Allow-Methods", "PUT"], ["Access-Control-Allow-Headers", "Content-Type"]];
  const rule = (question: Partial<PreflightQuestion>, status: number, headers: H) => preflightCheck({ ...base, ...question }, status, headers).failure?.rule ?? "ok";

  it("passes a matching answer, header names case-insensitively", () => expect(rule({}, 204, allow)).toBe("ok"));
  it("any 2xx is ok", () => expect(rule({}, 200, allow)).toBe("ok"));
  it("fails a 3xx as a redirected preflight", () => expect(rule({}, 308, allow)).toBe("preflight-redirected"));
  it("fails a 404, remembering the missing header Chromium reports first", () => {
    const result = preflightCheck(base, 404, []);
    expect(result.failure).toMatchObject({ rule: "preflight-not-ok", corsFailure: "missing-allow-origin" });
  });
  it("fails a method listed in another case (byte-exact)", () => expect(rule({ method: "patch" }, 204, [["Access-Control-Allow-Origin", o], ["Access-Control-Allow-Methods", "PATCH"]])).toBe("method-not-allowed"));
  it("safelisted methods need no listing", () => expect(rule({ method: "POST" }, 204, [["Access-Control-Allow-Origin", o], ["Access-Control-Allow-Headers", "content-type"]])).toBe("ok"));
  it("* covers methods and headers without credentials", () => expect(rule({ headerNames: ["X-A"], unsafeHeaderNames: ["x-a"] }, 204, [["Access-Control-Allow-Origin", o], ["Access-Control-Allow-Methods", "*"], ["Access-Control-Allow-Headers", "*"]])).toBe("ok"));
  it("* is literal with credentials", () => {
    const headers: H = [["Access-Control-Allow-Origin", o], ["Access-Control-Allow-Credentials", "true"], ["Access-Control-Allow-Methods", "*"], ["Access-Control-Allow-Headers", "*"]];
    expect(rule({ credentials: true }, 204, headers)).toBe("method-not-allowed");
    expect(rule({ credentials: true, method: "POST" }, 204, headers)).toBe("header-not-allowed");
  });
  it("Authorization under *: a warning, or a failure with strict", () => {
    const headers: H = [["Access-Control-Allow-Origin", "*"], ["Access-Control-Allow-Methods", "*"], ["Access-Control-Allow-Headers", "*"]];
    const question = { headerNames: ["Authorization"], unsafeHeaderNames: ["authorization"] };
    const lax = preflightCheck({ ...base, ...question }, 204, headers);
    expect(lax.failure).toBeNull();
    expect(lax.warnings.map((w) => w.id)).toEqual(["authorization-not-covered-by-wildcard"]);
    expect(rule({ ...question, strict: true }, 204, headers)).toBe("authorization-not-covered-by-wildcard");
    expect(rule(question, 204, [...headers.slice(0, 2), ["Access-Control-Allow-Headers", "*, authorization"]])).toBe("ok");
  });
  it("Authorization not listed at all", () => expect(rule({ headerNames: ["Authorization"], unsafeHeaderNames: ["authorization"] }, 204, allow)).toBe("header-not-allowed"));
  it("an invalid list item rejects the whole header", () => {
    expect(rule({}, 204, [["Access-Control-Allow-Origin", o], ["Access-Control-Allow-Methods", "PUT, GE T"]])).toBe("allow-methods-invalid");
    expect(rule({}, 204, [["Access-Control-Allow-Origin", o], ["Access-Control-Allow-Methods", "PUT"], ["Access-Control-Allow-Headers", "content-type, x/y"]])).toBe("allow-headers-invalid");
  });
  it("runs the CORS check with the actual request's credentials", () => {
    expect(rule({ credentials: true }, 204, allow)).toBe("allow-credentials-not-true");
  });
});

describe("preflight cache lifetime per browser cap", () => {
  const cache = (value?: string) => preflightCacheOf(value === undefined ? [] : [["Access-Control-Max-Age", value]]);
  it("defaults to 5 s", () => expect(cache()).toEqual({ maxAgeHeader: null, chromiumSeconds: 5, firefoxSeconds: 5 }));
  it("caps at 7200 in Chromium and 86400 in Firefox", () => expect(cache("100000")).toMatchObject({ chromiumSeconds: 7200, firefoxSeconds: 86400 }));
  it("an invalid value is not cached", () => expect(cache("1h")).toMatchObject({ chromiumSeconds: 0, firefoxSeconds: 0 }));
  it("keeps small values", () => expect(cache("600")).toMatchObject({ chromiumSeconds: 600, firefoxSeconds: 600 }));
});

describe("exposed headers", () => {
  const headers: H = [["Content-Type", "a"], ["X-Id", "1"], ["X-Other", "2"], ["Set-Cookie", "a=1"], ["Access-Control-Expose-Headers", "X-Id"]];
  it("safelisted and exposed names are readable, Set-Cookie never", () => {
    expect(exposedHeadersOf(headers, false)).toEqual({ readable: ["content-type", "x-id"], hidden: ["access-control-expose-headers", "set-cookie", "x-other"] });
  });
  it("* exposes everything but Set-Cookie, only without credentials", () => {
    const star: H = [...headers.slice(0, 4), ["Access-Control-Expose-Headers", "*"]];
    expect(exposedHeadersOf(star, false).hidden).toEqual(["set-cookie"]);
    expect(exposedHeadersOf(star, true).readable).toEqual(["content-type"]);
  });
});

describe("redirect taint and Fetch Metadata", () => {
  const u = (s: string) => new URL(s);
  it("a hop from a foreign origin to another one serialises the origin as null", () => {
    expect(serializeRequestOrigin(o, [u("https://api.example.com/a"), u("https://cdn.example.net/b")])).toBe("null");
    expect(serializeRequestOrigin(o, [u("https://api.example.com/a"), u("https://api.example.com/b")])).toBe(o);
    expect(serializeRequestOrigin(o, [u("https://app.example.com/a"), u("https://api.example.com/b")])).toBe(o);
  });
  it("Sec-Fetch-Site uses the registrable domain", () => {
    expect(secFetchSite(o, [u("https://api.example.com/")])).toBe("same-site");
    expect(secFetchSite(o, [u("https://api.example.net/")])).toBe("cross-site");
    expect(secFetchSite(o, [u("https://app.example.com/x")])).toBe("same-origin");
  });
});
