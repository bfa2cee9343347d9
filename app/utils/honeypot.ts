/**
 * The public contact form's honeypot: a field hidden from people (out of sight and out of the
 * accessibility tree) that bots fill. A post with it filled gets the same answer as a success and
 * is dropped (app/.server/contact-form.ts).
 */
export const HONEYPOT = "site_web";
