// Why it fails, from what the responses show, before any advice: did the CORS layer run for this
// URL at all, did it refuse the origin, the credentials, a method or a header, is a redirect or a
// proxy in the way, did the app fail, did a CSRF guard refuse? Where one more request settles the
// question (the URL with its trailing slash, another path on the server, the same URL with a GET),
// the doctor sends it (extra-probe.ts) and says what it showed.
import { corsCheck } from "./cors-check.ts";
import { corsLayerEvidence, type Prober } from "./extra-probe.ts";
import { planFor, type FixContext, type FixPlan } from "./fixes.ts";
import { pathPrefix } from "./fix-snippets.ts";
import { getHeader } from "./http-tokens.ts";
import { preflightCheck } from "./preflight-check.ts";
import type { Cause, CauseId, DoctorReport, Step } from "./report.ts";
import { preflightNeed } from "./safelist.ts";
import { serverErrorLine } from "./server-words.ts";

export interface CauseInput {
  readonly report: DoctorReport;
  /** The body (preview) of a step's response. */
  bodyOf(step: Step): string;
  readonly prober: Prober;
  /** What the failure's fix was computed from; null when the request was allowed. */
  readonly fixContext: FixContext | null;
}

export interface CauseResult {
  readonly cause: Cause | null;
  /** A better fix than the failing rule's own, when the cause calls for one. */
  readonly plan: FixPlan | null;
}

/** Django's message when APPEND_SLASH meets a POST (or PUT, PATCH) to a URL without its slash. */
const APPEND_SLASH_ERROR = /doesn't end in a slash and you have APPEND_SLASH set/;

const NONE: CauseResult = { cause: null, plan: null };

/** Classifies the cause of `input.report`'s failure (or of a readable failing response). */
export async function classifyCause(input: CauseInput): Promise<CauseResult> {
  const { report } = input;
  if (report.verdict === "error") return NONE;
  if (report.failure === null) return classifyReadableFailure(input);
  const failure = report.failure;
  const step = report.steps[failure.step];
  if (step === undefined || step.response === null) return NONE;
  const context = input.fixContext;
  if (context === null) return NONE;
  const evidence: string[] = [];
  const ran = corsLayerEvidence(step.response.headers);
  const where = `${step.kind === "preflight" ? "The preflight" : "The response"} (${step.request.method} ${step.request.url}, ${step.response.status})`;

  const result = (id: CauseId, summary: string, plan: FixPlan | null = null): CauseResult => ({
    cause: { id, summary, evidence, probes: input.prober.probes },
    plan,
  });

  // A redirect in the way: the trailing slash (Django's APPEND_SLASH), http to https, elsewhere.
  const location = step.location ?? redirectTarget(step);
  // (A redirect that carries CORS headers and still fails is about them: classified below.)
  if (location !== null && (failure.rule === "preflight-redirected" || ran === null)) {
    return classifyRedirect(input, step, location, ran, evidence, result);
  }

  if (failure.rule === "redirect-tainted-origin") {
    evidence.push(`${report.request.url} redirected to another origin, so the browser sent \`Origin: null\` there.`);
    return result("redirect", "A redirect to another origin is in the way: the browser sends `Origin: null` after it.");
  }

  if (failure.rule === "multiple-allow-origin" && getHeaderCount(step, "access-control-allow-origin") > 1) {
    evidence.push(`${where} sends Access-Control-Allow-Origin more than once: two layers answer CORS.`);
    return result("proxy-duplicate", "A proxy or CDN in front of the app adds its own CORS headers on top of the app's.");
  }

  if (ran === null) {
    if (step.response.status >= 500) {
      const words = serverErrorLine(input.bodyOf(step));
      evidence.push(`${where} carries no CORS headers.`);
      if (words !== null) evidence.push(`The server says: ${words.line}`);
      return result("app-error", `The server failed (${step.response.status}) and its error response carries no CORS headers.${words ? ` It says: ${words.line}` : ""}`, {
        summary: `Fix the server error${words ? ` (${words.line})` : ""}, and run the CORS middleware first so error responses carry CORS headers and the page can read them.`,
        changes: [{ kind: "cors-first" }],
        elsewhere: `fix the ${step.response.status} in the server${words ? `: ${words.line}` : ""}`,
      });
    }
    return classifyCorsNotRun(input, step, where, evidence, result);
  }

  evidence.push(`${where} shows the CORS layer ran (${ran}).`);
  switch (failure.rule) {
    case "missing-allow-origin":
    case "allow-origin-mismatch":
    case "allow-origin-invalid":
    case "preflight-not-ok":
      return classifyRefusal(input, step, evidence, result);
    case "allow-credentials-not-true":
    case "wildcard-with-credentials":
      return result("credentials-refused", `The origin is allowed, but not with credentials.`);
    case "method-not-allowed":
      return result("method-refused", `The CORS layer does not allow the method ${step.request.headers.find(([n]) => n === "Access-Control-Request-Method")?.[1] ?? ""}.`);
    case "header-not-allowed":
    case "authorization-not-covered-by-wildcard":
      return result("header-refused", `The CORS layer does not allow a request header the page sends.`);
    default:
      return result("cors-misconfigured", "The CORS layer answered with headers the browser cannot accept.");
  }
}

