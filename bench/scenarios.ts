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
/** The scenario the 10,000-origin ratio divides by: exact-10k's request with only that origin listed. */
export const MANY_ORIGINS_BASELINE = "exact-1";

/** 100 registrable domains whose subdomains are allowed; the request comes from the 50th. */
export const SUBDOMAIN_DOMAINS: readonly string[] = Array.from({ length: 100 }, (_, index) => `customer${index}.example.net`);
const SUBDOMAIN_PICK = `https://eu.app.${SUBDOMAIN_DOMAINS[50]!}`;

/**
 * 4,000 bytes: 2,000 one-letter names, none allowed. Under crossgate's 4,096-byte bound, so it is
 * really parsed; the shape of the values that made rs/cors and go-chi/cors quadratic. One flat
 * string, as Node's HTTP parser hands a header over (see `flat`).
 */
export const HOSTILE_REQUEST_HEADERS = flat("a,".repeat(2_000));

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
    // The one-origin side of the 10,000-origin ratio, counted right before exact-10k: the same
    // request in the same place in a run, so the ratio compares the origin lists and not the place
    // (under callgrind, a scenario counted after others costs more than the same one counted first).
    id: "exact-1",
    title: "the same GET with that one origin listed (not scored)",
    policy: { ...basePolicy, origins: [MANY_ORIGINS_PICK] },
    request: get(MANY_ORIGINS_PICK),
    answer: actualAllowed(MANY_ORIGINS_PICK),
    scored: false,
    note: "exact-10k's request against a list of just the origin it sends: the baseline of the 10,000-origin ratio.",
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

/** Repeats `elements` joined by `separator` up to `bytes` long, cut at an element's end. */
function listOf(elements: readonly string[], separator: string, bytes: number): string {
  let value = "";
  for (let index = 0; ; index++) {
    const next = `${value}${index === 0 ? "" : separator}${elements[index % elements.length]!}`;
    if (next.length > bytes) return value;
    value = next;
  }
}

/**
 * The same text as one flat string, as Node's HTTP parser hands a header over: built by
 * concatenation or `repeat`, a string is a tree of parts that every character read has to walk.
 */
function flat(text: string): string {
  return JSON.parse(JSON.stringify(text)) as string;
}

/** One shape of `Access-Control-Request-Headers`, written at a given length. */
interface AcrhShape {
  readonly shape: string;
  readonly note: string;
  readonly granted: boolean;
  readonly value: (bytes: number) => string;
}

const ACRH_SHAPE_LIST: readonly AcrhShape[] = [
  { shape: "browser", note: "lower case, joined by `,` (what browsers send); repeats are duplicates", granted: true, value: (bytes) => listOf(REQUEST_HEADERS, ",", bytes) },
  { shape: "capitals", note: "`Content-Type,X-Request-ID`", granted: true, value: (bytes) => listOf(["Content-Type", "X-Request-ID"], ",", bytes) },
  { shape: "spaces", note: "`content-type , x-request-id` (whitespace around commas)", granted: true, value: (bytes) => listOf(REQUEST_HEADERS, " , ", bytes) },
  { shape: "mixed", note: "capitals, spaces and tabs: `Content-Type ,\tX-Request-Id`", granted: true, value: (bytes) => listOf(["Content-Type", "X-Request-Id"], " ,\t", bytes) },
  { shape: "empty elements", note: "`content-type,,x-request-id,`", granted: true, value: (bytes) => listOf(["content-type", "", "x-request-id", ""], ",", bytes) },
  { shape: "refused last", note: "browser form, then one name not allowed at the end", granted: false, value: (bytes) => `${listOf(REQUEST_HEADERS, ",", bytes - 7)},x-evil` },
  { shape: "malformed last", note: "browser form, then `x@y` (not a token) at the end", granted: false, value: (bytes) => `${listOf(REQUEST_HEADERS, ",", bytes - 4)},x@y` },
  { shape: "one token", note: "a single name as long as the whole value, not allowed", granted: false, value: (bytes) => `x-${"a".repeat(bytes - 2)}` },
  { shape: "one token, capitals", note: "the same in capitals", granted: false, value: (bytes) => `X-${"A".repeat(bytes - 2)}` },
];

/** The lengths every shape is written at: doubling the length should double the cost. */
export const ACRH_SHAPE_LENGTHS = [2_048, 4_096] as const;

/**
 * `Access-Control-Request-Headers` shapes (not scored, not in SCENARIOS): each shape at two lengths,
 * under the base policy, so the instruction counter can show that crossgate's cost is linear in the
 * value's length whatever its form; plus the 4,097-byte value just over crossgate's cap.
 */
export const ACRH_SHAPES: readonly (Scenario & { readonly shape: string; readonly bytes: number })[] = [
  {
    id: "acrh-none",
    title: "no ACRH",
    shape: "none",
    bytes: 0,
    policy: basePolicy,
    request: { method: "OPTIONS", path: PATH, headers: { host: "api.example.com", origin: ALLOWED_ORIGIN, "access-control-request-method": "PUT" } },
    answer: preflightAllowed(ALLOWED_ORIGIN),
    scored: false,
    note: "the same preflight without the header: what every other row is compared with",
  },
  ...ACRH_SHAPE_LIST.flatMap(({ shape, note, granted, value }) =>
    ACRH_SHAPE_LENGTHS.map((bytes) => {
      const requested = flat(value(bytes));
      return {
        id: `acrh-${shape.replaceAll(/[^a-z]+/g, "-")}-${bytes}`,
        title: `ACRH ${shape}, ${requested.length.toLocaleString("en-US")} bytes`,
        shape,
        bytes: requested.length,
        policy: basePolicy,
        request: preflight(ALLOWED_ORIGIN, requested),
        answer: granted ? preflightAllowed(ALLOWED_ORIGIN) : preflightRefused,
        scored: false,
        note,
      };
    }),
  ),
  {
    id: "acrh-over-cap-4097",
    title: "ACRH over the cap, 4,097 bytes",
    shape: "over the cap",
    bytes: 4_097,
    policy: basePolicy,
    request: preflight(ALLOWED_ORIGIN, flat(`${listOf(REQUEST_HEADERS, ",", 4_095)},a`.padEnd(4_097, "a"))),
    answer: preflightRefused,
    scored: false,
    note: "browser form one byte over 4,096: refused unread",
  },
];

export function scenarioById(id: string): Scenario {
  const found = SCENARIOS.find((scenario) => scenario.id === id) ?? ACRH_SHAPES.find((scenario) => scenario.id === id);
  if (found === undefined) throw new Error(`unknown scenario ${id}`);
  return found;
}
