import { http, HttpResponse } from "msw";
import { beforeEach, describe, expect, it } from "vitest";
import type { Database } from "~/.server/embedded/database";
import type { EmbeddedBackend } from "~/.server/embedded/backend";
import type { DgfipSimulator } from "~/.server/payment/simulator";
import { retryFrom } from "~/.server/accounts";
import { runReconciliation } from "~/.server/payment/reconcile";
import * as detail from "~/routes/_espace.factures_.$id/route";
import * as selection from "~/routes/_espace.paiement/route";
import * as confirmation from "~/routes/_espace.paiement_.confirmation/route";
import * as demarrer from "~/routes/_espace.paiement_.demarrer/route";
import * as retour from "~/routes/_espace.paiement_.retour/route";
import * as notification from "~/routes/paiement.notification/route";
import * as payfipReturn from "~/routes/paiement.retour-payfip/route";
import * as tipiResult from "~/routes/paiement.resultat-tipi.$jeton/route";
import * as payfipPage from "~/routes/simulateur-dgfip.tpa.paiementws[.]web/route";
import * as tipiPage from "~/routes/simulateur-dgfip.tpa.paiement[.]web/route";
import { attemptsOn, startPayment, usePaymentPortal } from "../support/payment-portal";
import { type Browser, ORIGIN } from "../support/route-harness";
import { SEED } from "../support/database";
import { createOtherResident, plain } from "../support/residents";

/**
 * The payment screens and endpoints, called as the server calls them, on a real embedded
 * database and the real simulator. The portal's server-to-server calls (SOAP, urlnotif, urlcl)
 * are real fetches to its own origin; MSW hands them to the same route modules the server runs.
 */
const INVOICE_2059 = SEED.invoice2059Id;
const INVOICE_2410 = "1a000000-0000-4000-8000-000000000002";
const INVOICE_TREASURY = "1a000000-0000-4000-8000-000000000005";

let notifications = 0;
const portal = usePaymentPortal(
  http.all(`${ORIGIN}/paiement/notification`, async ({ request }) => {
    notifications++;
    return notification.action({ request, params: {}, context: {} });
  }),
  // The simulator posts urlcl from the server itself: the HTTP server would record its loopback
  // address (server/node.js sets x-client-ip from the socket), trusted in the embedded default.
  http.post(`${ORIGIN}/paiement/resultat-tipi/:jeton`, async ({ request, params }) => {
    const headers = new Headers(request.headers);
    headers.set("x-client-ip", "127.0.0.1");
    const body = await request.text();
    return tipiResult.action({ request: new Request(request.url, { method: "POST", headers, body }), params: { jeton: String(params.jeton) }, context: {} });
  }),
);

let db: Database;
let backend: EmbeddedBackend;
let sim: DgfipSimulator;
let demo: Browser;
beforeEach(() => {
  ({ db, backend, sim, demo } = portal);
  notifications = 0;
});

const status = async (id: string) =>
  (await db.pg.query<{ status: string }>("select status::text as status from portal.invoices where id = $1", [id])).rows[0]!.status;
const setService = (sql: string) => db.pg.query(`update portal.services set ${sql} where id = $1`, [SEED.serviceId]);

/** Selection → confirmation → start; answers the action's outcome. */
const startFor = (ids: string[]) => startPayment(demo, ids);

/** This test's attempts on the invoice (the seed has attempts of its own). */
const attemptsOn2059 = () => attemptsOn(db, INVOICE_2059);

async function payOnSimulator(idopUrl: string, decision: "P" | "R" | "A", controls: Record<string, string> = {}) {
  const idop = new URL(idopUrl).searchParams.get("idop")!;
  const page = await demo.call(payfipPage.loader, `/simulateur-dgfip/tpa/paiementws.web?idop=${idop}`);
  expect(page.data).toMatchObject({ found: true, numcli: "004200" });
  const outcome = await demo.call(payfipPage.action, "/simulateur-dgfip/tpa/paiementws.web", { idop, decision, ...controls });
  return { idop, outcome };
}

