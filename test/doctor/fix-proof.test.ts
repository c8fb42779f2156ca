// The doctor's fix is the fix. A real Django + django-cors-headers API, and a crossgate app, each in
// a broken configuration; every request of the case runs in real Chromium and through the doctor,
// whose verdicts must agree (and Chromium prints the doctor's predicted console line). Then the printed fix is applied mechanically (Django: the printed
// Python appended to settings.py and the server restarted; crossgate: the printed options patch;
// both: the URL to call instead, when the fix names one), and every request of the case, including
// those that already worked, must succeed in Chromium and in the doctor.
import { createServer as createHttpsServer, type Server as HttpsServer } from "node:https";
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CorsOptions } from "../../src/index.ts";
import { cors } from "../../src/adapters/node.ts";
import { applyCrossgatePatch } from "../../src/doctor/fix-snippets.ts";
import { doctor, httpTransport } from "../../src/doctor/probe.ts";
import type { DoctorReport } from "../../src/doctor/report.ts";
import { browserIsMissingLocally, launchChromium, startLoopbackServer, type HarnessBrowser, type LoopbackServer } from "../browser/harness.ts";
import { makeTestCertificate, opensslAvailable } from "../browser/harness/named-sites.ts";
import { djangoIsMissingLocally, startDjango, type DjangoServer } from "../support/django.ts";

type From = "a" | "b" | "secure";

interface CaseRequest {
  readonly from: From;
  readonly path: string;
  readonly method?: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly credentials?: boolean;
  /** Get Django's CSRF cookie and token first (GET /api/csrf/) and send the token as X-CSRFToken. */
  readonly csrfToken?: boolean;
}

interface Outcome {
  readonly browser: { readonly ok: boolean; readonly status?: number; readonly error?: string };
  readonly report: DoctorReport;
}

interface Pages {
  readonly a: LoopbackServer;
  readonly b: LoopbackServer;
  readonly secure: { readonly origin: string; close(): Promise<void> };
}

const views = `from django.http import JsonResponse
from django.middleware.csrf import get_token
from django.views.decorators.csrf import csrf_exempt, ensure_csrf_cookie


@csrf_exempt
def items(request):
    return JsonResponse({"method": request.method})


def protected(request):
    return JsonResponse({"method": request.method})


@ensure_csrf_cookie
def csrf(request):
    return JsonResponse({"csrfToken": get_token(request)})
`;

const urls = `from django.urls import path
import views

urlpatterns = [
    path("api/items/", views.items),
    path("auth/login/", views.items),
    path("api/protected/", views.protected),
    path("api/csrf/", views.csrf),
]
`;

const json = { "Content-Type": "application/json" };

interface DjangoCase {
  readonly name: string;
  /** Python appended to the base settings; `{a}`, `{b}` and `{secure}` stand for the page origins. */
  readonly settings: string;
  /** Serve the API over HTTPS (a TLS proxy in front of Django, as in production). */
  readonly https?: boolean;
  readonly requests: readonly (CaseRequest & { readonly before: "allowed" | "blocked" })[];
  /** Something the first diagnosis must show besides the verdicts. */
  check?(reports: readonly DoctorReport[]): void;
}

const moveCorsBelowCommon = `MIDDLEWARE = [m for m in MIDDLEWARE if m != "corsheaders.middleware.CorsMiddleware"]
MIDDLEWARE.insert(MIDDLEWARE.index("django.middleware.common.CommonMiddleware") + 1, "corsheaders.middleware.CorsMiddleware")`;

