/**
 * Per-route CORS: an ordered list of `[path pattern, policy]` entries, resolved to one policy per
 * request (first match wins). Every adapter accepts the result, so a framework-less server (or
 * a Fetch handler) gets the same per-route control as a router.
 */
import { ConfigError, isConfigError, type ConfigIssue } from "../errors.ts";
import type { RequestView } from "../request.ts";
import { statelessFlags } from "../internal/option-checks.ts";
import type { CorsPlan } from "./decide.ts";
import type { CorsOptions } from "./options.ts";
import { compileMatching, FOLD, keyOf, pathReadings, singleVariant, TRIM, trimSlash, type CompiledMatching, type PathMatching, type PathReading } from "./path-matching.ts";
import { isCorsPolicy, refusalReporter, toCorsPolicy, type CorsPolicy } from "./policy.ts";
import { freeze } from "../internal/freeze.ts";

export type { PathMatching } from "./path-matching.ts";

/** A route's CORS: options, a ready policy, or `false` for no CORS at all on that route. */
export type CorsSetting = CorsOptions | CorsPolicy | false;

/**
 * One entry of a route list. The pattern is either a string:
 * - `"/health"`: exactly that path;
 * - `"/users/:id"`: `:name` matches one non-empty path segment;
 * - `"/api/*"`: `/api`, `/api/` and everything below it (never `/apix`);
 * - `"*"`: every path;
 *
 * or a `RegExp` written with a leading `^`, tested against the path as the router reads it.
 * Paths are compared as the adapter's framework compares them (case, trailing slash, decoding:
 * see `PathMatching`); where the framework's rules leave it open, the path must pick the same
 * entry every way it can be read, or it gets no CORS grant. The query string is ignored.
 */
export type CorsRoute = readonly [pattern: string | RegExp, cors: CorsSetting];

/** Anything that decides a request's CORS plan: a policy, a route list, or CORS off. */
export interface CorsDecider {
  decide(request: RequestView): CorsPlan | Promise<CorsPlan>;
}

const ROUTES = Symbol.for("crossgate.cors-routes");

/** A compiled route list. Paths no entry matches get no CORS at all (like `urlFilter`). */
export interface CorsRoutes extends CorsDecider {
  /**
   * What decides requests for a path (as received, query allowed) under `matching` (default: every
   * rule unknown): its entry's policy, `undefined` when CORS is off there, or `ROUTE_UNCERTAIN`
   * when the readings the matching leaves open pick different entries.
   */
  policyFor(path: string, matching?: PathMatching): CorsDecider | undefined;
  /** This list as a framework with these path rules sees it; adapters call it once. */
  withMatching(matching: PathMatching): CorsDecider;
  readonly [ROUTES]: true;
  /**
   * Never set: a route list has no `origins` of its own. Declaring it lets TypeScript tell options
   * from a policy or a route list by `origins`, so a misspelled option in `cors({ origins, ... })`
   * is named in the error instead of `origins` being reported as not an `OriginMatcher`.
   */
  readonly origins?: undefined;
}

/** What every adapter's `cors()` accepts. `false` turns CORS off where the middleware is mounted. */
export type CorsInput = CorsOptions | CorsPolicy | CorsRoutes | false;

/**
 * The plan for a request CORS does not apply to: no headers, no `Vary`, the app answers it
 * (its preflights included).
 */
export const CORS_OFF: CorsPlan = freeze({
  action: "pass",
  status: 0,
  headers: freeze([]),
  vary: "",
  verdict: "disabled",
  preflight: false,
  reason: undefined,
  detail: undefined,
});

const OFF: CorsDecider = freeze({ decide: () => CORS_OFF });

function uncertain(preflight: boolean): CorsPlan {
  return freeze({
    action: preflight ? "respond" : "pass",
    status: preflight ? 403 : 0,
    headers: freeze([]),
    vary: "",
    verdict: "refused",
    preflight,
    reason: "route-uncertain",
    detail: undefined,
  });
}
const UNCERTAIN_PREFLIGHT = /* @__PURE__ */ uncertain(true);
const UNCERTAIN_REQUEST = /* @__PURE__ */ uncertain(false);

