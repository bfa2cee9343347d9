/**
 * Outbox ports (docs/mail.md): the sender's side of the e-mail outbox and the mail transport.
 */

/** An outbox e-mail claimed by a sender, with the token that proves the claim. */
export interface ClaimedEmail {
  id: string;
  claimToken: string;
  kind: string;
  to: string;
  replyTo: string | null;
  subject: string;
  html: string;
  text: string;
  /** Attempts so far, this one included. */
  attempts: number;
  /** Postmark stream kind: reminders go on the broadcast stream (docs/mail.md). Absent: transactional. */
  stream?: "transactional" | "broadcast";
  /** The account a reminder's unsubscribe link is for (broadcast e-mails only). */
  unsubscribeAccount?: string | null;
  /** Extra headers (List-Unsubscribe, List-Unsubscribe-Post), added by the sender before the transport. */
  headers?: MailHeader[];
}

/** One e-mail header. */
export interface MailHeader {
  name: string;
  value: string;
}

/** The sender's side of portal.email_outbox (SQL outbox_* functions, service role). */
export interface OutboxPort {
  /**
   * public.outbox_claim(limit, lease, broadcast): due e-mails, leased to this caller; broadcast
   * ones (reminders) only with `broadcast: true` — else they stay pending.
   */
  claim(limit: number, leaseSeconds: number, options?: { broadcast?: boolean }): Promise<ClaimedEmail[]>;
  /** public.outbox_mark_sent: false when it was already recorded as sent. */
  markSent(id: string, claimToken: string, providerMessageId: string): Promise<boolean>;
  /** public.outbox_mark_retry: next attempt after the SQL backoff (only the claimer may). */
  markRetry(id: string, claimToken: string, error: string): Promise<boolean>;
  /** public.outbox_mark_failed: kept as a permanent failure for staff (only the claimer may). */
  markFailed(id: string, claimToken: string, error: string): Promise<boolean>;
}

export type SendResult =
  | { status: "accepted"; messageId: string }
  | { status: "permanent"; error: string }
  | { status: "transient"; error: string };

/** Hands one e-mail to the mail provider. Never throws for a provider answer: classifies it. */
export interface MailTransport {
  readonly name: string;
  /** It can send broadcast e-mails (a broadcast stream is configured, or the local capture). */
  readonly broadcast?: boolean;
  send(email: ClaimedEmail): Promise<SendResult>;
}
