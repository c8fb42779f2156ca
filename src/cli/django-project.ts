// Reads a Django project's settings as Django evaluates them: the project's own Python imports the
// settings module through `django.conf.settings` (DJANGO_SETTINGS_MODULE), so environment variables,
// DEBUG switches, helper functions and `from .base import *` all count. Only CORS_*, CSRF_* and
// CROSSGATE_* values leave Python, and for SECRET_KEY only whether it is set.
import { spawn } from "node:child_process";
import { ConfigLoadError } from "./load-error.ts";

/** How to reach the project: `--django <module> [--pythonpath DIR] [--python PATH]`. */
export interface DjangoProject {
  /** The settings module, e.g. `mysite.settings` (what DJANGO_SETTINGS_MODULE holds). */
  readonly module: string;
  /** Added in front of `sys.path`, like `django-admin --pythonpath`; the current directory always is. */
  readonly pythonpath?: string | undefined;
  /** The Python to run. @default "python3" */
  readonly python?: string | undefined;
}

/** What the project's settings hold, as crossgate needs it. */
export interface DjangoProjectSettings {
  /** Every CORS_*, CSRF_* and CROSSGATE_* setting the project sets (Django's own defaults left out), in JSON form. */
  readonly settings: Record<string, unknown>;
  /** Whether SECRET_KEY is set to a non-empty value. The value itself never leaves Python. */
  readonly secretKeySet: boolean;
  readonly djangoVersion: string;
  /** `python3 (Python 3.11.2 at /usr/bin/python3.11)`, for messages. */
  readonly python: string;
}

/** A Python value with no JSON form (a dict, a set, an object), shown as `<Python dict>` in messages. */
export class PythonObject {
  constructor(readonly type: string) {}
  toJSON(): string {
    return `<Python ${this.type}>`;
  }
}

/** The most a settings import may take; a module that waits on a network or a prompt is stopped. */
const TIMEOUT_MS = 60_000;
/** Output beyond this is dropped: the settings crossgate reads fit in far less. */
const MAX_OUTPUT = 4 * 1024 * 1024;

// Run with `python -c SCRIPT module [pythonpath]`. The settings module's own prints go to stderr, so
// stdout carries exactly one JSON line. `is_overridden` keeps what the project sets, as a settings
// file would read; compiled regexes become their pattern strings.
const SCRIPT = String.raw`
import json, os, re, sys, traceback
out = sys.stdout
sys.stdout = sys.stderr
where = {"executable": sys.executable, "version": sys.version.split()[0]}

def answer(data):
    data.update(where)
    out.write("\n" + json.dumps(data) + "\n")
    out.flush()
    sys.exit(0)

def last_line(error):
    lines = traceback.format_exception_only(type(error), error)
    return lines[-1].strip() if lines else repr(error)

def convert(value, depth=0):
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, re.Pattern):
        return value.pattern if isinstance(value.pattern, str) else {"$python": "bytes pattern"}
    if isinstance(value, (list, tuple)) and depth < 4:
        return [convert(item, depth + 1) for item in value]
    return {"$python": type(value).__name__}

module = sys.argv[1]
if len(sys.argv) > 2:
    sys.path.insert(0, os.path.abspath(sys.argv[2]))
try:
    import django
except BaseException as error:
    answer({"error": "no-django", "detail": last_line(error)})
os.environ["DJANGO_SETTINGS_MODULE"] = module
try:
    from django.conf import settings
    settings._setup()
    wrapped = settings._wrapped
except BaseException as error:
    answer({"error": "import", "detail": last_line(error), "missing": getattr(error, "name", None) if isinstance(error, ImportError) else None})
values = {}
for name in dir(wrapped):
    if name.startswith(("CORS_", "CSRF_", "CROSSGATE_")) and wrapped.is_overridden(name):
        values[name] = convert(getattr(wrapped, name))
secret = getattr(wrapped, "SECRET_KEY", "")
answer({"settings": values, "secret_key_set": isinstance(secret, (str, bytes)) and len(secret) > 0, "django": django.get_version()})
`;

interface ScriptAnswer {
  readonly error?: "no-django" | "import";
  readonly detail?: string;
  readonly missing?: string | null;
  readonly settings?: Record<string, unknown>;
  readonly secret_key_set?: boolean;
  readonly django?: string;
  readonly executable?: string;
  readonly version?: string;
}

