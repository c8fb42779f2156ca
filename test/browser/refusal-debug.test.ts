// Debug mode in real Chromium and Firefox: for a preflight refused for its method or a header, the
// browser's own console names the method or header with `debug: true`, and blames the missing
// Access-Control-Allow-Origin without it; the request fails either way. A refused origin, a
// credentialed call to a policy without credentials and a private-network block read the same in
// both modes: the first has nothing more to say, and the browser alone decides the other two.
import type { IncomingMessage, ServerResponse } from "node:http";
import { afterAll, beforeAll, expect, it } from "vitest";
import { cors } from "../../src/adapters/node.ts";
import type { CorsOptions } from "../../src/index.ts";
import {
  describeInBrowsers,
  startLoopbackServer,
  type BrowserName,
  type BrowserSession,
  type LoopbackServer,
} from "./harness.ts";
import { sessionsOnBothOrigins } from "./support/origin-sessions.ts";

interface Api {
  readonly server: LoopbackServer;
  /** `METHOD path` of every request that reached the server, preflights included. */
  readonly seen: string[];
}

async function startApi(options: CorsOptions): Promise<Api> {
  const seen: string[] = [];
  const withCors = cors({ ...options, logger: { warn: () => {} } });
  const server = await startLoopbackServer((req: IncomingMessage, res: ServerResponse) => {
    seen.push(`${req.method} ${req.url}`);
    withCors(req, res, () => res.end("ok"));
  });
  return { server, seen };
}

const blankPage = (_req: IncomingMessage, res: ServerResponse) => {
  res.setHeader("Content-Type", "text/html; charset=utf-8");
  res.end("<!doctype html><title>page</title>");
};
let page: LoopbackServer;
/**
 * A page the browsers are told is on the public internet (its port is declared public at launch),
 * so its fetches to the loopback APIs cross into a more private address space. Started before the
 * browsers launch, since its port goes into their settings.
 */
const publicPage = await startLoopbackServer(blankPage);
/** One API per policy and mode: `strict` (credentials, GET/POST, content-type) and `noCredentials`. */
const apis = {} as Record<"strict" | "noCredentials", Record<"debug" | "plain", Api>>;

beforeAll(async () => {
  page = await startLoopbackServer(blankPage);
  const strict: CorsOptions = { origins: [page.origin], credentials: true, methods: ["GET", "POST"], requestHeaders: ["content-type"] };
  const noCredentials: CorsOptions = { origins: [page.origin], credentials: false, requestHeaders: ["content-type", "x-trace"] };
  apis.strict = { debug: await startApi({ ...strict, debug: true }), plain: await startApi(strict) };
  apis.noCredentials = { debug: await startApi({ ...noCredentials, debug: true }), plain: await startApi(noCredentials) };
});

afterAll(async () => {
  const all = Object.values(apis ?? {}).flatMap((pair) => [pair.debug.server.close(), pair.plain.server.close()]);
  await Promise.all([page?.close(), publicPage.close(), ...all]);
});

type Mode = "debug" | "plain";
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** The browser's console text, after its fixed prefix, for each cause (reference/fetch-cors.md §3). */
const CAUSES: Record<BrowserName, Record<"method" | "header" | "credentials" | "origin", string>> = {
  chromium: {
    method: "Method PUT is not allowed by Access-Control-Allow-Methods in preflight response.",
    header: "Request header field x-foo is not allowed by Access-Control-Allow-Headers in preflight response.",
    credentials: "Response to preflight request doesn't pass access control check: The value of the 'Access-Control-Allow-Credentials' header in the response is '' which must be 'true' when the request's credentials mode is 'include'.",
    origin: "Response to preflight request doesn't pass access control check: No 'Access-Control-Allow-Origin' header is present on the requested resource.",
  },
  firefox: {
    method: "(Reason: Did not find method in CORS header ‘Access-Control-Allow-Methods’).",
    header: "(Reason: header ‘x-foo’ is not allowed according to header ‘Access-Control-Allow-Headers’ from CORS preflight response).",
    credentials: "(Reason: expected ‘true’ in CORS header ‘Access-Control-Allow-Credentials’).",
    origin: "(Reason: CORS header ‘Access-Control-Allow-Origin’ missing). Status code: 403.",
  },
};

/** The browsers' text for a request from a public page to a loopback address. */
const PRIVATE_NETWORK: Record<BrowserName, string> = {
  chromium: "Permission was denied for this request to access the `loopback` address space.",
  firefox: "(Reason: CORS request did not succeed). Status code: (null).",
};

