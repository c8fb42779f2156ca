// The checks a browser runs on a preflight response. Fetch standard, "CORS-preflight fetch".
import { corsCheck } from "./cors-check.ts";
import type { Finding } from "./finding.ts";
import { parseTokenList } from "./header-list.ts";
import type { HeaderPair } from "./http-tokens.ts";
import type { Check, Warning } from "./report.ts";
import { isSafelistedMethod } from "./safelist.ts";

/** The request the preflight asks about. */
export interface PreflightQuestion {
  /** Serialised request origin (`"null"` once redirect-tainted). */
  readonly origin: string;
  /** The actual request's credentials mode is "include". */
  readonly credentials: boolean;
  /** The actual request's (normalised) method. */
  readonly method: string;
  /** Every header name the actual request carries (for the `Authorization` rule). */
  readonly headerNames: readonly string[];
  /** Its CORS-unsafe header names, lower-cased and sorted. */
  readonly unsafeHeaderNames: readonly string[];
  /**
   * Apply the Fetch standard's `Authorization` rule as written, although Chromium (156) and
   * Firefox (153) still let `Access-Control-Allow-Headers: *` cover it without credentials.
   */
  readonly strict?: boolean;
}

/** The outcome: every check run, and the first failure if any. */
export interface PreflightCheckResult {
  readonly checks: readonly Check[];
  readonly failure: Finding | null;
  /** The parsed `Access-Control-Allow-Methods`, or null if absent or invalid. */
  readonly allowMethods: readonly string[] | null;
  /** The parsed `Access-Control-Allow-Headers`, or null if absent or invalid. */
  readonly allowHeaders: readonly string[] | null;
  /** Problems that do not fail the preflight in today's browsers. */
  readonly warnings: readonly Warning[];
}

const REDIRECT_STATUSES = [301, 302, 303, 307, 308];

/** True for 301, 302, 303, 307 and 308. See Fetch standard, "redirect status". */
export function isRedirectStatus(status: number): boolean {
  return REDIRECT_STATUSES.includes(status);
}

/**
 * Runs the preflight checks on a response with `status` and `headers`.
 * See Fetch standard, "CORS-preflight fetch" step 7 and its substeps.
 */
