// A real Django + django-cors-headers project for interop tests: written to a temporary directory,
// served on 127.0.0.1 at a free port by Django's own threaded WSGI server (what `runserver` uses),
// and restarted after its settings change.
//
//   const django = await startDjango({ settings: `CORS_ALLOWED_ORIGINS = ["http://127.0.0.1:5173"]` });
//   try {
//     await fetch(`${django.origin}/api/items/`);
//     await django.appendSettings(`CORS_ALLOW_CREDENTIALS = True`); // appended, then restarted
//   } finally {
//     await django.stop();
//   }
//
// Debian's Django (python3-django, python3-django-cors-headers) lives at /usr/bin/python3; the
// `python3` first on PATH may be another Python without it. Outside CI a missing Django skips the
// tests that need it (`describe.skipIf(djangoIsMissingLocally())`); under `CI=true` it fails them.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync, appendFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** The Python that has Django 3.2 and corsheaders. */
export const djangoPython = process.env.CROSSGATE_DJANGO_PYTHON ?? "/usr/bin/python3";

export interface DjangoOptions {
  /** Python appended to the base settings.py (see `baseDjangoSettings`). */
  readonly settings?: string;
  /** Python for urls.py; the default routes `api/items/` and `api/echo/` to the default views. */
  readonly urls?: string;
  /** Python for views.py; the default defines `items` and `echo` (see `defaultDjangoViews`). */
  readonly views?: string;
  /** Extra environment for the Python process (merged over the test's own environment). */
  readonly env?: Record<string, string>;
}

export interface DjangoServer {
  /** `http://127.0.0.1:<port>`; stays the same across `restart()`. */
  readonly origin: string;
  readonly port: number;
  /** The project directory (settings.py, urls.py, views.py, serve.py). */
  readonly dir: string;
  readonly settingsPath: string;
  /** Appends Python to settings.py, then restarts the server so it takes effect. */
  appendSettings(python: string): Promise<void>;
  /** Stops the server and starts it again on the same port, re-reading every file. */
  restart(): Promise<void>;
  /** Stops the server and removes the project directory. */
  stop(): Promise<void>;
}

/**
 * The settings every project starts from: a stock Django 3.2 API with django-cors-headers installed
 * and `CorsMiddleware` first, as its README asks; DEBUG on (Django's technical error pages), signed-
 * cookie sessions so no database is needed.
 */
export const baseDjangoSettings = `# crossgate test project: base settings
SECRET_KEY = "crossgate-test-only-not-secret"
DEBUG = True
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]"]
ROOT_URLCONF = "urls"
USE_TZ = True
INSTALLED_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "corsheaders",
]
MIDDLEWARE = [
    "corsheaders.middleware.CorsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
]
SESSION_ENGINE = "django.contrib.sessions.backends.signed_cookies"
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}
LOGGING = {"version": 1, "disable_existing_loggers": True}
`;

/** Default views: `items` answers JSON for any method (CSRF applies to unsafe ones); `echo` is CSRF-exempt. */
export const defaultDjangoViews = `import json
from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt


def items(request):
    return JsonResponse({"method": request.method, "items": ["a", "b"]})


@csrf_exempt
def echo(request):
    return JsonResponse({
        "method": request.method,
        "path": request.path,
        "body": request.body.decode("utf-8", "replace"),
        "cookies": sorted(request.COOKIES.keys()),
    })
`;

export const defaultDjangoUrls = `from django.urls import path
import views

urlpatterns = [
    path("api/items/", views.items),
    path("api/echo/", views.echo),
]
`;

// Django's own server classes, as `runserver` builds them, bound to the port asked for (0: any free
// one); the bound port is printed once the socket listens, so readiness needs no polling.
// stdin is a pipe from the test process: when it closes (the test process exited, even killed),
// the server exits too, so a crashed or timed-out run leaves no Django behind.
const serveScript = `import os, sys, threading
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "settings")

def exit_with_parent():
    sys.stdin.read()
    os._exit(0)

threading.Thread(target=exit_with_parent, daemon=True).start()
from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler
from django.core.wsgi import get_wsgi_application

class QuietHandler(WSGIRequestHandler):
    def log_message(self, format, *args):
        pass

application = get_wsgi_application()
httpd = ThreadedWSGIServer(("127.0.0.1", int(sys.argv[1])), QuietHandler)
httpd.daemon_threads = True
httpd.set_app(application)
print("crossgate-django-port %d" % httpd.server_address[1], flush=True)
httpd.serve_forever()
`;

let cachedAvailability: { available: true } | { available: false; why: string } | undefined;

/** Whether Debian's Django and django-cors-headers can be imported by `djangoPython`. */
export function djangoAvailability(): { available: true } | { available: false; why: string } {
  if (cachedAvailability) return cachedAvailability;
  const result = spawnSync(djangoPython, ["-c", "import django, corsheaders; print(django.get_version())"], {
    encoding: "utf8",
    timeout: 30_000,
  });
  if (result.error) {
    cachedAvailability = { available: false, why: `${djangoPython} cannot run: ${result.error.message}` };
  } else if (result.status !== 0) {
    const lastLine = result.stderr.trim().split("\n").pop() ?? "";
    cachedAvailability = {
      available: false,
      why: `${djangoPython} cannot import django and corsheaders (${lastLine}); install python3-django python3-django-cors-headers`,
    };
  } else {
    cachedAvailability = { available: true };
  }
  return cachedAvailability;
}

