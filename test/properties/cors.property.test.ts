// Property-based invariants of the CORS decision over random policies and random requests.
// CROSSGATE_PROPERTY_RUNS sets the runs per property (default 10,000; `npm run test:nightly` runs more),
// CROSSGATE_PROPERTY_SEED replays a failure's seed.
import fc from "fast-check";
import { describe, it } from "vitest";
import { cors } from "../../src/adapters/node.ts";
import { createCorsPolicy, type CorsPolicy } from "../../src/index.ts";
import { scenarioArbitrary, type Scenario } from "./arbitraries.ts";
import { decide, isPreflight, runNodeAdapter } from "./drive.ts";
import {
  checkGrantsMatchReference,
  checkNothingForRefusedOrigins,
  checkStarNeverWithCredentials,
  checkValuesComeFromPolicy,
  fail,
  isPublic,
  pathEnabled,
  tokens,
  wireSignature,
} from "./expectations.ts";
import { oracleTrust, toCorsOptions } from "./policy-spec.ts";
import { parseBrowserOrigin } from "./reference-matcher.ts";

const RUNS = Number(process.env.CROSSGATE_PROPERTY_RUNS ?? 10_000);
const SEED = process.env.CROSSGATE_PROPERTY_SEED === undefined ? undefined : Number(process.env.CROSSGATE_PROPERTY_SEED);
const parameters: fc.Parameters<[Scenario]> = { numRuns: RUNS, ...(SEED === undefined ? {} : { seed: SEED }) };
// About 1 ms per run is the budget on a slow machine; the rest is headroom.
const TIMEOUT = 30_000 + RUNS * 5;

/** Builds the policy once per generated scenario; a spec crossgate refuses is a generator bug. */
function build(scenario: Scenario): { policy: CorsPolicy; callbackCalls: string[] } {
  const callbackCalls: string[] = [];
  const options = toCorsOptions(scenario.spec, callbackCalls);
  try {
    return { policy: createCorsPolicy(options), callbackCalls };
  } catch (error) {
    return fail(`the generator built a policy crossgate refuses: ${(error as Error).message}`, scenario.spec);
  }
}

function property(body: (scenario: Scenario) => Promise<void>): Promise<void> {
  return fc.assert(fc.asyncProperty(scenarioArbitrary, body), parameters);
}

describe(`CORS properties (${RUNS} runs each)`, () => {
  it("never throws, in the core or in the node adapter, whatever the request", { timeout: TIMEOUT }, () =>
    property(async (scenario) => {
      const { policy } = build(scenario);
      const middleware = cors(policy);
      for (const { request } of scenario.requests) {
        const plan = await decide(policy, request);
        if (plan.verdict === "refused" && plan.reason === undefined) fail("a refusal without a reason", { scenario, plan });
        const outcome = await runNodeAdapter(middleware, request);
        if (outcome.reachedApp === outcome.answered) fail("the adapter must either answer or hand on, exactly once", { scenario, request });
      }
    }));

  it("never sends * together with credentials", { timeout: TIMEOUT }, () =>
    property(async (scenario) => {
      const { policy } = build(scenario);
      for (const { request } of scenario.requests) checkStarNeverWithCredentials(scenario.spec, request, await decide(policy, request));
    }));

  it("grants exactly the origins the reference matcher allows, and hands allowOrigin only browser origins", { timeout: TIMEOUT }, () =>
    property(async (scenario) => {
      const { spec } = scenario;
      const { policy, callbackCalls } = build(scenario);
      const trust = oracleTrust(spec);
      for (const { request } of scenario.requests) checkGrantsMatchReference(spec, trust, request, await decide(policy, request));
      for (const called of callbackCalls) {
        if (parseBrowserOrigin(called) === undefined) fail(`allowOrigin was asked about ${JSON.stringify(called)}`, { spec });
      }
    }));

  it("never grants anything to an origin the policy refuses", { timeout: TIMEOUT }, () =>
    property(async (scenario) => {
      const { spec } = scenario;
      const { policy } = build(scenario);
      const trust = oracleTrust(spec);
      for (const { request } of scenario.requests) checkNothingForRefusedOrigins(spec, trust, request, await decide(policy, request));
    }));

  it("sends Vary: Origin whenever the answer could differ by origin", { timeout: TIMEOUT }, () =>
    property(async (scenario) => {
      const { spec } = scenario;
      const { policy } = build(scenario);
      const middleware = cors(policy);
      for (const { request, otherOrigin } of scenario.requests) {
        const plan = await decide(policy, request);
        const other = await decide(policy, { ...request, origin: otherOrigin });
        const context = { spec, request, otherOrigin, plan, other };
        const variesByOrigin = (vary: string) => tokens(vary).some((token) => token.toLowerCase() === "origin");
        // An OPTIONS without Origin is no preflight, so its answer differs; but OPTIONS responses are
        // never stored by caches (RFC 9110 §9.3.7), so that difference needs no Vary.
        const preflightOrNot = request.method === "OPTIONS" && (request.origin === undefined) !== (otherOrigin === undefined);
        if (!preflightOrNot && wireSignature(plan) !== wireSignature(other) && !(variesByOrigin(plan.vary) && variesByOrigin(other.vary))) {
          fail("two origins got different answers but Vary does not name Origin", context);
        }
        // Stronger, as django-cors-headers does: every enabled answer of a non-public policy varies by Origin.
        if (!isPublic(spec) && pathEnabled(spec, request) && !variesByOrigin(plan.vary)) fail("an enabled answer without Vary: Origin", context);
        // And the adapter keeps it even though the app sets its own Vary.
        const outcome = await runNodeAdapter(middleware, request);
        const sent = String(outcome.headers.get("vary") ?? "");
        for (const token of tokens(plan.vary)) {
          if (!tokens(sent).some((name) => name.toLowerCase() === token.toLowerCase())) fail(`the node adapter lost Vary token ${token}: ${sent}`, context);
        }
      }
    }));

  it("answers every preflight itself: the app never sees one", { timeout: TIMEOUT }, () =>
    property(async (scenario) => {
      const { spec } = scenario;
      const { policy } = build(scenario);
      const middleware = cors(policy);
      for (const { request } of scenario.requests) {
        const plan = await decide(policy, request);
        const outcome = await runNodeAdapter(middleware, request);
        const context = { spec, request, plan, status: outcome.status };
        const preflight = isPreflight(request) && pathEnabled(spec, request);
        if (preflight) {
          if (plan.action !== "respond" || !plan.preflight) fail("a preflight planned to reach the app", context);
          if (outcome.reachedApp || !outcome.answered) fail("a preflight reached the app", context);
          if (outcome.status !== plan.status) fail("the adapter answered a preflight with another status than planned", context);
        } else {
          if (plan.action !== "pass") fail("a request that is not a preflight was answered without the app", context);
          if (!outcome.reachedApp) fail("a request that is not a preflight never reached the app", context);
        }
      }
    }));

  it("sends only clean header values, taken from the policy (or reflected as Fetch allows)", { timeout: TIMEOUT }, () =>
    property(async (scenario) => {
      const { policy } = build(scenario);
      for (const { request } of scenario.requests) checkValuesComeFromPolicy(scenario.spec, request, await decide(policy, request));
    }));
});
