// `crossgate check --django` and `explain --django` against Debian's Django 3.2: settings modules as
// real projects write them (split files, environment variables, a DEBUG switch, helper functions),
// imported by the project's own Python, and the errors when that cannot happen.
import { execFileSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CliIo } from "../../src/cli/io.ts";
import { main } from "../../src/cli/main.ts";
import { fromDjangoSettings } from "../../src/core/settings/django.ts";
import { fromEnv } from "../../src/core/settings/env.ts";
import { djangoIsMissingLocally, djangoPython } from "../support/django.ts";

/** A value no output may ever contain: the project's SECRET_KEY. */
const SECRET = "s3cr3t-KEY-never-printed-0123456789-abcdefghijklmnop";

const FILES: Readonly<Record<string, string>> = {
  "proj/__init__.py": "",
  "proj/settings/__init__.py": "",
  "proj/settings/base.py": `import os
from corsheaders.defaults import default_headers

def env_list(name, default=""):
    """Comma-separated origins from the environment, as many projects read them."""
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
DEBUG = os.environ.get("DJANGO_DEBUG", "0") == "1"
ALLOWED_HOSTS = ["api.example.com"]
CORS_ALLOWED_ORIGINS = env_list("FRONTEND_ORIGINS", "https://app.example.com")
CORS_ALLOW_HEADERS = (*default_headers, "x-api-key")
CORS_ALLOW_CREDENTIALS = True
CSRF_TRUSTED_ORIGINS = CORS_ALLOWED_ORIGINS
print("base settings loaded")  # a settings module that prints must not confuse crossgate
`,
  "proj/settings/production.py": `from .base import *

CORS_URLS_REGEX = r"^/api/.*$"
CSRF_COOKIE_SECURE = True
`,
  "proj/settings/development.py": `from .base import *
import re

if DEBUG:
    CORS_ALLOWED_ORIGIN_REGEXES = [re.compile(r"^http://localhost:\\d+$")]
else:
    CORS_ALLOW_ALL_ORIGINS = True
`,
  "proj/settings/helper.py": `from .base import *

def subdomain_origins(domain, names):
    return ["https://%s.%s" % (name, domain) for name in names]

CORS_ALLOWED_ORIGINS = subdomain_origins("example.com", ["app", "admin"]) + ["http://localhost:5173"]
CORS_EXPOSE_HEADERS = ["X-Total"]
CORS_PREFLIGHT_MAX_AGE = 600
CSRF_COOKIE_SAMESITE = None
CSRF_COOKIE_AGE = None
CROSSGATE_CSRF_TOKEN_FORMAT = "django"
`,
  "proj/settings/broken.py": `from .base import *

CORS_ALLOWED_ORIGINS = origins_from_vault()
`,
  "proj/settings/python_types.py": `from .base import *

CORS_ALLOW_HEADERS = {"x-api-key": True}
`,
};

