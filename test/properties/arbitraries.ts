/**
 * fast-check generators: random policies built from a small shared vocabulary (so that random
 * requests often hit, nearly hit or just miss the policy's entries), and random requests whose
 * `Origin`, `Access-Control-Request-Method` and `Access-Control-Request-Headers` range from exact
 * matches to random bytes and unicode.
 */
import fc from "fast-check";
import type { OriginEntrySpec, OriginRegexSpec } from "./reference-matcher.ts";
import { renderEntry, type CallbackMode, type PolicySpec } from "./policy-spec.ts";

const SCHEMES = ["https", "http"] as const;
const EXACT_HOSTS = [
  "example.com",
  "app.example.com",
  "a.b.example.com",
  "api.example.org",
  "localhost",
  "127.0.0.1",
  "[::1]",
  "xn--bcher-kva.example",
  "corp.test",
  "x_y.corp.test",
  "foo.github.io",
  "app.example.com.",
  "localhost.",
];
const DOMAINS = ["example.com", "example.org", "corp.test", "github.io", "co.uk", "b.example.com", "example.com."];
const ENTRY_PORTS = ["", "", "", "8080", "3000", "65535"];
const EXTENSION_ORIGIN = "chrome-extension://abcdefghijklmnopabcdefghijklmnop";

/** Hosts a request may carry: the vocabulary, near misses, and forms only non-browsers send. */
const REQUEST_HOSTS = [
  ...EXACT_HOSTS,
  "evilexample.com",
  "example.com.evil.net",
  "app.example.com.evil.net",
  "example.comevil.net",
  "EXAMPLE.com",
  "App.Example.Com",
  "exa%6dple.com",
  "example.com.",
  ".example.com",
  "xn--zz.com",
  "bücher.example",
  "ｅｘａｍｐｌｅ.com",
  "127.1",
  "0x7f.0.0.1",
  "2130706433",
  "[0:0:0:0:0:0:0:1]",
  "[::ffff:127.0.0.1]",
  "[::1",
  "user@example.com",
  "example.com@evil.net",
  "x.example.com",
  "x.y.example.com",
  "-x.example.com",
  "evil.github.io",
  "a.co.uk",
  "co.uk",
  "",
];
const REQUEST_PORTS = ["", "", "", ":8080", ":3000", ":443", ":80", ":0", ":65535", ":65536", ":99999", ":08080", ":", ":-1", ":8080:8080"];
/** Ports for origins near an entry: mostly ones a browser sends, a default port now and then. */
const NEAR_PORTS = ["", "", "", ":8080", ":3000", ":0", ":65535", ":443", ":80", ":65536"];
const SUFFIXES = ["", "", "", "", "", "", "", "", "", "", "", "", "/", "/path", "?q=1", "#f", ".", " ", "\t", "\r\nX-Injected: 1", "\n", "\0", ".evil.net", "@evil.net", "%00", ", https://evil.net"];
const MUTATIONS = ["none", "none", "none", "none", "none", "none", "none", "none", "none", "none", "upper", "slash", "default-port", "space", "evil-suffix", "crlf", "scheme-swap", "drop-dot", "prefix-evil", "nul", "bare-domain"] as const;
const SUB_LABELS = ["x", "a.b", "x-y", "evil", "0", "xn--bcher-kva"];

const latin1Bytes = (maxLength: number) => fc.uint8Array({ maxLength }).map((bytes) => String.fromCharCode(...bytes));

/** Random junk a header can carry: raw bytes, any unicode, graphemes. */
const junk = fc.oneof(
  latin1Bytes(48),
  fc.string({ unit: "binary", maxLength: 32 }),
  fc.string({ unit: "grapheme", maxLength: 16 }),
  fc.string({ unit: "grapheme-ascii", maxLength: 48 }),
);

const exactEntry: fc.Arbitrary<OriginEntrySpec> = fc.oneof(
  { weight: 8, arbitrary: fc.record({ kind: fc.constant("exact" as const), scheme: fc.constantFrom(...SCHEMES), host: fc.constantFrom(...EXACT_HOSTS), port: fc.constantFrom(...ENTRY_PORTS) }) },
  { weight: 1, arbitrary: fc.constant({ kind: "exact" as const, scheme: "chrome-extension", host: "abcdefghijklmnopabcdefghijklmnop", port: "" }) },
);