/**
 * For a request crossgate cannot tie to one route's CORS for certain: it grants nothing. A
 * preflight gets `403` without CORS headers, any other request no CORS header at all. The answer
 * depends on the path alone, so nothing is added to `Vary`.
 */
export const ROUTE_UNCERTAIN: CorsDecider = /* @__PURE__ */ freeze({
  decide: uncertainPlan,
});

function uncertainPlan(request: RequestView): CorsPlan {
  return preflightMethod(request) === undefined ? UNCERTAIN_REQUEST : UNCERTAIN_PREFLIGHT;
}

/**
 * `ROUTE_UNCERTAIN` for a router whose middleware was registered with `registered` (the policy its
 * 404s get): when that is a policy, the refusal is reported through it as its own refusals are
 * (`onRefusal`, and under `debug` the log line and `Crossgate-Refusal` header). A route list or
 * CORS off has no policy of its own to report through, so it gets `ROUTE_UNCERTAIN` itself. Call it
 * once per registration.
 */
export function routeUncertainFor(registered: CorsDecider): CorsDecider {
  const report = refusalReporter(registered);
  if (report === undefined) return ROUTE_UNCERTAIN;
  return freeze({ decide: (request: RequestView) => report(request, uncertainPlan(request)) });
}

interface CompiledRoute {
  /** `path` for RegExp patterns, `key` (as `variant` says) for string patterns. */
  readonly matches: (path: string, key: string, variant: number) => boolean;
  readonly policy: CorsPolicy | undefined;
}

/**
 * Builds a per-route CORS decider. Entries are tried in order and the first matching one decides;
 * put specific patterns first. Every pattern and every policy's options are validated now, and
 * all problems are reported in one `ConfigError`.
 * @example
 * const routes = corsRoutes([
 *   ["/api/public/*", { origins: "*" }],
 *   ["/webhooks/*", false],
 *   ["/api/*", { origins: ["https://app.example.com"], credentials: true }],
 * ]);
 * app.use(cors(routes));
 */
