/**
 * The contract apps on `crossgate/fetch`, as a user's code imports it (the published subpaths, not
 * the sources): every handler wrapped in its own `cors(...)`, the CSRF guard inside the CORS
 * wrapper. One handler serves both apps (the CSRF app owns the paths `isCsrfPath` names); Next.js
 * route files export the handlers by path.
 */
import * as publishedCore from "crossgate";
import type * as Core from "../../../src/index.ts";
import * as published from "crossgate/fetch";
import { CONTRACT_CORS, CONTRACT_OVERRIDE, CSRF_CORS, csrfMatrixOptions, isCsrfPath } from "../../contract/config.ts";
import { contractFetchRoutes, csrfFetchRoutes, routeByPath, type FetchAdapter, type Handler } from "../../contract/web-apps.ts";

// The built modules have the API of the sources that web-apps.ts is typed against; only the
// nominal policy brand differs between the two type trees.
const { createCorsPolicy, createCsrfPolicy } = publishedCore as unknown as typeof Core;
const crossgate = published as unknown as FetchAdapter;

const corsPolicy = createCorsPolicy(CSRF_CORS);
/** The CORS contract's handlers by path (`"*"`: every other path), each wrapped in its own `cors(...)`. */
export const contractRoutes = contractFetchRoutes(crossgate, { cors: CONTRACT_CORS, overrideCors: CONTRACT_OVERRIDE });
/** The CSRF matrix's handlers by path. */
export const csrfRoutes = csrfFetchRoutes(crossgate, corsPolicy, createCsrfPolicy(csrfMatrixOptions(corsPolicy)));
const contract = routeByPath(contractRoutes);
const csrfApp = routeByPath(csrfRoutes);

export const fetchApp: Handler = (request) => (isCsrfPath(new URL(request.url).pathname) ? csrfApp : contract)(request);