const entryArbitrary: fc.Arbitrary<OriginEntrySpec> = fc.oneof(
  { weight: 5, arbitrary: exactEntry },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant("subdomains" as const),
      scheme: fc.constantFrom(...SCHEMES),
      domain: fc.constantFrom(...DOMAINS),
      port: fc.constantFrom("", "", "8080", "*"),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant("any-port" as const), scheme: fc.constantFrom(...SCHEMES), host: fc.constantFrom("localhost", "127.0.0.1", "[::1]", "example.com") }),
  },
);

const regexArbitrary: fc.Arbitrary<OriginRegexSpec> = fc.oneof(
  fc.record({
    kind: fc.constant("hosts" as const),
    scheme: fc.constantFrom(...SCHEMES),
    hosts: fc.uniqueArray(fc.constantFrom(...EXACT_HOSTS.filter((host) => !host.startsWith("["))), { minLength: 1, maxLength: 3 }),
  }),
  fc.record({ kind: fc.constant("one-label" as const), scheme: fc.constantFrom(...SCHEMES), domain: fc.constantFrom(...DOMAINS), anyPort: fc.boolean() }),
);

/** An origin from the vocabulary: scheme, host, port and a suffix. */
const vocabularyOrigin = fc
  .tuple(fc.constantFrom("https", "http", "ws", "HTTPS", "chrome-extension", "javascript", "file"), fc.constantFrom(...REQUEST_HOSTS), fc.constantFrom(...REQUEST_PORTS), fc.constantFrom(...SUFFIXES))
  .map(([scheme, host, port, suffix]) => `${scheme}://${host}${port}${suffix}`);

const SPECIAL_ORIGINS = [
  "null",
  "NULL",
  "null ",
  " null",
  "",
  "*",
  "file://",
  "https://",
  "https://example.com, https://evil.net",
  "https://example.com https://app.example.com",
  "null, https://example.com",
  EXTENSION_ORIGIN,
  EXTENSION_ORIGIN.toUpperCase(),
  `https://${"a".repeat(600)}.com`,
  `https://${"a.".repeat(300)}com`,
  "x".repeat(5000),
];

const callbackModes: CallbackMode[] = ["sync", "sync", "async", "throws", "rejects"];

export const policyArbitrary: fc.Arbitrary<PolicySpec> = fc
  .record({
    // About one policy in six allows every origin, one in seven lists "null".
    allowAll: fc.integer({ min: 0, max: 5 }).map((n) => n === 0),
    allowNull: fc.integer({ min: 0, max: 6 }).map((n) => n === 0),
    entries: fc.array(entryArbitrary, { maxLength: 5 }),
    regexes: fc.array(regexArbitrary, { maxLength: 2 }),
    callback: fc.option(fc.record({ allows: fc.uniqueArray(vocabularyOrigin, { maxLength: 3 }), mode: fc.constantFrom(...callbackModes) }), { freq: 3 }),
    credentials: fc.boolean(),
    methods: fc.option(fc.oneof(fc.subarray(["PUT", "DELETE", "PATCH", "QUERY", "purge", "GET", "post"]), fc.constant(["*"]), fc.constant(["*", "PUT"]))),
    requestHeaders: fc.option(
      fc.oneof(fc.subarray(["content-type", "x-csrftoken", "authorization", "x-custom", "X-Requested-With"]), fc.constant(["*"]), fc.constant(["*", "authorization"])),
    ),
    exposeHeaders: fc.oneof(fc.subarray(["x-total", "etag", "X-Request-Id"]), fc.constant(["*"])),
    maxAgeSeconds: fc.option(fc.constantFrom(0, 600, 7200, null), { nil: undefined }),
    privateNetwork: fc.boolean(),
    preflightStatus: fc.option(fc.constantFrom(200 as const, 204 as const), { nil: undefined }),
    // One policy in four applies only under /api (urlFilter).
    pathPrefix: fc.integer({ min: 0, max: 3 }).map((n) => (n === 0 ? "/api" : undefined)),
    debug: fc.boolean(),
  })
  .map((raw): PolicySpec => {
    const credentials = raw.credentials;
    return {
      allowAll: raw.allowAll,
      allowNull: raw.allowNull,
      entries: raw.entries,
      regexes: raw.regexes,
      callbackAllows: raw.callback === null ? undefined : raw.callback.allows,
      callbackMode: raw.callback === null ? "sync" : raw.callback.mode,
      credentials,
      methods: raw.methods ?? undefined,
      requestHeaders: raw.requestHeaders ?? undefined,
      // Fetch: "*" in Expose-Headers is literal on credentialed requests, so crossgate refuses it there.
      exposeHeaders: credentials && raw.exposeHeaders.includes("*") ? [] : raw.exposeHeaders,
      maxAgeSeconds: raw.maxAgeSeconds,
      privateNetwork: raw.privateNetwork,
      preflightStatus: raw.preflightStatus,
      pathPrefix: raw.pathPrefix,
      varyOn: raw.callback === null ? [] : ["x-tenant"],
      debug: raw.debug,
    };
  });

