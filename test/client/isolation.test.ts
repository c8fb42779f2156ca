// src/client runs in browsers: it may import only its own files, never node: modules or packages.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const clientDir = join(import.meta.dirname, "../../src/client");
const sources = readdirSync(clientDir, { recursive: true, encoding: "utf8" }).filter(
  (file) => file.endsWith(".ts") && !file.endsWith(".test.ts"),
);
const importPattern = /(?:^|[\s;])(?:import|export)\b[^'"]*?from\s*["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g;

describe("src/client imports", () => {
  it("has sources to check", () => {
    expect(sources).toContain("index.ts");
  });

  it.each(sources)("%s imports only ./ files inside src/client", (file) => {
    const text = readFileSync(join(clientDir, file), "utf8");
    const specifiers = [...text.matchAll(importPattern)].map((m) => m[1] ?? m[2] ?? "");
    for (const specifier of specifiers) {
      expect(specifier, `${file} imports ${specifier}`).toMatch(/^\.\/[\w./-]+\.ts$/);
    }
    expect(text).not.toMatch(/\bprocess\.|\brequire\(/);
  });
});
