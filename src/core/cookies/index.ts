export { COOKIE_BEHAVIOUR_TABLE, COOKIE_BEHAVIOURS, COOKIE_BROWSERS, type CookieBehaviourRow, type CookieBehaviours, type CookieBrowser } from "./browsers.ts";
export { parseCookieDate } from "./cookie-date.ts";
export { predictCookie, type BrowserCookieVerdict, type CookieContext, type CookiePrediction, type CookieRule } from "./predict.ts";
export { parseSetCookie, type ParsedSetCookie, type SameSiteValue, type SetCookie } from "./set-cookie.ts";
export { isSecureCookieUrl, registrableDomain, siteOf, siteRelation, type SiteRelation } from "./site.ts";
