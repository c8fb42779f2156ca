import { IssueCollector, logWarningsOnce, type ConfigWarning } from "../errors.ts";
import { warnDebugInProduction, type CorsRefusalEvent, type RefusalListener } from "../refusal.ts";
import { compileOrigins, type OriginMatcher } from "../origins.ts";
import { ALLOW_CREDENTIALS, ALLOW_HEADERS, ALLOW_METHODS } from "./header-names.ts";
import { booleanOption, checkKnownNames, checkRefusalListener, loggerOption, statelessFlags } from "../internal/option-checks.ts";
import {
  isForbiddenMethod,
  isForbiddenRequestHeader,
  isForbiddenResponseHeader,
  isRequestOnlyHeader,
  isResponseOnlyCorsHeader,
  isToken,
  normalizeMethod,
} from "../internal/tokens.ts";
import {
  CORS_OPTION_NAMES,
  DANGEROUSLY_ALLOW_ANY_HEADER,
  DANGEROUSLY_ALLOW_ANY_ORIGIN,
  DANGEROUSLY_ALLOW_BACKTRACKING,
  DANGEROUSLY_ALLOW_INSECURE_ORIGINS,
  DANGEROUSLY_ALLOW_PUBLIC_SUFFIX_WILDCARDS,
  DEFAULT_MAX_AGE_SECONDS,
  DEFAULT_METHODS,
  DEFAULT_REQUEST_HEADERS,
  type AllowOriginCallback,
  type CorsLogger,
  type CorsOptions,
} from "./options.ts";
import { freeze } from "../internal/freeze.ts";

/** A response header crossgate sets: `[name, value]`. */
export type CorsHeader = readonly [name: string, value: string];

/** Everything the request path needs, computed once from validated options. Immutable. */
export interface CompiledCors {
  readonly options: Readonly<CorsOptions>;
  readonly origins: OriginMatcher;
  /** `"*"` without credentials: every response gets `Access-Control-Allow-Origin: *`, no `Vary: Origin`. */
  readonly public: boolean;
  readonly allowOrigin: AllowOriginCallback | undefined;
  readonly urlFilter: ((path: string) => boolean) | undefined;
  readonly credentials: boolean;
  readonly methods: ReadonlySet<string>;
  readonly anyMethod: boolean;
  readonly requestHeaders: ReadonlySet<string>;
  readonly anyHeader: boolean;
  /** Credentials with `"*"` headers: reflect the requested names, since browsers read `*` literally. */
  readonly reflectHeaders: boolean;
  readonly privateNetwork: boolean;
  readonly preflightStatus: number;
  /** Headers of an allowed actual response, except `Access-Control-Allow-Origin`. */
  readonly actualHeaders: readonly CorsHeader[];
  /** Headers of an allowed preflight response, except the origin and any reflected values. */
  readonly preflightHeaders: readonly CorsHeader[];
  readonly allowMethodsValue: string | undefined;
  readonly allowHeadersValue: string | undefined;
  readonly varyActual: string;
  readonly varyPreflight: string;
  readonly debug: boolean;
  readonly onRefusal: RefusalListener<CorsRefusalEvent> | undefined;
  /** `debug` or `onRefusal`: refusals take the slower path that answers for debug and tells the listener. */
  readonly watchRefusals: boolean;
  readonly logger: CorsLogger;
  /** What is redundant in the options (already logged once to `logger`); `crossgate check` lists them. */
  readonly warnings: readonly ConfigWarning[];
}

const BROWSER_MAX_AGE_CAPS = { chromium: 7200, firefox: 86400 };

/**
 * Validates every option, collecting every problem, and compiles the policy's request path.
 * Throws one `ConfigError` listing all problems; nothing is half-built. What is merely redundant
 * (a header scripts can never send, a max-age above the browsers' caps) is a warning instead:
 * logged once per options object, kept in `warnings`, and left out of the compiled lists.
 */
