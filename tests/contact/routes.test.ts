import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "~/.server/embedded/database";
import { outboxIdle } from "~/.server/outbox";
import * as login from "~/routes/connexion/route";
import * as infos from "~/routes/_espace.mes-informations/route";
import * as paper from "~/routes/_espace.mes-informations_.papier/route";
import * as contact from "~/routes/_espace.contact/route";
import * as publicContact from "~/routes/nous-contacter/route";
import * as cron from "~/routes/taches.envoi-courriels/route";
import * as courriels from "~/routes/dev.courriels/route";
import { Browser, startPortal } from "../support/route-harness";

let db: Database;
beforeAll(async () => {
  ({ db } = await startPortal());
});
afterAll(async () => {
  await outboxIdle();
  await db?.close();
});

async function demo() {
  const browser = new Browser();
  const result = await browser.call(login.action, "/connexion", { email: "demo@demo.fr", password: "demo-factures" });
  expect(result.status).toBe(302);
  return browser;
}

const outboxOf = async (kind: string) =>
  (
    await db.pg.query<{ to_address: string; reply_to: string; subject: string; text_body: string; status: string; provider_message_id: string | null }>(
      "select to_address, reply_to, subject, text_body, status::text, provider_message_id from portal.email_outbox where kind = $1 order by created_at",
      [kind],
    )
  ).rows;

describe("Ne pas recevoir les factures au format papier", () => {
  it("Mes informations offers the link while paper invoices are sent", async () => {
    const page = await (await demo()).call(infos.loader, "/mes-informations");
    expect(page.data).toMatchObject({ customers: [{ number: "SISTEC560", paperInvoices: true, paperStopRequestedAt: null }] });
  });

  it("Annuler: the confirmation page records nothing and sends nothing", async () => {
    const browser = await demo();
    const confirmation = await browser.call(paper.loader, "/mes-informations/papier");
    expect(confirmation.data).toMatchObject({ pending: ["SISTEC560"] });
    // "Annuler" is a link back to /mes-informations; a post without "confirmer" also records nothing.
    const cancelled = await browser.call(paper.action, "/mes-informations/papier", { intent: "annuler" });
    expect(cancelled).toRedirectTo("/mes-informations");
    expect(await outboxOf("paper_optout")).toEqual([]);
  });

  it("Confirmer: records the request, e-mails the service (delivered by the embedded sender), and says so from then on", async () => {
    const browser = await demo();
    const confirmed = await browser.call(paper.action, "/mes-informations/papier", { intent: "confirmer" });
    expect(confirmed).toRedirectTo("/mes-informations?papier=demande");
    await outboxIdle();
    const [email] = await outboxOf("paper_optout");
    expect(email).toMatchObject({ to_address: "contact@multiservices-demo.fr", reply_to: "demo@demo.fr", status: "sent" });
    expect(email!.provider_message_id).toMatch(/^local-/);
    expect(email!.text_body).toContain("Numéro d'abonné : SISTEC560");

    const page = await browser.call(infos.loader, "/mes-informations");
    const [customer] = page.data.customers;
    expect(customer!.paperStopRequestedAt).not.toBeNull();
    expect((await browser.call(paper.loader, "/mes-informations/papier")).data).toMatchObject({ pending: [] });
  });

  it("asking twice sends once", async () => {
    const browser = await demo();
    const again = await browser.call(paper.action, "/mes-informations/papier", { intent: "confirmer" });
    expect(again).toRedirectTo("/mes-informations?papier=deja-demande");
    expect(await outboxOf("paper_optout")).toHaveLength(1);
  });

  it("needs a signed-in resident", async () => {
    const result = await new Browser().call(paper.action, "/mes-informations/papier", { intent: "confirmer" });
    expect(result).toRedirectTo("/connexion?redirectTo=%2Fmes-informations%2Fpapier");
  });
});

