import { http } from "msw";
import { setupServer } from "msw/node";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Database } from "~/.server/embedded/database";
import { confirmReportedPayment, listReportedPayments, rejectReportedPayment } from "~/.server/embedded/admin";
import * as detail from "~/routes/_espace.factures_.$id/route";
import * as selection from "~/routes/_espace.paiement/route";
import * as confirmation from "~/routes/_espace.paiement_.confirmation/route";
import * as demarrer from "~/routes/_espace.paiement_.demarrer/route";
import * as retour from "~/routes/_espace.paiement_.retour/route";
import * as tipiResult from "~/routes/paiement.resultat-tipi.$jeton/route";
import * as tipiPage from "~/routes/simulateur-dgfip.tpa.paiement[.]web/route";
import { Browser, ORIGIN, startPortal } from "../support/route-harness";
import { SEED } from "../support/database";
import { importFiles, tempDataDir } from "../import/helpers";
import { DEMO, loggedIn } from "../support/residents";

/**
 * Regression: a resident could mark their own classic TIPI invoice paid without paying. The
 * per-attempt token of urlcl is in the form their browser posts to TIPI, so they could post
 * `resultrans=P` with the right refdet, montant and numcli to /paiement/resultat-tipi/<jeton>
 * (no cookie needed) and the invoice became paid. Classic TIPI results carry no signature: only
 * a result from an allow-listed DGFiP address (TIPI_TRUSTED_SOURCES; the embedded default trusts
 * its own loopback, where its simulator posts from) makes invoices paid. Any other "paid" is
 * recorded as reported, to be confirmed by staff (docs/decisions/0013-tipi-trust-and-abandon-window.md).
 *
 * The simulator's server-to-server post goes through MSW to the route, with the address the HTTP
 * server would record for it: the server's own loopback (server/node.js sets x-client-ip from
 * the socket).
 */
const INVOICE_2059 = SEED.invoice2059Id;

const server = setupServer(
  http.post(`${ORIGIN}/paiement/resultat-tipi/:jeton`, async ({ request, params }) => {
    const headers = new Headers(request.headers);
    headers.set("x-client-ip", "127.0.0.1");
    const body = await request.text();
    return tipiResult.action({ request: new Request(request.url, { method: "POST", headers, body }), params: { jeton: String(params.jeton) }, context: {} });
  }),
);

let db: Database;
let demo: Browser;
beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterAll(async () => {
  server.close();
  await db?.close();
});
beforeEach(async () => {
  await db?.close();
  ({ db } = await startPortal());
  await db.pg.query("update portal.services set payment_provider = 'tipi' where id = $1", [SEED.serviceId]);
  demo = await loggedIn(DEMO.email, DEMO.password);
});

const invoiceStatus = async (id: string) =>
  (await db.pg.query<{ status: string }>("select status::text as status from portal.invoices where id = $1", [id])).rows[0]!.status;
const attemptOf = async (id: string) =>
  (
    await db.pg.query<{ status: string; reviewed_by: string | null; review_reason: string | null; reviewed_at: Date | null }>(
      "select status::text as status, reviewed_by, review_reason, reviewed_at from portal.payment_attempts where id = $1",
      [id],
    )
  ).rows[0]!;
const titleOf = (data: unknown) => (retour.meta as (args: { data: unknown }) => { title: string }[])({ data })[0]!.title;

/** Selection → confirmation → start: the TIPI form the resident's browser receives. */
async function startTipi() {
  const page = await demo.call(confirmation.loader, `/paiement/confirmation?facture=${INVOICE_2059}`);
  expect(page.status).toBe(200);
  const started = await demo.call(demarrer.action, "/paiement/demarrer", { facture: INVOICE_2059 });
  const fields = Object.fromEntries(started.data.tipiForm.fields);
  const token = fields.urlcl!.split("/").pop()!;
  const attemptId = (await db.pg.query<{ id: string }>("select id from portal.payment_attempts where status = 'pending'")).rows[0]!.id;
  return { fields, token, attemptId };
}

/** What the resident can post: everything is in the form they saw, plus a made-up authorisation. */
function forgedPaid(fields: Record<string, string>) {
  return {
    numcli: fields.numcli!, exer: fields.exer!, refdet: fields.refdet!, objet: fields.objet!, montant: fields.montant!, mel: fields.mel!,
    saisie: fields.saisie!, resultrans: "P", numauto: "123456", dattrans: "28112026", heurtrans: "1000",
  };
}

