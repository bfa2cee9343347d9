import type { Env } from "../env";
import type {
  AccountRulesPort,
  Backend,
  DataPort,
  DevMailboxPort,
  InvoiceCounts,
  InvoiceDetail,
  InvoiceRow,
  InvoiceStatus,
  OutboxEmail,
  ResidentDataPort,
  SessionUser,
} from "../ports";
import { createEmbeddedAccounts } from "./auth";
import { openDatabase, type Database } from "./database";
import { createEmbeddedInvoiceFiles } from "./files";

/**
 * The embedded default: PGlite in `${DATA_DIR}/pglite`, seeded on first start. The port
 * mappings stay thin: every rule is in the SQL functions they call.
 */
export async function createEmbeddedBackend(config: Env): Promise<Backend> {
  const db = await openDatabase({ dataDir: config.DATA_DIR, seed: true });
  return createEmbeddedBackendFor(db, config);
}

/** The backend over an already open database (tests open theirs from a snapshot). */
export function createEmbeddedBackendFor(db: Database, config: Env): Backend {
  return {
    kind: "embedded",
    data: createEmbeddedDataPort(db),
    accounts: createEmbeddedAccounts(db, config),
    accountRules: createEmbeddedAccountRules(db),
    residentData: (_accounts, user) => createEmbeddedResidentData(db, user),
    residentFiles: (_accounts, user) => createEmbeddedInvoiceFiles(db, user, config.DATA_DIR),
    devMailbox: createEmbeddedDevMailbox(db),
  };
}

export function createEmbeddedDataPort(db: Database): DataPort {
  return {
    async ping() {
      const { rows } = await db.asService((tx) =>
        tx.query<{ ok: boolean }>("select public.health_check() as ok"),
      );
      if (rows[0]?.ok !== true) throw new Error("health_check() did not answer true");
    },
    async portalPublicInfo() {
      const { rows } = await db.asAnon((tx) =>
        tx.query<{ portal_name: string }>("select portal_name from public.portal_public_info()"),
      );
      const row = rows[0];
      if (!row) throw new Error("portal_public_info() returned no row");
      return { portalName: row.portal_name };
    },
  };
}

export function createEmbeddedAccountRules(db: Database): AccountRulesPort {
  const scalar = async <T>(sql: string, params: unknown[]): Promise<T> => {
    const { rows } = await db.asService((tx) => tx.query<{ value: T }>(sql, params));
    return rows[0]!.value;
  };
  const toDate = (value: Date | string | null) => (value === null ? null : new Date(value));
  return {
    activationStatus: (email) =>
      scalar<"unknown_email" | "already_active" | "eligible">("select public.account_activation_status($1) as value", [email]),
    throttleCheck: async (email, client) =>
      toDate(await scalar<Date | null>("select public.login_throttle_check($1, $2) as value", [email, client])),
    throttleRecordFailure: async (email, client) =>
      toDate(await scalar<Date | null>("select public.login_throttle_record_failure($1, $2) as value", [email, client])),
    throttleClear: async (email) => {
      await db.asService((tx) => tx.query("select public.login_throttle_clear($1)", [email]));
    },
  };
}

