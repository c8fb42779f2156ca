// A tiny static file server for the built SPA, plus `/demo-config.json` telling the page which ports
// the API and the outsider page use (the page builds their URLs from its own `location.hostname`).
import { readFile } from "node:fs/promises";
import type { RequestListener } from "node:http";
import { extname, join, normalize, sep } from "node:path";

/** What the page learns from `/demo-config.json`. */
export interface DemoPageConfig {
  readonly apiPort: number;
  readonly spaPort: number;
  readonly outsiderPort: number;
}

const contentTypes: Readonly<Record<string, string>> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".json": "application/json; charset=utf-8",
  ".ico": "image/x-icon",
};

/** Serves the files under `root`; `config()` is read per request, once every port is known. */
export function staticSite(root: string, config: () => DemoPageConfig): RequestListener {
  const base = normalize(root + sep);
  return (req, res) => {
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { Allow: "GET, HEAD" }).end();
      return;
    }
    let path: string;
    try {
      path = decodeURIComponent(new URL(req.url ?? "/", "http://demo.invalid").pathname);
    } catch {
      res.writeHead(400).end();
      return;
    }
    if (path === "/demo-config.json") {
      res.writeHead(200, { "Content-Type": contentTypes[".json"]!, "Cache-Control": "no-store" }).end(JSON.stringify(config()));
      return;
    }
    const file = normalize(join(base, path === "/" ? "index.html" : path));
    if (!file.startsWith(base)) {
      res.writeHead(404).end();
      return;
    }
    readFile(file).then(
      (content) => {
        res.writeHead(200, { "Content-Type": contentTypes[extname(file)] ?? "application/octet-stream", "Cache-Control": "no-cache" });
        res.end(req.method === "HEAD" ? undefined : content);
      },
      () => {
        res.writeHead(404, { "Content-Type": "text/plain; charset=utf-8" }).end("not found");
      },
    );
  };
}
