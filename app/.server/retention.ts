import { callJson, type Rpc } from "./data/rpc";
import type { Backend } from "./ports/backend";
import type { PurgeBatch, PurgeOptions, RetentionPeriods, RetentionPort } from "./ports/retention";

/**
 * The retention purge (docs/decisions/0031-retention-purge.md): the port over
 * public.purge_expired, written once for both backends over the service role's Rpc, and the run
 * that calls it batch after batch — for the daily job (app/.server/jobs.ts), POST /taches/purge
 * and `npm run admin -- purge`.
 */

/** public.purge_expired's answer, as SQL writes it. */
export interface PurgeJson {
  now: string;
  batch: number;
  dry_run: boolean;
  periods: Record<string, number | null>;
  deleted: Record<string, number>;
  unset: string[];
  more: boolean;
}

const PERIOD_COLUMNS: Record<keyof RetentionPeriods, string> = {
  loginThrottleDays: "login_throttle_days",
  authLinksDays: "auth_links_days",
  sentMailBodiesDays: "sent_mail_bodies_days",
  contactMessagesMonths: "contact_messages_months",
  paperOptoutMonths: "paper_optout_months",
  paymentRecordsMonths: "payment_records_months",
};

function readable(value: Partial<PurgeJson>): value is PurgeJson {
  const numbers = (o: unknown, nullable: boolean) =>
    typeof o === "object" && o !== null && Object.values(o).every((v) => typeof v === "number" || (nullable && v === null));
  return (
    typeof value.now === "string" &&
    typeof value.batch === "number" &&
    typeof value.dry_run === "boolean" &&
    numbers(value.periods, true) &&
    numbers(value.deleted, false) &&
    Array.isArray(value.unset) &&
    value.unset.every((u) => typeof u === "string") &&
    typeof value.more === "boolean"
  );
}

/** public.purge_expired as the service role. */
export function createRetention(rpc: Rpc): RetentionPort {
  return {
    async purgeExpired(options: PurgeOptions = {}): Promise<PurgeBatch> {
      const value = await callJson<Partial<PurgeJson>>(rpc, "purge_expired", {
        ...(options.now ? { p_now: options.now.toISOString() } : {}),
        ...(options.batch !== undefined ? { p_batch: options.batch } : {}),
        ...(options.dryRun ? { p_dry_run: true } : {}),
      });
      if (!readable(value)) throw rpc.answerError("purge_expired", `answered ${JSON.stringify(value)}`);
      const periods = Object.fromEntries(
        Object.entries(PERIOD_COLUMNS).map(([key, column]) => [key, value.periods[column] ?? null]),
      ) as unknown as RetentionPeriods;
      return {
        now: new Date(value.now),
        batch: value.batch,
        dryRun: value.dry_run,
        periods,
        deleted: value.deleted,
        unset: value.unset,
        more: value.more,
      };
    },
  };
}

/** What a whole run did: the sum of its batches. */
export interface PurgeSummary {
  batches: number;
  deleted: Record<string, number>;
  unset: string[];
  /** Rows were still past their period when the run stopped at maxBatches (the next run goes on). */
  more: boolean;
  dryRun: boolean;
}

/**
 * Purges until nothing past its period is left, one bounded batch (one short transaction) at a
 * time, at most `maxBatches` calls. A dry run is one call that counts everything. The moment is
 * fixed once for the whole run, so its batches agree on what is past.
 */
export async function runPurge(
  backend: Pick<Backend, "retention">,
  options: { maxBatches?: number; batch?: number; dryRun?: boolean; now?: Date } = {},
): Promise<PurgeSummary> {
  const maxBatches = options.dryRun ? 1 : Math.max(1, options.maxBatches ?? 100);
  const deleted: Record<string, number> = {};
  let last: PurgeBatch | undefined;
  let now = options.now;
  let batches = 0;
  do {
    last = await backend.retention.purgeExpired({ now, batch: options.batch, dryRun: options.dryRun });
    now ??= last.now;
    batches++;
    for (const [category, n] of Object.entries(last.deleted)) deleted[category] = (deleted[category] ?? 0) + n;
  } while (last.more && batches < maxBatches);
  return { batches, deleted, unset: last.unset, more: last.more, dryRun: Boolean(options.dryRun) };
}

/** The daily job: a run, and a warning in the server's log for each period left unset. */
export async function purgeJob(backend: Pick<Backend, "retention">): Promise<PurgeSummary> {
  const summary = await runPurge(backend);
  if (summary.unset.length > 0) {
    console.warn(`retention: no purge for ${summary.unset.join(", ")}: period not set (npm run admin -- legal set …, docs/staff-settings.md)`);
  }
  return summary;
}
