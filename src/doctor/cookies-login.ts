// `--login <url>`: the request a page makes to log in (credentialed fetch from the page's origin),
// whose response sets the session cookie the doctor then reports on.
import type { Transport, WireRequest } from "./engine.ts";
import { hasHeader, type HeaderPair } from "./http-tokens.ts";
import { parseHeaderLine } from "./input.ts";
import type { CookieSource } from "./cookies.ts";
import { secFetchHeaders } from "./sec-fetch.ts";
import type { Warning } from "./report.ts";

/** The login request, as a user describes it. */
export interface LoginInput {
  readonly url: string;
  /** @default "POST" */
  readonly method?: string;
  /** The request body; JSON gets `Content-Type: application/json` unless a header says otherwise. */
  readonly body?: string;
  /** `"Name: value"` lines or pairs. @default none */
  readonly headers?: readonly (string | HeaderPair)[];
}

/** The wire request for `login` from a page on `origin`, or the usage problems. */
export function loginRequest(login: LoginInput, origin: string): { request: WireRequest } | { problems: string[] } {
  const problems: string[] = [];
  let url: URL | null = null;
  try {
    url = new URL(login.url);
    if (url.protocol !== "http:" && url.protocol !== "https:") problems.push(`--login must be an http: or https: URL, got ${JSON.stringify(login.url)}.`);
  } catch {
    problems.push(`--login ${JSON.stringify(login.url)} is not an absolute URL (e.g. https://api.example.com/login).`);
  }
  const method = (login.method ?? "POST").toUpperCase();
  if (!/^[A-Z]+$/.test(method) || method === "CONNECT" || method === "TRACE" || method === "TRACK") {
    problems.push(`--login-method ${JSON.stringify(login.method)} is not a method fetch() can send.`);
  }
  const headers: HeaderPair[] = [];
  for (const item of login.headers ?? []) {
    const pair = typeof item === "string" ? parseHeaderLine(item) : item;
    if (pair === null || /[\r\n\0]/.test(pair[1])) problems.push(`--login-header ${JSON.stringify(item)} must be written 'Name: value'.`);
    else headers.push(pair);
  }
  if (login.body !== undefined && (method === "GET" || method === "HEAD")) problems.push(`--login-body cannot go with --login-method ${method}.`);
  if (problems.length > 0 || url === null) return { problems };
  if (login.body !== undefined && !hasHeader(headers, "content-type")) {
    headers.push(["Content-Type", looksLikeJson(login.body) ? "application/json" : "text/plain;charset=UTF-8"]);
  }
  const fromPage: HeaderPair[] = origin === url.origin && (method === "GET" || method === "HEAD") ? [] : [["Origin", origin]];
  return {
    request: {
      method,
      url: url.href,
      headers: [["Accept", "*/*"], ...fromPage, ...secFetchHeaders(origin, [url]), ...headers],
      ...(login.body !== undefined ? { body: login.body } : {}),
    },
  };
}

/** Sends the login; the response as a cookie source, or a warning saying why there is none. */
export async function runLogin(request: WireRequest, send: Transport): Promise<{ source: CookieSource | null; warnings: Warning[] }> {
  try {
    const response = await send(request);
    const warnings: Warning[] = [];
    const setsCookies = response.headers.some(([name]) => name.toLowerCase() === "set-cookie");
    if (response.status >= 400 || !setsCookies) {
      warnings.push({
        id: "login-failed",
        message: `The login (${request.method} ${request.url}) answered ${response.status}${setsCookies ? "" : " without any Set-Cookie"}; check --login-body and --login-header.`,
      });
    }
    return { source: { kind: "login", method: request.method, url: request.url, headers: response.headers }, warnings };
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    return { source: null, warnings: [{ id: "login-failed", message: `The login (${request.method} ${request.url}) got no response: ${typeof code === "string" ? code : String(error)}.` }] };
  }
}

function looksLikeJson(body: string): boolean {
  try {
    JSON.parse(body);
    return /^\s*[[{]/.test(body);
  } catch {
    return false;
  }
}
