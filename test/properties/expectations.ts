/**
 * What a plan may contain for a given policy and request, written from the Fetch standard and
 * crossgate's documented options, independently of src/core.
 */
import type { CorsPlan } from "../../src/index.ts";
import type { RequestSpec } from "./arbitraries.ts";
import type { PolicySpec } from "./policy-spec.ts";
import { referenceAllows, type TrustSpec } from "./reference-matcher.ts";

/** crossgate's documented defaults (README / CorsOptions doc comments). */
const DEFAULT_METHODS = ["DELETE", "GET", "OPTIONS", "PATCH", "POST", "PUT"];
const DEFAULT_REQUEST_HEADERS = ["accept", "authorization", "content-type", "user-agent", "x-csrftoken", "x-requested-with"];
const DEFAULT_MAX_AGE = "7200";

/** Every header a CORS plan may set, lower-case. */
export const CORS_HEADER_NAMES = new Set([
  "access-control-allow-origin",
  "access-control-allow-credentials",
  "access-control-allow-methods",
  "access-control-allow-headers",
  "access-control-expose-headers",
  "access-control-max-age",
  "access-control-allow-private-network",
]);

/** Visible ASCII, single spaces inside, nothing at either end: no CR, LF, NUL or other control. */
const CLEAN_VALUE = /^[\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?$/;

export class PropertyViolation extends Error {
  override name = "PropertyViolation";
}

export function fail(message: string, context: unknown): never {
  throw new PropertyViolation(`${message}\n${JSON.stringify(context, null, 1).slice(0, 4000)}`);
}

/** `*` without credentials: one public answer for every origin. */
export function isPublic(spec: PolicySpec): boolean {
  return spec.allowAll && !spec.credentials;
}

/** Whether CORS applies to the request's path (the filter sees the percent-decoded path). */
export function pathEnabled(spec: PolicySpec, request: RequestSpec): boolean {
  if (spec.pathPrefix === undefined) return true;
  let decoded = request.path;
  try {
    decoded = decodeURIComponent(request.path);
  } catch {
    // kept as received
  }
  return decoded.startsWith(spec.pathPrefix);
}

export function headerMap(plan: CorsPlan): Map<string, string> {
  const map = new Map<string, string>();
  for (const [name, value] of plan.headers) {
    const key = name.toLowerCase();
    if (map.has(key)) fail(`header ${name} set twice`, plan);
    map.set(key, value);
  }
  return map;
}

export function tokens(value: string | undefined): string[] {
  return value === undefined ? [] : value.split(",").map((token) => token.trim()).filter((token) => token !== "");
}

/** Fetch "normalize a method". */
function normalizeMethod(method: string): string {
  const upper = method.toUpperCase();
  return ["DELETE", "GET", "HEAD", "OPTIONS", "POST", "PUT"].includes(upper) ? upper : method;
}

/** The wire-visible part of a plan, to compare two answers. */
export function wireSignature(plan: CorsPlan): string {
  const headers = plan.headers.map(([name, value]) => `${name.toLowerCase()}: ${value}`).sort();
  return `${plan.action} ${plan.status}\n${headers.join("\n")}`;
}

/**
 * Every header value is clean (no CR/LF or other control, no stray whitespace) and is built only
 * from the policy and, where the Fetch standard calls for a reflection, from the request.
 */
export function checkValuesComeFromPolicy(spec: PolicySpec, request: RequestSpec, plan: CorsPlan): void {
  const context = { spec, request, plan };
  const headers = headerMap(plan);
  // Debug mode names a refusal's reason, and only a refusal's, in Crossgate-Refusal.
  const named = spec.debug && plan.verdict === "refused";
  // Debug mode answers a refused preflight from an allowed origin like a grant that lists only what the
  // policy allows, so names a `*` allows are listed by name (never `*`, never an Authorization it does not cover).
  const debugGrant = named && headers.has("access-control-allow-origin");
  for (const [name, value] of headers) {
    if (!CORS_HEADER_NAMES.has(name) && !(named && name === "crossgate-refusal")) fail(`unexpected header ${name}`, context);
    if (!CLEAN_VALUE.test(value)) fail(`header ${name} has an unclean value ${JSON.stringify(value)}`, context);
  }
  if (plan.vary !== "" && !CLEAN_VALUE.test(plan.vary)) fail("Vary value is unclean", context);

  const acao = headers.get("access-control-allow-origin");
  if (acao !== undefined && acao !== "*" && acao !== request.origin) fail("Access-Control-Allow-Origin is neither * nor the request's Origin", context);
  if (acao === "*" && !isPublic(spec)) fail("Access-Control-Allow-Origin: * from a policy that is not public", context);

  const acac = headers.get("access-control-allow-credentials");
  if (acac !== undefined && (acac !== "true" || !spec.credentials)) fail("Access-Control-Allow-Credentials without credentials: true", context);

  const methods = (spec.methods ?? DEFAULT_METHODS).map(normalizeMethod);
  for (const method of tokens(headers.get("access-control-allow-methods"))) {
    const listed = methods.includes(method) && method !== "*";
    const star = method === "*" && methods.includes("*") && !spec.credentials;
    const reflected = methods.includes("*") && (spec.credentials || debugGrant) && method === request.requestMethod;
    if (!listed && !star && !reflected) fail(`Access-Control-Allow-Methods names ${JSON.stringify(method)}, which the policy does not`, context);
  }

  const allowedHeaders = (spec.requestHeaders ?? DEFAULT_REQUEST_HEADERS).map((name) => name.toLowerCase());
  const requested = tokens(request.requestHeaders).map((name) => name.toLowerCase());
  for (const name of tokens(headers.get("access-control-allow-headers"))) {
    const listed = allowedHeaders.includes(name) && (name !== "*" || !spec.credentials);
    const reflected = allowedHeaders.includes("*") && (spec.credentials || (debugGrant && name !== "authorization")) && requested.includes(name);
    if (!listed && !reflected) fail(`Access-Control-Allow-Headers names ${JSON.stringify(name)}, which the policy does not`, context);
  }

  const exposed = spec.exposeHeaders.map((name) => name.toLowerCase());
  for (const name of tokens(headers.get("access-control-expose-headers"))) {
    if (!exposed.includes(name)) fail(`Access-Control-Expose-Headers names ${JSON.stringify(name)}, which the policy does not`, context);
  }

  const maxAge = headers.get("access-control-max-age");
  if (maxAge !== undefined) {
    const expected = spec.maxAgeSeconds === undefined ? DEFAULT_MAX_AGE : spec.maxAgeSeconds === null ? undefined : String(spec.maxAgeSeconds);
    if (maxAge !== expected) fail(`Access-Control-Max-Age ${maxAge}, policy says ${String(expected)}`, context);
  }

  const privateNetwork = headers.get("access-control-allow-private-network");
  if (privateNetwork !== undefined && (privateNetwork !== "true" || !spec.privateNetwork || request.privateNetwork !== "true")) {
    fail("Access-Control-Allow-Private-Network without privateNetwork and an exact request for it", context);
  }

  const varyAllowed = ["origin", "access-control-request-method", "access-control-request-headers", "access-control-request-private-network", ...spec.varyOn];
  for (const token of tokens(plan.vary)) {
    if (!varyAllowed.includes(token.toLowerCase())) fail(`Vary names ${JSON.stringify(token)}, which nothing reads`, context);
  }

  if (plan.action === "respond") {
    const ok = plan.verdict === "allowed" || debugGrant ? (spec.preflightStatus ?? 204) : 403;
    if (plan.status !== ok) fail(`a preflight answered ${plan.status}, expected ${ok}`, context);
  }
}

/** Fetch CORS check: `*` never goes with credentials, and a credentialed answer never uses `*` anywhere. */
export function checkStarNeverWithCredentials(spec: PolicySpec, request: RequestSpec, plan: CorsPlan): void {
  const headers = headerMap(plan);
  const context = { spec, request, plan };
  const acao = headers.get("access-control-allow-origin");
  const acac = headers.get("access-control-allow-credentials");
  if (acao === "*" && acac !== undefined) fail("Access-Control-Allow-Origin: * together with Access-Control-Allow-Credentials", context);
  if (spec.credentials && acao === "*") fail("Access-Control-Allow-Origin: * from a credentialed policy", context);
  if (acac !== undefined) {
    // A method or header literally named "*" (both are valid tokens) may be reflected: on a
    // credentialed answer browsers read "*" literally (Fetch CORS-preflight fetch, steps 7 and 9),
    // so that grants exactly what was asked and nothing more.
    const literal = {
      "access-control-allow-methods": request.requestMethod === "*",
      "access-control-allow-headers": tokens(request.requestHeaders).includes("*"),
      "access-control-expose-headers": false,
    };
    for (const [name, reflected] of Object.entries(literal)) {
      if (tokens(headers.get(name)).includes("*") && !reflected) fail(`${name}: * on a credentialed answer, where browsers read it literally`, context);
    }
  }
}

/**
 * A reflected origin is always one the reference matcher allows, on an enabled path; and an
 * actual request from an origin it allows is always granted (nothing the policy trusts is lost).
 */
export function checkGrantsMatchReference(spec: PolicySpec, trust: TrustSpec, request: RequestSpec, plan: CorsPlan): void {
  const context = { spec, request, plan };
  const acao = headerMap(plan).get("access-control-allow-origin");
  if (acao !== undefined && acao !== "*") {
    if (acao !== request.origin) fail("granted an origin other than the request's", context);
    if (!referenceAllows(trust, acao)) fail(`granted ${JSON.stringify(acao)}, which the reference matcher refuses`, context);
    if (!pathEnabled(spec, request)) fail("granted on a path urlFilter excludes", context);
  }
  const origin = request.origin;
  const preflight = request.method === "OPTIONS" && origin !== undefined && request.requestMethod !== undefined;
  if (origin !== undefined && !preflight && pathEnabled(spec, request) && referenceAllows(trust, origin)) {
    if (plan.verdict !== "allowed" || (acao !== origin && !(acao === "*" && isPublic(spec)))) {
      fail(`refused ${JSON.stringify(origin)}, which the reference matcher allows`, context);
    }
  }
}

/** An origin the reference matcher refuses gets no CORS header at all, except the public `*` answer. */
export function checkNothingForRefusedOrigins(spec: PolicySpec, trust: TrustSpec, request: RequestSpec, plan: CorsPlan): void {
  const refused = request.origin === undefined || !referenceAllows(trust, request.origin);
  if (!refused) return;
  const headers = headerMap(plan);
  const context = { spec, request, plan };
  if (isPublic(spec)) {
    // The public answer is the same for everyone and never carries credentials.
    if (headers.has("access-control-allow-credentials")) fail("credentials granted to a refused origin", context);
    const acao = headers.get("access-control-allow-origin");
    if (acao !== undefined && acao !== "*") fail("a refused origin was reflected", context);
  } else {
    // Debug mode's Crossgate-Refusal grants nothing; it only names the reason.
    const granted = plan.headers.filter(([name]) => !(spec.debug && name === "Crossgate-Refusal"));
    if (granted.length > 0) fail(`headers granted to a refused origin: ${granted.map(([name]) => name).join(", ")}`, context);
    if (plan.verdict === "allowed") fail("verdict allowed for a refused origin", context);
  }
}
