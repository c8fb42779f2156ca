/**
 * Calling a Fastify plugin the way Fastify does, without sockets: the plugin is registered on a
 * stand-in for a Fastify instance that records its hooks, then one route (`ALL /api/posts/`) is
 * added, which runs the plugin's `onRoute` hooks as Fastify does, and routes live in a real
 * find-my-way router (Fastify's own) for `findRoute`. A request runs the `onRequest` hooks in
 * order, then, unless a hook answered, the `onSend` hooks, over mock request and reply objects
 * whose methods mirror Fastify 5's (`reply.header` keeps a lower-cased record; `request.raw` is a
 * fresh Node request each time, `request.routeOptions` a getter building a fresh object; a reply
 * decoration with a value is set by the reply's constructor; `printRoutes` prints the router's tree).
 */
import FindMyWay from "find-my-way";
import type { BenchRequest } from "../scenarios.ts";
import { dispatch3, dispatch4 } from "./dispatch.ts";
import type { Outcome } from "./outcome.ts";

type Hook = (...args: any[]) => unknown;
type Plugin = (instance: any, options: any, done: (error?: unknown) => void) => unknown;

interface RouteOptions {
  method: string | string[];
  url: string;
  config?: Record<string | symbol, unknown>;
  handler?: unknown;
}

const ROUTE_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];

/** A stand-in for a Fastify instance: enough of the API for CORS plugins, with a real router. */
export class RecordingFastify {
  readonly hooks: Record<string, Hook[]> = {};
  readonly server = {};
  /** Fastify's default router options, as crossgate reads them to match paths like the router. */
  readonly initialConfig = { routerOptions: {} };
  readonly router = FindMyWay();
  readonly decorations: Record<string, unknown> = {};
  /** Reply decorations with a value: Fastify's reply constructor sets each one on every reply. */
  readonly replyProps: [string | symbol, unknown][] = [];
  /** The configs of added routes, after the `onRoute` hooks ran, by URL. */
  readonly routeConfigs = new Map<string, Record<string | symbol, unknown>>();
  addHook(name: string, hook: Hook): this {
    (this.hooks[name] ??= []).push(hook);
    return this;
  }
  decorateRequest(name: string, value: unknown): this {
    this.decorations[`request.${name}`] = value;
    return this;
  }
  decorateReply(name: string | symbol, value: unknown): this {
    this.decorations[`reply.${String(name)}`] = value;
    if (typeof value !== "function") this.replyProps.push([name, value]);
    return this;
  }
  decorate(name: string, value: unknown): this {
    this.decorations[name] = value;
    return this;
  }
  hasDecorator(name: string): boolean {
    return name in this.decorations;
  }
  hasRequestDecorator(name: string): boolean {
    return `request.${name}` in this.decorations;
  }
  hasReplyDecorator(name: string | symbol): boolean {
    return `reply.${String(name)}` in this.decorations;
  }
  route(options: RouteOptions): this {
    const route: RouteOptions = { ...options, config: { ...options.config } };
    for (const hook of this.hooks.onRoute ?? []) hook(route);
    const methods = route.method === "*" ? ROUTE_METHODS : Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) {
      if (this.router.find(method as never, route.url) === null) this.router.on(method as never, route.url, () => {});
    }
    this.routeConfigs.set(route.url, route.config ?? {});
    return this;
  }
  options(url: string, ...rest: unknown[]): this {
    const handler = rest[rest.length - 1];
    return this.route({ method: "OPTIONS", url, handler });
  }
  all(url: string, ...rest: unknown[]): this {
    return this.route({ method: ROUTE_METHODS, url, handler: rest[rest.length - 1] });
  }
  printRoutes(options: { commonPrefix?: boolean } = {}): string {
    return this.router.prettyPrint(options);
  }
  findRoute(options: { method: string; url: string }): { params: unknown } | null {
    const found = this.router.find(options.method as never, options.url);
    return found === null ? null : { params: found.params };
  }
  get log() {
    return { warn() {}, error() {}, info() {}, debug() {} };
  }
}

export class MockFastifyRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly raw: { method: string; url: string; headers: Record<string, string> };
  readonly #config: Record<string | symbol, unknown>;
  corsPreflightEnabled = false;
  constructor(request: BenchRequest, config: Record<string | symbol, unknown>) {
    this.method = request.method;
    this.url = request.path;
    this.headers = request.headers as Record<string, string>;
    this.raw = { method: this.method, url: this.url, headers: this.headers };
    this.#config = config;
  }
  get routeOptions() {
    return { method: this.method, url: this.url, config: this.#config };
  }
}

