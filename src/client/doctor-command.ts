// The `npx crossgate doctor …` command that replays a failed request, printed in fetch-failure errors.

/** A CORS-unsafe request-header byte (Fetch standard, "CORS-unsafe request-header byte"). */
function hasUnsafeByte(value: string): boolean {
  return /[\x00-\x08\x0A-\x1F"():<>?@[\\\]{}\x7F]/.test(value);
}

const simpleContentTypes: ReadonlySet<string> = new Set([
  "application/x-www-form-urlencoded",
  "multipart/form-data",
  "text/plain",
]);

/**
 * Whether a browser sends this header without a preflight (Fetch standard, "CORS-safelisted
 * request-header"). Close enough for a diagnosis: the 1024-byte total rule is not applied.
 */
export function isCorsSafelistedRequestHeader(name: string, value: string): boolean {
  if (new TextEncoder().encode(value).length > 128) return false;
  switch (name.toLowerCase()) {
    case "accept":
      return !hasUnsafeByte(value);
    case "accept-language":
    case "content-language":
      return /^[0-9A-Za-z *,\-.;=]*$/.test(value);
    case "content-type": {
      if (hasUnsafeByte(value)) return false;
      const essence = (value.split(";")[0] ?? "").trim().toLowerCase();
      return simpleContentTypes.has(essence);
    }
    case "range":
      return /^bytes=\d+-\d*$/.test(value);
    default:
      return false;
  }
}

// Values worth showing: they decide whether a preflight happens and never hold secrets.
const showValueOf: ReadonlySet<string> = new Set(["accept", "accept-language", "content-language", "content-type", "range"]);

/** Quotes an argument for POSIX shells when it needs it. */
export function shellQuote(argument: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(argument) ? argument : `'${argument.replace(/'/g, `'\\''`)}'`;
}

export interface ReplayedRequest {
  readonly url: string;
  readonly method: string;
  /** The headers the client put on the request. */
  readonly headers: Headers;
  /** How the caller spelled header names (lower-case name → spelling), for a readable command. */
  readonly headerSpelling?: ReadonlyMap<string, string>;
  /** Whether the request went with `credentials: "include"`. */
  readonly credentials: boolean;
  /** The page origin, if any. */
  readonly origin: string | undefined;
  /** The page's URL: replayed with `--page` when the page itself is the suspect (its CSP). */
  readonly pageURL?: string | undefined;
}

/**
 * `npx crossgate doctor <url> --origin <o> --method <M> --header '<Name>: <value>' … --credentials`,
 * listing the headers that make the browser preflight. Values of headers that may hold secrets
 * (tokens, Authorization, custom headers) are replaced by `…`.
 */
export function doctorCommand(request: ReplayedRequest): string {
  const parts = ["npx", "crossgate", "doctor", shellQuote(request.url)];
  if (request.pageURL !== undefined) parts.push("--page", shellQuote(request.pageURL));
  else if (request.origin !== undefined) parts.push("--origin", shellQuote(request.origin));
  parts.push("--method", shellQuote(request.method));
  for (const [name, value] of request.headers) {
    if (isCorsSafelistedRequestHeader(name, value)) continue;
    const spelled =
      request.headerSpelling?.get(name) ??
      name.replace(/(^|-)([a-z])/g, (_, dash: string, letter: string) => dash + letter.toUpperCase());
    const shown = showValueOf.has(name) ? value : "…";
    parts.push("--header", shellQuote(`${spelled}: ${shown}`));
  }
  if (request.credentials) parts.push("--credentials");
  return parts.join(" ");
}
