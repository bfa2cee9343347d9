import type { LoaderFunctionArgs } from "@remix-run/server-runtime";
import { certificateDownload, certificateNotFound, parseCertificateParams } from "~/.server/certificate";
import { requireResident } from "~/.server/resident";
import { withSession } from "~/.server/session-response";

/**
 * GET /attestations/<customer record's id>/<year>.pdf — the « Attestation de
 * paiement » of one customer record for one calendar year, to its owner only (resource route, no
 * layout; app/.server/certificate.ts, docs/decisions/0037-payment-certificates.md).
 * Anonymous: redirected to the login page, which comes back here. Malformed parameters, a year
 * out of range, another resident's record, a year without payment: one and the same 404.
 * Ownership and the rule of what was paid are SQL's (public.payment_certificate under RLS).
 */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const { accounts, certificates } = await requireResident(request, { certificates: true });
  const key = parseCertificateParams(params);
  const certificate = key ? await certificates.paymentCertificate(key) : null;
  const sessionHeaders = withSession(accounts).headers;
  return certificate ? certificateDownload(certificate, sessionHeaders) : certificateNotFound(sessionHeaders);
}
