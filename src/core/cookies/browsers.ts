// What each browser family does with cookies where browsers differ: one value per browser and
// behaviour, with the version it was verified on and its source. Everything else follows RFC 6265bis in all three.
import { freeze } from "../internal/freeze.ts";

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

/**
 * What each browser does, one record per browser. Where each value was verified and what documents
 * it is in `COOKIE_BEHAVIOUR_EVIDENCE`; the two join into `COOKIE_BEHAVIOUR_TABLE`. The values stand
 * apart so that the CSRF guard's debug hint can name a browser's rule without bundling the sources.
 */
export const COOKIE_BEHAVIOURS: Readonly<Record<CookieBrowser, CookieBehaviours>> = freeze({
  chromium: freeze({ missingSameSite: "Lax", noneRequiresSecure: true, partitionedRequiresSecure: true, loopbackHttpIsSecure: true, thirdParty: "partitioned-only" }),
  firefox: freeze({ missingSameSite: "None", noneRequiresSecure: true, partitionedRequiresSecure: true, loopbackHttpIsSecure: true, thirdParty: "partition-all" }),
  safari: freeze({ missingSameSite: "None", noneRequiresSecure: true, partitionedRequiresSecure: false, loopbackHttpIsSecure: false, thirdParty: "block-all" }),
});

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

type Evidence = Readonly<Record<CookieBrowser, Readonly<Record<keyof CookieBehaviours, string>>>>;

const CHROMIUM = "Chromium 156.0.8078 (Debian), default profile";
const FIREFOX = "Firefox ESR 153.8 (Debian), default profile";
const SAFARI = "not run here: WebKit and Apple documentation (Safari 18)";
const VERIFIED_ON: Readonly<Record<CookieBrowser, string>> = { chromium: CHROMIUM, firefox: FIREFOX, safari: SAFARI };

/** The source of each value in `COOKIE_BEHAVIOURS`. */
const COOKIE_BEHAVIOUR_EVIDENCE: Evidence = {
  chromium: {
    missingSameSite: "RFC 6265bis §5.6.7 (enforcement of a missing SameSite, \"Lax-by-default\"); https://www.chromium.org/updates/same-site/",
    noneRequiresSecure: "RFC 6265bis §5.7 (SameSite=None requires the secure-only-flag); https://www.chromium.org/updates/same-site/",
    partitionedRequiresSecure: "CHIPS (a Partitioned cookie must be Secure); https://developers.google.com/privacy-sandbox/cookies/chips",
    loopbackHttpIsSecure: "Secure Contexts §3.2 (loopback is potentially trustworthy); https://developer.mozilla.org/docs/Web/HTTP/Headers/Set-Cookie#secure",
    thirdParty: "Third-party cookies blocked by default, CHIPS allowed; https://developers.google.com/privacy-sandbox/cookies/chips",
  },
  firefox: {
    missingSameSite: "network.cookie.sameSite.laxByDefault is false; https://developer.mozilla.org/docs/Web/HTTP/Headers/Set-Cookie#samesitesamesite-value",
    noneRequiresSecure: "RFC 6265bis §5.7 (SameSite=None requires the secure-only-flag) (network.cookie.sameSite.noneRequiresSecure)",
    partitionedRequiresSecure: "CHIPS (a Partitioned cookie must be Secure); https://developer.mozilla.org/docs/Web/Privacy/Guides/Privacy_sandbox/Partitioned_cookies",
    loopbackHttpIsSecure: "Secure Contexts §3.2 (loopback is potentially trustworthy); https://developer.mozilla.org/docs/Web/HTTP/Headers/Set-Cookie#secure",
    thirdParty: "Total Cookie Protection; https://developer.mozilla.org/docs/Web/Privacy/Guides/State_Partitioning",
  },
  safari: {
    missingSameSite: "WebKit never shipped Lax-by-default; https://webkit.org/blog/10218/full-third-party-cookie-blocking-and-more/",
    noneRequiresSecure: "RFC 6265bis §5.7 (SameSite=None requires the secure-only-flag)",
    partitionedRequiresSecure: "WebKit does not implement CHIPS (webkit.org/b/292975): the attribute is ignored",
    loopbackHttpIsSecure: "MDN lists the localhost exception for Chrome and Firefox only; https://developer.mozilla.org/docs/Web/HTTP/Headers/Set-Cookie#secure",
    thirdParty: "Full third-party cookie blocking; https://webkit.org/blog/10218/full-third-party-cookie-blocking-and-more/",
  },
};

const BEHAVIOURS = ["missingSameSite", "noneRequiresSecure", "partitionedRequiresSecure", "loopbackHttpIsSecure", "thirdParty"] as const;

/** Every value with where it was verified and its source, one row per behaviour and browser. */
export const COOKIE_BEHAVIOUR_TABLE: readonly CookieBehaviourRow[] = /* @__PURE__ */ joinTable();

function joinTable(): CookieBehaviourRow[] {
  return BEHAVIOURS.flatMap((behaviour) =>
    COOKIE_BROWSERS.map(
      (browser) =>
        ({
          browser,
          behaviour,
          value: COOKIE_BEHAVIOURS[browser][behaviour],
          verifiedOn: VERIFIED_ON[browser],
          source: COOKIE_BEHAVIOUR_EVIDENCE[browser][behaviour],
        }) as CookieBehaviourRow,
    ),
  );
}