type Mutation = (typeof MUTATIONS)[number];

function mutate(origin: string, mutation: Mutation): string {
  switch (mutation) {
    case "none":
      return origin;
    case "upper":
      return origin.replace(/:\/\/([a-z])/, (_, letter: string) => `://${letter.toUpperCase()}`);
    case "slash":
      return `${origin}/`;
    case "default-port":
      return origin.startsWith("https:") ? `${origin}:443` : `${origin}:80`;
    case "space":
      return ` ${origin}`;
    case "evil-suffix":
      return `${origin}.evil.net`;
    case "crlf":
      return `${origin}\r\nAccess-Control-Allow-Origin: *`;
    case "scheme-swap":
      return origin.startsWith("https:") ? origin.replace("https:", "http:") : origin.replace("http:", "https:");
    case "drop-dot":
      return origin.replace(".", "");
    case "prefix-evil":
      return origin.replace("://", "://evil");
    case "nul":
      return `${origin}\0`;
    case "bare-domain":
      return origin.replace(/:\/\/[^.]+\./, "://");
  }
}

/** A concrete origin an entry admits (before mutation). */
function originFor(entry: OriginEntrySpec, label: string, port: string): string {
  switch (entry.kind) {
    case "exact":
      return renderEntry(entry);
    case "subdomains": {
      const chosen = entry.port === "*" ? port : entry.port === "" ? "" : `:${entry.port}`;
      return `${entry.scheme}://${label}.${entry.domain}${chosen}`;
    }
    case "any-port":
      return `${entry.scheme}://${entry.host}${port}`;
  }
}

function regexOriginFor(regex: OriginRegexSpec, pick: number, label: string, port: string): string {
  switch (regex.kind) {
    case "hosts":
      return `${regex.scheme}://${regex.hosts[pick % regex.hosts.length]!}`;
    case "one-label":
      return `${regex.scheme}://${label}.${regex.domain}${regex.anyPort ? port : ""}`;
  }
}

/** Origins for one policy: near its entries, regexes and callback, from the vocabulary, special and junk. */
export function originArbitrary(spec: PolicySpec): fc.Arbitrary<string | undefined> {
  const near: fc.Arbitrary<string>[] = [];
  if (spec.entries.length > 0) {
    near.push(
      fc
        .tuple(fc.nat(), fc.constantFrom(...SUB_LABELS), fc.constantFrom(...NEAR_PORTS), fc.constantFrom(...MUTATIONS))
        .map(([pick, label, port, mutation]) => mutate(originFor(spec.entries[pick % spec.entries.length]!, label, port), mutation)),
    );
  }
  if (spec.regexes.length > 0) {
    near.push(
      fc
        .tuple(fc.nat(), fc.nat(), fc.constantFrom(...SUB_LABELS), fc.constantFrom(...NEAR_PORTS), fc.constantFrom(...MUTATIONS))
        .map(([pick, hostPick, label, port, mutation]) => mutate(regexOriginFor(spec.regexes[pick % spec.regexes.length]!, hostPick, label, port), mutation)),
    );
  }
  if (spec.callbackAllows !== undefined && spec.callbackAllows.length > 0) near.push(fc.constantFrom(...spec.callbackAllows));
  return fc.oneof(
    { weight: 6 * near.length, arbitrary: near.length > 0 ? fc.oneof(...near) : vocabularyOrigin },
    { weight: 3, arbitrary: vocabularyOrigin },
    { weight: 1, arbitrary: fc.constantFrom(...SPECIAL_ORIGINS) },
    { weight: 2, arbitrary: junk },
    { weight: 1, arbitrary: fc.constant(undefined) },
  );
}

