// Cloudflare Workers with crossgate/hono: a module worker that exports the Hono app.
import { honoApp } from "./hono-app.ts";

export default honoApp;
