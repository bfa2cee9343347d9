import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, test } from "vitest";

/**
 * Code, comments and documents cite only what is in the repository: no path into a folder beside
 * it (`../shared/…`), no upper-case document that is not in the repository (`SPEC.md`, or `SPEC`
 * alone; the architecture is docs/architecture.md, the design choices docs/decisions/), no issue
 * numbers (`issue 12`, `issue #12`, `(#12)`): the reader of a checkout has none of these.
 */
const ROOT = new URL("../..", import.meta.url).pathname;
const SCANNED = ["app", "server", "scripts", "supabase", "tests", "e2e", "docs", "README.md"];
const SKIPPED_DIRS = new Set(["node_modules", "build", ".data", ".cache", ".tmp", ".temp"]);
const SKIPPED_FILES = new Set(["app/.server/database.types.ts", "tests/server/citations.test.ts"]);

/**
 * Files that still cite such documents, each with why it may for now. Every entry goes once its
 * file is clean: the last test fails on an entry whose file no longer needs it.
 */
const ALLOWED = new Map<string, string>([]);
const TEXT = /\.(ts|tsx|js|mjs|cjs|sql|md|css|sh|html|json|toml)$/;

const RULES: { what: string; find: RegExp; allowed?: (match: string) => boolean }[] = [
  { what: "path outside the repository", find: /(?<![\w./-])(?:\.\.\/)*shared\//g },
  {
    what: "document not in the repository",
    find: /\b[A-Z][A-Z0-9_-]*\.md\b/g,
    allowed: (name) => existsSync(join(ROOT, name)),
  },
  { what: "document not in the repository", find: /\bSPEC\b(?!\.md)/g },
  { what: "issue number", find: /\bissues? *#?\d+|\(#\d+\)/gi },
];

function files(dir: string): string[] {
  if (!statSync(join(ROOT, dir)).isDirectory()) return TEXT.test(dir) ? [dir] : [];
  const out: string[] = [];
  for (const name of readdirSync(join(ROOT, dir))) {
    const path = join(dir, name);
    if (statSync(join(ROOT, path)).isDirectory()) {
      if (!SKIPPED_DIRS.has(name)) out.push(...files(path));
    } else if (TEXT.test(name) && !SKIPPED_FILES.has(path)) {
      out.push(path);
    }
  }
  return out;
}

/** The scanned text files, paths relative to the repository. */
function scannedFiles(): { path: string; text: string }[] {
  const scanned = SCANNED.flatMap(files).map((path) => ({ path: relative(ROOT, join(ROOT, path)), text: readFileSync(join(ROOT, path), "utf8") }));
  expect(scanned.length).toBeGreaterThan(100);
  expect(scanned.some(({ path }) => path === "README.md")).toBe(true);
  return scanned;
}

/** Every `file:line: text` in `paths` that breaks a rule. */
function findCitations(paths: { path: string; text: string }[]): string[] {
  const found: string[] = [];
  for (const { path, text } of paths) {
    text.split("\n").forEach((line, index) => {
      for (const rule of RULES) {
        for (const match of line.matchAll(rule.find)) {
          if (rule.allowed?.(match[0])) continue;
          found.push(`${path}:${index + 1}: ${rule.what}: ${match[0]}`);
        }
      }
    });
  }
  return found;
}

describe("citations", () => {
  test("the checker finds each kind of citation and leaves repository paths alone", () => {
    const sample = [
      "// see ../shared/SPEC.md",
      '/* one generic answer (SPEC "Login"), SPECIFIC_NAME, MY_SPEC */',
      "-- Protocol facts: shared/PAYFIP.md",
      "/* (ARCHITECTURE.md) */",
      "// done in issue #12, issue 3 and (#7)",
      "// docs/architecture.md, docs/decisions/0014-one-page-one-call.md, README.md, app/shared/x.ts",
      "const color = '#123'; // tissue 4",
    ].join("\n");
    expect(findCitations([{ path: "x.ts", text: sample }])).toEqual([
      "x.ts:1: path outside the repository: ../shared/",
      "x.ts:1: document not in the repository: SPEC.md",
      "x.ts:2: document not in the repository: SPEC",
      "x.ts:3: path outside the repository: shared/",
      "x.ts:3: document not in the repository: PAYFIP.md",
      "x.ts:4: document not in the repository: ARCHITECTURE.md",
      "x.ts:5: issue number: issue #12",
      "x.ts:5: issue number: issue 3",
      "x.ts:5: issue number: (#7)",
    ]);
  });

  test("the code, the tests, supabase/, docs/ and README.md cite only what is in the repository", () => {
    const found = findCitations(scannedFiles()).filter((line) => !ALLOWED.has(line.slice(0, line.indexOf(":"))));
    expect(found).toEqual([]);
  });

  test("every allowed file still needs its entry (a clean file leaves ALLOWED)", () => {
    const cited = new Set(findCitations(scannedFiles()).map((line) => line.slice(0, line.indexOf(":"))));
    expect([...ALLOWED.keys()].filter((path) => !cited.has(path))).toEqual([]);
  });
});
