// NestJS (both platforms) with the documented recipe: crossgate mounted on the HTTP platform before
// Nest's router, so guards and interceptors never see a preflight and every answer (a controller's
// exception, a guard's refusal, Nest's 404) keeps the CORS headers. The CORS contract and the CSRF
// attack matrix run on @nestjs/platform-express (crossgate/node) and @nestjs/platform-fastify
// (crossgate/fastify). Nest's decorators are plain functions; they are applied with Reflect.decorate
// here because this repository compiles without `experimentalDecorators`. An app writes `@Get()`.
import "reflect-metadata";
import {
  Controller,
  Get,
  Header,
  HttpCode,
  Module,
  Options,
  Post,
  Put,
  Req,
  Res,
  UnauthorizedException,
  UseGuards,
  UseInterceptors,
  type CallHandler,
  type CanActivate,
  type INestApplication,
  type NestInterceptor,
} from "@nestjs/common";
import { NestFactory } from "@nestjs/core";
import { ExpressAdapter, type NestExpressApplication } from "@nestjs/platform-express";
import { FastifyAdapter, RouteConfig, type NestFastifyApplication } from "@nestjs/platform-fastify";
import express from "express";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as fastifyCrossgate from "../../../src/adapters/fastify.ts";
import * as nodeCrossgate from "../../../src/adapters/node.ts";
import { createCorsPolicy, type CorsOptions, type CorsPolicy, type CsrfPolicy } from "../../../src/index.ts";
import { corsPolicy as csrfCorsPolicy, csrfPolicy, describeCsrfMatrix } from "../../csrf/matrix.ts";
import { APP, CONTRACT_CORS, CONTRACT_OVERRIDE, EVIL } from "../config.ts";
import { send } from "../http.ts";
import { describeCorsContract, preflight, type ContractServer } from "../table.ts";

type Platform = "express" | "fastify";

/** What `@a @b method()` does: applies the decorators to `Class.prototype[method]`. */
function decorate(Class: abstract new (...args: never[]) => unknown, method: string, ...decorators: MethodDecorator[]): void {
  const proto = Class.prototype as object;
  const descriptor = Object.getOwnPropertyDescriptor(proto, method)!;
  Object.defineProperty(proto, method, Reflect.decorate(decorators, proto, method, descriptor) as PropertyDescriptor);
}

/** What `method(@a x, @b y)` does: applies each parameter decorator at its position. */
function parameters(Class: abstract new (...args: never[]) => unknown, method: string, ...decorators: ParameterDecorator[]): void {
  decorators.forEach((decorator, index) => decorator(Class.prototype as object, method, index));
}

/** A guard that refuses everything and counts how often it was asked. */
class RefuseAll implements CanActivate {
  calls = 0;
  canActivate(): boolean {
    this.calls++;
    return false;
  }
}

/** An interceptor that counts the requests reaching the route handler's pipeline. */
class CountRequests implements NestInterceptor {
  calls = 0;
  intercept(_context: unknown, next: CallHandler) {
    this.calls++;
    return next.handle();
  }
}

