// Bun: the README's recipe, `Bun.serve({ hostname, port, fetch })`, on a free loopback port.
// `bun bun.ts fetch|hono`; prints `listening <url>` once it accepts connections.
import { fetchApp } from "./fetch-app.ts";
import { honoApp } from "./hono-app.ts";

const server = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: Bun.argv[2] === "hono" ? honoApp.fetch : fetchApp });
console.log(`listening http://127.0.0.1:${server.port}`);