type Make = (id: CauseId, summary: string, plan?: FixPlan | null) => CauseResult;

function redirectTarget(step: Step): string | null {
  if (step.response === null || step.response.status < 300 || step.response.status > 399) return null;
  const location = getHeader(step.response.headers, "location");
  if (location === null) return null;
  try {
    return new URL(location, step.request.url).href;
  } catch {
    return null;
  }
}

function getHeaderCount(step: Step, name: string): number {
  return step.response?.headers.filter(([n]) => n.toLowerCase() === name).length ?? 0;
}

async function classifyRedirect(input: CauseInput, step: Step, location: string, ran: string | null, evidence: string[], result: Make): Promise<CauseResult> {
  const { report, prober } = input;
  const from = new URL(step.request.url);
  const to = new URL(location);
  const slash = from.origin === to.origin && to.pathname === `${from.pathname}/`;
  const https = from.protocol === "http:" && to.protocol === "https:" && from.hostname === to.hostname;
  const kind = slash ? "a trailing-slash redirect" : https ? "an http-to-https redirect" : "a redirect";
  evidence.push(`${step.request.method} ${step.request.url} is answered with ${step.response?.status} to ${location} (${kind})${ran === null ? ", without any CORS header" : ""}.`);
  const method = report.request.method;
  const unsafe = !["GET", "HEAD"].includes(method);

  // Settle whether CORS runs at the target: a preflight there (never the unsafe request itself).
  const origin = report.request.origin;
  const need = preflightNeed(method, report.request.headers);
  const probed = await prober.preflight(location, origin, method, need.unsafeHeaderNames);
  const there = probed === null ? null : corsLayerEvidence(probed.headers);
  prober.note("OPTIONS", location, origin, probed, probed === null ? "no response" : there === null ? "no CORS headers there either" : `the CORS layer runs there (${there})`);

  if (there === null && ran === null) {
    evidence.push(`A preflight to ${location} shows no CORS layer either.`);
  } else if (ran === null) {
    evidence.push(`A preflight to ${location} shows the CORS layer runs there (${there}): the redirect is answered by a layer that runs before the CORS middleware${slash ? " (Django: CommonMiddleware with APPEND_SLASH above CorsMiddleware)" : https ? " (Django: SecurityMiddleware with SECURE_SSL_REDIRECT)" : ""}.`);
  }

  // With CORS already on the redirect, only calling the target helps (a preflight is never redirected).
  const callUrl = (slash && unsafe) || ran !== null ? location : null;
  const changes = ran === null ? [{ kind: "cors-first" } as const] : [];
  const summaryParts = [
    `${step.request.url} redirects to ${location}${ran === null ? " before the CORS layer runs, so the redirect carries no CORS headers" : ""}.`,
    step.kind === "preflight" ? "Browsers never follow a redirect on a preflight." : "",
    slash && unsafe ? `Django cannot redirect a ${method} to the slash URL (APPEND_SLASH raises an error), so the page must call ${location}.` : "",
    ran === null && !(slash && unsafe) ? `Run the CORS middleware first (then ${step.kind === "preflight" ? "the preflight is answered before the redirect, and " : ""}the redirect carries CORS headers and the browser follows it), or call ${location} directly.` : "",
    ran === null && slash && unsafe ? "Also run the CORS middleware first, so redirects and errors carry CORS headers." : "",
  ].filter((p) => p !== "");
  return result("redirect", `${kind[0]?.toUpperCase()}${kind.slice(1)} is in the way${ran === null ? " and the CORS layer does not run on it" : ""}.`, {
    summary: summaryParts.join(" "),
    changes: there === null && ran === null ? corsNotRunChanges(input, new URL(location).pathname, "unknown") : changes,
    elsewhere: callUrl !== null ? `in the page, call ${callUrl} (with its trailing slash)` : null,
    callUrl,
  });
}

