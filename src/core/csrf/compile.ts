import { IssueCollector, logWarningsOnce, type ConfigIssue } from "../errors.ts";
import { isCorsPolicy, createCorsPolicy, type CorsPolicy } from "../cors/policy.ts";
import { isCorsRoutes } from "../cors/routes.ts";
import { compileOrigins, type OriginMatcher, type OriginRules } from "../origins.ts";
import { findBacktracking } from "../internal/regex-shape.ts";
import { booleanOption, checkKnownNames, checkRefusalListener, loggerOption, statelessFlags } from "../internal/option-checks.ts";
import { warnDebugInProduction, type CsrfRefusalEvent, type RefusalListener } from "../refusal.ts";
import { isForbiddenRequestHeader, isToken } from "../internal/tokens.ts";
import type { CookieAttributes } from "./cookie.ts";
import {
  CSRF_COOKIE_OPTION_NAMES,
  CSRF_OPTION_NAMES,
  DEFAULT_CSRF_COOKIE_AGE_SECONDS,
  DEFAULT_CSRF_COOKIE_NAME,
  DEFAULT_CSRF_FORM_FIELD,
  DEFAULT_CSRF_HEADER_NAME,
  DEFAULT_MAX_FORM_BYTES,
  MIN_CSRF_SECRET_LENGTH,
  type CsrfLogger,
  type CsrfOptions,
  type CsrfSessionIdReader,
} from "./options.ts";
import { djangoTokenFormat, signedTokenFormat, validateTokenFormat, type TokenFormat } from "./token-format.ts";
import { freeze } from "../internal/freeze.ts";

/**
 * Options built from another configuration source (Django settings, the environment) carry, under
 * this key, a function that rewrites an issue in the source's terms, so errors found when the guard
 * is built name `SECRET_KEY`, not `secret`. The source brings it, so a guard built from plain
 * options does not carry the renaming.
 */
export const RENAME_ISSUE: unique symbol = Symbol.for("crossgate.csrf-rename-issue");

/** Everything the request path needs, computed once from validated options. Immutable. */
export interface CompiledCsrf {
  readonly options: Readonly<CsrfOptions>;
  /** The CORS policy whose static origins are trusted, read per request. */
  readonly cors: CorsPolicy | undefined;
  readonly trusted: OriginMatcher;
  /** The CORS origins as trusted for CSRF and the answers remembered; replaced when the CORS policy is reconfigured. */
  readonly trust: { current: TrustState };
  /** How tokens are read, compared and made; undefined when `tokens` is off. */
  readonly tokenFormat: TokenFormat | undefined;
  readonly cookie: CookieAttributes;
  readonly headerName: string;
  readonly formField: string;
  readonly maxFormBytes: number;
  readonly sessionId: CsrfSessionIdReader | undefined;
  readonly isExempt: (path: string) => boolean;
  readonly trustProxy: boolean;
  readonly requireOriginOrReferer: boolean;
  readonly debug: boolean;
  readonly onRefusal: RefusalListener<CsrfRefusalEvent> | undefined;
  readonly logger: CsrfLogger;
}

/**
 * Validates every option, collecting every problem, and compiles the guard. Throws one `ConfigError`
 * listing them all. `skip` leaves out issue codes a caller reports later (settings readers).
 */
export function compileCsrf(input: CsrfOptions, subject = "CSRF configuration"): CompiledCsrf {
  const issues = new IssueCollector();
  const compiled = validateCsrf(input, issues);
  if (issues.issues.length > 0) {
    const rename = (input as { [RENAME_ISSUE]?: (issue: ConfigIssue) => ConfigIssue })?.[RENAME_ISSUE];
    if (typeof rename === "function") issues.issues.splice(0, issues.issues.length, ...issues.issues.map(rename));
  }
  issues.throwIfAny(subject);
  logWarningsOnce(input, issues.warnings, compiled!.logger);
  return compiled!;
}

