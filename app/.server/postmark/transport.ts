import type { ClaimedEmail, MailTransport, SendResult } from "../ports/outbox";

/**
 * Postmark through its HTTP API (POST /email) with the global fetch: the same code on Node and
 * Deno, intercepted by MSW in tests. Why not the `postmark` package: docs/decisions/0007.
 *
 * Classification (https://postmarkapp.com/developer/api/overview#error-codes):
 * - 200 + ErrorCode 0: accepted, MessageID recorded;
 * - 422 with an error about THIS message (invalid request 300, inactive recipient 406, invalid or
 *   incompatible JSON 402/403, JSON required 409, forbidden attachment 411): permanent, kept for staff;
 * - everything else (401 bad token, 422 sender signature / account / stream problems, 429, 5xx,
 *   network errors, timeouts): transient, retried with backoff — fixing the configuration
 *   lets the waiting e-mails leave, none is lost.
 */
export const PERMANENT_ERROR_CODES = new Set([300, 402, 403, 406, 409, 411]);

export interface PostmarkOptions {
  serverToken: string;
  messageStream: string;
  from: string;
  /** Per request; Postmark answers in well under a second when healthy. */
  timeoutMs?: number;
  apiUrl?: string;
}

export function createPostmarkTransport(options: PostmarkOptions): MailTransport {
  const apiUrl = (options.apiUrl ?? "https://api.postmarkapp.com").replace(/\/+$/, "");
  const timeoutMs = options.timeoutMs ?? 10_000;
  return {
    name: "postmark",
    async send(email: ClaimedEmail): Promise<SendResult> {
      let response: Response;
      try {
        response = await fetch(`${apiUrl}/email`, {
          method: "POST",
          headers: {
            Accept: "application/json",
            "Content-Type": "application/json",
            "X-Postmark-Server-Token": options.serverToken,
          },
          body: JSON.stringify({
            From: options.from,
            To: email.to,
            ...(email.replyTo ? { ReplyTo: email.replyTo } : {}),
            Subject: email.subject,
            HtmlBody: email.html,
            TextBody: email.text,
            MessageStream: options.messageStream,
            Tag: email.kind,
            Metadata: { outbox_id: email.id },
            TrackOpens: false,
            TrackLinks: "None",
          }),
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (error) {
        const name = (error as { name?: string })?.name;
        const what = name === "TimeoutError" || name === "AbortError" ? `timeout after ${timeoutMs} ms` : `network error: ${String((error as Error)?.message ?? error)}`;
        return { status: "transient", error: `Postmark ${what}` };
      }

      const raw = await response.text().catch(() => "");
      let body: { ErrorCode?: unknown; Message?: unknown; MessageID?: unknown } = {};
      try {
        body = raw ? JSON.parse(raw) : {};
      } catch {
        // not JSON (a proxy's error page): classified by status below
      }
      const code = typeof body.ErrorCode === "number" ? body.ErrorCode : undefined;
      const message = typeof body.Message === "string" ? body.Message : raw.slice(0, 300);
      const described = `Postmark HTTP ${response.status}${code !== undefined ? ` ErrorCode ${code}` : ""}: ${message}`;

      if (response.ok && code === 0 && typeof body.MessageID === "string" && body.MessageID) {
        return { status: "accepted", messageId: body.MessageID };
      }
      if (response.status === 422 && code !== undefined && PERMANENT_ERROR_CODES.has(code)) {
        return { status: "permanent", error: described };
      }
      return { status: "transient", error: described };
    },
  };
}
