// The printed fixes are pasteable: Django snippets run as Python appended to a settings.py and only
// ever add; crossgate patches apply to options the same way. Also the server's own words, server
// recognition and the preflight-cache information that replaced the capped-max-age warning.
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { applyCrossgatePatch, crossgatePatch, crossgateSnippet, djangoPython, type FixChange } from "../../src/doctor/fix-snippets.ts";
import { maxAgeInfo, preflightCacheOf } from "../../src/doctor/preflight-cache.ts";
import { recogniseServer } from "../../src/doctor/server-kind.ts";
import { serverErrorLine } from "../../src/doctor/server-words.ts";
import { csrfReason, isOriginCsrfReason } from "../../src/doctor/csrf-reason.ts";
import { maxAgeWarnings } from "../../src/doctor/warnings.ts";
import { djangoIsMissingLocally, djangoPython as python } from "../support/django.ts";

/** Runs `settings` then `snippet` as one module (as settings.py would), with Django importable; returns the named globals. */
function runSettings(settings: string, snippet: string, names: readonly string[]): Record<string, unknown> {
  const program = `${settings}\n${snippet}\nimport json, re\nprint(json.dumps({n: (lambda v: v.pattern if isinstance(v, re.Pattern) else (list(v) if isinstance(v, (list, tuple)) else v))(globals()[n]) for n in ${JSON.stringify(names)} if n in globals()}))\n`;
  const result = spawnSync(python, ["-c", program], { encoding: "utf8", timeout: 20_000 });
  if (result.status !== 0) throw new Error(result.stderr);
  return JSON.parse(result.stdout) as Record<string, unknown>;
}

const page = "http://localhost:5173";

describe.skipIf(djangoIsMissingLocally())("Django snippets, appended to settings.py", () => {
  it("add to the lists that exist, and work when the setting is absent", () => {
    const changes: FixChange[] = [
      { kind: "add-origin", origin: page },
      { kind: "credentials" },
      { kind: "add-header", header: "x-api-key" },
      { kind: "add-method", method: "PURGE" },
    ];
    const snippet = djangoPython(changes);
    const existing = runSettings(`CORS_ALLOWED_ORIGINS = ("https://a.example",)\nCORS_ALLOW_HEADERS = ["content-type"]`, snippet, ["CORS_ALLOWED_ORIGINS", "CORS_ALLOW_CREDENTIALS", "CORS_ALLOW_HEADERS", "CORS_ALLOW_METHODS"]);
    expect(existing).toEqual({
      CORS_ALLOWED_ORIGINS: ["https://a.example", page],
      CORS_ALLOW_CREDENTIALS: true,
      CORS_ALLOW_HEADERS: ["content-type", "x-api-key"],
      CORS_ALLOW_METHODS: ["DELETE", "GET", "OPTIONS", "PATCH", "POST", "PUT", "PURGE"],
    });
    const absent = runSettings("", snippet, ["CORS_ALLOWED_ORIGINS", "CORS_ALLOW_HEADERS"]);
    expect(absent["CORS_ALLOWED_ORIGINS"]).toEqual([page]);
    expect(absent["CORS_ALLOW_HEADERS"]).toContain("x-api-key");
    expect(absent["CORS_ALLOW_HEADERS"]).toContain("x-csrftoken");
    // The old alias's list is carried over: the new name wins as soon as it is defined.
    expect(runSettings(`CORS_ORIGIN_WHITELIST = ["https://old.example"]`, snippet, ["CORS_ALLOWED_ORIGINS"])).toEqual({ CORS_ALLOWED_ORIGINS: ["https://old.example", page] });
  });

  it("move CorsMiddleware first, install the app once, and widen CORS_URLS_REGEX without narrowing it", () => {
    const snippet = djangoPython([{ kind: "cors-first" }, { kind: "cors-for-path", path: "/auth/login/" }]);
    const settings = `INSTALLED_APPS = ("django.contrib.auth",)\nMIDDLEWARE = ["django.middleware.common.CommonMiddleware", "corsheaders.middleware.CorsMiddleware"]\nCORS_URLS_REGEX = r"^/api/.*$"`;
    const out = runSettings(settings, snippet, ["INSTALLED_APPS", "MIDDLEWARE", "CORS_URLS_REGEX"]);
    expect(out["INSTALLED_APPS"]).toEqual(["django.contrib.auth", "corsheaders"]);
    expect(out["MIDDLEWARE"]).toEqual(["corsheaders.middleware.CorsMiddleware", "django.middleware.common.CommonMiddleware"]);
    const regex = new RegExp(String(out["CORS_URLS_REGEX"]));
    for (const path of ["/api/items/", "/auth/login/", "/auth/logout/"]) expect(regex.test(path), path).toBe(true);
    expect(regex.test("/admin/")).toBe(false);
    // Twice is the same as once.
    expect(runSettings(settings, `${snippet}\n${snippet}`, ["INSTALLED_APPS", "MIDDLEWARE"])).toEqual({ INSTALLED_APPS: out["INSTALLED_APPS"], MIDDLEWARE: out["MIDDLEWARE"] });
  });

  it("turn off allow-all, drop null, and trust a CSRF origin in the form the Django version wants", () => {
    const out = runSettings(
      `CORS_ALLOW_ALL_ORIGINS = True\nCORS_ALLOWED_ORIGINS = ["https://a.example", "null"]`,
      djangoPython([{ kind: "no-allow-all", origin: page }, { kind: "csrf-trust-origin", origin: "https://app.example:8443" }]),
      ["CORS_ALLOW_ALL_ORIGINS", "CORS_ALLOWED_ORIGINS", "CSRF_TRUSTED_ORIGINS"],
    );
    expect(out["CORS_ALLOW_ALL_ORIGINS"]).toBe(false);
    expect(out["CORS_ALLOWED_ORIGINS"]).toEqual(["https://a.example", page]);
    // Debian's Django 3.2 compares hosts; 4.0+ wants the scheme.
    expect(out["CSRF_TRUSTED_ORIGINS"]).toEqual([expect.stringMatching(/^(?:https:\/\/)?app\.example:8443$/)]);
  });
});

