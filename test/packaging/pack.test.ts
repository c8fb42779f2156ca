/**
 * The packaging check: what `npm publish` would ship, installed the way a user installs it.
 *
 * The working tree (files git does not ignore) is copied to a scratch directory and packed with
 * `npm pack`, whose `prepack` script builds `dist/`. The tarball is installed offline into a
 * scratch project in the OS temp directory, next to the real frameworks (symlinked from this
 * repository's node_modules, nothing is downloaded). That project type-checks the checks in
 * `./.consumer/` with the repository's TypeScript (strict, `module: nodenext`), then runs one per
 * exported subpath with plain `node`; each imports only public subpaths, starts a server on
 * 127.0.0.1 and checks a browser's preflight and actual request. Every ```ts and ```js recipe of the
 * README is type-checked the same way (see ./recipes.ts for the hidden-context and skip comments),
 * and an error in one fails with the README line it is on, so the documented code cannot drift from
 * the published types.
 *
 * `./.consumer/` is a dot-folder so that the repository's own `tsc -p tsconfig.json` (whose
 * `include` wildcards skip dot-folders) never tries to resolve `crossgate/...` against a build.
 */
import { execFile } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, posix, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { diagnosticsInMarkdown, extractRecipes, recipeModulePath, type Recipe, type SkippedRecipe } from "./recipes.ts";

const run = promisify(execFile);
const repo = resolve(import.meta.dirname, "../..");
const consumerSources = join(import.meta.dirname, ".consumer");
const tsc = join(repo, "node_modules/typescript/bin/tsc");
/** Packages the checks run on that are not crossgate peers (a Node host for Hono). */
const HOSTS = ["@hono/node-server"];
/** A check that starts with this directive is type-checked as a browser project (lib DOM); the others as a Node-only project. */
const DOM_DIRECTIVE = '/// <reference lib="dom" />';
/** The Markdown files whose ```ts and ```js recipes are type-checked against the packed types. */
const DOCUMENTED = ["README.md", ...readdirSync(join(repo, "docs")).filter((name) => name.endsWith(".md")).sort().map((name) => `docs/${name}`)];
const RECIPE_PROJECTS = ["nodenext", "bundler"] as const;

interface ExportTarget {
  readonly types?: string;
  readonly default?: string;
}
interface Manifest {
  readonly name: string;
  readonly exports: Readonly<Record<string, ExportTarget | string>>;
  readonly bin?: Readonly<Record<string, string>>;
  readonly dependencies?: Readonly<Record<string, string>>;
  readonly peerDependencies?: Readonly<Record<string, string>>;
  readonly peerDependenciesMeta?: Readonly<Record<string, { optional?: boolean }>>;
  readonly devDependencies?: Readonly<Record<string, string>>;
}

const manifest = JSON.parse(readFileSync(join(repo, "package.json"), "utf8")) as Manifest;
/** Every exported subpath with code behind it (`./package.json` is metadata). */
const codeExports = Object.keys(manifest.exports).filter((key) => key !== "./package.json");

/** The supported major versions of each adapter's framework (issue #3), checked when that adapter is exported. */
const SUPPORTED_MAJORS: Readonly<Record<string, Readonly<Record<string, readonly number[]>>>> = {
  "./node": { express: [4, 5] },
  "./fastify": { fastify: [5] },
  "./koa": { koa: [2, 3] },
  "./hono": { hono: [4] },
};

/** The consumer check for an exported subpath: "." → index.ts, "./node" → node.ts, "./a/b" → a-b.ts. */
function checkFileFor(subpath: string): string {
  return subpath === "." ? "index.ts" : `${subpath.slice(2).replaceAll("/", "-")}.ts`;
}

/** Environment for child npm processes, without the `npm_package_*` and lifecycle variables of an enclosing `npm test`. */
function childEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (/^npm_(package|lifecycle)_/i.test(name) || name === "INIT_CWD") continue;
    env[name] = value;
  }
  return { ...env, npm_config_update_notifier: "false", npm_config_fund: "false", npm_config_audit: "false" };
}

