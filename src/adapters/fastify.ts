/**
 * crossgate for Fastify 5: `app.register(cors(options))`. Preflights are answered in `onRequest`
 * (before auth hooks registered after it) with no `OPTIONS *` route; a route's
 * `config: { cors }` overrides the policy for that route, preflights included. Glue only.
 */
import type { FastifyPluginCallback, FastifyReply, FastifyRequest } from "fastify";
import type { CorsPlan } from "../core/cors/decide.ts";
import type { CorsOptions } from "../core/cors/options.ts";
import type { CorsPolicy } from "../core/cors/policy.ts";
import { preflightMethod, routeUncertainFor, toCorsDecider, withMatching, type CorsDecider, type CorsInput, type CorsSetting } from "../core/cors/routes.ts";
import { ConfigError, isConfigError } from "../core/errors.ts";
import { mergeVary } from "../core/internal/vary.ts";
import { claimCorsDecision } from "./internal/claim.ts";
import { FastifyRouteTable, fastifyPathMatching, type FastifyRouting } from "./internal/fastify-routes.ts";
import { lowerCaseName } from "./internal/lower-case-name.ts";
import { HeaderRecordView } from "./internal/record-view.ts";

export type { CorsOptions, CorsPolicy, CorsPlan, CorsInput, CorsSetting };
export { corsRoutes, type CorsRoute, type CorsRoutes } from "../core/cors/routes.ts";

declare module "fastify" {
  interface FastifyContextConfig {
    /** This route's CORS: options, a policy, or `false` for none. Preflights for the route follow it. */
    cors?: CorsSetting;
  }
}

const ROUTE_CORS = Symbol("crossgate.route-cors");
/** One route table per Fastify app (keyed by its HTTP server, shared by encapsulated instances). */
const tables = new WeakMap<object, FastifyRouteTable>();
/** Compiled `config.cors` values, so a shared options object is validated once. */
const compiledSettings = new WeakMap<object, CorsDecider>();
/**
 * The `Vary` value crossgate set on a reply, for `onSend`. A reply decoration (declared once per
 * app, `null` until set), so every Fastify reply is built with the slot and setting it is one store:
 * a property added per reply changed the reply's shape each time, and a `WeakMap` insertion cost
 * about 250 ns.
 */
const VARY_SET = Symbol("crossgate.vary-set");

type MarkedReply = { [VARY_SET]: string | null | undefined };

/**
 * The CORS plugin for Fastify. Register it at the root, before auth plugins, to cover the whole
 * app (404s included); register another one inside a prefixed plugin for that prefix's own
 * policy. Headers survive `reply.send(error)`, thrown and validation errors, and 404s.
 * `allowOrigin` callbacks receive the Fastify request as `request.raw`.
 * @example
 * await app.register(cors({ origins: ["https://app.example.com"], credentials: true }));
 * app.get("/public", { config: { cors: { origins: "*" } } }, handler);
 * app.post("/webhook", { config: { cors: false } }, handler);
 */
export function cors(options: CorsInput): FastifyPluginCallback {
  const decider = toCorsDecider(options);
  const plugin: FastifyPluginCallback = (instance, _options, done) => {
    // A route list reads paths as this app's router does.
    const fallback = withMatching(decider, fastifyPathMatching(instance.initialConfig));
    const uncertain = routeUncertainFor(fallback);
    const server = instance.server as object;
    let table = tables.get(server);
    if (table === undefined) tables.set(server, (table = new FastifyRouteTable(instance as unknown as FastifyRouting)));
    const routes = table;
    if (!instance.hasReplyDecorator(VARY_SET as unknown as string)) instance.decorateReply(VARY_SET as unknown as string, null);

    // onRoute hooks run outer registration first, so the innermost registration's policy wins.
    instance.addHook("onRoute", (route) => {
      const own = route.config?.cors;
      const decider = own === undefined ? fallback : compileSetting(own, `${String(route.method)} ${route.url}`);
      route.config = { ...route.config, [ROUTE_CORS]: decider } as NonNullable<typeof route.config>;
      routes.record(route, decider);
    });

    instance.addHook("onRequest", (request, reply, next) => {
      if (!claimCorsDecision(request.raw)) return next();
      const view = new HeaderRecordView(request.method, request.raw.url ?? request.url, request.headers, request);
      const decider = routes.follows(fallback) ? fallback : routeOrPreflightDecider(routes, view, request, fallback, uncertain);
      const decided = decider.decide(view);
      if (decided instanceof Promise) {
        decided.then((plan) => apply(plan, reply, next), next);
      } else {
        apply(decided, reply, next);
      }
    });

    // Fastify keeps reply headers through reply.send(error), thrown and validation errors and
    // 404s (its error handler only drops Content-Type and Content-Length), so the headers set in
    // onRequest survive. Only a handler replacing Vary (reply.header("Vary", ...)) can drop
    // Origin from it: merge again only when Vary is no longer the value crossgate set.
    // Merging back the whole value set (tokens other hooks had put there before included) keeps
    // every token crossgate's answer depends on; an extra token only narrows caching.
    instance.addHook("onSend", (_request, reply, payload, next) => {
      const set = (reply as unknown as MarkedReply)[VARY_SET];
      if (set != null) {
        const current = reply.getHeader("vary");
        if (current !== set) reply.header("vary", mergeVary(current as string | string[] | undefined, set));
      }
      next(null, payload);
    });
    done();
  };
  return Object.assign(plugin, {
    // fastify-plugin's contract: hooks apply to the registering scope, not a child of it.
    [Symbol.for("skip-override")]: true,
    [Symbol.for("fastify.display-name")]: "crossgate-cors",
    [Symbol.for("plugin-meta")]: { name: "crossgate-cors", fastify: "5.x" },
  });
}