/** True when `CI=true`: there a missing Django fails the run instead of skipping it. */
export function djangoIsRequired(): boolean {
  return process.env.CI === "true";
}

let warnedMissing = false;

/**
 * For `describe.skipIf(djangoIsMissingLocally())`: true (skip, printing why once) when Django is
 * missing on a developer machine; false when present, and false under CI so `startDjango` fails loudly.
 */
export function djangoIsMissingLocally(): boolean {
  const availability = djangoAvailability();
  if (availability.available || djangoIsRequired()) return false;
  if (!warnedMissing) {
    warnedMissing = true;
    process.stderr.write(`crossgate Django tests: skipping: ${availability.why} (in CI this fails instead)\n`);
  }
  return true;
}

const startTimeoutMs = 30_000;
const stopTimeoutMs = 5_000;

interface Running {
  readonly child: ChildProcess;
  readonly port: number;
  readonly exited: Promise<void>;
}

function launch(dir: string, port: number, env: Record<string, string> | undefined): Promise<Running> {
  const child = spawn(djangoPython, ["serve.py", String(port)], {
    cwd: dir,
    env: {
      ...process.env,
      PYTHONDONTWRITEBYTECODE: "1",
      PYTHONUNBUFFERED: "1",
      DJANGO_SETTINGS_MODULE: "settings",
      ...env,
    },
    stdio: ["pipe", "pipe", "pipe"],
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  return new Promise((resolve, reject) => {
    let stdout = "";
    let stderr = "";
    const fail = (why: string) => {
      clearTimeout(timer);
      child.kill("SIGKILL");
      const tail = stderr.trim().split("\n").slice(-15).join("\n");
      reject(new Error(`crossgate Django tests: the server in ${dir} ${why}${tail ? `:\n${tail}` : ""}`));
    };
    const timer = setTimeout(() => fail(`did not listen within ${startTimeoutMs} ms`), startTimeoutMs);
    child.stderr!.setEncoding("utf8");
    child.stderr!.on("data", (chunk: string) => {
      // Keep the tail only: a crash loop must not grow memory without bound.
      stderr = (stderr + chunk).slice(-20_000);
    });
    child.stdout!.setEncoding("utf8");
    child.stdout!.on("data", (chunk: string) => {
      stdout = (stdout + chunk).slice(-2_000);
      const match = /crossgate-django-port (\d+)/.exec(stdout);
      if (match) {
        clearTimeout(timer);
        child.removeListener("exit", onEarlyExit);
        resolve({ child, port: Number(match[1]), exited });
      }
    });
    const onEarlyExit = (code: number | null) => fail(`exited (code ${code}) before listening`);
    child.once("exit", onEarlyExit);
    child.once("error", (error) => fail(`could not start ${djangoPython}: ${error.message}`));
  });
}

async function terminate(running: Running): Promise<void> {
  if (running.child.exitCode !== null || running.child.signalCode !== null) return;
  running.child.kill("SIGTERM");
  const timer = setTimeout(() => running.child.kill("SIGKILL"), stopTimeoutMs);
  await running.exited;
  clearTimeout(timer);
}

/** Writes a Django project to a temporary directory and serves it on 127.0.0.1 at a free port. */
export async function startDjango(options: DjangoOptions = {}): Promise<DjangoServer> {
  const availability = djangoAvailability();
  if (!availability.available) {
    const where = djangoIsRequired() ? " (CI=true: Django is required, so this fails the run)" : "";
    throw new Error(`crossgate Django tests: ${availability.why}${where}`);
  }
  const dir = mkdtempSync(join(tmpdir(), "crossgate-django-"));
  const settingsPath = join(dir, "settings.py");
  writeFileSync(settingsPath, baseDjangoSettings + (options.settings ? `\n${options.settings}\n` : ""));
  writeFileSync(join(dir, "urls.py"), options.urls ?? defaultDjangoUrls);
  writeFileSync(join(dir, "views.py"), options.views ?? defaultDjangoViews);
  writeFileSync(join(dir, "serve.py"), serveScript);

  let running: Running;
  try {
    running = await launch(dir, 0, options.env);
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  const port = running.port;
  let stopped = false;

  const restart = async () => {
    if (stopped) throw new Error("crossgate Django tests: restart() after stop()");
    await terminate(running);
    // The same port again (Python's HTTPServer sets SO_REUSEADDR); a few tries cover a slow release.
    let lastError: unknown;
    for (let attempt = 0; attempt < 5; attempt++) {
      try {
        running = await launch(dir, port, options.env);
        return;
      } catch (error) {
        lastError = error;
        if (!/Address already in use/.test(String(error))) break;
        await new Promise((resolve) => setTimeout(resolve, 200 * (attempt + 1)));
      }
    }
    throw lastError;
  };

  return {
    origin: `http://127.0.0.1:${port}`,
    port,
    dir,
    settingsPath,
    async appendSettings(python: string) {
      appendFileSync(settingsPath, `\n${python}\n`);
      await restart();
    },
    restart,
    async stop() {
      if (stopped) return;
      stopped = true;
      await terminate(running);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
