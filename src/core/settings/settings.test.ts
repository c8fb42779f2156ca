import { describe, expect, it } from "vitest";
import { ConfigError } from "../errors.ts";
import { createCorsPolicy } from "../cors/policy.ts";
import { requestViewFromRecord } from "../request.ts";
import type { CorsPlan } from "../cors/decide.ts";
import { fromDjangoSettings } from "./django.ts";
import { fromEnv } from "./env.ts";

function problems(run: () => unknown): string[] {
  try {
    run();
    return [];
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).issues.map((issue) => `${issue.option}: ${issue.code}`);
  }
}

describe("fromDjangoSettings", () => {
  it("applies django-cors-headers' defaults", () => {
    const { cors } = fromDjangoSettings({});
    expect(cors).toMatchObject({
      origins: [],
      methods: ["DELETE", "GET", "OPTIONS", "PATCH", "POST", "PUT"],
      requestHeaders: ["accept", "authorization", "content-type", "user-agent", "x-csrftoken", "x-requested-with"],
      maxAgeSeconds: 86400,
      credentials: false,
      privateNetwork: false,
      preflightStatus: 200,
    });
  });

  it("maps every setting", () => {
    const { cors } = fromDjangoSettings({
      CORS_ALLOWED_ORIGINS: ["https://app.example.com"],
      CORS_ALLOWED_ORIGIN_REGEXES: ["^https://(?P<name>\\w+)\\.example\\.org$"],
      CORS_URLS_REGEX: "^/api/",
      CORS_ALLOW_METHODS: ["GET", "POST"],
      CORS_ALLOW_HEADERS: ["content-type", "x-csrftoken"],
      CORS_EXPOSE_HEADERS: ["x-total"],
      CORS_PREFLIGHT_MAX_AGE: 600,
      CORS_ALLOW_CREDENTIALS: true,
      CORS_ALLOW_PRIVATE_NETWORK: true,
    });
    const policy = createCorsPolicy(cors);
    const plan = policy.decide(requestViewFromRecord("GET", "/api/x?y", { origin: "https://tenant.example.org" })) as CorsPlan;
    expect(plan.verdict).toBe("allowed");
    expect((policy.decide(requestViewFromRecord("GET", "/other", { origin: "https://app.example.com" })) as CorsPlan).verdict).toBe("disabled");
    expect(cors).toMatchObject({ maxAgeSeconds: 600, credentials: true, privateNetwork: true, exposeHeaders: ["x-total"] });
  });

  it("lets the new names win over the legacy ones, even when empty", () => {
    expect(fromDjangoSettings({ CORS_ALLOWED_ORIGINS: [], CORS_ORIGIN_WHITELIST: ["https://old.com"] }).cors.origins).toEqual([]);
    expect(fromDjangoSettings({ CORS_ORIGIN_WHITELIST: ["https://old.com"] }).cors.origins).toEqual(["https://old.com"]);
    expect(fromDjangoSettings({ CORS_ALLOW_ALL_ORIGINS: false, CORS_ORIGIN_ALLOW_ALL: true }).cors.origins).toEqual([]);
    expect(fromDjangoSettings({ CORS_ORIGIN_ALLOW_ALL: true }).cors.origins).toBe("*");
  });

  it("maps a preflight max-age of 0 to no header, as Django does", () => {
    expect(fromDjangoSettings({ CORS_PREFLIGHT_MAX_AGE: 0 }).cors.maxAgeSeconds).toBeNull();
  });

  it.each<[string, Record<string, unknown>, string[]]>([
    ["wrong types", { CORS_ALLOW_CREDENTIALS: "True", CORS_PREFLIGHT_MAX_AGE: -1, CORS_ALLOW_METHODS: "GET" }, ["CORS_ALLOW_METHODS: wrong-type", "CORS_PREFLIGHT_MAX_AGE: wrong-type", "CORS_ALLOW_CREDENTIALS: wrong-type"]],
    ["a typo in a setting name", { CORS_ALLOWED_ORIGIN: ["https://a.com"] }, ["CORS_ALLOWED_ORIGIN: unknown-option"]],
    ["a name django-cors-headers ignores", { CORS_ALLOWED_METHODS: ["GET"], CORS_ALLOWED_HEADERS: ["x-a"], CORS_ALLOW_ORIGIN: ["https://a.com"] }, ["CORS_ALLOWED_METHODS: unknown-option", "CORS_ALLOWED_HEADERS: unknown-option", "CORS_ALLOW_ORIGIN: unknown-option"]],
    ["an origin with a path", { CORS_ALLOWED_ORIGINS: ["https://a.com/"] }, ["CORS_ALLOWED_ORIGINS[0]: origin-has-path"]],
    ["a legacy name in errors", { CORS_ORIGIN_WHITELIST: ["https://a.com/"] }, ["CORS_ORIGIN_WHITELIST[0]: origin-has-path"]],
    ["allow-all with credentials", { CORS_ALLOW_ALL_ORIGINS: true, CORS_ALLOW_CREDENTIALS: true }, ["CORS_ALLOW_ALL_ORIGINS: any-origin-with-credentials"]],
    ["an unanchored regex", { CORS_ALLOWED_ORIGIN_REGEXES: ["^https://a\\.com"] }, ["CORS_ALLOWED_ORIGIN_REGEXES[0]: regex-unanchored"]],
    ["a CORS response header as a request header", { CORS_ALLOW_HEADERS: ["access-control-allow-origin"] }, ["CORS_ALLOW_HEADERS[0]: header-misplaced"]],
    ["a request header as an exposed header", { CORS_EXPOSE_HEADERS: ["origin"] }, ["CORS_EXPOSE_HEADERS[0]: header-misplaced"]],
  ])("names the setting for %s", (_name, settings, expected) => {
    expect(problems(() => fromDjangoSettings(settings))).toEqual(expected);
  });

  it.each<[string, Record<string, unknown>, string[]]>([
    ["nothing redundant", { CORS_ALLOWED_ORIGINS: ["https://a.com"] }, []],
    ["Django's own default max-age", {}, []],
    ["a max-age the user wrote above Chromium's cap", { CORS_PREFLIGHT_MAX_AGE: 86400 }, ["CORS_PREFLIGHT_MAX_AGE: max-age-above-cap"]],
    [
      "django-cors-headers' pre-4.0 default CORS_ALLOW_HEADERS",
      { CORS_ALLOW_HEADERS: ["accept", "accept-encoding", "authorization", "content-type", "dnt", "origin", "user-agent", "x-csrftoken", "x-requested-with"] },
      ["CORS_ALLOW_HEADERS[1]: header-redundant", "CORS_ALLOW_HEADERS[4]: header-redundant", "CORS_ALLOW_HEADERS[5]: header-redundant"],
    ],
    ["removed settings", { CORS_REPLACE_HTTPS_REFERER: true, CORS_MODEL: "app.Origin" }, ["CORS_REPLACE_HTTPS_REFERER: setting-removed", "CORS_MODEL: setting-removed"]],
  ])("accepts, with warnings named by setting, %s", (_name, settings, expected) => {
    const logged: string[] = [];
    const { cors, warnings } = fromDjangoSettings(settings, { cors: { logger: { warn: (m) => logged.push(m) } } });
    expect(warnings.map((warning) => `${warning.option}: ${warning.code}`)).toEqual(expected);
    expect(logged).toHaveLength(expected.length);
    // Building the policy from the result does not log them a second time under the option names.
    createCorsPolicy(cors);
    expect(logged).toHaveLength(expected.length);
  });

  it("drops the redundant headers from the allowed list and says what replaced a removed setting", () => {
    const logged: string[] = [];
    const { cors, warnings } = fromDjangoSettings(
      { CORS_ALLOW_HEADERS: ["accept-encoding", "x-csrftoken"], CORS_REPLACE_HTTPS_REFERER: true },
      { cors: { logger: { warn: (m) => logged.push(m) } } },
    );
    const plan = createCorsPolicy({ ...cors, origins: ["https://a.com"] }).decide(
      requestViewFromRecord("OPTIONS", "/", { origin: "https://a.com", "access-control-request-method": "PUT", "access-control-request-headers": "x-csrftoken" }),
    ) as CorsPlan;
    expect(plan.headers).toContainEqual(["Access-Control-Allow-Headers", "x-csrftoken"]);
    expect(warnings.find((warning) => warning.code === "header-redundant")?.problem).toContain("django-cors-headers 4.0 dropped it from its default CORS_ALLOW_HEADERS");
    expect(logged).toContain(
      "crossgate: warning: CORS_REPLACE_HTTPS_REFERER: was removed from django-cors-headers in 4.0.0 (with CorsPostCsrfMiddleware) and does nothing. Fix: delete it; list the origins that may post in CSRF_TRUSTED_ORIGINS (crossgate's CSRF guard also trusts the CORS origins).",
    );
  });

  it("says that Django ignores a mistaken name too, and names the real one", () => {
    expect(() => fromDjangoSettings({ CORS_ALLOWED_METHODS: ["GET"] })).toThrow(
      "CORS_ALLOWED_METHODS: is not a django-cors-headers setting; Django ignores it too, so what it says has never applied. Fix: did you mean CORS_ALLOW_METHODS? (With that name it takes effect, in Django too.)",
    );
  });

  it("refuses allow-all with credentials, offering what works in development", () => {
    expect(() => fromDjangoSettings({ CORS_ALLOW_ALL_ORIGINS: true, CORS_ALLOW_CREDENTIALS: true })).toThrow(
      'CORS_ALLOW_ALL_ORIGINS: true allows every origin while credentials are on: any website could act as the signed-in user. Fix: set CORS_ALLOW_ALL_ORIGINS = False and list the pages\' origins in CORS_ALLOWED_ORIGINS, e.g. ["http://localhost:5173"]; for every local port in development, CORS_ALLOWED_ORIGIN_REGEXES = [r"^http://localhost:\\d+$"] works in Django and crossgate alike.',
    );
    // The regex it offers works with credentials.
    expect(problems(() => fromDjangoSettings({ CORS_ALLOWED_ORIGIN_REGEXES: ["^http://localhost:\\d+$"], CORS_ALLOW_CREDENTIALS: true }))).toEqual([]);
  });

  it("ignores settings that are not django-cors-headers'", () => {
    expect(problems(() => fromDjangoSettings({ DEBUG: true, ALLOWED_HOSTS: ["*"] }))).toEqual([]);
  });

  it("accepts crossgate-only opt-ins as a second argument and says so in the fix", () => {
    try {
      fromDjangoSettings({ CORS_ALLOW_ALL_ORIGINS: true, CORS_ALLOW_CREDENTIALS: true });
    } catch (error) {
      expect((error as Error).message).toContain("pass { dangerouslyAllowAnyOriginWithCredentials: true } as the second argument");
    }
    const { cors } = fromDjangoSettings(
      { CORS_ALLOW_ALL_ORIGINS: true, CORS_ALLOW_CREDENTIALS: true },
      { cors: { dangerouslyAllowAnyOriginWithCredentials: true } },
    );
    expect(cors.dangerouslyAllowAnyOriginWithCredentials).toBe(true);
  });
});

