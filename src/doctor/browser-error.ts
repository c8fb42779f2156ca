// Reads a CORS error pasted from a browser console (Chrome, Firefox or Safari) and recovers the
// request: URL, origin, method, headers, credentials, and the rule the browser complained about.
import type { HeaderPair } from "./http-tokens.ts";
import type { DoctorInput } from "./input.ts";
import type { RuleId } from "./rules.ts";
import { preflightNeed } from "./safelist.ts";

/** What a console message says about the failed request. Unknown parts are null. */
export interface ParsedBrowserError {
  readonly browser: "chrome" | "firefox" | "safari";
  /** The URL the script fetched (before any redirect). */
  readonly url: string;
  /** The URL that failed, after redirects (Chrome's "(redirected from …)"). */
  readonly failedUrl: string;
  /** The page origin; Firefox does not print it. */
  readonly origin: string | null;
  readonly method: string | null;
  /** Lower-cased header names the message names. */
  readonly headerNames: readonly string[];
  /** True when the message shows credentials were included; null when it does not say. */
  readonly credentials: boolean | null;
  /** True when the message is about the preflight. */
  readonly preflight: boolean;
  /** The rule the browser reported, when the message identifies one. */
  readonly rule: RuleId | null;
  /** The status the message quotes, if any. */
  readonly status: number | null;
}

const Q = "[‘'’\"]"; // Firefox prints ‘…’, but pasted text is often re-quoted

/** Parses a pasted console message; null when no known CORS message is found. */
export function parseBrowserError(text: string): ParsedBrowserError | null {
  const oneLine = text.replace(/\s*\r?\n\s*/g, " ");
  return parseChrome(oneLine) ?? parseFirefox(oneLine) ?? parseSafari(text);
}

function parseChrome(text: string): ParsedBrowserError | null {
  const match =
    /Access to [A-Za-z]+ at '([^']+)'(?: \(redirected from '([^']+)'\))? from origin '([^']*)' has been blocked by CORS policy: (.*)$/.exec(text);
  if (!match) return null;
  const [, failedUrl = "", initialUrl, origin = "", reason = ""] = match;
  const preflight = /Response to preflight request|in preflight response|for a preflight request/.test(reason);
  const method = /Method (\S+) is not allowed by Access-Control-Allow-Methods/.exec(reason)?.[1] ?? null;
  const header = /Request header field (\S+) is not allowed by Access-Control-Allow-Headers/.exec(reason)?.[1] ?? null;
  const credentials = /credentials mode is 'include'/.test(reason) ? true : null;
  const rule: RuleId | null = /Redirect is not allowed for a preflight request/.test(reason)
    ? "preflight-redirected"
    : /does not have HTTP ok status/.test(reason)
      ? "preflight-not-ok"
      : /No 'Access-Control-Allow-Origin' header is present/.test(reason)
        ? "missing-allow-origin"
        : /contains multiple values/.test(reason)
          ? "multiple-allow-origin"
          : /contains the invalid value/.test(reason)
            ? "allow-origin-invalid"
            : /that is not equal to the supplied origin/.test(reason)
              ? "allow-origin-mismatch"
              : /must not be the wildcard '\*'/.test(reason)
                ? "wildcard-with-credentials"
                : /'Access-Control-Allow-Credentials' header in the response is/.test(reason)
                  ? "allow-credentials-not-true"
                  : method !== null
                    ? "method-not-allowed"
                    : header !== null
                      ? "header-not-allowed"
                      : /Cannot parse Access-Control-Allow-Methods/.test(reason)
                        ? "allow-methods-invalid"
                        : /Cannot parse Access-Control-Allow-Headers/.test(reason)
                          ? "allow-headers-invalid"
                          : /contains a username and password/.test(reason)
                            ? "redirect-with-credentials"
                            : /disallowed scheme/.test(reason)
                              ? "redirect-not-http"
                              : null;
  const tainted =
    initialUrl !== undefined && (rule === "missing-allow-origin" || rule === "allow-origin-mismatch") && isTaintingHop(initialUrl, failedUrl, origin);
  return {
    browser: "chrome",
    url: initialUrl ?? failedUrl,
    failedUrl,
    origin,
    method,
    headerNames: header === null ? [] : [header.toLowerCase()],
    credentials,
    preflight: preflight || method !== null || header !== null,
    rule: tainted ? "redirect-tainted-origin" : rule,
    status: null,
  };
}

