// The "Fix:" of a refused origin entry is the value the user meant: for a valid entry with one
// typical typo, the suggested entry (when there is one) is accepted by crossgate and differs from
// the input by the typo alone. CROSSGATE_PROPERTY_RUNS sets the runs (default 10,000).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseOriginEntry } from "../../src/core/internal/origin.ts";

const RUNS = Number(process.env.CROSSGATE_PROPERTY_RUNS ?? 10_000);
const SEED = process.env.CROSSGATE_PROPERTY_SEED === undefined ? undefined : Number(process.env.CROSSGATE_PROPERTY_SEED);

const HOSTS = ["localhost", "127.0.0.1", "[::1]", "app.example.com", "example.com", "xn--bcher-kva.example", "api.corp.test", "x_y.corp.test", "localhost.", "example.com."];
const PORTS = ["", "", "", "3000", "5173", "8000", "8080", "65535"];

/** A valid entry, built from its parts: an exact origin, a `*.` subdomain pattern or a `:*` port pattern. */
const validEntry = fc
  .record({
    scheme: fc.constantFrom("https", "http"),
    host: fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...HOSTS) }, { weight: 2, arbitrary: fc.domain() }),
    port: fc.constantFrom(...PORTS),
    shape: fc.constantFrom("exact", "exact", "exact", "subdomains", "any-port"),
  })
  .map(({ scheme, host, port, shape }) => {
    if (shape === "any-port") return `${scheme}://${host}:*`;
    const name = shape === "subdomains" && !host.startsWith("[") && !/^\d/.test(host) ? `*.${host}` : host;
    return `${scheme}://${name}${port === "" ? "" : `:${port}`}`;
  })
  .filter((entry) => {
    const parsed = parseOriginEntry(entry);
    return "kind" in parsed && (parsed.kind === "exact" || parsed.kind === "pattern");
  });

const TYPOS = ["separator", "upper", "slash", "path", "query", "fragment", "userinfo", "default-port", "no-scheme", "space"] as const;
type Typo = (typeof TYPOS)[number];

function withTypo(entry: string, typo: Typo, pick: number): string | undefined {
  const schemeEnd = entry.indexOf("://");
  const scheme = entry.slice(0, schemeEnd);
  const rest = entry.slice(schemeEnd + 3);
  switch (typo) {
    case "separator": {
      const separators = ["//:", ":/", ":", ":///", "//", ":\\\\", ":\\/"];
      return `${scheme}${separators[pick % separators.length]!}${rest}`;
    }
    case "upper": {
      const forms = [entry.toUpperCase(), `${scheme.toUpperCase()}://${rest}`, `${scheme}://${rest.toUpperCase()}`, `${scheme}://${rest.charAt(0).toUpperCase()}${rest.slice(1)}`];
      const upper = forms[pick % forms.length]!;
      return upper === entry ? entry.toUpperCase() : upper;
    }
    case "slash":
      return `${entry}/`;
    case "path":
      return `${entry}/app/index.html`;
    case "query":
      return `${entry}?next=/`;
    case "fragment":
      return `${entry}#top`;
    case "userinfo":
      return `${scheme}://user:secret@${rest}`;
    case "default-port":
      // Only an entry on its default port can gain one.
      return /:(?:\d+|\*)$/.test(rest) ? undefined : `${entry}:${scheme === "https" ? "443" : "80"}`;
    case "no-scheme":
      return rest;
    case "space":
      return [` ${entry}`, `${entry} `, `\t${entry}\n`][pick % 3]!;
  }
}

describe(`origin fix suggestions (${RUNS} runs)`, () => {
  it("suggest the entry the user meant, which crossgate accepts", () => {
    fc.assert(
      fc.property(validEntry, fc.constantFrom(...TYPOS), fc.nat(), (meant, typo, pick) => {
        const input = withTypo(meant, typo, pick);
        if (input === undefined) return;
        const parsed = parseOriginEntry(input);
        expect("code" in parsed, `${JSON.stringify(input)} (${typo} of ${meant}) is refused`).toBe(true);
        if (!("code" in parsed)) return;
        const suggested = /^write ("[^"]*")\.$/.exec(parsed.fix)?.[1];
        // A missing scheme is the one typo whose fix must guess: http for loopback, https otherwise.
        if (typo !== "no-scheme") expect(suggested, `a fix for ${JSON.stringify(input)} (${typo} of ${meant}): ${parsed.fix}`).toBeDefined();
        if (suggested === undefined) return;
        const fix = JSON.parse(suggested) as string;
        const again = parseOriginEntry(fix);
        expect("kind" in again, `the fix ${fix} for ${JSON.stringify(input)} is valid`).toBe(true);
        if (typo === "no-scheme") expect(fix.replace(/^https?:\/\//, "")).toBe(meant.replace(/^https?:\/\//, ""));
        else expect(fix, `the fix for ${JSON.stringify(input)} (${typo})`).toBe(meant);
      }),
      { numRuns: RUNS, ...(SEED === undefined ? {} : { seed: SEED }) },
    );
  }, 30_000 + RUNS * 2);
});
