/**
 * Which Fastify route a preflight is for. A preflight (`OPTIONS`) matches no route of its own, so
 * crossgate asks Fastify's router which route would serve the method the preflight asks for, with
 * Fastify's own path handling: percent-decoding, `caseSensitive`, `ignoreTrailingSlash`,
 * `ignoreDuplicateSlashes`, `useSemicolonDelimiter`, `maxParamLength` and host constraints.
 *
 * Fastify's `findRoute` says whether a route serves the path and with which parameters, but not
 * which route it is (every route shares one handler). So crossgate keeps a second find-my-way
 * router, the same package Fastify routes with, built with the app's router options and holding
 * every route crossgate saw added, each storing its CORS. A preflight gets that route's CORS only
 * when both routers agree; otherwise no route crossgate knows is certain to serve it, and the
 * preflight is refused (never the app-wide policy, which may be wider than the route's own).
 */
import { createRequire } from "node:module";
import type { CorsDecider, PathMatching } from "../../core/cors/routes.ts";
import { freeze } from "../../core/internal/freeze.ts";

/** The part of a Fastify instance the table reads: its router and its router options. */
export interface FastifyRouting {
  findRoute(options: { method: string; url: string; constraints?: Record<string, string> }): { params: unknown } | null;
  /** Fastify's route tree as text; absent on stand-ins, and then no route is ever known to follow one policy. */
  printRoutes?(options: { commonPrefix: boolean }): string;
  /** Absent only on stand-ins for an instance: then Fastify's defaults. */
  readonly initialConfig?: object | undefined;
}

/** A route as Fastify's `onRoute` hook describes it. */
export interface AddedRoute {
  readonly method: string | readonly string[];
  readonly url: string;
  readonly routePath?: string;
  readonly prefixTrailingSlash?: string;
  readonly constraints?: Readonly<Record<string, unknown>>;
}

/** What a table answers for a preflight: the route's CORS, or why there is none. */
export type RouteLookup = { readonly found: CorsDecider } | { readonly found: "none" | "uncertain" };

interface RouteStore {
  decider: CorsDecider;
}

/** The find-my-way API the table uses (find-my-way 8 and 9, as in Fastify 5). */
interface Router {
  on(method: string, path: string, options: { constraints?: Readonly<Record<string, unknown>> }, handler: () => void, store: RouteStore): void;
  find(method: string, path: string, constraints?: Record<string, string>): { params: Record<string, string | undefined>; store: unknown } | null;
  prettyPrint(options: { commonPrefix: boolean }): string;
}
type RouterFactory = (options: Record<string, unknown>) => Router;

/** The router options that change which route a path reaches; Fastify 5 keeps them in `routerOptions`. */
const ROUTER_OPTIONS = ["caseSensitive", "ignoreTrailingSlash", "ignoreDuplicateSlashes", "useSemicolonDelimiter", "maxParamLength", "allowUnsafeRegex"] as const;

const UNCERTAIN: RouteLookup = freeze({ found: "uncertain" as const });
const NONE: RouteLookup = freeze({ found: "none" as const });

function noop(): void {}

/** Every route's CORS in one Fastify app, shared by all crossgate registrations in it. */
export class FastifyRouteTable {
  readonly #routing: FastifyRouting;
  /** `undefined` when find-my-way cannot be loaded next to Fastify: then no route is ever certain. */
  readonly #router: Router | undefined;
  readonly #stores = new Map<string, RouteStore>();
  /** Methods with a route the second router could not take (a custom constraint): never certain. */
  readonly #opaque = new Set<string>();
  #hostConstrained = false;
  /**
   * What `follows` found: the one policy every route has (`null`: there is no route), `false` when
   * routes differ or crossgate does not know them all, `undefined` until asked (and after a route is added).
   */
  #uniform: CorsDecider | null | false | undefined;

  /** `createRouter`: find-my-way's factory; `null` when it is missing (tests), and no route is ever certain. */
  constructor(routing: FastifyRouting, createRouter: RouterFactory | null = loadFindMyWay() ?? null) {
    this.#routing = routing;
    this.#router = createRouter?.(routerOptions(routing.initialConfig)) ?? undefined;
  }

  /** Records (or, for an inner registration, replaces) the CORS of a route Fastify adds. */
  record(route: AddedRoute, decider: CorsDecider): void {
    const methods = typeof route.method === "string" ? [route.method] : route.method;
    const paths = [route.url];
    // Fastify also serves `prefix + "/"` for a route "/" inside a prefix, without an onRoute call.
    if (route.routePath === "" && route.prefixTrailingSlash !== "no-slash") paths.push(`${route.url}/`);
    const constraints = route.constraints ?? {};
    if ("host" in constraints) this.#hostConstrained = true;
    for (const method of methods) {
      for (const path of paths) this.#add(method, path, constraints, decider);
    }
  }

