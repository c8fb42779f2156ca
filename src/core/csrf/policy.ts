import { compileCsrf, type CompiledCsrf } from "./compile.ts";
import { decideCsrf, issueToken, tokenResponse, type CsrfDecision, type CsrfResponse, type IssuedCsrfToken } from "./decide.ts";
import type { CsrfOptions } from "./options.ts";
import { notifyRefusal, refusalEvent, type CsrfRefusalEvent, type RefusalListener } from "../refusal.ts";
import type { CsrfRequest } from "./request.ts";
import { freeze } from "../internal/freeze.ts";

const POLICY = Symbol.for("crossgate.csrf-policy");

/** Options of `issueToken` and `rotateCsrfToken`. */
export interface IssueTokenOptions {
  /** A new secret even if the cookie holds a valid one (Django's `rotate_token`, for login). @default false */
  readonly rotate?: boolean;
  /** The session to bind the token to, e.g. the one just created at login. @default options.sessionId(request) */
  readonly sessionId?: string | undefined;
}

/** A validated CSRF guard. Adapters call `decide`; token endpoints and login handlers call `issueToken`. */
export interface CsrfPolicy {
  /** Decides one request. A promise only when the token is checked. Never throws for any request. */
  decide(request: CsrfRequest): CsrfDecision | Promise<CsrfDecision>;
  /** Issues a (masked) token for the request's session with the headers that deliver it. */
  issueToken(request: CsrfRequest, options?: IssueTokenOptions): Promise<IssuedCsrfToken>;
  /** The token endpoint's `200` answer: `{"csrfToken":"<token>"}`, `Set-Cookie` and the token header. */
  tokenResponse(request: CsrfRequest): Promise<CsrfResponse>;
  /** The options in force (frozen). */
  readonly options: Readonly<CsrfOptions>;
  /** The request and response header carrying the token. */
  readonly headerName: string;
  /** The cookie holding the token secret. */
  readonly cookieName: string;
  /** The form field carrying the token. */
  readonly formField: string;
  readonly [POLICY]: true;
}

/**
 * Builds a CSRF guard, validating every option. Throws a `ConfigError` naming each bad option,
 * its value and the fix.
 * @example
 * const csrfPolicy = createCsrfPolicy({ cors: corsPolicy, secret: process.env.SECRET_KEY! });
 */
export function createCsrfPolicy(options: CsrfOptions): CsrfPolicy {
  const compiled: CompiledCsrf = compileCsrf(options);
  return freeze({
    [POLICY]: true as const,
    decide: compiled.onRefusal === undefined ? (request: CsrfRequest) => decideCsrf(compiled, request) : reportingRefusals(compiled, compiled.onRefusal),
    issueToken: (request: CsrfRequest, issueOptions?: IssueTokenOptions) => issueToken(compiled, request, issueOptions),
    tokenResponse: (request: CsrfRequest) => tokenResponse(compiled, request),
    options: compiled.options,
    headerName: compiled.headerName,
    cookieName: compiled.cookie.name,
    formField: compiled.formField,
  });
}

/** `decide`, then `onRefusal` for a refusal; the decision goes back unchanged. */
function reportingRefusals(compiled: CompiledCsrf, listener: RefusalListener<CsrfRefusalEvent>): CsrfPolicy["decide"] {
  const told = (decision: CsrfDecision, request: CsrfRequest): CsrfDecision => {
    if (decision.verdict === "refused") {
      const detail = decision.code!.startsWith("referer-") ? refererOrigin(request.header("referer")) : undefined;
      notifyRefusal(listener, refusalEvent("csrf", decision.code!, request, false, detail), compiled.logger);
    }
    return decision;
  };
  return (request) => {
    const decision = decideCsrf(compiled, request);
    return decision instanceof Promise ? decision.then((resolved) => told(resolved, request)) : told(decision, request);
  };
}

/** The origin of a `Referer`, never its path or query (which may carry tokens); `undefined` when it has none. */
function refererOrigin(referer: string | undefined): string | undefined {
  if (referer === undefined) return undefined;
  try {
    const origin = new URL(referer).origin;
    return origin === "null" ? undefined : origin;
  } catch {
    return undefined;
  }
}

/** True for a policy built by `createCsrfPolicy` (from any copy of crossgate). */
export function isCsrfPolicy(value: unknown): value is CsrfPolicy {
  return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[POLICY] === true;
}

/** Accepts options or a ready policy, as every adapter does. */
export function toCsrfPolicy(optionsOrPolicy: CsrfOptions | CsrfPolicy): CsrfPolicy {
  return isCsrfPolicy(optionsOrPolicy) ? optionsOrPolicy : createCsrfPolicy(optionsOrPolicy);
}
