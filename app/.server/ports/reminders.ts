import type { PageFrame } from "./invoices";

/**
 * « Me prévenir par e-mail »: opt-in reminder e-mails and their one-click unsubscribe
 * (supabase/migrations/20261205090000_email_reminders.sql, docs/decisions/0039-email-reminders.md).
 */

/** The signed-in account's two choices (both off until the resident turns one on). */
export interface ReminderChoices {
  /** « quand une nouvelle facture est disponible » */
  newInvoices: boolean;
  /** « quelques jours avant la date d'échéance d'une facture à régler » */
  dueSoon: boolean;
}

export interface RemindersPage extends ReminderChoices {
  frame: PageFrame;
  /** How many days before the due date (SQL: portal.reminder_due_days()). */
  dueDays: number;
}

/** requireResident(request, { reminders: true }) */
export interface ResidentRemindersPort {
  /** public.reminders_page() */
  remindersPage(): Promise<RemindersPage>;
  /** public.set_reminder_preferences(): the choices as stored. */
  setReminders(choices: ReminderChoices): Promise<ReminderChoices>;
}

/** What one call of a queueing function wrote (or, dry run, would write). */
export interface ReminderQueueResult {
  emails: number;
  invoices: number;
  /** More accounts were waiting than one call takes: call again. */
  more: boolean;
}

/** The server's side (service role): the jobs and the unsubscribe link. */
export interface RemindersPort {
  /** public.queue_new_invoice_notices(): called right after an import. */
  queueNewInvoiceNotices(): Promise<ReminderQueueResult>;
  /** public.queue_due_reminders(): the reminder job. */
  queueDueReminders(options?: { dryRun?: boolean; accounts?: number }): Promise<ReminderQueueResult & { dryRun: boolean; dueDays: number }>;
  /** public.reminders_unsubscribe(): both choices off; false when the account does not exist. */
  unsubscribe(accountId: string): Promise<boolean>;
}

/**
 * The signed unsubscribe link (HMAC of the account id and the link's purpose with the deployment's
 * link secret: app/.server/reminders-links.ts). `null` everywhere when no secret is available
 * (Supabase without MAIL_LINK_SECRET): reminders then stay pending and /desabonnement answers 400.
 */
export interface MailLinksPort {
  /** The public origin of the configuration (SITE_URL), never a request's (docs/decisions/0012-link-sessions-and-public-origin.md). */
  readonly siteOrigin: string;
  /** The absolute unsubscribe URL for `accountId`, from the public origin of the configuration. */
  unsubscribeUrl(accountId: string): Promise<string | null>;
  /** The account a token was signed for; null: forged, malformed, or no secret. */
  unsubscribeAccount(token: string): Promise<string | null>;
}
