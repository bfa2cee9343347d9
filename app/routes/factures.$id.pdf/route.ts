import type { LoaderFunctionArgs } from "@remix-run/server-runtime";
import { z } from "zod";
import { requireResident } from "~/.server/resident";
import { withSession } from "~/.server/session-response";

const ParamsSchema = z.object({ id: z.guid() });

/**
 * GET /factures/:id/pdf — the invoice's PDF, to its owner only (resource route, no layout).
 * Anonymous: redirected to the login page, which comes back here. Malformed id, unknown id,
 * another resident's invoice, an invoice without PDF: one and the same 404.
 * Ownership is SQL's (public.my_invoice_pdf_key under RLS; on Supabase the Storage policy too).
 */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const { accounts, files } = await requireResident(request, { files: true });
  const parsed = ParamsSchema.safeParse(params);
  const pdf = parsed.success ? await files.invoicePdf(parsed.data.id.toLowerCase()) : null;
  if (!pdf) return notFound(withSession(accounts).headers);

  const headers = new Headers(withSession(accounts).headers);
  headers.set("Content-Type", "application/pdf");
  headers.set("Content-Length", String(pdf.size));
  headers.set("Content-Disposition", `attachment; filename="${fileName(pdf.number)}"`);
  // Personal data: never kept by a shared cache, nor sniffed as something else.
  headers.set("Cache-Control", "private, no-store");
  headers.set("X-Content-Type-Options", "nosniff");
  return new Response(pdf.body, { status: 200, headers });
}

/** "facture-2017-020-002059.pdf"; anything but letters, digits, dot and dash becomes "-". */
export function fileName(invoiceNumber: string): string {
  const safe = invoiceNumber.replace(/[^A-Za-z0-9.-]+/g, "-").replace(/^-+|-+$/g, "");
  return `facture-${safe || "sans-numero"}.pdf`;
}

/** A resource route renders no React: a small French page, identical for every refusal. */
const NOT_FOUND_PAGE = `<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Facture introuvable — Le Portail des Factures</title></head>
<body><main><h1>Facture introuvable</h1>
<p>Cette facture n'existe pas ou n'est pas rattachée à votre compte.</p>
<p><a href="/factures">Voir mes factures</a></p></main></body></html>
`;

function notFound(accountHeaders: HeadersInit | undefined): Response {
  const headers = new Headers(accountHeaders);
  headers.set("Content-Type", "text/html; charset=utf-8");
  headers.set("Cache-Control", "private, no-store");
  return new Response(NOT_FOUND_PAGE, { status: 404, headers });
}