const djangoCases: readonly DjangoCase[] = [
  {
    name: "origin missing, another origin listed",
    settings: `CORS_ALLOWED_ORIGINS = ["{b}"]`,
    requests: [
      { from: "b", path: "/api/items/", before: "allowed" },
      { from: "a", path: "/api/items/", before: "blocked" },
    ],
    check: (reports) => expect(reports[1]?.cause?.id).toBe("origin-refused"),
  },
  {
    name: "credentials off",
    settings: `CORS_ALLOWED_ORIGINS = ["{a}"]`,
    requests: [
      { from: "a", path: "/api/items/", before: "allowed" },
      { from: "a", path: "/api/items/", credentials: true, before: "blocked" },
    ],
    check: (reports) => expect(reports[1]?.cause?.id).toBe("credentials-refused"),
  },
  {
    name: "a custom request header not allowed",
    settings: `CORS_ALLOWED_ORIGINS = ["{a}"]`,
    requests: [
      { from: "a", path: "/api/items/", before: "allowed" },
      { from: "a", path: "/api/items/", headers: { "X-Api-Key": "k" }, before: "blocked" },
    ],
    check: (reports) => expect(reports[1]?.cause?.id).toBe("header-refused"),
  },
  {
    name: "CorsMiddleware below CommonMiddleware, URLs without the trailing slash",
    settings: `${moveCorsBelowCommon}\nCORS_ALLOWED_ORIGINS = ["{a}"]`,
    requests: [
      { from: "a", path: "/api/items", before: "blocked" },
      { from: "a", path: "/api/items", headers: { "X-Requested-With": "fetch" }, before: "blocked" },
      { from: "a", path: "/api/items", method: "POST", headers: json, before: "blocked" },
    ],
    check: (reports) => {
      for (const report of reports) expect(report.cause?.id).toBe("redirect");
      expect(reports[2]?.fix?.callUrl).toMatch(/\/api\/items\/$/);
      expect(reports[0]?.server.kind).toBe("django");
    },
  },
  {
    name: "corsheaders missing from MIDDLEWARE",
    settings: `MIDDLEWARE = [m for m in MIDDLEWARE if m != "corsheaders.middleware.CorsMiddleware"]\nCORS_ALLOWED_ORIGINS = ["{a}"]`,
    requests: [
      { from: "a", path: "/api/items/", before: "blocked" },
      { from: "a", path: "/api/items/", method: "POST", headers: json, before: "blocked" },
    ],
    check: (reports) => expect(reports[0]?.cause?.id).toBe("cors-not-run"),
  },
  {
    name: "CORS_URLS_REGEX excluding the path",
    settings: `CORS_URLS_REGEX = r"^/api/.*$"\nCORS_ALLOWED_ORIGINS = ["{a}"]\nCORS_ALLOW_CREDENTIALS = True`,
    requests: [
      { from: "a", path: "/api/items/", credentials: true, before: "allowed" },
      { from: "a", path: "/auth/login/", method: "POST", headers: json, credentials: true, before: "blocked" },
    ],
    check: (reports) => {
      expect(reports[1]?.cause?.id).toBe("cors-not-run");
      expect(reports[1]?.fix?.django).toContain("CORS_URLS_REGEX");
      expect(reports[1]?.fix?.django).not.toContain("MIDDLEWARE");
    },
  },
  {
    name: "allow-all with credentials",
    settings: `CORS_ALLOW_ALL_ORIGINS = True\nCORS_ALLOW_CREDENTIALS = True`,
    requests: [{ from: "a", path: "/api/items/", credentials: true, before: "allowed" }],
    check: (reports) => expect(reports[0]?.security.map((f) => f.id)).toEqual(["origin-reflected-with-credentials", "null-origin-with-credentials"]),
  },
  {
    name: "a POST from an origin that is not CSRF-trusted, over HTTPS",
    https: true,
    settings: `CORS_ALLOWED_ORIGINS = ["{secure}"]\nCORS_ALLOW_CREDENTIALS = True\nSECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")`,
    requests: [{ from: "secure", path: "/api/protected/", method: "POST", headers: json, credentials: true, csrfToken: true, before: "allowed" }],
    check: (reports) => {
      expect(reports[0]?.cause?.id).toBe("csrf-refused");
      expect(reports[0]?.csrf?.reason).toMatch(/does not match any trusted origins/);
      expect(reports[0]?.fix?.django).toContain("CSRF_TRUSTED_ORIGINS");
    },
  },
  {
    name: "max-age 0",
    settings: `CORS_ALLOWED_ORIGINS = ["{a}"]\nCORS_PREFLIGHT_MAX_AGE = 0`,
    requests: [{ from: "a", path: "/api/items/", headers: { "X-Requested-With": "fetch" }, before: "allowed" }],
    check: (reports) => {
      expect(reports[0]?.fix).toBeNull();
      expect(reports[0]?.warnings.filter((w) => w.id.startsWith("max-age"))).toEqual([]);
      expect(reports[0]?.info.join(" ")).toMatch(/cache this preflight 5 s \(django-cors-headers omits the header when CORS_PREFLIGHT_MAX_AGE is 0\)/);
    },
  },
];

