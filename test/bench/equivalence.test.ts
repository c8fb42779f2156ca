/**
 * The benchmark compares like with like: for every scenario, crossgate answers exactly as the
 * scenario says, the physical limit sets exactly those headers, and every peer gives the browser
 * the same answer. And the check has teeth: a peer configured differently is caught.
 */
import { describe, expect, it } from "vitest";
import { checkContender } from "../../bench/check.ts";
import { contenders, prepare, type Contender } from "../../bench/contenders.ts";
import { ACRH_SHAPES, SCENARIOS, scenarioById, type Scenario } from "../../bench/scenarios.ts";

const list = await contenders();

describe("every benchmarked flavor gives the same CORS answer", () => {
  it("runs crossgate through every framework's adapter", () => {
    const crossgate = list.filter((contender) => contender.role === "crossgate").map((contender) => contender.framework);
    expect(crossgate.sort()).toEqual(["fastify", "hono", "koa", "node"]);
    expect(list.filter((contender) => contender.role === "peer").map((contender) => contender.label)).toEqual([
      "cors",
      "@fastify/cors",
      "@koa/cors",
      "hono/cors",
    ]);
  });

  for (const scenario of SCENARIOS) {
    it(`${scenario.id}: crossgate and the limit match the answer header by header, every peer in the browser's view`, async () => {
      const problems: string[] = [];
      for (const contender of list) problems.push(...(await checkContender(contender, scenario, await prepare(contender, scenario))));
      expect(problems).toEqual([]);
    });
  }
});

describe("the Access-Control-Request-Headers shapes the instruction counter reads", () => {
  const crossgate = list.find((contender) => contender.id === "node/crossgate")!;
  it.each(ACRH_SHAPES.map((shape) => [shape.id, shape] as const))("%s: crossgate answers as the shape says", async (_id, shape) => {
    expect(await checkContender(crossgate, shape, await prepare(crossgate, shape))).toEqual([]);
  });
});

describe("the check catches a misconfigured flavor", () => {
  const peer = (id: string): Contender => list.find((contender) => contender.id === id)!;
  const misconfigured = (scenario: Scenario, change: Partial<Scenario["policy"]>): Scenario => ({ ...scenario, policy: { ...scenario.policy, ...change } });

  it.each([
    ["node/cors", "simple-allowed", { credentials: false }, /browser view/],
    ["fastify/@fastify/cors", "preflight-allowed", { maxAgeSeconds: 60 }, /max-age 60/],
    ["koa/@koa/cors", "preflight-allowed", { methods: ["GET", "POST"] }, /browser view/],
    ["hono/hono-cors", "exact-10k", { origins: ["https://app.example.com"] }, /refused/],
    ["node/cors", "origin-refused", { origins: ["https://app.example.com", "https://app.example.com.evil.net"] }, /granted/],
    ["node/crossgate", "preflight-allowed", { requestHeaders: ["content-type", "x-request-id", "x-extra"] }, /headers/],
  ] as const)("%s on %s with %j", async (id, scenarioId, change, message) => {
    const scenario = scenarioById(scenarioId);
    const wrong = await prepare(peer(id), misconfigured(scenario, change));
    const problems = await checkContender(peer(id), scenario, wrong);
    expect(problems.join("\n")).toMatch(message);
  });

  it("a limit that forgets Vary is caught", async () => {
    const scenario = scenarioById("simple-allowed");
    const answer = { ...scenario.answer, headers: scenario.answer.headers.filter(([name]) => name !== "Vary") };
    const limit = peer("node/limit");
    const problems = await checkContender(limit, scenario, await prepare(limit, { ...scenario, answer }));
    expect(problems.join("\n")).toMatch(/vary/i);
  });
});
