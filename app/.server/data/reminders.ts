import type { ReminderChoices, ReminderQueueResult, RemindersPage, RemindersPort, ResidentRemindersPort } from "../ports/reminders";
import { callJson, type Rpc } from "./rpc";

/**
 * « Me prévenir par e-mail » over `rpc`, for both backends
 * (supabase/migrations/20261205090000_email_reminders.sql): the resident's page and choice (as
 * the resident), the queueing functions and the unsubscribe (as the service role).
 */
export function residentReminders(rpc: Rpc): ResidentRemindersPort {
  return {
    async remindersPage(): Promise<RemindersPage> {
      const page = await callJson<{ frame: { portal_name: string; display_name: string | null }; new_invoices: boolean; due_soon: boolean; due_days: number }>(
        rpc,
        "reminders_page",
      );
      return {
        frame: { portalName: page.frame.portal_name, displayName: page.frame.display_name ?? "" },
        newInvoices: page.new_invoices === true,
        dueSoon: page.due_soon === true,
        dueDays: Number(page.due_days),
      };
    },
    async setReminders(choices: ReminderChoices): Promise<ReminderChoices> {
      const stored = await callJson<{ new_invoices: boolean; due_soon: boolean }>(rpc, "set_reminder_preferences", {
        p_new_invoices: choices.newInvoices,
        p_due_soon: choices.dueSoon,
      });
      return { newInvoices: stored.new_invoices === true, dueSoon: stored.due_soon === true };
    },
  };
}

interface QueueJson {
  emails: number;
  invoices: number;
  more: boolean;
  dry_run?: boolean;
  due_days?: number;
}

function toQueueResult(fn: "queue_new_invoice_notices" | "queue_due_reminders", rpc: Rpc, value: QueueJson): ReminderQueueResult {
  if (typeof value.emails !== "number" || typeof value.invoices !== "number" || typeof value.more !== "boolean") {
    throw rpc.answerError(fn, `answered ${JSON.stringify(value)}`);
  }
  return { emails: value.emails, invoices: value.invoices, more: value.more };
}

/** The service role's side: public.queue_new_invoice_notices, public.queue_due_reminders, public.reminders_unsubscribe. */
export function createReminders(rpc: Rpc): RemindersPort {
  return {
    async queueNewInvoiceNotices() {
      return toQueueResult("queue_new_invoice_notices", rpc, await callJson<QueueJson>(rpc, "queue_new_invoice_notices", {}));
    },
    async queueDueReminders(options = {}) {
      const value = await callJson<QueueJson>(rpc, "queue_due_reminders", {
        ...(options.accounts !== undefined ? { p_accounts: options.accounts } : {}),
        ...(options.dryRun ? { p_dry_run: true } : {}),
      });
      return { ...toQueueResult("queue_due_reminders", rpc, value), dryRun: value.dry_run === true, dueDays: Number(value.due_days) };
    },
    async unsubscribe(accountId: string) {
      const value = await rpc.call("reminders_unsubscribe", { p_account_id: accountId });
      if (typeof value !== "boolean") throw rpc.answerError("reminders_unsubscribe", `answered ${JSON.stringify(value)} instead of a boolean`);
      return value;
    },
  };
}