/**
 * Imports `project.module` with the project's Python and returns its CORS_*, CSRF_* and CROSSGATE_* settings.
 * Throws a `ConfigLoadError` saying what to do when Python or Django is missing, the module does not
 * import (with the last line of the Python error), or Python fails or hangs.
 */
export async function readDjangoProject(project: DjangoProject, env: Readonly<Record<string, string | undefined>>): Promise<DjangoProjectSettings> {
  const python = project.python ?? "python3";
  const args = ["-c", SCRIPT, project.module, ...(project.pythonpath === undefined ? [] : [project.pythonpath])];
  const run = await runPython(python, args, env);
  if (run.kind === "missing") {
    throw new ConfigLoadError(
      `crossgate: cannot run ${python}: ${run.detail}. Pass the project's Python with --python, e.g. --python .venv/bin/python.`,
    );
  }
  if (run.kind === "timeout") {
    throw new ConfigLoadError(`crossgate: ${python} did not finish importing ${project.module} within ${TIMEOUT_MS / 1000} s; does the settings module wait for a network or a prompt?`);
  }
  const answer = lastJsonLine(run.stdout);
  if (answer === undefined) {
    throw new ConfigLoadError(`crossgate: ${python} failed (exit code ${run.code ?? "none"}) while importing ${project.module}: ${lastLine(run.stderr) || "no output"}`);
  }
  const where = answer.executable === python ? `${python} (Python ${answer.version ?? "?"})` : `${python} (Python ${answer.version ?? "?"} at ${answer.executable ?? "?"})`;
  if (answer.error === "no-django") {
    throw new ConfigLoadError(
      `crossgate: ${where} cannot import Django: ${answer.detail}. Run crossgate with the project's Python, e.g. --python .venv/bin/python, or install Django into this one.`,
    );
  }
  if (answer.error === "import") {
    const own = answer.missing !== null && answer.missing !== undefined && project.module.split(".").some((_, index, parts) => parts.slice(0, index + 1).join(".") === answer.missing);
    const hint = own ? ` Run crossgate from the project's directory (where manage.py is) or pass --pythonpath DIR.` : "";
    throw new ConfigLoadError(`crossgate: ${where} cannot import the settings module ${JSON.stringify(project.module)}: ${answer.detail}${/[.!?]$/.test(answer.detail ?? "") ? "" : "."}${hint}`);
  }
  return {
    settings: fromJson(answer.settings ?? {}) as Record<string, unknown>,
    secretKeySet: answer.secret_key_set === true,
    djangoVersion: answer.django ?? "?",
    python: where,
  };
}

/** `{"$python": "dict"}` markers become `PythonObject`s, so validation names the type. */
function fromJson(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(fromJson);
  if (typeof value === "object" && value !== null) {
    const type = (value as { $python?: unknown }).$python;
    if (typeof type === "string") return new PythonObject(type);
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, fromJson(item)]));
  }
  return value;
}

function lastJsonLine(stdout: string): ScriptAnswer | undefined {
  const line = stdout.trimEnd().split("\n").at(-1);
  if (line === undefined || !line.startsWith("{")) return undefined;
  try {
    return JSON.parse(line) as ScriptAnswer;
  } catch {
    return undefined;
  }
}

function lastLine(text: string): string {
  return text.trimEnd().split("\n").at(-1)?.trim() ?? "";
}

type PythonRun =
  | { readonly kind: "ran"; readonly code: number | null; readonly stdout: string; readonly stderr: string }
  | { readonly kind: "missing"; readonly detail: string }
  | { readonly kind: "timeout" };

function runPython(python: string, args: string[], env: Readonly<Record<string, string | undefined>>): Promise<PythonRun> {
  return new Promise((resolve) => {
    let child;
    try {
      child = spawn(python, args, { env: { ...env, PYTHONDONTWRITEBYTECODE: "1" } as NodeJS.ProcessEnv, stdio: ["ignore", "pipe", "pipe"] });
    } catch (error) {
      resolve({ kind: "missing", detail: (error as Error).message });
      return;
    }
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      if (stdout.length < MAX_OUTPUT) stdout += chunk;
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      if (stderr.length < MAX_OUTPUT) stderr += chunk;
    });
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      resolve({ kind: "timeout" });
    }, TIMEOUT_MS);
    child.on("error", (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      resolve({ kind: "missing", detail: error.code === "ENOENT" ? "not found" : error.message });
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ kind: "ran", code, stdout, stderr });
    });
  });
}
