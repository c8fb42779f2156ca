/** What the HTTP benchmark runs: each framework's bare handler, crossgate and the peer. */
export const HTTP_FRAMEWORKS = ["node", "fastify", "hono"] as const;
export const HTTP_TARGETS = ["bare", "crossgate", "peer"] as const;
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