// A redirect from an origin other than the page's to yet another origin sends `Origin: null`.
function isTaintingHop(initialUrl: string, failedUrl: string, pageOrigin: string): boolean {
  try {
    const from = new URL(initialUrl).origin;
    return from !== new URL(failedUrl).origin && from !== pageOrigin;
  } catch {
    return false;
  }
}

function parseFirefox(text: string): ParsedBrowserError | null {
  const match =
    /Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at (\S+?)\.? \(Reason: (.*?)\)\.?(?: Status code: ([^.\s]+)\.?)?(?:\s|$)/.exec(text);
  if (!match) return null;
  const [, url = "", reason = "", statusText] = match;
  const status = statusText !== undefined && /^\d+$/.test(statusText) ? Number(statusText) : null;
  const header =
    new RegExp(`header ${Q}([^‘'’"]+)${Q} is not allowed according to header`).exec(reason)?.[1] ??
    new RegExp(`missing token ${Q}([^‘'’"]+)${Q} in CORS header`).exec(reason)?.[1] ??
    null;
  const mismatch = new RegExp(`does not match ${Q}([^‘'’"]*)${Q}`).exec(reason);
  const rule: RuleId | null = /Access-Control-Allow-Origin.{1,2} missing/.test(reason)
    ? "missing-allow-origin"
    : /Multiple CORS header/.test(reason)
      ? "multiple-allow-origin"
      : mismatch
        ? /[ ,]/.test(mismatch[1] ?? "")
          ? "multiple-allow-origin"
          : "allow-origin-mismatch"
        : /Credential is not supported/.test(reason)
          ? "wildcard-with-credentials"
          : /Access-Control-Allow-Credentials/.test(reason) && /expected/.test(reason)
            ? "allow-credentials-not-true"
            : /preflight (?:response|channel) did not succeed/.test(reason)
              ? "preflight-not-ok"
              : /external redirect not allowed/.test(reason)
                ? "preflight-redirected"
                : /Did not find method/.test(reason)
                  ? "method-not-allowed"
                  : header !== null
                    ? "header-not-allowed"
                    : /invalid token .* Access-Control-Allow-Methods/.test(reason)
                      ? "allow-methods-invalid"
                      : /invalid token .* Access-Control-Allow-Headers/.test(reason)
                        ? "allow-headers-invalid"
                        : /CORS request did not succeed/.test(reason)
                          ? "network-error"
                          : /CORS request not http/.test(reason)
                            ? "redirect-not-http"
                            : null;
  const credentials = rule === "wildcard-with-credentials" || rule === "allow-credentials-not-true" ? true : null;
  const preflight =
    rule === "preflight-not-ok" ||
    rule === "preflight-redirected" ||
    rule === "method-not-allowed" ||
    rule === "header-not-allowed" ||
    rule === "allow-methods-invalid" ||
    rule === "allow-headers-invalid";
  return {
    browser: "firefox",
    url,
    failedUrl: url,
    origin: null,
    method: null,
    headerNames: header === null ? [] : [header.toLowerCase()],
    credentials,
    preflight,
    rule,
    status,
  };
}

