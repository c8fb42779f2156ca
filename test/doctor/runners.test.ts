// probe() outside vitest: the node:test example of docs/doctor.md, run by node's own test runner.
import { execFile } from "node:child_process";
import { join } from "node:path";
import { expect, it } from "vitest";

it("the node:test example passes under node --test", async () => {
  const file = join(import.meta.dirname, "fixtures/node-test-probe.ts");
  const result = await new Promise<{ code: number; out: string }>((resolve) => {
    execFile(process.execPath, ["--import", "tsx", "--test", "--test-reporter=tap", file], { timeout: 30_000 }, (error, stdout, stderr) =>
      resolve({ code: error === null ? 0 : typeof error.code === "number" ? error.code : -1, out: stdout + stderr }),
    );
  });
  expect(result.out).toMatch(/# pass 3/);
  expect(result.out).toMatch(/# fail 0/);
  expect(result.code).toBe(0);
});
