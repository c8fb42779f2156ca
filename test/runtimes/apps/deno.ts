// Deno: the README's recipe, `Deno.serve({ hostname, port }, handler)`, on a free loopback port.
// `deno run --allow-net=127.0.0.1:0 deno.ts fetch|hono`; prints `listening <url>` once it accepts connections.
import { fetchApp } from "./fetch-app.ts";
import { honoApp } from "./hono-app.ts";

Deno.serve(
  { hostname: "127.0.0.1", port: 0, onListen: ({ port }) => console.log(`listening http://127.0.0.1:${port}`) },
  Deno.args[0] === "hono" ? honoApp.fetch : fetchApp,
);
