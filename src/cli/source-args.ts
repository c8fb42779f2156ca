// The configuration source flags `check` and `explain` share: a file, --env, or a Django project.
import type { ConfigSource } from "./load-config.ts";

/** parseArgs options for the source. */
export const SOURCE_OPTIONS = {
  env: { type: "boolean" },
  django: { type: "string" },
  pythonpath: { type: "string" },
  python: { type: "string" },
} as const;

export const SOURCE_USAGE = `  <file>                 crossgate options or django-cors-headers settings: a .json file, a
                         .js/.mjs/.cjs module (default export or named exports), or a Django
                         settings.py (CORS_* literals, read without running Python)
  --env                  read django-cors-headers setting names from the environment
                         (CORS_ALLOWED_ORIGINS=...)
  --django <module>      import the settings module with the project's Python, as Django does
                         (DJANGO_SETTINGS_MODULE), and read its CORS_*, CSRF_* and
                         CROSSGATE_* settings
  --pythonpath <dir>     with --django: a directory to add to Python's path (default: the
                         current directory, as with manage.py)
  --python <path>        with --django: the Python to run (default python3), e.g. .venv/bin/python`;

/** The source the flags name, or a usage problem. */
export function configSource(
  values: { env?: boolean | undefined; django?: string | undefined; pythonpath?: string | undefined; python?: string | undefined },
  positionals: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): ConfigSource | string {
  const given = [values.env === true, values.django !== undefined, positionals.length > 0].filter(Boolean).length;
  if (given === 0) return "Give a configuration file, --env or --django <settings module>.";
  if (given > 1 || positionals.length > 1) return "Give one configuration source: a file, --env or --django <settings module>.";
  if (values.django === undefined && (values.pythonpath !== undefined || values.python !== undefined)) return "--pythonpath and --python go with --django <settings module>.";
  if (values.django !== undefined) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*$/.test(values.django)) {
      return `--django takes a dotted module name such as mysite.settings, got ${JSON.stringify(values.django)}.`;
    }
    return { django: { module: values.django, pythonpath: values.pythonpath, python: values.python }, env };
  }
  if (values.env === true) return { env };
  return { file: positionals[0]! };
}
