// Named sites offline: an HTTPS server on 127.0.0.1 with a certificate made at test time for a few
// host names, and the launch options that make both browsers resolve those names to 127.0.0.1 and
// accept the certificate. See reference notes "Named sites over HTTPS".
import { execFileSync } from "node:child_process";
import { accessSync, constants, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:https";
import type { RequestListener } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { LaunchOptionsShape } from "./launch-shape.ts";

export const OPENSSL = process.env.CROSSGATE_OPENSSL ?? "/usr/bin/openssl";

/** Whether openssl is present (it is in CI: .ci/run installs it). */
export function opensslAvailable(): boolean {
  try {
    accessSync(OPENSSL, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** A self-signed certificate for `hosts`, valid two days, made with openssl in a temporary directory. */
export function makeTestCertificate(hosts: readonly string[]): { key: Buffer; cert: Buffer } {
  const dir = mkdtempSync(join(tmpdir(), "crossgate-cert-"));
  try {
    const san = hosts.map((h) => `DNS:${h}`).join(",");
    execFileSync(
      OPENSSL,
      ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", join(dir, "key.pem"), "-out", join(dir, "cert.pem"),
        "-days", "2", "-subj", "/CN=crossgate-test", "-addext", `subjectAltName=${san}`],
      { stdio: "ignore", timeout: 30_000 },
    );
    return { key: readFileSync(join(dir, "key.pem")), cert: readFileSync(join(dir, "cert.pem")) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface NamedSitesServer {
  readonly port: number;
  /** `https://<host>:<port>` */
  origin(host: string): string;
  close(): Promise<void>;
}

/** Serves `handler` over HTTPS on 127.0.0.1 at a random port, for every name in `hosts`. */
export async function startNamedSitesServer(hosts: readonly string[], handler: RequestListener): Promise<NamedSitesServer> {
  const server: Server = createServer(makeTestCertificate(hosts), handler);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    origin: (host) => `https://${host}:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Launch options mapping `hosts` to 127.0.0.1 in both browsers and accepting the test certificate. */
export function namedSitesLaunchOptions(hosts: readonly string[]): LaunchOptionsShape {
  return {
    acceptInsecureCerts: true,
    extraArgs: [`--host-resolver-rules=${hosts.map((h) => `MAP ${h} 127.0.0.1`).join(", ")}`],
    extraPrefsFirefox: { "network.dns.localDomains": hosts.join(",") },
  };
}
