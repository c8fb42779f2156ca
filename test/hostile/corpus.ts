/**
 * Malformed and adversarial request header values, each with what crossgate must answer when the
 * value reaches it. Every entry is sent to every adapter over a real socket (test/hostile/hostile.test.ts).
 *
 * The policy under attack trusts exactly: https://app.example.com, https://*.example.org,
 * http://localhost:* and /^https:\/\/[a-z]+\.corp\.test$/, with credentials; methods GET, POST, PUT;
 * request headers content-type, x-csrftoken, authorization. The CSRF guard shares that list.
 *
 * An HTTP parser may refuse a value before crossgate sees it (400 for a NUL or a bare CR, 431 for a
 * head over the server's limit); that answer grants nothing either, and the test accepts it.
 * Values with leading or trailing whitespace are absent on purpose: HTTP parsers strip it (RFC 9110
 * §5.5), so " null" *is* "null" by the time any middleware reads it.
 */

export const APP = "https://app.example.com";
export const EVIL = "https://evil.example.net";

export const POLICY_ORIGINS = [APP, "https://*.example.org", "http://localhost:*"];
export const POLICY_REGEXES = [/^https:\/\/[a-z]+\.corp\.test$/];

/** Which header carries the value, and what the request around it is. */
export type HostileTarget =
  /** `Origin` on a GET, on a preflight for PUT, and on a CSRF-checked POST. */
  | "origin"
  /** `Access-Control-Request-Method` on a preflight from the trusted origin. */
  | "request-method"
  /** `Access-Control-Request-Headers` on a preflight for PUT from the trusted origin. */
  | "request-headers"
  /** `Sec-Fetch-Site` on a POST from an untrusted origin, without a token. */
  | "sec-fetch-site"
  /** `Cookie` on a POST from the trusted origin carrying a valid token header. */
  | "cookie"
  /** `X-CSRFToken` on a POST from the trusted origin carrying a valid cookie. */
  | "token";

export interface HostileEntry {
  readonly target: HostileTarget;
  /** What the value tries. */
  readonly name: string;
  readonly value: string;
  /**
   * What crossgate answers when the value reaches it. CORS targets: `"refused"` (no
   * `Access-Control-Allow-*` header at all; a preflight gets 403 and never reaches the app).
   * CSRF targets: the start of Django's reason in the 403.
   */
  readonly expect: { readonly cors?: "refused"; readonly csrf?: string };
}

const ORIGIN_CHECK = "Origin checking failed";
const COOKIE_MISSING = "CSRF cookie not set.";
const COOKIE_LENGTH = "CSRF cookie has incorrect length.";
const COOKIE_CHARACTERS = "CSRF cookie has invalid characters.";
const TOKEN_LENGTH = "CSRF token from the 'X-Csrftoken' HTTP header has incorrect length.";
const TOKEN_CHARACTERS = "CSRF token from the 'X-Csrftoken' HTTP header has invalid characters.";
const TOKEN_INCORRECT = "CSRF token from the 'X-Csrftoken' HTTP header incorrect.";

const origin = (name: string, value: string): HostileEntry => ({ target: "origin", name, value, expect: { cors: "refused", csrf: ORIGIN_CHECK } });
const method = (name: string, value: string): HostileEntry => ({ target: "request-method", name, value, expect: { cors: "refused" } });
const headers = (name: string, value: string): HostileEntry => ({ target: "request-headers", name, value, expect: { cors: "refused" } });
const site = (name: string, value: string): HostileEntry => ({ target: "sec-fetch-site", name, value, expect: { cors: "refused", csrf: ORIGIN_CHECK } });
const cookie = (name: string, value: string, reason: string): HostileEntry => ({ target: "cookie", name, value, expect: { csrf: reason } });
const token = (name: string, value: string, reason: string): HostileEntry => ({ target: "token", name, value, expect: { csrf: reason } });

const A64 = "a".repeat(64);
const B64 = "B".repeat(64);
const WRONG_MASKED = "Zz9".repeat(42) + "Zz";

