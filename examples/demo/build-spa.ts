// Builds the SPA with Vite (a production build, no dev server) into a directory of static files.
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build } from "vite";

const spaRoot = join(import.meta.dirname, "spa");

/** Builds `examples/demo/spa` into `outDir` (default: a new temporary directory) and returns it. */
export async function buildSpa(outDir?: string): Promise<string> {
  const target = outDir ?? (await mkdtemp(join(tmpdir(), "crossgate-demo-spa-")));
  await build({
    root: spaRoot,
    configFile: false,
    logLevel: "warn",
    base: "/",
    build: {
      outDir: target,
      emptyOutDir: true,
      rollupOptions: {
        input: { main: join(spaRoot, "index.html"), outsider: join(spaRoot, "outsider.html") },
      },
    },
  });
  return target;
}
