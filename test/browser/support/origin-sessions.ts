// Two pages per browser for a whole describe block: one on a server's 127.0.0.1 origin, one on its
// localhost origin (another origin, and another site), reused by every test in the block.
import { afterAll, beforeAll } from "vitest";
import type { BrowserSession, BrowserUse } from "../harness.ts";

interface PageServer {
  url(path?: string): string;
  readonly localhostOrigin: string;
}

export interface OriginSessions {
  /** The page on `http://127.0.0.1:<port>`, the origin policies allow. */
  allowed(): BrowserSession;
  /** The page on `http://localhost:<port>`, an origin policies refuse. */
  refused(): BrowserSession;
}

/** Opens both pages in `beforeAll` and closes them in `afterAll`; `page` is read when they open. */
export function sessionsOnBothOrigins(use: BrowserUse, page: () => PageServer): OriginSessions {
  let allowed: BrowserSession | undefined;
  let refused: BrowserSession | undefined;
  beforeAll(async () => {
    allowed = await use.newSession();
    await allowed.goto(page().url("/"));
    refused = await use.newSession();
    await refused.goto(`${page().localhostOrigin}/`);
  });
  afterAll(async () => {
    await Promise.all([allowed?.close(), refused?.close()]);
  });
  const opened = (session: BrowserSession | undefined) => {
    if (session === undefined) throw new Error("crossgate browser tests: the pages open in beforeAll");
    return session;
  };
  return { allowed: () => opened(allowed), refused: () => opened(refused) };
}
