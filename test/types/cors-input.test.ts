/**
 * The type every adapter's `cors()` takes (`CorsInput`: options, a policy, a route list or `false`)
 * must still check object literals for excess properties: a misspelled option is named in the
 * error, not reported as `origins` failing to be a policy's `OriginMatcher`.
 *
 * The `@ts-expect-error` lines below are checked by `npm run typecheck`; the message text is
 * checked here by running tsc on a copy of them in a dot-folder (which the repository's own
 * `tsc -p tsconfig.json` skips).
 */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import type { CorsInput } from "../../src/core/cors/routes.ts";

const run = promisify(execFile);
const repo = resolve(import.meta.dirname, "../..");
const tsc = join(repo, "node_modules/typescript/bin/tsc");

/** Compile-time only: never called. */
export function checkedByTypecheck(accept: (input: CorsInput) => void, policy: Extract<CorsInput, { reconfigure: unknown }>): void {
  accept({ origins: ["https://app.example.com"], credentials: true });
  accept({ origins: "*" });
  accept(policy);
  accept(false);
  // @ts-expect-error misspelled key beside a correct one
  accept({ origins: ["https://app.example.com"], credentals: true });
  // @ts-expect-error misspelled key alone
  accept({ origns: ["https://app.example.com"] });
}

const CASES = [
  ["fastify", 'import { cors } from "../../../src/adapters/fastify.ts";'],
  ["node", 'import { cors } from "../../../src/adapters/node.ts";'],
  ["koa", 'import { cors } from "../../../src/adapters/koa.ts";'],
  ["hono", 'import { cors } from "../../../src/adapters/hono.ts";'],
  ["fetch", 'import { cors } from "../../../src/adapters/fetch.ts";'],
] as const;

describe("CorsInput: a misspelled option is named in the type error", () => {
  it("names the misspelled key for every adapter's cors() (tsc run on a scratch module)", { timeout: 60_000 }, async () => {
    const dir = mkdtempSync(join(import.meta.dirname, ".scratch-"));
    try {
      for (const [name, importLine] of CASES) {
        writeFileSync(join(dir, `${name}.ts`), `${importLine}\ncors({ origins: ["https://app.example.com"], credentals: true });\ncors({ origns: ["https://app.example.com"] });\n`);
      }
      writeFileSync(join(dir, "tsconfig.json"), JSON.stringify({ extends: "../../../tsconfig.json", include: ["*.ts"] }));
      const output = await run(process.execPath, [tsc, "--pretty", "false", "-p", join(dir, "tsconfig.json")], { cwd: repo }).then(
        ({ stdout }) => stdout,
        (error: { stdout?: string }) => error.stdout ?? "",
      );
      const errors = output.split("\n").filter((line) => line.includes("error TS"));
      for (const [name] of CASES) {
        const own = errors.filter((line) => line.includes(`${name}.ts(`));
        expect(own, output).toHaveLength(2);
        expect(own[0], output).toMatch(/'credentals' does not exist in type 'CorsOptions'/);
        expect(own[1], output).toMatch(/'origns' does not exist in type/);
        expect(own.join("\n")).not.toMatch(/OriginMatcher/);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
