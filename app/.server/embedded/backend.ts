import type { Env } from "../env";
import { selectMailTransport } from "../mail-transport";
import type {
  AccountRulesPort,
  Backend,
  DataPort,
  DevMailboxPort,
  OutboxEmail,
  ContactService,
  OutboxPort,
  PublicContactResult,
  SessionUser,
} from "../ports";
import { createEmbeddedAccounts } from "./auth";
import { openDatabase, type Database } from "./database";
import { createEmbeddedInvoiceFiles } from "./files";
import { createEmbeddedRpc } from "./rpc";
import { createResidentData } from "../data/resident";
import type { Rpc } from "../data/rpc";
import { DgfipSimulator } from "../payment/simulator";
import { createOutbox, createPaymentResults } from "../data/server-side";
import type { PaymentResultsPort } from "../ports";

/**
 * The embedded default: PGlite in `${DATA_DIR}/pglite`, seeded on first start. The port
 * mappings stay thin: every rule is in the SQL functions they call.
 */
export async function createEmbeddedBackend(config: Env): Promise<Backend> {
  const db = await openDatabase({ dataDir: config.DATA_DIR, seed: true });
  // The HTTP servers (server/node.js, server/deno.js) call this on SIGINT/SIGTERM: PGlite flushes
  // and the DATA_DIR lock is released, so a restart right after Ctrl-C is not refused.
  (globalThis as { __portalShutdown?: () => Promise<void> }).__portalShutdown = () => db.close();
  return createEmbeddedBackendFor(db, config);
}

/** The backend over an already open database (tests open theirs from a snapshot). */
export function createEmbeddedBackendFor(db: Database, config: Env): Backend {
  return {
    kind: "embedded",
    data: createEmbeddedDataPort(db),
    accounts: createEmbeddedAccounts(db, config),
    accountRules: createEmbeddedAccountRules(db),
    // One transaction per call as the resident, with their session id (SQL checks it is live).
    residentData: (_accounts, user) => createResidentData(residentRpc(db, user)),
    residentFiles: (_accounts, user) => createEmbeddedInvoiceFiles(residentRpc(db, user), config.DATA_DIR),
    devMailbox: createEmbeddedDevMailbox(db),
    outbox: createEmbeddedOutbox(db),
    mailTransport: selectMailTransport(config),
    paymentResults: createEmbeddedPaymentResults(db),
    // The simulator keeps its state in this database (its own schema, created on first use).
    paymentSimulator: new DgfipSimulator(db),
  };
}

/** Rpc as the signed-in resident, the way PostgREST runs their requests (claims incl. session_id). */
export function residentRpc(db: Database, user: SessionUser): Rpc {
  return createEmbeddedRpc(db, { role: "authenticated", userId: user.id, email: user.email, sessionId: user.sessionId });
}

/** Rpc as the service role (the server's own ports). */
const serviceRpc = (db: Database): Rpc => createEmbeddedRpc(db, { role: "service_role" });

/** Payment results as the service role (the same port as the Supabase adapter's: app/.server/data/server-side.ts). */
export function createEmbeddedPaymentResults(db: Database): PaymentResultsPort {
  return createPaymentResults(serviceRpc(db));
}

interface ContactServiceRow {
  service_id: string;
  service_name: string;
  general_info: string;
  /** Absent from public_contact_services(), which lists only services that receive messages. */
  accepts_messages?: boolean;
}

const toContactService = (r: ContactServiceRow): ContactService => ({
  serviceId: r.service_id,
  serviceName: r.service_name,
  generalInfo: r.general_info,
  acceptsMessages: r.accepts_messages ?? true,
});

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
    async publicContactServices() {
      const { rows } = await db.asAnon((tx) => tx.query<ContactServiceRow>("select * from public.public_contact_services()"));
      return rows.map(toContactService);
    },
    async sendPublicContactMessage(input): Promise<PublicContactResult> {
      const { rows } = await db.asService((tx) =>
        tx.query<{ result: { status: "sent" | "throttled"; retry_at?: string } }>(
          "select public.send_public_contact_message($1, $2, $3, $4, $5, $6, $7) as result",
          [input.serviceId, input.email, input.name, input.customerNumber, input.subject, input.body, input.client],
        ),
      );
      const result = rows[0]!.result;
      return result.status === "throttled" ? { status: "throttled", retryAt: new Date(result.retry_at!) } : { status: "sent" };
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
    loginCheck: async (email, client) =>
      toDate(await scalar<Date | null>("select public.login_attempt_check($1, $2) as value", [email, client])),
    loginFailed: async (email, client) =>
      toDate(await scalar<Date | null>("select public.login_attempt_failed($1, $2) as value", [email, client])),
    loginSucceeded: async (email, client) => {
      await db.asService((tx) => tx.query("select public.login_attempt_succeeded($1, $2)", [email, client]));
    },
    authMailRequest: async (email, client) =>
      toDate(await scalar<Date | null>("select public.auth_mail_request($1, $2) as value", [email, client])),
  };
}

/** The sender's side of the outbox, as the service role (the same port as the Supabase adapter's). */
export function createEmbeddedOutbox(db: Database): OutboxPort {
  return createOutbox(serviceRpc(db));
}

export function createEmbeddedDevMailbox(db: Database): DevMailboxPort {
  return {
    async list(limit) {
      const { rows } = await db.asService((tx) =>
        tx.query<{ id: string; kind: string; to_address: string; reply_to: string | null; subject: string; html_body: string; text_body: string; status: string; created_at: Date }>(
          `select id, kind, to_address, reply_to, subject, html_body, text_body, status::text as status, created_at
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
          replyTo: r.reply_to,
        }),
      );
    },
  };
}
