import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    reporters: ["default", "./test/support/summary-reporter.ts"],
    testTimeout: 20_000,
    hookTimeout: 60_000,
    // Real sockets and real browsers: keep files in separate workers but bounded to the 2 cores here.
    maxWorkers: 2,
  },
});