/** Validation without throwing: adds every problem to `issues`; returns the compiled guard when there are none. */
export function validateCsrf(input: CsrfOptions, issues: IssueCollector): CompiledCsrf | undefined {
  if (typeof input !== "object" || input === null) {
    issues.add("wrong-type", "options", input, "must be an object.", 'pass e.g. { cors: corsPolicy, secret: process.env.SECRET_KEY }.');
    return undefined;
  }
  const before = issues.issues.length;
  checkKnownNames(input as Record<string, unknown>, CSRF_OPTION_NAMES, "", "CSRF option", issues);

  const bool = (value: unknown, option: string, fallback: boolean): boolean => booleanOption(value, option, fallback, issues);
  const tokens = bool(input.tokens, "tokens", true);
  const trustProxy = bool(input.trustProxy, "trustProxy", false);
  const requireOriginOrReferer = bool(input.requireOriginOrReferer, "requireOriginOrReferer", false);
  const debug = bool(input.debug, "debug", false);

  let cors: CorsPolicy | undefined;
  if (isCorsPolicy(input.cors)) {
    cors = input.cors;
  } else if (isCorsRoutes(input.cors)) {
    // A route list may hold a wide policy for public reads next to a narrow one for the API; trusting
    // their union for cookie-carrying writes would widen access, so the user names the policy to trust.
    issues.add(
      "wrong-type",
      "cors",
      "a corsRoutes() list",
      "is a per-route list; CSRF needs the one policy whose origins may send cookie-carrying writes.",
      "create that policy with createCorsPolicy(), use it in the route list and pass it as cors, or list the origins in trustedOrigins.",
    );
  } else if (typeof input.cors === "object" && input.cors !== null) {
    try {
      cors = createCorsPolicy(input.cors);
    } catch (error) {
      const inner = (error as { issues?: readonly ConfigIssue[] }).issues;
      if (!Array.isArray(inner)) throw error;
      for (const issue of inner) issues.issues.push({ ...issue, option: `cors.${issue.option}` });
    }
  } else if (input.cors !== undefined) {
    issues.add("wrong-type", "cors", input.cors, "must be a CorsPolicy or CORS options.", "pass the policy from createCorsPolicy(), or leave it out.");
  }

  // The same origin forms and safety rules as CORS with credentials: CSRF trust is about cookie-carrying requests.
  const trusted = rewritingIssues(
    issues,
    (issue) => ({
      ...issue,
      problem: issue.code === "any-origin-with-credentials" ? "trusts every website to send requests with your users' cookies, which turns CSRF protection off." : issue.problem,
      fix: withoutEscapeHatch(issue.fix),
    }),
    (local) => compileOrigins(input.trustedOrigins, undefined, TRUSTED_ORIGIN_RULES, local),
  );
  const imported = cors === undefined ? undefined : importCorsOrigins(cors, issues);

  const format = validateTokenFormat(input, tokens, issues);
  // Django's cookie tokens are not signed: there, `secret` and its fallbacks are not used, so not checked.
  const secret = format.signs ? input.secret : undefined;
  if (secret === undefined || secret === "") {
    if (tokens && format.signs) {
      issues.add(
        "secret-missing",
        "secret",
        secret,
        "is missing; tokens are on, and crossgate signs them with it.",
        "pass secret: a random string of 32+ characters kept out of source control (e.g. process.env.SECRET_KEY), or set tokens: false to rely on Origin checks alone.",
      );
    }
  } else {
    checkSecret(secret, "secret", issues);
  }
  const fallbacks: string[] = [];
  if (format.signs && input.secretFallbacks !== undefined) {
    if (!Array.isArray(input.secretFallbacks)) {
      issues.add("wrong-type", "secretFallbacks", input.secretFallbacks, "must be an array of strings.", "write secretFallbacks: [previousSecret].");
    } else {
      input.secretFallbacks.forEach((fallback: unknown, index) => {
        if (checkSecret(fallback, `secretFallbacks[${index}]`, issues)) fallbacks.push(fallback as string);
      });
    }
  }

  const cookie = cookieAttributes(input.cookie, issues, bool);

  const headerName = input.headerName ?? DEFAULT_CSRF_HEADER_NAME;
  if (typeof headerName !== "string" || !isToken(headerName) || headerName === "*") {
    issues.add("header-invalid", "headerName", headerName, "is not a valid header name.", `write headerName: "${DEFAULT_CSRF_HEADER_NAME}".`);
  } else if (isForbiddenRequestHeader(headerName.toLowerCase())) {
    issues.add("header-forbidden", "headerName", headerName, "is a header browsers never let scripts set.", `write headerName: "${DEFAULT_CSRF_HEADER_NAME}".`);
  }
  const formField = input.formField ?? DEFAULT_CSRF_FORM_FIELD;
  if (typeof formField !== "string" || formField === "" || formField.length > 256) {
    issues.add("value-invalid", "formField", formField, "must be a non-empty form field name.", `write formField: "${DEFAULT_CSRF_FORM_FIELD}".`);
  }
  const maxFormBytes = input.maxFormBytes ?? DEFAULT_MAX_FORM_BYTES;
  if (!Number.isSafeInteger(maxFormBytes) || maxFormBytes < 1) {
    issues.add("value-invalid", "maxFormBytes", maxFormBytes, "must be a whole number of bytes, 1 or more.", `write maxFormBytes: ${DEFAULT_MAX_FORM_BYTES} (1 MiB), or send the token in the header.`);
  }
  if (input.sessionId !== undefined && typeof input.sessionId !== "function") {
    issues.add("wrong-type", "sessionId", input.sessionId, "must be a function (request) => string | undefined.", "pass e.g. (request) => request.raw.session?.id.");
  }

  const exemptPaths = new Set<string>();
  const checkExempt = (entry: RegExp, option: string) => {
    const found = findBacktracking(entry.source, entry.flags);
    if (found === undefined || found === "unreadable") return;
    issues.add(
      "regex-backtracking",
      option,
      entry,
      `${found.problem} (${found.fragment}): a long request path can block the server.`,
      found.rewrite !== undefined ? `rewrite it, e.g. /${found.rewrite}/${statelessFlags(entry)} (check that it still matches only your paths).` : "rewrite it so that each repeated part begins or ends with a character nothing else in it matches.",
    );
  };
  const exemptRegexes: RegExp[] = [];
  if (input.exempt !== undefined && !Array.isArray(input.exempt)) {
    issues.add("wrong-type", "exempt", input.exempt, "must be an array of paths and RegExps.", 'write exempt: ["/webhooks/stripe"].');
  } else {
    (input.exempt ?? []).forEach((entry: unknown, index) => {
      if (entry instanceof RegExp) {
        checkExempt(entry, `exempt[${index}]`);
        exemptRegexes.push(new RegExp(entry.source, statelessFlags(entry)));
      }
      else if (typeof entry === "string" && entry.startsWith("/")) exemptPaths.add(entry);
      else issues.add("value-invalid", `exempt[${index}]`, entry, "is neither a path starting with \"/\" nor a RegExp.", 'write e.g. "/webhooks/stripe" or /^\\/webhooks\\//.');
    });
  }

  const logger = loggerOption(input.logger, issues);
  const onRefusal = input.onRefusal;
  checkRefusalListener(onRefusal, issues);

  if (issues.issues.length > before) return undefined;

  if (debug) warnDebugInProduction("csrf", logger);
  if (debug && cors !== undefined) warnAboutCors(cors, headerName, tokens, logger);

  return freeze({
    options: freeze({ ...input }),
    cors,
    trusted,
    trust: { current: { source: cors?.origins, imported, memo: new Map() } },
    tokenFormat: !tokens ? undefined : format.signs ? signedTokenFormat(secret!, fallbacks) : djangoTokenFormat(format.maskedCookie),
    cookie,
    headerName,
    formField,
    maxFormBytes,
    sessionId: input.sessionId,
    isExempt: (path: string) => exemptPaths.has(path) || exemptRegexes.some((regex) => regex.test(path)),
    trustProxy,
    requireOriginOrReferer,
    debug,
    onRefusal,
    logger,
  });
}

