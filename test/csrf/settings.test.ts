// Django's CSRF settings → crossgate CSRF options, and the resulting guard.
import { describe, expect, it } from "vitest";
import { ConfigError, createCsrfPolicy, fromDjangoSettings, fromEnv, requestViewFromRecord } from "../../src/index.ts";

const SECRET_KEY = "django-insecure-0123456789abcdefghijklmnopqrstuvwxyz";

function problems(run: () => unknown): string[] {
  try {
    run();
    return [];
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).issues.map((issue) => `${issue.option}: ${issue.code}`);
  }
}

describe("fromDjangoSettings → csrf", () => {
  it("maps every CSRF setting", () => {
    const { csrf } = fromDjangoSettings({
      SECRET_KEY,
      SECRET_KEY_FALLBACKS: ["old-secret-0123456789abcdefghijklmnop"],
      CSRF_TRUSTED_ORIGINS: ["https://admin.example.com"],
      CSRF_COOKIE_NAME: "xsrf",
      CSRF_HEADER_NAME: "HTTP_X_CSRFTOKEN",
      CSRF_COOKIE_SECURE: true,
      CSRF_COOKIE_SAMESITE: "Strict",
      CSRF_COOKIE_HTTPONLY: true,
      CSRF_COOKIE_DOMAIN: ".example.com",
      CSRF_COOKIE_PATH: "/api",
      CSRF_COOKIE_AGE: 3600,
    });
    expect(csrf).toMatchObject({
      secret: SECRET_KEY,
      secretFallbacks: ["old-secret-0123456789abcdefghijklmnop"],
      trustedOrigins: ["https://admin.example.com"],
      headerName: "X-CSRFToken",
      cookie: { name: "xsrf", secure: true, sameSite: "Strict", httpOnly: true, domain: ".example.com", path: "/api", maxAgeSeconds: 3600 },
    });
  });

  it("trusts the CORS origins and CSRF_TRUSTED_ORIGINS, written once each", async () => {
    const { csrf } = fromDjangoSettings({
      SECRET_KEY,
      CORS_ALLOWED_ORIGINS: ["https://app.example.com"],
      CSRF_TRUSTED_ORIGINS: ["https://*.admin.example.com"],
    });
    const policy = createCsrfPolicy({ ...csrf, tokens: false });
    const post = (origin: string) => policy.decide({ ...requestViewFromRecord("POST", "/x", { origin, host: "api.example.com" }) });
    expect((await post("https://app.example.com")).verdict).toBe("trusted-origin");
    expect((await post("https://eu.admin.example.com")).verdict).toBe("trusted-origin");
    expect((await post("https://evil.example.com")).reason).toBe("Origin checking failed - https://evil.example.com does not match any trusted origins.");
  });

  it.each([
    ["HTTP_X_XSRF_TOKEN", "X-Xsrf-Token"],
    ["X-CSRFToken", "X-CSRFToken"],
    ["x-requested-token", "x-requested-token"],
  ])("reads CSRF_HEADER_NAME %s as the header %s", (setting, header) => {
    expect(fromDjangoSettings({ SECRET_KEY, CSRF_HEADER_NAME: setting }).csrf.headerName).toBe(header);
  });

  it("maps Python's None and False", () => {
    const { csrf } = fromDjangoSettings({ SECRET_KEY, CSRF_COOKIE_DOMAIN: null, CSRF_COOKIE_AGE: null, CSRF_COOKIE_SAMESITE: false });
    expect(csrf.cookie).toEqual({ maxAgeSeconds: null, sameSite: false });
  });

  it("still loads a CORS-only configuration, and names SECRET_KEY when the guard is built", () => {
    const { cors, csrf } = fromDjangoSettings({ CORS_ALLOWED_ORIGINS: ["https://app.example.com"] });
    expect(cors.origins).toEqual(["https://app.example.com"]);
    expect(problems(() => createCsrfPolicy(csrf))).toEqual(["SECRET_KEY: secret-missing"]);
    expect(() => createCsrfPolicy(csrf)).toThrow(/Fix: set SECRET_KEY to a random string/);
    expect(problems(() => createCsrfPolicy({ ...csrf, tokens: false }))).toEqual([]);
  });

  it.each<[string, Record<string, unknown>, string[]]>([
    ["a weak SECRET_KEY", { SECRET_KEY: "changeme" }, ["SECRET_KEY: secret-weak"]],
    ["a bad trusted origin", { SECRET_KEY, CSRF_TRUSTED_ORIGINS: ["example.com"] }, ["CSRF_TRUSTED_ORIGINS[0]: origin-missing-scheme"]],
    ["a bare string of origins", { SECRET_KEY, CSRF_TRUSTED_ORIGINS: "https://a.com" }, ["CSRF_TRUSTED_ORIGINS: wrong-type"]],
    ["a bad SameSite", { SECRET_KEY, CSRF_COOKIE_SAMESITE: "lax-ish" }, ["CSRF_COOKIE_SAMESITE: value-invalid"]],
    ["SameSite None without Secure", { SECRET_KEY, CSRF_COOKIE_SAMESITE: "None" }, ["CSRF_COOKIE_SAMESITE: value-invalid"]],
    ["a wrong type", { SECRET_KEY, CSRF_COOKIE_SECURE: "yes" }, ["CSRF_COOKIE_SECURE: wrong-type"]],
    ["a typo", { SECRET_KEY, CSRF_TRUSTED_ORIGIN: [] }, ["CSRF_TRUSTED_ORIGIN: unknown-option"]],
    ["CSRF_USE_SESSIONS", { SECRET_KEY, CSRF_USE_SESSIONS: true }, ["CSRF_USE_SESSIONS: value-invalid"]],
  ])("names the setting for %s", (_name, settings, expected) => {
    expect(problems(() => fromDjangoSettings(settings))).toEqual(expected);
  });

  it("accepts crossgate-only CSRF options as a second argument", () => {
    const sessionId = () => "s";
    const { csrf } = fromDjangoSettings({ SECRET_KEY }, { csrf: { sessionId, trustProxy: true, cookie: { secure: true } } });
    expect(csrf).toMatchObject({ sessionId, trustProxy: true, cookie: { secure: true } });
  });
});

