// The CSP source matcher against the CSP3 matching algorithm's cases, and malformed policies.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkConnect, parsePolicy, policiesFromHeaders, policiesFromHtml, urlMatchesSourceList } from "../../src/doctor/csp.ts";

const PAGE = new URL("http://localhost:5173/app/");

describe("urlMatchesSourceList", () => {
  const rows: [sources: string, url: string, matches: boolean, page?: string][] = [
    // keywords
    ["'self'", "http://localhost:5173/api", true],
    ["'self'", "http://localhost:8000/api", false],
    ["'self'", "https://localhost:5173/api", true], // secure upgrade, same host and port
    ["'self'", "http://127.0.0.1:5173/api", false],
    ["'SELF'", "http://localhost:5173/x", true],
    ["'none'", "http://localhost:5173/x", false],
    ["'none' http://localhost:8000", "http://localhost:8000/x", true], // 'none' counts only alone
    ["", "http://localhost:5173/x", false],
    ["'unsafe-inline' 'nonce-abc' 'sha256-xyz'", "http://localhost:5173/x", false],
    // *
    ["*", "https://api.example.com/x", true],
    ["*", "http://10.0.0.1:9/x", true],
    // schemes
    ["https:", "https://api.example.com/x", true],
    ["https:", "http://api.example.com/x", false],
    ["http:", "https://api.example.com/x", true], // http: admits its upgrade
    ["HTTP:", "http://a.example/x", true],
    ["ws:", "https://a.example/x", true],
    ["wss:", "http://a.example/x", false],
    // hosts and ports
    ["http://localhost:8000", "http://localhost:8000/api/items", true],
    ["http://localhost:8000", "http://localhost:8001/api/items", false],
    ["localhost:8000", "http://localhost:8000/x", true], // scheme taken from the page
    ["localhost:8000", "https://localhost:8000/x", true],
    ["https://localhost:8000", "http://localhost:8000/x", false],
    ["api.example.com", "http://api.example.com/x", true],
    ["api.example.com", "http://api.example.com:8080/x", false], // no port means the default one
    ["api.example.com:*", "http://api.example.com:8080/x", true],
    ["http://api.example.com:80", "https://api.example.com/x", true], // 80 also admits 443 on upgrade
    ["https://api.example.com:443", "https://api.example.com/x", true],
    ["https://API.Example.com", "https://api.example.com/x", true],
    ["https://api.example.com.", "https://api.example.com/x", true],
    ["https://*.example.com", "https://api.example.com/x", true],
    ["https://*.example.com", "https://a.b.example.com/x", true],
    ["https://*.example.com", "https://example.com/x", false], // the wildcard needs a subdomain
    ["https://*.example.com", "https://evilexample.com/x", false],
    ["https://*", "https://anything.example/x", true],
    ["http://127.0.0.1:8000", "http://127.0.0.1:8000/x", true],
    ["http://*.0.0.1:8000", "http://127.0.0.1:8000/x", false], // wildcards never cover IP addresses
    ["http://[::1]:8000", "http://[::1]:8000/x", true],
    // paths
    ["https://api.example.com/api/", "https://api.example.com/api/items", true],
    ["https://api.example.com/api/", "https://api.example.com/apiary", false],
    ["https://api.example.com/api", "https://api.example.com/api", true],
    ["https://api.example.com/api", "https://api.example.com/api/items", false],
    ["https://api.example.com/a%20b/", "https://api.example.com/a b/x", true],
    ["https://api.example.com/", "https://api.example.com/anything/at/all", true],
    // garbage expressions match nothing and never throw
    ["https://exa mple.com", "https://example.com/", false],
    ["https://[zz]", "https://example.com/", false],
    ["::::", "https://example.com/", false],
    ["'self", "http://localhost:5173/", false],
  ];
  it.each(rows)("%j vs %s → %s", (sources, url, matches, page = PAGE.href) => {
    expect(urlMatchesSourceList(new URL(url), sources.split(" ").filter(Boolean), new URL(page))).toBe(matches);
  });

  it("ignores the path after a redirect (CSP3 §6.7.2.7)", () => {
    expect(urlMatchesSourceList(new URL("https://api.example.com/other"), ["https://api.example.com/api/"], PAGE, 1)).toBe(true);
  });
});

