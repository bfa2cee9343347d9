import type { SupabaseClient } from "@supabase/supabase-js";
import type { Env } from "../env";
import type { CustomerOutcome, ImportTarget, InvoiceOutcome } from "../import/target";
import { createServiceRoleClient } from "./clients";
import { SupabaseAdapterError } from "./errors";
import { INVOICES_BUCKET } from "./files";
import { createSupabaseRpc, rpcRows } from "./rpc";
import { createReminders } from "../data/reminders";
import { queueAllNewInvoiceNotices } from "../reminders";
import { supabaseSettings } from "./settings";

/**
 * The import's Supabase adapter, with the service-role key (a staff command, never a request):
 * each batch goes in `.rpc()` calls of at most SUPABASE_IMPORT_BATCH_ROWS lines (PostgREST runs
 * each call in its own transaction), PDFs uploaded to the private bucket `invoices` with `upsert`
 * (a corrected PDF replaces the old one), retried a few times on network errors and 5xx answers.
 */

/**
 * Lines per `.rpc()` call. Two limits of the Data API bound a call: PostgREST answers at most
 * `max_rows` rows (1000 by default, `[api] max_rows` in supabase/config.toml) — the import
 * functions answer one outcome per line, so a bigger call would lose outcomes —, and the API role's
 * `statement_timeout` (on Supabase service_role has none of its own and gets the authenticator's
 * 8 s). 500 lines is half of max_rows and, at the import's measured pace (docs/import.md, section 6:
 * 100 000 invoices written in about 8 s on the embedded database), well under 0.1 s of SQL.
 * Every answer is counted all the same: a project whose max_rows was lowered fails loudly instead
 * of losing lines.
 */
export const SUPABASE_IMPORT_BATCH_ROWS = 500;
export async function createSupabaseImportTarget(config: Env, options: { retryDelayMs?: number } = {}): Promise<ImportTarget> {
  const settings = supabaseSettings(config);
  const client = await createServiceRoleClient(settings);
  const get = async () => client;
  return createSupabaseImportTargetFor(get, settings.url, options);
}

export function createSupabaseImportTargetFor(
  client: () => Promise<SupabaseClient>,
  url: string,
  options: { retryDelayMs?: number } = {},
): ImportTarget {
  const retryDelayMs = options.retryDelayMs ?? 1000;
  return {
    description: `Supabase (${url})`,
    services: () => rpcRows<{ numcli: string; name: string }>(client, "import_services"),
    importCustomers: (numcli, rows, dryRun) => importInCalls<CustomerOutcome>(client, "import_customers", numcli, rows, dryRun),
    importInvoices: (numcli, rows, dryRun) => importInCalls<InvoiceOutcome>(client, "import_invoices", numcli, rows, dryRun),
    queueNewInvoiceNotices: () => queueAllNewInvoiceNotices(createReminders(createSupabaseRpc(client))),
    async storePdf(key, bytes) {
      for (let attempt = 1; ; attempt++) {
        const { error } = await (await client()).storage
          .from(INVOICES_BUCKET)
          .upload(key, bytes, { contentType: "application/pdf", upsert: true });
        if (!error) return;
        const status = "status" in error && typeof error.status === "number" ? error.status : undefined;
        const retryable = status === undefined || status >= 500 || status === 429;
        if (!retryable || attempt >= 3) {
          throw new SupabaseAdapterError(
            `Supabase storage upload ${INVOICES_BUCKET}/${key} failed (${status ? `HTTP ${status}` : "network error"}): ${error.message}`,
            { operation: "storage upload", status },
            { cause: error },
          );
        }
        await new Promise((r) => setTimeout(r, retryDelayMs * attempt));
      }
    },
    async close() {},
  };
}

/**
 * One import function over `rows`, in calls of at most SUPABASE_IMPORT_BATCH_ROWS lines, each of
 * whose answers must have one outcome per line sent (PostgREST cuts answers at max_rows silently).
 */
async function importInCalls<T extends { line: number }>(
  client: () => Promise<SupabaseClient>,
  fn: "import_customers" | "import_invoices",
  numcli: string,
  rows: readonly { line: number }[],
  dryRun: boolean,
): Promise<T[]> {
  const outcomes: T[] = [];
  // An empty batch is still one call: the function checks the service.
  const parts = [];
  for (let start = 0; start < rows.length; start += SUPABASE_IMPORT_BATCH_ROWS) parts.push(rows.slice(start, start + SUPABASE_IMPORT_BATCH_ROWS));
  for (const part of parts.length > 0 ? parts : [rows]) {
    const answer = await rpcRows<T>(client, fn, { p_numcli: numcli, p_rows: part, p_dry_run: dryRun });
    const answered = new Set(answer.map((o) => o.line));
    if (answer.length !== part.length || part.some((r) => !answered.has(r.line))) {
      throw new SupabaseAdapterError(
        `Supabase rpc ${fn} answered ${answer.length} rows for ${part.length} lines sent: the Data API cut the answer ` +
          `(is [api] max_rows of the project below ${SUPABASE_IMPORT_BATCH_ROWS}? Raise it to at least ${SUPABASE_IMPORT_BATCH_ROWS}). ` +
          `This batch was ${dryRun ? "checked only: nothing was written" : "written, but its outcomes are incomplete: run the import again (it is idempotent)"}.`,
        { operation: `rpc ${fn}` },
      );
    }
    outcomes.push(...answer);
  }
  return outcomes;
}

