// Turns fetch's opaque TypeError into a CorsError or NetworkError naming the probable cause.
// JavaScript only ever sees a bare TypeError for CORS refusals, DNS/TLS failures, offline, mixed
// content and Local Network Access denials alike (Fetch standard, main fetch: "network error").
import { addressSpaceOfHost, isLocalNetworkRequest } from "./address-space.ts";
import type { CspViolation } from "./csp-violations.ts";
import { boundedSignal } from "./deadline.ts";
import { doctorCommand, type ReplayedRequest } from "./doctor-command.ts";
import { CorsError, NetworkError, type ProbableCause } from "./errors.ts";
import type { FetchFunction } from "./options.ts";

// Chromium "Failed to fetch" (newer: "Failed to fetch (host)"), Firefox "NetworkError when attempting
// to fetch resource.", Safari "Load failed", Node/undici "fetch failed", React Native "Network request failed".
const networkFailureMessage =
  /^(Failed to fetch|NetworkError when attempting to fetch resource|Load failed|fetch failed|Network request failed)/;

/** True for fetch's network-error TypeError, not for TypeErrors from bad arguments (invalid header names…). */
export function isFetchNetworkFailure(error: unknown): error is TypeError {
  return error instanceof TypeError && networkFailureMessage.test(error.message);
}

/** https page → http URL, unless the target is loopback, which browsers treat as potentially trustworthy. */
function isMixedContent(origin: string | undefined, url: URL): boolean {
  return (
    origin !== undefined &&
    origin.startsWith("https:") &&
    url.protocol === "http:" &&
    addressSpaceOfHost(url.hostname) !== "loopback"
  );
}

function isLocalNetworkAccess(origin: string | undefined, url: URL): boolean {
  if (origin === undefined || origin === "null") return false;
  let page: URL;
  try {
    page = new URL(origin);
  } catch {
    return false;
  }
  return isLocalNetworkRequest(addressSpaceOfHost(page.hostname), addressSpaceOfHost(url.hostname));
}

/**
 * Asks the host again with a `no-cors`, credential-less GET: an opaque response means the host answers,
 * so the original failure was the browser's CORS check; a rejection means it does not answer.
 * (Fetch standard: a no-cors request yields an opaque filtered response without a CORS check.)
 */
async function hostAnswers(fetchFunction: FetchFunction, url: string, signal: AbortSignal): Promise<boolean> {
  try {
    await fetchFunction(url, { method: "GET", mode: "no-cors", credentials: "omit", redirect: "follow", signal });
    return true;
  } catch {
    return false;
  }
}

export interface FailureContext extends ReplayedRequest {
  readonly fetch: FetchFunction;
  /** Bounds the probe; the caller's deadline and abort signal. */
  readonly signal: AbortSignal;
  /** Upper bound for the probe alone. @default 5000 */
  readonly probeTimeoutMs?: number;
  /** The page's own Content-Security-Policy blocked the request (its `securitypolicyviolation` event). */
  readonly cspViolation?: CspViolation;
}

/** Classifies fetch's TypeError for `request`, probing the host when that can tell causes apart. */
export async function diagnoseFetchFailure(request: FailureContext, cause: TypeError): Promise<CorsError | NetworkError> {
  const url = new URL(request.url);
  const origin = request.origin;
  let probableCause: ProbableCause;
  const csp = request.cspViolation;
  if (csp !== undefined) {
    // The page's policy blocked it before sending; a probe would be blocked the same way.
    probableCause = "content-security-policy";
  } else if (isMixedContent(origin, url)) {
    // Blocked before any byte is sent; a probe would be blocked the same way.
    probableCause = "mixed-content";
  } else if (origin === undefined || url.origin === origin) {
    // Outside a browser, or same-origin: no CORS check applies, so the server did not answer.
    probableCause = "unreachable";
  } else {
    const probe = boundedSignal(request.signal, request.probeTimeoutMs ?? 5000);
    const answers = await hostAnswers(request.fetch, request.url, probe.signal);
    probe.clear();
    if (answers) probableCause = "cors";
    else probableCause = isLocalNetworkAccess(origin, url) ? "local-network-access" : "unreachable";
  }
  const context = {
    url: request.url,
    method: request.method,
    origin,
    probableCause,
    // With --page the doctor reads the policy the browser applied; otherwise the origin is enough.
    doctorCommand: doctorCommand(csp !== undefined ? request : { ...request, pageURL: undefined }),
    cause,
    ...(csp !== undefined ? { contentSecurityPolicy: csp } : {}),
  };
  return probableCause === "cors" ? new CorsError(context) : new NetworkError(context);
}
