import type { LoaderFunctionArgs } from "@remix-run/server-runtime";
import { z } from "zod";
import { receiptFileName, receiptPdf } from "~/.server/receipt";
import { requireResident } from "~/.server/resident";
import { withSession } from "~/.server/session-response";

const ParamsSchema = z.object({ id: z.guid() });

/**
 * GET /paiements/:id/justificatif.pdf — the « Justificatif de paiement » of a successful payment,
 * to its owner only (resource route, no layout). Anonymous: redirected to the login page, which
 * comes back here. Malformed id, unknown id, another resident's payment, a payment not paid: one
 * and the same 404. Ownership is SQL's (public.payment_receipt under RLS). The PDF is built from
 * the payment's facts only (app/.server/receipt.ts): the same payment gives the same bytes.
 */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const { accounts, payment } = await requireResident(request, { payment: true });
  const parsed = ParamsSchema.safeParse(params);
  const receipt = parsed.success ? await payment.paymentReceipt(parsed.data.id.toLowerCase()) : null;
  if (!receipt) return notFound(withSession(accounts).headers);

  const body = receiptPdf(receipt);
  const headers = new Headers(withSession(accounts).headers);
  headers.set("Content-Type", "application/pdf");
  headers.set("Content-Length", String(body.byteLength));
  headers.set("Content-Disposition", `attachment; filename="${receiptFileName(receipt)}"`);
  // Personal data: never kept by a shared cache, nor sniffed as something else.
  headers.set("Cache-Control", "private, no-store");
  headers.set("X-Content-Type-Options", "nosniff");
  return new Response(body, { status: 200, headers });
}

/** A resource route renders no React: a small French page, identical for every refusal. */
const NOT_FOUND_PAGE = `<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Justificatif introuvable — Le Portail des Factures</title></head>
<body><main><h1>Justificatif introuvable</h1>
<p>Ce paiement n'existe pas, n'est pas réglé ou n'est pas rattaché à votre compte.</p>
<p><a href="/paiements">Voir mes paiements</a></p></main></body></html>
`;

function notFound(accountHeaders: HeadersInit | undefined): Response {
  const headers = new Headers(accountHeaders);
  headers.set("Content-Type", "text/html; charset=utf-8");
  headers.set("Cache-Control", "private, no-store");
  return new Response(NOT_FOUND_PAGE, { status: 404, headers });
}
