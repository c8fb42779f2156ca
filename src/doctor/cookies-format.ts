// The doctor's cookie report as text: one block per cookie, one line per browser, the fix under it.
import type { CookieBrowser } from "../core/cookies/browsers.ts";
import { unsentCookies, type CookieFinding } from "./cookies.ts";
import type { Styler } from "./format.ts";

const LABEL: Record<CookieBrowser, string> = { chromium: "Chromium", firefox: "Firefox ", safari: "Safari  " };

/** What to add to the ALLOWED line when cookies will be missing; null when every cookie comes back. */
export function cookieVerdictNote(cookies: readonly CookieFinding[] | undefined): string | null {
  if (cookies === undefined) return null;
  const unsent = unsentCookies(cookies);
  if (unsent.length === 0) return null;
  const list = unsent.map((c) => `${c.name || "(nameless)"} (${c.browsers.map((b) => LABEL[b].trim()).join(", ")})`).join(", ");
  return `but it arrives without the cookie${unsent.length === 1 ? "" : "s"} ${list}: see Cookies below.`;
}

/** The "Cookies" section; empty when the report has none. */
export function formatCookies(cookies: readonly CookieFinding[] | undefined, style: Styler): string[] {
  if (cookies === undefined) return [];
  const out = ["", style.bold("Cookies")];
  if (cookies.length === 0) {
    out.push("  No Set-Cookie in the responses. Pass --login <url> (with --login-body / --login-header) to check the session cookie.");
    return out;
  }
  for (const cookie of cookies) {
    out.push(`  ${style.bold(cookie.name || "(nameless)")}  domain ${cookie.domain}, path ${cookie.path}; set by ${cookie.setBy.method} ${cookie.setBy.url}`);
    const fixes = new Set<string>();
    for (const [browser, label] of Object.entries(LABEL) as [CookieBrowser, string][]) {
      const v = cookie.browsers[browser];
      const state = v.sent ? style.green("sent back") : v.stored ? style.yellow("stored, not sent") : style.red("not stored");
      out.push(`    ${label}  ${state}  ${style.dim(v.rule)}${v.sent ? "" : `: ${v.why}`}`);
      if (v.fix !== null) fixes.add(v.fix);
    }
    // One line per distinct fix: browsers that drop a cookie for the same rule share it.
    for (const fix of fixes) out.push(`    fix: ${style.cyan(fix)}`);
  }
  return out;
}
