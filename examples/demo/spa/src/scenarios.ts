// The checklist: each scenario is one thing a cross-origin SPA needs, run in order against the API.
// A scenario resolves with a line saying what happened, or throws an Error saying what went wrong.
import { createClient, isCorsError, isCsrfRefusal, isHttpError, type CrossgateClient } from "./crossgate.ts";
import type { DemoOrigins } from "./demo-config.ts";
import { OUTSIDER_MESSAGE, type OutsiderResult } from "./outsider-result.ts";

interface Post {
  readonly id: number;
  readonly title: string;
  readonly author: string;
}

/** What the scenarios share while the checklist runs. */
export interface ScenarioContext {
  readonly origins: DemoOrigins;
  readonly api: CrossgateClient;
  /** Filled in by earlier scenarios. */
  bearerToken?: string;
  postId?: number;
}

export interface Scenario {
  /** The `data-scenario` name tests look for. */
  readonly name: string;
  readonly title: string;
  run(context: ScenarioContext): Promise<string>;
}

/** The client the SPA uses: credentials included, the CSRF token from the cookie or the endpoint. */
export function demoClient(origins: DemoOrigins): CrossgateClient {
  return createClient({ baseURL: origins.api, csrf: { tokenURL: "/api/csrf" }, timeoutMs: 10_000 });
}

function check(condition: boolean, problem: string): asserts condition {
  if (!condition) throw new Error(problem);
}

const needsPost = (context: ScenarioContext): number => {
  check(context.postId !== undefined, "no post to work on: the POST scenario failed");
  return context.postId;
};

