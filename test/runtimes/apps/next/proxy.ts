// The README's recipe: preflights are answered here, before Next.js routes the request, with the
// policy each route's handlers use. A route's own OPTIONS answer would carry a second Vary line
// (Next.js adds its own), and a route without one is answered by Next.js with no CORS headers.
import { NextResponse } from "next/server.js";
import { cors, corsRoutes } from "crossgate/fetch";
import { CONTRACT_CORS, CONTRACT_OVERRIDE, CSRF_CORS } from "../../../contract/config.ts";

export const proxy = cors(
  corsRoutes([
    ["/api/off", false],
    ["/api/override", CONTRACT_OVERRIDE],
    ["/api/csrf", CSRF_CORS],
    ["/api/things", CSRF_CORS],
    ["/api/login", CSRF_CORS],
    ["/webhooks/*", CSRF_CORS],
    ["*", CONTRACT_CORS],
  ]),
)(() => NextResponse.next());

export const config = {
  matcher: [
    { source: "/api/:path*", has: [{ type: "header", key: "access-control-request-method" }] },
    { source: "/webhooks/:path*", has: [{ type: "header", key: "access-control-request-method" }] },
  ],
};
