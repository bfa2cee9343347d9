import type { RpcRow, WithNull } from "../data/db-types";
import type { Rpc } from "../data/rpc";
import { invoicePdfList } from "../data/invoice-pdf-list";
import type { InvoiceFilesPort } from "../ports/files";
import { isMemoryDir } from "./database";

/**
 * Embedded file store for invoice PDFs: `${DATA_DIR}/storage/invoices/<object key>`, the same
 * keys as the Supabase bucket `invoices`. Ownership is decided first, by SQL under the resident's
 * RLS (public.my_invoice_pdf_key); only then is the disk read. Node only (node:fs), like the rest
 * of the embedded adapter. Decision: docs/decisions/0006-invoice-pdfs.md.
 */
export function createEmbeddedInvoiceFiles(rpc: Rpc, dataDir: string): InvoiceFilesPort {
  return {
    async invoicePdf(invoiceId) {
      // `rpc` runs as the resident (app/.server/embedded/backend.ts residentRpc): the session is checked too.
      const rows: WithNull<RpcRow<"my_invoice_pdf_key">, "object_key">[] = await rpc.call("my_invoice_pdf_key", { p_id: invoiceId });
      const row = rows[0];
      if (!row?.object_key || isMemoryDir(dataDir)) return null;
      const file = await openStoredFile(`${dataDir.replace(/\/+$/, "")}/storage/invoices`, row.object_key);
      return file ? { number: row.number, ...file } : null;
    },
    async invoicePdfList(query) {
      const root = `${dataDir.replace(/\/+$/, "")}/storage/invoices`;
      return invoicePdfList(rpc, query, async (key) => (isMemoryDir(dataDir) ? null : openStoredFile(root, key)));
    },
  };
}

/** Object keys as the schema allows them, further narrowed: segments of safe characters. */
const SAFE_KEY = /^[A-Za-z0-9][A-Za-z0-9._-]*(\/[A-Za-z0-9][A-Za-z0-9._-]*)*$/;

/**
 * Opens `<root>/<key>` for streaming, or null when the key is unsafe or the file is missing.
 * The key comes from the database (staff input): it is still never allowed out of `root`.
 */
export async function openStoredFile(root: string, key: string): Promise<{ body: ReadableStream<Uint8Array>; size: number } | null> {
  const { resolve, sep } = await import("node:path");
  const base = resolve(root);
  const path = resolve(base, key);
  if (!SAFE_KEY.test(key) || key.split("/").includes("..") || !path.startsWith(base + sep)) {
    console.warn(`invoice PDF key refused (outside the file store): ${JSON.stringify(key)}`);
    return null;
  }
  const { open } = await import("node:fs/promises");
  const { Readable } = await import("node:stream");
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(path, "r");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") {
      console.warn(`invoice PDF missing from the file store: ${key}`);
      return null;
    }
    throw error;
  }
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) {
      await handle.close();
      return null;
    }
    // The handle is closed when the stream ends, fails or is cancelled (autoClose).
    const body = Readable.toWeb(handle.createReadStream()) as unknown as ReadableStream<Uint8Array>;
    return { body, size: stat.size };
  } catch (error) {
    await handle.close().catch(() => {});
    throw error;
  }
}
