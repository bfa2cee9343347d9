import type { AccountRulesPort, AccountsPort, RequestAccounts, SessionUser } from "./accounts";
import type { DataPort } from "./contact";
import type { InvoiceFilesPort } from "./files";
import type { ResidentDataPort } from "./resident";
import type { MailTransport, OutboxPort } from "./outbox";
import type { PaymentResultsPort } from "./payment";
import type { MailLinksPort, RemindersPort } from "./reminders";
import type { RetentionPort } from "./retention";

/**
 * Ports: what the routes may ask of the outside world, one module per domain in this folder
 * (accounts, invoices, contact, payment, outbox, files; dev for the embedded default's local
 * pages). Routes import these types and `getBackend()` only — never supabase-js, PGlite or
 * postmark (docs/architecture.md).
 *
 * Each port has two adapters: `supabase/` (production) and `embedded/` (PGlite, default).
 * Both call the same SQL functions of `supabase/migrations/`: the rules live there.
 */
export interface Backend {
  kind: "embedded" | "supabase";
  data: DataPort;
  accounts: AccountsPort;
  accountRules: AccountRulesPort;
  /** Data reads as the signed-in user of `accounts` (same request). */
  residentData(accounts: RequestAccounts, user: SessionUser): ResidentDataPort;
  /** Invoice PDFs as the signed-in user of `accounts` (same request). */
  residentFiles(accounts: RequestAccounts, user: SessionUser): InvoiceFilesPort;
  /** The e-mail outbox as the sender sees it (service role, SQL outbox_* functions). */
  outbox: OutboxPort;
  /** Provider results and reconciliation (service role, SQL apply_payment_result & co). */
  paymentResults: PaymentResultsPort;
  /** Where claimed e-mails go: Postmark, or the local capture of the embedded default. */
  mailTransport: MailTransport;
  /** The retention purge (service role, SQL purge_expired). */
  retention: RetentionPort;
  /** Reminder e-mails: queueing and unsubscribe (service role, SQL queue_* and reminders_unsubscribe). */
  reminders: RemindersPort;
  /** The signed unsubscribe links of reminder e-mails (app/.server/reminders-links.ts). */
  mailLinks: MailLinksPort;
}