interface CrossgateCase {
  readonly name: string;
  options(pages: Pages): CorsOptions;
  readonly requests: readonly (CaseRequest & { readonly before: "allowed" | "blocked" })[];
  check?(reports: readonly DoctorReport[]): void;
}

const crossgateCases: readonly CrossgateCase[] = [
  {
    name: "origin missing, another origin listed",
    options: (pages) => ({ origins: [pages.b.origin] }),
    requests: [
      { from: "b", path: "/items", before: "allowed" },
      { from: "a", path: "/items", method: "PUT", headers: json, before: "blocked" },
    ],
    check: (reports) => expect(reports[1]?.cause?.id).toBe("origin-refused"),
  },
  {
    name: "credentials off",
    options: (pages) => ({ origins: [pages.a.origin] }),
    requests: [{ from: "a", path: "/items", credentials: true, before: "blocked" }],
  },
  {
    name: "a custom request header not allowed",
    options: (pages) => ({ origins: [pages.a.origin] }),
    requests: [
      { from: "a", path: "/items", headers: { "X-Requested-With": "fetch" }, before: "allowed" },
      { from: "a", path: "/items", headers: { "X-Api-Key": "k" }, before: "blocked" },
    ],
    check: (reports) => {
      expect(reports[1]?.cause?.id).toBe("header-refused");
      expect(reports[1]?.server.kind).toBe("crossgate");
    },
  },
  {
    name: "any origin with credentials",
    options: () => ({ origins: "*", credentials: true, dangerouslyAllowAnyOriginWithCredentials: true }),
    requests: [{ from: "a", path: "/items", credentials: true, before: "allowed" }],
    check: (reports) => expect(reports[0]?.security.map((f) => f.id)).toEqual(["origin-reflected-with-credentials"]),
  },
  {
    name: "max-age 0",
    options: (pages) => ({ origins: [pages.a.origin], maxAgeSeconds: 0 }),
    requests: [{ from: "a", path: "/items", headers: { "X-Requested-With": "fetch" }, before: "allowed" }],
    check: (reports) => expect(reports[0]?.fix).toBeNull(),
  },
];

// ------------------------------------------------------------------ running one request both ways

const blankPage = (_req: IncomingMessage, res: ServerResponse) => void res.writeHead(200, { "Content-Type": "text/html" }).end("<!doctype html><title>page</title>");

async function startPages(): Promise<Pages> {
  const [a, b] = await Promise.all([startLoopbackServer(blankPage, { alsoIPv6: false }), startLoopbackServer(blankPage, { alsoIPv6: false })]);
  const server: HttpsServer = createHttpsServer(makeTestCertificate(["localhost"]), blankPage);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const secure = {
    origin: `https://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
  };
  return { a, b, secure };
}

/** A TLS-terminating proxy in front of Django, telling it the request was secure (X-Forwarded-Proto). */
async function startTlsProxy(target: string): Promise<{ origin: string; close(): Promise<void> }> {
  const server = createHttpsServer(makeTestCertificate(["localhost"]), (req, res) => {
    const headers = { ...req.headers, "x-forwarded-proto": "https" };
    const upstream = httpRequest(`${target}${req.url ?? "/"}`, { method: req.method, headers, agent: false }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.rawHeaders);
      answer.pipe(res);
    });
    upstream.on("error", () => void res.writeHead(502).end());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    origin: `https://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
  };
}

/** The CSRF cookie and token, as the page's browser would hold them after GET /api/csrf/. */
async function csrfPair(api: string): Promise<{ cookie: string; token: string }> {
  const answer = await httpTransport({ insecure: true })({ method: "GET", url: `${api}/api/csrf/`, headers: [] });
  const setCookie = answer.headers.find(([name]) => name.toLowerCase() === "set-cookie")?.[1] ?? "";
  const { csrfToken } = JSON.parse(answer.bodyPreview) as { csrfToken: string };
  return { cookie: setCookie.split(";")[0] ?? "", token: csrfToken };
}

