// Findings that do not block the request but deserve attention. Pure: they read the steps.
import { splitList } from "./header-list.ts";
import { getHeader, headerValues, type HeaderPair } from "./http-tokens.ts";
import { CHROMIUM_MAX_AGE_CAP, FIREFOX_MAX_AGE_CAP } from "./preflight-cache.ts";
import type { PreflightCache, Step, Warning } from "./report.ts";

/** Access-Control-* headers sent more than once in one response (e.g. by a proxy and the app). */
export function duplicateCorsHeaderWarnings(steps: readonly Step[]): Warning[] {
  const seen = new Set<string>();
  const warnings: Warning[] = [];
  for (const step of steps) {
    if (step.response === null) continue;
    const counts = new Map<string, number>();
    for (const [name] of step.response.headers) {
      const lower = name.toLowerCase();
      if (lower.startsWith("access-control-")) counts.set(lower, (counts.get(lower) ?? 0) + 1);
    }
    for (const [name, count] of counts) {
      if (count < 2 || seen.has(name)) continue;
      seen.add(name);
      const values = headerValues(step.response.headers, name).map((v) => JSON.stringify(v)).join(" and ");
      warnings.push({
        id: "duplicate-cors-header",
        message: `The ${step.kind} response sends ${canonical(name)} ${count} times (${values}). Usually two layers add CORS headers (a reverse proxy and the app); browsers join repeats with ", ", which breaks Access-Control-Allow-Origin and Access-Control-Allow-Credentials. Let one layer answer.`,
      });
    }
  }
  return warnings;
}

/**
 * A response that names one origin in Access-Control-Allow-Origin without `Vary: Origin`: if the
 * server picks that value per request, a shared cache may serve it to other origins (cache
 * poisoning, or spurious CORS failures).
 */
export function varyWarnings(response: { readonly headers: readonly HeaderPair[] } | null): Warning[] {
  if (response === null) return [];
  const allowOrigin = getHeader(response.headers, "access-control-allow-origin");
  if (allowOrigin === null || allowOrigin === "*") return [];
  const vary = splitList(getHeader(response.headers, "vary")).map((v) => v.toLowerCase());
  if (vary.includes("origin") || vary.includes("*")) return [];
  return [
    {
      id: "vary-origin-missing",
      message: `The response names the origin ${JSON.stringify(allowOrigin)} in Access-Control-Allow-Origin but has no \`Vary: Origin\`. If the server reflects the requesting origin, a CDN or browser cache can serve this copy to another origin (blocked requests, or cache poisoning). Add \`Vary: Origin\` (crossgate and django-cors-headers always do).`,
    },
  ];
}

/** Max-age values browsers ignore, or that exceed every browser's cap (up to 86400 s is information, see maxAgeInfo). */
export function maxAgeWarnings(cache: PreflightCache | null): Warning[] {
  if (cache === null || cache.maxAgeHeader === null) return [];
  if (!/^[0-9]+$/.test(cache.maxAgeHeader)) {
    return [
      {
        id: "max-age-invalid",
        message: `Access-Control-Max-Age is ${JSON.stringify(cache.maxAgeHeader)}, not a number of seconds: Chromium and Firefox do not cache this preflight, so every request pays for one.`,
      },
    ];
  }
  if (Number(cache.maxAgeHeader) > FIREFOX_MAX_AGE_CAP) {
    return [
      {
        id: "max-age-capped",
        message: `Access-Control-Max-Age is ${cache.maxAgeHeader} s; no browser keeps a preflight that long (Chromium caps it at ${CHROMIUM_MAX_AGE_CAP} s, Firefox at ${FIREFOX_MAX_AGE_CAP} s).`,
      },
    ];
  }
  return [];
}

/** A server that allows the origin `null` admits sandboxed iframes and file: pages. */
export function nullOriginWarnings(steps: readonly Step[], pageOrigin: string): Warning[] {
  if (pageOrigin === "null") return [];
  for (const step of steps) {
    if (step.response !== null && getHeader(step.response.headers, "access-control-allow-origin") === "null") {
      return [
        {
          id: "allow-origin-null",
          message: "A response allows the origin `null`. Sandboxed iframes, file: and data: pages and cross-origin redirects all send `Origin: null`, so this admits any of them, attackers' included.",
        },
      ];
    }
  }
  return [];
}

function canonical(name: string): string {
  return name.replace(/(^|-)([a-z])/g, (_, dash: string, letter: string) => dash + letter.toUpperCase());
}
