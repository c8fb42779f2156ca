// `npm run demo`: builds the SPA, starts the API and the SPA, prints where they are; Ctrl-C stops them.
import { isConfigError } from "../../src/index.ts";
import { startDemo } from "./start-demo.ts";

async function main(): Promise<void> {
  process.stdout.write("crossgate demo: building the SPA with Vite…\n");
  const demo = await startDemo({
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

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`\ncrossgate demo: ${signal}, stopping…\n`);
    demo.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on("SIGINT", () => stop("SIGINT"));
  process.on("SIGTERM", () => stop("SIGTERM"));
}

main().catch((error: unknown) => {
  if (isConfigError(error)) process.stderr.write(`crossgate demo: the configuration is invalid:\n${error.message}\n`);
  else process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
