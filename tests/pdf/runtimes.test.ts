import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build as esbuild } from "esbuild";
import { build as viteBuild, loadConfigFromFile, type Rollup } from "vite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renderPdf } from "~/.server/pdf/document";
import { checkBundle, EDGE_ESBUILD_OPTIONS } from "../../scripts/build-edge.js";
import { SAMPLE_DOCUMENT } from "./sample";

/**
 * The document builder (app/.server/pdf/document.ts) where the portal runs, giving the very bytes
 * it gives here (pdfkit's Node build, as in the scripts and tests): tests/pdf/probe.ts bundled
 * (1) with the server build's settings of vite.config.ts — webworker target, every dependency
 * inlined, `worker`/`browser` conditions, so pdfkit's browser build — and run on Node 24 and on
 * Deno, and (2) with the edge bundle's esbuild settings (scripts/build-edge.js), checked like the
 * edge bundle and run on Deno with no permission at all. docs/decisions/0023-pdf-library.md.
 */
const ROOT = new URL("../..", import.meta.url).pathname;
const DENO = join(ROOT, "node_modules/.bin/deno");
const PROBE = join(ROOT, "tests/pdf/probe.ts");

let work: string;
let expected: { bytes: number; sha256: string };
beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), "portail-pdf-runtimes-"));
  const bytes = renderPdf(SAMPLE_DOCUMENT);
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  expected = { bytes: bytes.length, sha256: Buffer.from(digest).toString("hex") };
});
afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

/** Runs a bundled probe from an empty folder and parses what it prints. */
function run(command: string, args: string[]): { bytes: number; sha256: string } {
  const out = execFileSync(command, args, { cwd: work, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", NO_COLOR: "1" } });
  return JSON.parse(out.trim().split("\n").pop()!);
}

describe("the server build's way (vite.config.ts, pdfkit's browser build)", () => {
  let bundle: string;
  let chunk: Rollup.OutputChunk;
  beforeAll(async () => {
    const loaded = await loadConfigFromFile({ command: "build", mode: "production", isSsrBuild: true }, join(ROOT, "vite.config.ts"), ROOT, "silent");
    const outDir = join(work, "server");
    const output = (await viteBuild({
      configFile: false,
      root: ROOT,
      logLevel: "silent",
      resolve: loaded!.config.resolve,
      ssr: loaded!.config.ssr,
      build: {
        ssr: PROBE,
        outDir,
        target: "es2022",
        minify: false,
        rollupOptions: { output: { entryFileNames: "probe.mjs", inlineDynamicImports: true } },
      },
    })) as Rollup.RollupOutput;
    chunk = output.output.find((item): item is Rollup.OutputChunk => item.type === "chunk")!;
    bundle = join(outDir, "probe.mjs");
  }, 120_000);

  it("inlines pdfkit's browser build and its font metrics: nothing imported but node:crypto", () => {
    expect([...chunk.imports, ...chunk.dynamicImports]).toEqual(["node:crypto"]);
    const code = readFileSync(bundle, "utf8");
    expect(code).toContain("registerStdFonts");
    expect(code).not.toMatch(/createRequire|#standard-fonts/);
  });

  it("gives the same bytes on Node 24", () => {
    expect(process.versions.node.split(".")[0]).toBe("24");
    expect(run(process.execPath, [bundle])).toEqual(expected);
  });

  it("gives the same bytes on Deno, without any permission", () => {
    expect(run(DENO, ["run", "--no-prompt", bundle])).toEqual(expected);
  });
});

describe("the edge bundle's way (scripts/build-edge.js)", () => {
  let bundle: string;
  let imports: string[];
  beforeAll(async () => {
    bundle = join(work, "edge-probe.mjs");
    const result = await esbuild({ ...EDGE_ESBUILD_OPTIONS, entryPoints: [PROBE], outfile: bundle, alias: { "~": join(ROOT, "app") } });
    imports = Object.values(result.metafile.outputs).flatMap((output) => output.imports.map((entry) => entry.path));
  });

  it("passes the edge bundle's check (only node: built-ins Deno serves without permission)", () => {
    expect(checkBundle(readFileSync(bundle, "utf8"), imports)).toEqual([]);
    expect(imports).toEqual(["node:crypto"]);
  });

  it("gives the same bytes on Deno, without any permission", () => {
    expect(run(DENO, ["run", "--no-prompt", bundle])).toEqual(expected);
  });
});
