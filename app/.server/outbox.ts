import type { Backend } from "./ports/backend";
import type { SendResult } from "./ports/outbox";

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

export async function deliverDueEmails(
  backend: Pick<Backend, "outbox" | "mailTransport">,
  options: DeliveryOptions = {},
): Promise<DeliverySummary> {
  const { batchSize = 10, maxBatches = 10, leaseSeconds = 120 } = options;
  const summary: DeliverySummary = { sent: 0, retried: 0, failed: 0 };
  for (let round = 0; round < maxBatches; round++) {
    const claimed = await backend.outbox.claim(batchSize, leaseSeconds);
    if (claimed.length === 0) break;
    for (const email of claimed) {
      let result: SendResult;
      try {
        result = await backend.mailTransport.send(email);
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

type OutboxBackend = Pick<Backend, "outbox" | "mailTransport">;

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
