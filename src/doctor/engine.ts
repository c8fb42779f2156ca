// Replays a page's cross-origin request step by step, as the Fetch standard's main fetch does:
// same-origin or CORS, preflight when needed, the CORS check on every response, redirects by
// hand. No I/O of its own: requests go through the `Transport` it is given.
import { corsCheck, type CorsCheckResult } from "./cors-check.ts";
import { exposedHeadersOf } from "./exposed-headers.ts";
import type { Finding } from "./finding.ts";
import { advise } from "./advise.ts";
import { csrfReason, isOriginCsrfReason } from "./csrf-reason.ts";
import { fixFor, type FixContext } from "./fixes.ts";
import { getHeader, hasHeader, type HeaderPair } from "./http-tokens.ts";
import { browserMessages } from "./messages.ts";
import { includesCredentials, originOf, serializeRequestOrigin } from "./origin.ts";
import { pageBlockerFor, reportOnlyWarnings, type PageBlocker, type PageContext } from "./page-blockers.ts";
import { preflightCacheOf } from "./preflight-cache.ts";
import { refusalHeaderNotes } from "./refusal-header.ts";
import { corsCheckAsCheck, isRedirectStatus, preflightCheck } from "./preflight-check.ts";
import type { AddressSpace } from "../client/address-space.ts";
import type { Check, CsrfReadability, DoctorReport, DoctorRequest, Failure, PageReport, PreflightCache, Step, Warning } from "./report.ts";
import { RULE_SUMMARIES } from "./rules.ts";
import { preflightNeed } from "./safelist.ts";
import { secFetchHeaders } from "./sec-fetch.ts";
import type { ServerKind } from "./server-kind.ts";
import { duplicateCorsHeaderWarnings, maxAgeWarnings, nullOriginWarnings, varyWarnings } from "./warnings.ts";

/** One HTTP request, exactly as it goes on the wire. */
export interface WireRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: readonly HeaderPair[];
  /** Read this many bytes of the body instead of the first kilobyte (the page read needs its `<head>`). */
  readonly bodyLimit?: number;
  /** A request body (only the `--login` request has one). */
  readonly body?: string;
}

/** One HTTP response: status, headers as received (repeats kept), and the start of the body. */
export interface WireResponse {
  readonly status: number;
  readonly headers: readonly HeaderPair[];
  /** Up to the first 8 KiB of the body, as text (enough for the reason on a framework's error page). */
  readonly bodyPreview: string;
}

type MutableStep = { -readonly [K in keyof Step]: Step[K] };

/** Sends one request without following redirects and without cookies. Rejects on network errors. */
export type Transport = (request: WireRequest) => Promise<WireResponse>;

export interface DiagnoseOptions {
  /**
   * After an allowed request, also GET a path that should not exist (below the final URL) to see
   * whether error responses carry CORS headers.
   * @default true
   */
  readonly errorProbe?: boolean;
  /**
   * Apply the Fetch standard exactly where today's browsers are laxer (`Authorization` covered
   * by `Access-Control-Allow-Headers: *`).
   * @default false
   */
  readonly strict?: boolean;
  /** Warnings found while reading the input, put first in the report. @default [] */
  readonly inputWarnings?: readonly Warning[];
  /**
   * The page the request comes from: its URL, Content-Security-Policy and address space. Mixed
   * content is always checked (from the origin when no page is given); CSP and Local Network
   * Access only when the page was read. @default the origin, with no policy
   */
  readonly page?: PageContext;
  /** What the page read showed, copied into the report. @default none */
  readonly pageReport?: PageReport;
  /** The address space the request's host resolved to. @default judged from the host literal */
  readonly targetAddressSpace?: AddressSpace;
  /** The server to write fixes for first; recognised from the responses when absent. */
  readonly server?: ServerKind;
  /**
   * Send extra requests to settle a failure's cause, and, for an allowed credentialed request,
   * check that origins nobody lists are not let in (the reflection audit).
   * @default true
   */
  readonly extraProbes?: boolean;
}

/** The most redirects a fetch follows. See Fetch standard, "HTTP-redirect fetch" step 7. */
export const MAX_REDIRECTS = 20;

/** Headers removed when a redirect turns the request into a GET. See Fetch, "request-body-header name". */
const REQUEST_BODY_HEADERS = ["content-encoding", "content-language", "content-location", "content-type"];

/** Path below the final URL that the error probe requests. */
export const ERROR_PROBE_SEGMENT = "crossgate-doctor-not-found";