/** The changes that make the CORS layer handle `path`, as sure as the evidence allows. */
function corsNotRunChanges(input: CauseInput, path: string, installed: "yes" | "no" | "unknown"): FixPlan["changes"] {
  const allow = [{ kind: "add-origin", origin: input.report.request.origin } as const, ...(input.report.request.credentials ? [{ kind: "credentials" } as const] : [])];
  if (installed === "yes") return [{ kind: "cors-for-path", path }];
  if (installed === "no") return [{ kind: "cors-first" }, ...allow];
  return [{ kind: "cors-first" }, { kind: "cors-for-path", path }, ...allow];
}

async function classifyCorsNotRun(input: CauseInput, step: Step, where: string, evidence: string[], result: Make): Promise<CauseResult> {
  const { report, prober } = input;
  const origin = report.request.origin;
  const url = new URL(step.request.url);
  evidence.push(`${where} has no Vary: Origin and no Access-Control-* header: the CORS layer did not run for it.`);
  if (step.response !== null && [404, 405, 501].includes(step.response.status)) {
    evidence.push(`The ${step.response.status} comes from the framework's routing (${step.request.method} is not handled there).`);
  }

  // Does the CORS layer run anywhere on this server? Then it is installed and this URL is excluded.
  const candidates = [...new Set(["/", pathPrefix(url.pathname) === url.pathname ? null : pathPrefix(url.pathname), "/api/"].filter((p): p is string => p !== null && p !== url.pathname))];
  let elsewhere: string | null = null;
  const probedPaths: string[] = [];
  for (const path of candidates) {
    const target = new URL(path, url).href;
    const response = await prober.get(target, origin);
    if (response === null) continue;
    probedPaths.push(path);
    const seen = corsLayerEvidence(response.headers);
    prober.note("GET", target, origin, response, seen === null ? "no CORS layer" : `the CORS layer runs (${seen})`);
    if (seen !== null) {
      elsewhere = `${path} (${seen})`;
      break;
    }
  }
  const path = url.pathname;
  if (elsewhere !== null) {
    evidence.push(`GET ${elsewhere.replace(/ \(/, " shows the CORS layer runs there (")}: it is installed, and does not handle ${path}.`);
    return result(
      "cors-not-run",
      `The CORS layer is installed but does not handle ${path} (Django: CORS_URLS_REGEX does not match it; crossgate: urlFilter or a route list excludes it).`,
      {
        summary: `Make the CORS layer handle ${path}: django-cors-headers only runs where CORS_URLS_REGEX matches the path (crossgate: where urlFilter and route lists say).`,
        changes: corsNotRunChanges(input, path, "yes"),
      },
    );
  }
  evidence.push(
    prober.enabled
      ? `No other path probed (${probedPaths.join(", ") || "none answered"}) shows the CORS layer either.`
      : "Extra probes are off, so whether the CORS layer runs for other paths is not known.",
  );
  return result(
    "cors-not-run",
    `No response from this server shows a CORS layer: it is not installed (Django: CorsMiddleware missing from MIDDLEWARE), or something answers before it runs, or it is limited to paths not probed.`,
    {
      summary: `Install the CORS middleware first in the chain, so it runs before anything that answers early, and let it handle ${path}.`,
      changes: corsNotRunChanges(input, path, "unknown"),
    },
  );
}

async function classifyRefusal(input: CauseInput, step: Step, evidence: string[], result: Make): Promise<CauseResult> {
  const { report, prober } = input;
  const request = report.request;
  const allowOriginPlan = planFor({ rule: "missing-allow-origin", detail: "" }, input.fixContext as FixContext);
  if (step.kind !== "preflight") {
    return result("origin-refused", `The CORS layer ran and does not allow ${request.origin}.`, allowOriginPlan);
  }
  // A refused preflight: is it the origin, or the method or a header? A GET from the same origin settles it.
  if (!prober.enabled) {
    evidence.push("Extra probes are off, so whether the origin, the method or a header is refused is not settled.");
    return result("origin-refused", `The CORS layer ran and refused the preflight; most often the origin ${request.origin} is not allowed.`);
  }
  const probed = await prober.get(step.request.url, request.origin);
  const cors = probed === null ? null : corsCheck(request.origin, false, probed.headers);
  prober.note("GET", step.request.url, request.origin, probed, cors === null ? "no response" : cors.ok ? "the origin is allowed for a GET" : "the origin is not allowed for a GET either");
  if (cors === null || !cors.ok) {
    evidence.push(`A GET from ${request.origin} is not allowed either: the origin is refused.`);
    return result("origin-refused", `The CORS layer ran and does not allow ${request.origin}.`, allowOriginPlan);
  }
  evidence.push(`A GET from ${request.origin} is allowed: the preflight refusal is about the method or a header.`);
  const need = preflightNeed(request.method, request.headers);
  const question = (headers: readonly string[]) => ({
    origin: request.origin,
    credentials: request.credentials,
    method: request.method,
    headerNames: headers,
    unsafeHeaderNames: headers,
  });
  const methodOnly = await prober.preflight(step.request.url, request.origin, request.method);
  const methodOk = methodOnly !== null && preflightCheck(question([]), methodOnly.status, methodOnly.headers).failure === null;
  prober.note("OPTIONS", step.request.url, request.origin, methodOnly, methodOk ? `${request.method} alone is allowed` : `${request.method} alone is refused`);
  if (!methodOk) {
    evidence.push(`A preflight for ${request.method} with no extra header is refused too.`);
    return result("method-refused", `The CORS layer does not allow the method ${request.method}.`, planFor({ rule: "method-not-allowed", method: request.method, detail: "" }, input.fixContext as FixContext));
  }
  for (const header of need.unsafeHeaderNames) {
    const response = await prober.preflight(step.request.url, request.origin, request.method, [header]);
    const ok = response !== null && preflightCheck(question([header]), response.status, response.headers).failure === null;
    prober.note("OPTIONS", step.request.url, request.origin, response, ok ? `${header} is allowed` : `${header} is refused`);
    if (!ok && response !== null) {
      evidence.push(`A preflight naming only ${header} is refused.`);
      return result("header-refused", `The CORS layer does not allow the request header ${header}.`, planFor({ rule: "header-not-allowed", header, detail: "" }, input.fixContext as FixContext));
    }
  }
  return result("cors-misconfigured", "The preflight is refused, but no single method or header explains it.");
}