async function npm(args: string[], cwd: string): Promise<string> {
  const { stdout } = await run("npm", args, { cwd, env: childEnv(), maxBuffer: 32 * 1024 * 1024 });
  return stdout;
}

async function typescript(args: string[], cwd: string): Promise<{ ok: boolean; output: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [tsc, "--pretty", "false", ...args], { cwd, maxBuffer: 16 * 1024 * 1024 });
    return { ok: true, output: stdout + stderr };
  } catch (error) {
    const failed = error as { stdout?: string; stderr?: string; message: string };
    return { ok: false, output: `${failed.stdout ?? ""}${failed.stderr ?? ""}` || failed.message };
  }
}

/**
 * The diagnostics that are crossgate's or the checks' own: located in `src/` or in the installed
 * `node_modules/crossgate/`, or not located at all (configuration errors). Errors inside other
 * packages' typings (e.g. an @types package out of step with its runtime) are not ours to judge.
 */
function ownDiagnostics(output: string): string[] {
  const own: string[] = [];
  let keeping = false;
  for (const line of output.split("\n")) {
    const located = /^(.+?)\(\d+,\d+\): error TS\d+/.exec(line);
    if (located) keeping = located[1]!.startsWith("src/") || located[1]!.includes("node_modules/crossgate/");
    else if (/^error TS\d+/.test(line)) keeping = true;
    else if (!/^\s/.test(line)) keeping = false;
    if (keeping && line.trim() !== "") own.push(line);
  }
  return own;
}

/** The package name a bare specifier refers to (`@scope/name/sub` → `@scope/name`), or undefined for relative and `node:` ones. */
function packageOf(specifier: string): string | undefined {
  if (specifier.startsWith(".") || specifier.startsWith("/") || specifier.startsWith("node:")) return undefined;
  const match = /^(@[a-z0-9][\w.-]*\/)?[a-z0-9][\w.-]*/i.exec(specifier);
  return match?.[0];
}