/** Diagnoses `request`, sending what a browser would send through `send`. Never throws. */
export async function diagnose(request: DoctorRequest, send: Transport, options: DiagnoseOptions = {}): Promise<DoctorReport> {
  const steps: Step[] = [];
  const warnings: Warning[] = [...(options.inputWarnings ?? [])];
  const firstNeed = preflightNeed(request.method, request.headers);

  const urls: URL[] = [new URL(request.url)];
  let method = request.method;
  let headers: HeaderPair[] = [...request.headers];
  let tainting: "basic" | "cors" = "basic";
  let failure: { finding: Finding; step: number; preflight: boolean; requestOrigin: string } | null = null;
  let preflightCache: PreflightCache | null = null;
  let allowLists: { methods: readonly string[] | null; headers: readonly string[] | null } = { methods: null, headers: null };
  let finalResponse: WireResponse | null = null;
  let finalCors: CorsCheckResult | null = null;
  let everPreflighted = false;
  let pageFailure: { blocker: PageBlocker; step: number } | null = null;
  const page: PageContext | null = options.page ?? (request.origin === "null" ? null : { url: `${request.origin}/`, policies: [] });

  // Every response, by the request that got it: advice reads the bodies the steps leave out.
  const responses = new Map<WireRequest, WireResponse>();
  const attempt = async (wire: WireRequest): Promise<WireResponse | { error: string }> => {
    try {
      const response = await send(wire);
      responses.set(wire, response);
      return response;
    } catch (error) {
      return { error: errorCode(error) };
    }
  };

  for (let hop = 0; ; hop++) {
    const current = urls[urls.length - 1] as URL;
    // Main fetch: same-origin requests that were never redirected cross-origin skip CORS entirely.
    const sameOrigin = tainting === "basic" && originOf(current) === request.origin;
    const requestOrigin = serializeRequestOrigin(request.origin, urls);
    const tainted = requestOrigin === "null" && request.origin !== "null";
    const fetchMetadata = [...secFetchHeaders(request.origin, urls), ...refererHeader(request.origin, current)];
    const originNote = tainted ? ["Origin is null: the request was redirected from one origin to another (Fetch standard, redirect-taint)."] : [];

    // Fetch standard, main fetch step 7: mixed content and the page's CSP block the request before
    // any byte is sent, preflight included, on every hop.
    const blocker = page === null ? null : pageBlockerFor(page, current, hop, hop === 0 ? options.targetAddressSpace : undefined);
    if (blocker !== null) {
      steps.push({
        kind: "actual",
        hop,
        request: { method, url: current.href, headers: [] },
        response: null,
        mode: sameOrigin ? "same-origin" : "cors",
        checks: [{ id: "page-policy", ok: false, detail: blocker.detail }],
        notes: ["Not sent: the browser blocks it in the page, before any network request (no preflight either)."],
      });
      pageFailure = { blocker, step: steps.length - 1 };
      break;
    }

    if (!sameOrigin) {
      tainting = "cors";
      const need = preflightNeed(method, headers);
      if (need.needed) {
        everPreflighted = true;
        // Fetch standard, "CORS-preflight fetch" steps 1-5: OPTIONS, Accept */*, the method and the
        // unsafe header names (lower-cased, sorted, joined by "," without spaces); never credentials.
        const preflightHeaders: HeaderPair[] = [
          ["Accept", "*/*"],
          ["Origin", requestOrigin],
          ["Access-Control-Request-Method", method],
          ...(need.unsafeHeaderNames.length > 0 ? [["Access-Control-Request-Headers", need.unsafeHeaderNames.join(",")] as const] : []),
          ...fetchMetadata,
        ];
        const wire: WireRequest = { method: "OPTIONS", url: current.href, headers: preflightHeaders };
        const response = await attempt(wire);
        if ("error" in response) {
          steps.push({ kind: "preflight", hop, request: wire, response: null, mode: "cors", checks: [], notes: [`No response: ${response.error}.`] });
          failure = { finding: networkFinding(response.error, current.href), step: steps.length - 1, preflight: true, requestOrigin };
          break;
        }
        const result = preflightCheck(
          {
            origin: requestOrigin,
            credentials: request.credentials,
            method,
            headerNames: headers.map(([name]) => name),
            unsafeHeaderNames: need.unsafeHeaderNames,
            strict: options.strict === true,
          },
          response.status,
          response.headers,
        );
        allowLists = { methods: result.allowMethods, headers: result.allowHeaders };
        warnings.push(...result.warnings);
        steps.push({
          kind: "preflight",
          hop,
          request: wire,
          response: { status: response.status, headers: response.headers },
          mode: "cors",
          checks: result.checks,
          notes: [...originNote, "Sent without cookies or other credentials: preflights never carry them.", ...need.reasons.map((r) => `Preflighted because ${r}.`), ...refusalHeaderNotes(response.headers)],
        });
        if (result.failure !== null) {
          failure = { finding: taintAware(result.failure, tainted), step: steps.length - 1, preflight: true, requestOrigin };
          break;
        }
        preflightCache = preflightCacheOf(response.headers);
      }
    }

    // The request itself. Fetch standard, "HTTP-network-or-cache fetch": Origin goes on every CORS
    // request and on every non-GET/HEAD request, even same-origin ones.
    const actualHeaders: HeaderPair[] = [
      ...(hasHeader(headers, "accept") ? [] : [["Accept", "*/*"] as const]),
      ...headers,
      ...(!sameOrigin || (method !== "GET" && method !== "HEAD") ? [["Origin", requestOrigin] as const] : []),
      ...fetchMetadata,
      // Cookies go on the request itself, never on a preflight (Fetch, "CORS-preflight fetch" step 3).
      ...(typeof request.cookie === "string" && request.credentials ? [["Cookie", request.cookie] as const] : []),
    ];
    const wire: WireRequest = { method, url: current.href, headers: actualHeaders };
    const response = await attempt(wire);
    const notes: string[] = [
      ...originNote,
      ...(sameOrigin ? ["Same-origin request: CORS checks do not apply."] : []),
      ...(request.credentials && typeof request.cookie !== "string" ? ['credentials: "include": a browser would also send its cookies; the doctor sends none (pass --cookie to send the page\'s).'] : []),
    ];
    if ("error" in response) {
      steps.push({ kind: "actual", hop, request: wire, response: null, mode: sameOrigin ? "same-origin" : "cors", checks: [], notes: [...notes, `No response: ${response.error}.`] });
      failure = { finding: networkFinding(response.error, current.href), step: steps.length - 1, preflight: false, requestOrigin };
      break;
    }

    notes.push(...refusalHeaderNotes(response.headers));
    const location = isRedirectStatus(response.status) ? getHeader(response.headers, "location") : null;
    const checks: Check[] = [];
    // Fetch standard, "HTTP fetch": the CORS check runs on every response, a redirect's included,
    // before the redirect is followed.
    const cors = sameOrigin ? null : corsCheck(requestOrigin, request.credentials, response.headers);
    if (cors !== null) checks.push(corsCheckAsCheck(cors));
    const step: MutableStep = {
      kind: location === null ? "actual" : "redirect",
      hop,
      request: wire,
      response: { status: response.status, headers: response.headers },
      mode: sameOrigin ? "same-origin" : "cors",
      checks,
      notes,
    };
    steps.push(step);

    if (cors !== null && !cors.ok) {
      failure = {
        finding: taintAware(
          { rule: cors.rule, status: response.status, detail: cors.detail, allowOrigin: cors.allowOrigin, repeated: cors.repeated, allowCredentials: cors.allowCredentials },
          tainted,
        ),
        step: steps.length - 1,
        preflight: false,
        requestOrigin,
      };
      if (location === null) {
        finalResponse = response;
        finalCors = cors;
      }
      break;
    }

    if (location === null) {
      finalResponse = response;
      finalCors = cors;
      break;
    }

    // Fetch standard, "HTTP-redirect fetch".
    const redirectFailure = (finding: Finding) => {
      checks.push({ id: "redirect-location", ok: false, detail: finding.detail });
      failure = { finding, step: steps.length - 1, preflight: false, requestOrigin };
    };
    let next: URL;
    try {
      next = new URL(location, current);
    } catch {
      redirectFailure({ rule: "redirect-location-invalid", status: response.status, location, detail: `Location ${JSON.stringify(location)} is not a valid URL.` });
      break;
    }
    step.location = next.href;
    if (next.protocol !== "http:" && next.protocol !== "https:") {
      redirectFailure({ rule: "redirect-not-http", status: response.status, location: next.href, detail: `Location ${JSON.stringify(location)} is not an http(s) URL.` });
      break;
    }
    if (urls.length - 1 >= MAX_REDIRECTS) {
      redirectFailure({ rule: "redirect-limit-exceeded", status: response.status, location: next.href, detail: `More than ${MAX_REDIRECTS} redirects.` });
      break;
    }
    if (includesCredentials(next) && (tainting === "cors" || originOf(next) !== request.origin)) {
      redirectFailure({ rule: "redirect-with-credentials", status: response.status, location: next.href, detail: `Location ${JSON.stringify(location)} contains a username or password.` });
      break;
    }
    checks.push({ id: "redirect-location", ok: true, detail: `Redirect to ${next.href}.` });
    // 301/302 turn POST into GET; 303 turns anything but GET/HEAD into GET, dropping the body headers.
    if (((response.status === 301 || response.status === 302) && method === "POST") || (response.status === 303 && method !== "GET" && method !== "HEAD")) {
      notes.push(`The ${response.status} turns ${method} into GET and drops the body headers.`);
      method = "GET";
      headers = headers.filter(([name]) => !REQUEST_BODY_HEADERS.includes(name.toLowerCase()));
    }
    // A cross-origin hop drops Authorization (a "CORS non-wildcard request-header name").
    if (originOf(current) !== originOf(next) && hasHeader(headers, "authorization")) {
      notes.push("Authorization is dropped on a redirect to another origin.");
      headers = headers.filter(([name]) => name.toLowerCase() !== "authorization");
    }
    urls.push(next);
  }

  // ------------------------------------------------------------- the report
  const allowed = failure === null && pageFailure === null;
  const finalStep = steps[steps.length - 1];
  const finalUrl = finalStep?.request.url ?? request.url;

  const fixContextOf = (preflight: boolean): FixContext => ({
    origin: request.origin,
    credentials: request.credentials,
    preflight,
    initialUrl: request.url,
    url: steps[failure?.step ?? steps.length - 1]?.request.url ?? request.url,
    allowMethods: allowLists.methods,
    allowHeaders: allowLists.headers,
    ...(options.server !== undefined ? { server: options.server } : {}),
  });

  let failureReport: Failure | null = null;
  if (pageFailure !== null) {
    const { blocker } = pageFailure;
    failureReport = { rule: blocker.rule, step: pageFailure.step, summary: blocker.summary, detail: blocker.detail, messages: blocker.messages, fix: blocker.fix };
  } else if (failure !== null) {
    const failedStep = steps[failure.step] as Step;
    failureReport = {
      rule: failure.finding.rule,
      step: failure.step,
      summary: RULE_SUMMARIES[failure.finding.rule],
      detail: failure.finding.detail,
      messages: browserMessages(failure.finding, {
        url: failedStep.request.url,
        initialUrl: request.url,
        pageOrigin: request.origin,
        requestOrigin: failure.requestOrigin,
        preflight: failure.preflight,
        method: failedStep.request.method,
      }),
      fix: fixFor(failure.finding, fixContextOf(failure.preflight)),
    };
  }

  const exposedHeaders =
    allowed && finalResponse !== null
      ? finalCors === null
        ? exposedHeadersOf(finalResponse.headers, request.credentials, true)
        : exposedHeadersOf(finalResponse.headers, request.credentials, false)
      : null;

  let csrf: CsrfReadability | null = null;
  if (request.credentials && !["GET", "HEAD", "OPTIONS", "TRACE"].includes(request.method) && finalResponse !== null) {
    const refused = finalResponse.status === 403 || finalResponse.status === 419;
    const reason = refused ? csrfReason(finalResponse.bodyPreview) : null;
    csrf = {
      status: finalResponse.status,
      refused,
      readable: allowed,
      bodyPreview: refused ? finalResponse.bodyPreview.slice(0, 1024) : null,
      cookieSent: typeof request.cookie === "string",
      reason,
      originRefused: reason !== null && isOriginCsrfReason(reason),
    };
    if (refused && !allowed) {
      warnings.push({
        id: "csrf-refusal-unreadable",
        message: `The server refused the ${request.method} with ${finalResponse.status}${typeof request.cookie !== "string" ? " (the doctor sent no cookie and no CSRF token)" : ""}, but that response fails the CORS check: the page only sees "TypeError: Failed to fetch", never the reason. Run the CORS middleware before the CSRF guard so refusals carry CORS headers.`,
      });
    }
  }

  warnings.push(...duplicateCorsHeaderWarnings(steps));
  if (finalCors !== null) warnings.push(...varyWarnings(finalResponse));
  warnings.push(...maxAgeWarnings(preflightCache));
  warnings.push(...nullOriginWarnings(steps, request.origin));
  if (page !== null) warnings.push(...reportOnlyWarnings(page, new URL(request.url)));

  if (allowed && finalCors !== null && finalResponse !== null && finalResponse.status < 400 && options.errorProbe !== false) {
    warnings.push(...(await errorProbe(new URL(finalUrl), request, urls, send)));
  }

  const report: DoctorReport = {
    version: 1,
    verdict: pageFailure !== null ? "blocked" : failure === null ? "allowed" : failure.finding.rule === "network-error" ? "error" : "blocked",
    rule: pageFailure?.blocker.rule ?? failure?.finding.rule ?? null,
    request,
    preflight: { needed: everPreflighted || (firstNeed.needed && originOf(new URL(request.url)) !== request.origin), reasons: firstNeed.reasons },
    steps,
    failure: failureReport,
    exposedHeaders,
    preflightCache,
    csrf,
    warnings,
    ...(options.pageReport !== undefined ? { page: options.pageReport } : {}),
    server: { kind: "unknown", source: "none", evidence: null },
    cause: null,
    fix: failureReport?.fix ?? null,
    security: [],
    info: [],
  };
  return advise(report, {
    send,
    bodyOf: (step) => (responses.get(step.request as WireRequest)?.bodyPreview ?? ""),
    fixContext: failure === null ? null : fixContextOf(failure.preflight),
    ...(options.server !== undefined ? { server: options.server } : {}),
    extraProbes: options.extraProbes !== false,
  });
}

