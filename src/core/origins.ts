import type { IssueCollector } from "./errors.ts";
import {
  isLoopbackHost,
  parseOriginEntry,
  parseSerializedOrigin,
  type ParsedOrigin,
} from "./internal/origin.ts";
import { isPublicSuffix } from "./internal/public-suffix.ts";
import { findBacktracking, literalEndings, schemePart } from "./internal/regex-shape.ts";
import { statelessFlags } from "./internal/option-checks.ts";
import {
  DANGEROUSLY_ALLOW_ANY_ORIGIN,
  DANGEROUSLY_ALLOW_BACKTRACKING,
  DANGEROUSLY_ALLOW_INSECURE_ORIGINS,
  DANGEROUSLY_ALLOW_PUBLIC_SUFFIX_WILDCARDS,
} from "./cors/options.ts";
import { freeze } from "./internal/freeze.ts";

/** The safety rules an origin list is validated against; CORS and CSRF share them. */
export interface OriginRules {
  /** The option name used in error messages, e.g. `"origins"` or `"CORS_ALLOWED_ORIGINS"`. */
  readonly option: string;
  /** The option name for the regexes in error messages. */
  readonly regexOption?: string;
  readonly credentials: boolean;
  readonly allowNull: boolean;
  readonly allowAnyWithCredentials: boolean;
  readonly allowInsecureWithCredentials: boolean;
  readonly allowPublicSuffixWildcards: boolean;
  /** Accept regexes that can backtrack catastrophically. @default false */
  readonly allowBacktrackingRegexes?: boolean;
}

/**
 * A compiled, immutable set of trusted origins: exact origins in a `Set`, subdomain and port
 * patterns in lookup tables keyed by host suffix, and full-match regexes. Matching an exact origin
 * costs one hash lookup whatever the list's size; a pattern costs one lookup per label of the host.
 */
export class OriginMatcher {
  /** `"*"`: every origin. */
  readonly any: boolean;
  /** Whether the literal `null` origin is trusted. */
  readonly allowsNull: boolean;
  /** Exact origins, as browsers serialise them. */
  readonly exact: ReadonlySet<string>;
  /** The entries as configured, for display and for sharing the list with another guard. */
  readonly entries: readonly string[];
  readonly regexes: readonly RegExp[];
  /**
   * Credentials without `dangerouslyAllowInsecureOriginsWithCredentials`: plain-http origins other
   * than loopback never match, whatever pattern or regex would admit them.
   */
  readonly secureOnly: boolean;
  readonly #anyPort: ReadonlySet<string>;
  readonly #subdomains: ReadonlySet<string>;
  readonly #hasPatterns: boolean;

  constructor(init: {
    any: boolean;
    allowsNull: boolean;
    exact: Set<string>;
    anyPort: Set<string>;
    subdomains: Set<string>;
    regexes: RegExp[];
    entries: string[];
    secureOnly?: boolean;
  }) {
    this.any = init.any;
    this.allowsNull = init.allowsNull;
    this.exact = init.exact;
    this.#anyPort = init.anyPort;
    this.#subdomains = init.subdomains;
    this.regexes = freeze(init.regexes);
    this.entries = freeze(init.entries);
    this.secureOnly = init.secureOnly === true;
    this.#hasPatterns = init.anyPort.size > 0 || init.subdomains.size > 0;
    freeze(this);
  }

  /** Whether nothing but `"*"`, exact origins or `null` can match, so no parsing is ever needed. */
  get isExactOnly(): boolean {
    return !this.#hasPatterns && this.regexes.length === 0;
  }

  /**
   * Whether a raw `Origin` header value is trusted. Malformed, over-long and non-canonical values
   * never match; `null` matches only when explicitly allowed.
   */
  matches(origin: string): boolean {
    if (this.exact.has(origin)) return true;
    if (origin === "null") return this.allowsNull;
    if (this.any && !this.secureOnly) return true;
    if (this.isExactOnly && !this.any) return false;
    const parsed = parseSerializedOrigin(origin);
    if (parsed === undefined) return false;
    return this.any ? !this.refusesInsecure(parsed) : this.matchesParsed(origin, parsed);
  }

