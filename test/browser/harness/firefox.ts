// Firefox ESR through puppeteer-core over WebDriver BiDi (playwright cannot drive Debian's Firefox).
import puppeteer, { type BrowserContext, type Page } from "puppeteer-core";
import { assertBrowserInstalled, browserExecutables } from "./availability.ts";
import { attributesScript, MessageLog, type BrowserSession, type HarnessBrowser } from "./session.ts";

export interface FirefoxOptions {
  /**
   * Extra `about:config` preferences, e.g. `{ "network.cookie.cookieBehavior": 0 }` to turn off Total
   * Cookie Protection and send unpartitioned third-party cookies (the case a CSRF defence must handle).
   * @default {} (puppeteer's test profile; third-party cookies partitioned)
   */
  readonly extraPrefsFirefox?: Readonly<Record<string, unknown>>;
  /** Accept any TLS certificate (a certificate made at test time). @default false */
  readonly acceptInsecureCerts?: boolean;
}

function sessionOnPage(context: BrowserContext, page: Page): BrowserSession {
  const log = new MessageLog();
  page.on("console", (m) => log.push({ source: "console", level: m.type(), text: m.text() }));
  // Firefox reports CORS and cookie rejections as BiDi log entries of type "javascript", which
  // puppeteer surfaces as `pageerror`, not `console`.
  page.on("pageerror", (e) =>
    log.push({ source: "pageerror", level: "error", text: e instanceof Error ? e.message : String(e) }),
  );
  return {
    browser: "firefox",
    async goto(url) {
      await page.goto(url, { waitUntil: "load" });
    },
    evaluate(fn, arg) {
      return page.evaluate(`(${fn.toString()})(${JSON.stringify(arg) ?? "undefined"})`) as Promise<never>;
    },
    evaluateScript(expression) {
      return page.evaluate(expression) as Promise<never>;
    },
    attributes(selector) {
      return page.evaluate(attributesScript(selector)) as Promise<Record<string, string> | null>;
    },
    messages: () => log.all(),
    messageText: () => log.text(),
    waitForMessage: (pattern, timeoutMs) => log.waitFor(pattern, timeoutMs),
    async close() {
      await context.close();
    },
  };
}

/** Launches Firefox once (per test file); `newSession()` gives each test a fresh BiDi user context and page. */
export async function launchFirefox(options: FirefoxOptions = {}): Promise<HarnessBrowser> {
  assertBrowserInstalled("firefox");
  const browser = await puppeteer.launch({
    browser: "firefox",
    executablePath: browserExecutables.firefox,
    headless: true,
    extraPrefsFirefox: { ...options.extraPrefsFirefox },
    acceptInsecureCerts: options.acceptInsecureCerts === true,
  });
  return {
    name: "firefox",
    async newSession() {
      const context = await browser.createBrowserContext();
      return sessionOnPage(context, await context.newPage());
    },
    async close() {
      await browser.close();
    },
  };
}
