import type { CorsCheckRule } from "./cors-check.ts";
import type { CorsRuleId } from "./rules.ts";

/**
 * A failed rule with the values the browsers' messages and the fixes quote.
 * Only the fields the rule needs are set.
 */
export interface Finding {
  readonly rule: CorsRuleId;
  /** One or two sentences: this case, with the values seen. */
  readonly detail: string;
  /** The status of the failing response. */
  readonly status?: number;
  /** The combined `Access-Control-Allow-Origin` value. */
  readonly allowOrigin?: string | null;
  /** True if `Access-Control-Allow-Origin` was sent more than once. */
  readonly repeated?: boolean;
  /** The combined `Access-Control-Allow-Credentials` value. */
  readonly allowCredentials?: string | null;
  /** The method that was not allowed. */
  readonly method?: string;
  /** The lower-cased header name that was not allowed. */
  readonly header?: string;
  /** The list item that did not parse. */
  readonly badToken?: string;
  /** The redirect target, as written in `Location`. */
  readonly location?: string;
  /** For a non-ok preflight: the CORS check's own failure, which Chromium reports first. */
  readonly corsFailure?: CorsCheckRule;
  /** For `redirect-tainted-origin`: the CORS check failure behind it. */
  readonly underlying?: CorsCheckRule;
  /** For `network-error`: the system error, e.g. `ECONNREFUSED`. */
  readonly networkError?: string;
}