describe.skipIf(djangoIsMissingLocally())("a Django project, as Django evaluates it", () => {
  let dir: string;
  let noDjango: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "crossgate-django-settings-"));
    for (const [path, text] of Object.entries(FILES)) {
      mkdirSync(join(dir, path, ".."), { recursive: true });
      writeFileSync(join(dir, path), text);
    }
    // The same Python without its site packages: a Python without Django, on any machine with Django.
    noDjango = join(dir, "python-without-django");
    writeFileSync(noDjango, `#!/bin/sh\nexec ${djangoPython} -S "$@"\n`);
    chmodSync(noDjango, 0o755);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  async function cli(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
    let stdout = "";
    let stderr = "";
    const io: CliIo = {
      stdout: { write: (text: string) => (stdout += text) },
      stderr: { write: (text: string) => (stderr += text) },
      env: { DJANGO_SECRET_KEY: SECRET, ...env },
    };
    const code = await main(args, io);
    expect(`${stdout}${stderr}`).not.toContain(SECRET);
    return { code, stdout, stderr };
  }
  const project = (module: string) => ["--django", `proj.settings.${module}`, "--pythonpath", dir, "--python", djangoPython];

  it("reads split settings (from .base import *) with origins from the environment", async () => {
    const result = await cli(["check", ...project("production")], { FRONTEND_ORIGINS: "https://shop.example.com, https://app.example.com" });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("proj.settings.production (Django 3.2");
    expect(result.stdout).toContain("origins: https://shop.example.com, https://app.example.com");
    expect(result.stdout).toContain("urlFilter: /^(?:^\\/api\\/.*$)/");
    expect(result.stdout).toContain("SECRET_KEY: set (its value is never shown)");
    // The default headers of django-cors-headers 3.14 list three a script can never send: warnings, exit 0.
    expect(result.stdout).toContain('! warning: CORS_ALLOW_HEADERS[1]: "accept-encoding" is a header browsers never let scripts set');
    expect(result.stdout.match(/! warning:/g)).toHaveLength(3);
    const badOrigin = await cli(["check", ...project("production")], { FRONTEND_ORIGINS: "https://app.example.com/" });
    expect(badOrigin.code).toBe(1);
    expect(badOrigin.stderr).toContain('CORS_ALLOWED_ORIGINS[0]: "https://app.example.com/" ends with a slash');
    expect(badOrigin.stderr).toContain('Fix: write "https://app.example.com"');
  });

  it("follows a DEBUG switch the way Django does", async () => {
    const debug = await cli(["check", ...project("development"), "--json"], { DJANGO_DEBUG: "1" });
    expect(debug.code).toBe(0);
    expect(JSON.parse(debug.stdout)).toMatchObject({ valid: true, notes: ["SECRET_KEY: set (its value is never shown)"] });
    const notDebug = await cli(["check", ...project("development")]);
    expect(notDebug.code).toBe(1);
    expect(notDebug.stderr).toContain("CORS_ALLOW_ALL_ORIGINS: true allows every origin while credentials are on");
    expect(notDebug.stderr).toContain('CORS_ALLOWED_ORIGIN_REGEXES = [r"^http://localhost:\\d+$"]');
  });

  it("runs helper functions and reads compiled regexes, None and every CSRF_* setting", async () => {
    const result = await cli(["check", ...project("helper"), "--print-options"], { DJANGO_SECRET_KEY: "" });
    expect(result.code).toBe(0);
    expect(result.stderr).toContain("SECRET_KEY: not set");
    const [json, envPart] = result.stdout.split("\n\n# .env for fromEnv()\n") as [string, string];
    const options = JSON.parse(json) as { cors: Record<string, unknown>; csrf: Record<string, unknown> };
    expect(options.cors).toMatchObject({ origins: ["https://app.example.com", "https://admin.example.com", "http://localhost:5173"], exposeHeaders: ["X-Total"], maxAgeSeconds: 600, credentials: true });
    // base.py copied CORS_ALLOWED_ORIGINS into CSRF_TRUSTED_ORIGINS before helper.py replaced it: Django keeps the copy.
    expect(options.csrf).toMatchObject({ trustedOrigins: ["https://app.example.com"], tokenFormat: "django", cookie: { sameSite: false, maxAgeSeconds: null } });
    expect(envPart).toContain("CSRF_COOKIE_SAMESITE=false\n");
    expect(envPart).toContain("CSRF_COOKIE_AGE=None\n");
    expect(envPart).toContain("CROSSGATE_CSRF_TOKEN_FORMAT=django\n");
    expect(envPart).toContain("# SECRET_KEY is not set");
  });

  it("prints .env lines that fromEnv, through node --env-file, reads back to the same options", async () => {
    const result = await cli(["check", ...project("development"), "--print-options"], { DJANGO_DEBUG: "1" });
    expect(result.code).toBe(0);
    const envLines = result.stdout.split("\n# .env for fromEnv()\n")[1]!;
    expect(envLines).toContain("CORS_ALLOWED_ORIGIN_REGEXES='[\"^http://localhost:\\\\d+$\"]'");
    expect(envLines).toContain("# SECRET_KEY is set in the Django settings");
    const file = join(dir, "crossgate.env");
    writeFileSync(file, envLines);
    const env = JSON.parse(execFileSync(process.execPath, [`--env-file=${file}`, "-e", "process.stdout.write(JSON.stringify(process.env))"], { env: {}, encoding: "utf8" })) as Record<string, string>;
    const read = fromEnv(env, { cors: { logger: { warn: () => {} } } });
    const settings = {
      CORS_ALLOWED_ORIGINS: ["https://app.example.com"],
      CORS_ALLOWED_ORIGIN_REGEXES: ["^http://localhost:\\d+$"],
      CORS_ALLOW_HEADERS: ["accept", "accept-encoding", "authorization", "content-type", "dnt", "origin", "user-agent", "x-csrftoken", "x-requested-with", "x-api-key"],
      CORS_ALLOW_CREDENTIALS: true,
      CSRF_TRUSTED_ORIGINS: ["https://app.example.com"],
    };
    const expected = fromDjangoSettings(settings, { cors: { logger: { warn: () => {} } } });
    const { logger: _readLogger, ...readCors } = read.cors;
    const { logger: _expectedLogger, ...expectedCors } = expected.cors;
    expect(readCors).toEqual(expectedCors);
    expect(read.csrf.trustedOrigins).toEqual(expected.csrf.trustedOrigins);
  });

  it("explains a request with the project's settings", async () => {
    const allowed = await cli(["explain", ...project("production"), "--origin", "https://app.example.com", "-X", "PUT", "-H", "X-Api-Key: 1", "--credentials", "--path", "/api/items"]);
    expect(allowed.code).toBe(0);
    expect(allowed.stdout).toContain("what proj.settings.production (Django 3.2");
    const refused = await cli(["explain", ...project("production"), "--origin", "https://evil.example", "--json"]);
    expect(refused.code).toBe(1);
    expect(JSON.parse(refused.stdout)).toMatchObject({ verdict: "blocked", configuration: expect.stringContaining("proj.settings.production") });
  });

  it("says which line of Python failed when the module does not import", async () => {
    const result = await cli(["check", ...project("broken")]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('cannot import the settings module "proj.settings.broken": NameError: name \'origins_from_vault\' is not defined.');
    const json = await cli(["explain", ...project("broken"), "--origin", "https://app.example.com", "--json"]);
    expect(json.code).toBe(2);
    expect(JSON.parse(json.stdout).error.problems[0]).toContain("NameError: name 'origins_from_vault' is not defined");
  });

  it("points to --pythonpath when the project is not on Python's path", async () => {
    const result = await cli(["check", "--django", "proj.settings.production", "--python", djangoPython]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("ModuleNotFoundError: No module named 'proj'. Run crossgate from the project's directory (where manage.py is) or pass --pythonpath DIR.");
  });

  it("says so when the Python has no Django, or does not exist", async () => {
    const missingDjango = await cli(["check", "--django", "proj.settings.production", "--pythonpath", dir, "--python", noDjango]);
    expect(missingDjango.code).toBe(2);
    expect(missingDjango.stderr).toContain("cannot import Django: ModuleNotFoundError: No module named 'django'. Run crossgate with the project's Python, e.g. --python .venv/bin/python");
    const missingPython = await cli(["check", "--django", "proj.settings.production", "--python", join(dir, "no-such-python")]);
    expect(missingPython.code).toBe(2);
    expect(missingPython.stderr).toContain(`cannot run ${join(dir, "no-such-python")}: not found. Pass the project's Python with --python`);
  });

  it("names the Python type of a value that is not a list of strings", async () => {
    const result = await cli(["check", ...project("python_types")]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('CORS_ALLOW_HEADERS: "<Python dict>" should be a sequence of strings.');
  });
});

describe("--django usage", () => {
  async function usage(args: string[]): Promise<string> {
    let stderr = "";
    const code = await main(args, { stdout: { write: () => true }, stderr: { write: (text: string) => (stderr += text) }, env: {} });
    expect(code).toBe(2);
    return stderr;
  }
  it.each([
    [["check", "--django", "proj/settings.py"], "--django takes a dotted module name such as mysite.settings"],
    [["check", "--django", "proj.settings", "settings.py"], "Give one configuration source"],
    [["check", "--env", "--python", "/usr/bin/python3"], "--pythonpath and --python go with --django"],
    [["check", join(import.meta.dirname, "fixtures", "api-config.mjs"), "--print-options"], "--print-options needs Django settings"],
    [["explain", "--django", "a b", "--origin", "https://a.com"], "--django takes a dotted module name"],
  ])("%j", async (args, message) => {
    expect(await usage(args)).toContain(message);
  });
});

describe("the static settings.py reader", () => {
  it("points to --django for what it cannot read", async () => {
    const dir = mkdtempSync(join(tmpdir(), "crossgate-static-settings-"));
    try {
      mkdirSync(join(dir, "mysite"));
      const file = join(dir, "mysite", "settings.py");
      writeFileSync(file, `import os\nCORS_ALLOWED_ORIGINS = os.environ["ORIGINS"].split(",")\n`);
      const stderr = await usage(["check", file]);
      expect(stderr).toContain("CORS_ALLOWED_ORIGINS is not a plain literal");
      expect(stderr).toContain("or run crossgate with --django <settings module> so that Django evaluates it");
      expect(stderr).toMatch(/run: crossgate check --django \S*mysite\.settings/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  async function usage(args: string[]): Promise<string> {
    let stderr = "";
    const code = await main(args, { stdout: { write: () => true }, stderr: { write: (text: string) => (stderr += text) }, env: {} });
    expect(code).toBe(2);
    return stderr;
  }
});