/**
 * The Referer a browser sends under the default policy, strict-origin-when-cross-origin: the page's
 * origin and "/" (the doctor knows no path), nothing from an opaque origin or on https to http.
 * See the Referrer Policy standard, "determine request's referrer". Django checks it on HTTPS.
 */
function refererHeader(pageOrigin: string, target: URL): HeaderPair[] {
  if (pageOrigin === "null") return [];
  if (pageOrigin.startsWith("https:") && target.protocol === "http:") return [];
  return [["Referer", `${pageOrigin}/`]];
}

/** A CORS failure caused by `Origin: null` after a cross-origin redirect gets its own rule. */
function taintAware(finding: Finding, tainted: boolean): Finding {
  if (!tainted) return finding;
  if (finding.rule !== "missing-allow-origin" && finding.rule !== "allow-origin-mismatch" && finding.rule !== "allow-origin-invalid") return finding;
  return {
    ...finding,
    rule: "redirect-tainted-origin",
    underlying: finding.rule,
    detail: `After a redirect to another origin the browser sent \`Origin: null\`. ${finding.detail}`,
  };
}

function networkFinding(code: string, url: string): Finding {
  return { rule: "network-error", networkError: code, detail: `No response from ${url}: ${code}.` };
}

function errorCode(error: unknown): string {
  if (typeof error === "object" && error !== null) {
    const code = (error as { code?: unknown }).code;
    if (typeof code === "string") return code;
    const message = (error as { message?: unknown }).message;
    if (typeof message === "string") return message;
  }
  return String(error);
}