export function corsRoutes(routes: readonly CorsRoute[]): CorsRoutes {
  const issues: ConfigIssue[] = [];
  const compiled: CompiledRoute[] = [];
  if (!Array.isArray(routes)) {
    throw new ConfigError(
      [{ code: "wrong-type", option: "routes", value: routes, problem: "must be an array of [pattern, policy] entries.", fix: 'write corsRoutes([["/api/*", { origins: [...] }]]).' }],
      "CORS routes",
    );
  }
  const seen = new Set<string>();
  routes.forEach((entry: unknown, index) => {
    const option = `routes[${index}]`;
    if (!Array.isArray(entry) || entry.length !== 2) {
      issues.push({ code: "wrong-type", option, value: entry, problem: "must be a [pattern, policy] pair.", fix: 'write ["/api/*", { origins: [...] }] or ["/health", false].' });
      return;
    }
    const [pattern, setting] = entry as [unknown, unknown];
    const matches = compilePattern(pattern, `${option}[0]`, issues);
    const key = String(pattern);
    if (matches !== undefined && seen.has(key)) {
      issues.push({ code: "value-invalid", option: `${option}[0]`, value: pattern, problem: "repeats an earlier pattern, so this entry never matches.", fix: "remove one of the two entries." });
    }
    seen.add(key);
    const policy = compileSetting(setting, `${option}[1]`, issues);
    if (matches !== undefined && policy !== null) compiled.push({ matches, policy });
  });
  if (issues.length > 0) throw new ConfigError(issues, "CORS routes");

  const table = freeze(compiled);
  const strings = routes.map((entry) => (entry as unknown[])[0]).filter((pattern): pattern is string => typeof pattern === "string");
  const patternsTrim = strings.some((pattern) => pattern.length > 1 && pattern.endsWith("/"));
  const patternsFold = strings.some((pattern) => /[A-Z]/.test(pattern.replace(/:[A-Za-z_][A-Za-z0-9_]*/g, "")));
  const firstMatch = (path: string, key: string, variant: number): CorsPolicy | undefined => {
    for (let index = 0; index < table.length; index++) {
      const route = table[index]!;
      if (route.matches(path, key, variant)) return route.policy;
    }
    return undefined;
  };
  const resolve = (target: string, matching: CompiledMatching): CorsDecider | undefined => {
    const path = withoutQuery(target);
    const variant = singleVariant(path, matching, patternsTrim, patternsFold);
    if (variant !== -1) return firstMatch(path, keyOf(path, variant), variant);
    const readings = pathReadings(path, matching, patternsTrim, patternsFold);
    if (readings === undefined) return ROUTE_UNCERTAIN;
    const read = (reading: PathReading) => firstMatch(reading.path, reading.key, reading.variant);
    const chosen = read(readings[0]!);
    // Doubt never widens access: readings that disagree leave no entry certain.
    for (let index = 1; index < readings.length; index++) if (read(readings[index]!) !== chosen) return ROUTE_UNCERTAIN;
    return chosen;
  };
  const bind = (matching: CompiledMatching): CorsDecider =>
    freeze({
      decide(request: RequestView) {
        const decider = resolve(request.path, matching);
        return decider === undefined ? CORS_OFF : decider.decide(request);
      },
    });
  const unknown = compileMatching();
  const bound = new Map<string, CorsDecider>();
  const self = bind(unknown);
  return freeze({
    [ROUTES]: true as const,
    policyFor: (path: string, matching?: PathMatching) => resolve(path, matching === undefined ? unknown : compileMatching(matching)),
    withMatching(matching: PathMatching) {
      const compiledMatching = compileMatching(matching);
      let decider = bound.get(compiledMatching.key);
      if (decider === undefined) bound.set(compiledMatching.key, (decider = bind(compiledMatching)));
      return decider;
    },
    decide: self.decide,
  });
}

/** True for a route list built by `corsRoutes` (from any copy of crossgate). */
export function isCorsRoutes(value: unknown): value is CorsRoutes {
  return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[ROUTES] === true;
}

/**
 * Turns what an adapter was given into something that decides; options are validated here, once.
 * `matching` is how the adapter's framework reads paths, for route lists.
 */
export function toCorsDecider(input: CorsInput, matching?: PathMatching): CorsDecider {
  if (input === false) return OFF;
  if (isCorsRoutes(input)) return matching === undefined ? input : withMatching(input, matching);
  return toCorsPolicy(input);
}

/** `decider` as a framework with these path rules sees it: route lists are bound, anything else is returned as is. */
export function withMatching(decider: CorsDecider, matching: PathMatching): CorsDecider {
  // A list from an older copy of crossgate has no withMatching: it reads paths every way.
  return isCorsRoutes(decider) && typeof decider.withMatching === "function" ? decider.withMatching(matching) : decider;
}

/** `null` when the setting is invalid (issues recorded), `undefined` for CORS off. */
function compileSetting(setting: unknown, option: string, issues: ConfigIssue[]): CorsPolicy | undefined | null {
  if (setting === false) return undefined;
  if (isCorsPolicy(setting)) return setting;
  if (typeof setting !== "object" || setting === null || Array.isArray(setting)) {
    issues.push({ code: "wrong-type", option, value: setting, problem: "must be CORS options, a policy from createCorsPolicy, or false.", fix: "write { origins: [...] } or false." });
    return null;
  }
  try {
    return toCorsPolicy(setting as CorsOptions);
  } catch (error) {
    if (!isConfigError(error)) throw error;
    for (const issue of error.issues) issues.push({ ...issue, option: `${option}.${issue.option}` });
    return null;
  }
}

