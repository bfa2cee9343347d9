/**
 * The benchmark's database: a DATA_DIR under os.tmpdir() holding the demo seed plus `invoices`
 * generated invoices (scripts/generate-sample.ts) loaded by the real import, as staff would load
 * them. Reused between runs while supabase/migrations (and the seed) are unchanged: the folder's
 * `bench-ready.json` records the hash it was built for; any other hash, or a folder left half
 * made, is rebuilt from scratch.
 */
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openDatabase } from "../../app/.server/embedded/database";
import { createEmbeddedImportTarget } from "../../app/.server/embedded/import-target";
import { runImport } from "../../app/.server/import/run";
import { collectInput } from "../import/files";
import { generateSample } from "../generate-sample";

const MARKER = "bench-ready.json";

/** sha256 of every file of supabase/migrations (names and contents, in order) and of supabase/seed.sql. */
export async function migrationsHash(root = process.cwd()): Promise<string> {
  const hash = createHash("sha256");
  const dir = join(root, "supabase/migrations");
  for (const name of (await readdir(dir)).filter((n) => n.endsWith(".sql")).sort()) {
    hash.update(name).update("\0").update(await readFile(join(dir, name))).update("\0");
  }
  hash.update(await readFile(join(root, "supabase/seed.sql")));
  return hash.digest("hex");
}

export interface Dataset {
  dataDir: string;
  /** True when this run built it (else reused from a previous run). */
  built: boolean;
  seconds: number;
  invoices: number;
}

export interface DatasetOptions {
  invoices: number;
  /** Where to build it; default `<tmpdir>/portail-bench-<invoices>`. */
  dataDir?: string;
  /** Keep the generated CSV/PDF folder (printed) instead of deleting it after the import. */
  keepSample?: boolean;
  log: (line: string) => void;
}

export function defaultDataDir(invoices: number): string {
  return join(tmpdir(), `portail-bench-${invoices}`);
}

export async function prepareDataset(options: DatasetOptions): Promise<Dataset> {
  const started = performance.now();
  const dataDir = options.dataDir ?? defaultDataDir(options.invoices);
  const hash = await migrationsHash();
  const marker = join(dataDir, MARKER);
  if (existsSync(marker)) {
    const ready = JSON.parse(await readFile(marker, "utf8")) as { hash?: string; invoices?: number };
    if (ready.hash === hash && ready.invoices === options.invoices) {
      return { dataDir, built: false, seconds: (performance.now() - started) / 1000, invoices: options.invoices };
    }
    options.log(`${dataDir} was built for other migrations: rebuilt`);
  }
  await rm(dataDir, { recursive: true, force: true });
  await mkdir(dataDir, { recursive: true });

  const sampleDir = join(dataDir, "..", `${dataDir.split(/[\\/]/).pop()}-sample`);
  await rm(sampleDir, { recursive: true, force: true });
  options.log(`generating ${options.invoices} invoices (npm run generate:sample) in ${sampleDir}`);
  await generateSample({ invoices: options.invoices, out: sampleDir });
  options.log(`importing them into a fresh embedded database in ${dataDir} (migrations + seed + import)`);
  const db = await openDatabase({ dataDir, seed: true });
  try {
    const report = await runImport(createEmbeddedImportTarget(db, dataDir), await collectInput([sampleDir]), { numcli: "004200" });
    if (report.errors.length > 0) {
      throw new Error(`the generated data set has import errors: ${report.errors.slice(0, 3).map((e) => e.message).join("; ")}`);
    }
    await db.pg.exec("analyze");
  } finally {
    await db.close();
  }
  if (options.keepSample) options.log(`generated files kept in ${sampleDir}`);
  else await rm(sampleDir, { recursive: true, force: true });
  await writeFile(marker, JSON.stringify({ hash, invoices: options.invoices, builtAt: new Date().toISOString() }, null, 2) + "\n");
  return { dataDir, built: true, seconds: (performance.now() - started) / 1000, invoices: options.invoices };
}
