// One purposely broken server per way a browser refuses a cross-origin request, plus a few
// healthy hand-written ones. Shared by the doctor's tests and the Chromium agreement test: each
// row says what a page does, and the verdict and rule the doctor (and the browser) must reach.
import type { IncomingMessage, RequestListener, ServerResponse } from "node:http";
import type { RuleId, WarningId } from "../../src/testing/index.ts";

/** Where the case runs: the page's origin, and a second server's origin for redirects. */
export interface CaseContext {
  readonly pageOrigin: string;
  /** Origin of `other`, a server on another port (another origin). */
  readonly otherOrigin: string;
}

export interface BrokenServerCase {
  readonly name: string;
  /** The server the page fetches. */
  readonly server: (context: CaseContext) => RequestListener;
  /** A second server, at `otherOrigin`, for cross-origin redirects. */
  readonly other?: (context: CaseContext) => RequestListener;
  /** What the page script does: `fetch(url + path, { method, headers, credentials })`. */
  readonly request: {
    readonly method?: string;
    readonly headers?: Readonly<Record<string, string>>;
    readonly credentials?: boolean;
    readonly path?: string;
  };
  readonly want: { readonly verdict: "allowed" | "blocked"; readonly rule: RuleId | null; readonly warnings?: readonly WarningId[] };
  /** Run in the Chromium agreement test too. */
  readonly inBrowser?: boolean;
}

type Headers = readonly (readonly [string, string])[];

/** Answers with exactly these header lines (repeats kept) and a short body. */
function reply(res: ServerResponse, status: number, headers: Headers, body = "ok"): void {
  const raw: string[] = [];
  for (const [name, value] of headers) raw.push(name, value);
  if (status !== 204 && status !== 304) raw.push("Content-Type", "text/plain", "Content-Length", String(Buffer.byteLength(body)));
  res.writeHead(status, raw);
  res.end(status === 204 || status === 304 ? undefined : body);
}

const isPreflight = (req: IncomingMessage) => req.method === "OPTIONS" && req.headers["access-control-request-method"] !== undefined;

/** A server that answers preflights with `preflight` and everything else with `actual`. */
function server(preflight: (req: IncomingMessage, res: ServerResponse) => void, actual: (req: IncomingMessage, res: ServerResponse) => void): RequestListener {
  return (req, res) => (isPreflight(req) ? preflight(req, res) : actual(req, res));
}

const allowingPreflight = (origin: string, extra: Headers = []) => (_req: IncomingMessage, res: ServerResponse) =>
  reply(res, 204, [["Access-Control-Allow-Origin", origin], ["Access-Control-Allow-Methods", "GET, POST, PUT, DELETE"], ["Access-Control-Allow-Headers", "content-type, x-custom"], ["Vary", "Origin"], ...extra]);

const actualWith = (headers: Headers, status = 200) => (_req: IncomingMessage, res: ServerResponse) => reply(res, status, headers);

const json = { "Content-Type": "application/json" };