  #add(method: string, path: string, constraints: Readonly<Record<string, unknown>>, decider: CorsDecider): void {
    this.#uniform = undefined;
    const key = `${method} ${path} ${JSON.stringify(constraints)}`;
    const known = this.#stores.get(key);
    if (known !== undefined) {
      // An inner registration replacing a route's CORS (its onRoute hook runs last).
      known.decider = decider;
      return;
    }
    const store: RouteStore = { decider };
    this.#stores.set(key, store);
    try {
      this.#router?.on(method, path, Object.keys(constraints).length === 0 ? {} : { constraints }, noop, store);
    } catch {
      // Fastify took the route (or is about to refuse it), but this router cannot: a constraint
      // strategy only the app knows, or a route Fastify adds in its own way.
      this.#opaque.add(method);
    }
  }

  /**
   * Whether every route of the app certainly has `decider` as its CORS, so that a request needs no
   * route lookup: crossgate recorded every route Fastify's router holds (the two routers print the
   * same tree, so no route was added before crossgate or out of its sight), could add each one to
   * its own router, and recorded the same policy for each. A route with its own `config.cors`, or an
   * inner registration with another policy, makes this false for good. Asked once Fastify serves
   * requests (it refuses new routes by then); a route added afterwards clears the answer.
   */
  follows(decider: CorsDecider): boolean {
    if (this.#uniform === undefined) this.#uniform = this.#uniformDecider();
    return this.#uniform === decider || this.#uniform === null;
  }

  #uniformDecider(): CorsDecider | null | false {
    if (this.#router === undefined || this.#opaque.size > 0 || typeof this.#routing.printRoutes !== "function") return false;
    let shared: CorsDecider | null = null;
    for (const store of this.#stores.values()) {
      if (shared === null) shared = store.decider;
      else if (store.decider !== shared) return false;
    }
    try {
      const options = { commonPrefix: false };
      return this.#routing.printRoutes(options) === this.#router.prettyPrint(options) ? shared : false;
    } catch {
      return false;
    }
  }

  /**
   * The CORS of the route that serves `method url` (`url` as received, query included), `none` when
   * no route does, and `uncertain` when one does but crossgate cannot tell which, or does not know
   * its CORS (a route added before crossgate was registered).
   */
  lookup(method: string, url: string, host: string | undefined): RouteLookup {
    const constraints = this.#hostConstrained && host !== undefined ? { host } : undefined;
    let real: { params: unknown } | null;
    try {
      real = this.#routing.findRoute(constraints === undefined ? { method, url } : { method, url, constraints });
    } catch {
      return UNCERTAIN;
    }
    if (real === null) return NONE;
    if (this.#router === undefined || this.#opaque.has(method)) return UNCERTAIN;
    let mine: ReturnType<Router["find"]>;
    try {
      mine = this.#router.find(method, url, constraints);
    } catch {
      return UNCERTAIN;
    }
    if (mine === null || !sameParams(mine.params, real.params)) return UNCERTAIN;
    return { found: (mine.store as RouteStore).decider };
  }
}

function sameParams(mine: Record<string, string | undefined>, theirs: unknown): boolean {
  if (typeof theirs !== "object" || theirs === null) return Object.keys(mine).length === 0;
  const other = theirs as Record<string, unknown>;
  const keys = Object.keys(mine);
  if (keys.length !== Object.keys(other).length) return false;
  for (const key of keys) if (mine[key] !== other[key]) return false;
  return true;
}

/**
 * How the app's router reads paths, for route lists: each segment percent-decoded, dot segments
 * kept, and the rest from its router options.
 */
export function fastifyPathMatching(initialConfig: object | undefined): PathMatching {
  const options = routerOptions(initialConfig);
  return {
    caseSensitive: options.caseSensitive !== false,
    strictTrailingSlash: options.ignoreTrailingSlash !== true,
    decodesPath: true,
    mergesSlashes: options.ignoreDuplicateSlashes === true,
    resolvesDotSegments: false,
    semicolonEndsPath: options.useSemicolonDelimiter === true,
  };
}

/** The app's router options: `routerOptions` first (Fastify 5), then the older top-level options. */
function routerOptions(initialConfig: object | undefined): Record<string, unknown> {
  const config = (initialConfig ?? {}) as Record<string, unknown>;
  const nested = (typeof config.routerOptions === "object" && config.routerOptions !== null ? config.routerOptions : {}) as Record<string, unknown>;
  const options: Record<string, unknown> = {};
  for (const name of ROUTER_OPTIONS) {
    const value = nested[name] ?? config[name];
    if (value !== undefined) options[name] = value;
  }
  // Fastify already refused unsafe route regexes it does not allow: take every route it took.
  options.allowUnsafeRegex = true;
  return options;
}

let factory: RouterFactory | null | undefined;

/** find-my-way as installed with the Fastify this module resolves: the package Fastify routes with. */
function loadFindMyWay(): RouterFactory | undefined {
  if (factory !== undefined) return factory ?? undefined;
  try {
    const fastifyEntry = createRequire(import.meta.url).resolve("fastify");
    const loaded = createRequire(fastifyEntry)("find-my-way") as RouterFactory | { default: RouterFactory };
    factory = typeof loaded === "function" ? loaded : loaded.default;
  } catch {
    factory = null;
  }
  return factory ?? undefined;
}