/** The browser's console line for `url` naming `cause`. */
function lineFor(browser: BrowserName, url: string, cause: string): RegExp {
  const prefix =
    browser === "chromium"
      ? `Access to fetch at '${url}' from origin '[^']+' has been blocked by CORS policy: `
      : `Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at ${url}\\. `;
  return new RegExp(prefix.replace(url, escape(url)) + escape(cause));
}

/** Runs one fetch in the page; the result is `"rejected"` or the status. */
function call(session: BrowserSession, url: string, init: Record<string, unknown>): Promise<string> {
  return session.evaluate(
    ({ url, init }) => fetch(url, init as RequestInit).then((response) => `status ${response.status}`, () => "rejected"),
    { url, init },
  );
}

const calls = {
  method: { policy: "strict", path: "/method", init: { method: "PUT", credentials: "include" } },
  header: { policy: "strict", path: "/header", init: { method: "POST", credentials: "include", headers: { "x-foo": "1" } } },
  credentials: { policy: "noCredentials", path: "/credentials", init: { credentials: "include", headers: { "x-trace": "1" } } },
} as const;

describeInBrowsers("debug mode: the console names the cause", (use) => {
  const pages = sessionsOnBothOrigins(use, () => page);

  for (const cause of ["method", "header"] as const) {
    it(`a preflight refused for its ${cause}: named with debug, the plain origin refusal without; the request never runs`, async () => {
      const { policy, path, init } = calls[cause];
      const lines: Record<Mode, RegExp> = { debug: /./, plain: /./ };
      const here = `/${use.name}${path}`;
      for (const mode of ["debug", "plain"] as const) {
        const api = apis[policy][mode];
        const url = api.server.url(here);
        expect(await call(pages.allowed(), url, init)).toBe("rejected");
        const expected = mode === "debug" ? CAUSES[use.name][cause] : CAUSES[use.name].origin;
        lines[mode] = lineFor(use.name, url, expected);
        await pages.allowed().waitForMessage(lines[mode]);
        expect(api.seen.filter((line) => line.endsWith(` ${here}`))).toEqual([`OPTIONS ${here}`]);
      }
      // Each mode printed its own text and not the other's.
      const text = pages.allowed().messageText();
      const debugUrl = apis[policy].debug.server.url(here);
      const plainUrl = apis[policy].plain.server.url(here);
      expect(text).not.toMatch(lineFor(use.name, debugUrl, CAUSES[use.name].origin));
      expect(text).not.toMatch(lineFor(use.name, plainUrl, CAUSES[use.name][cause]));
    });
  }

  it("a credentialed call to a policy without credentials: both modes name Access-Control-Allow-Credentials (the browser decides; crossgate cannot see the credentials mode of a preflight)", async () => {
    const { policy, path, init } = calls.credentials;
    for (const mode of ["debug", "plain"] as const) {
      const url = apis[policy][mode].server.url(`/${use.name}${path}`);
      expect(await call(pages.allowed(), url, init)).toBe("rejected");
      await pages.allowed().waitForMessage(lineFor(use.name, url, CAUSES[use.name].credentials));
    }
  });

  // Both browsers now guard private networks by permission (Local Network Access) and block before
  // any request leaves: there is no preflight for crossgate to answer, so the text cannot depend on it.
  it("a private-network request is blocked by the browser before any request, with the same text in both modes", async () => {
    const session = await use.newSession();
    try {
      await session.goto(publicPage.url("/"));
      for (const mode of ["debug", "plain"] as const) {
        const api = apis.strict[mode];
        const here = `/${use.name}/private`;
        const url = api.server.url(here);
        expect(await call(session, url, calls.method.init)).toBe("rejected");
        await session.waitForMessage(lineFor(use.name, url, PRIVATE_NETWORK[use.name]));
        expect(api.seen.filter((line) => line.endsWith(` ${here}`))).toEqual([]);
      }
    } finally {
      await session.close();
    }
  });

  it("a refused origin reads the same in both modes: no Access-Control-Allow-Origin", async () => {
    for (const mode of ["debug", "plain"] as const) {
      const api = apis.strict[mode];
      const here = `/${use.name}/origin`;
      const url = api.server.url(here);
      expect(await call(pages.refused(), url, calls.method.init)).toBe("rejected");
      await pages.refused().waitForMessage(lineFor(use.name, url, CAUSES[use.name].origin));
      expect(api.seen.filter((line) => line.endsWith(` ${here}`))).toEqual([`OPTIONS ${here}`]);
    }
  });
}, {
  extraArgs: [`--ip-address-space-overrides=127.0.0.1:${publicPage.port}=public`],
  extraPrefsFirefox: {
    "network.lna.enabled": true,
    "network.lna.blocking": true,
    "network.lna.address_space.public.override": `127.0.0.1:${publicPage.port}`,
    "network.lna.prompt.timeout": 500,
  },
});