export function preflightCheck(
  question: PreflightQuestion,
  status: number,
  headers: readonly HeaderPair[],
): PreflightCheckResult {
  const checks: Check[] = [];
  const warnings: Warning[] = [];
  const done = (failure: Finding | null, allowMethods: readonly string[] | null = null, allowHeaders: readonly string[] | null = null) => ({
    checks,
    failure,
    allowMethods,
    allowHeaders,
    warnings,
  });

  const cors = corsCheck(question.origin, question.credentials, headers);

  // A preflight is fetched without following redirects, so a 3xx is a failure in itself;
  // Chromium names it ("Redirect is not allowed for a preflight request").
  if (isRedirectStatus(status)) {
    checks.push({ id: "not-redirected", ok: false, detail: `The preflight was answered with a ${status} redirect.` });
    return done({
      rule: "preflight-redirected",
      status,
      detail: `The preflight got a ${status} redirect. Browsers never follow a preflight's redirect: answer OPTIONS at this URL, or point the page at the final URL.`,
    });
  }

  // A CORS check using the actual request's credentials mode, and an ok status (200-299).
  // See Fetch standard, "CORS-preflight fetch" step 7.
  const okStatus = status >= 200 && status <= 299;
  checks.push({ id: "ok-status", ok: okStatus, detail: okStatus ? `Status ${status} is an ok status.` : `Status ${status} is not an ok status (200-299).` });
  checks.push(corsCheckAsCheck(cors));
  if (!okStatus) {
    const finding: Finding = {
      rule: "preflight-not-ok",
      status,
      detail: `The preflight got status ${status}. The OPTIONS request must be answered with 2xx before any route, authentication or CSRF check runs.`,
      ...(cors.ok ? {} : { corsFailure: cors.rule, allowOrigin: cors.allowOrigin, repeated: cors.repeated, allowCredentials: cors.allowCredentials }),
    };
    return done(finding);
  }
  if (!cors.ok) {
    return done({
      rule: cors.rule,
      status,
      detail: `In the preflight response: ${cors.detail}`,
      allowOrigin: cors.allowOrigin,
      repeated: cors.repeated,
      allowCredentials: cors.allowCredentials,
    });
  }
  // Both lists must parse ("extract header list values"), else a network error.
  // See Fetch standard, "CORS-preflight fetch" steps 7.1-7.3.
  const methodsList = parseTokenList(headers, "access-control-allow-methods");
  if (methodsList.kind === "invalid") {
    checks.push({ id: "allow-methods", ok: false, detail: `Access-Control-Allow-Methods has the invalid item ${JSON.stringify(methodsList.badItem)}.` });
    return done({
      rule: "allow-methods-invalid",
      status,
      badToken: methodsList.badItem,
      detail: `Access-Control-Allow-Methods contains ${JSON.stringify(methodsList.badItem)}, which is not a method name; the whole header is then rejected.`,
    });
  }
  const headersList = parseTokenList(headers, "access-control-allow-headers");
  if (headersList.kind === "invalid") {
    checks.push({ id: "allow-headers", ok: false, detail: `Access-Control-Allow-Headers has the invalid item ${JSON.stringify(headersList.badItem)}.` });
    return done({
      rule: "allow-headers-invalid",
      status,
      badToken: headersList.badItem,
      detail: `Access-Control-Allow-Headers contains ${JSON.stringify(headersList.badItem)}, which is not a header name; the whole header is then rejected.`,
    });
  }
  const methods = methodsList.kind === "list" ? methodsList.items : [];
  const headerNames = headersList.kind === "list" ? headersList.items : [];
  const allowMethods = methodsList.kind === "list" ? methodsList.items : null;
  const allowHeaders = headersList.kind === "list" ? headersList.items : null;

  // The method must be listed (byte-exact), safelisted, or covered by `*` without credentials.
  // See Fetch standard, "CORS-preflight fetch" step 7.5.
  const method = question.method;
  const methodListed = methods.includes(method);
  const methodByWildcard = !question.credentials && methods.includes("*");
  if (!methodListed && !isSafelistedMethod(method) && !methodByWildcard) {
    const caseOnly = methods.some((m) => m.toUpperCase() === method.toUpperCase());
    const wildcardIgnored = question.credentials && methods.includes("*");
    const shown = allowMethods === null ? "absent" : JSON.stringify(allowMethods.join(", "));
    const why = caseOnly
      ? ` It is listed with different letter case; method names are compared byte for byte.`
      : wildcardIgnored
        ? ` The list has *, but with credentials * is only the literal method name "*".`
        : "";
    checks.push({ id: "allow-methods", ok: false, detail: `${method} is not in Access-Control-Allow-Methods (${shown}).` });
    return done(
      {
        rule: "method-not-allowed",
        status,
        method,
        detail: `The method ${method} is not in Access-Control-Allow-Methods (${shown}).${why}`,
      },
      allowMethods,
      allowHeaders,
    );
  }
  checks.push({
    id: "allow-methods",
    ok: true,
    detail: methodListed
      ? `${method} is listed in Access-Control-Allow-Methods.`
      : isSafelistedMethod(method)
        ? `${method} is a CORS-safelisted method; it need not be listed.`
        : `${method} is covered by * (no credentials).`,
  });

  // Authorization must always be listed by name: `*` never covers it ("CORS non-wildcard
  // request-header name"). See Fetch standard, "CORS-preflight fetch" step 7.6.
  const lowerAllowed = headerNames.map((h) => h.toLowerCase());
  const sendsAuthorization = question.headerNames.some((h) => h.toLowerCase() === "authorization");
  let authorizationByWildcard = false;
  if (sendsAuthorization && !lowerAllowed.includes("authorization")) {
    const byWildcard = !question.credentials && lowerAllowed.includes("*");
    if (byWildcard && question.strict !== true) {
      // Deliberate deviation: the browsers the doctor is checked against do not enforce this yet
      // (test/doctor/browser-agreement.test.ts), so the verdict follows them and a warning says why.
      authorizationByWildcard = true;
      warnings.push({
        id: "authorization-not-covered-by-wildcard",
        message:
          "The request sends Authorization and the preflight answers `Access-Control-Allow-Headers: *`. The Fetch standard never lets * cover Authorization, so this is refused by the spec (and by `crossgate doctor --strict`); Chromium and Firefox still allow it today, but may stop. List authorization by name.",
      });
    } else {
      checks.push({ id: "allow-headers", ok: false, detail: "authorization is not listed in Access-Control-Allow-Headers." });
      return done(
        {
          rule: byWildcard ? "authorization-not-covered-by-wildcard" : "header-not-allowed",
          status,
          header: "authorization",
          detail: byWildcard
            ? "The request sends Authorization and Access-Control-Allow-Headers is *; * never covers Authorization, it must be listed by name."
            : `The request sends Authorization, which is not in Access-Control-Allow-Headers (${allowHeaders === null ? "absent" : JSON.stringify(allowHeaders.join(", "))}).`,
        },
        allowMethods,
        allowHeaders,
      );
    }
  }

  // Every other unsafe header must be listed, or covered by * without credentials.
  // See Fetch standard, "CORS-preflight fetch" step 7.7.
  const headerByWildcard = !question.credentials && lowerAllowed.includes("*");
  for (const name of question.unsafeHeaderNames) {
    if (lowerAllowed.includes(name) || headerByWildcard) continue;
    const wildcardIgnored = question.credentials && lowerAllowed.includes("*");
    const shown = allowHeaders === null ? "absent" : JSON.stringify(allowHeaders.join(", "));
    checks.push({ id: "allow-headers", ok: false, detail: `${name} is not in Access-Control-Allow-Headers (${shown}).` });
    return done(
      {
        rule: "header-not-allowed",
        status,
        header: name,
        detail: `The request header ${name} is not in Access-Control-Allow-Headers (${shown}).${
          wildcardIgnored ? ' The list has *, but with credentials * is only the literal header name "*".' : ""
        }`,
      },
      allowMethods,
      allowHeaders,
    );
  }
  if (question.unsafeHeaderNames.length > 0) {
    checks.push({
      id: "allow-headers",
      ok: true,
      detail: headerByWildcard
        ? `${question.unsafeHeaderNames.join(", ")} covered by Access-Control-Allow-Headers: *${authorizationByWildcard ? " (authorization only by today's browsers, not by the Fetch standard)" : ""}.`
        : `${question.unsafeHeaderNames.join(", ")} listed in Access-Control-Allow-Headers.`,
    });
  }
  return done(null, allowMethods, allowHeaders);
}

/** A CORS check result as a step check. */
export function corsCheckAsCheck(cors: ReturnType<typeof corsCheck>): Check {
  if (cors.ok) {
    return {
      id: "allow-origin",
      ok: true,
      detail:
        cors.matched === "wildcard"
          ? "Access-Control-Allow-Origin is * (allowed without credentials)."
          : `Access-Control-Allow-Origin matches${cors.allowCredentials === "true" ? ", and Access-Control-Allow-Credentials is true" : ""}.`,
    };
  }
  return { id: cors.rule === "allow-credentials-not-true" ? "allow-credentials" : "allow-origin", ok: false, detail: cors.detail };
}