export const corpus: readonly HostileEntry[] = [
  // ── Origin: opaque, empty and wildcard ──────────────────────────────────────────────────────
  origin("opaque origin null", "null"),
  origin("NULL in capitals", "NULL"),
  origin("empty Origin", ""),
  origin("a literal *", "*"),
  origin("several origins, comma-separated", `${EVIL}, ${APP}`),
  origin("several origins, trusted first", `${APP}, ${EVIL}`),
  origin("several origins, space-separated", `${EVIL} ${APP}`),
  origin("a second Origin line injected after an untrusted one", `${EVIL}\r\nOrigin: ${APP}`),
  // ── Origin: suffix, prefix and regex bypasses ───────────────────────────────────────────────
  origin("trusted origin as a prefix of an evil host", "https://app.example.com.evil.net"),
  origin("trusted host glued to an evil one", "https://evilapp.example.com"),
  origin("pattern domain without a subdomain", "https://example.org"),
  origin("pattern domain glued to an evil label", "https://evilexample.org"),
  origin("pattern subdomain as a prefix of an evil host", "https://a.example.org.evil.net"),
  origin("a literal *. in the Origin", "https://*.example.org"),
  origin("regex: two labels where one is allowed", "https://a.b.corp.test"),
  origin("regex: trusted as prefix", "https://x.corp.test.evil.net"),
  origin("regex: trailing garbage", "https://x.corp.testx"),
  origin("regex: newline before the end ($ bypass)", "https://x.corp.test\nx"),
  origin("regex: digits the class excludes", "https://x1.corp.test"),
  origin("localhost pattern: another host", "http://localhost.evil.net:3000"),
  origin("localhost pattern: a subdomain of localhost", "http://evil.localhost:3000"),
  origin("localhost pattern: https instead of http", "https://localhost:3000"),
  // ── Origin: not the browser serialisation ───────────────────────────────────────────────────
  origin("trailing slash", `${APP}/`),
  origin("a path", `${APP}/api`),
  origin("a query", `${APP}?x=1`),
  origin("a fragment hiding the real host", `${EVIL}#@app.example.com`),
  origin("userinfo naming the trusted host", `https://app.example.com@evil.example.net`),
  origin("backslash before @", "https://app.example.com\\@evil.example.net"),
  origin("explicit default port", `${APP}:443`),
  origin("upper case", "HTTPS://APP.EXAMPLE.COM"),
  origin("plain http for an https origin", "http://app.example.com"),
  origin("trailing dot", `${APP}.`),
  origin("percent-encoded dot", "https://app%2Eexample.com"),
  origin("scheme-relative", "//app.example.com"),
  origin("no slashes", "https:app.example.com"),
  origin("javascript: URL", "javascript:alert(document.domain)"),
  origin("data: URL", "data:text/html,<script>alert(1)</script>"),
  origin("file: with an empty host", "file://"),
  origin("an extension origin nobody listed", "chrome-extension://abcdefghijklmnopabcdefghijklmnop"),
  // ── Origin: ports ────────────────────────────────────────────────────────────────────────────
  origin("port 65536", "http://localhost:65536"),
  origin("port with 20 digits", "http://localhost:99999999999999999999"),
  origin("negative port", "http://localhost:-1"),
  origin("empty port", "http://localhost:"),
  origin("port with a leading zero", `${APP}:0443`),
  origin("two ports", "http://localhost:3000:3000"),
  // ── Origin: IP literals ──────────────────────────────────────────────────────────────────────
  origin("IPv6 loopback against the localhost pattern", "http://[::1]:3000"),
  origin("IPv6 not compressed", "http://[0:0:0:0:0:0:0:1]:3000"),
  origin("IPv4-mapped IPv6", "http://[::ffff:127.0.0.1]:3000"),
  origin("unclosed IPv6 bracket", "http://[::1:3000"),
  origin("short IPv4 form", "http://127.1:3000"),
  origin("IPv4 as one number", "http://2130706433:3000"),
  // ── Origin: unicode and punycode ─────────────────────────────────────────────────────────────
  origin("unicode host under a trusted pattern (browsers send punycode)", "https://bücher.example.org"),
  origin("Cyrillic homograph of the trusted host", "https://аpp.example.com"),
  origin("fullwidth letters", "https://ａｐｐ.example.com"),
  origin("zero-width space after the host", `${APP}\u200b`),
  origin("right-to-left override", `https://\u202eapp.example.com`),
  origin("invalid punycode under a trusted pattern", "https://xn--zz.example.org"),
  origin("punycode homograph (apple in Cyrillic)", "https://xn--80ak6aa92e.com"),
  // ── Origin: control characters ───────────────────────────────────────────────────────────────
  origin("NUL after the trusted origin", `${APP}\0`),
  origin("NUL inside the host", "https://app\0.example.com"),
  origin("vertical tab after the trusted origin", `${APP}\u000b`),
  origin("bare CR inside", `${APP}\rx`),
  origin("DEL after the trusted origin", `${APP}\u007f`),
  origin("escape sequence", `\u001b[31m${APP}`),
  // ── Origin: huge ─────────────────────────────────────────────────────────────────────────────
  origin("100 KB host under a trusted pattern", `https://${"a".repeat(100_000)}.example.org`),
  origin("5,000 labels under a trusted pattern", `https://${"a.".repeat(5_000)}example.org`),
  origin("1 MB Origin", `https://${"x".repeat(1_000_000)}`),

  // ── Access-Control-Request-Method ────────────────────────────────────────────────────────────
  method("a method not in the list", "DELETE"),
  method("lower case (browsers upper-case put themselves)", "put"),
  method("CONNECT (forbidden)", "CONNECT"),
  method("TRACE (forbidden)", "TRACE"),
  method("TRACK (forbidden)", "TRACK"),
  method("a literal *", "*"),
  method("empty", ""),
  method("two methods", "PUT, DELETE"),
  method("a second line for an allowed method after a refused one", "DELETE\r\nAccess-Control-Request-Method: PUT"),
  method("a separator inside", "PUT;DELETE"),
  method("fullwidth PUT", "ＰＵＴ"),
  method("NUL inside", "P\0UT"),
  method("BEL after", "PUT\u0007"),
  method("100 KB", "P".repeat(100_000)),

  // ── Access-Control-Request-Headers ───────────────────────────────────────────────────────────
  headers("a header not in the list", "x-evil"),
  headers("allowed then refused", "content-type,x-evil"),
  headers("refused in mixed case", "Content-Type, X-Evil"),
  headers("a literal * (not configured)", "*"),
  headers("authorization and *", "authorization,*"),
  headers("a forbidden request header", "cookie"),
  headers("empty elements around a refused name", ",,,x-evil,,"),
  headers("a space inside a name", "content type"),
  headers("a separator inside a name", "content-type;x"),
  headers("latin-1 letter in a name", "x-é"),
  headers("no-break space between names", "content-type,\u00a0x-evil"),
  headers("NUL after an allowed name", "x-csrftoken\0"),
  headers("a second line adding a refused name", "content-type\r\nAccess-Control-Request-Headers: x-evil"),
  headers("8 KB list of names", "x-a,".repeat(2_000)),
  headers("100 KB name", `x-${"a".repeat(100_000)}`),

  // ── Sec-Fetch-Site (the request comes from an untrusted origin, without a token) ─────────────
  site("same-origin then cross-site", "same-origin, cross-site"),
  site("Same-Origin capitalised", "Same-Origin"),
  site("SAME-ORIGIN", "SAME-ORIGIN"),
  site("none capitalised", "None"),
  site("same-site (not same-origin)", "same-site"),
  site("cross-site", "cross-site"),
  site("empty", ""),
  site("a separator after same-origin", "same-origin;"),
  site("en dash instead of hyphen", "same–origin"),
  site("Cyrillic e in none", "nonе"),
  site("NUL after same-origin", "same-origin\0"),
  site("a second line saying cross-site", "same-origin\r\nSec-Fetch-Site: cross-site"),
  site("10 KB", "same-origin".repeat(1_000)),

  // ── Cookie (the request carries a valid token header) ────────────────────────────────────────
  cookie("empty Cookie header", "", COOKIE_MISSING),
  cookie("cookie name in capitals", `CSRFTOKEN=${A64}`, COOKIE_MISSING),
  cookie("a cookie without =", "csrftoken", COOKIE_MISSING),
  cookie("empty value", "csrftoken=", COOKIE_LENGTH),
  cookie("too short", "csrftoken=short", COOKIE_LENGTH),
  cookie("right length, forbidden characters", `csrftoken=${"a-".repeat(32)}`, COOKIE_CHARACTERS),
  cookie("right length, latin-1 letters", `csrftoken=${"é".repeat(64)}`, COOKIE_CHARACTERS),
  cookie("well-formed but not the token's secret", `csrftoken=${A64}`, TOKEN_INCORRECT),
  cookie("quoted well-formed value", `csrftoken="${A64}"`, TOKEN_INCORRECT),
  cookie("stuffed with 50 same-named cookies", Array.from({ length: 50 }, (_, index) => `csrftoken=${index % 2 ? A64 : B64}`).join("; "), TOKEN_INCORRECT),
  cookie("NUL inside the value", `csrftoken=${"a".repeat(32)}\0${"a".repeat(31)}`, COOKIE_CHARACTERS),
  cookie("8 KB value", `csrftoken=${"a".repeat(8_000)}`, COOKIE_LENGTH),

  // ── X-CSRFToken (the request carries a valid cookie) ─────────────────────────────────────────
  token("empty", "", TOKEN_LENGTH),
  token("the word null", "null", TOKEN_LENGTH),
  token("well-formed 64 characters, wrong", A64, TOKEN_INCORRECT),
  token("well-formed masked 128 characters, wrong", WRONG_MASKED, TOKEN_INCORRECT),
  token("128 characters with forbidden ones", "-".repeat(128), TOKEN_CHARACTERS),
  token("65 characters", "a".repeat(65), TOKEN_LENGTH),
  token("unicode letters of the right length", "ä".repeat(64), TOKEN_CHARACTERS),
  token("NUL inside", `${"a".repeat(63)}\0`, TOKEN_CHARACTERS),
  token("8 KB", "a".repeat(8_000), TOKEN_LENGTH),
];
