/**
 * The retention purge (SQL: public.purge_expired, supabase/migrations/20261203090000_retention.sql):
 * deletes what the deployment's retention periods (portal.legal_identity) say is kept no longer.
 * Called as the service role by the daily job, POST /taches/purge and `npm run admin -- purge`
 * (docs/decisions/0031-retention-purge.md).
 */

/** The periods applied, as portal.legal_identity holds them: null where the deployment left one unset (nothing purged). */
export interface RetentionPeriods {
  loginThrottleDays: number | null;
  authLinksDays: number | null;
  sentMailBodiesDays: number | null;
  contactMessagesMonths: number | null;
  paperOptoutMonths: number | null;
  paymentRecordsMonths: number | null;
}

/** One call of public.purge_expired. */
export interface PurgeBatch {
  /** The moment the periods were counted back from. */
  now: Date;
  /** The most rows deleted per category in this call. */
  batch: number;
  dryRun: boolean;
  periods: RetentionPeriods;
  /** Rows deleted per category (dry run: the rows that would be, all of them). */
  deleted: Record<string, number>;
  /** The period columns left null (snake_case, as in portal.legal_identity): their category was not purged. */
  unset: string[];
  /** A category filled its batch: call again. */
  more: boolean;
}

export interface PurgeOptions {
  /** Counts back from this moment (default: the database's now()). */
  now?: Date;
  /** Rows per category and call (SQL bounds it to 1–10 000; default 1000). */
  batch?: number;
  /** Counts what would go, deletes nothing. */
  dryRun?: boolean;
}

export interface RetentionPort {
  purgeExpired(options?: PurgeOptions): Promise<PurgeBatch>;
}
