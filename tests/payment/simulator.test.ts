import { readdirSync, readFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { useBackend } from "~/.server/backend";
import { createEmbeddedBackendFor } from "~/.server/embedded/backend";
import { openDatabase, type Database } from "~/.server/embedded/database";
import { parseEnv } from "~/.server/env";
import { checkTipiFields, DgfipSimulator, type Controls } from "~/.server/payment/simulator";
import {
  creerPaiementSecuriseRequest,
  parseCreerPaiementSecuriseResponse,
  parseFault,
  parseRecupererDetailPaiementSecuriseResponse,
  recupererDetailPaiementSecuriseRequest,
  type CreatePaymentRequest,
} from "~/.server/payment/soap";
import * as payfipPage from "~/routes/simulateur-dgfip.tpa.paiementws[.]web/route";
import { ORIGIN } from "../support/route-harness";
import { testDatabase } from "../support/database";

/**
 * The local DGFiP simulator on its own: its SOAP faults as DGFiP answers them (code, wording and
 * which fault wins when a request has several), and its state kept in the embedded database, so
 * that a restart of the embedded default neither forgets an idOp nor a result.
 */
const WS = `${ORIGIN}/simulateur-dgfip/tpa/services/securite`;
const config = parseEnv({ NODE_ENV: "test", SITE_URL: ORIGIN });
const NOTIFY_ONCE: Controls = { notification: "immediate", delaySeconds: 0, browser: "return" };

const valid: CreatePaymentRequest = {
  exer: "2026",
  mel: "demo@demo.fr",
  montant: "24311",
  numcli: "004200",
  objet: "Facture 2017 020 002059",
  refdet: "2017020002059P000001",
  saisie: "T",
  urlnotif: `${ORIGIN}/paiement/notification`,
  urlredirect: `${ORIGIN}/paiement/retour`,
};

const soap = (sim: DgfipSimulator, body: string) =>
  sim.handleSoap(new Request(WS, { method: "POST", headers: { "Content-Type": "text/xml; charset=utf-8", SOAPAction: '""' }, body }));

async function create(sim: DgfipSimulator, request: CreatePaymentRequest = valid): Promise<string> {
  const answer = await soap(sim, creerPaiementSecuriseRequest(request));
  expect(answer.status).toBe(200);
  return parseCreerPaiementSecuriseResponse(await answer.text());
}

async function detail(sim: DgfipSimulator, idOp: string) {
  const answer = await soap(sim, recupererDetailPaiementSecuriseRequest(idOp));
  const text = await answer.text();
  return answer.status === 200 ? { detail: parseRecupererDetailPaiementSecuriseResponse(text) } : { fault: parseFault(text) };
}

/** A simulator that records what it would post instead of posting it. */
function withOutbox(sim: DgfipSimulator) {
  const sent: { url: string; body: string }[] = [];
  sim.send = async (url, body) => {
    sent.push({ url, body: body.toString() });
  };
  return { sim, sent };
}

const open: Database[] = [];
afterEach(async () => {
  while (open.length > 0) await open.pop()!.close();
});
async function database(from?: Blob): Promise<Database> {
  const db = from ? await openDatabase({ dataDir: "memory://", loadDataDir: from }) : await testDatabase();
  open.push(db);
  return db;
}

/** Stops the embedded default and starts it again: only what is in the database carries over. */
async function restart(db: Database): Promise<Database> {
  const files = await db.pg.dumpDataDir("none");
  await db.close();
  open.splice(open.indexOf(db), 1);
  return database(files);
}

describe("SOAP faults as DGFiP answers them", () => {
  it("an invalid e-mail is reported as A2 « Adresse mel incorrecte. » even when the amount is out of range too", async () => {
    // eopayment tests/test_payfip_ws.py, test_get_idop_adresse_mel_incorrect: DGFiP answered A2
    // to mel='john.doeexample.com' with montant='9990000001' (far above the 100 000 € maximum).
    const { sim } = withOutbox(createEmbeddedBackendFor(await database(), config).extras.paymentSimulator);
    const answer = await soap(sim, creerPaiementSecuriseRequest({ ...valid, mel: "john.doeexample.com", montant: "9990000001" }));
    expect(answer.status).toBe(500);
    const fault = parseFault(await answer.text());
    expect(fault).toMatchObject({ kind: "functional", code: "A2", libelle: "Adresse mel incorrecte.", severite: "2" });
    expect(fault?.faultstring).toBe("fr.gouv.finances.cp.tpa.webservice.exceptions.FonctionnelleErreur");
    // eopayment's own assertion on that answer (PayFiPError code + descriptif or libelle).
    expect(`${fault!.code} ${fault!.descriptif || fault!.libelle}`).toMatch(/A2.*Adresse.*incorrecte/);
  });

  it("R3 for a refdet DGFiP refuses, P1 for an unknown idOp, P5 while the result is not known: eopayment's wording", async () => {
    const { sim } = withOutbox(createEmbeddedBackendFor(await database(), config).extras.paymentSimulator);
    // test_get_idop_refdet_error: refdet='ABCD', everything else valid.
    const r3 = parseFault(await (await soap(sim, creerPaiementSecuriseRequest({ ...valid, refdet: "ABCD" }))).text());
    expect(`${r3!.code} ${r3!.libelle}`).toMatch(/^R3 Le format.*REFDET.*conforme/);
    // test_get_info_paiement_P1 and test_get_info_paiement_P5.
    expect((await detail(sim, "cc0cb210-1cd4-11ea-8cca-0213ad91a103")).fault).toMatchObject({ code: "P1", libelle: "IdOp incorrect." });
    const idOp = await create(sim);
    expect((await detail(sim, idOp)).fault).toMatchObject({ code: "P5", libelle: "Résultat de la transaction non connu." });
  });

  it("amount faults still come when the e-mail is valid", async () => {
    const { sim } = withOutbox(createEmbeddedBackendFor(await database(), config).extras.paymentSimulator);
    const fault = parseFault(await (await soap(sim, creerPaiementSecuriseRequest({ ...valid, montant: "9990000001" }))).text());
    expect(fault).toMatchObject({ code: "M5" });
  });
});

describe("the simulator's state is in the embedded database", () => {
  it("after a restart, an idOp created before is still known and payable; the result stays known", async () => {
    const db = await database();
    const before = createEmbeddedBackendFor(db, config).extras.paymentSimulator;
    withOutbox(before);
    const idOp = await create(before);

    const reopened = await restart(db);
    const { sim: after, sent } = withOutbox(new DgfipSimulator(reopened));
    expect((await detail(after, idOp)).fault).toMatchObject({ code: "P5" });
    expect(await after.decidePayfip(idOp, "P", NOTIFY_ONCE)).toEqual({ redirectTo: `${ORIGIN}/paiement/retour?idop=${idOp}` });
    expect(sent).toEqual([{ url: `${ORIGIN}/paiement/notification`, body: `idop=${idOp}` }]);
    expect((await detail(after, idOp)).detail).toMatchObject({ idOp, resultrans: "P", refdet: valid.refdet, montant: "24311", numcli: "004200" });

    // The backend built on the reopened database carries a simulator of that database, and the
    // simulator's page finds the (now finished) operation.
    const again = await restart(reopened);
    const backend = createEmbeddedBackendFor(again, config);
    expect(backend.extras.paymentSimulator).not.toBe(before);
    expect((await detail(backend.extras.paymentSimulator, idOp)).detail).toMatchObject({ resultrans: "P" });
    useBackend(backend);
    const page = (await payfipPage.loader({ request: new Request(`${ORIGIN}/simulateur-dgfip/tpa/paiementws.web?idop=${idOp}`), params: {}, context: {} })) as unknown as {
      data: unknown;
    };
    expect(page.data).toMatchObject({ found: true, done: true, refdet: valid.refdet });
  });

  it("a classic TIPI session opened before a restart can still be paid after it", async () => {
    const db = await database();
    const before = new DgfipSimulator(db);
    const opened = await before.openTipi(
      new URLSearchParams({ numcli: "004200", exer: "2026", refdet: "2017020002059T1", montant: "24311", mel: "demo@demo.fr", objet: "Facture", urlcl: `${ORIGIN}/paiement/resultat-tipi/abc`, saisie: "T" }),
    );
    expect(opened).toHaveProperty("sessionId");
    const sessionId = (opened as { sessionId: string }).sessionId;

    const { sim: after, sent } = withOutbox(new DgfipSimulator(await restart(db)));
    expect(await after.tipiSession(sessionId)).toMatchObject({ fields: { refdet: "2017020002059T1" } });
    const decided = await after.decideTipi(sessionId, "R", NOTIFY_ONCE);
    expect(decided).toMatchObject({ returnForm: { action: `${ORIGIN}/paiement/resultat-tipi/abc` } });
    expect(sent).toHaveLength(1);
    expect(new URLSearchParams(sent[0]!.body).get("resultrans")).toBe("R");
    expect(await after.decideTipi(sessionId, "P", NOTIFY_ONCE)).toEqual({ error: "Cette session de paiement est déjà terminée." });
  });

  it("a late notification not yet sent when the server stopped is sent by the next one", async () => {
    const db = await database();
    const { sim: before, sent: sentBefore } = withOutbox(new DgfipSimulator(db));
    const idOp = await create(before);
    await before.decidePayfip(idOp, "P", { notification: "late", delaySeconds: 3600, browser: "closed" });
    expect(sentBefore).toEqual([]);

    const reopened = await restart(db);
    const { sim: after, sent } = withOutbox(new DgfipSimulator(reopened));
    let clock = Date.now();
    after.now = () => clock;
    expect((await detail(after, idOp)).fault).toMatchObject({ code: "P5" }); // still "late" after the restart
    clock += 3_601_000;
    await after.deliverDue();
    expect(sent).toEqual([{ url: `${ORIGIN}/paiement/notification`, body: `idop=${idOp}` }]);
    expect((await detail(after, idOp)).detail).toMatchObject({ resultrans: "P" });
    await after.deliverDue();
    expect(sent).toHaveLength(1); // sent once
  });

  it("its tables are created by the simulator in schema dgfip_simulator, never by a Supabase migration", async () => {
    const db = await database();
    const tables = async () =>
      (
        await db.pg.query<{ name: string; rls: boolean }>(
          `select c.relname as name, c.relrowsecurity as rls from pg_class c join pg_namespace n on n.oid = c.relnamespace
           where n.nspname = 'dgfip_simulator' and c.relkind = 'r' order by 1`,
        )
      ).rows;
    expect(await tables()).toEqual([]); // the migrations and the seed do not know it
    await create(withOutbox(new DgfipSimulator(db)).sim);
    expect(await tables()).toEqual([
      { name: "payfip_operations", rls: true },
      { name: "pending_notifications", rls: true },
      { name: "tipi_sessions", rls: true },
    ]);
    for (const file of readdirSync("supabase/migrations")) {
      expect(readFileSync(`supabase/migrations/${file}`, "utf8"), file).not.toMatch(/dgfip_simulator/);
    }
  });

  it("ids that cannot be its own are unknown, without a database error", async () => {
    const sim = withOutbox(new DgfipSimulator(await database())).sim;
    for (const id of ["\u0000", "pas-un-identifiant", "9".repeat(10_000), ""]) {
      expect(await sim.payfipOperation(id)).toBeNull();
      expect(await sim.tipiSession(id)).toBeNull();
      // XML has no NUL character: such a request is not read at all (P0); the others are P1.
      expect((await detail(sim, id)).fault).toMatchObject({ kind: "functional", code: id === "\u0000" ? "P0" : "P1" });
    }
  });
});

describe("saisie as each DGFiP service accepts it", () => {
  const tipi = { numcli: "004281", exer: "2026", refdet: "2026020002410", montant: "12345", mel: "a@b.fr", objet: "Eau", urlcl: "http://localhost:3000/x" };
  it("classic TIPI takes T, X, A and M, not PayFiP's W", () => {
    for (const saisie of ["T", "X", "A", "M"]) expect(checkTipiFields({ ...tipi, saisie })).toEqual([]);
    expect(checkTipiFields({ ...tipi, saisie: "W" })).toEqual(["Le mode de saisie (saisie) est incorrect."]);
  });
});