export function compileCors(input: CorsOptions, subject = "CORS configuration"): CompiledCors {
  const issues = new IssueCollector();
  if (typeof input !== "object" || input === null) {
    issues.add("wrong-type", "options", input, "must be an object.", "pass e.g. { origins: [\"https://app.example.com\"] }.");
    issues.throwIfAny(subject);
  }
  checkKnownNames(input as Record<string, unknown>, CORS_OPTION_NAMES, "", "CORS option", issues);

  const bool = (name: keyof CorsOptions): boolean => booleanOption(input[name], name, false, issues);
  const credentials = bool("credentials");
  const privateNetwork = bool("privateNetwork");
  const debug = bool("debug");
  const dangerouslyAllowAnyHeaderWithCredentials = bool(DANGEROUSLY_ALLOW_ANY_HEADER);

  const origins = compileOrigins(
    input.origins,
    input.originRegexes,
    {
      option: "origins",
      regexOption: "originRegexes",
      credentials,
      allowNull: bool("dangerouslyAllowNullOrigin"),
      allowAnyWithCredentials: bool(DANGEROUSLY_ALLOW_ANY_ORIGIN),
      allowInsecureWithCredentials: bool(DANGEROUSLY_ALLOW_INSECURE_ORIGINS),
      allowPublicSuffixWildcards: bool(DANGEROUSLY_ALLOW_PUBLIC_SUFFIX_WILDCARDS),
      allowBacktrackingRegexes: bool(DANGEROUSLY_ALLOW_BACKTRACKING),
    },
    issues,
  );

  const allowOrigin = input.allowOrigin;
  if (allowOrigin !== undefined && typeof allowOrigin !== "function") {
    issues.add("wrong-type", "allowOrigin", allowOrigin, "must be a function (origin, request) => boolean | Promise<boolean>.", "pass a function or leave it out.");
  }

  const onRefusal = input.onRefusal;
  checkRefusalListener(onRefusal, issues);

  const varyOn = headerNames(input.varyOn, "varyOn", issues, { forbidRequestHeaders: false });

  let urlFilter: ((path: string) => boolean) | undefined;
  const filter = input.urlFilter;
  if (filter instanceof RegExp) {
    const regex = new RegExp(filter.source, statelessFlags(filter));
    urlFilter = (path) => regex.test(path);
  } else if (typeof filter === "function") {
    urlFilter = filter;
  } else if (filter !== undefined) {
    issues.add("wrong-type", "urlFilter", filter, "must be a RegExp or a function (path) => boolean.", "write e.g. urlFilter: /^\\/api\\//.");
  }

  // Methods: tokens; the six well-known ones are case-normalised like browsers do (Fetch "normalize a method").
  const methods = new Set<string>();
  let anyMethod = false;
  const methodList = listOf(input.methods, "methods", DEFAULT_METHODS, issues);
  methodList.forEach((method, index) => {
    const option = `methods[${index}]`;
    if (method === "*") {
      anyMethod = true;
    } else if (typeof method !== "string" || !isToken(method)) {
      issues.add("method-invalid", option, method, "is not a valid HTTP method token.", 'write a method name such as "PATCH".');
    } else if (isForbiddenMethod(method)) {
      issues.add("method-forbidden", option, method, "is a method browsers never let scripts send.", "remove it.");
    } else {
      methods.add(normalizeMethod(method));
    }
  });

  const requestHeaderList = headerNames(input.requestHeaders ?? DEFAULT_REQUEST_HEADERS, "requestHeaders", issues, {
    forbidRequestHeaders: true,
    allowStar: true,
  });
  const anyHeader = requestHeaderList.includes("*");
  if (anyHeader && credentials && !dangerouslyAllowAnyHeaderWithCredentials) {
    issues.add(
      "any-header-with-credentials",
      "requestHeaders",
      input.requestHeaders,
      "contains \"*\" while credentials are on; browsers read it literally on credentialed requests, so it allows nothing.",
      `list the header names, or set ${DANGEROUSLY_ALLOW_ANY_HEADER}: true to reflect whatever headers are requested.`,
    );
  }
  const exposeHeaderList = headerNames(input.exposeHeaders, "exposeHeaders", issues, {
    forbidRequestHeaders: false,
    forbidResponseHeaders: true,
    allowStar: true,
  });
  if (credentials && exposeHeaderList.includes("*")) {
    issues.add(
      "expose-any-with-credentials",
      "exposeHeaders",
      input.exposeHeaders,
      "contains \"*\" while credentials are on; browsers read it literally on credentialed requests, so it exposes nothing.",
      "list the response header names scripts may read.",
    );
  }

  let maxAgeValue: string | undefined = String(DEFAULT_MAX_AGE_SECONDS);
  const maxAge = input.maxAgeSeconds;
  if (maxAge === null) {
    maxAgeValue = undefined;
  } else if (maxAge !== undefined) {
    if (typeof maxAge !== "number" || !Number.isInteger(maxAge) || maxAge < 0) {
      issues.add("max-age-invalid", "maxAgeSeconds", maxAge, "must be a whole number of seconds, 0 or more, or null to omit the header.", `write e.g. maxAgeSeconds: ${DEFAULT_MAX_AGE_SECONDS}.`);
    } else {
      maxAgeValue = String(maxAge);
    }
  }

  let preflightStatus = 204;
  if (input.preflightStatus !== undefined) {
    if (input.preflightStatus !== 200 && input.preflightStatus !== 204) {
      issues.add("status-invalid", "preflightStatus", input.preflightStatus, "must be 200 or 204.", "write preflightStatus: 204 (or 200 for old clients).");
    } else {
      preflightStatus = input.preflightStatus;
    }
  }

  const logger = loggerOption(input.logger, issues);

  if (typeof maxAge === "number" && maxAgeValue !== undefined && maxAge > BROWSER_MAX_AGE_CAPS.chromium) {
    issues.warn(
      "max-age-above-cap",
      "maxAgeSeconds",
      maxAge,
      `is above Chromium's cap of ${BROWSER_MAX_AGE_CAPS.chromium}s` +
        (maxAge > BROWSER_MAX_AGE_CAPS.firefox ? ` and Firefox's cap of ${BROWSER_MAX_AGE_CAPS.firefox}s` : "") +
        "; browsers cache preflights for less time than configured.",
      `write maxAgeSeconds: ${maxAge > BROWSER_MAX_AGE_CAPS.firefox ? BROWSER_MAX_AGE_CAPS.firefox : BROWSER_MAX_AGE_CAPS.chromium}, or leave it: nothing breaks.`,
    );
  }

  issues.throwIfAny(subject);
  logWarningsOnce(input, issues.warnings, logger);
  if (debug) warnDebugInProduction("cors", logger);

  const isPublic = origins.any && !credentials;
  const allowMethodsValue = anyMethod
    ? credentials
      ? undefined // reflected per request: credentialed requests read "*" literally
      : ["*", ...methods].join(", ")
    : methods.size > 0
      ? [...methods].join(", ")
      : undefined;
  const reflectHeaders = anyHeader && credentials;
  const allowHeadersValue = reflectHeaders ? undefined : requestHeaderList.length > 0 ? requestHeaderList.join(", ") : undefined;
  const exposeValue = exposeHeaderList.length > 0 ? exposeHeaderList.join(", ") : undefined;

  const actualHeaders: CorsHeader[] = [];
  if (credentials) actualHeaders.push([ALLOW_CREDENTIALS, "true"]);
  if (exposeValue !== undefined) actualHeaders.push(["Access-Control-Expose-Headers", exposeValue]);

  const preflightHeaders: CorsHeader[] = [];
  if (credentials) preflightHeaders.push([ALLOW_CREDENTIALS, "true"]);
  if (allowMethodsValue !== undefined) preflightHeaders.push([ALLOW_METHODS, allowMethodsValue]);
  if (allowHeadersValue !== undefined) preflightHeaders.push([ALLOW_HEADERS, allowHeadersValue]);
  if (maxAgeValue !== undefined) preflightHeaders.push(["Access-Control-Max-Age", maxAgeValue]);

  const extraVary = varyOn.map(canonicalHeaderName);
  const varyActual = isPublic ? "" : ["Origin", ...extraVary].join(", ");
  const varyPreflight = [
    ...(isPublic ? [] : ["Origin"]),
    "Access-Control-Request-Method",
    "Access-Control-Request-Headers",
    ...(privateNetwork ? ["Access-Control-Request-Private-Network"] : []),
    ...(isPublic ? [] : extraVary),
  ].join(", ");

  return freeze({
    options: freezeOptions(input),
    origins,
    public: isPublic,
    allowOrigin: typeof allowOrigin === "function" ? allowOrigin : undefined,
    urlFilter,
    credentials,
    methods,
    anyMethod,
    requestHeaders: new Set(requestHeaderList.filter((name) => name !== "*")),
    anyHeader,
    reflectHeaders,
    privateNetwork,
    preflightStatus,
    actualHeaders: freeze(actualHeaders),
    preflightHeaders: freeze(preflightHeaders),
    allowMethodsValue,
    allowHeadersValue,
    varyActual,
    varyPreflight,
    debug,
    onRefusal: typeof onRefusal === "function" ? onRefusal : undefined,
    watchRefusals: debug || typeof onRefusal === "function",
    logger,
    warnings: freeze([...issues.warnings]),
  });
}

