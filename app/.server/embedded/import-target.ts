import type { CustomerOutcome, ImportTarget, InvoiceOutcome } from "../import/target";
import type { Database } from "./database";
import { createReminders } from "../data/reminders";
import { queueAllNewInvoiceNotices } from "../reminders";
import { createEmbeddedRpc } from "./rpc";

/**
 * The import's embedded adapter: each batch is one call of the SQL function, in one transaction,
 * as service_role (what `.rpc()` with the service-role key does on Supabase). PDFs go to the
 * embedded file store `${DATA_DIR}/storage/invoices/<key>`; a PDF that replaces another is written
 * to a temporary file and renamed, so the old one is never seen half-overwritten (see storePdf).
 */
export function createEmbeddedImportTarget(db: Database, dataDir: string, options: { closeDatabase?: boolean } = {}): ImportTarget {
  const root = `${dataDir.replace(/\/+$/, "")}/storage/invoices`;
  const madeDirs = new Set<string>();
  let node: Promise<{ fs: typeof import("node:fs"); path: typeof import("node:path") }> | undefined;
  return {
    description: `base intégrée (${dataDir})`,
    async services() {
      const { rows } = await db.asService((tx) => tx.query<{ numcli: string; name: string }>("select * from public.import_services()"));
      return rows;
    },
    importCustomers: (numcli, rows, dryRun) => call<CustomerOutcome>(db, "import_customers", numcli, rows, dryRun),
    importInvoices: (numcli, rows, dryRun) => call<InvoiceOutcome>(db, "import_invoices", numcli, rows, dryRun),
    queueNewInvoiceNotices: () => queueAllNewInvoiceNotices(createReminders(createEmbeddedRpc(db, { role: "service_role" }))),
    async storePdf(key, bytes) {
      const { fs, path: paths } = await (node ??= Promise.all([import("node:fs"), import("node:path")]).then(([fs, path]) => ({ fs, path })));
      const base = paths.resolve(root);
      const path = paths.resolve(base, key);
      if (!path.startsWith(base + paths.sep)) throw new Error(`PDF key outside the file store: ${key}`);
      const dir = paths.dirname(path);
      if (!madeDirs.has(dir)) {
        fs.mkdirSync(dir, { recursive: true });
        madeDirs.add(dir);
      }
      // Synchronous: for a file of a few KB, the thread pool's round trips cost more than the
      // writes (docs/import.md, section 6).
      // A PDF the store does not have yet is written in place (`wx`: only if the file does not
      // exist), which spares a rename per new invoice: nobody can be reading it — the portal is
      // stopped during an embedded import (portal.lock) and the invoice row that points at it is
      // written after it. After a crash, a half-written file is replaced on the next import by the
      // path below, as the file exists by then.
      try {
        fs.writeFileSync(path, bytes, { flag: "wx" });
        return;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      }
      // A PDF that replaces another: temporary file, then rename (atomic on one file system).
      const tmp = `${path}.${process.pid}.tmp`;
      fs.writeFileSync(tmp, bytes);
      fs.renameSync(tmp, path);
    },
    async close() {
      if (options.closeDatabase) await db.close();
    },
  };
}

/**
 * One call of an import function, its answer aggregated into one JSON array: PGlite decodes each
 * field of each row on its own (a TextDecoder call per field: 9 000 for a batch of invoices), one
 * JSON value costs one decode and one JSON.parse — a third of the time (docs/import.md, section 6).
 * Same objects as the rows (json_agg keeps the column names and the JSON types: numbers, text
 * arrays, booleans, null). The function answers in line order.
 */
async function call<T>(db: Database, fn: "import_customers" | "import_invoices", numcli: string, rows: unknown[], dryRun: boolean): Promise<T[]> {
  const { rows: out } = await db.asService((tx) =>
    tx.query<{ outcomes: T[] }>(`select coalesce(json_agg(o order by o.line), '[]'::json) as outcomes from public.${fn}($1, $2::jsonb, $3) o`, [
      numcli,
      JSON.stringify(rows),
      dryRun,
    ]),
  );
  return out[0]!.outcomes;
}
