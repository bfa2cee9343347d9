import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { Database } from "~/.server/embedded/database";
import * as selection from "~/routes/_espace.paiement/route";
import type { Browser } from "../support/route-harness";
import { startPortal } from "../support/route-harness";
import { DEMO, loggedIn } from "../support/residents";

/**
 * The payment selection open on one service (docs/decisions/0035-home-due-summary.md), on the
 * embedded backend with paiement@demo.fr (three services: 004200 several at once, 004281 classic
 * TIPI one at a time, 004282 payment suspended). Read only: nothing is paid here.
 */
const PAIEMENT = { email: "paiement@demo.fr", password: "paiement-factures" };
const TIPI_FIRST = "1a000000-0000-4000-8000-000000000201";
const TIPI_SECOND = "1a000000-0000-4000-8000-000000000202";
const MULTI_FIRST = "1a000000-0000-4000-8000-000000000101";
const SUSPENDED = "1a000000-0000-4000-8000-000000000301";
const SERVICE_4200 = "5e000000-0000-4000-8000-000000004200";
const SERVICE_4281 = "5e000000-0000-4000-8000-000000004281";
const SERVICE_4282 = "5e000000-0000-4000-8000-000000004282";

let db: Database;
let browser: Browser;
beforeAll(async () => {
  db = (await startPortal()).db;
  browser = await loggedIn(PAIEMENT.email, PAIEMENT.password);
});
afterAll(() => db?.close());

async function open(path: string) {
  const page = await browser.call(selection.loader, path);
  expect(page.status, path).toBe(200);
  return page.data;
}
const servicesOf = (data: Awaited<ReturnType<typeof open>>) => data.services.map((s) => s.id);

describe("/paiement?service=<numcli>", () => {
  it("without a parameter: every service's invoices, as before, no « autres services » link", async () => {
    const data = await open("/paiement");
    expect(servicesOf(data).sort()).toEqual([SERVICE_4200, SERVICE_4281, SERVICE_4282].sort());
    expect(data.invoices).toHaveLength(17);
    expect(data).toMatchObject({ service: null, view: "tous", othersHref: null, selected: [] });
  });

  it("a service of the resident: its invoices only, nothing ticked, and a link to the others", async () => {
    const data = await open("/paiement?service=004281");
    expect(servicesOf(data)).toEqual([SERVICE_4281]);
    expect(data.services[0]!.allowMultiple).toBe(false);
    expect(data.invoices.map((i) => i.serviceId)).toEqual(Array(5).fill(SERVICE_4281));
    expect(data).toMatchObject({ service: "004281", view: "004281", othersHref: "/paiement?service=tous", selected: [] });
  });

  it("a suspended service opens on its invoices, none of them tickable", async () => {
    const data = await open("/paiement?service=004282");
    expect(servicesOf(data)).toEqual([SERVICE_4282]);
    expect(data.invoices).toEqual([expect.objectContaining({ id: SUSPENDED, blockedBecause: "Le paiement a été temporairement suspendu." })]);
    expect((await open(`/paiement?service=004282&facture=${SUSPENDED}`)).selected).toEqual([]);
  });

  it("from an invoice's page (?facture= alone): that invoice's service, that invoice ticked", async () => {
    const data = await open(`/paiement?facture=${MULTI_FIRST}`);
    expect(servicesOf(data)).toEqual([SERVICE_4200]);
    expect(data.invoices).toHaveLength(11);
    expect(data).toMatchObject({ service: "004200", view: "004200", selected: [MULTI_FIRST], othersHref: "/paiement?service=tous" });
  });

  it("one at a time: the TIPI service keeps only the first ticked invoice", async () => {
    const data = await open(`/paiement?service=004281&facture=${TIPI_FIRST}&facture=${TIPI_SECOND}`);
    expect(data.selected).toEqual([TIPI_FIRST]);
  });

  it("an invoice of another service than the one asked is not ticked (never hidden and ticked)", async () => {
    const data = await open(`/paiement?service=004281&facture=${MULTI_FIRST}`);
    expect(servicesOf(data)).toEqual([SERVICE_4281]);
    expect(data.selected).toEqual([]);
  });

  it("« tous » keeps the whole list even with a ticked invoice (the no-JavaScript « Mettre à jour le total »)", async () => {
    const data = await open(`/paiement?service=tous&facture=${MULTI_FIRST}`);
    expect(servicesOf(data)).toHaveLength(3);
    expect(data).toMatchObject({ service: null, view: "tous", selected: [MULTI_FIRST], othersHref: null });
  });

  it("an unknown service (well formed, not the resident's): the whole list, never an error", async () => {
    for (const numcli of ["999999", "004290"]) {
      const data = await open(`/paiement?service=${numcli}`);
      expect(servicesOf(data), numcli).toHaveLength(3);
      expect(data.service).toBeNull();
    }
    // Another resident's service is unknown here too: demo@demo.fr has invoices of 004200 only.
    const demo = await loggedIn(DEMO.email, DEMO.password);
    const page = await demo.call(selection.loader, "/paiement?service=004281");
    expect(page.status).toBe(200);
    expect(page.data.services.map((s) => s.id)).toEqual([SERVICE_4200]);
    expect(page.data.invoices.every((i) => i.serviceId === SERVICE_4200)).toBe(true);
  });

  it("a malformed service is ignored: the whole list, or the ?facture= invoice's service", async () => {
    for (const bad of ["abc", "4281", "0042811", "%27%3B--", "", "004281%00", "TOUS"]) {
      const data = await open(`/paiement?service=${bad}`);
      expect(servicesOf(data), bad).toHaveLength(3);
    }
    const data = await open(`/paiement?service=xyz&facture=${TIPI_SECOND}`);
    expect(servicesOf(data)).toEqual([SERVICE_4281]);
    expect(data.selected).toEqual([TIPI_SECOND]);
  });

  it("is one database call, as the resident", async () => {
    const run = vi.spyOn(db, "run");
    try {
      await open(`/paiement?service=004200&facture=${MULTI_FIRST}`);
      expect(run).toHaveBeenCalledTimes(1);
      expect(run.mock.calls[0]![0]).toMatchObject({ role: "authenticated" });
    } finally {
      run.mockRestore();
    }
  });
});