export const scenarios: readonly Scenario[] = [
  {
    name: "credentials-cookie",
    title: "Credentials: the session cookie goes out and comes back",
    async run(context) {
      const login = await context.api.post<{ user: string; bearerToken: string }>("/api/login", { username: "ada" });
      context.bearerToken = login.bearerToken;
      const me = await context.api.get<{ user: string | null }>("/api/me");
      check(
        me.user === "ada",
        "logged in, but GET /api/me did not carry the session cookie (credentials: 'include' and Access-Control-Allow-Credentials: true are both needed)",
      );
      return "POST /api/login set an HttpOnly session cookie; GET /api/me sent it back and the API knows you are ada";
    },
  },
  {
    name: "get-list",
    title: "GET list",
    async run(context) {
      const posts = await context.api.get<Post[]>("/api/posts");
      check(Array.isArray(posts), "GET /api/posts did not answer a list");
      return `GET /api/posts answered ${posts.length} posts`;
    },
  },
  {
    name: "post-with-csrf",
    title: "POST with the CSRF token",
    async run(context) {
      const post = await context.api.post<Post>("/api/posts", { title: `Hello from ${location.origin}` });
      check(typeof post.id === "number", "POST /api/posts did not answer the new post");
      context.postId = post.id;
      return `POST /api/posts created post #${post.id}; the client sent X-CSRFToken and the guard accepted it`;
    },
  },
  {
    name: "patch",
    title: "PATCH",
    async run(context) {
      const id = needsPost(context);
      const post = await context.api.patch<Post>(`/api/posts/${id}`, { title: "Edited across origins" });
      check(post.title === "Edited across origins", `PATCH answered the title ${JSON.stringify(post.title)}`);
      return `PATCH /api/posts/${id} (preflighted: PATCH is not a simple method) renamed the post`;
    },
  },
  {
    name: "delete",
    title: "DELETE",
    async run(context) {
      const id = needsPost(context);
      await context.api.delete(`/api/posts/${id}`);
      const posts = await context.api.get<Post[]>("/api/posts");
      check(!posts.some((post) => post.id === id), `post #${id} is still listed after DELETE`);
      return `DELETE /api/posts/${id} answered 204 and the post is gone`;
    },
  },
  {
    name: "custom-request-header",
    title: "Custom request header",
    async run(context) {
      const trace = `trace-${Math.random().toString(36).slice(2, 10)}`;
      const echo = await context.api.get<{ traceId: string | null }>("/api/echo", { headers: { "X-Trace-Id": trace } });
      check(echo.traceId === trace, `the API saw X-Trace-Id ${JSON.stringify(echo.traceId)}, not ${trace}`);
      return `X-Trace-Id: ${trace} reached the API (it is in CORS_ALLOW_HEADERS, so the preflight allowed it)`;
    },
  },
  {
    name: "authorization-header",
    title: "Authorization header",
    async run(context) {
      check(context.bearerToken !== undefined, "no bearer token: the login scenario failed");
      const who = await context.api.get<{ user: string }>("/api/bearer", { headers: { Authorization: `Bearer ${context.bearerToken}` } });
      check(who.user === "ada", `the bearer token belongs to ${JSON.stringify(who.user)}`);
      return "Authorization: Bearer … reached the API, which identified ada (Authorization is never covered by a wildcard: it is listed)";
    },
  },
  {
    name: "exposed-response-header",
    title: "Exposed response header read",
    async run(context) {
      // Plain fetch here: the client resolves with the body, and this scenario is about headers.
      const response = await fetch(`${context.origins.api}/api/posts`, { credentials: "include" });
      const total = response.headers.get("X-Total-Count");
      const hidden = response.headers.get("X-Served-By");
      check(total !== null && /^\d+$/.test(total), "X-Total-Count is not readable: is it in CORS_EXPOSE_HEADERS?");
      check(hidden === null, "X-Served-By is readable although it is not exposed");
      return `X-Total-Count: ${total} is readable (listed in Access-Control-Expose-Headers); X-Served-By is not, as it is not listed`;
    },
  },
  {
    name: "csrf-refusal",
    title: "A CSRF refusal is readable",
    async run(context) {
      const noToken = createClient({ baseURL: context.origins.api, csrf: false });
      try {
        await noToken.post("/api/posts", { title: "sent without a CSRF token" });
      } catch (error) {
        check(isCsrfRefusal(error), `expected a 403 CSRF refusal, got ${String(error)}`);
        return `POST without X-CSRFToken: 403 "${error.csrfReason}" (the refusal carries CORS headers, so the page can read why)`;
      }
      throw new Error("a POST without a CSRF token was accepted");
    },
  },
  {
    name: "disallowed-origin",
    title: "A call from a non-allowed origin fails, and the client says why",
    async run(context) {
      const result = await outsiderResult(context.origins.outsider);
      check(result.name === "CorsError", `expected a CorsError from ${context.origins.outsider}, got ${result.name}: ${result.message}`);
      return `${context.origins.outsider} (an iframe) is not in CORS_ALLOWED_ORIGINS: the browser refused, crossgate/client explained it as ${result.name} (probable cause: ${result.probableCause}). Diagnose with: ${result.doctorCommand}`;
    },
  },
];

/** Loads the outsider page in a hidden iframe and waits for the result it posts back. */
function outsiderResult(outsiderOrigin: string): Promise<OutsiderResult> {
  return new Promise((resolve, reject) => {
    const frame = document.createElement("iframe");
    frame.hidden = true;
    frame.title = "a page on an origin the API does not allow";
    const timer = setTimeout(() => done(new Error(`no answer from ${outsiderOrigin}/outsider.html within 15 s`)), 15_000);
    const onMessage = (event: MessageEvent) => {
      const data = event.data as { type?: unknown; result?: OutsiderResult } | null;
      if (event.origin !== outsiderOrigin || data?.type !== OUTSIDER_MESSAGE || !data.result) return;
      done(data.result);
    };
    function done(outcome: OutsiderResult | Error) {
      clearTimeout(timer);
      window.removeEventListener("message", onMessage);
      frame.remove();
      if (outcome instanceof Error) reject(outcome);
      else resolve(outcome);
    }
    window.addEventListener("message", onMessage);
    frame.src = `${outsiderOrigin}/outsider.html?parent=${encodeURIComponent(location.origin)}`;
    document.body.append(frame);
  });
}

/** A readable line for a failed scenario. */
export function describeFailure(error: unknown): string {
  if (isCorsError(error)) return `${error.message}`;
  if (isHttpError(error)) return `${error.message}${error.csrfReason ? "" : ` ${JSON.stringify(error.body)}`}`;
  return error instanceof Error ? error.message : String(error);
}
