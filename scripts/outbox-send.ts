/**
 * `npm run outbox:send`: sends every due e-mail of the outbox once, then exits. Same sender as
 * the server's (claim with a lease → Postmark → mark), so it is safe to run beside it or from a
 * system cron. Embedded default: the running server already sends (in-process timer); do not run
 * this beside it on the same DATA_DIR (PGlite is single-process). Uses the environment of the server (SUPABASE_*, POSTMARK_*, MAIL_FROM, DATA_DIR).
 */
import { getBackend } from "../app/.server/backend";
import { deliverDueEmails } from "../app/.server/outbox";

const backend = await getBackend();
const summary = await deliverDueEmails(backend, { maxBatches: 100 });
console.log(`outbox: ${summary.sent} sent, ${summary.retried} to retry later, ${summary.failed} failed permanently (transport: ${backend.mailTransport.name})`);
process.exit(0);
