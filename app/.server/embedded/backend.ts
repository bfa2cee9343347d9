import type { Env } from "../env";
import { selectMailTransport } from "../mail-transport";
import type { AccountRulesPort, SessionUser } from "../ports/accounts";
import type { Backend } from "../ports/backend";
import type { DataPort } from "../ports/contact";
import type { DevMailboxPort, EmbeddedExtras, OutboxEmail } from "../ports/dev";
import type { OutboxPort } from "../ports/outbox";
import { createEmbeddedAccounts } from "./auth";
import { openDatabase, type Database } from "./database";
import { createEmbeddedInvoiceFiles } from "./files";
import { createEmbeddedRpc } from "./rpc";
import { createResidentData } from "../data/resident";
import type { Rpc } from "../data/rpc";
import { DgfipSimulator } from "../payment/simulator";
import { createOutbox, createPaymentResults, outboxMessage, type OutboxMessageRow } from "../data/server-side";
import { createRetention } from "../retention";
import { createAccountRules, createDataPort } from "../data/public-side";
import type { PaymentResultsPort } from "../ports/payment";

/**
 * What the embedded default has on top of the ports (app/.server/ports/dev.ts): the outbox viewer
 * and the DGFiP simulator, with the simulator's own type (tests drive it further: idle, deliverDue).
 * Routes get them through getEmbeddedExtras() (app/.server/backend.ts), never from here.
 */
export interface EmbeddedAdapterExtras extends EmbeddedExtras {
  paymentSimulator: DgfipSimulator;
}

/** The embedded backend: the ports, and its extras beside them (not a member of `Backend`). */
export interface EmbeddedBackend extends Backend {
  kind: "embedded";
  extras: EmbeddedAdapterExtras;
}

/**
 * The embedded default: PGlite in `${DATA_DIR}/pglite`, seeded on first start. The port
 * mappings stay thin: every rule is in the SQL functions they call.
 */
export async function createEmbeddedBackend(config: Env): Promise<EmbeddedBackend> {
  const db = await openDatabase({ dataDir: config.DATA_DIR, seed: true });
  // The HTTP servers (server/node.js, server/deno.js) call this on SIGINT/SIGTERM: PGlite flushes
  // and the DATA_DIR lock is released, so a restart right after Ctrl-C is not refused.
  (globalThis as { __portalShutdown?: () => Promise<void> }).__portalShutdown = () => db.close();
  return createEmbeddedBackendFor(db, config);
}

/** The backend over an already open database (tests open theirs from a snapshot). */
export function createEmbeddedBackendFor(db: Database, config: Env): EmbeddedBackend {
  return {
    kind: "embedded",
    data: createEmbeddedDataPort(db),
    accounts: createEmbeddedAccounts(db, config),
    accountRules: createEmbeddedAccountRules(db),
    // One transaction per call as the resident, with their session id (SQL checks it is live).
    residentData: (_accounts, user) => createResidentData(residentRpc(db, user)),
    residentFiles: (_accounts, user) => createEmbeddedInvoiceFiles(residentRpc(db, user), config.DATA_DIR),
    outbox: createEmbeddedOutbox(db),
    mailTransport: selectMailTransport(config),
    paymentResults: createEmbeddedPaymentResults(db),
    retention: createRetention(serviceRpc(db)),
    extras: {
      devMailbox: createEmbeddedDevMailbox(db),
      // The simulator keeps its state in this database (its own schema, created on first use).
      paymentSimulator: new DgfipSimulator(db),
    },
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

/** DataPort as anon (what anyone may read) and the service role (the same port as the Supabase adapter's: app/.server/data/public-side.ts). */
export function createEmbeddedDataPort(db: Database): DataPort {
  return createDataPort({ anon: createEmbeddedRpc(db, { role: "anon" }), service: serviceRpc(db) });
}

/** The login and e-mail rules, as the service role (the same port as the Supabase adapter's). */
export function createEmbeddedAccountRules(db: Database): AccountRulesPort {
  return createAccountRules(serviceRpc(db));
}

/** The sender's side of the outbox, as the service role (the same port as the Supabase adapter's). */
export function createEmbeddedOutbox(db: Database): OutboxPort {
  return createOutbox(serviceRpc(db));
}

export function createEmbeddedDevMailbox(db: Database): DevMailboxPort {
  return {
    async list(limit) {
      const { rows } = await db.asService((tx) =>
        tx.query<OutboxMessageRow & { status: string; created_at: Date }>(
          `select id, kind, to_address, reply_to, subject, html_body, text_body, status::text as status, created_at
           from portal.email_outbox order by created_at desc, id desc limit $1`,
          [limit],
        ),
      );
      return rows.map((r): OutboxEmail => ({ ...outboxMessage(r), status: r.status, createdAt: new Date(r.created_at).toISOString() }));
    },
  };
}
