/**
 * The contract's policies as plain data, shared by the Node suites and the apps that other runtimes
 * (Bun, Deno, workerd, Next.js) serve out of process. No `node:` import and no test runner here:
 * runtime entry points import this file and are bundled or run as they are.
 */
import type { CorsOptions, CsrfOptions, CorsPolicy } from "../../src/index.ts";

/** The app-wide allowed origin of the CORS contract. */
export const APP = "http://localhost:5173";
/** The origin allowed only on `/api/override`. */
export const PARTNER = "https://partner.example.com";
export const EVIL = "https://evil.example";

/** The CORS contract's app-wide policy. */
export const CONTRACT_CORS: CorsOptions = { origins: [APP], credentials: true, exposeHeaders: ["X-Total"], methods: ["GET", "POST", "PUT", "DELETE"] };
/** The policy of `/api/override`. */
export const CONTRACT_OVERRIDE: CorsOptions = { origins: [PARTNER], methods: ["GET", "PUT"], maxAgeSeconds: 60 };

/** The CSRF attack matrix's trusted front end. */
export const CSRF_APP = "https://app.example.com";
/** The CSRF matrix's CORS options (the trust list the guard shares). */
export const CSRF_CORS: CorsOptions = { origins: [CSRF_APP], credentials: true, exposeHeaders: ["X-CSRFToken"] };

/** The CSRF matrix's guard options: the session is named by `X-Session`, and the app sits behind a proxy. */
export function csrfMatrixOptions(cors: CorsPolicy): CsrfOptions {
  return {
    cors,
    secret: "attack-matrix-secret-0123456789abcdefgh",
    sessionId: (request) => request.header("x-session"),
    trustProxy: true,
  };
}

/** Paths served by the CSRF app; every other path belongs to the CORS contract app. */
export function isCsrfPath(path: string): boolean {
  return path === "/api/csrf" || path === "/api/things" || path === "/api/login" || path.startsWith("/webhooks/");
}