function compilePattern(pattern: unknown, option: string, issues: ConfigIssue[]): CompiledRoute["matches"] | undefined {
  if (pattern instanceof RegExp) {
    if (!pattern.source.startsWith("^")) {
      issues.push({ code: "regex-unanchored", option, value: pattern, problem: "must start with ^, or it also matches inside unrelated paths.", fix: `write /^${pattern.source}/.` });
      return undefined;
    }
    const regex = new RegExp(pattern.source, statelessFlags(pattern));
    // As written: its own flags say whether case counts, and a trailing slash is its to match.
    return (path) => regex.test(path);
  }
  if (typeof pattern !== "string") {
    issues.push({ code: "wrong-type", option, value: pattern, problem: "must be a path pattern string or a RegExp.", fix: 'write "/api/*", "/users/:id" or /^\\/api\\//.' });
    return undefined;
  }
  if (pattern === "*") return () => true;
  const problem = patternProblem(pattern);
  if (problem !== undefined) {
    issues.push({ code: "value-invalid", option, value: pattern, problem, fix: 'write "/exact/path", "/users/:id" or "/prefix/*".' });
    return undefined;
  }
  // One matcher per variant (TRIM | FOLD), indexed by it.
  const variants = [0, FOLD, TRIM, TRIM | FOLD].map((variant) => compileStringPattern(pattern, (variant & TRIM) !== 0, (variant & FOLD) !== 0));
  return (_path, key, variant) => variants[variant]!(key);
}

/** A string pattern as one reading kind sees it: trailing slash dropped (`trim`) and/or lower-cased (`fold`). */
function compileStringPattern(pattern: string, trim: boolean, fold: boolean): (key: string) => boolean {
  const prefix = pattern.endsWith("/*");
  let body = prefix ? pattern.slice(0, -2) : pattern;
  if (fold) body = body.toLowerCase();
  if (trim && !prefix) body = trimSlash(body);
  if (!body.includes(":")) {
    // Static patterns: a comparison, no regular expression.
    if (!prefix) return (key) => key === body;
    const below = `${body}/`;
    return (key) => key === body || key.startsWith(below);
  }
  const source = body
    .split("/")
    .map((segment) => (segment.startsWith(":") ? "[^/]+" : escapeRegExp(segment)))
    .join("/");
  const regex = new RegExp(`^${source}${prefix ? "(?:/.*)?" : ""}$`);
  return (key) => regex.test(key);
}

function patternProblem(pattern: string): string | undefined {
  if (!pattern.startsWith("/")) return 'must start with "/" (or be "*").';
  if (pattern.includes("?") || pattern.includes("#")) return "must be a path only, without a query or fragment.";
  const body = pattern.endsWith("/*") ? pattern.slice(0, -2) : pattern;
  if (body.includes("*")) return 'may use "*" only as a last "/*" segment.';
  for (const segment of body.split("/")) {
    if (segment.includes(":") && !/^:[A-Za-z_][A-Za-z0-9_]*$/.test(segment)) return `has the segment ${JSON.stringify(segment)}; a parameter is a whole segment such as ":id".`;
  }
  return undefined;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** The path without its query string or fragment. */
function withoutQuery(path: string): string {
  let end = path.length;
  const query = path.indexOf("?");
  if (query !== -1) end = query;
  const hash = path.indexOf("#");
  if (hash !== -1 && hash < end) end = hash;
  return end === path.length ? path : path.slice(0, end);
}

/**
 * The method a CORS preflight asks for, or `undefined` when the request is not a preflight.
 * Fetch "CORS-preflight request": `OPTIONS` with `Origin` and `Access-Control-Request-Method`.
 * Routers use it to find the route a preflight is for, so it follows that route's policy.
 */
export function preflightMethod(request: RequestView): string | undefined {
  if (request.method !== "OPTIONS" || request.header("origin") === undefined) return undefined;
  return request.header("access-control-request-method");
}
