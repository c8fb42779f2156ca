// crossgate/node on Express specifics: mount paths, route lists, first middleware decides.
import express from "express";
import { afterEach, describe, expect, it } from "vitest";
import { cors, corsRoutes } from "../../../src/adapters/node.ts";
import { listen, type ContractServer } from "../adapters.ts";
import { send } from "../http.ts";
import type { RequestListener } from "node:http";

const APP = "https://app.example.com";
let server: ContractServer | undefined;
afterEach(() => server?.close());

describe("crossgate/node on Express", () => {
  it("matches route lists against the full path, also under a mount path", async () => {
    const app = express();
    app.use("/api", cors(corsRoutes([["/api/public/*", { origins: "*" }], ["/api/*", { origins: [APP] }]])));
    app.get("/api/public/feed", (_req, res) => void res.send("feed"));
    app.get("/api/me", (_req, res) => void res.send("me"));
    server = await listen(app as unknown as RequestListener);
    expect((await send(server.url, "GET", "/api/public/feed", { Origin: "https://any.example" })).headers["access-control-allow-origin"]).toBe("*");
    expect((await send(server.url, "GET", "/api/me", { Origin: "https://any.example" })).headers["access-control-allow-origin"]).toBeUndefined();
    expect((await send(server.url, "GET", "/api/me", { Origin: APP })).headers["access-control-allow-origin"]).toBe(APP);
  });

  it("lets the first mounted middleware decide, so a later wider one adds nothing", async () => {
    const app = express();
    app.use("/admin", cors({ origins: ["https://admin.example.com"] }));
    app.use(cors({ origins: "*" }));
    app.get("/admin/users", (_req, res) => void res.send("users"));
    app.get("/feed", (_req, res) => void res.send("feed"));
    server = await listen(app as unknown as RequestListener);
    expect((await send(server.url, "GET", "/admin/users", { Origin: "https://evil.example" })).headers["access-control-allow-origin"]).toBeUndefined();
    expect((await send(server.url, "GET", "/feed", { Origin: "https://evil.example" })).headers["access-control-allow-origin"]).toBe("*");
  });
});
