/**
 * Which Fastify route a preflight is for. A preflight (`OPTIONS`) matches no route of its own, so
 * crossgate records every route's CORS as routes are added, and looks up the route that would
 * serve the method the preflight asks for. Fastify's `findRoute` says whether such a route exists
 * and with which parameters; the recorded patterns say which one it is.
 */
import type { CorsDecider } from "../../core/cors/routes.ts";

interface RecordedRoute {
  readonly match: (path: string) => Record<string, string> | undefined;
  readonly paramCount: number;
  decider: CorsDecider;
}

/** The part of a Fastify instance the table needs (`findRoute` exists since Fastify 4.21). */
export interface RouteFinder {
  findRoute(options: { method: string; url: string }): { params: unknown } | null;
}

/** Every route's CORS in one Fastify app, shared by all crossgate registrations in it. */
export class FastifyRouteTable {
  readonly #byMethod = new Map<string, Map<string, RecordedRoute>>();
  /** Per method, the one decider all its routes share, or `null` when they differ. */
  readonly #shared = new Map<string, CorsDecider | null>();

  /** Records (or, for an inner registration, replaces) the CORS of `method url`. */
  record(method: string, url: string, decider: CorsDecider): void {
    let routes = this.#byMethod.get(method);
    if (routes === undefined) this.#byMethod.set(method, (routes = new Map()));
    const known = routes.get(url);
    if (known !== undefined) {
      // An inner registration replacing a route's CORS (rare, at startup): recount.
      known.decider = decider;
      let shared: CorsDecider | null | undefined;
      for (const route of routes.values()) shared = shared === undefined || shared === route.decider ? route.decider : null;
      this.#shared.set(method, shared ?? null);
      return;
    }
    const compiled = compileFastifyPattern(url);
    routes.set(url, { match: compiled.match, paramCount: compiled.paramCount, decider });
    const shared = this.#shared.get(method);
    this.#shared.set(method, shared === undefined || shared === decider ? decider : null);
  }

  /**
   * The CORS of the route that serves `method path`, or `fallback` when no route does. When every
   * route of the method follows `fallback` (no route config, one registration), the answer is
   * `fallback` whatever the path: the router is not consulted.
   */
  lookupOr(finder: RouteFinder, method: string, path: string, fallback: CorsDecider): CorsDecider {
    const shared = this.#shared.get(method);
    if (shared === undefined || shared === fallback) return fallback;
    return this.lookup(finder, method, path) ?? fallback;
  }

  /** The CORS of the route that serves `method path`, or `undefined` when no route does. */
  lookup(finder: RouteFinder, method: string, path: string): CorsDecider | undefined {
    const routes = this.#byMethod.get(method);
    if (routes === undefined) return undefined;
    let found: { params: unknown } | null;
    try {
      found = finder.findRoute({ method, url: path });
    } catch {
      return undefined;
    }
    if (found === null) return undefined;
    const want = (found.params ?? {}) as Record<string, string>;
    let first: RecordedRoute | undefined;
    for (const route of routes.values()) {
      const params = route.match(path);
      if (params === undefined) continue;
      if (sameParams(params, want)) return route.decider;
      first ??= route;
    }
    return first?.decider;
  }
}

function sameParams(a: Record<string, string>, b: Record<string, string>): boolean {
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  return keys.every((key) => a[key] === b[key]);
}

/**
 * Compiles a find-my-way route pattern: `:name`, `:name(regex)`, several parameters in one
 * segment (`:from-:to`), a last `*`, and `::` for a literal colon.
 */
export function compileFastifyPattern(url: string): { match: (path: string) => Record<string, string> | undefined; paramCount: number } {
  const names: string[] = [];
  let source = "";
  let index = 0;
  while (index < url.length) {
    const char = url[index]!;
    if (char === ":" && url[index + 1] === ":") {
      source += ":";
      index += 2;
    } else if (char === ":") {
      let end = index + 1;
      while (end < url.length && /[A-Za-z0-9_$]/.test(url[end]!)) end++;
      names.push(url.slice(index + 1, end));
      if (url[end] === "(") {
        const close = closingParenthesis(url, end);
        source += `(${url.slice(end + 1, close)})`;
        end = close + 1;
      } else {
        source += "([^/]+?)";
      }
      index = end;
    } else if (char === "*") {
      names.push("*");
      source += "(.*)";
      index++;
    } else {
      source += char.replace(/[.+?^${}()|[\]\\]/g, "\\$&");
      index++;
    }
  }
  let regex: RegExp;
  try {
    regex = new RegExp(`^${source}$`);
  } catch {
    return { match: () => undefined, paramCount: names.length };
  }
  const match = (path: string): Record<string, string> | undefined => {
    const result = regex.exec(path);
    if (result === null) return undefined;
    const params: Record<string, string> = {};
    names.forEach((name, position) => (params[name] = decode(result[position + 1] ?? "")));
    return params;
  };
  return { match, paramCount: names.length };
}

function closingParenthesis(text: string, open: number): number {
  let depth = 0;
  for (let index = open; index < text.length; index++) {
    if (text[index] === "\\") index++;
    else if (text[index] === "(") depth++;
    else if (text[index] === ")" && --depth === 0) return index;
  }
  return text.length - 1;
}

function decode(value: string): string {
  if (!value.includes("%")) return value;
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