describe("invoice page", () => {
  it("offers « Payer la facture » to /paiement?facture=<id> for an unpaid invoice, the suspension message otherwise", async () => {
    const r = await demo.call(detail.loader, `/factures/${INVOICE_2059}`, undefined, { id: INVOICE_2059 });
    expect(r.data).toMatchObject({ status: "unpaid", paymentSuspended: false, id: INVOICE_2059, payment: null });
    await setService("payment_suspended = true");
    const suspended = await demo.call(detail.loader, `/factures/${INVOICE_2059}`, undefined, { id: INVOICE_2059 });
    expect(suspended.data).toMatchObject({ paymentSuspended: true });
  });

  it("while a payment is pending: « Paiement en cours » with when it can be retried, and a link to the payment", async () => {
    await startFor([INVOICE_2059]);
    const rows = await attemptsOn2059();
    const r = await demo.call(detail.loader, `/factures/${INVOICE_2059}`, undefined, { id: INVOICE_2059 });
    expect(r.data).toMatchObject({
      status: "unpaid",
      payment: { state: "pending", retryAt: retryFrom(rows[0]!.expires_at), attemptHref: `/paiement/retour?tentative=${rows[0]!.id}` },
    });
  });
});

describe("/paiement (selection)", () => {
  it("preselects the invoice the resident came from and says why others cannot be paid", async () => {
    const r = await demo.call(selection.loader, `/paiement?facture=${INVOICE_2059}`);
    const d = r.data;
    expect(d.selected).toEqual([INVOICE_2059]);
    expect(d.invoices.map((i) => i.number)).toEqual(["2017-020-002410", "2017-020-002059", "2016-020-003305", "2016-020-002118"]);
    expect(d.invoices.find((i) => i.id === INVOICE_TREASURY)!.blockedBecause).toMatch(/^Transmise en trésorerie/);
    expect(d.invoices.find((i) => i.id === INVOICE_2410)!.blockedBecause).toBeNull();
  });

  it("keeps one invoice only when the service does not allow several", async () => {
    await setService("allow_multiple_invoices = false");
    const r = await demo.call(selection.loader, `/paiement?facture=${INVOICE_2059}&facture=${INVOICE_2410}`);
    expect(r.data.selected).toEqual([INVOICE_2059]);
    const confirm = await demo.call(confirmation.loader, `/paiement/confirmation?facture=${INVOICE_2059}&facture=${INVOICE_2410}`);
    expect(confirm).toRedirectTo(`/paiement?facture=${INVOICE_2059}&facture=${INVOICE_2410}&erreur=multiple_not_allowed`);
    const message = await demo.call(selection.loader, confirm.location!);
    expect(message.data.error).toBe("Votre service ne permet de régler qu'une facture à la fois. Sélectionnez une seule facture.");
  });

  it("refuses invoices of two services in one payment", async () => {
    const { rows } = await db.pg.query<{ id: string }>("insert into portal.services (name, numcli, allow_multiple_invoices) values ('Eau', '004299', true) returning id");
    const c = await db.pg.query<{ id: string }>(
      "insert into portal.customers (service_id, customer_number, display_name, email) values ($1, 'E1', 'Test SISTEC560', 'demo@demo.fr') returning id",
      [rows[0]!.id],
    );
    const i = await db.pg.query<{ id: string }>(
      "insert into portal.invoices (service_id, customer_id, number, issued_on, due_on, amount_cents) values ($1, $2, 'E-1', '2024-01-01', '2024-01-31', 1000) returning id",
      [rows[0]!.id, c.rows[0]!.id],
    );
    const confirm = await demo.call(confirmation.loader, `/paiement/confirmation?facture=${INVOICE_2059}&facture=${i.rows[0]!.id}`);
    expect(confirm.location).toMatch(/erreur=several_services$/);
  });

  it("a treasury invoice, another resident's invoice or nothing selected go back with the reason", async () => {
    expect((await demo.call(confirmation.loader, `/paiement/confirmation?facture=${INVOICE_TREASURY}`)).location).toMatch(/erreur=blocked$/);
    const other = await createOtherResident(db);
    expect((await demo.call(confirmation.loader, `/paiement/confirmation?facture=${other.invoice_id}`)).location).toMatch(/erreur=not_found$/);
    expect(await demo.call(confirmation.loader, "/paiement/confirmation")).toRedirectTo("/paiement?erreur=empty");
  });

  it("the confirmation shows numcli, amount and references, in PayFiP's or TIPI's words", async () => {
    const r = await demo.call(confirmation.loader, `/paiement/confirmation?facture=${INVOICE_2059}&facture=${INVOICE_2410}`);
    expect(r.data).toMatchObject({ providerName: "PayFiP", numcli: "004200", numbers: ["2017-020-002059", "2017-020-002410"] });
    expect(plain(r.data.amount)).toBe("330,61 €");
    await setService("payment_provider = 'tipi'");
    const tipi = await demo.call(confirmation.loader, `/paiement/confirmation?facture=${INVOICE_2059}`);
    expect(tipi.data).toMatchObject({ providerName: "TIPI" });
  });
});

