// A fix as a list of changes, rendered three ways: Python to append at the end of a Django
// settings.py, a complete crossgate snippet, and a machine-readable crossgate options patch.
// Every change is additive: pasting it keeps what already worked (lists grow, never shrink,
// and a setting that is absent is read as its default).
import type { ServerKind } from "./server-kind.ts";

/** crossgate's and django-cors-headers' default allowed methods. */
export const DEFAULT_METHODS: readonly string[] = ["DELETE", "GET", "OPTIONS", "PATCH", "POST", "PUT"];
/** crossgate's and django-cors-headers 4.x's default allowed request headers. */
export const DEFAULT_HEADERS: readonly string[] = ["accept", "authorization", "content-type", "user-agent", "x-csrftoken", "x-requested-with"];

/** One configuration change a fix makes. */
export type FixChange =
  /** Allow one more origin. */
  | { readonly kind: "add-origin"; readonly origin: string }
  /** Answer credentialed requests (`Access-Control-Allow-Credentials: true`). */
  | { readonly kind: "credentials" }
  | { readonly kind: "add-method"; readonly method: string }
  | { readonly kind: "add-header"; readonly header: string }
  /** Install the CORS middleware, first, so it runs before anything that answers early. */
  | { readonly kind: "cors-first" }
  /** Make the CORS layer handle `path` and the paths below its first segment. */
  | { readonly kind: "cors-for-path"; readonly path: string }
  /** Stop allowing every origin (reflection with credentials); list `origin` instead. */
  | { readonly kind: "no-allow-all"; readonly origin: string }
  /** Trust `origin` for unsafe requests (CSRF). */
  | { readonly kind: "csrf-trust-origin"; readonly origin: string }
  /** How long browsers cache a preflight. */
  | { readonly kind: "max-age"; readonly seconds: number };

/** A list option of crossgate's `cors()`, patched. `base` stands for the option when it is absent. */
export interface ListPatch {
  readonly add?: readonly string[];
  readonly set?: readonly string[];
  readonly base?: readonly string[];
  /** Entries removed from the current list before adding (`"*"` also stands for a non-list value). */
  readonly without?: readonly string[];
}

/**
 * The crossgate options a fix changes, as data: list options are `{ add }` (append to the current
 * list, or to `base` when unset) or `{ set }` (replace); other options are their new value, and
 * `null` means "remove this option".
 */
export interface CrossgateOptionsPatch {
  readonly origins?: ListPatch;
  readonly methods?: ListPatch;
  readonly requestHeaders?: ListPatch;
  readonly credentials?: boolean;
  readonly maxAgeSeconds?: number;
  readonly urlFilter?: null;
  readonly allowOrigin?: null;
  readonly dangerouslyAllowAnyOriginWithCredentials?: false;
  /** For `csrf()`: origins it trusts besides the CORS policy's. */
  readonly csrfTrustedOrigins?: ListPatch;
}

const py = (value: string) => JSON.stringify(value);
const js = (value: string) => JSON.stringify(value);
const jsList = (values: readonly string[]) => `[${values.map(js).join(", ")}]`;