/** An allowed request whose response still fails: the app's 5xx, or a CSRF guard's 403. */
function classifyReadableFailure(input: CauseInput): CauseResult {
  const { report } = input;
  const step = report.steps[report.steps.length - 1];
  if (step === undefined || step.response === null) return NONE;
  const status = step.response.status;
  const where = `The response (${step.request.method} ${step.request.url}, ${status})`;
  const body = input.bodyOf(step);
  if (status >= 500) {
    const words = serverErrorLine(body);
    const evidence = [`${where} is readable: CORS allows it, but the server failed.`, ...(words ? [`The server says: ${words.line}`] : [])];
    const slashUrl = words !== null && APPEND_SLASH_ERROR.test(words.line) ? withSlash(step.request.url) : null;
    return {
      cause: { id: "app-error", summary: `The server failed with ${status}${words ? `: ${words.line}` : "."}`, evidence, probes: input.prober.probes },
      plan: slashUrl
        ? {
            summary: `Django cannot redirect a ${step.request.method} to the URL with its trailing slash (APPEND_SLASH): call ${slashUrl}.`,
            changes: [],
            elsewhere: `in the page, call ${slashUrl} (with its trailing slash)`,
            callUrl: slashUrl,
          }
        : {
            summary: `Not a CORS problem: the server failed with ${status}${words ? ` (${words.line})` : ""}. Fix the server error.`,
            changes: [],
            elsewhere: `fix the ${status} in the server${words ? `: ${words.line}` : ""}`,
          },
    };
  }
  const csrf = report.csrf;
  if (csrf !== null && csrf.refused && csrf.reason !== null) {
    const evidence = [`${where} is a CSRF refusal: ${csrf.reason}`];
    if (!csrf.cookieSent) evidence.push("The doctor's probe carried no cookie and no CSRF token, unlike the page's request.");
    if (csrf.originRefused) {
      return {
        cause: { id: "csrf-refused", summary: `The CSRF guard does not trust ${report.request.origin}: ${csrf.reason}`, evidence, probes: input.prober.probes },
        plan: {
          summary: `Trust ${report.request.origin} for unsafe requests: Django checks CSRF_TRUSTED_ORIGINS, apart from the CORS list (crossgate's csrf() trusts the CORS origins, plus trustedOrigins).`,
          changes: [{ kind: "csrf-trust-origin", origin: report.request.origin }],
        },
      };
    }
    return {
      cause: { id: "csrf-refused", summary: `The CSRF guard refused the request: ${csrf.reason}`, evidence, probes: input.prober.probes },
      plan: csrf.cookieSent
        ? null
        : {
            summary: `The doctor's probe carries no cookie and no token, so this refusal may not be the page's. Replay the page's request: --cookie 'csrftoken=…' -H 'X-CSRFToken: …'.`,
            changes: [],
            elsewhere: "the page must send the CSRF cookie (credentials: \"include\") and the token header (X-CSRFToken); replay with --cookie and -H to check",
          },
    };
  }
  return NONE;
}

function withSlash(url: string): string {
  const parsed = new URL(url);
  if (!parsed.pathname.endsWith("/")) parsed.pathname += "/";
  return parsed.href;
}