/** The contract app's routes (./adapters.ts) as a Nest controller, plus a guarded route. */
function contractModule(platform: Platform, guard: RefuseAll, counter: CountRequests, overrideCors: CorsOptions | CorsPolicy) {
  class Api {
    items() {
      return [{ id: 1 }];
    }
    create() {
      return { id: 2 };
    }
    replace() {
      return { id: 1 };
    }
    throws(): never {
      throw new Error("boom");
    }
    unauthorized(): never {
      throw new UnauthorizedException({ detail: "login required" });
    }
    vary() {
      return "vary";
    }
    varyStar() {
      return "vary";
    }
    options() {
      return "allow";
    }
    override() {
      return "override";
    }
    overridePut() {
      return "override";
    }
    off() {
      return "off";
    }
    offPost() {
      return "off";
    }
    guarded() {
      return "guarded";
    }
    guardedPut() {
      return "guarded";
    }
  }
  // Nest keeps a route's metadata on its method's function, so every route has its own method.
  // The per-route idioms: on Fastify a route's `config.cors` (Nest's @RouteConfig); on Express a
  // path-mounted cors() before the app-wide one (see `start`).
  const perRoute = (cors: CorsOptions | CorsPolicy | false): MethodDecorator[] => (platform === "fastify" ? [RouteConfig({ cors })] : []);
  decorate(Api, "items", Get("items"), Header("X-Total", "1"));
  decorate(Api, "create", Post("items"));
  decorate(Api, "replace", Put("items"));
  decorate(Api, "throws", Get("throws"));
  decorate(Api, "unauthorized", Get("unauthorized"));
  decorate(Api, "vary", Get("vary"), Header("Vary", "Accept-Encoding"));
  decorate(Api, "varyStar", Get("vary-star"), Header("Vary", "*"));
  decorate(Api, "options", Options("options"), Header("Allow", "GET, OPTIONS"));
  decorate(Api, "override", Get("override"), ...perRoute(overrideCors));
  decorate(Api, "overridePut", Put("override"), ...perRoute(overrideCors));
  decorate(Api, "off", Get("off"), ...perRoute(false));
  decorate(Api, "offPost", Post("off"), ...perRoute(false));
  decorate(Api, "guarded", Get("guarded"), UseGuards(guard));
  decorate(Api, "guardedPut", Put("guarded"), UseGuards(guard));
  Reflect.decorate([Controller("api"), UseInterceptors(counter)], Api);
  class AppModule {}
  Reflect.decorate([Module({ controllers: [Api] })], AppModule);
  return AppModule;
}

/** The CSRF matrix app (../../csrf/servers.ts) as a Nest controller. */
function csrfModule(platform: Platform, csrf: CsrfPolicy) {
  const crossgate = platform === "express" ? nodeCrossgate : fastifyCrossgate;
  type Any = never;
  class Api {
    async token(req: Any, res: Any) {
      await crossgate.csrfTokenHandler(csrf)(req, res);
    }
    async login(req: { headers: Record<string, string | string[] | undefined> }, res: Any) {
      const session = req.headers["x-new-session"];
      return { csrfToken: await crossgate.rotateCsrfToken(csrf, req as Any, res, { sessionId: typeof session === "string" ? session : undefined }) };
    }
    things(req: { body?: unknown; headers: Record<string, unknown> }) {
      const form = String(req.headers["content-type"] ?? "").includes("form") ? (req.body ?? null) : null;
      return { ok: true, form };
    }
  }
  class Hooks {
    hook() {
      return "hooked";
    }
  }
  decorate(Api, "token", Get("csrf"));
  parameters(Api, "token", Req(), Res());
  decorate(Api, "login", Post("login"), HttpCode(200));
  parameters(Api, "login", Req(), Res({ passthrough: true }));
  decorate(Api, "things", Post("things"), HttpCode(200));
  parameters(Api, "things", Req());
  // The webhook is not checked: Express mounts csrf() on /api only; Fastify turns it off per route.
  decorate(Hooks, "hook", Post("hook"), HttpCode(200), ...(platform === "fastify" ? [RouteConfig({ csrf: false })] : []));
  Reflect.decorate([Controller("api")], Api);
  Reflect.decorate([Controller("webhooks")], Hooks);
  class AppModule {}
  Reflect.decorate([Module({ controllers: [Api, Hooks] })], AppModule);
  return AppModule;
}

async function listen(app: INestApplication): Promise<ContractServer> {
  await app.listen(0, "127.0.0.1");
  const { port } = app.getHttpServer().address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => app.close() };
}

/** The recipe: crossgate first (before guards, interceptors and Nest's router), then the app. */
async function startContract(platform: Platform, guard: RefuseAll, counter: CountRequests): Promise<ContractServer> {
  const module = contractModule(platform, guard, counter, CONTRACT_OVERRIDE);
  if (platform === "express") {
    const app = await NestFactory.create<NestExpressApplication>(module, new ExpressAdapter(express()), { logger: false });
    app.use("/api/off", nodeCrossgate.cors(false));
    app.use("/api/override", nodeCrossgate.cors(CONTRACT_OVERRIDE));
    app.use(nodeCrossgate.cors(CONTRACT_CORS));
    return listen(app);
  }
  const app = await NestFactory.create<NestFastifyApplication>(module, new FastifyAdapter(), { logger: false });
  await app.register(fastifyCrossgate.cors(CONTRACT_CORS));
  return listen(app);
}