function warnAboutCors(cors: CorsPolicy, headerName: string, tokens: boolean, logger: CsrfLogger): void {
  if (cors.origins.any) {
    logger.warn('crossgate csrf: the CORS policy allows origin "*"; the CSRF guard never trusts "*", only the listed origins and patterns.');
  }
  const exposed = (cors.options.exposeHeaders ?? []).map((name) => name.toLowerCase());
  if (tokens && !exposed.includes(headerName.toLowerCase())) {
    logger.warn(
      `crossgate csrf: the CORS policy does not expose ${headerName}, so scripts on other origins cannot read the token from that response header; ` +
        `add "${headerName}" to exposeHeaders, or have the client read the token endpoint's JSON body.`,
    );
  }
}

/** The rules every CSRF-trusted origin follows: those of CORS with credentials, without escape hatches. */
const TRUSTED_ORIGIN_RULES: OriginRules = freeze({
  option: "trustedOrigins",
  credentials: true,
  allowNull: false,
  allowAnyWithCredentials: false,
  allowInsecureWithCredentials: false,
  allowPublicSuffixWildcards: false,
});

/** The CORS policy's origins as the guard trusts them, and the trust answers remembered per origin. */
export interface TrustState {
  /** The CORS policy's origin list this state was built from. */
  readonly source: OriginMatcher | undefined;
  /** Its entries that pass the trusted-origin rules. */
  readonly imported: OriginMatcher | undefined;
  readonly memo: Map<string, boolean>;
}