/**
 * A request's CORS when routes differ: an actual request follows its route's; a preflight, the
 * route that would serve the method it asks for.
 */
function routeOrPreflightDecider(routes: FastifyRouteTable, view: HeaderRecordView, request: FastifyRequest, fallback: CorsDecider, uncertain: CorsDecider): CorsDecider {
  const requested = preflightMethod(view);
  return requested === undefined ? (routeDecider(request) ?? fallback) : preflightDecider(routes, requested, request, fallback, uncertain);
}

/**
 * A preflight follows the route that would serve the method it asks for, as Fastify's router finds
 * it; with no such route, the registration's own policy (the one the 404 answer gets). A route
 * crossgate cannot identify for certain refuses the preflight (`uncertain`, reported through the
 * registration's policy).
 */
function preflightDecider(routes: FastifyRouteTable, method: string, request: FastifyRequest, fallback: CorsDecider, uncertain: CorsDecider): CorsDecider {
  const lookup = routes.lookup(method, request.raw.url ?? request.url, request.headers.host);
  return lookup.found === "none" ? fallback : lookup.found === "uncertain" ? uncertain : lookup.found;
}

function routeDecider(request: FastifyRequest): CorsDecider | undefined {
  const config = request.routeOptions.config as unknown as Record<symbol, unknown> & { cors?: CorsSetting };
  const recorded = config[ROUTE_CORS] as CorsDecider | undefined;
  if (recorded !== undefined) return recorded;
  // A route added before the plugin loaded has no record; its own config still counts.
  return config.cors === undefined ? undefined : compileSetting(config.cors, request.routeOptions.url ?? "");
}

/** Validates a route's `config.cors` once per value; errors name the route. */
function compileSetting(setting: CorsSetting, route: string): CorsDecider {
  if (typeof setting !== "object" || setting === null) return toCorsDecider(setting);
  let decider = compiledSettings.get(setting);
  if (decider !== undefined) return decider;
  try {
    decider = toCorsDecider(setting);
  } catch (error) {
    throw isConfigError(error) ? new ConfigError(error.issues, `config.cors of route ${route}`) : error;
  }
  compiledSettings.set(setting, decider);
  return decider;
}

function apply(plan: CorsPlan, reply: FastifyReply, next: (error?: Error) => void): void {
  const vary = setHeaders(plan, reply);
  if (plan.action === "respond") {
    // Fetch "CORS-preflight fetch": an ok status, no body. Fastify itself writes
    // `Content-Length: 0` on a bodiless answer other than 204 and 304 (old clients want it on 200).
    reply.code(plan.status).send();
    return;
  }
  if (vary !== undefined) (reply as unknown as MarkedReply)[VARY_SET] = vary;
  next();
}

/** Sets the plan's headers and merges `Vary`; returns the `Vary` value set, if any. */
function setHeaders(plan: CorsPlan, reply: FastifyReply): string | undefined {
  const headers = plan.headers;
  for (let index = 0; index < headers.length; index++) {
    const header = headers[index]!;
    reply.header(lowerCaseName(header[0]), header[1]);
  }
  if (plan.vary === "") return undefined;
  const vary = mergeVary(reply.getHeader("vary") as string | string[] | undefined, plan.vary);
  reply.header("vary", vary);
  return vary;
}
export { csrf, csrfHook, csrfRequestView, csrfTokenHandler, rotateCsrfToken, type CsrfPlugin } from "./csrf/fastify.ts";
