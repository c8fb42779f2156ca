// crossgate/client: a browser fetch client for cross-origin APIs. No dependencies, no node: imports.
export { apiRequest } from "./api-request.ts";
export { createClient, type CrossgateClient, type RequestInitOptions, type RequestOptions } from "./create-client.ts";
export {
  CorsError,
  CrossgateClientError,
  HttpError,
  isAbortError,
  isCorsError,
  isCrossgateClientError,
  isCsrfRefusal,
  isHttpError,
  isNetworkError,
  isParseError,
  isRedirectError,
  isTimeoutError,
  NetworkError,
  ParseError,
  RedirectError,
  TimeoutError,
  type ClientErrorCode,
  type CookiesNotSent,
  type FetchFailureContext,
  type HttpProbableCause,
  type ProbableCause,
} from "./errors.ts";
export type { ClientOptions, CsrfOptions, FetchFunction } from "./options.ts";