describe("PayFiP web service through the simulator", () => {
  it("pays two invoices: redirect to paiementws.web, notification, return page says paid", async () => {
    const started = (await startFor([INVOICE_2059, INVOICE_2410])) as Response;
    expect(started.status).toBe(303);
    const to = started.headers.get("location")!;
    expect(to).toMatch(new RegExp(`^${ORIGIN}/simulateur-dgfip/tpa/paiementws\\.web\\?idop=[0-9a-f-]{36}$`));
    const { idop, outcome } = await payOnSimulator(to, "P");
    expect(notifications).toBe(1);
    expect(await status(INVOICE_2059)).toBe("paid");
    expect(await status(INVOICE_2410)).toBe("paid");
    // The simulator sends the browser to urlredirect, which goes on to the result page.
    expect(outcome).toRedirectTo(`${ORIGIN}/paiement/retour-payfip?idop=${idop}`);
    const back = await demo.call(payfipReturn.loader, `/paiement/retour-payfip?idop=${idop}`);
    expect(back).toRedirectTo(`/paiement/retour?idop=${idop}`, { status: 303 });
    const page = await demo.call(retour.loader, back.location!);
    expect(page.data).toMatchObject({ status: "paid", numbers: ["2017-020-002059", "2017-020-002410"] });
  });

  it("notification sent twice: one effect", async () => {
    const started = (await startFor([INVOICE_2059])) as Response;
    await payOnSimulator(started.headers.get("location")!, "P", { notification: "twice" });
    expect(notifications).toBe(2);
    const { rows } = await db.pg.query<{ kind: string }>(
      "select kind from portal.payment_events where kind like 'result%' and attempt_id = $1 order by id",
      [(await attemptsOn2059())[0]!.id],
    );
    expect(rows.map((r) => r.kind)).toEqual(["result_paid", "result_duplicate"]);
    expect(await status(INVOICE_2059)).toBe("paid");
  });

  it("refused leaves the invoice unpaid and payable again at once", async () => {
    const started = (await startFor([INVOICE_2059])) as Response;
    const { idop } = await payOnSimulator(started.headers.get("location")!, "R");
    expect(await status(INVOICE_2059)).toBe("unpaid");
    const page = await demo.call(retour.loader, `/paiement/retour?idop=${idop}`);
    expect(page.data).toMatchObject({ status: "refused", retryHref: `/paiement?facture=${INVOICE_2059}`, retryAt: null });
    expect((await demo.call(selection.loader, `/paiement?facture=${INVOICE_2059}`)).data).toMatchObject({ selected: [INVOICE_2059] });
  });

  it("abandoned: the invoice stays unpaid but held until 20 minutes after the start (the idOp may still be paid)", async () => {
    const started = (await startFor([INVOICE_2059])) as Response;
    const { idop } = await payOnSimulator(started.headers.get("location")!, "A");
    expect(await status(INVOICE_2059)).toBe("unpaid");
    const rows = await attemptsOn2059();
    const until = retryFrom(new Date(rows[0]!.created_at.getTime() + 20 * 60_000));
    const page = await demo.call(retour.loader, `/paiement/retour?idop=${idop}`);
    expect(page.data).toMatchObject({ status: "abandoned", retryAt: until });
    const invoice = await demo.call(detail.loader, `/factures/${INVOICE_2059}`, undefined, { id: INVOICE_2059 });
    expect(invoice.data).toMatchObject({ payment: { state: "pending", retryAt: until } });
    expect((await demo.call(selection.loader, `/paiement?facture=${INVOICE_2059}`)).data).toMatchObject({ selected: [] });
    // After the window: payable again.
    await db.pg.query("update portal.payment_attempts set created_at = created_at - interval '21 minutes', expires_at = expires_at - interval '21 minutes' where id = $1", [
      rows[0]!.id,
    ]);
    expect((await demo.call(retour.loader, `/paiement/retour?idop=${idop}`)).data).toMatchObject({ status: "abandoned", retryAt: null });
    expect((await demo.call(selection.loader, `/paiement?facture=${INVOICE_2059}`)).data).toMatchObject({ selected: [INVOICE_2059] });
  });

  it("late result: the return page says « en cours de confirmation » until PayFiP knows, then paid", async () => {
    const started = (await startFor([INVOICE_2059])) as Response;
    let clock = Date.now();
    sim.now = () => clock;
    const { idop } = await payOnSimulator(started.headers.get("location")!, "P", { notification: "late", delai: "3600" });
    expect(notifications).toBe(0);
    const waiting = await demo.call(retour.loader, `/paiement/retour?idop=${idop}`);
    expect(waiting.data).toMatchObject({ status: "pending" });
    expect(waiting.data.refreshHref).toMatch(/^\/paiement\/retour\?tentative=/);
    clock += 3_601_000; // PayFiP knows now; the late notification has not come yet
    const paid = await demo.call(retour.loader, waiting.data.refreshHref!);
    expect(paid.data).toMatchObject({ status: "paid" });
  });

  it("browser closed, no notification: the reconciliation job finds the payment", async () => {
    const started = (await startFor([INVOICE_2059])) as Response;
    const { outcome } = await payOnSimulator(started.headers.get("location")!, "P", { notification: "none", navigateur: "ferme" });
    expect(outcome.data).toMatchObject({ closed: true });
    expect(await status(INVOICE_2059)).toBe("unpaid");
    expect(await runReconciliation(backend)).toMatchObject({ checked: 1, settled: 1 });
    expect(await status(INVOICE_2059)).toBe("paid");
  });

  it("never paid (P5 for ever): the attempt expires after the window and the invoice is free again", async () => {
    await startFor([INVOICE_2059]);
    expect(await runReconciliation(backend)).toMatchObject({ checked: 1, waiting: 1, expired: 0 });
    await db.pg.query("update portal.payment_attempts set expires_at = now() - interval '1 second' where id = $1", [(await attemptsOn2059())[0]!.id]);
    expect(await runReconciliation(backend)).toMatchObject({ checked: 1, expired: 1 });
    const r = await demo.call(selection.loader, `/paiement?facture=${INVOICE_2059}`);
    expect(r.data.selected).toEqual([INVOICE_2059]);
  });

  it("an invoice already being paid cannot be started again (and says why)", async () => {
    await startFor([INVOICE_2059]);
    const r = await demo.call(selection.loader, "/paiement");
    expect(r.data.invoices.find((i) => i.id === INVOICE_2059)!.blockedBecause).toMatch(/Un paiement de cette facture est en cours/);
  });

  it("PayFiP unreachable (HTTP 500): back to the selection with a French message, the invoice stays payable", async () => {
    portal.server.use(http.post(`${ORIGIN}/simulateur-dgfip/tpa/services/securite`, () => new HttpResponse("oops", { status: 500 })));
    const started = (await startFor([INVOICE_2059])) as Response;
    expect(started).toRedirectTo(`/paiement?facture=${INVOICE_2059}&erreur=unavailable`);
    expect((await attemptsOn2059()).map((a) => a.status)).toEqual(["error"]);
    expect((await demo.call(selection.loader, `/paiement?facture=${INVOICE_2059}`)).data).toMatchObject({ selected: [INVOICE_2059] });
  });

  it("the notification endpoint: no idop is a 400; an unknown idop changes nothing", async () => {
    const none = await notification.action({ request: new Request(`${ORIGIN}/paiement/notification`, { method: "POST" }), params: {}, context: {} });
    expect(none.status).toBe(400);
    const unknown = await notification.loader({ request: new Request(`${ORIGIN}/paiement/notification?IDOP=inconnu`), params: {}, context: {} });
    expect(unknown.status).toBe(200);
  });

  it("the browser return may be a POST without session: it fetches the result and redirects to the page", async () => {
    const started = (await startFor([INVOICE_2059])) as Response;
    const idop = new URL(started.headers.get("location")!).searchParams.get("idop")!;
    await payOnSimulator(started.headers.get("location")!, "P", { notification: "none" });
    const anonymous = new Request(`${ORIGIN}/paiement/retour-payfip`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", origin: "https://www.payfip.gouv.fr" },
      body: `idop=${idop}`,
    });
    const r = (await payfipReturn.action({ request: anonymous, params: {}, context: {} })) as Response;
    expect(r).toRedirectTo(`/paiement/retour?idop=${idop}`);
    expect(await status(INVOICE_2059)).toBe("paid");
  });
});

