// Reads the page a request comes from, through the doctor's transport: its Content-Security-Policy
// headers and `<meta>` policies, following redirects as a navigation does. Never throws: a page
// that cannot be read is reported as such, and the diagnosis goes on without its policies.
import type { Transport } from "./engine.ts";
import { policiesFromHeaders, policiesFromHtml, type ContentSecurityPolicy } from "./csp.ts";
import { getHeader } from "./http-tokens.ts";
import type { PageReport, Warning } from "./report.ts";

/** How much of the page is read to find `<meta>` policies (they belong in `<head>`). */
export const PAGE_BODY_LIMIT = 256 * 1024;
const MAX_PAGE_REDIRECTS = 5;

export interface PageRead {
  readonly report: PageReport;
  /** The final page URL (after redirects). */
  readonly url: string;
  readonly policies: readonly ContentSecurityPolicy[];
  readonly warnings: readonly Warning[];
}

/** GETs `pageUrl` as a browser navigation would (no cookies here) and collects its policies. */
export async function readPage(pageUrl: string, send: Transport): Promise<PageRead> {
  let url = new URL(pageUrl);
  for (let hop = 0; hop <= MAX_PAGE_REDIRECTS; hop++) {
    let response;
    try {
      response = await send({
        method: "GET",
        url: url.href,
        headers: [["Accept", "text/html,application/xhtml+xml,*/*;q=0.8"], ["Sec-Fetch-Mode", "navigate"], ["Sec-Fetch-Dest", "document"]],
        bodyLimit: PAGE_BODY_LIMIT,
      });
    } catch (error) {
      return unread(url, `the page ${url.href} did not answer (${describe(error)})`);
    }
    const location = response.status >= 300 && response.status < 400 ? getHeader(response.headers, "location") : null;
    if (location !== null) {
      try {
        url = new URL(location, url);
        continue;
      } catch {
        return unread(url, `the page ${url.href} redirects to an invalid Location ${JSON.stringify(location)}`);
      }
    }
    // A policy arrives with any status; browsers apply it to whatever document the response is.
    const policies = [...policiesFromHeaders(response.headers), ...policiesFromHtml(response.bodyPreview)];
    const warnings: Warning[] =
      response.status >= 400
        ? [{ id: "page-not-read", message: `The page ${url.href} answered ${response.status}; its policies were read, but check that this is the page the request comes from.` }]
        : [];
    return {
      url: url.href,
      policies,
      warnings,
      report: { url: url.href, status: response.status, policies: policies.map((p) => ({ source: p.source, text: p.text })) },
    };
  }
  return unread(url, `the page ${pageUrl} redirects more than ${MAX_PAGE_REDIRECTS} times`);
}

function unread(url: URL, why: string): PageRead {
  return {
    url: url.href,
    policies: [],
    warnings: [{ id: "page-not-read", message: `Could not read the page: ${why}. Its Content-Security-Policy was not checked.` }],
    report: { url: url.href, status: null, policies: [] },
  };
}

function describe(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : error instanceof Error ? error.message : String(error);
}
