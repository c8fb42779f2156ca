// Real-browser test harness: one Chromium and one Firefox launch per test file, a fresh context per test,
// and the browsers' own console/CORS messages captured for assertions.
//
//   describeInBrowsers("CORS smoke", (use) => {
//     it("blocks a cross-origin read", async () => {
//       const session = await use.newSession();
//       try { await session.goto(page.url("/")); … } finally { await session.close(); }
//     });
//   });
import { afterAll, beforeAll, describe } from "vitest";
import { allBrowsers, browserIsMissingLocally, type BrowserName } from "./harness/availability.ts";
import { launchChromium } from "./harness/chromium.ts";
import { launchFirefox } from "./harness/firefox.ts";
import type { LaunchOptionsShape } from "./harness/launch-shape.ts";
import type { BrowserSession, HarnessBrowser } from "./harness/session.ts";

export {
  allBrowsers,
  assertBrowserInstalled,
  browserAvailability,
  browserExecutables,
  browserIsMissingLocally,
  browsersAreRequired,
  type BrowserName,
} from "./harness/availability.ts";
export { chromiumArgs, launchChromium, type ChromiumOptions } from "./harness/chromium.ts";
export { launchFirefox, type FirefoxOptions } from "./harness/firefox.ts";
export { startLoopbackServer, type LoopbackServer, type LoopbackServerOptions } from "./harness/loopback-server.ts";
export {
  makeTestCertificate,
  namedSitesLaunchOptions,
  opensslAvailable,
  startNamedSitesServer,
  type NamedSitesServer,
} from "./harness/named-sites.ts";
export type { BrowserMessage, BrowserSession, HarnessBrowser } from "./harness/session.ts";

/** Launch options for either browser; each launcher reads its own fields. */
export type LaunchOptions = LaunchOptionsShape;

/** Launches the named browser. */
export function launchBrowser(name: BrowserName, options: LaunchOptions = {}): Promise<HarnessBrowser> {
  return name === "chromium" ? launchChromium(options) : launchFirefox(options);
}

/** What a test body receives inside `describeInBrowsers`. */
export interface BrowserUse {
  readonly name: BrowserName;
  /** The launched browser (available inside tests, after `beforeAll`). */
  browser(): HarnessBrowser;
  /** A fresh context and page; close it at the end of the test. */
  newSession(): Promise<BrowserSession>;
}

export interface DescribeInBrowsersOptions extends LaunchOptions {
  /** Browsers to run in. @default ["chromium", "firefox"] */
  readonly browsers?: readonly BrowserName[];
}

/**
 * Runs `body` once per browser in a `describe` named `<title> [<browser>]`, launching that browser once
 * in `beforeAll` and closing it in `afterAll`. A missing browser skips with a printed reason locally,
 * and fails the run when `CI=true`.
 */
export function describeInBrowsers(
  title: string,
  body: (use: BrowserUse) => void,
  options: DescribeInBrowsersOptions = {},
): void {
  for (const name of options.browsers ?? allBrowsers) {
    describe.skipIf(browserIsMissingLocally(name))(`${title} [${name}]`, () => {
      let launched: HarnessBrowser | undefined;
      beforeAll(async () => {
        launched = await launchBrowser(name, options);
      });
      afterAll(async () => {
        await launched?.close();
      });
      const browser = () => {
        if (!launched) throw new Error(`crossgate browser tests: ${name} was not launched`);
        return launched;
      };
      body({ name, browser, newSession: () => browser().newSession() });
    });
  }
}
