/**
 * Random CORS policies, described by their parts (`PolicySpec`) and rendered to the `CorsOptions`
 * crossgate reads. The oracle reads the parts; crossgate reads the rendered strings.
 */
import type { CorsOptions } from "../../src/index.ts";
import type { OriginEntrySpec, OriginRegexSpec, TrustSpec } from "./reference-matcher.ts";

/** How an `allowOrigin` callback answers. */
export type CallbackMode = "sync" | "async" | "throws" | "rejects";

export interface PolicySpec extends TrustSpec {
  readonly callbackMode: CallbackMode;
  readonly credentials: boolean;
  /** Methods as configured; `["*"]` is any method. */
  readonly methods: readonly string[] | undefined;
  readonly requestHeaders: readonly string[] | undefined;
  readonly exposeHeaders: readonly string[];
  readonly maxAgeSeconds: number | null | undefined;
  readonly privateNetwork: boolean;
  readonly preflightStatus: 200 | 204 | undefined;
  /** CORS applies only under this path prefix when set. */
  readonly pathPrefix: string | undefined;
  /** Extra request headers the callback reads. */
  readonly varyOn: readonly string[];
  readonly debug: boolean;
}

function authority(host: string, port: string): string {
  return port === "" ? host : `${host}:${port}`;
}

export function renderEntry(entry: OriginEntrySpec): string {
  switch (entry.kind) {
    case "exact":
      return `${entry.scheme}://${authority(entry.host, entry.port)}`;
    case "subdomains":
      return `${entry.scheme}://${authority(`*.${entry.domain}`, entry.port)}`;
    case "any-port":
      return `${entry.scheme}://${entry.host}:*`;
  }
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}

export function renderRegex(regex: OriginRegexSpec): RegExp {
  switch (regex.kind) {
    case "hosts":
      return new RegExp(`^${regex.scheme}:\\/\\/(?:${regex.hosts.map(escapeRegex).join("|")})$`);
    case "one-label":
      return new RegExp(`^${regex.scheme}:\\/\\/[a-z0-9-]+\\.${escapeRegex(regex.domain)}${regex.anyPort ? "(?::[0-9]+)?" : ""}$`);
  }
}

function isLoopback(host: string): boolean {
  return host === "localhost" || host === "[::1]" || host.startsWith("127.");
}

/** Whether the spec names a plain-http origin that is not loopback (needs an opt-in with credentials). */
function hasInsecureEntry(spec: PolicySpec): boolean {
  return (
    spec.entries.some((entry) => entry.scheme === "http" && !(entry.kind !== "subdomains" && isLoopback(entry.host))) ||
    spec.regexes.some((regex) => regex.scheme === "http")
  );
}

/** The options crossgate gets for a spec, with exactly the opt-ins the spec needs to be valid. */
export function toCorsOptions(spec: PolicySpec, callbackCalls: string[]): CorsOptions {
  const origins = spec.allowAll
    ? [...(spec.allowNull ? ["null"] : []), "*", ...spec.entries.map(renderEntry)]
    : [...(spec.allowNull ? ["null"] : []), ...spec.entries.map(renderEntry)];
  const options: Record<string, unknown> = {
    origins: spec.allowAll && !spec.allowNull && spec.entries.length === 0 ? "*" : origins,
    originRegexes: spec.regexes.map(renderRegex),
    credentials: spec.credentials,
    exposeHeaders: spec.exposeHeaders,
    privateNetwork: spec.privateNetwork,
    debug: spec.debug,
    logger: { warn() {} },
  };
  if (spec.methods !== undefined) options.methods = spec.methods;
  if (spec.requestHeaders !== undefined) options.requestHeaders = spec.requestHeaders;
  if (spec.maxAgeSeconds !== undefined) options.maxAgeSeconds = spec.maxAgeSeconds;
  if (spec.preflightStatus !== undefined) options.preflightStatus = spec.preflightStatus;
  if (spec.pathPrefix !== undefined) {
    const prefix = spec.pathPrefix;
    options.urlFilter = (path: string) => path.startsWith(prefix);
  }
  if (spec.varyOn.length > 0) options.varyOn = spec.varyOn;
  if (spec.callbackAllows !== undefined) {
    const allowed = new Set(spec.callbackAllows);
    const mode = spec.callbackMode;
    options.allowOrigin = (origin: string) => {
      callbackCalls.push(origin);
      switch (mode) {
        case "sync":
          return allowed.has(origin);
        case "async":
          return Promise.resolve(allowed.has(origin));
        case "throws":
          throw new Error("allowOrigin failed");
        case "rejects":
          return Promise.reject(new Error("allowOrigin failed"));
      }
    };
  }
  if (spec.allowNull) options.dangerouslyAllowNullOrigin = true;
  if (spec.credentials) {
    if (spec.allowAll) options.dangerouslyAllowAnyOriginWithCredentials = true;
    if (hasInsecureEntry(spec)) options.dangerouslyAllowInsecureOriginsWithCredentials = true;
    if (spec.entries.some((entry) => entry.kind === "subdomains") || spec.regexes.some((regex) => regex.kind === "one-label")) {
      options.dangerouslyAllowPublicSuffixWildcards = true;
    }
    if (spec.requestHeaders?.includes("*")) options.dangerouslyAllowAnyHeaderWithCredentials = true;
  }
  return options as CorsOptions;
}

/** The trust list as the oracle reads it: a callback that throws or rejects admits nothing. */
export function oracleTrust(spec: PolicySpec): TrustSpec {
  const grants = spec.callbackMode === "sync" || spec.callbackMode === "async";
  return { ...spec, callbackAllows: grants ? spec.callbackAllows : undefined, secureOnly: spec.credentials && !hasInsecureEntry(spec) };
}