/**
 * Runs `requests` in Chromium, in one fresh context (a new browser profile's caches, as a user
 * reloading after a fix would have after a restart), and each through the doctor.
 */
async function runAll(browser: HarnessBrowser, pages: Pages, api: string, requests: readonly CaseRequest[]): Promise<Outcome[]> {
  const session = await browser.newSession();
  const outcomes: Outcome[] = [];
  try {
    let at: From | null = null;
    for (const request of requests) {
      const page = pages[request.from];
      if (at !== request.from) {
        await session.goto(`${page.origin}/`);
        at = request.from;
      }
      const headers = { ...(request.headers ?? {}) };
      const seen = await session.evaluate<Outcome["browser"], { url: string; api: string; init: RequestInit; csrfToken: boolean }>(
        async ({ url, api, init, csrfToken }) => {
          try {
            const headers = new Headers(init.headers);
            if (csrfToken) {
              const answer = await fetch(`${api}/api/csrf/`, { credentials: "include" });
              headers.set("X-CSRFToken", ((await answer.json()) as { csrfToken: string }).csrfToken);
            }
            const response = await fetch(url, { ...init, headers });
            await response.text();
            return { ok: true, status: response.status };
          } catch (error) {
            return { ok: false, error: String(error) };
          }
        },
        {
          url: `${api}${request.path}`,
          api,
          init: { method: request.method ?? "GET", headers, credentials: request.credentials === true ? "include" : "same-origin" },
          csrfToken: request.csrfToken === true,
        },
      );
      // The doctor replays the page's real request: with --cookie and the token header when the page has them.
      const pair = request.csrfToken === true ? await csrfPair(api) : null;
      const report = await doctor(
        {
          url: `${api}${request.path}`,
          origin: page.origin,
          method: request.method ?? "GET",
          headers: pair === null ? headers : { ...headers, "X-CSRFToken": pair.token },
          credentials: request.credentials === true,
          ...(pair !== null ? { cookie: pair.cookie } : {}),
        },
        { errorProbe: false, insecure: true },
      );
      // Chromium prints the doctor's predicted console line (its CORS sentence, at least).
      if (!seen.ok && report.failure !== null) {
        const predicted = report.failure.messages.chrome.replace(/^.*has been blocked by CORS policy: /, "");
        await session.waitForMessage(predicted);
      }
      outcomes.push({ browser: seen, report });
    }
  } finally {
    await session.close();
  }
  return outcomes;
}

function describeOutcome(request: CaseRequest, outcome: Outcome): string {
  return `${request.method ?? "GET"} ${request.path} from ${request.from}: Chromium ${JSON.stringify(outcome.browser)}, doctor ${outcome.report.verdict} (${outcome.report.rule ?? outcome.report.cause?.id ?? "-"})`;
}

/** Both agree, and both succeed: Chromium reads a 2xx, the doctor finds nothing to fix. */
function expectSuccess(request: CaseRequest, outcome: Outcome): void {
  const what = describeOutcome(request, outcome);
  expect(outcome.browser.ok && (outcome.browser.status ?? 0) < 400, what).toBe(true);
  expect(outcome.report.verdict, what).toBe("allowed");
  expect(outcome.report.fix, what).toBeNull();
  expect(outcome.report.security, what).toEqual([]);
}

/** Chromium's verdict is the doctor's, both are the case's, and whatever fails or is unsafe has a fix. */
function expectAgreement(requests: readonly (CaseRequest & { readonly before: "allowed" | "blocked" })[], outcomes: readonly Outcome[]): DoctorReport[] {
  requests.forEach((request, i) => {
    const outcome = outcomes[i] as Outcome;
    const what = describeOutcome(request, outcome);
    expect(outcome.browser.ok ? "allowed" : "blocked", what).toBe(request.before);
    expect(outcome.report.verdict, what).toBe(request.before);
    if (!outcome.browser.ok || (outcome.browser.status ?? 0) >= 400 || outcome.report.security.length > 0) expect(outcome.report.fix, what).not.toBeNull();
  });
  return outcomes.map((o) => o.report);
}

