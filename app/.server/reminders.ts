import { kickOutbox } from "./outbox";
import type { Backend } from "./ports/backend";
import type { ReminderQueueResult, RemindersPort } from "./ports/reminders";

/**
 * « Me prévenir par e-mail » (docs/decisions/0039-email-reminders.md): the runs that write the
 * reminder e-mails into the outbox — after an import (new invoices) and the reminder job (invoices
 * due soon: the timer of ./jobs.ts, POST /taches/rappels, `npm run admin -- rappels`). Every rule
 * is in SQL (supabase/migrations/20261205090000_email_reminders.sql); here only the calls, batch
 * after batch (each a bounded number of accounts, one short transaction).
 */

/** The sum of a run's calls. */
export interface ReminderRunSummary {
  emails: number;
  invoices: number;
  calls: number;
  /** Accounts were still waiting when the run stopped at maxCalls (the next run goes on). */
  more: boolean;
}

async function repeat(call: () => Promise<ReminderQueueResult>, maxCalls: number): Promise<ReminderRunSummary> {
  const summary: ReminderRunSummary = { emails: 0, invoices: 0, calls: 0, more: false };
  do {
    const result = await call();
    summary.emails += result.emails;
    summary.invoices += result.invoices;
    summary.calls++;
    summary.more = result.more;
  } while (summary.more && summary.calls < maxCalls);
  return summary;
}

/** The import's hook: every « nouvelle facture » e-mail due now (app/.server/import/run.ts). */
export async function queueAllNewInvoiceNotices(reminders: RemindersPort, maxCalls = 100): Promise<ReminderRunSummary> {
  return repeat(() => reminders.queueNewInvoiceNotices(), maxCalls);
}

/**
 * The reminder job: the « bientôt à régler » e-mails (each invoice once ever), then a kick of
 * the outbox sender. A dry run is one call that counts and writes nothing.
 */
export async function runDueReminders(
  backend: Pick<Backend, "reminders"> & Partial<Pick<Backend, "outbox" | "mailTransport" | "mailLinks">>,
  options: { dryRun?: boolean; maxCalls?: number } = {},
): Promise<ReminderRunSummary & { dryRun: boolean }> {
  const dryRun = options.dryRun === true;
  const summary = await repeat(() => backend.reminders.queueDueReminders({ dryRun }), dryRun ? 1 : Math.max(1, options.maxCalls ?? 100));
  // Without a sender (npm run admin), the server's timer sends them.
  const { outbox, mailTransport, mailLinks } = backend;
  if (!dryRun && summary.emails > 0 && outbox && mailTransport) void kickOutbox({ outbox, mailTransport, mailLinks });
  return { ...summary, dryRun };
}