/** GETs a missing path below `finalUrl` and reports a 4xx/5xx without CORS headers. */
async function errorProbe(finalUrl: URL, request: DoctorRequest, urls: readonly URL[], send: Transport): Promise<Warning[]> {
  const probeUrl = new URL(finalUrl.href);
  probeUrl.pathname = `${probeUrl.pathname.replace(/\/?$/, "/")}${ERROR_PROBE_SEGMENT}`;
  probeUrl.search = "";
  const requestOrigin = serializeRequestOrigin(request.origin, urls);
  try {
    const response = await send({
      method: "GET",
      url: probeUrl.href,
      headers: [["Accept", "*/*"], ["Origin", requestOrigin], ...secFetchHeaders(request.origin, [...urls, probeUrl])],
    });
    if (response.status >= 400 && getHeader(response.headers, "access-control-allow-origin") === null) {
      return [
        {
          id: "error-response-without-cors",
          message: `A ${response.status} from this server (GET ${probeUrl.href}) carries no Access-Control-Allow-Origin, so when a request fails the page sees only "TypeError: Failed to fetch", not the status or the error body. Run the CORS middleware before routing and error handling.`,
        },
      ];
    }
  } catch {
    // The probe is a courtesy; a failure here says nothing about the request diagnosed.
  }
  return [];
}
