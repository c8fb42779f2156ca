// The Workers bundle of crossgate/fetch (CORS and CSRF) stays within its budget: bundled and
// minified exactly as bench/size.ts measures it (esbuild, as wrangler bundles a Worker).
import { readFileSync, rmSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { bundleEntry, ENTRIES, FETCH_BUNDLE_BUDGET_BYTES, scratchDir } from "../../bench/size.ts";

const dir = scratchDir();
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("the crossgate/fetch Workers bundle", () => {
  it(`is at most ${FETCH_BUNDLE_BUDGET_BYTES / 1024} KB minified, CORS and CSRF together`, async () => {
    const entry = ENTRIES.find((e) => e.name === "crossgate/fetch (cors + csrf)")!;
    const code = readFileSync(await bundleEntry(entry, dir, 0), "utf8");
    // The bundle holds both adapters, not an empty module.
    expect(code.includes("cors(options, { onError })") && code.includes("CSRF cookie not set.")).toBe(true);
    expect(Buffer.byteLength(code)).toBeLessThanOrEqual(FETCH_BUNDLE_BUDGET_BYTES);
  });
});
