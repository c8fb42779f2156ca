// Chromium through playwright-core, with Debian's binary; optionally a real profile that allows third-party cookies.
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { assertBrowserInstalled, browserExecutables } from "./availability.ts";
import { attributesScript, MessageLog, type BrowserSession, type HarnessBrowser } from "./session.ts";

/** Flags verified on this kind of machine: headless, no sandbox (containers), no background traffic. */
export const chromiumArgs: readonly string[] = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export interface ChromiumOptions {
  /**
   * Launch a persistent profile whose `Default/Preferences` allow third-party cookies, to model a browser
   * that still sends cross-site `SameSite=None` cookies (the case a CSRF defence must handle). Chromium
   * blocks them by default, even in a persistent profile. All sessions then share that one profile:
   * each session starts with its cookies cleared, but the HTTP and preflight caches are shared, so use
   * distinct URLs per test.
   * @default false (incognito-like contexts, third-party cookies blocked)
   */
  readonly thirdPartyCookies?: boolean;
  /** More command-line flags, e.g. `--host-resolver-rules=MAP *.test 127.0.0.1`. @default [] */
  readonly extraArgs?: readonly string[];
  /** Accept any TLS certificate (a certificate made at test time). @default false */
  readonly acceptInsecureCerts?: boolean;
}

function sessionOnPage(context: BrowserContext, page: Page, closeContext: boolean): BrowserSession {
  const log = new MessageLog();
  page.on("console", (m) => log.push({ source: "console", level: m.type(), text: m.text() }));
  page.on("pageerror", (e) => log.push({ source: "pageerror", level: "error", text: String(e.message) }));
  return {
    browser: "chromium",
    async goto(url) {
      await page.goto(url, { waitUntil: "load" });
    },
    evaluate(fn, arg) {
      return page.evaluate(`(${fn.toString()})(${JSON.stringify(arg) ?? "undefined"})`);
    },
    evaluateScript(expression) {
      return page.evaluate(expression);
    },
    attributes(selector) {
      return page.evaluate(attributesScript(selector));
    },
    messages: () => log.all(),
    messageText: () => log.text(),
    waitForMessage: (pattern, timeoutMs) => log.waitFor(pattern, timeoutMs),
    async close() {
      if (closeContext) await context.close();
      else await page.close();
    },
  };
}

/** Writes the preference file that turns third-party cookie blocking off, into a fresh profile dir. */
function profileAllowingThirdPartyCookies(): string {
  const dir = mkdtempSync(join(tmpdir(), "crossgate-chromium-"));
  mkdirSync(join(dir, "Default"), { recursive: true });
  writeFileSync(
    join(dir, "Default", "Preferences"),
    JSON.stringify({ profile: { cookie_controls_mode: 0, block_third_party_cookies: false } }),
  );
  return dir;
}

/** Launches Chromium once (per test file); `newSession()` gives each test a fresh context and page. */
export async function launchChromium(options: ChromiumOptions = {}): Promise<HarnessBrowser> {
  assertBrowserInstalled("chromium");
  const insecure = options.acceptInsecureCerts === true;
  const launchOptions = {
    executablePath: browserExecutables.chromium,
    args: [...chromiumArgs, ...(options.extraArgs ?? []), ...(insecure ? ["--ignore-certificate-errors"] : [])],
  };

  if (options.thirdPartyCookies) {
    const profileDir = profileAllowingThirdPartyCookies();
    const context = await chromium.launchPersistentContext(profileDir, { ...launchOptions, ignoreHTTPSErrors: insecure });
    return {
      name: "chromium",
      async newSession() {
        await context.clearCookies();
        return sessionOnPage(context, await context.newPage(), false);
      },
      async close() {
        await context.close();
        rmSync(profileDir, { recursive: true, force: true });
      },
    };
  }

  const browser = await chromium.launch(launchOptions);
  return {
    name: "chromium",
    async newSession() {
      const context = await browser.newContext({ ignoreHTTPSErrors: insecure });
      return sessionOnPage(context, await context.newPage(), true);
    },
    async close() {
      await browser.close();
    },
  };
}
