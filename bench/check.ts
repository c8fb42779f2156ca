/**
 * Proves a comparison is fair before anything is timed: crossgate answers every scenario exactly
 * as written in the scenario, header by header; the physical limit sets exactly those headers; and
 * every peer gives the browser the same answer (browser view). A misconfigured peer (another
 * origin list, no credentials, other methods, headers or max-age) fails here.
 */
import type { Contender, Prepared } from "./contenders.ts";
import { browserView, differencesFromAnswer } from "./flavors/outcome.ts";
import type { Scenario } from "./scenarios.ts";

/** Problems with one contender on one scenario; empty when the comparison is fair. */
export async function checkContender(contender: Contender, scenario: Scenario, prepared: Prepared): Promise<string[]> {
  if (contender.role === "noop") return [];
  const outcome = await prepared.outcome();
  const problems: string[] = [];
  if (contender.role === "crossgate" || contender.role === "limit") {
    problems.push(...differencesFromAnswer(outcome, scenario.answer));
  }
  const want = browserView(
    { reachedApp: scenario.answer.action === "pass", status: scenario.answer.status || 200, headers: lowerCased(scenario.answer.headers) },
    scenario.request,
  );
  const got = browserView(outcome, scenario.request);
  if (got !== want) problems.push(`browser view\n    got  ${got}\n    want ${want}`);
  return problems.map((problem) => `${contender.id} on ${scenario.id}: ${problem}`);
}

function lowerCased(headers: readonly (readonly [string, string])[]): Record<string, string> {
  return Object.fromEntries(headers.map(([name, value]) => [name.toLowerCase(), value]));
}
