// Every entry of the hostile corpus through every adapter, over real sockets: no crash, no grant,
// bounded time. CORS runs on the contract servers (test/contract/adapters.ts), CSRF on the CSRF
// servers (test/csrf/servers.ts); both share one trust list.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCorsPolicy, createCsrfPolicy, type CorsOptions } from "../../src/index.ts";
import { adapters, type ContractServer } from "../contract/adapters.ts";
import { startServer, type AdapterName, type RunningServer } from "../csrf/servers.ts";
import { APP, corpus, EVIL, POLICY_ORIGINS, POLICY_REGEXES, type HostileEntry } from "./corpus.ts";
import { sendRaw, type RawReply } from "./raw-http.ts";

const CORS: CorsOptions = {
  origins: POLICY_ORIGINS,
  originRegexes: POLICY_REGEXES,
  credentials: true,
  methods: ["GET", "POST", "PUT"],
  requestHeaders: ["content-type", "x-csrftoken", "authorization"],
  exposeHeaders: ["X-Total"],
};
const corsPolicy = createCorsPolicy(CORS);
const csrfPolicy = createCsrfPolicy({ cors: corsPolicy, secret: "hostile-corpus-secret-0123456789abcdef" });

/** Slowest acceptable answer to one hostile request (a loaded 2-core CI machine; typical is ~2 ms). */
const BOUND_MS = 2_000;
/** What an HTTP parser answers when a value never reaches crossgate. */
const PARSER_REFUSALS = [400, 431];

const JSON_POST = [
  ["Accept", "application/json"],
  ["Content-Type", "application/json"],
] as const;

function grants(reply: RawReply): string[] {
  return [...reply.headers.keys()].filter((name) => name.startsWith("access-control-allow-") || name === "access-control-expose-headers");
}

function describeReply(reply: RawReply): string {
  return `${reply.status} ${JSON.stringify(Object.fromEntries(reply.headers))} ${reply.body.slice(0, 200)}`;
}

/** No CORS header at all; for a preflight, also crossgate's 403 (or a parser refusal), never the app. */
function expectNoGrant(reply: RawReply, preflight: boolean): void {
  expect(grants(reply), describeReply(reply)).toEqual([]);
  if (preflight) expect([403, ...PARSER_REFUSALS], describeReply(reply)).toContain(reply.status);
  expect(reply.elapsedMs).toBeLessThan(BOUND_MS);
}

/** The CSRF guard's 403 with Django's reason (or a parser refusal); never the app's answer. */
function expectCsrfRefusal(reply: RawReply, reason: string): void {
  expect(reply.body, describeReply(reply)).not.toContain('"ok":true');
  if (PARSER_REFUSALS.includes(reply.status)) return;
  expect(reply.status, describeReply(reply)).toBe(403);
  expect(reply.body, describeReply(reply)).toContain(reason);
  expect(reply.elapsedMs).toBeLessThan(BOUND_MS);
}

/** How each entry ended, per adapter: refused by crossgate, or by the HTTP parser before it. */
const outcomes = new Map<string, { crossgate: number; parser: number }>();

function record(adapter: string, reply: RawReply): void {
  const counts = outcomes.get(adapter) ?? { crossgate: 0, parser: 0 };
  if (PARSER_REFUSALS.includes(reply.status)) counts.parser++;
  else counts.crossgate++;
  outcomes.set(adapter, counts);
}