describe("a classic TIPI 'paid' the portal cannot verify", () => {
  it("the resident's own post (right token, refdet, amount, numcli) does not make the invoice paid: reported, to be confirmed", async () => {
    const { fields, token, attemptId } = await startTipi();
    const posted = await demo.call(tipiResult.action, `/paiement/resultat-tipi/${token}`, forgedPaid(fields), { jeton: token });
    expect(posted).toRedirectTo(`/paiement/retour?tentative=${attemptId}`);
    expect(await invoiceStatus(INVOICE_2059)).toBe("unpaid");
    expect((await attemptOf(attemptId)).status).toBe("reported");

    // The resident sees « Paiement signalé, en attente de confirmation par le service », never « réglée ».
    const page = await demo.call(retour.loader, posted.location!);
    expect(page.data).toMatchObject({ status: "reported" });
    expect(titleOf(page.data)).toBe("Paiement signalé, en attente de confirmation par le service — Le Portail des Factures");
    expect(JSON.stringify(page.data)).not.toMatch(/réglée/);
    const invoicePage = await demo.call(detail.loader, `/factures/${INVOICE_2059}`, undefined, { id: INVOICE_2059 });
    expect(invoicePage.data).toMatchObject({ status: "unpaid", payment: { state: "reported" } });

    // Meanwhile the invoice cannot be paid again.
    const list = (await demo.call(selection.loader, `/paiement?facture=${INVOICE_2059}`)).data as { selected: string[]; invoices: { id: string; blockedBecause: string | null }[] };
    expect(list.selected).toEqual([]);
    expect(list.invoices.find((i) => i.id === INVOICE_2059)!.blockedBecause).toMatch(/^Paiement signalé, en attente de confirmation par le service/);
    const again = await demo.call(demarrer.action, "/paiement/demarrer", { facture: INVOICE_2059 });
    expect(again.location).toMatch(/erreur=pending$/);
  });

  it("the same post without any cookie, from anywhere: reported only", async () => {
    const { fields, token, attemptId } = await startTipi();
    const stranger = new Browser();
    stranger.ip = "203.0.113.66";
    const posted = await stranger.call(tipiResult.action, `/paiement/resultat-tipi/${token}`, forgedPaid(fields), { jeton: token });
    expect(posted.status).toBe(303);
    expect(await invoiceStatus(INVOICE_2059)).toBe("unpaid");
    expect((await attemptOf(attemptId)).status).toBe("reported");
    // Posting again changes nothing more.
    await stranger.call(tipiResult.action, `/paiement/resultat-tipi/${token}`, forgedPaid(fields), { jeton: token });
    expect((await attemptOf(attemptId)).status).toBe("reported");
  });

  it("refused, wrong amount, wrong refdet from an unverified address: as before", async () => {
    const { fields, token, attemptId } = await startTipi();
    const post = (form: Record<string, string>) => demo.call(tipiResult.action, `/paiement/resultat-tipi/${token}`, form, { jeton: token });
    await post({ ...forgedPaid(fields), montant: "100" });
    await post({ ...forgedPaid(fields), refdet: "AUTRE000001" });
    expect((await attemptOf(attemptId)).status).toBe("pending");
    await post({ ...forgedPaid(fields), resultrans: "R", numauto: "" });
    expect((await attemptOf(attemptId)).status).toBe("refused");
    expect(await invoiceStatus(INVOICE_2059)).toBe("unpaid");
    const { rows } = await db.pg.query<{ kind: string }>("select kind from portal.payment_events where attempt_id = $1 and kind like 'result%' order by id", [attemptId]);
    expect(rows.map((r) => r.kind)).toEqual(["result_rejected_mismatch", "result_rejected_mismatch", "result_refused"]);
  });
});

