/**
 * One neutral policy, translated into each library's own options. Every translation uses the
 * library's strongest built-in form (an allow-list array, anchored regexes), so no peer is slowed
 * by a naive configuration; where a library has no list or regex support, the callback a careful
 * user would write (a `Set` lookup, anchored regexes) stands in.
 */
import type { CorsOptions as CrossgateOptions } from "../../src/index.ts";
import type { NeutralPolicy } from "../scenarios.ts";

const escapeRegex = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** `https://<one or more labels>.<domain>`, anchored at both ends: crossgate's `https://*.domain`. */
export function subdomainRegex(domain: string): RegExp {
  return new RegExp(`^https://(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\\.)+${escapeRegex(domain)}$`);
}

export function crossgateOptions(policy: NeutralPolicy): CrossgateOptions {
  return {
    origins: [...policy.origins, ...policy.subdomainsOf.map((domain) => `https://*.${domain}`)],
    credentials: policy.credentials,
    methods: policy.methods,
    requestHeaders: policy.requestHeaders,
    maxAgeSeconds: policy.maxAgeSeconds,
  };
}

/** `cors` (Express) and `@fastify/cors` share one option shape. */
export function expressStyleOptions(policy: NeutralPolicy) {
  // An array even for one origin: a lone string is sent unchecked by both libraries.
  const origin: (string | RegExp)[] = [...policy.origins, ...policy.subdomainsOf.map(subdomainRegex)];
  return {
    origin,
    credentials: policy.credentials,
    methods: [...policy.methods],
    allowedHeaders: [...policy.requestHeaders],
    maxAge: policy.maxAgeSeconds,
    optionsSuccessStatus: 204,
  };
}

/** `@koa/cors` takes one origin string or a function; this is the function a careful user writes. */
export function koaOptions(policy: NeutralPolicy) {
  const exact = new Set(policy.origins);
  const patterns = policy.subdomainsOf.map(subdomainRegex);
  return {
    origin: (ctx: { get(name: string): string }): string => {
      const origin = ctx.get("Origin");
      if (exact.has(origin)) return origin;
      for (const pattern of patterns) if (pattern.test(origin)) return origin;
      return "";
    },
    credentials: policy.credentials,
    allowMethods: [...policy.methods],
    allowHeaders: [...policy.requestHeaders],
    maxAge: policy.maxAgeSeconds,
  };
}

/** `hono/cors`: its own array form for exact origins, a function for patterns. */
export function honoOptions(policy: NeutralPolicy) {
  const patterns = policy.subdomainsOf.map(subdomainRegex);
  const origin: string[] | ((origin: string) => string | null) =
    patterns.length === 0
      ? [...policy.origins]
      : (requestOrigin: string) => {
          if (policy.origins.includes(requestOrigin)) return requestOrigin;
          for (const pattern of patterns) if (pattern.test(requestOrigin)) return requestOrigin;
          return null;
        };
  return {
    origin,
    credentials: policy.credentials,
    allowMethods: [...policy.methods],
    allowHeaders: [...policy.requestHeaders],
    maxAge: policy.maxAgeSeconds,
  };
}
