// Where the Debian browsers live, and whether a missing one skips (locally) or fails (in CI).
import { accessSync, constants } from "node:fs";

export type BrowserName = "chromium" | "firefox";

/** The browser binaries the harness drives; both come from Debian packages, never from npm downloads. */
export const browserExecutables: Readonly<Record<BrowserName, string>> = Object.freeze({
  chromium: process.env.CROSSGATE_CHROMIUM ?? "/usr/bin/chromium",
  firefox: process.env.CROSSGATE_FIREFOX ?? "/usr/lib/firefox-esr/firefox-esr",
});

export const allBrowsers: readonly BrowserName[] = ["chromium", "firefox"];

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Whether each browser binary exists and is executable on this machine. */
export function browserAvailability(): Record<BrowserName, boolean> {
  return {
    chromium: isExecutable(browserExecutables.chromium),
    firefox: isExecutable(browserExecutables.firefox),
  };
}

/** True when `CI=true`: there a missing browser fails the run instead of skipping it. */
export function browsersAreRequired(): boolean {
  return process.env.CI === "true";
}

const warned = new Set<BrowserName>();

/**
 * For `describe.skipIf(browserIsMissingLocally("firefox"))`: true (skip, with a printed reason) when the
 * browser is missing on a developer machine; false when it is present, and also false in CI, so the
 * suite runs and the launch fails loudly instead of a silent skip.
 */
export function browserIsMissingLocally(name: BrowserName): boolean {
  if (browserAvailability()[name]) return false;
  if (browsersAreRequired()) return false;
  if (!warned.has(name)) {
    warned.add(name);
    process.stderr.write(
      `crossgate browser tests: skipping ${name}: no executable at ${browserExecutables[name]} ` +
        `(install it, e.g. apt-get install -y ${name === "chromium" ? "chromium" : "firefox-esr"}; in CI this fails instead)\n`,
    );
  }
  return true;
}

/** Throws a clear error when a browser binary is missing; called by the launchers. */
export function assertBrowserInstalled(name: BrowserName): void {
  if (browserAvailability()[name]) return;
  const where = browsersAreRequired() ? " (CI=true: browsers are required, so this fails the run)" : "";
  throw new Error(`crossgate browser tests: ${name} not found at ${browserExecutables[name]}${where}`);
}
