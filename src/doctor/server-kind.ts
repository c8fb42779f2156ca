// Which server answered, from what its responses show, so the fix leads in that server's own
// language. Only strong markers count; anything else is "unknown" and both fixes are printed.
import { getHeader, headerValues, type HeaderPair } from "./http-tokens.ts";

/** A server the doctor writes fixes for first. */
export type ServerKind = "django" | "crossgate" | "express" | "fastify" | "koa" | "hono" | "unknown";

export const SERVER_KINDS: readonly ServerKind[] = ["django", "crossgate", "express", "fastify", "koa", "hono", "unknown"];

/** Who the doctor thinks answered, and why. */
export interface ServerIdentity {
  readonly kind: ServerKind;
  /** `flag`: given with `--server`; `evidence`: recognised from the responses; `none`: not recognised. */
  readonly source: "flag" | "evidence" | "none";
  /** The marker that identified it, e.g. "Django's CSRF 403 page". Null unless recognised from evidence. */
  readonly evidence: string | null;
}

/** A response as the recogniser needs it. */
export interface SeenResponse {
  readonly status: number;
  readonly headers: readonly HeaderPair[];
  readonly body?: string;
}

/** django-cors-headers' default CORS_ALLOW_HEADERS, 3.x (with accept-encoding, dnt, origin). */
const CORSHEADERS_3_DEFAULT_HEADERS = "accept, accept-encoding, authorization, content-type, dnt, origin, user-agent, x-csrftoken, x-requested-with";

/** Recognises the server from `responses`; `given` (from `--server`) wins. */
export function recogniseServer(responses: readonly SeenResponse[], given?: ServerKind): ServerIdentity {
  if (given !== undefined && given !== "unknown") return { kind: given, source: "flag", evidence: null };
  for (const marker of MARKERS) {
    for (const response of responses) {
      if (marker.test(response)) return { kind: marker.kind, source: "evidence", evidence: marker.evidence };
    }
  }
  return { kind: "unknown", source: "none", evidence: null };
}

interface Marker {
  readonly kind: ServerKind;
  readonly evidence: string;
  test(response: SeenResponse): boolean;
}

const body = (response: SeenResponse) => response.body ?? "";

const MARKERS: readonly Marker[] = [
  { kind: "crossgate", evidence: "crossgate's Crossgate-Refusal debug header", test: (r) => getHeader(r.headers, "crossgate-refusal") !== null },
  { kind: "django", evidence: "Django's CSRF 403 page", test: (r) => /CSRF verification failed\. Request aborted\./.test(body(r)) },
  { kind: "django", evidence: "Django's debug error page", test: (r) => /<pre class="exception_value">|Using the URLconf defined in|<th>Django Version:<\/th>/.test(body(r)) },
  { kind: "django", evidence: "django-cors-headers' default Access-Control-Allow-Headers", test: (r) => getHeader(r.headers, "access-control-allow-headers") === CORSHEADERS_3_DEFAULT_HEADERS },
  {
    kind: "django",
    evidence: "Django's csrftoken/sessionid cookie",
    test: (r) => headerValues(r.headers, "set-cookie").some((c) => /^(?:csrftoken|sessionid)=/.test(c)),
  },
  {
    kind: "django",
    evidence: "django-cors-headers' empty 200 preflight answer (text/html, Content-Length 0)",
    test: (r) =>
      r.status === 200 &&
      getHeader(r.headers, "access-control-allow-methods") !== null &&
      getHeader(r.headers, "content-length") === "0" &&
      /^text\/html; charset=utf-8$/i.test(getHeader(r.headers, "content-type") ?? ""),
  },
  {
    kind: "crossgate",
    evidence: "crossgate's bodiless 403 preflight refusal varying on the preflight headers",
    test: (r) =>
      r.status === 403 &&
      getHeader(r.headers, "access-control-allow-origin") === null &&
      /access-control-request-method/i.test(getHeader(r.headers, "vary") ?? "") &&
      (getHeader(r.headers, "content-length") === "0" || body(r) === ""),
  },
  { kind: "express", evidence: "X-Powered-By: Express", test: (r) => /^Express$/i.test(getHeader(r.headers, "x-powered-by") ?? "") },
  { kind: "django", evidence: "a Python WSGI server (Server: WSGIServer or gunicorn)", test: (r) => /^(?:WSGIServer\/|gunicorn)/.test(getHeader(r.headers, "server") ?? "") },
];

/** Parses `--server`; null for an unknown name. */
export function parseServerKind(value: string): ServerKind | null {
  const lower = value.trim().toLowerCase();
  return (SERVER_KINDS as readonly string[]).includes(lower) ? (lower as ServerKind) : null;
}
