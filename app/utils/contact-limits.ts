/**
 * Bounds of the contact forms, shared by the browser (HTML `maxLength`, hints) and the server's
 * schemas (app/.server/contact-form.ts) and with SQL (portal.contact_messages checks). Plain
 * constants only: this module reaches the browser bundle, the schemas (and zod) never do
 * (docs/performance.md, first-load JavaScript; tests/server/first-load-js.test.ts).
 */
export const SUBJECT_MAX = 200;
export const MESSAGE_MAX = 5000;
export const MESSAGE_RULE = "5 000 caractères au maximum.";
export const NAME_MAX = 200;
export const CUSTOMER_NUMBER_MAX = 50;
