import { z } from "zod";
import { emailField } from "~/utils/email-schema";
import type { ActivationOutcome, PasswordHelpOutcome } from "./accounts";
import { MAIL_UNAVAILABLE_MESSAGE, mailThrottledMessage } from "./accounts";
import { declareForm, type Submission } from "./form";

/** The form of /activation and /mot-de-passe-oublie: one e-mail address. */
export const EmailForm = declareForm(z.object({ email: emailField }));

/**
 * The reply of /activation and /mot-de-passe-oublie once the address was valid: the outcome, the
 * French refusal when the e-mail was not sent (too many requests: 429; Auth unavailable: 503),
 * and the address as understood (trimmed, lower-cased) to show again.
 */
export function mailRequestReply<O extends ActivationOutcome | PasswordHelpOutcome>(
  submission: Submission<(typeof EmailForm)["schema"]> & { success: true },
  outcome: O,
) {
  const message =
    outcome.status === "throttled" ? mailThrottledMessage(outcome.retryAt) : outcome.status === "mail_unavailable" ? MAIL_UNAVAILABLE_MESSAGE : null;
  const status = outcome.status === "throttled" ? 429 : outcome.status === "mail_unavailable" ? 503 : 200;
  const reply = { ...submission.reply({ values: { email: submission.value.email } }), outcome: outcome.status as O["status"], message };
  return { reply, status };
}
