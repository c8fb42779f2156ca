// crossgate/client compiled for browsers (DOM lib, no Node types) into a temporary directory, and a
// page server that serves it at /client/ beside a blank page, for tests that drive the client directly.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, normalize, sep } from "node:path";
import { startLoopbackServer, type LoopbackServer } from "../harness.ts";

const repository = join(import.meta.dirname, "../../..");

/** Compiles src/client alone, as the package ships it, and returns the output directory. */
export function compileClient(): string {
  const outDir = mkdtempSync(join(tmpdir(), "crossgate-client-"));
  const result = spawnSync(
    process.execPath,
    [
      join(repository, "node_modules/typescript/bin/tsc"),
      "--ignoreConfig", "--strict", "--skipLibCheck",
      "--module", "esnext", "--moduleResolution", "bundler", "--target", "es2022",
      "--lib", "es2023,dom,dom.iterable", "--types", "",
      "--allowImportingTsExtensions", "--rewriteRelativeImportExtensions",
      "--rootDir", join(repository, "src/client"), "--outDir", outDir,
      join(repository, "src/client/index.ts"),
    ],
    { encoding: "utf8" },
  );
  if (result.status !== 0) throw new Error(`building src/client failed:\n${result.stdout}${result.stderr}`);
  return outDir;
}

/** A page server: `/client/*` is the compiled client, anything else a blank HTML page. */
export interface ClientPageServer extends LoopbackServer {
  /** Also removes the compiled client. */
  close(): Promise<void>;
}

export async function startClientPageServer(): Promise<ClientPageServer> {
  const clientDir = compileClient();
  const base = normalize(clientDir + sep);
  const server = await startLoopbackServer((req, res) => {
    const path = new URL(req.url ?? "/", "http://x").pathname;
    if (path.startsWith("/client/")) {
      const file = normalize(join(base, path.slice("/client/".length)));
      try {
        if (!file.startsWith(base)) throw new Error("outside");
        res.writeHead(200, { "Content-Type": "text/javascript" }).end(readFileSync(file));
      } catch {
        res.writeHead(404).end();
      }
      return;
    }
    res.writeHead(200, { "Content-Type": "text/html" }).end("<!doctype html><title>page</title>");
  });
  return {
    ...server,
    close: async () => {
      await server.close();
      rmSync(clientDir, { recursive: true, force: true });
    },
  };
}
