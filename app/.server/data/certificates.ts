import type { CertificatesPage, PaymentCertificate, ResidentCertificatesPort } from "../ports/certificates";
import { callJson, type Rpc } from "./rpc";

/**
 * The resident's payment certificates over `rpc`, for both backends: one call of
 * public.certificates_page() or public.payment_certificate()
 * (supabase/migrations/20261204090200_payment_certificates.sql), whose snake_case JSON is mapped
 * here to app/.server/ports/certificates.ts.
 */
export function residentCertificates(rpc: Rpc): ResidentCertificatesPort {
  return {
    async certificatesPage(): Promise<CertificatesPage> {
      const page = await callJson<{ frame: { portal_name: string; display_name: string | null }; customers: CertificateCustomerJson[] }>(rpc, "certificates_page");
      return {
        frame: { portalName: page.frame.portal_name, displayName: page.frame.display_name ?? "" },
        customers: page.customers.map((c) => ({
          customerId: c.customer_id,
          serviceNumcli: c.service_numcli,
          serviceName: c.service_name,
          customerNumber: c.customer_number,
          displayName: c.display_name,
          years: c.years,
        })),
      };
    },
    async paymentCertificate({ customerId, year }): Promise<PaymentCertificate | null> {
      const value = await rpc.call("payment_certificate", {
        p_customer_id: customerId,
        p_year: year,
      });
      if (value === null) return null;
      if (typeof value !== "object" || Array.isArray(value)) {
        throw rpc.answerError("payment_certificate", `answered ${JSON.stringify(value)} instead of an object or null`);
      }
      const j = value as unknown as CertificateJson;
      return {
        service: { numcli: j.service.numcli, name: j.service.name, postalAddress: j.service.postal_address },
        customer: { customerNumber: j.customer.customer_number, displayName: j.customer.display_name },
        year: j.year,
        invoices: j.invoices.map((i) => ({ paidOn: i.paid_on, number: i.number, object: i.object, amountCents: Number(i.amount_cents) })),
        totalCents: Number(j.total_cents),
      };
    },
  };
}

interface CertificateCustomerJson {
  customer_id: string;
  service_numcli: string;
  service_name: string;
  customer_number: string;
  display_name: string;
  years: number[];
}

interface CertificateJson {
  service: { numcli: string; name: string; postal_address: string | null };
  customer: { customer_number: string; display_name: string };
  year: number;
  invoices: { paid_on: string; number: string; object: string; amount_cents: number }[];
  total_cents: number;
}
