import type { Backend } from "./ports/backend";
import type { ClaimedEmail, SendResult } from "./ports/outbox";
import { personalizeEmail } from "./reminders-links";

/**
 * The outbox sender, the same for both backends: claim due e-mails (SQL lease), hand each to the
 * transport, record the outcome. Rules (what is due, backoff, who may mark) are in SQL.
 *
 * Delivery is at least once: if the process dies after Postmark accepted an e-mail but before
 * outbox_mark_sent commits, the lease ends and the e-mail is sent again. The window is one HTTP
 * answer plus one UPDATE; marking is retried a few times in-process to keep it that small.
 */
export interface DeliverySummary {
  sent: number;
  retried: number;
  failed: number;
}

export interface DeliveryOptions {
  /** E-mails claimed per round. */
  batchSize?: number;
  /** Rounds per run (a run stops earlier when nothing is due). */
  maxBatches?: number;
  /** How long a claim protects a row from other senders: far above the transport's timeout. */
  leaseSeconds?: number;
}

async function withRetries<T>(fn: () => Promise<T>, tries = 3): Promise<T> {
  let lastError: unknown;
  for (let i = 0; i < tries; i++) {
    try {
      return await fn();
    } catch (error) {
      lastError = error;
      await new Promise((resolve) => setTimeout(resolve, 200 * (i + 1)));
    }
  }
  throw lastError;
}

/** What the sender needs; mailLinks (reminders' unsubscribe links) is optional: without it, reminders wait. */
type SenderBackend = Pick<Backend, "outbox" | "mailTransport"> & Partial<Pick<Backend, "mailLinks">>;

/**
 * A broadcast e-mail (reminder) as it leaves: its signed unsubscribe link and the RFC 8058
 * headers filled in (app/.server/reminders-links.ts). A transient failure when the link cannot be
 * signed: the e-mail waits, it never leaves without its unsubscribe link.
 */
async function sendOne(backend: SenderBackend, email: ClaimedEmail): Promise<SendResult> {
  let ready: ClaimedEmail | null = email;
  if (email.stream === "broadcast") {
    ready = backend.mailLinks ? await personalizeEmail(email, backend.mailLinks) : null;
    if (!ready) return { status: "transient", error: "no MAIL_LINK_SECRET: the unsubscribe link cannot be signed; reminder kept in the outbox" };
  }
  return backend.mailTransport.send(ready);
}

export async function deliverDueEmails(backend: SenderBackend, options: DeliveryOptions = {}): Promise<DeliverySummary> {
  const { batchSize = 10, maxBatches = 10, leaseSeconds = 120 } = options;
  const summary: DeliverySummary = { sent: 0, retried: 0, failed: 0 };
  // Reminders are claimed only by a sender that can send them (a broadcast stream and link key).
  const broadcast = backend.mailTransport.broadcast === true && backend.mailLinks !== undefined;
  for (let round = 0; round < maxBatches; round++) {
    const claimed = await backend.outbox.claim(batchSize, leaseSeconds, { broadcast });
    if (claimed.length === 0) break;
    for (const email of claimed) {
      let result: SendResult;
      try {
        result = await sendOne(backend, email);
      } catch (error) {
        result = { status: "transient", error: `transport threw: ${String((error as Error)?.message ?? error)}` };
      }
      if (result.status === "accepted") {
        await withRetries(() => backend.outbox.markSent(email.id, email.claimToken, result.messageId));
        summary.sent++;
      } else if (result.status === "permanent") {
        await withRetries(() => backend.outbox.markFailed(email.id, email.claimToken, result.error));
        summary.failed++;
      } else {
        // If even this fails, the lease ends and the row is claimed again: nothing is lost.
        await withRetries(() => backend.outbox.markRetry(email.id, email.claimToken, result.error));
        summary.retried++;
      }
    }
    if (claimed.length < batchSize) break;
  }
  return summary;
}

type OutboxBackend = SenderBackend;

let running: Promise<DeliverySummary> | undefined;
let again = false;

/**
 * Sends what is due now, in the background of this process (after a request wrote to the outbox,
 * and on the timer of ./jobs.ts). One run at a time; a kick during a run makes it go round once
 * more. Never rejects: errors (opening the backend included) are logged and the rows wait for
 * the next run.
 */
export function kickOutbox(
  backend: OutboxBackend | PromiseLike<OutboxBackend>,
): Promise<DeliverySummary | undefined> {
  if (running) {
    again = true;
    Promise.resolve(backend).catch(() => undefined); // the run under way has its backend
    return running.catch(() => undefined);
  }
  running = (async () => {
    const ready = await backend;
    const total: DeliverySummary = { sent: 0, retried: 0, failed: 0 };
    do {
      again = false;
      const summary = await deliverDueEmails(ready);
      total.sent += summary.sent;
      total.retried += summary.retried;
      total.failed += summary.failed;
    } while (again);
    return total;
  })().finally(() => {
    running = undefined;
  });
  return running.catch((error: unknown) => {
    console.error("outbox: delivery run failed; e-mails stay in the outbox for the next run", error);
    return undefined;
  });
}

/** Resolves when the background run (if any) is over. For tests. */
export async function outboxIdle(): Promise<void> {
  while (running) await running.catch(() => undefined);
}