async function startCsrf(platform: Platform): Promise<ContractServer> {
  const module = csrfModule(platform, csrfPolicy);
  if (platform === "express") {
    const app = await NestFactory.create<NestExpressApplication>(module, new ExpressAdapter(express()), { logger: false });
    app.use(nodeCrossgate.cors(csrfCorsPolicy));
    app.use("/api", nodeCrossgate.csrf(csrfPolicy));
    return listen(app);
  }
  const app = await NestFactory.create<NestFastifyApplication>(module, new FastifyAdapter(), { logger: false });
  await app.register(fastifyCrossgate.cors(csrfCorsPolicy));
  await app.register(fastifyCrossgate.csrf(csrfPolicy));
  return listen(app);
}

for (const platform of ["express", "fastify"] as const) {
  const guard = new RefuseAll();
  const counter = new CountRequests();
  // Node's default 16 KiB head limit is what a Nest app gets: the 1 MiB rows may meet it first.
  describeCorsContract(`nest ${platform}`, () => startContract(platform, guard, counter), { limitedHeads: true });
  describeCsrfMatrix(`nest ${platform}`, () => startCsrf(platform));

  describe(`nest ${platform}: guards and interceptors`, () => {
    let server: ContractServer;
    const mine = new RefuseAll();
    const seen = new CountRequests();
    beforeAll(async () => {
      server = await startContract(platform, mine, seen);
    });
    afterAll(() => server?.close());

    it("answers preflights before any guard or interceptor runs", async () => {
      const answered = await send(server.url, "OPTIONS", "/api/guarded", preflight(APP, "PUT"));
      expect([answered.status, answered.headers["access-control-allow-origin"]]).toEqual([204, APP]);
      const refused = await send(server.url, "OPTIONS", "/api/guarded", preflight(EVIL, "PUT"));
      expect([refused.status, refused.headers["access-control-allow-origin"]]).toEqual([403, undefined]);
      expect([mine.calls, seen.calls]).toEqual([0, 0]);
    });

    it("keeps the CORS headers on a guard's refusal", async () => {
      const refused = await send(server.url, "PUT", "/api/guarded", { Origin: APP });
      expect(mine.calls).toBe(1);
      expect([refused.status, refused.headers["access-control-allow-origin"], refused.headers["access-control-allow-credentials"]]).toEqual([403, APP, "true"]);
      expect(refused.body).toMatch(/Forbidden/);
    });

    it("keeps the CORS headers on a controller's exception and on Nest's 404", async () => {
      for (const [path, status] of [
        ["/api/unauthorized", 401],
        ["/api/throws", 500],
        ["/api/nope", 404],
      ] as const) {
        const reply = await send(server.url, "GET", path, { Origin: APP });
        expect([path, reply.status, reply.headers["access-control-allow-origin"], reply.headers["access-control-allow-credentials"]]).toEqual([path, status, APP, "true"]);
      }
      const unauthorized = await send(server.url, "GET", "/api/unauthorized", { Origin: APP });
      expect(JSON.parse(unauthorized.body)).toEqual({ detail: "login required" });
    });
  });
}

describe("nest: the contract app without crossgate", () => {
  it("lets Nest's router answer preflights itself, with no CORS header (so the rows above test crossgate)", async () => {
    const app = await NestFactory.create(contractModule("express", new RefuseAll(), new CountRequests(), createCorsPolicy(CONTRACT_OVERRIDE)), new ExpressAdapter(express()), { logger: false });
    const server = await listen(app);
    try {
      const reply = await send(server.url, "OPTIONS", "/api/items", preflight(APP, "PUT"));
      expect(reply.status).not.toBe(204);
      expect(reply.headers["access-control-allow-origin"]).toBeUndefined();
    } finally {
      await server.close();
    }
  });
});
