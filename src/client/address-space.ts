// Which IP address space a host literal belongs to, for the Local Network Access diagnosis.
// See WICG Local Network Access, "IP address space" (public < local < loopback).

export type AddressSpace = "public" | "local" | "loopback";

const rank: Record<AddressSpace, number> = { public: 0, local: 1, loopback: 2 };

function ipv4Space(host: string): AddressSpace | undefined {
  const parts = host.split(".");
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255)) return undefined;
  const [a = 0, b = 0] = parts.map(Number);
  if (a === 127) return "loopback";
  if (a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 169 && b === 254)) return "local";
  if (a === 100 && b >= 64 && b <= 127) return "local"; // carrier-grade NAT, RFC 6598
  if (a === 0) return "local";
  return "public";
}

/**
 * The address space a URL host names, judged from the literal alone (the client cannot resolve DNS):
 * `localhost`/`*.localhost`/127.0.0.0/8/::1 are loopback; RFC 1918, link-local, ULA and `.local` are local.
 */
export function addressSpaceOfHost(hostname: string): AddressSpace {
  const host = hostname.toLowerCase().replace(/^\[|\]$/g, "").replace(/\.$/, "");
  if (host === "localhost" || host.endsWith(".localhost")) return "loopback";
  const v4 = ipv4Space(host);
  if (v4) return v4;
  if (host.includes(":")) {
    if (host === "::1") return "loopback";
    // IPv4-mapped addresses; the URL parser serialises them as two hex groups (::ffff:7f00:1).
    const dotted = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(host)?.[1];
    if (dotted) return ipv4Space(dotted) ?? "public";
    const hex = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(host);
    if (hex?.[1] && hex[2]) {
      const high = parseInt(hex[1], 16);
      const low = parseInt(hex[2], 16);
      return ipv4Space(`${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`) ?? "public";
    }
    if (/^f[cd][0-9a-f]{0,2}:/.test(host) || /^fe[89ab][0-9a-f]?:/.test(host)) return "local";
    return "public";
  }
  if (host.endsWith(".local") || host.endsWith(".internal") || host.endsWith(".lan") || host.endsWith(".home.arpa")) return "local";
  return "public";
}

/** True when a request goes from a less private to a more private space, which LNA gates behind a permission. */
export function isLocalNetworkRequest(from: AddressSpace, to: AddressSpace): boolean {
  return rank[to] > rank[from];
}