describe("crossgate patches", () => {
  it("append to the app's lists (or the defaults), replace scalars, and drop wildcards for allow-all", () => {
    const patch = crossgatePatch([{ kind: "add-origin", origin: page }, { kind: "credentials" }, { kind: "add-header", header: "x-api-key" }, { kind: "max-age", seconds: 600 }]);
    expect(applyCrossgatePatch({ origins: ["https://a.example"], maxAgeSeconds: 0 }, patch)).toEqual({
      origins: ["https://a.example", page],
      credentials: true,
      requestHeaders: ["accept", "authorization", "content-type", "user-agent", "x-csrftoken", "x-requested-with", "x-api-key"],
      maxAgeSeconds: 600,
    });
    const open = { origins: "*" as const, credentials: true, dangerouslyAllowAnyOriginWithCredentials: true };
    expect(applyCrossgatePatch(open, crossgatePatch([{ kind: "no-allow-all", origin: page }]))).toEqual({
      origins: [page],
      credentials: true,
      dangerouslyAllowAnyOriginWithCredentials: false,
    });
  });

  it("print a complete snippet for the server's adapter", () => {
    const snippet = crossgateSnippet([{ kind: "add-origin", origin: page }], "fastify");
    expect(snippet).toContain('import { cors } from "crossgate/fastify";');
    expect(snippet).toContain("await app.register(cors({");
    expect(snippet).toContain(`origins: [...(yourCorsOptions.origins ?? []), "${page}"],`);
  });
});

describe("the server's own words", () => {
  it("quotes Django's exception, Django's CSRF reason, a JSON error field or the title", () => {
    expect(serverErrorLine('<div id="summary">\n<h1>RuntimeError\n at /api/items</h1>\n<pre class="exception_value">You called this URL via POST, but the URL doesn&#x27;t end in a slash</pre>')).toEqual({
      source: "django-exception",
      line: "RuntimeError: You called this URL via POST, but the URL doesn't end in a slash",
    });
    const csrfPage = "<h1>Forbidden <span>(403)</span></h1><p>CSRF verification failed. Request aborted.</p><p>Reason given for failure:</p>\n    <pre>\n    Referer checking failed - https://app.example/ does not match any trusted origins.\n    </pre>";
    expect(csrfReason(csrfPage)).toBe("Referer checking failed - https://app.example/ does not match any trusted origins.");
    expect(isOriginCsrfReason(csrfReason(csrfPage) ?? "")).toBe(true);
    expect(csrfReason('{"detail":"CSRF Failed: CSRF cookie not set."}')).toBe("CSRF cookie not set.");
    expect(serverErrorLine('{"error":{"message":"database is locked"}}')?.line).toBe("database is locked");
    expect(serverErrorLine("<html><title>502 Bad Gateway</title></html>")).toEqual({ source: "title", line: "502 Bad Gateway" });
    expect(serverErrorLine("plain")).toBeNull();
  });

  it("recognises Django and crossgate from their responses; --server wins", () => {
    expect(recogniseServer([{ status: 200, headers: [["Server", "WSGIServer/0.2 CPython/3.11.2"]] }]).kind).toBe("django");
    expect(recogniseServer([{ status: 403, headers: [["Vary", "Origin, Access-Control-Request-Method, Access-Control-Request-Headers"], ["Content-Length", "0"]] }]).kind).toBe("crossgate");
    expect(recogniseServer([{ status: 200, headers: [["X-Powered-By", "Express"]] }], "django")).toEqual({ kind: "django", source: "flag", evidence: null });
    expect(recogniseServer([{ status: 200, headers: [] }])).toEqual({ kind: "unknown", source: "none", evidence: null });
  });
});

describe("preflight cache: information, not warnings, for stock values", () => {
  it("says 86400 and 0 once as information and warns only beyond every browser's cap", () => {
    const stock = preflightCacheOf([["Access-Control-Max-Age", "86400"]]);
    expect(maxAgeWarnings(stock)).toEqual([]);
    expect(maxAgeInfo(stock, "django").join(" ")).toMatch(/86400 \(django-cors-headers' default\).*7200 s/);
    expect(maxAgeInfo(preflightCacheOf([]), "django").join(" ")).toMatch(/5 s \(django-cors-headers omits the header when CORS_PREFLIGHT_MAX_AGE is 0\)/);
    expect(maxAgeWarnings(preflightCacheOf([["Access-Control-Max-Age", "100000"]]))[0]?.id).toBe("max-age-capped");
  });
});