describe("parsing", () => {
  it("lower-cases names, keeps the first of a repeated directive, ignores empty and invalid tokens", () => {
    const policy = parsePolicy(" ;; CONNECT-SRC  'self'   https://a.example ; connect-src * ; bad/name x ; default-src 'none';", "header");
    expect([...policy.directives]).toEqual([
      ["connect-src", ["'self'", "https://a.example"]],
      ["default-src", ["'none'"]],
    ]);
  });

  it("splits header values on commas into several enforced policies, and keeps report-only apart", () => {
    const policies = policiesFromHeaders([
      ["Content-Security-Policy", "connect-src 'self', connect-src *"],
      ["content-security-policy-report-only", "default-src 'self'"],
      ["X-Other", "connect-src *"],
      ["Content-Security-Policy", " , "],
    ]);
    expect(policies.map((p) => [p.source, p.text])).toEqual([
      ["header", "connect-src 'self'"],
      ["header", "connect-src *"],
      ["report-only", "default-src 'self'"],
    ]);
  });

  it("reads meta policies in any attribute order and quoting, with entities, and ignores other metas", () => {
    const html = `<!doctype html><head>
      <meta charset="utf-8"><meta name="viewport" content="width=device-width">
      <META content="connect-src &apos;self&apos; https://api.example.com" HTTP-EQUIV="Content-Security-Policy">
      <meta http-equiv=content-security-policy content='default-src &#39;none&#39;'>
      <meta http-equiv="Content-Security-Policy-Report-Only" content="connect-src 'none'">`;
    expect(policiesFromHtml(html).map((p) => [p.source, p.text])).toEqual([
      ["meta", "connect-src 'self' https://api.example.com"],
      ["meta", "default-src 'none'"],
    ]);
  });

  it("never throws on malformed or hostile policies", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), fc.string({ maxLength: 80 }), (text, host) => {
        const policies = [...policiesFromHeaders([["Content-Security-Policy", text]]), ...policiesFromHtml(`<meta http-equiv="content-security-policy" content="${text}">`)];
        let url: URL;
        try {
          url = new URL(`https://${host}/x`);
        } catch {
          url = new URL("https://example.com/x");
        }
        checkConnect(policies, PAGE, url);
      }),
      { numRuns: 2000 },
    );
    const huge = `connect-src ${"https://a.example ".repeat(20_000)}`;
    expect(checkConnect(policiesFromHeaders([["Content-Security-Policy", huge]]), PAGE, new URL("https://b.example/")).blockedBy).toHaveLength(1);
  });
});

describe("checkConnect", () => {
  const api = new URL("http://localhost:8000/api/items");
  const check = (headers: [string, string][], html = "") =>
    checkConnect([...policiesFromHeaders(headers), ...policiesFromHtml(html)], PAGE, api);

  it("blocks with connect-src, quoting the directive as browsers do", () => {
    const result = check([["Content-Security-Policy", "default-src *; connect-src  'self'"]]);
    expect(result.blockedBy.map((v) => [v.directiveName, v.directiveText])).toEqual([["connect-src", "connect-src 'self'"]]);
  });

  it("falls back to default-src, and allows when neither is set", () => {
    expect(check([["Content-Security-Policy", "default-src 'self'; img-src *"]]).blockedBy[0]?.directiveText).toBe("default-src 'self'");
    expect(check([["Content-Security-Policy", "img-src 'self'; frame-ancestors 'none'"]]).blockedBy).toEqual([]);
  });

  it("enforces every policy: one that allows does not rescue one that blocks", () => {
    const result = check([["Content-Security-Policy", "connect-src *, connect-src 'self'"]]);
    expect(result.blockedBy.map((v) => v.policy.text)).toEqual(["connect-src 'self'"]);
  });

  it("reports report-only policies without blocking, and applies meta policies", () => {
    const reportOnly = check([["Content-Security-Policy-Report-Only", "connect-src 'self'"]]);
    expect(reportOnly.blockedBy).toEqual([]);
    expect(reportOnly.reportedBy.map((v) => v.directiveText)).toEqual(["connect-src 'self'"]);
    expect(check([], `<meta http-equiv="Content-Security-Policy" content="connect-src 'self'">`).blockedBy).toHaveLength(1);
  });

  it("allows the API origin once it is listed", () => {
    expect(check([["Content-Security-Policy", "connect-src 'self' http://localhost:8000"]]).blockedBy).toEqual([]);
  });
});
