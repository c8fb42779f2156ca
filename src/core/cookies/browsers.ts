// What each browser family does with cookies where browsers differ: ONE table, one row per browser
// and behaviour, with the version it was verified on. Everything else follows RFC 6265bis in all three.

export type CookieBrowser = "chromium" | "firefox" | "safari";

export const COOKIE_BROWSERS: readonly CookieBrowser[] = ["chromium", "firefox", "safari"];

/** The behaviours browsers disagree on. */
export interface CookieBehaviours {
  /** How a cookie without `SameSite` is enforced: Chromium's "Lax by default", or as `None`. */
  readonly missingSameSite: "Lax" | "None";
  /** `SameSite=None` without `Secure` is refused. */
  readonly noneRequiresSecure: boolean;
  /** `Partitioned` without `Secure` is refused. */
  readonly partitionedRequiresSecure: boolean;
  /** `Secure` cookies are accepted from, and sent to, `http://localhost` and `http://127.0.0.1`. */
  readonly loopbackHttpIsSecure: boolean;
  /**
   * Cookies in a cross-site context (third-party cookies): `"partitioned-only"` stores and sends
   * only `Partitioned` (CHIPS) cookies, keyed by the top-level site; `"partition-all"` keys every one
   * to the top-level site (Total Cookie Protection); `"block-all"` stores and sends none.
   */
  readonly thirdParty: "partitioned-only" | "partition-all" | "block-all";
}

/** One row: what `browser` does for `behaviour`, where it was checked and what documents it. */
export type CookieBehaviourRow = {
  readonly [K in keyof CookieBehaviours]: {
    readonly browser: CookieBrowser;
    readonly behaviour: K;
    readonly value: CookieBehaviours[K];
    /** The browser version the row was verified on (test/browser/cookie-matrix.test.ts), or "documentation". */
    readonly verifiedOn: string;
    readonly source: string;
  };
}[keyof CookieBehaviours];

const CHROMIUM = "Chromium 156.0.8078 (Debian), default profile";
const FIREFOX = "Firefox ESR 153.8 (Debian), default profile";
const SAFARI = "not run here: WebKit and Apple documentation (Safari 18)";

export const COOKIE_BEHAVIOUR_TABLE: readonly CookieBehaviourRow[] = [
  { browser: "chromium", behaviour: "missingSameSite", value: "Lax", verifiedOn: CHROMIUM, source: "RFC 6265bis §5.6.7 (enforcement of a missing SameSite, \"Lax-by-default\"); https://www.chromium.org/updates/same-site/" },
  { browser: "firefox", behaviour: "missingSameSite", value: "None", verifiedOn: FIREFOX, source: "network.cookie.sameSite.laxByDefault is false; https://developer.mozilla.org/docs/Web/HTTP/Headers/Set-Cookie#samesitesamesite-value" },
  { browser: "safari", behaviour: "missingSameSite", value: "None", verifiedOn: SAFARI, source: "WebKit never shipped Lax-by-default; https://webkit.org/blog/10218/full-third-party-cookie-blocking-and-more/" },

  { browser: "chromium", behaviour: "noneRequiresSecure", value: true, verifiedOn: CHROMIUM, source: "RFC 6265bis §5.7 (SameSite=None requires the secure-only-flag); https://www.chromium.org/updates/same-site/" },
  { browser: "firefox", behaviour: "noneRequiresSecure", value: true, verifiedOn: FIREFOX, source: "RFC 6265bis §5.7 (SameSite=None requires the secure-only-flag) (network.cookie.sameSite.noneRequiresSecure)" },
  { browser: "safari", behaviour: "noneRequiresSecure", value: true, verifiedOn: SAFARI, source: "RFC 6265bis §5.7 (SameSite=None requires the secure-only-flag)" },

  { browser: "chromium", behaviour: "partitionedRequiresSecure", value: true, verifiedOn: CHROMIUM, source: "CHIPS (a Partitioned cookie must be Secure); https://developers.google.com/privacy-sandbox/cookies/chips" },
  { browser: "firefox", behaviour: "partitionedRequiresSecure", value: true, verifiedOn: FIREFOX, source: "CHIPS (a Partitioned cookie must be Secure); https://developer.mozilla.org/docs/Web/Privacy/Guides/Privacy_sandbox/Partitioned_cookies" },
  { browser: "safari", behaviour: "partitionedRequiresSecure", value: false, verifiedOn: SAFARI, source: "WebKit does not implement CHIPS (webkit.org/b/292975): the attribute is ignored" },

  { browser: "chromium", behaviour: "loopbackHttpIsSecure", value: true, verifiedOn: CHROMIUM, source: "Secure Contexts §3.2 (loopback is potentially trustworthy); https://developer.mozilla.org/docs/Web/HTTP/Headers/Set-Cookie#secure" },
  { browser: "firefox", behaviour: "loopbackHttpIsSecure", value: true, verifiedOn: FIREFOX, source: "Secure Contexts §3.2 (loopback is potentially trustworthy); https://developer.mozilla.org/docs/Web/HTTP/Headers/Set-Cookie#secure" },
  { browser: "safari", behaviour: "loopbackHttpIsSecure", value: false, verifiedOn: SAFARI, source: "MDN lists the localhost exception for Chrome and Firefox only; https://developer.mozilla.org/docs/Web/HTTP/Headers/Set-Cookie#secure" },

  { browser: "chromium", behaviour: "thirdParty", value: "partitioned-only", verifiedOn: CHROMIUM, source: "Third-party cookies blocked by default, CHIPS allowed; https://developers.google.com/privacy-sandbox/cookies/chips" },
  { browser: "firefox", behaviour: "thirdParty", value: "partition-all", verifiedOn: FIREFOX, source: "Total Cookie Protection; https://developer.mozilla.org/docs/Web/Privacy/Guides/State_Partitioning" },
  { browser: "safari", behaviour: "thirdParty", value: "block-all", verifiedOn: SAFARI, source: "Full third-party cookie blocking; https://webkit.org/blog/10218/full-third-party-cookie-blocking-and-more/" },
];

/** The table folded into one record per browser (built once, at module load). */
export const COOKIE_BEHAVIOURS: Readonly<Record<CookieBrowser, CookieBehaviours>> = foldTable(COOKIE_BEHAVIOUR_TABLE);

function foldTable(rows: readonly CookieBehaviourRow[]): Record<CookieBrowser, CookieBehaviours> {
  const out: Record<string, Record<string, unknown>> = { chromium: {}, firefox: {}, safari: {} };
  for (const row of rows) (out[row.browser] as Record<string, unknown>)[row.behaviour] = row.value;
  for (const browser of COOKIE_BROWSERS) Object.freeze(out[browser]);
  return Object.freeze(out) as unknown as Record<CookieBrowser, CookieBehaviours>;
}
