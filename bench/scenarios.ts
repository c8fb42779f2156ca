/**
 * The benchmark scenarios, shared by the in-process and HTTP benchmarks. Each scenario states one
 * policy in neutral terms (every contender translates it into its own options), one request, and
 * the answer crossgate must give, header by header.
 */

/** A policy every library can express, in neutral terms. */
export interface NeutralPolicy {
  /** Exact origins. */
  readonly origins: readonly string[];
  /**
   * Registrable domains whose subdomains (one or more labels, https only) are allowed:
   * crossgate writes `https://*.<domain>`, the peers an anchored regex or a callback.
   */
  readonly subdomainsOf: readonly string[];
  readonly credentials: boolean;
  readonly methods: readonly string[];
  readonly requestHeaders: readonly string[];
  readonly maxAgeSeconds: number;
}

export interface BenchRequest {
  readonly method: string;
  readonly path: string;
  /** Lower-case names, as Node hands them over. */
  readonly headers: Readonly<Record<string, string>>;
}

/** What crossgate answers, written out by hand; the physical limit sets exactly this. */
export interface ExpectedAnswer {
  /** `pass`: the app runs. `respond`: the middleware answers with `status` and no body. */
  readonly action: "pass" | "respond";
  readonly status: number;
  /** Every header crossgate sets, in order, `Vary` included. */
  readonly headers: readonly (readonly [string, string])[];
  /** Whether the request is granted (an `Access-Control-Allow-Origin` is sent). */
  readonly granted: boolean;
}

export interface Scenario {
  readonly id: string;
  readonly title: string;
  readonly policy: NeutralPolicy;
  readonly request: BenchRequest;
  readonly answer: ExpectedAnswer;
  /** Whether the scenario counts towards the targets and the geometric mean. */
  readonly scored: boolean;
  /** A sentence on what the scenario stresses, for the report. */
  readonly note: string;
}

export const ALLOWED_ORIGIN = "https://app.example.com";
export const REFUSED_ORIGIN = "https://app.example.com.evil.net";
const METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"] as const;
const REQUEST_HEADERS = ["content-type", "x-request-id"] as const;
const PATH = "/api/posts/";

const basePolicy: NeutralPolicy = {
  origins: [ALLOWED_ORIGIN],
  subdomainsOf: [],
  credentials: true,
  methods: METHODS,
  requestHeaders: REQUEST_HEADERS,
  maxAgeSeconds: 600,
};

/** 10,000 exact origins; the request comes from the one in the middle. */
export const MANY_ORIGINS: readonly string[] = Array.from({ length: 10_000 }, (_, index) => `https://tenant${index}.example.org`);
const MANY_ORIGINS_PICK = MANY_ORIGINS[5_000]!;

/** 100 registrable domains whose subdomains are allowed; the request comes from the 50th. */
export const SUBDOMAIN_DOMAINS: readonly string[] = Array.from({ length: 100 }, (_, index) => `customer${index}.example.net`);
const SUBDOMAIN_PICK = `https://eu.app.${SUBDOMAIN_DOMAINS[50]!}`;

/**
 * 4,000 bytes: 2,000 one-letter names, none allowed. Under crossgate's 4,096-byte bound, so it is
 * really parsed; the shape of the values that made rs/cors and go-chi/cors quadratic.
 */
export const HOSTILE_REQUEST_HEADERS = "a,".repeat(2_000);

/** 3,900 bytes of allowed names repeated 300 times: the most parsing work crossgate accepts. */
export const HEAVY_REQUEST_HEADERS = Array.from({ length: 300 }, () => "content-type").join(",");

const actualAllowed = (origin: string): ExpectedAnswer => ({
  action: "pass",
  status: 0,
  granted: true,
  headers: [
    ["Access-Control-Allow-Origin", origin],
    ["Access-Control-Allow-Credentials", "true"],
    ["Vary", "Origin"],
  ],
});

const PREFLIGHT_VARY = "Origin, Access-Control-Request-Method, Access-Control-Request-Headers";

