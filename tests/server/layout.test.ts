import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";

/**
 * Where tests and type checks reach (docs/architecture.md, "Where tests go"): Vitest runs
 * tests/**\/*.test.ts only, so a test written beside the code would never run; `tsc` checks the
 * plain-JS servers only through their `// @ts-check` line (tsconfig.json has no checkJs).
 */
const ROOT = new URL("../..", import.meta.url).pathname;
const SKIPPED_DIRS = new Set(["node_modules", "build", ".data", ".cache", ".tmp"]);

function files(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    if (entry.isDirectory()) return SKIPPED_DIRS.has(entry.name) ? [] : files(join(dir, entry.name));
    return [join(dir, entry.name)];
  });
}

describe("layout", () => {
  test("no test file outside tests/ and e2e/", () => {
    const misplaced = ["app", "server", "scripts", "supabase"].flatMap(files).filter((path) => /\.(test|spec)\.[cm]?[jt]sx?$/.test(path));
    expect(misplaced).toEqual([]);
  });

  test("every plain-JS server file is type-checked (`// @ts-check` on its first line)", () => {
    const servers = files("server").filter((path) => path.endsWith(".js"));
    expect(servers.length).toBeGreaterThan(5);
    const unchecked = servers.filter((path) => readFileSync(join(ROOT, path), "utf8").split("\n")[0] !== "// @ts-check");
    expect(unchecked).toEqual([]);
  });

  test("tsconfig.json includes server/ and leaves out only the Deno-only files", () => {
    const config = JSON.parse(readFileSync(join(ROOT, "tsconfig.json"), "utf8")) as { include: string[]; exclude: string[] };
    expect(config.include).toContain("server/**/*.js");
    expect(config.exclude.filter((path) => path.startsWith("server/")).sort()).toEqual(["server/deno-serve.js", "server/deno.js", "server/edge.js"]);
  });
});
