/**
 * The code recipes of the documentation, as modules a consumer project can type-check, and tsc's
 * diagnostics about them pointed back at the Markdown line they came from.
 *
 * Every ```ts and ```js block of a Markdown file is one recipe, checked on its own as an ES module.
 * An HTML comment right before a block (blank lines between are fine; readers never see it) says
 * what the block needs and the page does not show:
 *
 *     <!-- typecheck: context
 *     declare const app: import("express").Express;
 *     -->                                          hidden lines placed before the block
 *     <!-- typecheck: file app.module.ts
 *     export class AppModule {}
 *     -->                                          a module for the recipe's relative imports (`../x.ts` too)
 *     <!-- typecheck: continues -->               the block goes on from the recipe before it
 *     <!-- typecheck: bundler -->                 imports resolve as in a bundler or test runner
 *                                                 (Next.js, Vite, jest: `moduleResolution: bundler`)
 *     <!-- typecheck: skip <reason> -->           not checked (the reason is required)
 *
 * Without `bundler`, imports resolve as Node resolves them (`nodenext`): relative imports need
 * their extension, and a package subpath must be exported.
 */

import { posix } from "node:path";

/** Where a line of a generated module comes from. */
export interface SourceLine {
  readonly file: string;
  readonly line: number;
}

export interface Recipe {
  /** A path-safe name, unique across files: `readme-135` for the block opening on README.md line 135. */
  readonly id: string;
  /** The Markdown file and the line of the block's opening fence. */
  readonly file: string;
  readonly line: number;
  readonly language: "ts" | "js";
  /** How its imports resolve: `bundler` with a `typecheck: bundler` comment, else `nodenext`. */
  readonly resolution: "nodenext" | "bundler";
  /** The module's text: hidden context, then the block(s), then `export {}` so it is a module. */
  readonly code: string;
  /** The source of each line of `code` (1-based line n is `origins[n - 1]`). */
  readonly origins: readonly SourceLine[];
  /** Modules beside the recipe from `file` directives: path in the recipe's folder (the recipe is `src/recipe.ts`) → text. */
  readonly files: Readonly<Record<string, string>>;
}

export interface SkippedRecipe {
  readonly file: string;
  readonly line: number;
  readonly reason: string;
}