const preflightAllowed = (origin: string): ExpectedAnswer => ({
  action: "respond",
  status: 204,
  granted: true,
  headers: [
    ["Access-Control-Allow-Origin", origin],
    ["Access-Control-Allow-Credentials", "true"],
    ["Access-Control-Allow-Methods", METHODS.join(", ")],
    ["Access-Control-Allow-Headers", REQUEST_HEADERS.join(", ")],
    ["Access-Control-Max-Age", "600"],
    ["Vary", PREFLIGHT_VARY],
  ],
});

const preflightRefused: ExpectedAnswer = { action: "respond", status: 403, granted: false, headers: [["Vary", PREFLIGHT_VARY]] };

const get = (origin: string): BenchRequest => ({ method: "GET", path: PATH, headers: { host: "api.example.com", origin } });
const preflight = (origin: string, requestHeaders: string): BenchRequest => ({
  method: "OPTIONS",
  path: PATH,
  headers: {
    host: "api.example.com",
    origin,
    "access-control-request-method": "PUT",
    "access-control-request-headers": requestHeaders,
  },
});

export const SCENARIOS: readonly Scenario[] = [
  {
    id: "simple-allowed",
    title: "allowed simple request",
    policy: basePolicy,
    request: get(ALLOWED_ORIGIN),
    answer: actualAllowed(ALLOWED_ORIGIN),
    scored: true,
    note: "GET from the one allowed origin, with credentials.",
  },
  {
    id: "origin-refused",
    title: "refused origin",
    policy: basePolicy,
    request: get(REFUSED_ORIGIN),
    answer: { action: "pass", status: 0, granted: false, headers: [["Vary", "Origin"]] },
    scored: true,
    note: `GET from ${REFUSED_ORIGIN} (a suffix attack on the allowed origin).`,
  },
  {
    id: "preflight-allowed",
    title: "allowed preflight, two requested headers",
    policy: basePolicy,
    request: preflight(ALLOWED_ORIGIN, "content-type,x-request-id"),
    answer: preflightAllowed(ALLOWED_ORIGIN),
    scored: true,
    note: "OPTIONS asking for PUT with content-type and x-request-id.",
  },
  {
    id: "preflight-refused",
    title: "refused preflight",
    policy: basePolicy,
    request: preflight(REFUSED_ORIGIN, "content-type"),
    answer: preflightRefused,
    scored: true,
    note: "OPTIONS from a refused origin.",
  },
  {
    id: "exact-10k",
    title: "10,000 exact origins",
    policy: { ...basePolicy, origins: MANY_ORIGINS },
    request: get(MANY_ORIGINS_PICK),
    answer: actualAllowed(MANY_ORIGINS_PICK),
    scored: true,
    note: "GET from the 5,001st of 10,000 listed origins.",
  },
  {
    id: "subdomains-100",
    title: "100 subdomain patterns or regexes",
    policy: { ...basePolicy, origins: [], subdomainsOf: SUBDOMAIN_DOMAINS },
    request: get(SUBDOMAIN_PICK),
    answer: actualAllowed(SUBDOMAIN_PICK),
    scored: true,
    note: "GET from a two-label subdomain of the 51st of 100 allowed domains (crossgate: `https://*.domain` patterns; peers: anchored regexes).",
  },
  {
    id: "hostile-acrh",
    title: "hostile Access-Control-Request-Headers",
    policy: basePolicy,
    request: preflight(ALLOWED_ORIGIN, HOSTILE_REQUEST_HEADERS),
    answer: preflightRefused,
    scored: true,
    note: "Preflight from the allowed origin whose ACRH is 4,000 bytes of `a,` (2,000 names).",
  },
  {
    id: "heavy-acrh",
    title: "3.9 KB of allowed requested headers (not scored)",
    policy: basePolicy,
    request: preflight(ALLOWED_ORIGIN, HEAVY_REQUEST_HEADERS),
    answer: preflightAllowed(ALLOWED_ORIGIN),
    scored: false,
    note: "Worst case for crossgate's ACRH check: 300 allowed names that must all be read. Peers do not read ACRH when allowed headers are configured.",
  },
];

export function scenarioById(id: string): Scenario {
  const found = SCENARIOS.find((scenario) => scenario.id === id);
  if (found === undefined) throw new Error(`unknown scenario ${id}`);
  return found;
}
