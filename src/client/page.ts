// What the client can learn about the page it runs in; everything is optional, since Node has no page.

/** The page's origin (`location.origin`), `"null"` for an opaque origin, or undefined outside a browser page. */
export function pageOrigin(): string | undefined {
  const origin = (globalThis as { location?: { origin?: unknown } }).location?.origin;
  return typeof origin === "string" && origin !== "" ? origin : undefined;
}

/** The page's URL without its fragment (`location.href`), or undefined outside a browser page. */
export function pageURL(): string | undefined {
  const href = (globalThis as { location?: { href?: unknown } }).location?.href;
  return typeof href === "string" && /^https?:/.test(href) ? href.split("#")[0] : undefined;
}

/**
 * The value of cookie `name` as the page sees it (`document.cookie`), or undefined when there is no
 * document or no such cookie. HttpOnly cookies and other hosts' cookies are never visible here.
 */
export function readPageCookie(name: string): string | undefined {
  let cookies: unknown;
  try {
    cookies = (globalThis as { document?: { cookie?: unknown } }).document?.cookie;
  } catch {
    return undefined; // sandboxed documents throw a SecurityError on access
  }
  if (typeof cookies !== "string" || cookies === "") return undefined;
  for (const pair of cookies.split(";")) {
    const separator = pair.indexOf("=");
    if (separator === -1 || pair.slice(0, separator).trim() !== name) continue;
    const raw = pair.slice(separator + 1).trim();
    try {
      return decodeURIComponent(raw);
    } catch {
      return raw;
    }
  }
  return undefined;
}
