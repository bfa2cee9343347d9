import type { Env } from "./env";
import { kickOutbox } from "./outbox";
import { runReconciliation } from "./payment/reconcile";
import type { Backend } from "./ports/backend";
import { runDueReminders } from "./reminders";
import { purgeJob } from "./retention";

/**
 * The in-process background jobs (outbox sender, payment reconciliation, retention purge, reminders). Started once, by the
 * servers' start-up path only (startBackend in ./backend.ts), never by importing a module: a
 * script or a test that opens the backend schedules nothing. The jobs get the backend as a
 * parameter, so this module and the jobs never import ./backend.
 */
export interface Scheduled {
  /** Cancels the next runs (a run under way finishes). */
  stop(): void;
}

/**
 * Runs `fn` every `seconds` (0 or less: never). Single-flight: a tick that comes while the previous
 * run is still under way is skipped, so runs never overlap. A run that throws or rejects is
 * logged; the schedule goes on. The timer does not keep the process alive.
 */
export function every(seconds: number, fn: () => unknown): Scheduled {
  if (!(seconds > 0)) return { stop() {} };
  let busy = false;
  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    void (async () => {
      try {
        await fn();
      } catch (error) {
        console.error("jobs: a scheduled run failed; the next one tries again", error);
      } finally {
        busy = false;
      }
    })();
  }, seconds * 1000);
  (timer as { unref?: () => void }).unref?.();
  return { stop: () => clearInterval(timer) };
}

export type JobSettings = Pick<Env, "backend" | "OUTBOX_POLL_SECONDS" | "PAYMENTS_RECONCILE_SECONDS" | "RETENTION_PURGE_SECONDS"> &
  Partial<Pick<Env, "REMINDER_JOB_SECONDS">>;

let started: Scheduled | undefined;

/**
 * Starts the job timers of this process, once (a second call returns the first schedule).
 * Defaults: every 30 s (outbox), 60 s (reconciliation) and daily (retention purge, also run once
 * at start: a server restarted more often than daily still purges) with the embedded default; off
 * with Supabase, where a cron calls the /taches/* routes (docs/mail.md, docs/payment.md,
 * docs/staff-settings.md).
 */
export function startJobs(backend: Backend, settings: JobSettings): Scheduled {
  if (started) return started;
  const embedded = settings.backend === "embedded";
  const outboxSeconds = settings.OUTBOX_POLL_SECONDS ?? (embedded ? 30 : 0);
  const reconcileSeconds = settings.PAYMENTS_RECONCILE_SECONDS ?? (embedded ? 60 : 0);
  const purgeSeconds = settings.RETENTION_PURGE_SECONDS ?? (embedded ? 86_400 : 0);
  // Reminders before the due date: hourly embedded (each invoice is reminded once ever, so the
  // period only sets how soon after midnight a reminder leaves); a cron with Supabase.
  const reminderSeconds = settings.REMINDER_JOB_SECONDS ?? (embedded ? 3600 : 0);
  const jobs = [
    every(reminderSeconds, () => runDueReminders(backend)),
    every(outboxSeconds, () => kickOutbox(backend)),
    every(reconcileSeconds, () => runReconciliation(backend)),
    every(purgeSeconds, () => purgeJob(backend)),
  ];
  if (outboxSeconds > 0) void kickOutbox(backend); // what a previous process left behind
  if (purgeSeconds > 0) {
    void purgeJob(backend).catch((error: unknown) => console.error("jobs: the retention purge at start failed; the next one tries again", error));
  }
  const schedule: Scheduled = {
    stop() {
      for (const job of jobs) job.stop();
      if (started === schedule) started = undefined;
    },
  };
  started = schedule;
  return schedule;
}
