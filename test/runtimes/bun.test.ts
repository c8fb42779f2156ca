// The contract on Bun (the `bun` devDependency), crossgate/fetch and crossgate/hono, from ./apps/bun.ts.
import { join } from "node:path";
import { BUN, describeRuntime, repo, startProcess } from "./runtime-server.ts";

for (const adapter of ["fetch", "hono"] as const) {
  describeRuntime(`bun ${adapter}`, () =>
    startProcess(BUN(), [join(repo, "test/runtimes/apps/bun.ts"), adapter], { ready: /^listening (http:\/\/127\.0\.0\.1:\d+)$/m }),
  );
}