describe("classic TIPI through the simulator", () => {
  beforeEach(async () => {
    await setService("payment_provider = 'tipi'");
  });

  async function tipiStart() {
    const started = await startFor([INVOICE_2059]);
    const form = (started as { data: { tipiForm: { action: string; fields: [string, string][] } } }).data.tipiForm;
    expect(form.action).toBe(`${ORIGIN}/simulateur-dgfip/tpa/paiement.web`);
    const fields = Object.fromEntries(form.fields);
    expect(fields).toMatchObject({ numcli: "004200", montant: "24311", saisie: "T", mel: "demo@demo.fr" });
    expect(fields.urlcl).toMatch(new RegExp(`^${ORIGIN}/paiement/resultat-tipi/[0-9a-f]{64}$`));
    const opened = await demo.call(tipiPage.action, "/simulateur-dgfip/tpa/paiement.web", fields);
    const session = new URLSearchParams(opened.location!.split("?")[1]).get("session")!;
    return { fields, session };
  }

  it("the TIPI form is answered by a route without a loader (Remix re-runs loaders after an action answering data)", async () => {
    // Regression (e2e): the start used to be the confirmation's action; its loader, re-run after
    // the action, saw the invoice "already being paid" by the new attempt and redirected to the
    // selection with ?erreur=blocked instead of showing the form to TIPI.
    await tipiStart();
    const again = await demo.call(confirmation.loader, `/paiement/confirmation?facture=${INVOICE_2059}`);
    expect(again.location).toMatch(/erreur=blocked$/);
    expect("loader" in demarrer).toBe(false);
    expect("action" in confirmation).toBe(false);
  });

  it("pays: the result posted to urlcl with the token marks the invoice paid; the browser lands on the result", async () => {
    const { session } = await tipiStart();
    const decided = await demo.call(tipiPage.action, "/simulateur-dgfip/tpa/paiement.web", { session, decision: "P" });
    expect(await status(INVOICE_2059)).toBe("paid");
    const back = decided.data.returnForm!;
    const token = back.action.split("/").pop()!;
    const browserReturn = await demo.call(tipiResult.action, `/paiement/resultat-tipi/${token}`, Object.fromEntries(back.fields), { jeton: token });
    expect(browserReturn.location).toMatch(/^\/paiement\/retour\?tentative=/);
    expect((await demo.call(retour.loader, browserReturn.location!)).data).toMatchObject({ status: "paid" });
  });

  it("a forged result without the token (or with a wrong one) changes nothing", async () => {
    const { fields } = await tipiStart();
    const forged = { numcli: "004200", exer: fields.exer!, refdet: fields.refdet!, montant: "24311", resultrans: "P", numauto: "FAUX01", dattrans: "28112026", heurtrans: "1000" };
    const bad = "0".repeat(64);
    const r = await demo.call(tipiResult.action, `/paiement/resultat-tipi/${bad}`, forged, { jeton: bad });
    expect(r).toRedirectTo("/paiement/retour");
    await demo.call(tipiResult.action, "/paiement/resultat-tipi/x", forged, { jeton: "x" });
    expect(await status(INVOICE_2059)).toBe("unpaid");
    expect((await demo.call(retour.loader, "/paiement/retour")).data).toMatchObject({ status: "unknown" });
    const { rows } = await db.pg.query<{ n: number }>("select count(*)::int as n from portal.payment_events where kind = 'result_unknown_attempt'");
    expect(rows[0]!.n).toBe(2);
  });

  it("the right token with another amount is rejected and logged", async () => {
    const { fields } = await tipiStart();
    const token = fields.urlcl!.split("/").pop()!;
    await demo.call(tipiResult.action, `/paiement/resultat-tipi/${token}`, { numcli: "004200", refdet: fields.refdet!, montant: "100", resultrans: "P" }, { jeton: token });
    expect(await status(INVOICE_2059)).toBe("unpaid");
    const { rows } = await db.pg.query<{ n: number }>("select count(*)::int as n from portal.payment_events where kind = 'result_rejected_mismatch'");
    expect(rows[0]!.n).toBe(1);
  });
});
