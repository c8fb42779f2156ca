// Django's CsrfViewMiddleware rejection reasons, word for word (django/middleware/csrf.py), so logs,
// clients and people who know Django read the same text.

/** Why the CSRF guard refused a request; each code has one Django reason string. */
export type CsrfRefusalCode =
  | "origin-untrusted"
  | "referer-missing"
  | "referer-malformed"
  | "referer-insecure"
  | "referer-untrusted"
  | "cookie-missing"
  | "cookie-length"
  | "cookie-characters"
  | "token-missing"
  | "token-length"
  | "token-characters"
  | "token-incorrect"
  | "form-too-large";

/** Where the submitted token came from: the form field, or the named header. */
export type TokenSource = { readonly kind: "form" } | { readonly kind: "header"; readonly name: string };

/** Longest request value echoed in a reason; longer ones are cut (a reason is not a place for megabytes). */
const MAX_ECHO = 512;

function echo(value: string): string {
  return value.length > MAX_ECHO ? `${value.slice(0, MAX_ECHO)}...` : value;
}

export function reasonFor(code: CsrfRefusalCode, detail: { value?: string | undefined; source?: TokenSource } = {}): string {
  switch (code) {
    case "origin-untrusted":
      return `Origin checking failed - ${echo(detail.value ?? "")} does not match any trusted origins.`;
    case "referer-missing":
      return "Referer checking failed - no Referer.";
    case "referer-malformed":
      return "Referer checking failed - Referer is malformed.";
    case "referer-insecure":
      return "Referer checking failed - Referer is insecure while host is secure.";
    case "referer-untrusted":
      return `Referer checking failed - ${echo(detail.value ?? "")} does not match any trusted origins.`;
    case "cookie-missing":
      return "CSRF cookie not set.";
    case "cookie-length":
      return "CSRF cookie has incorrect length.";
    case "cookie-characters":
      return "CSRF cookie has invalid characters.";
    case "token-missing":
      return "CSRF token missing.";
    case "token-length":
      return `CSRF token from ${describeSource(detail.source)} has incorrect length.`;
    case "token-characters":
      return `CSRF token from ${describeSource(detail.source)} has invalid characters.`;
    case "token-incorrect":
      return `CSRF token from ${describeSource(detail.source)} incorrect.`;
    case "form-too-large":
      // Not a Django reason: Django answers RequestDataTooBig (DATA_UPLOAD_MAX_MEMORY_SIZE) with a 400.
      return `Form body larger than ${detail.value ?? "the limit"} bytes (maxFormBytes).`;
  }
}

/** Django's `_bad_token_message`: "POST", or "the 'X-Csrftoken' HTTP header". */
function describeSource(source: TokenSource | undefined): string {
  if (source === undefined || source.kind === "form") return "POST";
  return `the '${djangoHeaderTitle(source.name)}' HTTP header`;
}

/** Python's `"X-CSRFTOKEN".title()` as Django's `HttpHeaders.parse_header_name` applies it: `X-Csrftoken`. */
export function djangoHeaderTitle(name: string): string {
  return name.toLowerCase().replace(/(^|[^a-z])([a-z])/g, (_, before: string, letter: string) => before + letter.toUpperCase());
}
