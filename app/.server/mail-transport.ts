import type { Env } from "./env";
import type { MailTransport } from "./ports/outbox";
import { createPostmarkTransport } from "./postmark/transport";

/**
 * Which transport the outbox sender uses: Postmark when POSTMARK_SERVER_TOKEN is set (either
 * backend); otherwise the embedded default captures e-mails locally (/dev/courriels), and a
 * Supabase deployment keeps them pending — visible, retried — until the token is set.
 */
export function selectMailTransport(config: Env): MailTransport {
  if (config.POSTMARK_SERVER_TOKEN) {
    return createPostmarkTransport({
      serverToken: config.POSTMARK_SERVER_TOKEN,
      messageStream: config.POSTMARK_MESSAGE_STREAM,
      broadcastStream: config.POSTMARK_BROADCAST_STREAM,
      from: config.MAIL_FROM!,
    });
  }
  return config.backend === "embedded" ? createLocalTransport() : createUnconfiguredTransport();
}

/**
 * The embedded default's "delivery": nothing leaves the machine. The e-mail is accepted with a
 * local id, so the row goes through the same claim → send → mark cycle as in production and
 * /dev/courriels shows it as sent.
 */
export function createLocalTransport(): MailTransport {
  return {
    name: "local",
    broadcast: true,
    async send() {
      return { status: "accepted", messageId: `local-${crypto.randomUUID()}` };
    },
  };
}

export function createUnconfiguredTransport(): MailTransport {
  return {
    name: "unconfigured",
    async send() {
      return { status: "transient", error: "POSTMARK_SERVER_TOKEN is not set: e-mail kept in the outbox" };
    },
  };
}