describe("fromEnv", () => {
  it("reads lists, booleans and integers", () => {
    const { cors } = fromEnv({
      CORS_ALLOWED_ORIGINS: "https://a.com, https://b.com\nhttp://localhost:5173",
      CORS_ALLOWED_ORIGIN_REGEXES: "^https://[a-z]{1,3}\\.c\\.com$",
      CORS_ALLOW_CREDENTIALS: "True",
      CORS_ALLOW_PRIVATE_NETWORK: "0",
      CORS_PREFLIGHT_MAX_AGE: "600",
      CORS_EXPOSE_HEADERS: '["X-Total","X-Page"]',
      PATH: "/usr/bin",
    });
    expect(cors).toMatchObject({
      origins: ["https://a.com", "https://b.com", "http://localhost:5173"],
      originRegexes: ["^https://[a-z]{1,3}\\.c\\.com$"],
      credentials: true,
      privateNetwork: false,
      maxAgeSeconds: 600,
      exposeHeaders: ["X-Total", "X-Page"],
    });
  });

  it("shows no value for an unknown name, only the name and the nearest setting", () => {
    expect(() => fromEnv({ CORS_ALLOW_CREDENTAILS: "true" })).toThrow(
      "CORS_ALLOW_CREDENTAILS: is not a django-cors-headers setting; Django ignores it too, so what it says has never applied. Fix: did you mean CORS_ALLOW_CREDENTIALS?",
    );
  });

  it("defaults to process.env", () => {
    const saved = process.env.CORS_ALLOWED_ORIGINS;
    process.env.CORS_ALLOWED_ORIGINS = "https://env.example.com";
    try {
      expect(fromEnv().cors.origins).toEqual(["https://env.example.com"]);
    } finally {
      if (saved === undefined) delete process.env.CORS_ALLOWED_ORIGINS;
      else process.env.CORS_ALLOWED_ORIGINS = saved;
    }
  });

  it.each<[string, Record<string, string>, string[]]>([
    ["a bad boolean", { CORS_ALLOW_CREDENTIALS: "maybe" }, ["CORS_ALLOW_CREDENTIALS: wrong-type"]],
    ["a bad integer", { CORS_PREFLIGHT_MAX_AGE: "1h" }, ["CORS_PREFLIGHT_MAX_AGE: wrong-type"]],
    ["bad JSON", { CORS_ALLOWED_ORIGINS: "[https://a.com]" }, ["CORS_ALLOWED_ORIGINS: wrong-type"]],
    ["a typo", { CORS_ALLOW_CREDENTIAL: "true" }, ["CORS_ALLOW_CREDENTIAL: unknown-option"]],
    ["an insecure origin with credentials", { CORS_ALLOWED_ORIGINS: "http://a.com", CORS_ALLOW_CREDENTIALS: "1" }, ["CORS_ALLOWED_ORIGINS[0]: origin-insecure-with-credentials"]],
    [
      "every problem at once, a typo not hiding a bad origin",
      { CORS_ALLOW_CREDENTAILS: "true", CORS_PREFLIGHT_MAX_AGE: "x", CORS_ALLOWED_ORIGINS: "https://a.com/" },
      ["CORS_ALLOW_CREDENTAILS: unknown-option", "CORS_PREFLIGHT_MAX_AGE: wrong-type", "CORS_ALLOWED_ORIGINS[0]: origin-has-path"],
    ],
  ])("names the variable for %s", (_name, env, expected) => {
    expect(problems(() => fromEnv(env))).toEqual(expected);
  });
});