function listOf(
  value: readonly unknown[] | undefined,
  option: string,
  fallback: readonly string[],
  issues: IssueCollector,
): readonly unknown[] {
  if (value === undefined) return fallback;
  if (!Array.isArray(value)) {
    issues.add("wrong-type", option, value, "must be an array of strings.", `write e.g. ${option}: ${JSON.stringify(fallback.slice(0, 2))}.`);
    return [];
  }
  return value;
}

/** Validates header names and returns them lower-cased, without duplicates. */
function headerNames(
  value: readonly string[] | undefined,
  option: string,
  issues: IssueCollector,
  rules: { forbidRequestHeaders: boolean; forbidResponseHeaders?: boolean; allowStar?: boolean },
): string[] {
  const names: string[] = [];
  listOf(value, option, [], issues).forEach((name, index) => {
    const entry = `${option}[${index}]`;
    if (typeof name !== "string" || !isToken(name)) {
      issues.add("header-invalid", entry, name, "is not a valid header name token.", 'write a header name such as "x-request-id".');
      return;
    }
    const lower = name.toLowerCase();
    if (lower === "*" && !rules.allowStar) {
      issues.add("header-invalid", entry, name, "cannot be \"*\" here.", "list header names.");
      return;
    }
    if (rules.forbidRequestHeaders && isResponseOnlyCorsHeader(lower)) {
      // The server sends these; a browser never asks for them, so listing one is a mix-up.
      issues.add(
        "header-misplaced",
        entry,
        name,
        "is a header of the CORS response, which the server sends; browsers never ask to send it, so allowing it as a request header means nothing.",
        `remove it; to set the response header, use the option that controls it (${responseHeaderOption(lower)}).`,
      );
      return;
    }
    if (rules.forbidRequestHeaders && isForbiddenRequestHeader(lower)) {
      // Redundant, not wrong: django-cors-headers' defaults before 4.0 listed accept-encoding, dnt and origin.
      issues.warn(
        "header-redundant",
        entry,
        name,
        "is a header browsers never let scripts set, so allowing it has no effect; it is left out of Access-Control-Allow-Headers.",
        lower === "cookie" || lower === "cookie2" ? "remove it; cookies are sent when credentials: true and the page asks for them." : "remove it.",
      );
      return;
    }
    if (rules.forbidResponseHeaders && isForbiddenResponseHeader(lower)) {
      issues.add("header-forbidden", entry, name, "is never readable by scripts, whatever the server says.", "remove it.");
      return;
    }
    if (rules.forbidResponseHeaders && (isRequestOnlyHeader(lower) || isResponseOnlyCorsHeader(lower))) {
      issues.add(
        "header-misplaced",
        entry,
        name,
        isRequestOnlyHeader(lower)
          ? "is a request header; a response never carries it, so exposing it means nothing."
          : "is a CORS protocol header, which browsers consume themselves; exposing it to scripts means nothing.",
        "remove it from the exposed headers.",
      );
      return;
    }
    if (!names.includes(lower)) names.push(lower);
  });
  return names;
}