export class MockFastifyReply {
  statusCode = 200;
  sent = false;
  readonly headerStore: Record<string, unknown> = {};
  readonly raw = { headersSent: false, getHeader: (_name: string): unknown => undefined };
  constructor(props: readonly (readonly [string | symbol, unknown])[] = []) {
    for (let index = 0; index < props.length; index++) (this as unknown as Record<string | symbol, unknown>)[props[index]![0]] = props[index]![1];
  }
  header(name: string, value: unknown = ""): this {
    this.headerStore[name.toLowerCase()] = value;
    return this;
  }
  headers(values: Record<string, unknown>): this {
    for (const name of Object.keys(values)) this.header(name, values[name]);
    return this;
  }
  getHeader(name: string): unknown {
    return this.headerStore[name.toLowerCase()];
  }
  getHeaders(): Record<string, unknown> {
    return { ...this.headerStore };
  }
  hasHeader(name: string): boolean {
    return name.toLowerCase() in this.headerStore;
  }
  removeHeader(name: string): this {
    delete this.headerStore[name.toLowerCase()];
    return this;
  }
  code(status: number): this {
    this.statusCode = status;
    return this;
  }
  status(status: number): this {
    return this.code(status);
  }
  type(contentType: string): this {
    return this.header("content-type", contentType);
  }
  send(_payload?: unknown): this {
    this.sent = true;
    return this;
  }
  get elapsedTime(): number {
    return 0;
  }
}

/** A Fastify app reduced to its hook chains, for one plugin (or a bare hook) and one route. */
export interface FastifyChain {
  readonly onRequest: readonly Hook[];
  readonly onSend: readonly Hook[];
  readonly routeConfig: Record<string | symbol, unknown>;
  /** Reply decorations with a value, set on each reply as Fastify's reply constructor does. */
  readonly replyProps: readonly (readonly [string | symbol, unknown])[];
}

/** Registers a plugin on a recording instance, adds the app's route, and returns its hook chains. */
export async function registerPlugin(plugin: Plugin, options: unknown): Promise<FastifyChain> {
  const instance = new RecordingFastify();
  await new Promise<void>((resolve, reject) => {
    const result = plugin(instance, options, (error) => (error ? reject(error) : resolve()));
    if (result instanceof Promise) result.then(() => resolve(), reject);
  });
  instance.all("/api/posts/", () => "ok");
  if ((instance.hooks.onRequest ?? []).length === 0) throw new Error("the plugin registered no onRequest hook");
  return { onRequest: instance.hooks.onRequest ?? [], onSend: instance.hooks.onSend ?? [], routeConfig: instance.routeConfigs.get("/api/posts/")!, replyProps: instance.replyProps };
}

/** A chain of one hand-written `onRequest` hook (the no-op and the limit). */
export function singleHook(hook: Hook): FastifyChain {
  return { onRequest: [hook], onSend: [], routeConfig: {}, replyProps: [] };
}

let reached = false;

/** Runs the chain as Fastify does: `onRequest` hooks in order, then, if none answered, `onSend`. */
function runChain(chain: FastifyChain, request: MockFastifyRequest, reply: MockFastifyReply): void {
  const { onRequest, onSend } = chain;
  let index = 0;
  const next = (error?: unknown): void => {
    if (error !== undefined && error !== null) throw error;
    if (reply.sent) return;
    if (index < onRequest.length) {
      dispatch3(onRequest[index++]!, request, reply, next);
      return;
    }
    reached = true;
    for (const hook of onSend) dispatch4(hook, request, reply, "ok", () => {});
  };
  next();
}

/** A benchmark body: the hook chain on a fresh request and reply, as Fastify runs it. */
export function fastifyCall(chain: FastifyChain, request: BenchRequest): () => unknown {
  return () => runChain(chain, new MockFastifyRequest(request, chain.routeConfig), new MockFastifyReply(chain.replyProps));
}

export async function fastifyOutcome(chain: FastifyChain, request: BenchRequest): Promise<Outcome> {
  reached = false;
  const reply = new MockFastifyReply(chain.replyProps);
  runChain(chain, new MockFastifyRequest(request, chain.routeConfig), reply);
  await new Promise((resolve) => setImmediate(resolve));
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(reply.headerStore)) headers[name] = String(value);
  return { reachedApp: reached, status: reply.sent ? reply.statusCode : 0, headers };
}