function withoutEscapeHatch(fix: string): string {
  return fix.replace(/,? or set dangerously\w+: true[^.]*\./, ".");
}

/**
 * Checks each static entry of a CORS policy with the trusted-origin rules: a policy without
 * credentials may list `https://*.github.io` or `http://partner.example.com` for reading, which must
 * not become trust for cookie-carrying writes. Adds one issue per refused entry, naming it, to
 * `issues` and returns the entries that pass, compiled. `"*"` and `"null"` are never trusted, so
 * they are skipped, not refused.
 */
export function importCorsOrigins(cors: CorsPolicy, issues: IssueCollector): OriginMatcher {
  const options = cors.options;
  const rules: OriginRules = { ...TRUSTED_ORIGIN_RULES, allowBacktrackingRegexes: options.dangerouslyAllowBacktrackingRegexes === true };
  const kept: string[] = [];
  const keptRegexes: (RegExp | string)[] = [];
  const why = (issue: ConfigIssue): ConfigIssue => ({
    ...issue,
    problem: `${issue.problem} The CSRF guard trusts the CORS policy's origins for cookie-carrying writes, so each must pass the rules trustedOrigins follow.`,
    fix: `remove it from the CORS policy given as cors, or leave cors out and list the origins the guard may trust in trustedOrigins (${withoutEscapeHatch(issue.fix).replace(/\.$/, "")}).`,
  });
  const check = (origins: readonly string[], regexes: readonly (RegExp | string)[], option: string): boolean => {
    const before = issues.issues.length;
    rewritingIssues(issues, (issue) => why({ ...issue, option }), (local) => compileOrigins(origins, regexes, { ...rules, option, regexOption: option }, local));
    return issues.issues.length === before;
  };
  const list = options.origins === "*" ? [] : (options.origins ?? []);
  list.forEach((entry, index) => {
    if (entry === "*" || entry === "null") return;
    if (check([entry], [], `cors.origins[${index}]`)) kept.push(entry);
  });
  (options.originRegexes ?? []).forEach((regex, index) => {
    if (check([], [regex], `cors.originRegexes[${index}]`)) keptRegexes.push(regex);
  });
  return compileOrigins(kept, keptRegexes, rules, new IssueCollector());
}

/** At least 32 characters and 5 distinct ones (Django's security.W009 asks for 50 and 5). */
function checkSecret(value: unknown, option: string, issues: IssueCollector): boolean {
  if (typeof value !== "string") {
    issues.add("wrong-type", option, value, "must be a string.", "pass a random string of 32+ characters.");
    return false;
  }
  if (value.length < MIN_CSRF_SECRET_LENGTH || new Set(value).size < 5) {
    issues.add(
      "secret-weak",
      option,
      `${value.length} characters`,
      `is too weak to sign CSRF tokens (it needs ${MIN_CSRF_SECRET_LENGTH}+ characters, not all alike).`,
      "generate one with `node -e \"console.log(crypto.randomBytes(32).toString('base64url'))\"` and keep it out of source control.",
    );
    return false;
  }
  return true;
}

// RFC 6265 §4.1.1: cookie-name is a token; path and domain values exclude CTLs and ";".
const COOKIE_ATTRIBUTE_VALUE = /^[\x21-\x3a\x3c-\x7e]+$/;

