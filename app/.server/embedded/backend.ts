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
import { createReminders } from "../data/reminders";
import { createMailLinks, personalizeEmail, secretBytes } from "../reminders-links";
import type { MailLinksPort } from "../ports/reminders";
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
  const mailLinks = createEmbeddedMailLinks(db, config);
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
    reminders: createReminders(serviceRpc(db)),
    mailLinks,
    extras: {
      devMailbox: createEmbeddedDevMailbox(db, mailLinks),
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

/**
 * The unsubscribe links' key: MAIL_LINK_SECRET, else one derived from this database's own
 * signing key (auth.embedded_signing_keys, random, made on first start): links work with no
 * configuration and keep working across restarts; a new database voids them.
 */
export function createEmbeddedMailLinks(db: Database, config: Env): MailLinksPort {
  let key: Promise<Uint8Array<ArrayBuffer>> | undefined;
  const derive = async (): Promise<Uint8Array<ArrayBuffer>> => {
    if (config.MAIL_LINK_SECRET) return secretBytes(config.MAIL_LINK_SECRET);
    const { rows } = await db.pg.query<{ secret: Uint8Array }>("select secret from auth.embedded_signing_keys where name = 'pf_access'");
    const secret = rows[0]?.secret;
    if (!secret || secret.length < 32) throw new Error("Embedded database: no signing key to derive the mail link key from.");
    const base = await crypto.subtle.importKey("raw", new Uint8Array(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
    return new Uint8Array(await crypto.subtle.sign("HMAC", base, new TextEncoder().encode("mail-links")));
  };
  return createMailLinks(() => (key ??= derive().catch((error: unknown) => {
    key = undefined;
    throw error;
  })), config.siteOrigin);
}

export function createEmbeddedDevMailbox(db: Database, links: MailLinksPort): DevMailboxPort {
  return {
    async list(limit) {
      const { rows } = await db.asService((tx) =>
        tx.query<OutboxMessageRow & { status: string; created_at: Date; unsubscribe_account: string | null; stream: string }>(
          `select id, kind, to_address, reply_to, subject, html_body, text_body, status::text as status, created_at,
                  unsubscribe_account, stream
           from portal.email_outbox order by created_at desc, id desc limit $1`,
          [limit],
        ),
      );
      return Promise.all(
        rows.map(async (r): Promise<OutboxEmail> => {
          const email = { ...outboxMessage(r), status: r.status, createdAt: new Date(r.created_at).toISOString(), unsubscribeAccount: r.unsubscribe_account };
          // Reminders as they leave: links filled in, the RFC 8058 headers shown.
          const sent = await personalizeEmail(email, links);
          const { unsubscribeAccount: _account, ...shown } = sent ?? { ...email, headers: [] };
          return { ...shown, stream: r.stream === "broadcast" ? "broadcast" : "transactional" };
        }),
      );
    },
  };
}