export const brokenServerCases: readonly BrokenServerCase[] = [
  {
    name: "missing Access-Control-Allow-Origin",
    server: () => actualWith([]),
    request: {},
    want: { verdict: "blocked", rule: "missing-allow-origin" },
    inBrowser: true,
  },
  {
    name: "Access-Control-Allow-Origin for another origin",
    server: () => actualWith([["Access-Control-Allow-Origin", "https://someone-else.example"], ["Vary", "Origin"]]),
    request: {},
    want: { verdict: "blocked", rule: "allow-origin-mismatch" },
    inBrowser: true,
  },
  {
    name: "Access-Control-Allow-Origin with a trailing slash",
    server: ({ pageOrigin }) => actualWith([["Access-Control-Allow-Origin", `${pageOrigin}/`], ["Vary", "Origin"]]),
    request: {},
    want: { verdict: "blocked", rule: "allow-origin-mismatch" },
    inBrowser: true,
  },
  {
    name: "several origins in one Access-Control-Allow-Origin",
    server: ({ pageOrigin }) => actualWith([["Access-Control-Allow-Origin", `${pageOrigin}, https://b.example`], ["Vary", "Origin"]]),
    request: {},
    want: { verdict: "blocked", rule: "multiple-allow-origin" },
    inBrowser: true,
  },
  {
    name: "Access-Control-Allow-Origin sent twice (proxy and app)",
    server: ({ pageOrigin }) => actualWith([["Access-Control-Allow-Origin", pageOrigin], ["Access-Control-Allow-Origin", pageOrigin], ["Vary", "Origin"]]),
    request: {},
    want: { verdict: "blocked", rule: "multiple-allow-origin", warnings: ["duplicate-cors-header"] },
    inBrowser: true,
  },
  {
    name: "* with credentials",
    server: () => actualWith([["Access-Control-Allow-Origin", "*"], ["Access-Control-Allow-Credentials", "true"]]),
    request: { credentials: true },
    want: { verdict: "blocked", rule: "wildcard-with-credentials" },
    inBrowser: true,
  },
  {
    name: "credentials without Access-Control-Allow-Credentials",
    server: ({ pageOrigin }) => actualWith([["Access-Control-Allow-Origin", pageOrigin], ["Vary", "Origin"]]),
    request: { credentials: true },
    want: { verdict: "blocked", rule: "allow-credentials-not-true" },
    inBrowser: true,
  },
  {
    name: "Access-Control-Allow-Credentials: True (capital T)",
    server: ({ pageOrigin }) => actualWith([["Access-Control-Allow-Origin", pageOrigin], ["Access-Control-Allow-Credentials", "True"], ["Vary", "Origin"]]),
    request: { credentials: true },
    want: { verdict: "blocked", rule: "allow-credentials-not-true" },
    inBrowser: true,
  },
  {
    name: "preflight answered 404 (no route for OPTIONS)",
    server: ({ pageOrigin }) => server((_req, res) => reply(res, 404, [], "not found"), actualWith([["Access-Control-Allow-Origin", pageOrigin]])),
    request: { method: "PUT", headers: json },
    want: { verdict: "blocked", rule: "preflight-not-ok" },
    inBrowser: true,
  },
  {
    name: "preflight answered 500 with CORS headers",
    server: ({ pageOrigin }) =>
      server((_req, res) => reply(res, 500, [["Access-Control-Allow-Origin", pageOrigin], ["Access-Control-Allow-Methods", "PUT"], ["Access-Control-Allow-Headers", "content-type"]], "boom"), actualWith([["Access-Control-Allow-Origin", pageOrigin]])),
    request: { method: "PUT", headers: json },
    want: { verdict: "blocked", rule: "preflight-not-ok" },
    inBrowser: true,
  },
  {
    name: "preflight redirected (trailing-slash redirect)",
    server: ({ pageOrigin }) =>
      server(
        (req, res) => reply(res, 301, [["Location", `${req.url ?? "/"}/`], ["Access-Control-Allow-Origin", pageOrigin]]),
        actualWith([["Access-Control-Allow-Origin", pageOrigin]]),
      ),
    request: { method: "PUT", headers: json, path: "/items" },
    want: { verdict: "blocked", rule: "preflight-redirected" },
    inBrowser: true,
  },
  {
    name: "method not in Access-Control-Allow-Methods",
    server: ({ pageOrigin }) =>
      server(
        (_req, res) => reply(res, 204, [["Access-Control-Allow-Origin", pageOrigin], ["Access-Control-Allow-Methods", "GET, POST"], ["Vary", "Origin"]]),
        actualWith([["Access-Control-Allow-Origin", pageOrigin], ["Vary", "Origin"]]),
      ),
    request: { method: "DELETE" },
    want: { verdict: "blocked", rule: "method-not-allowed" },
    inBrowser: true,
  },
  {
    name: "* in Access-Control-Allow-Methods with credentials is the literal name *",
    server: ({ pageOrigin }) =>
      server(
        (_req, res) => reply(res, 204, [["Access-Control-Allow-Origin", pageOrigin], ["Access-Control-Allow-Credentials", "true"], ["Access-Control-Allow-Methods", "*"], ["Vary", "Origin"]]),
        actualWith([["Access-Control-Allow-Origin", pageOrigin], ["Access-Control-Allow-Credentials", "true"], ["Vary", "Origin"]]),
      ),
    request: { method: "PATCH", credentials: true },
    want: { verdict: "blocked", rule: "method-not-allowed" },
    inBrowser: true,
  },
  {
    name: "header not in Access-Control-Allow-Headers",
    server: ({ pageOrigin }) =>
      server(
        (_req, res) => reply(res, 204, [["Access-Control-Allow-Origin", pageOrigin], ["Access-Control-Allow-Headers", "content-type"], ["Vary", "Origin"]]),
        actualWith([["Access-Control-Allow-Origin", pageOrigin], ["Vary", "Origin"]]),
      ),
    request: { method: "POST", headers: { ...json, "X-Custom": "1" } },
    want: { verdict: "blocked", rule: "header-not-allowed" },
    inBrowser: true,
  },
  {
    name: "Authorization against Access-Control-Allow-Headers: *",
    server: () =>
      server(
        (_req, res) => reply(res, 204, [["Access-Control-Allow-Origin", "*"], ["Access-Control-Allow-Headers", "*"]]),
        actualWith([["Access-Control-Allow-Origin", "*"]]),
      ),
    request: { headers: { Authorization: "Bearer token" } },
    // The Fetch standard refuses this (and `--strict` does); Chromium 156 and Firefox 153 allow it.
    want: { verdict: "allowed", rule: null, warnings: ["authorization-not-covered-by-wildcard"] },
    inBrowser: true,
  },
  {
    name: "actual request redirected to another origin that allows only the page's origin",
    server: ({ pageOrigin, otherOrigin }) => actualWithRedirect(pageOrigin, `${otherOrigin}/final`),
    other: ({ pageOrigin }) => actualWith([["Access-Control-Allow-Origin", pageOrigin], ["Vary", "Origin"]]),
    request: {},
    want: { verdict: "blocked", rule: "redirect-tainted-origin" },
    inBrowser: true,
  },
  {
    name: "redirect without CORS headers on the 3xx itself",
    server: ({ otherOrigin }) => (_req, res) => reply(res, 302, [["Location", `${otherOrigin}/final`]]),
    other: () => actualWith([["Access-Control-Allow-Origin", "*"]]),
    request: {},
    want: { verdict: "blocked", rule: "missing-allow-origin" },
    inBrowser: true,
  },
  {
    name: "redirect to another origin that allows *",
    server: ({ pageOrigin, otherOrigin }) => actualWithRedirect(pageOrigin, `${otherOrigin}/final`),
    other: () => actualWith([["Access-Control-Allow-Origin", "*"]]),
    request: {},
    want: { verdict: "allowed", rule: null },
    inBrowser: true,
  },
  {
    name: "reflected origin without Vary: Origin",
    server: ({ pageOrigin }) => actualWith([["Access-Control-Allow-Origin", pageOrigin]]),
    request: {},
    want: { verdict: "allowed", rule: null, warnings: ["vary-origin-missing"] },
    inBrowser: true,
  },
  {
    name: "healthy preflighted PUT",
    server: ({ pageOrigin }) => server(allowingPreflight(pageOrigin, [["Access-Control-Max-Age", "600"]]), actualWith([["Access-Control-Allow-Origin", pageOrigin], ["Vary", "Origin"]])),
    request: { method: "PUT", headers: json },
    want: { verdict: "allowed", rule: null },
    inBrowser: true,
  },
  {
    name: "credentialed POST refused 403 without CORS headers (unreadable CSRF refusal)",
    server: ({ pageOrigin }) =>
      server(allowingPreflight(pageOrigin, [["Access-Control-Allow-Credentials", "true"]]), (_req, res) => reply(res, 403, [], "CSRF verification failed")),
    request: { method: "POST", headers: json, credentials: true },
    want: { verdict: "blocked", rule: "missing-allow-origin", warnings: ["csrf-refusal-unreadable"] },
    inBrowser: true,
  },
  {
    name: "Access-Control-Allow-Headers with a bad token",
    server: ({ pageOrigin }) =>
      server(
        (_req, res) => reply(res, 204, [["Access-Control-Allow-Origin", pageOrigin], ["Access-Control-Allow-Headers", "content-type, x custom"]]),
        actualWith([["Access-Control-Allow-Origin", pageOrigin]]),
      ),
    request: { method: "POST", headers: json },
    want: { verdict: "blocked", rule: "allow-headers-invalid" },
    inBrowser: true,
  },
];

function actualWithRedirect(pageOrigin: string, location: string): RequestListener {
  return (_req, res) => reply(res, 302, [["Location", location], ["Access-Control-Allow-Origin", pageOrigin], ["Vary", "Origin"]]);
}
