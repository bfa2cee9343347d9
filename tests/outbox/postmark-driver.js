// @ts-check
/**
 * Run by tests/outbox/postmark-deno.test.ts on Deno, as source and as an edge-style bundle: our
 * Postmark transport (and the `postmark` package under it) sends one e-mail per recipient given
 * on the command line to the fake Postmark at the URL given first, and prints the outcomes as JSON.
 *   deno run --allow-net=127.0.0.1 tests/outbox/postmark-driver.js <api url> <recipient>…
 */
import { createPostmarkTransport } from "../../app/.server/postmark/transport.ts";

const [apiUrl, ...recipients] = globalThis.Deno.args;
const transport = createPostmarkTransport({ serverToken: "server-token-deno", messageStream: "outbound", from: "Portail <factures@example.fr>", apiUrl, timeoutMs: 300 });
const outcomes = [];
for (const to of recipients) {
  outcomes.push(
    await transport.send({ id: `outbox-${to}`, claimToken: "claim", kind: "contact_message", to, replyTo: "demo@demo.fr", subject: "Objet", html: "<p>Bonjour</p>", text: "Bonjour", attempts: 1 }),
  );
}
console.log(JSON.stringify(outcomes));
