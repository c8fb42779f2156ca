import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { requestViewFromRecord } from "../request.ts";
import type { CorsPlan } from "./decide.ts";
import { createCorsPolicy, isCorsPolicy } from "./policy.ts";

const APP = "https://app.example.com";
const get = (origin: string) => requestViewFromRecord("GET", "/", { origin });

describe("createCorsPolicy", () => {
  it("returns a frozen policy that other copies of crossgate recognise, with its options and origins", () => {
    const policy = createCorsPolicy({ origins: [APP], credentials: true });
    expect(Object.isFrozen(policy)).toBe(true);
    expect(isCorsPolicy(policy)).toBe(true);
    expect((policy as unknown as Record<symbol, unknown>)[Symbol.for("crossgate.cors-policy")]).toBe(true);
    expect(policy.options.credentials).toBe(true);
    expect(policy.origins.matches(APP)).toBe(true);
  });

  it("keeps decide and reconfigure working when they are passed around on their own", () => {
    const policy = createCorsPolicy({ origins: [APP] });
    const { decide, reconfigure } = policy;
    expect((decide(get(APP)) as CorsPlan).verdict).toBe("allowed");
    reconfigure({ origins: ["https://other.example.com"] });
    expect((decide(get(APP)) as CorsPlan).verdict).toBe("refused");
    expect(policy.options.origins).toEqual(["https://other.example.com"]);
  });

  it("gives every policy the same fast shape, so reading decide is a cached load, not a dictionary lookup", () => {
    // V8's own answer, from a child process that may use its test-only syntax.
    const script = `
      const { createCorsPolicy } = await import(${JSON.stringify(fileURLToPath(new URL("./policy.ts", import.meta.url)))});
      const a = createCorsPolicy({ origins: ["https://a.example"] });
      const b = createCorsPolicy({ origins: ["https://b.example"], credentials: true });
      const c = createCorsPolicy({ origins: ["https://*.c.example"], allowOrigin: () => false });
      console.log(JSON.stringify([%HasFastProperties(a), %HasFastProperties(b), %HasFastProperties(c), %HaveSameMap(b, c)]));`;
    const output = execFileSync(process.execPath, ["--allow-natives-syntax", "--import", "tsx", "--input-type=module", "-e", script], { encoding: "utf8" });
    expect(JSON.parse(output.trim())).toEqual([true, true, true, true]);
  });
});