function parseSafari(text: string): ParsedBrowserError | null {
  const load = /(?:Fetch API|XMLHttpRequest) cannot load (\S+?)\.? due to access control checks/.exec(text);
  const originMatch = /Origin (\S+) is not allowed by Access-Control-Allow-Origin\.(?: Status code: (\d+))?/.exec(text);
  const method = /Method (\S+) is not allowed by Access-Control-Allow-Methods\./.exec(text)?.[1] ?? null;
  const header = /Request header field (\S+) is not allowed by Access-Control-Allow-Headers\./.exec(text)?.[1] ?? null;
  const preflightStatus = /Preflight response is not successful\.(?: Status code: (\d+))?/.exec(text);
  if (!load) return null;
  const rule: RuleId | null = preflightStatus
    ? "preflight-not-ok"
    : method !== null
      ? "method-not-allowed"
      : header !== null
        ? "header-not-allowed"
        : /Cannot use wildcard in Access-Control-Allow-Origin/.test(text)
          ? "wildcard-with-credentials"
          : /Access-Control-Allow-Credentials is not "true"/.test(text)
            ? "allow-credentials-not-true"
            : /cannot contain more than one origin/.test(text)
              ? "multiple-allow-origin"
              : null; // "Origin X is not allowed" covers missing, mismatched and invalid alike
  const statusText = originMatch?.[2] ?? preflightStatus?.[1];
  return {
    browser: "safari",
    url: load[1] ?? "",
    failedUrl: load[1] ?? "",
    origin: originMatch?.[1] ?? null,
    method,
    headerNames: header === null ? [] : [header.toLowerCase()],
    credentials: rule === "wildcard-with-credentials" || rule === "allow-credentials-not-true" ? true : null,
    preflight: rule === "preflight-not-ok" || method !== null || header !== null,
    rule,
    status: statusText === undefined ? null : Number(statusText),
  };
}

/** What the user gave besides the pasted message; given values win over parsed ones. */
export interface BrowserErrorOverrides {
  readonly url?: string;
  readonly origin?: string;
  readonly method?: string;
  readonly headers?: readonly HeaderPair[];
  readonly credentials?: boolean;
}

/**
 * Rebuilds the request a console message describes. Values the message does not give are
 * filled from `overrides`, or guessed (and the guess is noted). Returns the notes with the input,
 * or the problems that keep it from being a request.
 */
export function inputFromBrowserError(
  parsed: ParsedBrowserError,
  overrides: BrowserErrorOverrides,
): { ok: true; input: DoctorInput; notes: string[] } | { ok: false; problems: string[] } {
  const notes: string[] = [];
  const origin = overrides.origin ?? parsed.origin;
  if (origin === null) {
    return {
      ok: false,
      problems: [`${parsed.browser === "firefox" ? "Firefox's" : "This"} message does not name the page's origin: add --origin <the page's origin, e.g. http://localhost:5173>.`],
    };
  }
  const method = overrides.method ?? parsed.method ?? "GET";
  const headers: HeaderPair[] = [...(overrides.headers ?? [])];
  for (const name of parsed.headerNames) {
    if (!headers.some(([n]) => n.toLowerCase() === name)) headers.push([name, name === "content-type" ? "application/json" : "crossgate-doctor"]);
  }
  // Console lines name the method only when it is the method that was refused, and a header only
  // when it is the header that was refused: say what is assumed, and how to give the real values.
  if (parsed.method === null && overrides.method === undefined) {
    notes.push(
      parsed.rule === "method-not-allowed"
        ? "The message does not name the method; pass -X with the one the page uses (assuming GET)."
        : `A CORS console line never carries the request's method, so the doctor replays a GET${parsed.preflight ? " (a preflighted POST, PUT or DELETE would be checked as a GET)" : ""}: pass -X with the page's method.`,
    );
  }
  // The message was about a preflight but nothing known so far would trigger one: the most common
  // trigger is a JSON body, so assume `Content-Type: application/json`, and say so.
  if (parsed.preflight && !preflightNeed(method.toUpperCase(), headers).needed) {
    headers.push(["Content-Type", "application/json"]);
    notes.push("The browser sent a preflight, but the message does not say why (it never lists the request's headers); assuming `Content-Type: application/json`: pass -H for each header the page sets.");
  } else if (parsed.preflight && overrides.headers === undefined && parsed.headerNames.length > 0) {
    notes.push(`The message names only the refused header (${parsed.headerNames.join(", ")}); pass -H for the page's other headers to check them too.`);
  }
  const credentials = overrides.credentials ?? parsed.credentials ?? false;
  if (parsed.credentials === null && overrides.credentials === undefined) {
    notes.push("The message does not show whether credentials were included; assuming not (pass --credentials if the page uses credentials: \"include\").");
  }
  return { ok: true, input: { url: overrides.url ?? parsed.url, origin, method, headers, credentials }, notes };
}
