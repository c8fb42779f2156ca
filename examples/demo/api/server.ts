// The demo API: crossgate CORS first, then the CSRF guard, then a posts resource behind a login.
//
//   GET    /api/csrf         the CSRF token endpoint: {"csrfToken": "..."} (for pages on another site)
//   POST   /api/login        {"username"} → session cookie, a fresh CSRF token, a bearer token
//   POST   /api/logout
//   GET    /api/me           who the session cookie says you are
//   GET    /api/posts        the list; X-Total-Count (exposed) and X-Served-By (not exposed)
//   POST   /api/posts        {"title"} (logged in)
//   PATCH  /api/posts/:id    {"title"} (logged in)
//   DELETE /api/posts/:id    (logged in)
//   GET    /api/echo         echoes the custom X-Trace-Id request header
//   GET    /api/bearer       who the Authorization: Bearer token says you are
import type { IncomingMessage, RequestListener, ServerResponse } from "node:http";
import { cors, csrf, csrfTokenHandler, rotateCsrfToken } from "../../../src/adapters/node.ts";
import { demoPolicies, type Environment } from "../config.ts";
import { cookieValue, logWhenFinished, readJsonObject, sendError, sendJson, type RequestLogEntry } from "./http.ts";
import { PostStore, validTitle } from "./posts.ts";
import { expiredSessionCookie, SESSION_COOKIE, sessionCookie, SessionStore, type Session } from "./sessions.ts";

export interface DemoApiOptions {
  /** Environment variables read by `fromEnv` (CORS_*, SECRET_KEY, CSRF_*). */
  readonly env: Environment;
  /** Called once per finished request (preflights included). @default none */
  readonly onRequest?: (entry: RequestLogEntry) => void;
}

/** The API's handler and its state, which tests inspect. */
export interface DemoApi {
  readonly handler: RequestListener;
  readonly posts: PostStore;
  readonly sessions: SessionStore;
}

type Route = (req: IncomingMessage, res: ServerResponse, session: Session | undefined) => void | Promise<void>;

/** Builds the demo API from environment variables; throws crossgate's ConfigError for a bad one. */
export function createDemoApi(options: DemoApiOptions): DemoApi {
  const posts = new PostStore();
  const sessions = new SessionStore();
  const policies = demoPolicies(options.env, (request) => cookieValue(request.raw as IncomingMessage, SESSION_COOKIE));
  const withCors = cors(policies.cors);
  const withCsrf = csrf(policies.csrf);
  const tokenEndpoint = csrfTokenHandler(policies.csrf);

  const login: Route = async (req, res) => {
    const body = await readJsonObject(req);
    const username = typeof body?.username === "string" ? body.username.trim() : "";
    if (username === "" || username.length > 64) return sendError(res, 400, "bad_request", 'send {"username": "..."} as application/json');
    sessions.end(cookieValue(req, SESSION_COOKIE));
    const session = sessions.create(username);
    res.setHeader("Set-Cookie", sessionCookie(session.id));
    // A new session gets a new CSRF secret (Django's rotate_token at login).
    await rotateCsrfToken(policies.csrf, req, res, { sessionId: session.id });
    sendJson(res, 200, { user: session.user, bearerToken: session.bearerToken });
  };

  const routes: Record<string, Route> = {
    "GET /api/csrf": (req, res) => tokenEndpoint(req, res),
    "POST /api/login": login,
    "POST /api/logout": (req, res) => {
      sessions.end(cookieValue(req, SESSION_COOKIE));
      sendJson(res, 200, { user: null }, { "Set-Cookie": expiredSessionCookie() });
    },
    "GET /api/me": (_req, res, session) => sendJson(res, 200, { user: session?.user ?? null }),
    "GET /api/posts": (_req, res) => {
      const list = posts.list();
      sendJson(res, 200, list, { "X-Total-Count": String(list.length), "X-Served-By": "crossgate-demo" });
    },
    "POST /api/posts": async (req, res, session) => {
      if (!session) return sendError(res, 401, "login_required", "log in first: POST /api/login");
      const title = validTitle((await readJsonObject(req))?.title);
      if (title === undefined) return sendError(res, 400, "bad_request", 'send {"title": "..."} (1-200 characters) as application/json');
      sendJson(res, 201, posts.create(title, session.user));
    },
    "GET /api/echo": (req, res) => sendJson(res, 200, { traceId: req.headers["x-trace-id"] ?? null }),
    "GET /api/bearer": (req, res) => {
      const session = sessions.byAuthorization(req.headers.authorization);
      if (!session) return sendError(res, 401, "bad_token", "send Authorization: Bearer <bearerToken from /api/login>");
      sendJson(res, 200, { user: session.user, via: "Authorization" });
    },
  };

  const postRoute = async (req: IncomingMessage, res: ServerResponse, session: Session | undefined, id: number) => {
    if (!session) return sendError(res, 401, "login_required", "log in first: POST /api/login");
    if (req.method === "PATCH") {
      const title = validTitle((await readJsonObject(req))?.title);
      if (title === undefined) return sendError(res, 400, "bad_request", 'send {"title": "..."} (1-200 characters) as application/json');
      const updated = posts.update(id, title);
      return updated ? sendJson(res, 200, updated) : sendError(res, 404, "not_found", `no post ${id}`);
    }
    if (req.method === "DELETE") {
      if (!posts.delete(id)) return sendError(res, 404, "not_found", `no post ${id}`);
      res.writeHead(204).end();
      return;
    }
    sendError(res, 405, "method_not_allowed", "use PATCH or DELETE");
  };

  const route = (req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? "/", "http://demo.invalid").pathname;
    const session = sessions.byId(cookieValue(req, SESSION_COOKIE));
    const item = /^\/api\/posts\/(\d{1,9})$/.exec(path);
    const handle: Route | undefined = item ? (rq, rs, s) => postRoute(rq, rs, s, Number(item[1])) : routes[`${req.method} ${path}`];
    if (!handle) return sendError(res, 404, "not_found", `no route ${req.method} ${path}`);
    Promise.resolve(handle(req, res, session)).catch(() => {
      if (!res.headersSent) sendError(res, 500, "server_error", "the demo API failed");
      else res.end();
    });
  };

  const handler: RequestListener = (req, res) => {
    if (options.onRequest) logWhenFinished(req, res, options.onRequest);
    // CORS answers preflights and adds its headers, so the CSRF refusals below stay readable.
    withCors(req, res, (corsError) => {
      if (corsError) return sendError(res, 500, "server_error", "CORS policy failed");
      withCsrf(req, res, (csrfError) => {
        if (csrfError) return sendError(res, 500, "server_error", "CSRF guard failed");
        route(req, res);
      });
    });
  };

  return { handler, posts, sessions };
}
