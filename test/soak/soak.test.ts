// The short soak inside npm test: every adapter under mixed traffic at 100 connections for about a
// second each (`npm run soak` runs 60 s each). No request may fail or be answered wrongly, and the
// server's heap after a forced GC must not grow.
import { describe, expect, it } from "vitest";
import { runSoak, SOAK_ADAPTERS } from "../../scripts/soak.ts";

describe("soak (short)", () => {
  it("mixed traffic against every adapter: 0 errors, bounded heap", { timeout: 120_000 }, async () => {
    const report = await runSoak({ seconds: 1, warmupSeconds: 0.5, connections: 100, maxGrowthMb: 8 });
    expect(report.adapters.map((result) => result.adapter)).toEqual([...SOAK_ADAPTERS]);
    for (const result of report.adapters) {
      expect(result.problems, result.adapter).toEqual([]);
      expect(result.errors, result.adapter).toBe(0);
      expect(result.requests, result.adapter).toBeGreaterThan(100);
      expect(result.heapGrowthMb, result.adapter).toBeLessThanOrEqual(8);
    }
    expect(report.ok).toBe(true);
  });
});
