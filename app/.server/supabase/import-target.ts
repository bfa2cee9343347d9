import type { SupabaseClient } from "@supabase/supabase-js";
import type { Env } from "../env";
import type { CustomerOutcome, ImportTarget, InvoiceOutcome } from "../import/target";
import { createServiceRoleClient } from "./clients";
import { SupabaseAdapterError } from "./errors";
import { INVOICES_BUCKET } from "./files";
import { rpcRows } from "./resident-data";
import { supabaseSettings } from "./settings";

/**
 * The import's Supabase adapter, with the service-role key (a staff command, never a request):
 * one `.rpc()` per batch (PostgREST runs each call in its own transaction), PDFs uploaded to the
 * private bucket `invoices` with `upsert` (a corrected PDF replaces the old one), retried a few
 * times on network errors and 5xx answers.
 */
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
    importCustomers: (numcli, rows, dryRun) =>
      rpcRows<CustomerOutcome>(client, "import_customers", { p_numcli: numcli, p_rows: rows, p_dry_run: dryRun }),
    importInvoices: (numcli, rows, dryRun) =>
      rpcRows<InvoiceOutcome>(client, "import_invoices", { p_numcli: numcli, p_rows: rows, p_dry_run: dryRun }),
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