describe("fromEnv → csrf", () => {
  it("reads the CSRF variables", () => {
    const { csrf } = fromEnv({
      SECRET_KEY,
      CSRF_TRUSTED_ORIGINS: "https://a.example.com,https://b.example.com",
      CSRF_COOKIE_SECURE: "true",
      CSRF_COOKIE_SAMESITE: "None",
      CSRF_COOKIE_AGE: "None",
      CSRF_HEADER_NAME: "HTTP_X_CSRFTOKEN",
    });
    expect(csrf).toMatchObject({
      secret: SECRET_KEY,
      trustedOrigins: ["https://a.example.com", "https://b.example.com"],
      headerName: "X-CSRFToken",
      cookie: { secure: true, sameSite: "None", maxAgeSeconds: null },
    });
    expect(() => createCsrfPolicy(csrf)).not.toThrow();
  });

  it("names the variable", () => {
    expect(problems(() => fromEnv({ SECRET_KEY: "short", CSRF_COOKIE_AGE: "1 week" }))).toEqual(["CSRF_COOKIE_AGE: wrong-type", "SECRET_KEY: secret-weak"]);
  });
});

describe("CROSSGATE_CSRF_TOKEN_FORMAT: sharing Django's csrftoken cookie", () => {
  it.each([["django"], ["Django"], [" DJANGO "]])("reads %j from the environment; SECRET_KEY is then not needed", (value) => {
    const { csrf } = fromEnv({ CROSSGATE_CSRF_TOKEN_FORMAT: value, CSRF_TRUSTED_ORIGINS: "https://app.example.com" });
    expect(csrf.tokenFormat).toBe("django");
    expect(() => createCsrfPolicy(csrf)).not.toThrow();
  });

  it("reads it from Django settings, with CSRF_COOKIE_MASKED for a Django <= 4.0 cookie", () => {
    const { csrf } = fromDjangoSettings({ SECRET_KEY, CROSSGATE_CSRF_TOKEN_FORMAT: "django", CSRF_COOKIE_MASKED: true });
    expect(csrf).toMatchObject({ tokenFormat: "django", cookie: { masked: true } });
    expect(() => createCsrfPolicy(csrf)).not.toThrow();
    expect(fromEnv({ CROSSGATE_CSRF_TOKEN_FORMAT: "django", CSRF_COOKIE_MASKED: "True" }).csrf.cookie).toEqual({ masked: true });
  });

  it("keeps ignoring CSRF_COOKIE_MASKED with crossgate's own signed tokens", () => {
    const { csrf } = fromDjangoSettings({ SECRET_KEY, CSRF_COOKIE_MASKED: true });
    expect(csrf.cookie).toEqual({});
    expect(() => createCsrfPolicy(csrf)).not.toThrow();
  });

  it.each<[string, Record<string, string>, string[]]>([
    ["an unknown format", { CROSSGATE_CSRF_TOKEN_FORMAT: "jwt", SECRET_KEY }, ["CROSSGATE_CSRF_TOKEN_FORMAT: value-invalid"]],
    ["a typo in the name", { CROSSGATE_CSRF_TOKEN_FROMAT: "django", SECRET_KEY }, ["CROSSGATE_CSRF_TOKEN_FROMAT: unknown-option"]],
    ["a masked flag that is not a boolean", { CROSSGATE_CSRF_TOKEN_FORMAT: "django", CSRF_COOKIE_MASKED: "maybe" }, ["CSRF_COOKIE_MASKED: wrong-type"]],
  ])("names the variable for %s", (_name, env, expected) => {
    expect(problems(() => fromEnv(env))).toEqual(expected);
  });

  it("names the variable when a session binding is asked of unsigned tokens", () => {
    expect(problems(() => fromEnv({ CROSSGATE_CSRF_TOKEN_FORMAT: "django" }, { csrf: { sessionId: () => "s" } }))).toEqual(["sessionId: value-invalid"]);
    expect(problems(() => fromEnv({ CROSSGATE_CSRF_TOKEN_FORMAT: "django" }, { csrf: { tokens: false } }))).toEqual(["CROSSGATE_CSRF_TOKEN_FORMAT: value-invalid"]);
  });
});
