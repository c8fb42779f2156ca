// `--resolve HOST:PORT:ADDRESS`, as curl has it: connect to ADDRESS for HOST on PORT, so names that
// do not resolve yet (or resolve elsewhere) can be probed. The Host header and TLS name stay HOST.
import type { LookupFunction } from "node:net";

export interface ResolveRule {
  /** Lower-case host name. */
  readonly host: string;
  readonly port: number;
  /** IPv4 or IPv6 address (without brackets). */
  readonly address: string;
}

const RULE = /^([^:\s]+):(\d{1,5}):(\[[0-9a-fA-F:.]+\]|[0-9a-fA-F:.]+)$/;

/** Parses one `HOST:PORT:ADDRESS`; a string saying what is wrong when it is not one. */
export function parseResolveRule(text: string): ResolveRule | string {
  const match = RULE.exec(text.trim());
  const port = Number(match?.[2]);
  if (match === null || port < 1 || port > 65535) {
    return `--resolve ${JSON.stringify(text)} must be HOST:PORT:ADDRESS, e.g. api.example.test:443:127.0.0.1.`;
  }
  const address = (match[3] as string).replace(/^\[|\]$/g, "");
  if (!/^\d{1,3}(?:\.\d{1,3}){3}$/.test(address) && !address.includes(":")) {
    return `--resolve ${JSON.stringify(text)}: ${address} is not an IP address.`;
  }
  return { host: (match[1] as string).toLowerCase(), port, address };
}

/** A `lookup` for node:http that answers the rules' addresses for their host and port, else null. */
export function resolveLookup(rules: readonly ResolveRule[], url: URL): LookupFunction | null {
  const port = Number(url.port || (url.protocol === "https:" ? 443 : 80));
  const rule = rules.find((r) => r.host === url.hostname.toLowerCase() && r.port === port);
  if (rule === undefined) return null;
  const family = rule.address.includes(":") ? 6 : 4;
  return (_hostname, options, callback) => {
    if (options.all === true) callback(null, [{ address: rule.address, family }]);
    else callback(null, rule.address, family);
  };
}
