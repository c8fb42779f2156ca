// The contract on Deno (the `deno` devDependency), crossgate/fetch and crossgate/hono, from ./apps/deno.ts.
// Deno may listen on 127.0.0.1 and nothing else (`--allow-net=127.0.0.1:0`: the free port it is given),
// and reads no file, environment or system information beyond loading the app's modules.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll } from "vitest";
import { DENO, describeRuntime, repo, startProcess } from "./runtime-server.ts";

// Deno's module cache lives in a scratch directory: nothing carries over from one run to the next.
const denoDir = mkdtempSync(join(tmpdir(), "crossgate-deno-"));
afterAll(() => rmSync(denoDir, { recursive: true, force: true }));

for (const adapter of ["fetch", "hono"] as const) {
  describeRuntime(`deno ${adapter}`, () =>
    startProcess(DENO(), ["run", "--no-lock", "--allow-net=127.0.0.1:0", join(repo, "test/runtimes/apps/deno.ts"), adapter], {
      env: { ...process.env, DENO_DIR: denoDir, NO_COLOR: "1", DENO_NO_UPDATE_CHECK: "1" },
      ready: /^listening (http:\/\/127\.0\.0\.1:\d+)$/m,
    }),
  );
}
