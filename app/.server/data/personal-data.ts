import type { PersonalData, ResidentPersonalDataPort } from "../ports/personal-data";
import { callJson, type Rpc } from "./rpc";

/**
 * The resident's personal data export over `rpc`, for both backends: one call of
 * public.my_personal_data() (supabase/migrations/20261203090200_personal_data_export.sql), whose
 * snake_case JSON is mapped here to app/.server/ports/personal-data.ts.
 */
export function residentPersonalData(rpc: Rpc): ResidentPersonalDataPort {
  return {
    async personalData() {
      const j = await callJson<PersonalDataJson>(rpc, "my_personal_data");
      return {
        generatedAt: iso(j.generated_at),
        portalName: j.portal_name,
        account: {
          email: j.account?.email ?? "",
          createdAt: isoOrNull(j.account?.created_at ?? null),
          activatedAt: isoOrNull(j.account?.activated_at ?? null),
          lastSignInAt: isoOrNull(j.account?.last_sign_in_at ?? null),
        },
        customers: j.customers.map((c) => ({
          customerNumber: c.customer_number,
          displayName: c.display_name,
          email: c.email,
          paperInvoices: c.paper_invoices,
          serviceName: c.service_name,
        })),
        invoices: j.invoices.map((i) => ({
          number: i.number,
          issuedOn: i.issued_on,
          dueOn: i.due_on,
          amountCents: Number(i.amount_cents),
          object: i.object,
          status: i.status,
          paidAt: isoOrNull(i.paid_at),
          customerNumber: i.customer_number,
          serviceName: i.service_name,
        })),
        payments: j.payments.map((p) => ({
          createdAt: iso(p.created_at),
          amountCents: Number(p.amount_cents),
          invoiceNumbers: p.invoice_numbers ?? [],
          provider: p.provider,
          serviceName: p.service_name,
          refdet: p.refdet,
          idop: p.idop,
          numauto: p.numauto,
          status: p.status,
          transactionAt: isoOrNull(p.transaction_at),
        })),
        messages: j.messages.map((m) => ({
          createdAt: iso(m.created_at),
          serviceName: m.service_name,
          senderName: m.sender_name,
          senderEmail: m.sender_email,
          customerNumbers: m.customer_numbers ?? [],
          subject: m.subject,
          body: m.body,
        })),
        paperOptoutRequests: j.paper_optout_requests.map((r) => ({
          requestedAt: iso(r.requested_at),
          customerNumber: r.customer_number,
          serviceName: r.service_name,
        })),
      };
    },
  };
}

/** A timestamptz as JSON: ISO with offset. */
const iso = (v: string) => new Date(v).toISOString();
const isoOrNull = (v: string | null) => (v ? iso(v) : null);

/** public.my_personal_data()'s answer, as PostgreSQL serialises it. */
interface PersonalDataJson {
  generated_at: string;
  portal_name: string;
  account: { email: string; created_at: string | null; activated_at: string | null; last_sign_in_at: string | null } | null;
  customers: { customer_number: string; display_name: string; email: string | null; paper_invoices: boolean; service_name: string }[];
  invoices: {
    number: string;
    issued_on: string;
    due_on: string;
    amount_cents: number;
    object: string;
    status: PersonalData["invoices"][number]["status"];
    paid_at: string | null;
    customer_number: string;
    service_name: string;
  }[];
  payments: {
    created_at: string;
    amount_cents: number;
    invoice_numbers: string[] | null;
    provider: PersonalData["payments"][number]["provider"];
    service_name: string | null;
    refdet: string;
    idop: string | null;
    numauto: string | null;
    status: PersonalData["payments"][number]["status"];
    transaction_at: string | null;
  }[];
  messages: {
    created_at: string;
    service_name: string | null;
    sender_name: string;
    sender_email: string;
    customer_numbers: string[] | null;
    subject: string | null;
    body: string;
  }[];
  paper_optout_requests: { requested_at: string; customer_number: string | null; service_name: string | null }[];
}
