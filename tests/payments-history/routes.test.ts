import { http } from "msw";
import { beforeEach, describe, expect, it } from "vitest";
import type { Database } from "~/.server/embedded/database";
import type { EmbeddedBackend } from "~/.server/embedded/backend";
import { runReconciliation } from "~/.server/payment/reconcile";
import { formatEuros } from "~/utils/format";
import * as detail from "~/routes/_espace.factures_.$id/route";
import * as history from "~/routes/_espace.paiements/route";
import * as notification from "~/routes/paiement.notification/route";
import * as payfipReturn from "~/routes/paiement.retour-payfip/route";
import * as receiptRoute from "~/routes/paiements.$id.justificatif[.]pdf/route";
import * as payfipPage from "~/routes/simulateur-dgfip.tpa.paiementws[.]web/route";
import { readBack } from "../pdf/read-back";
import { SEED } from "../support/database";
import { startPayment, usePaymentPortal } from "../support/payment-portal";
import { type Browser, ORIGIN } from "../support/route-harness";
import { createOtherResident, loggedIn } from "../support/residents";

/**
 * « Mes paiements », the receipt route and the receipt e-mail, called as the server calls them on
 * a real embedded database and the real DGFiP simulator (its SOAP answers through MSW to the same
 * route module the server runs). The notification is sent by the tests themselves, so each path
 * that makes a payment paid — notification, return page, reconciliation — is driven on its own.
 */
const INVOICE_2059 = SEED.invoice2059Id; // 24311 cents
const INVOICE_2410 = "1a000000-0000-4000-8000-000000000002"; // 8750 cents

// The simulator's own notification is switched off in each payment below ("none").
const portal = usePaymentPortal(http.all(`${ORIGIN}/paiement/notification`, () => new Response("OK")));
let db: Database;
let backend: EmbeddedBackend;
let demo: Browser;
beforeEach(() => {
  ({ db, backend, demo } = portal);
});

/** The demo account's payment history as the seed writes it (supabase/seed.sql), newest first. */
const SEEDED = [
  { id: "a0000000-0000-4000-8000-000000000003", status: "réglé", invoices: "2017-020-001512" },
  { id: "a0000000-0000-4000-8000-000000000002", status: "refusé", invoices: "2017-020-001512" },
  { id: "a0000000-0000-4000-8000-000000000001", status: "abandonné", invoices: "2017-020-000731" },
];

/** Starts a PayFiP payment of the invoices and pays it on the simulator, no notification sent; its idop and attempt id. */
async function paidWithoutNotification(ids: string[]): Promise<{ idop: string; attemptId: string }> {
  const started = (await startPayment(demo, ids)) as Response;
  const idop = new URL(started.headers.get("location")!).searchParams.get("idop")!;
  await demo.call(payfipPage.action, "/simulateur-dgfip/tpa/paiementws.web", { idop, decision: "P", notification: "none" });
  const { rows } = await db.pg.query<{ id: string; status: string }>("select id, status::text as status from portal.payment_attempts where idop = $1", [idop]);
  expect(rows[0]!.status).toBe("pending");
  return { idop, attemptId: rows[0]!.id };
}

const notify = (idop: string) =>
  notification.action({
    request: new Request(`${ORIGIN}/paiement/notification`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: `idop=${idop}` }),
    params: {},
    context: {},
  });
/** PayFiP sends the browser back by a POST to urlredirect (no session needed): the route asks PayFiP for the result. */
const browserReturn = async (idop: string) =>
  (await payfipReturn.action({
    request: new Request(`${ORIGIN}/paiement/retour-payfip`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", origin: "https://www.payfip.gouv.fr" },
      body: `idop=${idop}`,
    }),
    params: {},
    context: {},
  })) as Response;

const receiptEmails = async () =>
  (await db.pg.query<{ to_address: string; text_body: string }>("select to_address, text_body from portal.email_outbox where kind = 'payment_receipt'")).rows;

async function downloadReceipt(browser: Browser, id: string): Promise<Response> {
  return (await receiptRoute.loader({ request: browser.request(`/paiements/${id}/justificatif.pdf`), params: { id }, context: {} })) as Response;
}

describe("the receipt e-mail: exactly once, whichever path records the payment", () => {
  it("the notification alone: one e-mail; replayed, still one", async () => {
    const { idop } = await paidWithoutNotification([INVOICE_2059]);
    expect(await receiptEmails()).toEqual([]);
    expect((await notify(idop)).status).toBe(200);
    expect((await notify(idop)).status).toBe(200);
    const mails = await receiptEmails();
    expect(mails).toHaveLength(1);
    expect(mails[0]!.to_address).toBe("demo@demo.fr");
    expect(mails[0]!.text_body).toContain("Factures : 2017-020-002059 (243,11\u00a0€)");
  });

  it("the browser's return alone: one e-mail; the notification and reconciliation after it add none", async () => {
    const { idop } = await paidWithoutNotification([INVOICE_2059]);
    expect(await browserReturn(idop)).toRedirectTo(`/paiement/retour?idop=${idop}`, { status: 303 });
    expect(await receiptEmails()).toHaveLength(1);
    await notify(idop);
    await runReconciliation(backend);
    await browserReturn(idop);
    expect(await receiptEmails()).toHaveLength(1);
  });

  it("the reconciliation job alone: one e-mail; run again, still one", async () => {
    await paidWithoutNotification([INVOICE_2059, INVOICE_2410]);
    expect(await runReconciliation(backend)).toMatchObject({ settled: 1 });
    await runReconciliation(backend);
    const mails = await receiptEmails();
    expect(mails).toHaveLength(1);
    expect(mails[0]!.text_body).toContain("Montant total : 330,61\u00a0€");
  });

  it("the three racing: one e-mail", async () => {
    const { idop } = await paidWithoutNotification([INVOICE_2059]);
    await Promise.all([notify(idop), browserReturn(idop), runReconciliation(backend), notify(idop)]);
    expect(await receiptEmails()).toHaveLength(1);
  });
});

