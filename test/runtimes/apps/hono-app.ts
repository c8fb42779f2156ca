/**
 * The contract apps on `crossgate/hono`, as a user's code imports it: path middleware, most specific
 * first. One `fetch` serves both apps; the CSRF app owns the paths `isCsrfPath` names.
 */
import { Hono } from "hono";
import * as publishedCore from "crossgate";
import type * as Core from "../../../src/index.ts";
import * as published from "crossgate/hono";
import { CONTRACT_CORS, CONTRACT_OVERRIDE, CSRF_CORS, csrfMatrixOptions, isCsrfPath } from "../../contract/config.ts";
import { contractHonoApp, csrfHonoApp, type HonoAdapter, type Handler } from "../../contract/web-apps.ts";

// The built modules have the API of the sources that web-apps.ts is typed against; only the
// nominal policy brand differs between the two type trees.
const { createCorsPolicy, createCsrfPolicy } = publishedCore as unknown as typeof Core;
const crossgate = published as unknown as HonoAdapter;

const corsPolicy = createCorsPolicy(CSRF_CORS);
const contract = contractHonoApp(Hono, crossgate, { cors: CONTRACT_CORS, overrideCors: CONTRACT_OVERRIDE });
const csrfApp = csrfHonoApp(Hono, crossgate, corsPolicy, createCsrfPolicy(csrfMatrixOptions(corsPolicy)));

/** Shaped like a Hono app where a runtime takes one (`export default app`, `Bun.serve(app)`): an object with `fetch`. */
export const honoApp: { fetch: Handler } = {
  fetch: (request) => (isCsrfPath(new URL(request.url).pathname) ? csrfApp : contract).fetch(request),
};