export interface RequestSpec {
  readonly method: string;
  readonly path: string;
  readonly origin: string | undefined;
  readonly requestMethod: string | undefined;
  readonly requestHeaders: string | undefined;
  readonly privateNetwork: string | undefined;
  readonly tenant: string | undefined;
}

const methodArbitrary = fc.oneof(
  { weight: 10, arbitrary: fc.constantFrom("GET", "POST", "OPTIONS", "OPTIONS", "OPTIONS", "PUT", "DELETE", "HEAD", "PATCH", "options", "QUERY") },
  { weight: 1, arbitrary: junk },
);

const requestMethodArbitrary = fc.option(
  fc.oneof(
    { weight: 10, arbitrary: fc.constantFrom("GET", "POST", "PUT", "DELETE", "PATCH", "patch", "QUERY", "purge", "put", "*", "", "TRACE", "GET, PUT") },
    { weight: 2, arbitrary: junk },
  ),
  { nil: undefined, freq: 6 },
);

const headerNameList = fc
  .array(fc.constantFrom("content-type", "x-csrftoken", "authorization", "Authorization", "x-custom", "X-Custom", "x-requested-with", "x-total", "user-agent", "*", "x-a"), {
    maxLength: 5,
  })
  .chain((names) => fc.constantFrom(",", ", ", " , ").map((separator) => names.join(separator)));

const requestHeadersArbitrary = fc.option(
  fc.oneof(
    { weight: 8, arbitrary: headerNameList },
    { weight: 2, arbitrary: fc.constantFrom("", " , ,", "a b", "content-type;", "x-a,\r\nx-b", "x-é", "x-custom\0") },
    { weight: 2, arbitrary: junk },
    { weight: 1, arbitrary: fc.constantFrom("x-a,".repeat(2000), `${"x".repeat(300)},content-type`) },
  ),
  { nil: undefined, freq: 2 },
);

const pathArbitrary = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom("/", "/api/items", "/api", "/apix", "/other", "/api/%0a", "/%E0%A4%A", "/API/x", "/api/../secret", "//api/x") },
  { weight: 1, arbitrary: junk.map((value) => `/${value}`) },
);

export function requestArbitrary(spec: PolicySpec): fc.Arbitrary<RequestSpec> {
  return fc.record({
    method: methodArbitrary,
    path: pathArbitrary,
    origin: originArbitrary(spec),
    requestMethod: requestMethodArbitrary,
    requestHeaders: requestHeadersArbitrary,
    privateNetwork: fc.option(fc.constantFrom("true", "TRUE", "false", "true "), { nil: undefined, freq: 3 }),
    tenant: fc.option(fc.constantFrom("a", "b"), { nil: undefined }),
  });
}

/** A policy, a few requests to it, and for each request a second origin to compare with. */
export interface Scenario {
  readonly spec: PolicySpec;
  readonly requests: readonly { readonly request: RequestSpec; readonly otherOrigin: string | undefined }[];
}

export const scenarioArbitrary: fc.Arbitrary<Scenario> = policyArbitrary.chain((spec) =>
  fc
    .array(fc.record({ request: requestArbitrary(spec), otherOrigin: originArbitrary(spec) }), { minLength: 1, maxLength: 4 })
    .map((requests) => ({ spec, requests })),
);
