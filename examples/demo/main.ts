// `npm run demo`: builds the SPA, starts the API and the SPA, prints where they are; Ctrl-C stops them.
import { isConfigError } from "../../src/index.ts";
import { startDemo } from "./start-demo.ts";

async function main(): Promise<void> {
  // Ctrl-C works from the first moment, even while Vite builds: it stops whatever has started.
  let demo: Awaited<ReturnType<typeof startDemo>> | undefined;
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`\ncrossgate demo: ${signal}, stopping…\n`);
    (demo?.close() ?? Promise.resolve()).then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on("SIGINT", () => stop("SIGINT"));
  process.on("SIGTERM", () => stop("SIGTERM"));

  process.stdout.write("crossgate demo: building the SPA with Vite…\n");
  demo = await startDemo({
    onRequest: (entry) => {
      const origin = entry.origin ? ` from ${entry.origin}` : "";
      process.stdout.write(`  api ${entry.status} ${entry.method} ${entry.url}${origin}\n`);
    },
  });
  process.stdout.write(
    [
      "",
      "crossgate demo is running (on 127.0.0.1 and ::1):",
      `  SPA       ${demo.spaURL}   (or http://127.0.0.1:${demo.spaPort}/)`,
      `  API       ${demo.apiURL}    (GET /api/posts, POST /api/login, GET /api/csrf, …)`,
      `  outsider  ${demo.outsiderURL}   (an origin the API does not allow)`,
      "",
      "Open the SPA in a browser: its checklist runs every scenario. Configuration: .env.example.",
      "Press Ctrl-C to stop.",
      "",
    ].join("\n"),
  );

  if (stopping) return;
  await warnIfTheSpaIsNotAllowed(demo.apiURL, `http://localhost:${demo.spaPort}`);
}

/** Asks the running API whether it allows the SPA's origin, as a browser would, and says so if not. */
async function warnIfTheSpaIsNotAllowed(apiURL: string, spaOrigin: string): Promise<void> {
  const response = await fetch(`${apiURL}/api/posts`, { headers: { Origin: spaOrigin } });
  await response.body?.cancel();
  if (response.headers.get("access-control-allow-origin") === spaOrigin) return;
  process.stdout.write(
    `Warning: the API does not allow the SPA's origin ${spaOrigin}, so the browser will refuse every call.\n` +
      `Add it to CORS_ALLOWED_ORIGINS (see .env.example), e.g. CORS_ALLOWED_ORIGINS=${spaOrigin},http://127.0.0.1:${new URL(spaOrigin).port}\n\n`,
  );
}

main().catch((error: unknown) => {
  if (isConfigError(error)) process.stderr.write(`crossgate demo: the configuration is invalid:\n${error.message}\n`);
  else process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
