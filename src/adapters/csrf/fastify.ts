/**
 * The CSRF guard for Fastify: `app.register(csrf(options))` adds a `preHandler` hook (after body
 * parsing, so the form field is readable; after the CORS `onRequest` hook, so refusals keep CORS
 * headers). A route opts out with `config: { csrf: false }`. Glue only.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { TLSSocket } from "node:tls";
import type { CsrfDecision, CsrfHeader, CsrfResponse } from "../../core/csrf/decide.ts";
import type { CsrfOptions } from "../../core/csrf/options.ts";
import { toCsrfPolicy, type CsrfPolicy, type IssueTokenOptions } from "../../core/csrf/policy.ts";
import type { CsrfRequest } from "../../core/csrf/request.ts";
import { mergeVary } from "../../core/internal/vary.ts";
import { requestViewFromRecord } from "../../core/request.ts";
import { originalMethodOf } from "./node.ts";

export type { CsrfOptions, CsrfPolicy, CsrfDecision };

/** A Fastify plugin that applies to the instance it is registered on (not encapsulated). */
export type CsrfPlugin = ((instance: FastifyInstance) => Promise<void>) & { readonly [key: symbol]: unknown };

declare module "fastify" {
  interface FastifyContextConfig {
    /** `false` exempts the route from crossgate's CSRF guard (webhooks). */
    csrf?: boolean;
  }
}

/**
 * CSRF guard plugin. Register it after the CORS plugin.
 * @example
 * await app.register(cors(corsPolicy));
 * await app.register(csrf({ cors: corsPolicy, secret: process.env.SECRET_KEY! }));
 * app.post("/webhooks/stripe", { config: { csrf: false } }, stripeWebhook);
 */
export function csrf(options: CsrfOptions | CsrfPolicy): CsrfPlugin {
  const hook = csrfHook(options);
  const plugin = async (instance: FastifyInstance) => {
    instance.addHook("preHandler", hook);
  };
  // fastify-plugin's marker: the hook applies to the parent instance, so to every route.
  return Object.assign(plugin, { [Symbol.for("skip-override")]: true, [Symbol.for("fastify.display-name")]: "crossgate-csrf" });
}

/**
 * The guard as a `preHandler` hook, for one route or one encapsulated context.
 * @example
 * app.post("/api/transfer", { preHandler: csrfHook(csrfPolicy) }, handler);
 */
export function csrfHook(options: CsrfOptions | CsrfPolicy): (request: FastifyRequest, reply: FastifyReply) => Promise<FastifyReply | undefined> {
  const policy = toCsrfPolicy(options);
  return async function crossgateCsrf(request, reply) {
    if (request.routeOptions.config?.csrf === false) return undefined;
    const decision = await policy.decide(csrfRequestView(request));
    // An async hook that answers must return the reply (Fastify "Respond to a request from a hook").
    if (decision.action === "respond" && decision.response !== undefined) return send(decision.response, reply);
    return undefined;
  };
}

/**
 * A token endpoint route handler: `{"csrfToken":"<token>"}` with `Set-Cookie` and the token header.
 * @example
 * app.get("/api/csrf", csrfTokenHandler(csrfPolicy));
 */
export function csrfTokenHandler(options: CsrfOptions | CsrfPolicy): (request: FastifyRequest, reply: FastifyReply) => Promise<FastifyReply> {
  const policy = toCsrfPolicy(options);
  return async (request, reply) => send(await policy.tokenResponse(csrfRequestView(request)), reply);
}

/**
 * Replaces the CSRF secret at login and sets the new cookie and token header on `reply`. Returns the token.
 * @example
 * await rotateCsrfToken(csrfPolicy, request, reply, { sessionId: request.session.sessionId });
 */
export async function rotateCsrfToken(
  policy: CsrfPolicy,
  request: FastifyRequest,
  reply: FastifyReply,
  options: Omit<IssueTokenOptions, "rotate"> = {},
): Promise<string> {
  const issued = await policy.issueToken(csrfRequestView(request), { ...options, rotate: true });
  setHeaders(reply, issued.headers);
  return issued.token;
}

/** The core's view of a Fastify request; `raw` is the `FastifyRequest`. */
export function csrfRequestView(request: FastifyRequest): CsrfRequest {
  const view = requestViewFromRecord(request.method, request.url, request.headers, request);
  return {
    ...view,
    ...originalMethodOf(request.raw),
    secure: (request.raw.socket as TLSSocket | undefined)?.encrypted === true,
    formField: (name) => {
      const body = request.body as Record<string, unknown> | undefined;
      const value = typeof body === "object" && body !== null ? body[name] : undefined;
      return typeof value === "string" ? value : Array.isArray(value) && typeof value[0] === "string" ? value[0] : undefined;
    },
  };
}

function send(response: CsrfResponse, reply: FastifyReply): FastifyReply {
  setHeaders(reply, response.headers);
  return reply.code(response.status).send(response.body);
}

function setHeaders(reply: FastifyReply, headers: readonly CsrfHeader[]): void {
  for (const [name, value] of headers) {
    const lower = name.toLowerCase();
    // Fastify appends set-cookie values instead of replacing them.
    if (lower === "vary") reply.header("Vary", mergeVary(reply.getHeader("vary") as string | string[] | undefined, value));
    else reply.header(name, value);
  }
}
