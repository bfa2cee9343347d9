import type { Env } from "../env";
import type { AccountRulesPort, Backend, DataPort, DevMailboxPort, OutboxEmail, ResidentDataPort, SessionUser } from "../ports";
import { createEmbeddedAccounts } from "./auth";
import { openDatabase, type Database } from "./database";

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