const LANGUAGES: Readonly<Record<string, "ts" | "js">> = { ts: "ts", typescript: "ts", js: "js", javascript: "js" };
const FENCE = /^```\s*([\w-]*)\s*$/;
const DIRECTIVE = /^<!--\s*typecheck:\s*(context|file|continues|bundler|skip)\b(.*)$/;

interface MutableRecipe {
  id: string;
  file: string;
  line: number;
  language: "ts" | "js";
  resolution: "nodenext" | "bundler";
  lines: string[];
  origins: SourceLine[];
  files: Record<string, string>;
}

/** A `<!-- typecheck: … -->` comment, read from its first line to its `-->`. */
interface Directive {
  readonly kind: "context" | "file" | "continues" | "bundler" | "skip";
  readonly argument: string;
  readonly body: readonly { text: string; line: number }[];
  readonly line: number;
}

function fail(file: string, line: number, message: string): never {
  throw new Error(`${file}:${line}: ${message}`);
}

/** The recipes of one Markdown file (`file` is its name as reported, e.g. `docs/frameworks.md`). */
export function extractRecipes(markdown: string, file: string): { recipes: Recipe[]; skipped: SkippedRecipe[] } {
  const lines = markdown.split("\n");
  const recipes: MutableRecipe[] = [];
  const skipped: SkippedRecipe[] = [];
  let pending: Directive[] = [];
  const idBase = file.replace(/\.md$/i, "").replace(/[^A-Za-z0-9]+/g, "-").toLowerCase();

  for (let index = 0; index < lines.length; index++) {
    const text = lines[index]!;
    const directive = DIRECTIVE.exec(text);
    if (directive) {
      const start = index + 1;
      let rest = directive[2]!;
      const body: { text: string; line: number }[] = [];
      // One-line form `<!-- typecheck: skip reason -->`, or a body up to a line that is `-->`.
      if (/-->\s*$/.test(rest)) rest = rest.replace(/-->\s*$/, "");
      else {
        for (index++; index < lines.length && lines[index]!.trim() !== "-->"; index++) body.push({ text: lines[index]!, line: index + 1 });
        if (index >= lines.length) fail(file, start, "a typecheck comment is not closed by a line `-->`");
      }
      pending.push({ kind: directive[1] as Directive["kind"], argument: rest.trim(), body, line: start });
      continue;
    }
    const fence = FENCE.exec(text);
    if (!fence) {
      if (text.trim() !== "" && pending.length > 0) fail(file, pending[0]!.line, "a typecheck comment must come right before a ```ts or ```js block");
      continue;
    }
    // A fenced block: find its end, whatever its language.
    const open = index + 1;
    const block: { text: string; line: number }[] = [];
    for (index++; index < lines.length && !/^```\s*$/.test(lines[index]!); index++) block.push({ text: lines[index]!, line: index + 1 });
    const language = LANGUAGES[fence[1]!.toLowerCase()];
    const directives = pending;
    pending = [];
    if (language === undefined) {
      if (directives.length > 0) fail(file, directives[0]!.line, `a typecheck comment is before a \`\`\`${fence[1]} block, which is not checked`);
      continue;
    }
    const skip = directives.find((entry) => entry.kind === "skip");
    if (skip) {
      if (skip.argument === "") fail(file, skip.line, "`typecheck: skip` needs a reason after it");
      if (directives.length > 1) fail(file, skip.line, "`typecheck: skip` cannot be combined with other typecheck comments");
      skipped.push({ file, line: open, reason: skip.argument });
      continue;
    }
    let recipe: MutableRecipe;
    if (directives.some((entry) => entry.kind === "continues")) {
      const previous = recipes.at(-1);
      if (previous === undefined) fail(file, open, "`typecheck: continues` on the first checked block of the file");
      if (previous.language !== language) fail(file, open, "`typecheck: continues` across languages");
      recipe = previous;
    } else {
      recipe = { id: `${idBase}-${open}`, file, line: open, language, resolution: "nodenext", lines: [], origins: [], files: {} };
      recipes.push(recipe);
    }
    for (const entry of directives) {
      if (entry.kind === "bundler") recipe.resolution = "bundler";
      else if (entry.kind === "context") {
        if (entry.body.length === 0) fail(file, entry.line, "`typecheck: context` has no lines");
        for (const line of entry.body) {
          recipe.lines.push(line.text);
          recipe.origins.push({ file, line: line.line });
        }
      } else if (entry.kind === "file") {
        // Relative to the recipe's module, which sits one folder down, so `../src/app.ts` works too.
        const path = posix.normalize(`src/${entry.argument}`);
        if (!/^[\w.-]+(\/[\w.-]+)*$/.test(entry.argument.replaceAll("../", "")) || path.startsWith("../")) {
          fail(file, entry.line, `\`typecheck: file\` needs a relative path at most one folder above the recipe, not ${JSON.stringify(entry.argument)}`);
        }
        recipe.files[path] = `${entry.body.map((line) => line.text).join("\n")}\n`;
      }
    }
    for (const line of block) {
      recipe.lines.push(line.text);
      recipe.origins.push({ file, line: line.line });
    }
  }
  if (pending.length > 0) fail(file, pending[0]!.line, "a typecheck comment at the end of the file, before no block");

  return {
    recipes: recipes.map((recipe) => ({
      id: recipe.id,
      file: recipe.file,
      line: recipe.line,
      language: recipe.language,
      resolution: recipe.resolution,
      code: `${recipe.lines.join("\n")}\nexport {};\n`,
      origins: [...recipe.origins, { file: recipe.file, line: recipe.line }],
      files: recipe.files,
    })),
    skipped,
  };
}

/** The generated path of a recipe's module inside the consumer project. */
export function recipeModulePath(recipe: Recipe): string {
  return `recipes/${recipe.id}/src/recipe.${recipe.language}`;
}

/**
 * tsc's `--pretty false` diagnostics, with every location in a generated recipe module replaced by
 * the Markdown line it came from: `README.md:142:27 (recipe of line 135) error TS2353: …`.
 * Diagnostics elsewhere are kept as tsc wrote them.
 */
export function diagnosticsInMarkdown(output: string, recipes: readonly Recipe[]): string[] {
  const byPath = new Map(recipes.map((recipe) => [recipeModulePath(recipe), recipe]));
  const found: string[] = [];
  for (const line of output.split("\n")) {
    if (line.trim() === "") continue;
    const located = /^(.+?)\((\d+),(\d+)\): (.*)$/.exec(line);
    const recipe = located ? byPath.get(located[1]!.replaceAll("\\", "/")) : undefined;
    if (!located || !recipe) {
      found.push(line);
      continue;
    }
    const origin = recipe.origins[Number(located[2]) - 1] ?? { file: recipe.file, line: recipe.line };
    found.push(`${origin.file}:${origin.line}:${located[3]} (recipe of line ${recipe.line}) ${located[4]}`);
  }
  return found;
}
