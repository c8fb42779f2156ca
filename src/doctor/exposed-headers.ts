// Which response headers a script can read. Fetch standard, "CORS-safelisted response-header
// name" and main fetch's handling of `Access-Control-Expose-Headers`.
import { getHeader, isToken, type HeaderPair } from "./http-tokens.ts";
import { splitList } from "./header-list.ts";
import type { ExposedHeaders } from "./report.ts";

/** Response headers every CORS response exposes. */
export const SAFELISTED_RESPONSE_HEADERS: readonly string[] = [
  "cache-control",
  "content-language",
  "content-length",
  "content-type",
  "expires",
  "last-modified",
  "pragma",
];

const FORBIDDEN_RESPONSE_HEADERS = ["set-cookie", "set-cookie2"];

/** Connection-level headers: they describe the socket, not the response, so the report leaves them out. */
const HOP_BY_HOP_HEADERS = ["connection", "keep-alive", "transfer-encoding"];

/**
 * Splits the final response's header names into those `response.headers.get()` returns and
 * those it hides. A same-origin response ("basic" filtered) hides only Set-Cookie; a CORS one
 * shows the safelisted names and those in `Access-Control-Expose-Headers`, whose `*` counts
 * only without credentials. See Fetch standard, "main fetch" step 14 ("CORS-exposed header-name list").
 */
export function exposedHeadersOf(headers: readonly HeaderPair[], credentials: boolean, sameOrigin = false): ExposedHeaders {
  const exposed = splitList(getHeader(headers, "access-control-expose-headers"))
    .filter(isToken)
    .map((name) => name.toLowerCase());
  const all = sameOrigin || (!credentials && exposed.includes("*"));
  const readable: string[] = [];
  const hidden: string[] = [];
  const names = [...new Set(headers.map(([name]) => name.toLowerCase()))].filter((name) => !HOP_BY_HOP_HEADERS.includes(name)).sort();
  for (const name of names) {
    const isReadable =
      !FORBIDDEN_RESPONSE_HEADERS.includes(name) &&
      (all || SAFELISTED_RESPONSE_HEADERS.includes(name) || exposed.includes(name));
    (isReadable ? readable : hidden).push(name);
  }
  return { readable, hidden };
}
