// The contract on workerd, Cloudflare's Workers runtime, through Miniflare (the `miniflare`
// devDependency, which brings the `workerd` binary). Each worker is bundled the way wrangler does it:
// esbuild, one ES module, exports conditions `workerd`, `worker`, `browser` in that order.
import { build } from "esbuild";
import { Miniflare } from "miniflare";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll } from "vitest";
import { describeRuntime, repo, type RuntimeServer } from "./runtime-server.ts";

const work = mkdtempSync(join(tmpdir(), "crossgate-workerd-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

async function startWorker(entry: string): Promise<RuntimeServer> {
  const outfile = join(work, `${entry}.js`);
  await build({
    entryPoints: [join(repo, `test/runtimes/apps/${entry}.ts`)],
    outfile,
    bundle: true,
    format: "esm",
    platform: "neutral",
    target: "es2022",
    conditions: ["workerd", "worker", "browser"],
    mainFields: ["browser", "module", "main"],
    logLevel: "silent",
  });
  const logged: string[] = [];
  const worker = new Miniflare({
    modules: true,
    scriptPath: outfile,
    modulesRoot: work,
    compatibilityDate: "2026-07-01",
    host: "127.0.0.1",
    port: 0,
    // The worker's console goes to this list, not to the test's output.
    handleRuntimeStdio: (stdout, stderr) => {
      stdout.on("data", (chunk: Buffer) => logged.push(chunk.toString()));
      stderr.on("data", (chunk: Buffer) => logged.push(chunk.toString()));
    },
  });
  const url = await worker.ready;
  return { url: url.origin, close: () => worker.dispose(), stderr: () => logged.join("") };
}

describeRuntime("workerd fetch", () => startWorker("worker-fetch"));
describeRuntime("workerd hono", () => startWorker("worker-hono"));