function cookieAttributes(
  input: CsrfOptions["cookie"],
  issues: IssueCollector,
  bool: (value: unknown, option: string, fallback: boolean) => boolean,
): CookieAttributes {
  const cookie = (input ?? {}) as Exclude<CsrfOptions["cookie"], undefined>;
  if (typeof cookie !== "object" || cookie === null) {
    issues.add("wrong-type", "cookie", input, "must be an object of cookie attributes.", 'write e.g. cookie: { secure: true }.');
    return defaults();
  }
  checkKnownNames(cookie as Record<string, unknown>, CSRF_COOKIE_OPTION_NAMES, "cookie.", "cookie attribute", issues);
  const name = cookie.name ?? DEFAULT_CSRF_COOKIE_NAME;
  if (typeof name !== "string" || !isToken(name)) {
    issues.add("value-invalid", "cookie.name", name, "is not a valid cookie name.", `write cookie.name: "${DEFAULT_CSRF_COOKIE_NAME}".`);
  }
  const path = cookie.path ?? "/";
  if (typeof path !== "string" || !path.startsWith("/") || !COOKIE_ATTRIBUTE_VALUE.test(path)) {
    issues.add("value-invalid", "cookie.path", path, "must be a path starting with \"/\", without spaces or \";\".", 'write cookie.path: "/".');
  }
  const domain = cookie.domain;
  if (domain !== undefined && (typeof domain !== "string" || !/^\.?[a-z0-9-]+(?:\.[a-z0-9-]+)*$/i.test(domain))) {
    issues.add("value-invalid", "cookie.domain", domain, "is not a domain such as \".example.com\".", "write the domain, or leave it out for a host-only cookie.");
  }
  const secure = bool(cookie.secure, "cookie.secure", false);
  const httpOnly = bool(cookie.httpOnly, "cookie.httpOnly", false);
  let sameSite: CookieAttributes["sameSite"] = "Lax";
  if (cookie.sameSite !== undefined) {
    if (cookie.sameSite === "Lax" || cookie.sameSite === "Strict" || cookie.sameSite === "None" || cookie.sameSite === false) sameSite = cookie.sameSite;
    else issues.add("value-invalid", "cookie.sameSite", cookie.sameSite, 'must be "Lax", "Strict", "None" or false.', 'write cookie.sameSite: "Lax".');
  }
  if (sameSite === "None" && !secure) {
    issues.add("value-invalid", "cookie.sameSite", sameSite, "requires the Secure attribute; browsers drop SameSite=None cookies without it.", "set cookie.secure: true (and serve over https).");
  }
  if (typeof name === "string" && name.startsWith("__Host-") && (!secure || path !== "/" || domain !== undefined)) {
    issues.add("value-invalid", "cookie.name", name, "is a __Host- cookie, which browsers only accept with Secure, Path=/ and no Domain.", "set cookie.secure: true, cookie.path: \"/\" and no cookie.domain, or drop the prefix.");
  } else if (typeof name === "string" && name.startsWith("__Secure-") && !secure) {
    issues.add("value-invalid", "cookie.name", name, "is a __Secure- cookie, which browsers only accept with Secure.", "set cookie.secure: true, or drop the prefix.");
  }
  // CHIPS: browsers refuse a Partitioned cookie without Secure (verified in Chromium and Firefox).
  const partitioned = bool(cookie.partitioned, "cookie.partitioned", false);
  if (partitioned && !secure) {
    issues.add("value-invalid", "cookie.partitioned", partitioned, "requires the Secure attribute; browsers drop Partitioned cookies without it.", "set cookie.secure: true (and serve over https).");
  }
  let maxAgeSeconds: number | null = DEFAULT_CSRF_COOKIE_AGE_SECONDS;
  if (cookie.maxAgeSeconds !== undefined) {
    if (cookie.maxAgeSeconds === null || (Number.isInteger(cookie.maxAgeSeconds) && cookie.maxAgeSeconds >= 0)) maxAgeSeconds = cookie.maxAgeSeconds;
    else issues.add("max-age-invalid", "cookie.maxAgeSeconds", cookie.maxAgeSeconds, "must be a whole number of seconds, 0 or more, or null for a session cookie.", `write cookie.maxAgeSeconds: ${DEFAULT_CSRF_COOKIE_AGE_SECONDS}.`);
  }
  return freeze({ name: String(name), path: String(path), domain: typeof domain === "string" ? domain : undefined, secure, sameSite, httpOnly, maxAgeSeconds, ...(partitioned ? { partitioned } : {}) });
}

function defaults(): CookieAttributes {
  return { name: DEFAULT_CSRF_COOKIE_NAME, path: "/", domain: undefined, secure: false, sameSite: "Lax", httpOnly: false, maxAgeSeconds: DEFAULT_CSRF_COOKIE_AGE_SECONDS };
}

/** Runs `validate` with a collector of its own, then adds what it found to `issues`, each issue rewritten. */
function rewritingIssues<T>(issues: IssueCollector, rewrite: (issue: ConfigIssue) => ConfigIssue, validate: (local: IssueCollector) => T): T {
  const local = new IssueCollector();
  const result = validate(local);
  for (const issue of local.issues) issues.issues.push(rewrite(issue));
  issues.warnings.push(...local.warnings);
  return result;
}
