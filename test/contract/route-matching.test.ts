// Per-route CORS against hostile spellings of a route's path, over raw sockets (so `/API/%6Fverride`
// and `/api/x/../override` reach the server as written), on every adapter. The policy a request
// gets must never be wider than the policy of the route that actually serves it.
import Router from "@koa/router";
import { getRequestListener } from "@hono/node-server";
import express from "express";
import Fastify from "fastify";
import { Hono } from "hono";
import Koa from "koa";
import http, { type RequestListener } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cors as fastifyCors } from "../../src/adapters/fastify.ts";
import { cors as fetchCors } from "../../src/adapters/fetch.ts";
import { cors as honoCors } from "../../src/adapters/hono.ts";
import { cors as koaCors } from "../../src/adapters/koa.ts";
import { cors as nodeCors } from "../../src/adapters/node.ts";
import { corsRoutes, type CorsOptions, type CorsRoute } from "../../src/index.ts";
import { sendRaw, type RawReply } from "../hostile/raw-http.ts";
import { adapters, listen, serve, type ContractServer } from "./adapters.ts";
import { toWebRequest, writeWebResponse } from "./node-fetch-bridge.ts";

const BLOG = "https://blog.example.com";
const ADMIN = "https://admin.example.com";
const WIDE: CorsOptions = { origins: ["https://*.example.com"], credentials: true, methods: ["GET", "PUT"] };
const ADMIN_ONLY: CorsOptions = { origins: [ADMIN], credentials: true, methods: ["GET", "PUT"] };

/** `/api/override` (admin only) spelled every way a router might still route to it. */
const SPELLINGS = [
  "/api/override",
  "/API/OVERRIDE",
  "/Api/Override",
  "/api/override/",
  "/API/Override/",
  "/api/%6Fverride",
  "/api/%6fverride/",
  "/%61pi/override",
  "/api%2Foverride",
  "/api/override%2F",
  "/api/x/../override",
  "/api/x/%2e%2e/override",
  "/api/./override",
  "/api/override/.",
  "//api/override",
  "/api//override",
  "/api/override;x",
  "/api/override?x=1",
] as const;

const allowOrigin = (reply: RawReply) => reply.headers.get("access-control-allow-origin")?.join(", ");

describe.each(adapters)("$name: the policy of the route that serves the request", (adapter) => {
  let server: ContractServer;
  beforeAll(async () => {
    server = await adapter.start({ cors: WIDE, overrideCors: ADMIN_ONLY });
  });
  afterAll(() => server.close());

  it("keeps the app-wide and the route's policy for the plain spellings", async () => {
    expect(allowOrigin(await sendRaw(server.url, "GET", "/api/items", [["Origin", BLOG]]))).toBe(BLOG);
    expect(allowOrigin(await sendRaw(server.url, "GET", "/api/override", [["Origin", ADMIN]]))).toBe(ADMIN);
    expect(allowOrigin(await sendRaw(server.url, "GET", "/api/override", [["Origin", BLOG]]))).toBeUndefined();
  });

  it.each(SPELLINGS)("%s: never grants an origin the serving route refuses", async (path) => {
    const get = await sendRaw(server.url, "GET", path, [["Origin", BLOG]]);
    if (get.body === "override") expect(allowOrigin(get)).toBeUndefined();
    const put = await sendRaw(server.url, "PUT", path, [["Origin", BLOG]]);
    const preflight = await sendRaw(server.url, "OPTIONS", path, [["Origin", BLOG], ["Access-Control-Request-Method", "PUT"]]);
    if (put.body === "override") {
      expect(allowOrigin(put)).toBeUndefined();
      expect(allowOrigin(preflight)).toBeUndefined();
    }
  });
});

// The shape: a route list with admin-only entries and a wide default, in front of each
// framework's own routing at its defaults (and an app router that decodes, for Fetch).
const LIST: CorsRoute[] = [
  ["/admin/*", ADMIN_ONLY],
  ["/account", ADMIN_ONLY],
  ["*", WIDE],
];
const LIST_SPELLINGS = [
  "/admin/users",
  "/ADMIN/users",
  "/Admin/Users",
  "/admin/users/",
  "/account",
  "/account/",
  "/ACCOUNT",
  "/Account/",
  "/%61dmin/users",
  "/%61ccount",
  "/admin%2Fusers",
  "/x/../admin/users",
  "/x/%2e%2e/account",
  "/./account",
  "//admin/users",
  "/admin//users",
  "//account",
  "/account;x",
] as const;