/** After the fix: every request of the case, at the URL the fix says to call, succeeds both ways. */
async function expectAllSucceed(browser: HarnessBrowser, pages: Pages, api: string, requests: readonly CaseRequest[], reports: readonly DoctorReport[]): Promise<void> {
  const fixed = requests.map((request, i) => {
    const callUrl = reports[i]?.fix?.callUrl ?? null;
    return callUrl === null ? request : { ...request, path: `${new URL(callUrl).pathname}${new URL(callUrl).search}` };
  });
  const after = await runAll(browser, pages, api, fixed);
  fixed.forEach((request, i) => expectSuccess(request, after[i] as Outcome));
}

// ------------------------------------------------------------------ the suite

/** A case restarts Django and drives Chromium twice: a few seconds, far more on a machine under heavy load. */
const CASE_TIMEOUT_MS = 90_000;

const missing = browserIsMissingLocally("chromium") || djangoIsMissingLocally() || !opensslAvailable();

describe.skipIf(missing)("the doctor's fix, pasted, makes every request of the case work [chromium]", () => {
  let browser: HarnessBrowser;
  let pages: Pages;
  const djangos = new Map<string, { django: DjangoServer; proxy: { origin: string; close(): Promise<void> } | null }>();

  beforeAll(async () => {
    [browser, pages] = await Promise.all([launchChromium({ acceptInsecureCerts: true }), startPages()]);
    // Every case's Django at once: they are separate processes on separate ports.
    await Promise.all(
      djangoCases.map(async (testCase) => {
        const settings = testCase.settings.replaceAll("{a}", pages.a.origin).replaceAll("{b}", pages.b.origin).replaceAll("{secure}", pages.secure.origin);
        const django = await startDjango({ settings, urls, views });
        djangos.set(testCase.name, { django, proxy: testCase.https === true ? await startTlsProxy(django.origin) : null });
      }),
    );
  }, 120_000);

  afterAll(async () => {
    await Promise.all([...djangos.values()].map(async ({ django, proxy }) => Promise.all([django.stop(), proxy?.close()])));
    await Promise.all([browser?.close(), pages?.a.close(), pages?.b.close(), pages?.secure.close()]);
  });

  describe("Django + django-cors-headers", () => {
    for (const testCase of djangoCases) {
      it(testCase.name, async () => {
        const running = djangos.get(testCase.name);
        if (running === undefined) throw new Error("not started");
        const api = running.proxy?.origin ?? running.django.origin;

        const reports = expectAgreement(testCase.requests, await runAll(browser, pages, api, testCase.requests));
        testCase.check?.(reports);

        const django = [...new Set(reports.flatMap((r) => (r.fix !== null && r.fix.changes.length > 0 ? [r.fix.django] : [])))];
        if (django.length > 0) await running.django.appendSettings(django.join("\n\n"));
        await expectAllSucceed(browser, pages, api, testCase.requests, reports);
      }, CASE_TIMEOUT_MS);
    }
  });

  describe("crossgate", () => {
    for (const testCase of crossgateCases) {
      it(testCase.name, async () => {
        let options = testCase.options(pages);
        let middleware = cors(options);
        const server = createServer((req, res) => middleware(req, res, () => void res.writeHead(200, json).end('{"ok":true}')));
        await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
        const api = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
        try {
          const reports = expectAgreement(testCase.requests, await runAll(browser, pages, api, testCase.requests));
          testCase.check?.(reports);

          // The printed options, applied as a user pasting the snippet over their own options would.
          for (const report of reports) if (report.fix !== null) options = applyCrossgatePatch(options, report.fix.crossgateOptions);
          middleware = cors(options);
          await expectAllSucceed(browser, pages, api, testCase.requests, reports);
        } finally {
          server.closeAllConnections();
          await new Promise<void>((resolve) => server.close(() => resolve()));
        }
      }, CASE_TIMEOUT_MS);
    }
  });
});