/** Module specifiers of a tsc-emitted .js or .d.ts file: static imports and re-exports, side-effect imports, `import("x")`. */
function specifiersIn(source: string): string[] {
  const found: string[] = [];
  for (const pattern of [/^\s*(?:import|export)\b[^"'`;]*?\bfrom\s+"([^"]+)"/gm, /^\s*import\s+"([^"]+)"/gm, /\bimport\("([^"$`]+)"\)/g]) {
    for (const match of source.matchAll(pattern)) found.push(match[1]!);
  }
  return found;
}

/** Does a caret/x-range (`^5.0.0 || 4.x`) admit `version`? Anything else fails loudly so the check never guesses. */
function rangeAdmits(range: string, version: string): boolean {
  const [major, minor, patch] = version.split(/[.+-]/).map(Number) as [number, number, number];
  return range.split("||").some((alternative) => {
    const match = /^\s*\^?(\d+)(?:\.(\d+|x))?(?:\.(\d+|x))?\s*$/.exec(alternative);
    if (!match) throw new Error(`unsupported peer range syntax ${JSON.stringify(alternative)} in ${JSON.stringify(range)}`);
    const want = match.slice(1).map((part) => (part === undefined || part === "x" ? undefined : Number(part)));
    if (want[0] !== major) return false;
    if (want[1] === undefined || minor > want[1]) return true;
    return minor === want[1] && (want[2] === undefined || patch >= want[2]);
  });
}

function installedVersion(name: string): string {
  return (JSON.parse(readFileSync(join(repo, "node_modules", name, "package.json"), "utf8")) as { version: string }).version;
}

let work = "";
let app = "";
let packed: readonly string[] = [];
let packedManifest: Manifest;
const timings: Record<string, number> = {};
/** The check files type-checked as each kind of project. */
const projects: Record<"node" | "dom", string[]> = { node: [], dom: [] };
/** The documentation's recipes, and the blocks a `typecheck: skip` comment leaves out. */
const recipes: Recipe[] = [];
const skippedRecipes: SkippedRecipe[] = [];

/** Stand-ins for the runtimes the README's Fetch recipes run on; only their `serve` shapes matter. */
const RUNTIME_GLOBALS = `declare const Bun: { serve(options: { hostname?: string; port?: number; fetch(request: Request): Response | Promise<Response> }): unknown };
declare const Deno: {
  serve(handler: (request: Request, info: unknown) => Response | Promise<Response>): unknown;
  serve(options: { hostname?: string; port?: number }, handler: (request: Request, info: unknown) => Response | Promise<Response>): unknown;
};
`;

/** Symlinks a package (and its `@types/` package, when there is one) from this repository's node_modules into the consumer project. */
function linkPackage(name: string): void {
  for (const linked of [name, `@types/${name.replace(/^@([^/]+)\//, "$1__")}`]) {
    const target = join(repo, "node_modules", linked);
    const link = join(app, "node_modules", linked);
    if (!existsSync(target) || existsSync(link)) continue;
    mkdirSync(dirname(link), { recursive: true });
    symlinkSync(target, link, "dir");
  }
}

/**
 * Writes each recipe of the documentation as a module under `recipes/<id>/src/`, links the packages the
 * recipes import, and writes one tsconfig per module resolution. crossgate's own declarations are
 * checked (skipLibCheck off) by the node and dom projects, so these skip them: every diagnostic they
 * report is a recipe's.
 */
function writeRecipes(): void {
  for (const file of DOCUMENTED) {
    const found = extractRecipes(readFileSync(join(repo, file), "utf8"), file);
    recipes.push(...found.recipes);
    skippedRecipes.push(...found.skipped);
  }
  mkdirSync(join(app, "recipes"));
  writeFileSync(join(app, "recipes/runtimes.d.ts"), RUNTIME_GLOBALS);
  for (const recipe of recipes) {
    const path = recipeModulePath(recipe);
    mkdirSync(join(app, dirname(path)), { recursive: true });
    writeFileSync(join(app, path), recipe.code);
    for (const [sibling, text] of Object.entries(recipe.files)) {
      mkdirSync(dirname(join(app, "recipes", recipe.id, sibling)), { recursive: true });
      writeFileSync(join(app, "recipes", recipe.id, sibling), text);
    }
    for (const specifier of specifiersIn(recipe.code)) {
      const name = packageOf(specifier);
      if (name !== undefined && name !== packedManifest.name) linkPackage(name);
    }
  }
  for (const resolution of RECIPE_PROJECTS) {
    const files = ["recipes/runtimes.d.ts", ...recipes.filter((recipe) => recipe.resolution === resolution).map(recipeModulePath)];
    const modules = resolution === "bundler" ? { module: "preserve", moduleResolution: "bundler" } : {};
    writeFileSync(
      join(app, `tsconfig.recipes-${resolution}.json`),
      JSON.stringify({
        extends: "./tsconfig.json",
        // NestJS recipes use Nest's decorators, which need `experimentalDecorators` as in every Nest project.
        compilerOptions: { rootDir: "recipes", noEmit: true, skipLibCheck: true, allowJs: true, checkJs: true, experimentalDecorators: true, ...modules },
        files,
        include: [],
      }),
    );
  }
}

async function timed<T>(label: string, step: () => Promise<T>): Promise<T> {
  const start = performance.now();
  try {
    return await step();
  } finally {
    timings[label] = Math.round(performance.now() - start);
  }
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), "crossgate-pack-"));

  // 1. The source as a clean checkout would have it (plus uncommitted work), without dist/ or node_modules/.
  const source = join(work, "source");
  const listed = await run("git", ["ls-files", "--cached", "--others", "--exclude-standard", "-z"], { cwd: repo, maxBuffer: 16 * 1024 * 1024 });
  for (const file of listed.stdout.split("\0")) {
    if (file === "" || !existsSync(join(repo, file))) continue;
    mkdirSync(dirname(join(source, file)), { recursive: true });
    cpSync(join(repo, file), join(source, file));
  }
  symlinkSync(join(repo, "node_modules"), join(source, "node_modules"), "dir");

  // 2. npm pack runs `prepack` (the build), then applies `files`.
  const report = await timed("npm pack (with build)", () => npm(["pack", "--json", "--pack-destination", work], source));
  const [entry] = JSON.parse(report) as [{ filename: string; files: { path: string }[] }];
  packed = entry.files.map((file) => file.path).sort();
  const tarball = join(work, entry.filename);

  // 3. A scratch project installs the tarball offline, then gets the real frameworks by symlink.
  app = join(work, "app");
  mkdirSync(app);
  writeFileSync(join(app, "package.json"), JSON.stringify({ name: "crossgate-consumer", private: true, type: "module" }));
  await timed("npm install tarball", () => npm(["install", "--offline", "--no-audit", "--no-fund", "--ignore-scripts", "--no-package-lock", tarball], app));
  packedManifest = JSON.parse(readFileSync(join(app, "node_modules/crossgate/package.json"), "utf8")) as Manifest;
  const frameworks = Object.keys(packedManifest.peerDependencies ?? {});
  const typings = ["@types/node", ...frameworks.map((name) => `@types/${name.replace(/^@([^/]+)\//, "$1__")}`)];
  for (const name of [...frameworks, ...typings, ...HOSTS]) {
    const target = join(repo, "node_modules", name);
    if (!existsSync(target)) continue;
    mkdirSync(dirname(join(app, "node_modules", name)), { recursive: true });
    symlinkSync(target, join(app, "node_modules", name), "dir");
  }

  // 4. The checks, and consumer tsconfigs as strict as this repository's own: a Node-only project
  //    (no DOM lib, so server subpaths cannot lean on browser types) and a browser one.
  cpSync(consumerSources, join(app, "src"), { recursive: true });
  const checks = readdirSync(consumerSources).filter((name) => name.endsWith(".ts"));
  const inBrowser = (name: string) => readFileSync(join(consumerSources, name), "utf8").startsWith(DOM_DIRECTIVE);
  projects.node = checks.filter((name) => !inBrowser(name)).map((name) => `src/${name}`);
  projects.dom = checks.filter(inBrowser).map((name) => `src/${name}`);
  writeFileSync(join(app, "tsconfig.node.json"), JSON.stringify({ extends: "./tsconfig.json", files: projects.node, include: [] }));
  writeRecipes();
  writeFileSync(join(app, "tsconfig.dom.json"), JSON.stringify({ extends: "./tsconfig.json", compilerOptions: { lib: ["ES2023", "DOM", "DOM.Iterable"] }, files: projects.dom, include: [] }));
  writeFileSync(
    join(app, "tsconfig.json"),
    JSON.stringify({
      compilerOptions: {
        target: "ES2022",
        lib: ["ES2023"],
        module: "nodenext",
        moduleResolution: "nodenext",
        types: ["node"],
        strict: true,
        exactOptionalPropertyTypes: true,
        noUncheckedIndexedAccess: true,
        verbatimModuleSyntax: true,
        allowImportingTsExtensions: true,
        rewriteRelativeImportExtensions: true,
        skipLibCheck: false,
        rootDir: "src",
        outDir: "out",
      },
      include: ["src"],
    }),
  );
  // Emit without checking, so each check runs (and fails on its own) even when another has a type error.
  const emitted = await timed("tsc emit", () => typescript(["-p", "tsconfig.json", "--noCheck"], app));
  if (!emitted.ok) throw new Error(`the consumer checks did not compile:\n${emitted.output}`);
}, 120_000);

