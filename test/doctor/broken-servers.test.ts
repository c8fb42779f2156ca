// The doctor against one purposely broken server per failure: the verdict and the named rule
// must be the ones the Fetch standard gives, with each browser's message and a fix.
import { describe, expect, it } from "vitest";
import { probe } from "../../src/testing/index.ts";
import { brokenServerCases } from "./broken-servers.ts";
import { startCase } from "./servers.ts";

const pageOrigin = "https://app.example.com";

describe("crossgate doctor against broken servers", () => {
  for (const testCase of brokenServerCases) {
    it(`${testCase.name}: ${testCase.want.verdict}${testCase.want.rule ? ` (${testCase.want.rule})` : ""}`, async () => {
      const running = await startCase(testCase, pageOrigin);
      try {
        const report = await probe(running.url, {
          origin: pageOrigin,
          method: testCase.request.method ?? "GET",
          headers: testCase.request.headers ?? {},
          credentials: testCase.request.credentials === true,
        });
        expect({ verdict: report.verdict, rule: report.rule }).toEqual({ verdict: testCase.want.verdict, rule: testCase.want.rule });
        for (const warning of testCase.want.warnings ?? []) expect(report.warnings.map((w) => w.id)).toContain(warning);
        if (report.verdict === "blocked") {
          const failure = report.failure!;
          expect(failure.rule).toBe(testCase.want.rule);
          expect(failure.messages.chrome).toMatch(/^Access to fetch at 'http:\/\/127\.0\.0\.1:\d+\/.*' (\(redirected from '.*'\) )?from origin 'https:\/\/app\.example\.com' has been blocked by CORS policy: /);
          expect(failure.messages.firefox).toMatch(/^Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at http:\/\/127\.0\.0\.1:\d+\/.*\. \(Reason: .+\)/);
          expect(failure.fix.crossgate.length).toBeGreaterThan(0);
          expect(failure.fix.django.length).toBeGreaterThan(0);
          expect(report.steps[failure.step]).toBeDefined();
        } else {
          expect(report.failure).toBeNull();
        }
      } finally {
        await running.close();
      }
    });
  }
});