describe("a classic TIPI result from DGFiP's address", () => {
  it("the simulator's server-to-server post (loopback, trusted in the embedded default) makes the invoice paid; the browser's copy is a duplicate", async () => {
    const { fields, attemptId } = await startTipi();
    const opened = await demo.call(tipiPage.action, "/simulateur-dgfip/tpa/paiement.web", fields);
    const session = new URLSearchParams(opened.location!.split("?")[1]).get("session")!;
    const decided = await demo.call(tipiPage.action, "/simulateur-dgfip/tpa/paiement.web", { session, decision: "P" });
    expect(await invoiceStatus(INVOICE_2059)).toBe("paid");
    const back = decided.data.returnForm!;
    const token = back.action.split("/").pop()!;
    await demo.call(tipiResult.action, `/paiement/resultat-tipi/${token}`, Object.fromEntries(back.fields), { jeton: token });
    expect((await attemptOf(attemptId)).status).toBe("paid");
    expect((await demo.call(retour.loader, `/paiement/retour?tentative=${attemptId}`)).data).toMatchObject({ status: "paid" });
  });

  it("DGFiP's post after the resident's report settles it: paid", async () => {
    const { fields, token, attemptId } = await startTipi();
    await demo.call(tipiResult.action, `/paiement/resultat-tipi/${token}`, forgedPaid(fields), { jeton: token });
    expect((await attemptOf(attemptId)).status).toBe("reported");
    const dgfip = new Browser();
    dgfip.ip = "127.0.0.1";
    await dgfip.call(tipiResult.action, `/paiement/resultat-tipi/${token}`, { ...forgedPaid(fields), numauto: "987654" }, { jeton: token });
    expect((await attemptOf(attemptId)).status).toBe("paid");
    expect(await invoiceStatus(INVOICE_2059)).toBe("paid");
  });
});

describe("staff settle what was reported", () => {
  it("listed for staff; confirmed with who, when and why: paid", async () => {
    const { fields, token, attemptId } = await startTipi();
    await demo.call(tipiResult.action, `/paiement/resultat-tipi/${token}`, forgedPaid(fields), { jeton: token });
    const listed = await listReportedPayments(db);
    expect(listed).toMatchObject([{ attemptId, refdet: fields.refdet, amountCents: 24311, numauto: "123456", invoiceNumbers: ["2017-020-002059"], sourceAddress: "198.51.100.10" }]);
    const done = await confirmReportedPayment(db, fields.refdet!, "Mme Comptable", "Vu sur le relevé DGFiP du 28/11");
    expect(done).toBe(attemptId);
    expect(await attemptOf(attemptId)).toMatchObject({ status: "paid", reviewed_by: "Mme Comptable", review_reason: "Vu sur le relevé DGFiP du 28/11" });
    expect((await attemptOf(attemptId)).reviewed_at).toBeInstanceOf(Date);
    expect(await invoiceStatus(INVOICE_2059)).toBe("paid");
    expect(await listReportedPayments(db)).toEqual([]);
    await expect(confirmReportedPayment(db, attemptId, "Mme Comptable", "encore")).rejects.toThrow(/n'est pas un paiement signalé à confirmer/);
  });

  it("rejected with who, when and why: the invoice is payable again and the resident is told", async () => {
    const { fields, token, attemptId } = await startTipi();
    await demo.call(tipiResult.action, `/paiement/resultat-tipi/${token}`, forgedPaid(fields), { jeton: token });
    await rejectReportedPayment(db, attemptId, "M. Régisseur", "Absent du relevé DGFiP");
    expect(await attemptOf(attemptId)).toMatchObject({ status: "rejected", reviewed_by: "M. Régisseur", review_reason: "Absent du relevé DGFiP" });
    expect(await invoiceStatus(INVOICE_2059)).toBe("unpaid");
    expect((await demo.call(retour.loader, `/paiement/retour?tentative=${attemptId}`)).data).toMatchObject({ status: "rejected" });
    expect((await demo.call(selection.loader, `/paiement?facture=${INVOICE_2059}`)).data.selected).toEqual([INVOICE_2059]);
    // The same unverified report again does not reopen it.
    await demo.call(tipiResult.action, `/paiement/resultat-tipi/${token}`, forgedPaid(fields), { jeton: token });
    expect((await attemptOf(attemptId)).status).toBe("rejected");
  });

  it("the billing import's « réglée » settles it", async () => {
    const { fields, token, attemptId } = await startTipi();
    await demo.call(tipiResult.action, `/paiement/resultat-tipi/${token}`, forgedPaid(fields), { jeton: token });
    const report = await importFiles(db, await tempDataDir(), { invoices: ["SISTEC560;2017-020-002059;10/07/2017;21/07/2017;243,11;Multi Services;réglée"] });
    expect(report.errors).toEqual([]);
    expect(await invoiceStatus(INVOICE_2059)).toBe("paid");
    expect(await attemptOf(attemptId)).toMatchObject({ status: "paid", reviewed_by: "import de la facturation" });
    expect(await listReportedPayments(db)).toEqual([]);
  });
});
