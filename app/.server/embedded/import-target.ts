import type { CustomerOutcome, ImportTarget, InvoiceOutcome } from "../import/target";
import type { Database } from "./database";

/**
 * The import's embedded adapter: each batch is one call of the SQL function, in one transaction,
 * as service_role (what `.rpc()` with the service-role key does on Supabase). PDFs go to the
 * embedded file store `${DATA_DIR}/storage/invoices/<key>`, written to a temporary file and
 * renamed, so a resident never downloads half a PDF.
 */
export function createEmbeddedImportTarget(db: Database, dataDir: string, options: { closeDatabase?: boolean } = {}): ImportTarget {
  const root = `${dataDir.replace(/\/+$/, "")}/storage/invoices`;
  const madeDirs = new Set<string>();
  return {
    description: `base intégrée (${dataDir})`,
    async services() {
      const { rows } = await db.asService((tx) => tx.query<{ numcli: string; name: string }>("select * from public.import_services()"));
      return rows;
    },
    async importCustomers(numcli, rows, dryRun) {
      const { rows: out } = await db.asService((tx) =>
        tx.query<CustomerOutcome>("select * from public.import_customers($1, $2::jsonb, $3)", [numcli, JSON.stringify(rows), dryRun]),
      );
      return out;
    },
    async importInvoices(numcli, rows, dryRun) {
      const { rows: out } = await db.asService((tx) =>
        tx.query<InvoiceOutcome>("select * from public.import_invoices($1, $2::jsonb, $3)", [numcli, JSON.stringify(rows), dryRun]),
      );
      return out;
    },
    async storePdf(key, bytes) {
      const { mkdir, rename, writeFile } = await import("node:fs/promises");
      const { dirname, resolve, sep } = await import("node:path");
      const base = resolve(root);
      const path = resolve(base, key);
      if (!path.startsWith(base + sep)) throw new Error(`PDF key outside the file store: ${key}`);
      const dir = dirname(path);
      if (!madeDirs.has(dir)) {
        await mkdir(dir, { recursive: true });
        madeDirs.add(dir);
      }
      const tmp = `${path}.${process.pid}.tmp`;
      await writeFile(tmp, bytes);
      await rename(tmp, path);
    },
    async close() {
      if (options.closeDatabase) await db.close();
    },
  };
}