/** The option behind each CORS response header (without "access-control-"), for the fix of a misplaced one. */
const RESPONSE_HEADER_OPTIONS: Readonly<Record<string, string | null>> = {
  __proto__: null, // no inherited names
  "allow-origin": "origins",
  "allow-credentials": "credentials",
  "allow-methods": "methods",
  "allow-headers": "requestHeaders",
  "allow-private-network": "privateNetwork",
  "max-age": "maxAgeSeconds",
  "expose-headers": "exposeHeaders",
};

function responseHeaderOption(name: string): string {
  return (name.startsWith("access-control-") && RESPONSE_HEADER_OPTIONS[name.slice(15)]) || "origins, credentials, methods, requestHeaders";
}

/** `x-tenant-id` → `X-Tenant-Id`, for readable `Vary` values. */
function canonicalHeaderName(name: string): string {
  return name.replace(/(^|-)([a-z])/g, (_, dash: string, letter: string) => dash + letter.toUpperCase());
}

/** A frozen copy, arrays included, so later changes to the caller's objects change nothing. */
function freezeOptions(input: CorsOptions): Readonly<CorsOptions> {
  const copy: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(input)) copy[key] = Array.isArray(value) ? freeze([...value]) : value;
  return freeze(copy) as Readonly<CorsOptions>;
}