export function createEmbeddedResidentData(db: Database, user: SessionUser): ResidentDataPort {
  return {
    async myCustomers() {
      const { rows } = await db.asUser(user.id, user.email, (tx) =>
        tx.query<{
          customer_id: string;
          customer_number: string;
          display_name: string;
          email: string | null;
          paper_invoices: boolean;
          service_id: string;
          service_name: string;
        }>("select * from public.my_customers()"),
      );
      return rows.map((r) => ({
        customerId: r.customer_id,
        customerNumber: r.customer_number,
        displayName: r.display_name,
        email: r.email,
        paperInvoices: r.paper_invoices,
        serviceId: r.service_id,
        serviceName: r.service_name,
      }));
    },

    async portalHome() {
      const { rows } = await db.asUser(user.id, user.email, (tx) =>
        tx.query<{ announcement: string | null; welcome_message: string }>("select * from public.portal_home()"),
      );
      const row = rows[0];
      return { announcement: row?.announcement ?? null, welcomeMessage: row?.welcome_message ?? "" };
    },

    async myInvoices({ status, limit, after }) {
      const { rows } = await db.asUser(user.id, user.email, (tx) =>
        tx.query<InvoiceSqlRow>(
          `select ${INVOICE_COLUMNS} from public.my_invoices($1::portal.invoice_status, $2, $3::date, $4::uuid)`,
          [status, limit, after?.issuedOn ?? null, after?.id ?? null],
        ),
      );
      return rows.map(toInvoiceRow);
    },

    async myInvoiceCounts() {
      const { rows } = await db.asUser(user.id, user.email, (tx) =>
        tx.query<{ status: InvoiceStatus; invoice_count: number }>(
          "select status::text as status, invoice_count from public.my_invoice_counts()",
        ),
      );
      const counts: InvoiceCounts = { unpaid: 0, paid: 0, treasury: 0 };
      for (const r of rows) counts[r.status] = r.invoice_count;
      return counts;
    },

    async myInvoice(id) {
      const { rows } = await db.asUser(user.id, user.email, (tx) =>
        tx.query<InvoiceSqlRow & { paid_at: Date | null; service_id: string; payment_suspended: boolean; has_pdf: boolean }>(
          `select ${INVOICE_COLUMNS}, paid_at, service_id, payment_suspended, has_pdf from public.my_invoice($1::uuid)`,
          [id],
        ),
      );
      const r = rows[0];
      if (!r) return null;
      return {
        ...toInvoiceRow(r),
        paidAt: r.paid_at ? new Date(r.paid_at).toISOString() : null,
        serviceId: r.service_id,
        paymentSuspended: r.payment_suspended,
        hasPdf: r.has_pdf,
      } satisfies InvoiceDetail;
    },
  };
}

// SQL dates come back as text (PGlite would make them UTC Date objects): no time-zone shift.
const INVOICE_COLUMNS = `id, number, to_char(issued_on, 'YYYY-MM-DD') as issued_on, to_char(due_on, 'YYYY-MM-DD') as due_on,
  amount_cents, object, status::text as status, customer_id, customer_number, customer_name, service_name`;

interface InvoiceSqlRow {
  id: string;
  number: string;
  issued_on: string;
  due_on: string;
  amount_cents: number | bigint;
  object: string;
  status: InvoiceStatus;
  customer_id: string;
  customer_number: string;
  customer_name: string;
  service_name: string;
}

function toInvoiceRow(r: InvoiceSqlRow): InvoiceRow {
  return {
    id: r.id,
    number: r.number,
    issuedOn: r.issued_on,
    dueOn: r.due_on,
    amountCents: Number(r.amount_cents),
    object: r.object,
    status: r.status,
    customerId: r.customer_id,
    customerNumber: r.customer_number,
    customerName: r.customer_name,
    serviceName: r.service_name,
  };
}

export function createEmbeddedDevMailbox(db: Database): DevMailboxPort {
  return {
    async list(limit) {
      const { rows } = await db.asService((tx) =>
        tx.query<{ id: string; kind: string; to_address: string; subject: string; html_body: string; text_body: string; status: string; created_at: Date }>(
          `select id, kind, to_address, subject, html_body, text_body, status::text as status, created_at
           from portal.email_outbox order by created_at desc, id desc limit $1`,
          [limit],
        ),
      );
      return rows.map(
        (r): OutboxEmail => ({
          id: r.id,
          kind: r.kind,
          to: r.to_address,
          subject: r.subject,
          html: r.html_body,
          text: r.text_body,
          status: r.status,
          createdAt: new Date(r.created_at).toISOString(),
        }),
      );
    },
  };
}
