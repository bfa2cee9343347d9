/** Collects the import's inputs from the command line's folders and files (Node only). */
import { readFileSync } from "node:fs";
import { readdir, readFile, stat } from "node:fs/promises";
import { join, relative } from "node:path";
import type { ImportInput, PdfSource } from "../../app/.server/import/run";
import { isPdfName } from "../../app/.server/import/pdfs";

export class InputError extends Error {}

async function walk(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries
    .filter((e) => e.isFile() && !e.name.startsWith("."))
    .map((e) => join(e.parentPath, e.name))
    .sort();
}

export async function collectInput(paths: string[], cwd = process.cwd()): Promise<ImportInput> {
  const files: string[] = [];
  for (const path of paths) {
    let info;
    try {
      info = await stat(path);
    } catch {
      throw new InputError(`${path} introuvable : vérifiez le chemin du dossier ou du fichier.`);
    }
    if (info.isDirectory()) files.push(...(await walk(path)));
    else files.push(path);
  }
  const shown = (p: string) => {
    const r = relative(cwd, p);
    return r.startsWith("..") ? p : r;
  };
  const csv: ImportInput["csv"] = [];
  const pdfs: PdfSource[] = [];
  for (const file of [...new Set(files)]) {
    if (/\.(csv|txt)$/i.test(file)) csv.push({ name: shown(file), bytes: new Uint8Array(await readFile(file)) });
    // Synchronous on purpose: for a file of a few KB, fs/promises' readFile costs ten times the read
    // itself (open, stat, read, close: one thread-pool round trip each) — docs/import.md, section 6.
    else if (isPdfName(file)) pdfs.push({ name: shown(file), read: async () => new Uint8Array(readFileSync(file)) });
  }
  return { csv, pdfs };
}