describe("Contacter le service", () => {
  it("shows the service's general information", async () => {
    const page = await (await demo()).call(contact.loader, "/contact");
    expect(page.data).toMatchObject({ email: "demo@demo.fr", services: [{ serviceName: "Service Multi Services de démonstration" }] });
    expect(page.data.services[0]!.generalInfo).toContain("Téléphone : 01 23 45 67 89");
  });

  it("offers only the services that receive messages; a service without a contact address is refused in French, nothing stored", async () => {
    // paiement@demo.fr is a customer of three services; two of them have no contact address.
    const browser = new Browser();
    browser.ip = "198.51.100.77";
    expect((await browser.call(login.action, "/connexion", { email: "paiement@demo.fr", password: "paiement-factures" })).status).toBe(302);
    const page = await browser.call(contact.loader, "/contact");
    const services = page.data.services;
    expect(services.filter((s) => s.acceptsMessages)).toHaveLength(1);
    expect(services.filter((s) => !s.acceptsMessages)).toHaveLength(2);

    await db.pg.query("update portal.services set contact_email = null where numcli = '004200'");
    try {
      const refused = await browser.call(contact.action, "/contact", { intent: "envoyer", body: "Bonjour" });
      expect(refused.status).toBe(400);
      expect(refused.data).toMatchObject({ formError: expect.stringContaining("ne reçoit pas de messages par le portail") });
      const { rows } = await db.pg.query("select 1 from portal.contact_messages c join auth.users u on u.id = c.account_id where u.email = 'paiement@demo.fr'");
      expect(rows).toEqual([]);
    } finally {
      await db.pg.query("update portal.services set contact_email = 'contact@multiservices-demo.fr' where numcli = '004200'");
    }
  });

  it("refuses an empty or too long message with a French sentence, and keeps what was typed", async () => {
    const browser = await demo();
    const empty = await browser.call(contact.action, "/contact", { intent: "envoyer", subject: "Ma facture", body: "   " });
    expect(empty.status).toBe(400);
    expect(empty.data).toMatchObject({ errors: { body: "Écrivez votre message avant de l'envoyer." }, values: { subject: "Ma facture" } });
    const long = await browser.call(contact.action, "/contact", { intent: "envoyer", body: "x".repeat(5001) });
    expect(long.data).toMatchObject({ errors: { body: expect.stringMatching(/dépasse 5 000 caractères/) } });
    expect(await outboxOf("contact_message")).toEqual([]);
  });

  it("Effacer gives back an empty form without sending anything (no JavaScript needed)", async () => {
    const result = await (await demo()).call(contact.action, "/contact", { intent: "effacer", subject: "x", body: "brouillon" });
    expect(result).toRedirectTo("/contact");
    expect(await outboxOf("contact_message")).toEqual([]);
  });

  it("Envoyer stores the message and e-mails the service with Reply-To the resident", async () => {
    const browser = await demo();
    const sent = await browser.call(contact.action, "/contact", { intent: "envoyer", subject: "Échéance", body: "Puis-je payer en deux fois ?" });
    expect(sent).toRedirectTo("/contact?envoye=1");
    await outboxIdle();
    const [email] = await outboxOf("contact_message");
    expect(email).toMatchObject({ to_address: "contact@multiservices-demo.fr", reply_to: "demo@demo.fr", subject: "Message d'un usager : Échéance", status: "sent" });
    expect(email!.text_body).toContain("Puis-je payer en deux fois ?");
    const { rows } = await db.pg.query("select customer_numbers, sender_email from portal.contact_messages where body = 'Puis-je payer en deux fois ?'");
    expect(rows).toEqual([{ customer_numbers: ["SISTEC560"], sender_email: "demo@demo.fr" }]);
  });

  it("the e-mails appear in /dev/courriels with their Reply-To", async () => {
    const page = await new Browser().call(courriels.loader, "/dev/courriels");
    const emails = page.data.emails;
    expect(emails).toContainEqual(expect.objectContaining({ subject: "Message d'un usager : Échéance", replyTo: "demo@demo.fr", status: "sent" }));
  });
});

describe("Contacter le service, sans compte (/nous-contacter)", () => {
  const form = (over: Record<string, string> = {}) => ({
    intent: "envoyer",
    email: "Visiteur@Exemple.fr",
    name: "Jeanne Visiteuse",
    customerNumber: "SISTEC999",
    subject: "Activation impossible",
    body: "Mon adresse est inconnue du portail.",
    site_web: "",
    ...over,
  });

  it("sends a visitor's message to the service, Reply-To the address typed", async () => {
    const browser = new Browser();
    browser.ip = "203.0.113.50";
    expect((await browser.call(publicContact.loader, "/nous-contacter")).data).toMatchObject({ services: [{ serviceName: "Service Multi Services de démonstration" }] });
    const sent = await browser.call(publicContact.action, "/nous-contacter", form());
    expect(sent).toRedirectTo("/nous-contacter?envoye=1");
    await outboxIdle();
    const [email] = await outboxOf("public_contact_message");
    expect(email).toMatchObject({ reply_to: "visiteur@exemple.fr", status: "sent" });
    expect(email!.text_body).toContain("Numéro d'abonné indiqué : SISTEC999");
  });

  it("honeypot filled: the same confirmation, nothing stored or sent", async () => {
    const before = (await outboxOf("public_contact_message")).length;
    const result = await new Browser().call(publicContact.action, "/nous-contacter", form({ site_web: "http://spam.example" }));
    expect(result).toRedirectTo("/nous-contacter?envoye=1");
    expect(await outboxOf("public_contact_message")).toHaveLength(before);
  });

  it("asks for a valid e-mail address in French", async () => {
    const result = await new Browser().call(publicContact.action, "/nous-contacter", form({ email: "pas-une-adresse" }));
    expect(result.status).toBe(400);
    expect(result.data).toMatchObject({ errors: { email: expect.stringMatching(/^Saisissez une adresse mail valide/) } });
  });

  it("throttles: the 4th message from the same address within the hour is refused with when to retry", async () => {
    const browser = new Browser();
    browser.ip = "203.0.113.60";
    for (let i = 0; i < 3; i++) {
      expect((await browser.call(publicContact.action, "/nous-contacter", form({ email: "bavard@exemple.fr" }))).status).toBe(302);
    }
    const blocked = await browser.call(publicContact.action, "/nous-contacter", form({ email: "bavard@exemple.fr" }));
    expect(blocked.status).toBe(429);
    expect(blocked.data).toMatchObject({ formError: expect.stringMatching(/^Vous avez déjà envoyé plusieurs messages\. .*réessayez à partir d[eu] /) });
  });

  it("a signed-in resident is sent to /contact", async () => {
    const result = await (await demo()).call(publicContact.loader, "/nous-contacter");
    expect(result).toRedirectTo("/contact");
  });
});

describe("POST /taches/envoi-courriels", () => {
  it("does not exist without OUTBOX_CRON_SECRET", async () => {
    const result = await new Browser().call(cron.action, "/taches/envoi-courriels", {});
    expect(result.status).toBe(404);
  });
});
