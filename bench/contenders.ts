/**
 * Everything the in-process benchmark times, per framework: a no-op middleware (the framework's
 * own cost), the physical limit, the peer library and crossgate. `prepare` builds one contender
 * for one scenario and returns the benchmark body plus a one-shot run that reports what it did.
 */
import fastifyCors from "@fastify/cors";
import koaCors from "@koa/cors";
import expressCors from "cors";
import { cors as honoCors } from "hono/cors";
import type { MiddlewareHandler } from "hono";
import { cors as crossgateNode } from "../src/adapters/node.ts";
import { fastifyCall, fastifyOutcome, registerPlugin, singleHook, type FastifyChain } from "./flavors/fastify.ts";
import { honoApp, honoCall, honoOutcome } from "./flavors/hono.ts";
import { koaOutcome, koaStyleCall, type KoaStyleMiddleware } from "./flavors/koa.ts";
import { nodeOutcome, nodeStyleCall, type NodeStyleMiddleware } from "./flavors/node.ts";
import type { Outcome } from "./flavors/outcome.ts";
import { fastifyLimit, fastifyNoop, honoLimit, honoNoop, koaLimit, koaNoop, nodeLimit, nodeNoop } from "./limit.ts";
import { crossgateOptions, expressStyleOptions, honoOptions, koaOptions } from "./peers/options.ts";
import type { Scenario } from "./scenarios.ts";

export type Framework = "node" | "fastify" | "koa" | "hono";
export type Role = "noop" | "limit" | "crossgate" | "peer";

export interface Contender {
  /** Stable id, e.g. `node/cors`. */
  readonly id: string;
  readonly label: string;
  readonly framework: Framework;
  readonly role: Role;
  /** The npm package whose version the report prints, if any. */
  readonly packageName?: string;
}

export interface Prepared {
  /** One request, called the way the framework calls the middleware; may return a promise. */
  readonly run: () => unknown;
  /** Runs one request and reports what the middleware did. */
  outcome(): Promise<Outcome>;
}

export const FRAMEWORK_LABEL: Readonly<Record<Framework, string>> = {
  node: "node:http / Express (`(req, res, next)`, mocked req/res)",
  fastify: "Fastify (`onRequest` hook, mocked request/reply)",
  koa: "Koa (real Koa context over mocked req/res)",
  hono: "Hono (real `app.fetch(new Request(...))`)",
};

const BASE: readonly Contender[] = [
  { id: "node/noop", label: "no-op (node)", framework: "node", role: "noop" },
  { id: "node/limit", label: "limit (node)", framework: "node", role: "limit" },
  { id: "node/crossgate", label: "crossgate/node", framework: "node", role: "crossgate", packageName: "crossgate" },
  { id: "node/cors", label: "cors", framework: "node", role: "peer", packageName: "cors" },
  { id: "fastify/noop", label: "no-op (fastify)", framework: "fastify", role: "noop" },
  { id: "fastify/limit", label: "limit (fastify)", framework: "fastify", role: "limit" },
  { id: "fastify/@fastify/cors", label: "@fastify/cors", framework: "fastify", role: "peer", packageName: "@fastify/cors" },
  { id: "koa/noop", label: "no-op (koa)", framework: "koa", role: "noop" },
  { id: "koa/limit", label: "limit (koa)", framework: "koa", role: "limit" },
  { id: "koa/@koa/cors", label: "@koa/cors", framework: "koa", role: "peer", packageName: "@koa/cors" },
  { id: "hono/noop", label: "no-op (hono)", framework: "hono", role: "noop" },
  { id: "hono/limit", label: "limit (hono)", framework: "hono", role: "limit" },
  { id: "hono/hono-cors", label: "hono/cors", framework: "hono", role: "peer", packageName: "hono" },
];

type Factory = (options: unknown) => unknown;

/** crossgate's other adapters, each imported by a literal path so bundlers (the callgrind worker) see them. */
const ADAPTERS: Readonly<Record<Exclude<Framework, "node">, () => Promise<{ cors?: unknown }>>> = {
  fastify: () => import("../src/adapters/fastify.ts"),
  koa: () => import("../src/adapters/koa.ts"),
  hono: () => import("../src/adapters/hono.ts"),
};

/** crossgate's own adapter for a framework (`src/adapters/<name>.ts` exporting `cors`). */
export async function crossgateAdapter(framework: Exclude<Framework, "node">): Promise<Factory | undefined> {
  try {
    const module = await ADAPTERS[framework]();
    return typeof module.cors === "function" ? (module.cors as Factory) : undefined;
  } catch {
    return undefined;
  }
}

/** The contenders this tree can run: the fixed list plus crossgate's other adapters when present. */
export async function contenders(): Promise<Contender[]> {
  const list = [...BASE];
  for (const framework of ["fastify", "koa", "hono"] as const) {
    if ((await crossgateAdapter(framework)) === undefined) continue;
    const at = list.findIndex((contender) => contender.framework === framework && contender.role === "peer");
    list.splice(at, 0, { id: `${framework}/crossgate`, label: `crossgate/${framework}`, framework, role: "crossgate", packageName: "crossgate" });
  }
  return list;
}

export async function prepare(contender: Contender, scenario: Scenario): Promise<Prepared> {
  const { policy, request, answer } = scenario;
  switch (contender.framework) {
    case "node": {
      const middleware: NodeStyleMiddleware =
        contender.role === "noop"
          ? nodeNoop
          : contender.role === "limit"
            ? nodeLimit(answer)
            : contender.role === "crossgate"
              ? (crossgateNode(crossgateOptions(policy)) as NodeStyleMiddleware)
              : (expressCors(expressStyleOptions(policy)) as NodeStyleMiddleware);
      return { run: nodeStyleCall(middleware, request), outcome: () => nodeOutcome(middleware, request) };
    }
    case "fastify": {
      let chain: FastifyChain;
      if (contender.role === "noop") chain = singleHook(fastifyNoop);
      else if (contender.role === "limit") chain = singleHook(fastifyLimit(answer));
      else if (contender.role === "crossgate") chain = await registerPlugin((await crossgateAdapter("fastify"))!(crossgateOptions(policy)) as never, {});
      else chain = await registerPlugin(fastifyCors as never, { ...expressStyleOptions(policy), hook: "onRequest" });
      return { run: fastifyCall(chain, request), outcome: () => fastifyOutcome(chain, request) };
    }
    case "koa": {
      const middleware: KoaStyleMiddleware =
        contender.role === "noop"
          ? koaNoop
          : contender.role === "limit"
            ? koaLimit(answer)
            : contender.role === "crossgate"
              ? ((await crossgateAdapter("koa"))!(crossgateOptions(policy)) as KoaStyleMiddleware)
              : (koaCors(koaOptions(policy) as never) as KoaStyleMiddleware);
      return { run: koaStyleCall(middleware, request), outcome: () => koaOutcome(middleware, request) };
    }
    case "hono": {
      const middleware: MiddlewareHandler =
        contender.role === "noop"
          ? honoNoop
          : contender.role === "limit"
            ? honoLimit(answer)
            : contender.role === "crossgate"
              ? ((await crossgateAdapter("hono"))!(crossgateOptions(policy)) as MiddlewareHandler)
              : honoCors(honoOptions(policy));
      const app = honoApp(middleware);
      return { run: honoCall(app, request), outcome: () => honoOutcome(app, request) };
    }
  }
}
