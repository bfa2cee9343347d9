import type { LoaderFunctionArgs } from "@remix-run/server-runtime";
import { invoiceZipDownload } from "~/.server/invoice-zip";

/**
 * GET /factures/pdf.zip?onglet=<tab> — « Télécharger les PDF »: the signed-in resident's invoice
 * PDFs of one tab of Mes factures (or a selection: `&facture=<id>`…) in one zip, streamed
 * (resource route, no layout; app/.server/invoice-zip.ts, docs/decisions/0038-invoice-pdf-zip.md).
 * A visitor is sent to the login page, which comes back here.
 */
export async function loader({ request }: LoaderFunctionArgs) {
  return invoiceZipDownload(request);
}