  /** Whether the origin is plain http, not loopback, and this list never admits such origins. */
  refusesInsecure(parsed: ParsedOrigin): boolean {
    return this.secureOnly && parsed.scheme === "http" && !isLoopbackHost(parsed.host);
  }

  /** The pattern and regex part of `matches`, for an origin already parsed. */
  matchesParsed(origin: string, parsed: ParsedOrigin): boolean {
    if (this.refusesInsecure(parsed)) return false;
    if (this.#hasPatterns) {
      const { scheme, host, port } = parsed;
      if (this.#anyPort.has(`${scheme}://${host}`)) return true;
      if (this.#subdomains.size > 0 && !host.startsWith("[")) {
        // Walk the host's suffixes at label boundaries: a.b.example.com → .b.example.com, .example.com, .com
        for (let dot = host.indexOf("."); dot !== -1; dot = host.indexOf(".", dot + 1)) {
          const suffix = host.slice(dot);
          if (this.#subdomains.has(`${scheme}://*${suffix}:${port}`)) return true;
          if (this.#subdomains.has(`${scheme}://*${suffix}:*`)) return true;
        }
      }
    }
    for (const regex of this.regexes) {
      if (regex.test(origin)) return true;
    }
    return false;
  }
}

/**
 * Validates and compiles an origin list (and optional regexes) into an `OriginMatcher`, adding
 * every problem to `issues`. Shared by the CORS policy and the CSRF guard so both trust exactly
 * the same origins.
 */
export function compileOrigins(
  origins: readonly string[] | "*" | undefined,
  regexes: readonly (RegExp | string)[] | undefined,
  rules: OriginRules,
  issues: IssueCollector,
): OriginMatcher {
  const exact = new Set<string>();
  const anyPort = new Set<string>();
  const subdomains = new Set<string>();
  const compiledRegexes: RegExp[] = [];
  const entries: string[] = [];
  let any = false;
  let allowsNull = false;
  const list = origins === "*" ? ["*"] : (origins ?? []);

  if (!Array.isArray(list)) {
    issues.add(
      "wrong-type",
      rules.option,
      origins,
      "must be an array of origin strings or \"*\".",
      'write e.g. ["https://app.example.com"].',
    );
  } else {
    list.forEach((entry: unknown, index) => {
      const option = `${rules.option}[${index}]`;
      if (typeof entry !== "string") {
        issues.add("wrong-type", option, entry, "is not a string.", 'write an origin such as "https://app.example.com".');
        return;
      }
      entries.push(entry);
      const parsed = parseOriginEntry(entry);
      if ("code" in parsed) {
        if (parsed.code === "origin-null") return;
        issues.add(parsed.code, option, entry, parsed.problem, parsed.fix);
        return;
      }
      switch (parsed.kind) {
        case "any":
          any = true;
          if (rules.credentials && !rules.allowAnyWithCredentials) {
            issues.add(
              "any-origin-with-credentials",
              option,
              entry,
              "allows every origin while credentials are on: any website could act as the signed-in user.",
              `list the origins your pages are served from, e.g. ["https://app.example.com"] (in development, the pattern "http://localhost:*" allows every local port), or set ${DANGEROUSLY_ALLOW_ANY_ORIGIN}: true to reflect every origin anyway.`,
            );
          }
          return;
        case "null":
          if (!rules.allowNull) {
            issues.add(
              "origin-null",
              option,
              entry,
              "trusts the opaque origin \"null\", which every sandboxed iframe, file: page and cross-origin redirect sends, attackers' included.",
              "remove it, or set dangerouslyAllowNullOrigin: true if you really serve sandboxed documents.",
            );
          }
          allowsNull = true;
          return;
        case "exact":
          checkSecure(entry, parsed.parsed.scheme, parsed.parsed.host, option, rules, issues);
          exact.add(entry);
          return;
        case "pattern":
          checkSecure(entry, parsed.scheme, parsed.subdomains ? "x" + parsed.host : parsed.host, option, rules, issues);
          if (parsed.subdomains) {
            if (rules.credentials && !rules.allowPublicSuffixWildcards && isPublicSuffix(parsed.host.slice(1).replace(/\.$/, ""))) {
              issues.add(
                "origin-public-suffix-wildcard",
                option,
                entry,
                `matches every site under the public suffix "${parsed.host.slice(1)}", where anyone can register one, while credentials are on.`,
                `name your own domain ("${parsed.scheme}://*.yourname${parsed.host}"), or set ${DANGEROUSLY_ALLOW_PUBLIC_SUFFIX_WILDCARDS}: true.`,
              );
            }
            subdomains.add(`${parsed.scheme}://*${parsed.host}:${parsed.port}`);
          } else {
            anyPort.add(`${parsed.scheme}://${parsed.host}`);
          }
          return;
      }
    });
  }

  const regexOption = rules.regexOption ?? "originRegexes";
  if (regexes !== undefined && !Array.isArray(regexes)) {
    issues.add("wrong-type", regexOption, regexes, "must be an array of RegExp or strings.", "write e.g. [/^https:\\/\\/[a-z]+\\.example\\.com$/].");
  } else {
    (regexes ?? []).forEach((pattern: unknown, index) => {
      const compiled = compileOriginRegex(pattern, `${regexOption}[${index}]`, rules, issues);
      if (compiled !== undefined) compiledRegexes.push(compiled);
    });
  }

  const secureOnly = rules.credentials && !rules.allowInsecureWithCredentials;
  return new OriginMatcher({ any, allowsNull, exact, anyPort, subdomains, regexes: compiledRegexes, entries, secureOnly });
}

function checkSecure(
  entry: string,
  scheme: string,
  host: string,
  option: string,
  rules: OriginRules,
  issues: IssueCollector,
): void {
  if (!rules.credentials || rules.allowInsecureWithCredentials) return;
  if (scheme === "http" && !isLoopbackHost(host)) {
    issues.add(
      "origin-insecure-with-credentials",
      option,
      entry,
      "is plain http while credentials are on: anyone on the network path can impersonate it and act as the signed-in user.",
      `use ${JSON.stringify(entry.replace(/^http:/, "https:"))}, or set ${DANGEROUSLY_ALLOW_INSECURE_ORIGINS}: true (loopback hosts such as localhost are always allowed).`,
    );
  }
}

/**
 * Compiles a user regex with full-match semantics. The regex must be written anchored (`^...$`) so
 * that it means the same thing here and in django-cors-headers, whose `re.match` anchors only the start.
 */
function compileOriginRegex(
  pattern: unknown,
  option: string,
  rules: OriginRules,
  issues: IssueCollector,
): RegExp | undefined {
  let source: string;
  let flags = "";
  if (pattern instanceof RegExp) {
    source = pattern.source;
    flags = statelessFlags(pattern);
  } else if (typeof pattern === "string") {
    source = pattern;
  } else {
    issues.add("wrong-type", option, pattern, "is neither a RegExp nor a string.", "write e.g. /^https:\\/\\/[a-z0-9-]+\\.example\\.com$/.");
    return undefined;
  }
  let compiled: RegExp;
  try {
    compiled = new RegExp(`^(?:${source})$`, flags);
  } catch (error) {
    issues.add("regex-invalid", option, pattern, `is not a valid regular expression (${(error as Error).message}).`, "fix its syntax.");
    return undefined;
  }
  if (!source.startsWith("^") || !source.endsWith("$") || source.endsWith("\\$")) {
    issues.add(
      "regex-unanchored",
      option,
      pattern,
      "is not anchored; in Django, re.match would let it match longer origins such as https://example.com.evil.net.",
      `anchor it: ${anchoredForm(source, flags)} (crossgate always matches the whole origin).`,
    );
    return undefined;
  }
  if (rules.credentials && !rules.allowInsecureWithCredentials && admitsPlainHttp(source, flags)) {
    issues.add(
      "origin-insecure-with-credentials",
      option,
      pattern,
      "admits plain-http origins while credentials are on: anyone on the network path can impersonate them (crossgate also refuses them when matching).",
      `match https only (^https:\\/\\/...), or set ${DANGEROUSLY_ALLOW_INSECURE_ORIGINS}: true.`,
    );
  }
  if (rules.credentials && !rules.allowPublicSuffixWildcards) {
    const suffix = publicSuffixEnding(source, flags);
    if (suffix !== undefined) {
      issues.add(
        "origin-public-suffix-wildcard",
        option,
        pattern,
        suffix === ""
          ? "can match hosts under any domain while credentials are on: anyone can register one."
          : `matches every site under the public suffix "${suffix}", where anyone can register one, while credentials are on.`,
        `end it with your own domain (e.g. \\.yourname\\.${suffix === "" ? "com" : suffix.replace(/\./g, "\\.")}$), or set ${DANGEROUSLY_ALLOW_PUBLIC_SUFFIX_WILDCARDS}: true.`,
      );
    }
  }
  if (!rules.allowBacktrackingRegexes) {
    const found = findBacktracking(source, flags);
    if (found !== undefined && found !== "unreadable") {
      issues.add(
        "regex-backtracking",
        option,
        pattern,
        `${found.problem} (${found.fragment}): an Origin of a few dozen characters can block the server for seconds.`,
        found.rewrite !== undefined
          ? `rewrite it, e.g. /${found.rewrite}/ (one character class for that part; it may accept a little more, so check it), or set ${DANGEROUSLY_ALLOW_BACKTRACKING}: true.`
          : `rewrite it so that each repeated part begins or ends with a character nothing else in it matches, or set ${DANGEROUSLY_ALLOW_BACKTRACKING}: true.`,
      );
    }
  }
  return compiled;
}

/** Whether the part before `://` can match `http`, and the host part is not plainly loopback. */
function admitsPlainHttp(source: string, flags: string): boolean {
  const scheme = schemePart(source);
  if (scheme === undefined) return false;
  let admits: boolean;
  try {
    admits = new RegExp(`^(?:${scheme})$`, flags).test("http");
  } catch {
    admits = true; // the scheme part is not a regex by itself (a group spans "://"): assume the worst
  }
  const rest = source.replace(/^\^?.*?(?::|\\:)(?:\\\/|\/){2}/, "");
  return admits && !/^(?:localhost|127\\\.0\\\.0\\\.1|\\\[::1\\\])/.test(rest);
}

/**
 * The public suffix a regex's fixed ending sits directly on (`github.io` for `...\.github\.io$`),
 * `""` when a match can end in any domain, or `undefined` when every ending names a registrable
 * domain, a whole origin or a loopback host.
 */
function publicSuffixEnding(source: string, flags: string): string | undefined {
  for (const ending of literalEndings(source, flags) ?? []) {
    if (ending.includes("://")) continue;
    const host = ending.replace(/:\d*$/, "");
    const domain = host.startsWith(".") ? host.slice(1) : host;
    if (isLoopbackHost(`x.${domain}`) || isLoopbackHost(domain)) continue;
    if (domain === "" || isPublicSuffix(domain)) return domain;
  }
  return undefined;
}

function anchoredForm(source: string, flags: string): string {
  const core = source.replace(/^\^/, "").replace(/\$$/, "");
  try {
    return String(new RegExp(`^${core}$`, flags));
  } catch {
    return `/^${core}$/`;
  }
}
