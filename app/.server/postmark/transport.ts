import { Errors, Models, ServerClient } from "postmark";
import type { ClaimedEmail, MailTransport, SendResult } from "../ports/outbox";

/**
 * Postmark through its official client, the `postmark` package (5.x: the global fetch, no
 * dependency), behind the MailTransport port. Checked on Node, on Deno and in the edge bundle:
 * docs/decisions/0007-outbox-and-postmark.md ("Re-checked").
 *
 * Classification of what ServerClient.sendEmail resolves or throws
 * (https://postmarkapp.com/developer/api/overview#error-codes):
 * - resolved with ErrorCode 0 and a MessageID: accepted, MessageID recorded;
 * - ApiInputError (HTTP 422) about THIS message — InvalidEmailRequestError (300),
 *   InactiveRecipientsError (406), invalid or incompatible JSON (402/403), JSON required (409),
 *   forbidden attachment (411): permanent, kept for staff;
 * - everything else — other 422 codes (sender signature, account, stream), InvalidAPIKeyError
 *   (401), RateLimitExceededError (429), InternalServerError (500), ServiceUnavailablerError (503),
 *   UnknownError and plain PostmarkError (any other status, network errors, timeouts): transient,
 *   retried with backoff — fixing the configuration lets the waiting e-mails leave, none is lost.
 * Errors are told apart by class and code, never by `name`: bundlers rename the classes.
 */
export const PERMANENT_ERROR_CODES = new Set([300, 402, 403, 406, 409, 411]);

export interface PostmarkOptions {
  serverToken: string;
  messageStream: string;
  /**
   * The broadcast stream's ID, for reminders (docs/mail.md). Unset: the transport does not take
   * broadcast e-mails (the outbox keeps them pending), never sends them on `messageStream`.
   */
  broadcastStream?: string;
  from: string;
  /** Per request, a total deadline; Postmark answers in well under a second when healthy. */
  timeoutMs?: number;
  /** Base URL of the API (a test server); scheme, host, port and an optional path prefix. */
  apiUrl?: string;
}

type FetchLike = (input: RequestInfo | URL, init?: RequestInit) => Promise<Response>;

/** Why a request got no answer, in the words the outbox records (last_error). */
function describeFetchFailure(error: unknown, timeoutMs: number): string {
  const failure = error as { name?: unknown; message?: unknown; cause?: { code?: unknown; message?: unknown } } | null;
  if (failure?.name === "TimeoutError" || failure?.name === "AbortError") return `timeout after ${timeoutMs} ms`;
  const detail = failure?.cause?.code ?? failure?.cause?.message;
  return `network error: ${String(failure?.message ?? error)}${detail ? ` (${String(detail)})` : ""}`;
}

/**
 * The global fetch, looked up at each call (MSW replaces it in tests). A request that gets no
 * answer is rethrown with a readable reason: the client keeps only the message of what fetch
 * throws (a timeout and a refused connection would otherwise both be a bare PostmarkError).
 */
function fetchWithReadableFailures(timeoutMs: number): FetchLike {
  return async (input, init) => {
    try {
      return await fetch(input, init);
    } catch (error) {
      throw new Error(describeFetchFailure(error, timeoutMs));
    }
  };
}

function createClient(options: PostmarkOptions, timeoutMs: number): ServerClient {
  const api = new URL(options.apiUrl ?? "https://api.postmarkapp.com");
  return new ServerClient(options.serverToken, {
    useHttps: api.protocol === "https:",
    // The client builds `${scheme}://${requestHost}${path}`: a path prefix rides along with the host.
    requestHost: `${api.host}${api.pathname.replace(/\/+$/, "")}`,
    timeout: timeoutMs / 1000,
    fetch: fetchWithReadableFailures(timeoutMs),
  });
}

/** Maps what sendEmail threw onto the outbox's outcomes (see the list above). */
export function classifyPostmarkError(error: unknown): SendResult {
  if (!(error instanceof Errors.PostmarkError)) {
    return { status: "transient", error: `Postmark client error: ${String((error as Error)?.message ?? error)}` };
  }
  // No HTTP answer (fetchWithReadableFailures described it): network error or timeout.
  if (error.statusCode === 0) return { status: "transient", error: `Postmark ${error.message}` };
  const described = `Postmark HTTP ${error.statusCode}${error.code ? ` ErrorCode ${error.code}` : ""}: ${error.message}`;
  if (error instanceof Errors.ApiInputError && PERMANENT_ERROR_CODES.has(error.code)) {
    return { status: "permanent", error: described };
  }
  return { status: "transient", error: described };
}

export function createPostmarkTransport(options: PostmarkOptions): MailTransport {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const client = createClient(options, timeoutMs);
  return {
    name: "postmark",
    broadcast: Boolean(options.broadcastStream),
    async send(email: ClaimedEmail): Promise<SendResult> {
      const broadcast = email.stream === "broadcast";
      if (broadcast && !options.broadcastStream) {
        return { status: "transient", error: "POSTMARK_BROADCAST_STREAM is not set: reminder kept in the outbox" };
      }
      let answer: unknown;
      try {
        answer = await client.sendEmail({
          From: options.from,
          To: email.to,
          ...(email.replyTo ? { ReplyTo: email.replyTo } : {}),
          Subject: email.subject,
          HtmlBody: email.html,
          TextBody: email.text,
          MessageStream: broadcast ? options.broadcastStream! : options.messageStream,
          ...(email.headers?.length ? { Headers: email.headers.map((h) => ({ Name: h.name, Value: h.value })) } : {}),
          Tag: email.kind,
          Metadata: { outbox_id: email.id },
          TrackOpens: false,
          TrackLinks: Models.LinkTrackingOptions.None,
        });
      } catch (error) {
        return classifyPostmarkError(error);
      }
      // A 2xx answer that is not Postmark's acceptance (a proxy's page): not sent, retried.
      const accepted = answer as { ErrorCode?: unknown; MessageID?: unknown } | null;
      if (accepted?.ErrorCode === 0 && typeof accepted.MessageID === "string" && accepted.MessageID) {
        return { status: "accepted", messageId: accepted.MessageID };
      }
      return { status: "transient", error: `Postmark answered 2xx without a MessageID: ${JSON.stringify(answer).slice(0, 300)}` };
    },
  };
}
