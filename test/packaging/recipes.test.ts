// How the documentation's code blocks become type-checked recipes (test/packaging/recipes.ts), and
// how tsc's diagnostics about them are pointed back at the Markdown line.
import { describe, expect, it } from "vitest";
import { diagnosticsInMarkdown, extractRecipes, recipeModulePath } from "./recipes.ts";

const page = [
  "# Title", //                                                  1
  "```sh", //                                                    2
  "npm install crossgate", //                                    3
  "```", //                                                      4
  "```ts", //                                                    5
  'import { cors } from "crossgate/node";', //                   6
  'const withCors = cors({ origins: ["https://a.example"] });', // 7
  "```", //                                                      8
  "<!-- typecheck: continues -->", //                            9
  "```ts", //                                                   10
  "withCors;", //                                               11
  "```", //                                                     12
  "<!-- typecheck: context", //                                 13
  "declare const app: { use(handler: unknown): void };", //     14
  "-->", //                                                     15
  "", //                                                        16
  "```typescript", //                                           17
  "app.use(withCors);", //                                      18
  "```", //                                                     19
  "<!-- typecheck: skip a signature synopsis, not code -->", // 20
  "```ts", //                                                   21
  "cors(options): Middleware", //                               22
  "```", //                                                     23
  "<!-- typecheck: bundler -->", //                             24
  "<!-- typecheck: file app.module.ts", //                      25
  "export class AppModule {}", //                               26
  "-->", //                                                     27
  "```js", //                                                   28
  'import { AppModule } from "./app.module.js";', //            29
  'import { NextResponse } from "next/server";', //             30
  "```", //                                                     31
].join("\n");

describe("extractRecipes", () => {
  const { recipes, skipped } = extractRecipes(page, "docs/guide.md");

  it("makes one module per ts/js block, joins a `continues` block to the one before, and leaves other languages out", () => {
    expect(recipes.map((recipe) => [recipe.id, recipe.line, recipe.language])).toEqual([
      ["docs-guide-5", 5, "ts"],
      ["docs-guide-17", 17, "ts"],
      ["docs-guide-28", 28, "js"],
    ]);
    expect(recipes[0]!.code).toBe('import { cors } from "crossgate/node";\nconst withCors = cors({ origins: ["https://a.example"] });\nwithCors;\nexport {};\n');
  });

  it("puts hidden context lines before the block and maps every line back to the page", () => {
    const recipe = recipes[1]!;
    expect(recipe.code.split("\n").slice(0, 2)).toEqual(["declare const app: { use(handler: unknown): void };", "app.use(withCors);"]);
    expect(recipe.origins.map((origin) => origin.line)).toEqual([14, 18, 17]);
  });

  it("records skips with their reason, writes `file` modules beside the recipe, and resolves as a bundler does when told", () => {
    expect(skipped).toEqual([{ file: "docs/guide.md", line: 21, reason: "a signature synopsis, not code" }]);
    expect(recipes[2]!.files).toEqual({ "src/app.module.ts": "export class AppModule {}\n" });
    expect(recipes.map((recipe) => recipe.resolution)).toEqual(["nodenext", "nodenext", "bundler"]);
    expect(recipeModulePath(recipes[2]!)).toBe("recipes/docs-guide-28/src/recipe.js");
    expect(extractRecipes("<!-- typecheck: file ../lib/app.ts\nexport {};\n-->\n```ts\nx\n```", "a.md").recipes[0]!.files).toEqual({ "lib/app.ts": "export {};\n" });
  });

  it.each([
    ["a skip without a reason", "<!-- typecheck: skip -->\n```ts\nx\n```", "README.md:1: `typecheck: skip` needs a reason"],
    ["a comment not right before a block", "<!-- typecheck: continues -->\ntext\n```ts\nx\n```", "README.md:1: a typecheck comment must come right before"],
    ["a comment before a sh block", "<!-- typecheck: skip why -->\n```sh\nx\n```", "README.md:1: a typecheck comment is before a ```sh block"],
    ["an unclosed comment", "<!-- typecheck: context\ndeclare const a: 1;", "README.md:1: a typecheck comment is not closed"],
    ["`continues` on the first block", "<!-- typecheck: continues -->\n```ts\nx\n```", "README.md:2: `typecheck: continues` on the first checked block"],
    ["a file outside the recipe", "<!-- typecheck: file ../../x.ts\nexport {};\n-->\n```ts\nx\n```", "README.md:1: `typecheck: file` needs a relative path at most one folder above the recipe"],
    ["a comment at the end", "```ts\nx\n```\n<!-- typecheck: continues -->\n", "README.md:4: a typecheck comment at the end of the file"],
  ])("refuses %s, naming the line", (_, markdown, message) => {
    expect(() => extractRecipes(markdown, "README.md")).toThrow(message);
  });
});

describe("diagnosticsInMarkdown", () => {
  it("names the Markdown line of an error in a recipe, keeps other diagnostics as tsc wrote them", () => {
    const { recipes } = extractRecipes(page, "docs/guide.md");
    const output = [
      "recipes/docs-guide-5/src/recipe.ts(2,24): error TS2353: Object literal may only specify known properties, and 'orgins' does not exist in type 'CorsOptions'.",
      "recipes/docs-guide-17/src/recipe.ts(1,15): error TS2304: Cannot find name 'x'.",
      "recipes/docs-guide-5/src/recipe.ts(3,1): error TS2304: Cannot find name 'withCors'.",
      "error TS5023: Unknown compiler option 'bogus'.",
      "",
    ].join("\n");
    expect(diagnosticsInMarkdown(output, recipes)).toEqual([
      "docs/guide.md:7:24 (recipe of line 5) error TS2353: Object literal may only specify known properties, and 'orgins' does not exist in type 'CorsOptions'.",
      "docs/guide.md:14:15 (recipe of line 17) error TS2304: Cannot find name 'x'.",
      "docs/guide.md:11:1 (recipe of line 5) error TS2304: Cannot find name 'withCors'.",
      "error TS5023: Unknown compiler option 'bogus'.",
    ]);
  });
});