/** The first path segment as a prefix (`/auth/login/` → `/auth/`), or the path itself at the root. */
export function pathPrefix(path: string): string {
  const match = /^\/[^/]+\//.exec(path);
  return match ? match[0] : path;
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** Python statements, appended verbatim at the end of settings.py, for `changes`. Empty when none apply. */
export function djangoPython(changes: readonly FixChange[]): string {
  const lines: string[] = [];
  const imports = new Set<string>();
  for (const change of changes) {
    switch (change.kind) {
      case "add-origin":
        // The new name wins whenever it is defined, so carry over the old alias's list too.
        lines.push(
          `CORS_ALLOWED_ORIGINS = [*globals().get("CORS_ALLOWED_ORIGINS", globals().get("CORS_ORIGIN_WHITELIST", [])), ${py(change.origin)}]`,
        );
        break;
      case "credentials":
        lines.push("CORS_ALLOW_CREDENTIALS = True");
        break;
      case "add-method":
        imports.add("from corsheaders.defaults import default_methods");
        lines.push(`CORS_ALLOW_METHODS = [*globals().get("CORS_ALLOW_METHODS", default_methods), ${py(change.method)}]`);
        break;
      case "add-header":
        imports.add("from corsheaders.defaults import default_headers");
        lines.push(`CORS_ALLOW_HEADERS = [*globals().get("CORS_ALLOW_HEADERS", default_headers), ${py(change.header)}]`);
        break;
      case "cors-first":
        lines.push(
          'if "corsheaders" not in INSTALLED_APPS:',
          '    INSTALLED_APPS = [*INSTALLED_APPS, "corsheaders"]',
          "# CorsMiddleware first: above CommonMiddleware (APPEND_SLASH redirects) and anything else that answers early",
          'MIDDLEWARE = ["corsheaders.middleware.CorsMiddleware", *[m for m in MIDDLEWARE if m != "corsheaders.middleware.CorsMiddleware"]]',
        );
        break;
      case "cors-for-path": {
        const prefix = pathPrefix(change.path);
        lines.push(
          `# CORS_URLS_REGEX is matched against the path; also match ${prefix} (the default, r"^.*$", matches every path)`,
          '_crossgate_urls = globals().get("CORS_URLS_REGEX", r"^.*$")',
          `CORS_URLS_REGEX = r"(?:%s)|^${escapeRegex(prefix)}" % getattr(_crossgate_urls, "pattern", _crossgate_urls)`,
        );
        break;
      }
      case "no-allow-all":
        lines.push(
          "CORS_ALLOW_ALL_ORIGINS = False",
          "CORS_ORIGIN_ALLOW_ALL = False",
          `CORS_ALLOWED_ORIGINS = [o for o in globals().get("CORS_ALLOWED_ORIGINS", globals().get("CORS_ORIGIN_WHITELIST", [])) if o != "null"] + [${py(change.origin)}]`,
          "# and narrow any CORS_ALLOWED_ORIGIN_REGEXES or check_request_enabled handler that accepts every origin",
        );
        break;
      case "csrf-trust-origin": {
        // Django 4.0+ wants scheme://host[:port]; 3.2 wants host[:port] (it compares the Referer's host).
        const host = change.origin.replace(/^[a-z]+:\/\//, "");
        imports.add("import django");
        lines.push(
          `CSRF_TRUSTED_ORIGINS = [*globals().get("CSRF_TRUSTED_ORIGINS", []), ${py(change.origin)} if django.VERSION >= (4, 0) else ${py(host)}]`,
        );
        break;
      }
      case "max-age":
        lines.push(`CORS_PREFLIGHT_MAX_AGE = ${change.seconds}`);
        break;
    }
  }
  if (lines.length === 0) return "";
  return ["# crossgate doctor: append at the end of settings.py", ...imports, ...lines].join("\n");
}

/** The crossgate options patch for `changes` (null when none apply). */
export function crossgatePatch(changes: readonly FixChange[]): CrossgateOptionsPatch | null {
  const patch: { -readonly [K in keyof CrossgateOptionsPatch]: CrossgateOptionsPatch[K] } = {};
  const add = (key: "origins" | "methods" | "requestHeaders" | "csrfTrustedOrigins", value: string, base?: readonly string[]) => {
    const current = patch[key];
    if (current?.set !== undefined) patch[key] = { set: [...current.set, value] };
    else patch[key] = { add: [...(current?.add ?? []), value], ...(base ? { base } : {}) };
  };
  for (const change of changes) {
    switch (change.kind) {
      case "add-origin":
        add("origins", change.origin);
        break;
      case "credentials":
        patch.credentials = true;
        break;
      case "add-method":
        add("methods", change.method, DEFAULT_METHODS);
        break;
      case "add-header":
        add("requestHeaders", change.header, DEFAULT_HEADERS);
        break;
      case "cors-for-path":
        patch.urlFilter = null;
        break;
      case "no-allow-all":
        patch.origins = { add: [change.origin], without: ["*", "null"] };
        patch.allowOrigin = null;
        patch.dangerouslyAllowAnyOriginWithCredentials = false;
        break;
      case "csrf-trust-origin":
        add("csrfTrustedOrigins", change.origin);
        break;
      case "max-age":
        patch.maxAgeSeconds = change.seconds;
        break;
      case "cors-first":
        break; // an ordering, not an option: said in the snippet
    }
  }
  return Object.keys(patch).length === 0 ? null : patch;
}

const ADAPTER: Readonly<Record<ServerKind, string>> = {
  crossgate: "node",
  express: "node",
  fastify: "fastify",
  koa: "koa",
  hono: "hono",
  django: "node",
  unknown: "node",
};

/** A complete crossgate snippet applying `changes` on top of the app's current options (`yourCorsOptions`). */
export function crossgateSnippet(changes: readonly FixChange[], server: ServerKind): string {
  const patch = crossgatePatch(changes);
  const first = changes.some((c) => c.kind === "cors-first");
  if (patch === null && !first) return "";
  const adapter = ADAPTER[server];
  const register = adapter === "fastify" ? "await app.register" : "app.use";
  const lines = [`import { cors${patch?.csrfTrustedOrigins ? ", csrf" : ""} } from "crossgate/${adapter}";`, ""];
  const fields: Readonly<Record<string, unknown>> = { ...patch };
  const corsKeys = Object.keys(fields).filter((k) => k !== "csrfTrustedOrigins");
  const options = corsKeys.length === 0 ? "yourCorsOptions" : `{\n  ...yourCorsOptions,\n${corsKeys.map((k) => `  ${optionLine(k, fields)}`).join("\n")}\n}`;
  lines.push(`${register}(cors(${options}));${first ? " // first: before routes, redirects, auth, CSRF and error handlers" : ""}`);
  if (patch?.csrfTrustedOrigins) {
    lines.push(`${register}(csrf({ ...yourCsrfOptions, ${optionLine("trustedOrigins", { trustedOrigins: patch.csrfTrustedOrigins })} }));`);
  }
  return lines.join("\n");
}

function optionLine(key: string, patch: Readonly<Record<string, unknown>>): string {
  const value = patch[key];
  if (value === null) return `${key}: undefined, // remove it`;
  if (typeof value === "object") {
    const list = value as ListPatch;
    if (list.set !== undefined) return `${key}: ${jsList(list.set)},`;
    const current = key === "trustedOrigins" ? `yourCsrfOptions.${key}` : `yourCorsOptions.${key}`;
    if (list.without !== undefined) {
      const kept = `(Array.isArray(${current}) ? ${current} : []).filter((o) => !${jsList(list.without)}.includes(o))`;
      return `${key}: [...${kept}, ${(list.add ?? []).map(js).join(", ")}],`;
    }
    return `${key}: [...(${current} ?? ${list.base ? jsList(list.base) : "[]"}), ${(list.add ?? []).map(js).join(", ")}],`;
  }
  return `${key}: ${JSON.stringify(value)},`;
}

/**
 * Applies a patch to crossgate options, as a user pasting the snippet would: for tests and tools.
 * Unknown keys are ignored; the input is not modified.
 */
export function applyCrossgatePatch<T extends object>(options: T, patch: CrossgateOptionsPatch | null): T {
  if (patch === null) return options;
  const next: Record<string, unknown> = { ...(options as Record<string, unknown>) };
  for (const [key, value] of Object.entries(patch)) {
    if (key === "csrfTrustedOrigins") continue;
    if (value === null) delete next[key];
    else if (typeof value === "object") {
      const list = value as ListPatch;
      const current = next[key];
      const kept = Array.isArray(current) ? (current as string[]).filter((v) => !(list.without ?? []).includes(v)) : list.without !== undefined ? [] : (list.base ?? []);
      next[key] = list.set !== undefined ? [...list.set] : [...kept, ...(list.add ?? [])];
    } else next[key] = value;
  }
  return next as T;
}
