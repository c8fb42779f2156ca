/**
 * crossgate: CORS and CSRF for every TypeScript server. This entry point is the
 * framework-neutral core; adapters live in `crossgate/node`, `crossgate/fastify`, and so on.
 */
export { createCorsPolicy, isCorsPolicy, toCorsPolicy, type CorsPolicy } from "./core/cors/policy.ts";
export {
  CORS_OFF,
  corsRoutes,
  isCorsRoutes,
  preflightMethod,
  ROUTE_UNCERTAIN,
  toCorsDecider,
  type CorsDecider,
  type CorsInput,
  type CorsRoute,
  type CorsRoutes,
  type CorsSetting,
  type PathMatching,
} from "./core/cors/routes.ts";
export {
  DEFAULT_MAX_AGE_SECONDS,
  DEFAULT_METHODS,
  DEFAULT_REQUEST_HEADERS,
  type AllowOriginCallback,
  type CorsLogger,
  type CorsOptions,
} from "./core/cors/options.ts";
export { describeRefusal, type CorsPlan, type CorsVerdict, type RefusalReason } from "./core/cors/decide.ts";
export type { CorsHeader } from "./core/cors/compile.ts";
export {
  MAX_EVENT_DETAIL_LENGTH,
  MAX_EVENT_ORIGIN_LENGTH,
  REFUSAL_HEADER,
  type CorsRefusalEvent,
  type CsrfRefusalEvent,
  type RefusalEvent,
  type RefusalListener,
} from "./core/refusal.ts";
export { ConfigError, formatWarning, isConfigError, type ConfigIssue, type ConfigIssueCode, type ConfigWarning, type ConfigWarningCode } from "./core/errors.ts";
export { compileOrigins, OriginMatcher, type OriginRules } from "./core/origins.ts";
export { pathOf, requestViewFromRecord, type RequestView } from "./core/request.ts";
export { mergeVary } from "./core/internal/vary.ts";
export { fromDjangoSettings, type CrossgateSettings, type SettingsExtras } from "./core/settings/django.ts";
export { fromEnv } from "./core/settings/env.ts";
export { createCsrfPolicy, isCsrfPolicy, toCsrfPolicy, type CsrfPolicy, type IssueTokenOptions } from "./core/csrf/policy.ts";
export {
  DEFAULT_CSRF_COOKIE_AGE_SECONDS,
  DEFAULT_CSRF_COOKIE_NAME,
  DEFAULT_CSRF_FORM_FIELD,
  DEFAULT_CSRF_HEADER_NAME,
  type CsrfCookieOptions,
  type CsrfLogger,
  type CsrfOptions,
  type CsrfSessionIdReader,
} from "./core/csrf/options.ts";
export type { CsrfDecision, CsrfHeader, CsrfResponse, CsrfVerdict, IssuedCsrfToken } from "./core/csrf/decide.ts";
export type { CsrfRefusalCode } from "./core/csrf/reasons.ts";
export { FORM_TOO_LARGE, type CsrfRequest, type FormFieldValue } from "./core/csrf/request.ts";
export type { CsrfTokenFormat } from "./core/csrf/token-format.ts";
export {
  COOKIE_BEHAVIOUR_TABLE,
  COOKIE_BROWSERS,
  parseSetCookie,
  predictCookie,
  registrableDomain,
  siteOf,
  siteRelation,
  type BrowserCookieVerdict,
  type CookieBehaviourRow,
  type CookieBehaviours,
  type CookieBrowser,
  type CookieContext,
  type CookiePrediction,
  type CookieRule,
  type ParsedSetCookie,
  type SameSiteValue,
  type SetCookie,
  type SiteRelation,
} from "./core/cookies/index.ts";