/** Each app, and spellings its router certainly serves from an admin route: the admin origin gets its grant there. */
const listApps: readonly { name: string; start: () => Promise<ContractServer>; certain: readonly string[] }[] = [
  {
    name: "node:http (routes on the WHATWG-parsed path)",
    certain: [],
    start: () => {
      const withCors = nodeCors(corsRoutes(LIST));
      return listen((req, res) => withCors(req, res, () => res.end(serves(new URL(req.url ?? "/", "http://x").pathname))));
    },
  },
  {
    name: "express",
    certain: ["/ADMIN/users", "/Admin/Users/", "/ACCOUNT", "/account/"],
    start: () => {
      const app = express();
      app.use(nodeCors(corsRoutes(LIST)));
      app.get("/admin/users", (_req, res) => void res.send("admin"));
      app.get("/account", (_req, res) => void res.send("account"));
      app.use((_req, res) => void res.send("other"));
      return listen(app as unknown as RequestListener);
    },
  },
  {
    name: "fastify",
    certain: ["/%61dmin/users", "/%61ccount"],
    start: async () => {
      let raw: http.Server | undefined;
      const app = Fastify({ serverFactory: (handler) => (raw = http.createServer(handler)) });
      await app.register(fastifyCors(corsRoutes(LIST)));
      app.get("/admin/users", async () => "admin");
      app.get("/account", async () => "account");
      app.get("/*", async () => "other");
      await app.ready();
      return serve(raw!);
    },
  },
  {
    name: "koa",
    certain: ["/ADMIN/users", "/Admin/Users/", "/ACCOUNT", "/account/"],
    start: () => {
      const app = new Koa();
      const router = new Router();
      router.get("/admin/users", (ctx) => void (ctx.body = "admin"));
      router.get("/account", (ctx) => void (ctx.body = "account"));
      app.use(koaCors(corsRoutes(LIST)));
      app.use(router.routes());
      app.use((ctx) => void (ctx.body = ctx.body ?? "other"));
      return listen(app.callback());
    },
  },
  {
    name: "hono",
    certain: ["/%61dmin/users", "/%61ccount", "/x/../admin/users"],
    start: () => {
      const app = new Hono();
      app.use(honoCors(corsRoutes(LIST)));
      app.get("/admin/users", (c) => c.text("admin"));
      app.get("/account", (c) => c.text("account"));
      app.get("*", (c) => c.text("other"));
      return listen(getRequestListener(app.fetch) as unknown as RequestListener);
    },
  },
  {
    name: "fetch (an app that decodes the path itself)",
    certain: [],
    start: () => {
      const handler = fetchCors(corsRoutes(LIST), { onError: () => {} })((request) => {
        let path = new URL(request.url).pathname;
        try {
          path = decodeURIComponent(path);
        } catch {
          // kept as received
        }
        return new Response(serves(path));
      });
      return listen((req, res) => void Promise.resolve(handler(toWebRequest(req))).then((response) => writeWebResponse(response, res)));
    },
  },
];

function serves(path: string): string {
  return path === "/admin/users" ? "admin" : path === "/account" ? "account" : "other";
}

describe.each(listApps)("corsRoutes on $name: the entry of the route that serves the request", (app) => {
  let server: ContractServer;
  beforeAll(async () => {
    server = await app.start();
  });
  afterAll(() => server.close());

  it("grants the plain spellings their own entry", async () => {
    expect(allowOrigin(await sendRaw(server.url, "GET", "/admin/users", [["Origin", ADMIN]]))).toBe(ADMIN);
    expect(allowOrigin(await sendRaw(server.url, "GET", "/admin/users", [["Origin", BLOG]]))).toBeUndefined();
    expect(allowOrigin(await sendRaw(server.url, "GET", "/elsewhere", [["Origin", BLOG]]))).toBe(BLOG);
    for (const path of app.certain) {
      const reply = await sendRaw(server.url, "GET", path, [["Origin", ADMIN]]);
      expect([path, reply.body, allowOrigin(reply)]).toEqual([path, expect.stringMatching(/^(admin|account)$/), ADMIN]);
    }
  });

  it.each(LIST_SPELLINGS)("%s: an admin route never answers with a grant for another origin", async (path) => {
    const get = await sendRaw(server.url, "GET", path, [["Origin", BLOG]]);
    const preflight = await sendRaw(server.url, "OPTIONS", path, [["Origin", BLOG], ["Access-Control-Request-Method", "GET"], ["Access-Control-Request-Headers", "x-requested-with"]]);
    if (get.body === "admin" || get.body === "account") {
      expect([get.body, allowOrigin(get), allowOrigin(preflight)]).toEqual([get.body, undefined, undefined]);
    }
  });
});