afterAll(() => {
  if (process.env.CROSSGATE_KEEP_PACK) console.log(`packaging scratch kept in ${work}`);
  else if (work !== "") rmSync(work, { recursive: true, force: true });
  console.log(`packaging check timings (ms): ${JSON.stringify(timings)}`);
});

describe("the packed tarball", () => {
  it("holds the build only: dist/, package.json, README and licence; no sources, tests or benchmarks", () => {
    const stray = packed.filter((file) => !file.startsWith("dist/") && !/^(package\.json|README\.md|LICEN[CS]E(\.md)?|CHANGELOG\.md)$/.test(file));
    expect(stray).toEqual([]);
    expect(packed.filter((file) => /\.test\.|\.bench\.|(^|\/)(src|test|tests|bench|examples|scripts|fixtures)\//.test(file))).toEqual([]);
    expect(packed.filter((file) => file.endsWith(".ts") && !file.endsWith(".d.ts"))).toEqual([]);
    expect(packed).toContain("README.md");
  });

  it("resolves every export to shipped JavaScript and types, types first", () => {
    expect(codeExports.length).toBeGreaterThan(0);
    expect(packedManifest.exports).toEqual(manifest.exports);
    for (const key of codeExports) {
      const target = packedManifest.exports[key];
      expect(typeof target, `exports["${key}"] is a conditions object`).toBe("object");
      const conditions = target as ExportTarget;
      expect(Object.keys(conditions)[0], `exports["${key}"] lists "types" first`).toBe("types");
      expect(conditions.types, `exports["${key}"].types`).toMatch(/^\.\/dist\/.+\.d\.ts$/);
      expect(conditions.default, `exports["${key}"].default`).toMatch(/^\.\/dist\/.+\.js$/);
      expect(packed, `exports["${key}"].types is packed`).toContain(posix.normalize(conditions.types!));
      expect(packed, `exports["${key}"].default is packed`).toContain(posix.normalize(conditions.default!));
    }
  });

  it("ships no broken relative import: every ./x.js in a .js or .d.ts is in the tarball", () => {
    const broken: string[] = [];
    for (const file of packed.filter((name) => name.endsWith(".js") || name.endsWith(".d.ts"))) {
      const source = readFileSync(join(app, "node_modules/crossgate", file), "utf8");
      for (const specifier of specifiersIn(source)) {
        if (!specifier.startsWith(".")) continue;
        const resolved = posix.join(posix.dirname(file), specifier);
        // Declarations keep the source's `./x.ts` specifiers; TypeScript reads them as `./x.d.ts`.
        const wanted = file.endsWith(".d.ts") ? resolved.replace(/\.(js|ts)$/, ".d.ts") : resolved;
        if (!packed.includes(wanted)) broken.push(`${file} → ${specifier}`);
      }
    }
    expect(broken).toEqual([]);
  });

  it("ships no source map that points at a file the tarball lacks", () => {
    const broken: string[] = [];
    for (const file of packed.filter((name) => name.endsWith(".map"))) {
      const map = JSON.parse(readFileSync(join(app, "node_modules/crossgate", file), "utf8")) as { sources: string[]; sourcesContent?: (string | null)[] };
      map.sources.forEach((source, index) => {
        const embedded = typeof map.sourcesContent?.[index] === "string";
        if (!embedded && !packed.includes(posix.join(posix.dirname(file), source))) broken.push(`${file} → ${source}`);
      });
    }
    expect(broken).toEqual([]);
  });

  it("has an executable-style bin for each command, with a node shebang", () => {
    for (const [command, path] of Object.entries(packedManifest.bin ?? {})) {
      expect(packed, `bin ${command}`).toContain(posix.normalize(path));
      expect(readFileSync(join(app, "node_modules/crossgate", path), "utf8").split("\n", 1)[0], `bin ${command} shebang`).toBe("#!/usr/bin/env node");
    }
  });

  it("has no runtime dependencies; every framework it imports is an optional peer whose range admits the tested version", () => {
    expect(Object.keys(packedManifest.dependencies ?? {})).toEqual([]);
    const imported = new Set<string>();
    for (const file of packed.filter((name) => name.endsWith(".js") || name.endsWith(".d.ts"))) {
      for (const specifier of specifiersIn(readFileSync(join(app, "node_modules/crossgate", file), "utf8"))) {
        const name = packageOf(specifier);
        if (name !== undefined) imported.add(name);
      }
    }
    const peers = packedManifest.peerDependencies ?? {};
    expect([...imported].filter((name) => peers[name] === undefined), "imported but not a peer").toEqual([]);
    for (const [name, range] of Object.entries(peers)) {
      expect(packedManifest.peerDependenciesMeta?.[name]?.optional, `peer ${name} is optional`).toBe(true);
      expect(manifest.devDependencies?.[name], `peer ${name} is also a devDependency, so it is tested`).toBeDefined();
      expect(rangeAdmits(range, installedVersion(name)), `peer ${name}@"${range}" admits the tested ${installedVersion(name)}`).toBe(true);
    }
  });

  it("declares the supported framework majors as peers for every exported adapter", () => {
    const peers = packedManifest.peerDependencies ?? {};
    for (const [subpath, frameworks] of Object.entries(SUPPORTED_MAJORS)) {
      if (!codeExports.includes(subpath)) continue;
      for (const [name, majors] of Object.entries(frameworks)) {
        expect(peers[name], `crossgate${subpath.slice(1)} needs a peer range for ${name}`).toBeDefined();
        for (const major of majors) expect(rangeAdmits(peers[name]!, `${major}.99.99`), `peer ${name}@"${peers[name]}" admits ${major}.x`).toBe(true);
      }
    }
  });
});

describe("a project that installs the tarball", () => {
  it("has a check for every exported subpath, and no check for a subpath that is not exported", () => {
    const checks = readdirSync(consumerSources).filter((name) => name.endsWith(".ts") && name !== "support.ts").sort();
    expect(checks).toEqual(codeExports.map(checkFileFor).sort());
  });

  it("finds the documentation's recipes: every ```ts and ```js block is checked or skipped with a reason", () => {
    expect(recipes.filter((recipe) => recipe.file === "README.md").length, "README.md's ts blocks").toBeGreaterThan(10);
    for (const skipped of skippedRecipes) expect(skipped.reason, `${skipped.file}:${skipped.line} is skipped`).toMatch(/\w{3,}/);
  });

  // The type-checks and the runs are independent processes: run them side by side.
  it.concurrent.for(["node", "dom"] as const)(
    "type-checks against the packed types as a %s project (tsc --noEmit, strict, module nodenext, skipLibCheck off)",
    { timeout: 60_000 },
    async (project, { expect }) => {
      if (projects[project].length === 0) return;
      const checked = await timed(`tsc --noEmit (${project})`, () => typescript(["-p", `tsconfig.${project}.json`, "--noEmit"], app));
      expect(ownDiagnostics(checked.output)).toEqual([]);
    },
  );

  it.concurrent(`type-checks every recipe of ${DOCUMENTED.join(", ")} against the packed types (errors name the Markdown line)`, { timeout: 60_000 }, async ({ expect }) => {
    const checked = await timed("tsc --noEmit (recipes)", () =>
      Promise.all(RECIPE_PROJECTS.map((resolution) => typescript(["-p", `tsconfig.recipes-${resolution}.json`, "--noEmit"], app))),
    );
    expect(checked.flatMap(({ output }) => diagnosticsInMarkdown(output, recipes))).toEqual([]);
    for (const { ok, output } of checked) expect(ok, output).toBe(true);
  });

  it.concurrent.for(codeExports)("runs the check for %s: a server on 127.0.0.1 answers a preflight and an actual request", { timeout: 40_000 }, async (subpath, { expect }) => {
    const file = join(app, "out", checkFileFor(subpath).replace(/\.ts$/, ".js"));
    expect(existsSync(file), `test/packaging/.consumer/${checkFileFor(subpath)} exists`).toBe(true);
    const start = performance.now();
    try {
      const { stdout } = await run(process.execPath, [file], { cwd: app, timeout: 30_000 });
      expect(stdout.trim()).toBe(`ok ${packedManifest.name}${subpath.slice(1)}`);
    } catch (error) {
      const failed = error as { stdout?: string; stderr?: string; message: string };
      throw new Error(`${subpath} check failed:\n${failed.stderr || failed.stdout || failed.message}`);
    } finally {
      timings[`run ${subpath}`] = Math.round(performance.now() - start);
    }
  });
});