describe("/paiements and the receipt", () => {
  it("lists the payment with its facts, links the receipt of a paid one only", async () => {
    const { idop, attemptId } = await paidWithoutNotification([INVOICE_2059]);
    const pending = await demo.call(history.loader, "/paiements");
    // Newest first: this test's payment, then the seed's.
    expect(pending.data.payments.map((p) => p.id)).toEqual([attemptId, ...SEEDED.map((p) => p.id)]);
    expect(pending.data.payments[0]).toMatchObject({ id: attemptId, status: "en cours", receiptHref: null, provider: "PayFiP", amount: formatEuros(24311) });
    await notify(idop);
    const page = await demo.call(history.loader, "/paiements");
    expect(page.status).toBe(200);
    expect(page.data).toMatchObject({ perPage: 20, firstPage: true, nextPage: null });
    expect(page.data.payments[0]).toMatchObject({
      id: attemptId,
      status: "réglé",
      invoices: "2017-020-002059",
      service: "Service Multi Services de démonstration",
      receiptHref: `/paiements/${attemptId}/justificatif.pdf`,
    });
    expect(page.data.payments[0]!.date).toMatch(/^\d{2}\/\d{2}\/\d{4}$/);
    expect(page.data.payments[0]!.time).toMatch(/^\d{2}:\d{2}$/);
  });

  it("a malformed keyset is the first page", async () => {
    const page = await demo.call(history.loader, "/paiements?avant=hier&id=x");
    expect(page.data).toMatchObject({ firstPage: true });
    expect(page.data).toEqual((await demo.call(history.loader, "/paiements")).data);
  });

  it("the demo account's seeded history: paid with its references and receipt, refused, abandoned", async () => {
    const page = await demo.call(history.loader, "/paiements");
    expect(page.data.payments).toMatchObject(
      SEEDED.map((p) => ({ ...p, provider: "PayFiP", receiptHref: p.status === "réglé" ? `/paiements/${p.id}/justificatif.pdf` : null })),
    );
    expect(page.data.payments[0]).toMatchObject({ date: "18/04/2017", time: "10:29" });
    expect((await downloadReceipt(demo, SEEDED[0]!.id)).status).toBe(200);
    // Nothing was sent for them: the receipt e-mail is for a payment that becomes paid.
    expect(await receiptEmails()).toEqual([]);
  });

  it("the invoice page says « Réglée en ligne le … à … (réf. …) »", async () => {
    const { idop, attemptId } = await paidWithoutNotification([INVOICE_2059]);
    await notify(idop);
    const { rows } = await db.pg.query<{ refdet: string }>("select refdet from portal.payment_attempts where id = $1", [attemptId]);
    const r = await demo.call(detail.loader, `/factures/${INVOICE_2059}`, undefined, { id: INVOICE_2059 });
    expect(r.data.paidOnline).toMatch(new RegExp(`^Réglée en ligne le \\d{2}/\\d{2}/\\d{4} à \\d{2}:\\d{2} \\(réf\\. ${rows[0]!.refdet}\\)$`));
  });

  it("the receipt: a tagged PDF with the facts, private, named, the same bytes twice", async () => {
    const { idop, attemptId } = await paidWithoutNotification([INVOICE_2059]);
    await notify(idop);
    const response = await downloadReceipt(demo, attemptId);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/pdf");
    expect(response.headers.get("cache-control")).toBe("private, no-store");
    expect(response.headers.get("content-disposition")).toMatch(/^attachment; filename="justificatif-paiement-\d{4}-\d{2}-\d{2}-[A-Za-z0-9]+\.pdf"$/);
    const bytes = new Uint8Array(await response.arrayBuffer());
    const again = new Uint8Array(await (await downloadReceipt(demo, attemptId)).arrayBuffer());
    expect(Buffer.from(again).equals(Buffer.from(bytes))).toBe(true);
    const read = await readBack(bytes);
    expect(read.marked).toBe(true);
    const text = read.items.map((i) => i.text).join(" ");
    for (const fact of ["Justificatif de paiement", "Service Multi Services de démonstration", "Test SISTEC560", "demo@demo.fr", "2017-020-002059", "PayFiP"]) {
      expect(text).toContain(fact);
    }
    const roles = read.tagged.map((t) => t.role);
    expect(roles).toContain("H1");
    expect(roles).toContain("Table");
    expect(read.tagged.filter((t) => t.role === "TH").map((t) => t.text)).toEqual(["Facture n°", "Émise le", "Montant"]);
  });

  it("404 for a malformed id, an unpaid payment and another resident's payment", async () => {
    const { attemptId } = await paidWithoutNotification([INVOICE_2059]);
    expect((await downloadReceipt(demo, attemptId)).status).toBe(404); // not paid yet
    expect((await downloadReceipt(demo, "pas-un-id")).status).toBe(404);
    await notify((await db.pg.query<{ idop: string }>("select idop from portal.payment_attempts where id = $1", [attemptId])).rows[0]!.idop);
    expect((await downloadReceipt(demo, attemptId)).status).toBe(200);
    const other = await createOtherResident(db);
    const theirs = await downloadReceipt(await loggedIn(other.email, other.password), attemptId);
    expect(theirs.status).toBe(404);
    expect(await theirs.text()).toContain("Justificatif introuvable");
  });
});