describe.each(adapters.map((adapter) => [adapter.name, adapter] as const))("hostile corpus: %s", (name, adapter) => {
  let cors: ContractServer;
  let csrf: RunningServer;
  let cookie: string;
  let token: string;

  beforeAll(async () => {
    cors = await adapter.start({ cors: CORS });
    csrf = await startServer(name as AdapterName, corsPolicy, csrfPolicy);
    const issued = await sendRaw(csrf.url, "GET", "/api/csrf", [["Origin", APP]]);
    cookie = issued.headers.get("set-cookie")!.find((value) => value.startsWith("csrftoken="))!.split(";")[0]!;
    token = (JSON.parse(issued.body) as { csrfToken: string }).csrfToken;
  });
  afterAll(async () => {
    await cors?.close();
    await csrf?.close();
  });

  it("controls: the trusted origin is granted and a valid token passes, so refusals below mean something", async () => {
    const get = await sendRaw(cors.url, "GET", "/api/items", [["Origin", APP]]);
    expect(get.headers.get("access-control-allow-origin")).toEqual([APP]);
    const preflight = await sendRaw(cors.url, "OPTIONS", "/api/items", [["Origin", APP], ["Access-Control-Request-Method", "PUT"], ["Access-Control-Request-Headers", "content-type,x-csrftoken"]]);
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("access-control-allow-origin")).toEqual([APP]);
    const post = await sendRaw(csrf.url, "POST", "/api/things", [["Origin", APP], ["Cookie", cookie], ["X-CSRFToken", token], ...JSON_POST], "{}");
    expect(post.status, describeReply(post)).toBe(200);
    expect(post.body).toContain('"ok":true');
  });

  it.each(corpus.map((entry) => [`${entry.target}: ${entry.name}`, entry] as const))("%s", async (_title, entry: HostileEntry) => {
    switch (entry.target) {
      case "origin": {
        const get = await sendRaw(cors.url, "GET", "/api/items", [["Origin", entry.value]]);
        expectNoGrant(get, false);
        const preflight = await sendRaw(cors.url, "OPTIONS", "/api/items", [["Origin", entry.value], ["Access-Control-Request-Method", "PUT"]]);
        expectNoGrant(preflight, true);
        record(name, preflight);
        const post = await sendRaw(csrf.url, "POST", "/api/things", [["Origin", entry.value], ["Cookie", cookie], ["X-CSRFToken", token], ...JSON_POST], "{}");
        expectCsrfRefusal(post, entry.expect.csrf!);
        expect(grants(post)).toEqual([]);
        return;
      }
      case "request-method":
      case "request-headers": {
        const asked: [string, string][] =
          entry.target === "request-method"
            ? [["Access-Control-Request-Method", entry.value]]
            : [["Access-Control-Request-Method", "PUT"], ["Access-Control-Request-Headers", entry.value]];
        const preflight = await sendRaw(cors.url, "OPTIONS", "/api/items", [["Origin", APP], ...asked]);
        expectNoGrant(preflight, true);
        record(name, preflight);
        return;
      }
      case "sec-fetch-site": {
        const post = await sendRaw(csrf.url, "POST", "/api/things", [["Origin", EVIL], ["Sec-Fetch-Site", entry.value], ...JSON_POST], "{}");
        expectCsrfRefusal(post, entry.expect.csrf!);
        expect(grants(post)).toEqual([]);
        record(name, post);
        return;
      }
      case "cookie":
      case "token": {
        const sent: [string, string][] = entry.target === "cookie" ? [["Cookie", entry.value], ["X-CSRFToken", token]] : [["Cookie", cookie], ["X-CSRFToken", entry.value]];
        const post = await sendRaw(csrf.url, "POST", "/api/things", [["Origin", APP], ...sent, ...JSON_POST], "{}");
        expectCsrfRefusal(post, entry.expect.csrf!);
        // The refusal stays readable by the trusted origin, and by nobody else.
        expect([undefined, [APP]]).toContainEqual(post.headers.get("access-control-allow-origin"));
        record(name, post);
        return;
      }
    }
  });

  it("still serves normally after the whole corpus (nothing crashed or wedged)", async () => {
    const get = await sendRaw(cors.url, "GET", "/api/items", [["Origin", APP]]);
    expect(get.status).toBe(200);
    expect(get.headers.get("access-control-allow-origin")).toEqual([APP]);
    const post = await sendRaw(csrf.url, "POST", "/api/things", [["Origin", APP], ["Cookie", cookie], ["X-CSRFToken", token], ...JSON_POST], "{}");
    expect(post.status).toBe(200);
    // Most entries must reach crossgate itself; only a few are stopped by the HTTP parser first.
    const counts = outcomes.get(name)!;
    expect(counts.crossgate).toBeGreaterThan(counts.parser * 3);
  });
});

it("the corpus has at least 50 entries and covers every target", () => {
  expect(corpus.length).toBeGreaterThanOrEqual(50);
  expect(new Set(corpus.map((entry) => entry.target))).toEqual(new Set(["origin", "request-method", "request-headers", "sec-fetch-site", "cookie", "token"]));
  expect(new Set(corpus.map((entry) => `${entry.target}: ${entry.name}`)).size).toBe(corpus.length);
});
