/** What the HTTP benchmark runs: each framework's bare handler, crossgate and the peer. */
export const HTTP_FRAMEWORKS = ["node", "fastify", "hono"] as const;
/**
 * `limit` is the hand-written middleware of bench/limit.ts: exactly the answer's headers from
 * precomputed strings, so `limit` − `bare` is what sending those headers costs any CORS library.
 * `shaped` (node:http only, with `--http-shaped`) is the bare handler plus the own properties crossgate's node:http
 * adapter adds to each request and response, and nothing else: what those shape changes cost.
 */
export const HTTP_TARGETS = ["bare", "limit", "crossgate", "peer", "shaped"] as const;
export const HTTP_KINDS = ["get", "preflight"] as const;
export type HttpFramework = (typeof HTTP_FRAMEWORKS)[number];
export type HttpTarget = (typeof HTTP_TARGETS)[number];
export type HttpKind = (typeof HTTP_KINDS)[number];

export const HTTP_FRAMEWORK_LABEL: Readonly<Record<HttpFramework, string>> = {
  node: "node:http",
  fastify: "Fastify",
  hono: "Hono (@hono/node-server)",
};

export const HTTP_PEER_LABEL: Readonly<Record<HttpFramework, string>> = {
  node: "cors",
  fastify: "@fastify/cors",
  hono: "hono/cors",
};

/** The targets run for a framework: every framework has bare, the limit, crossgate and the peer. */
export const httpTargets = (framework: HttpFramework, shaped = false): readonly HttpTarget[] =>
  framework === "node" && shaped ? HTTP_TARGETS : HTTP_TARGETS.filter((target) => target !== "shaped");
