// The contract on Next.js (the `next` devDependency, app router) with crossgate/fetch: ./apps/next is
// copied next to itself, built once with `next build` and served with `next start` on a free
// loopback port. Nothing is cached from one run to the next: the copy, its .next/ and the
// tsconfig.json Next.js writes are removed afterwards.
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll } from "vitest";
import { describeRuntime, repo, runToEnd, startProcess } from "./runtime-server.ts";

const next = join(repo, "node_modules/next/dist/bin/next");
const env = { ...process.env, NEXT_TELEMETRY_DISABLED: "1", NODE_ENV: "production" };
let project = "";

beforeAll(async () => {
  // Beside the template, so its relative imports of the shared apps resolve the same way.
  project = mkdtempSync(join(repo, "test/runtimes/apps/.next-"));
  cpSync(join(repo, "test/runtimes/apps/next"), project, { recursive: true });
  await runToEnd(process.execPath, [next, "build"], { cwd: project, env, timeoutMs: 240_000 });
}, 300_000);
afterAll(() => {
  if (project !== "") rmSync(project, { recursive: true, force: true });
});

describeRuntime("next.js fetch", () =>
  startProcess(process.execPath, [next, "start", "--hostname", "127.0.0.1", "--port", "0"], { cwd: project, env, ready: /Local:\s+(http:\/\/127\.0\.0\.1:\d+)/ }),
);
