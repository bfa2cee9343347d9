import { delay, http, HttpResponse } from "msw";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, describe, expect, test } from "vitest";
import { createPayfipClient, PayfipError } from "~/.server/payment/client";
import {
  creerPaiementSecuriseResponse,
  functionalFault,
  recupererDetailPaiementSecuriseResponse,
  technicalFault,
} from "~/.server/payment/soap";

/**
 * The PayFiP SOAP client against MSW playing DGFiP: every way the call can fail ends in a
 * PayfipError of the right kind (callers rely on P5/P1 being functional, the rest retried).
 */
const URL_WS = "https://www.payfip.gouv.fr/tpa/services/securite";
const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const request = {
  exer: "2026", mel: "demo@demo.fr", montant: "24311", numcli: "004200", objet: "Facture 2017 020 002059",
  refdet: "2017020002059P000001", saisie: "T", urlnotif: "https://factures.example.fr/paiement/notification",
  urlredirect: "https://factures.example.fr/paiement/retour",
};
const xml = (body: string, status = 200) => new HttpResponse(body, { status, headers: { "Content-Type": "text/xml" } });

async function failure(promise: Promise<unknown>): Promise<PayfipError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(PayfipError);
    return error as PayfipError;
  }
  throw new Error("expected a PayfipError");
}

describe("PayFiP SOAP client", () => {
  test("creerPaiementSecurise posts SOAP 1.1 with soapAction \"\" and returns the idOp", async () => {
    let seen: { contentType: string | null; soapAction: string | null; body: string } | undefined;
    server.use(
      http.post(URL_WS, async ({ request: r }) => {
        seen = { contentType: r.headers.get("content-type"), soapAction: r.headers.get("soapaction"), body: await r.text() };
        return xml(creerPaiementSecuriseResponse("cc0cb210-1cd4-11ea-8cca-0213ad91a103"));
      }),
    );
    const client = createPayfipClient({ url: URL_WS });
    expect(await client.createPayment(request)).toBe("cc0cb210-1cd4-11ea-8cca-0213ad91a103");
    expect(seen?.contentType).toMatch(/^text\/xml/);
    expect(seen?.soapAction).toBe('""');
    expect(seen?.body).toContain("<refdet>2017020002059P000001</refdet>");
  });

  test("recupererDetailPaiementSecurise returns the transaction", async () => {
    const detail = {
      dattrans: "12122019", exer: "2019", heurtrans: "1311", idOp: "ID1", mel: "demo@demo.fr", montant: "24311",
      numauto: "112233445566-tip", numcli: "004200", objet: "x", refdet: "ABCDEF", resultrans: "P", saisie: "T",
    };
    server.use(http.post(URL_WS, () => xml(recupererDetailPaiementSecuriseResponse(detail))));
    expect(await createPayfipClient({ url: URL_WS }).paymentDetail("ID1")).toEqual(detail);
  });

  test("P5 and P1 come back as functional faults with their code", async () => {
    server.use(http.post(URL_WS, () => xml(functionalFault("P5", "Résultat de la transaction non connu."), 500)));
    expect(await failure(createPayfipClient({ url: URL_WS }).paymentDetail("ID1"))).toMatchObject({ kind: "functional", code: "P5" });
    server.use(http.post(URL_WS, () => xml(functionalFault("P1", "IdOp incorrect."), 500)));
    expect(await failure(createPayfipClient({ url: URL_WS }).paymentDetail("ID1"))).toMatchObject({ kind: "functional", code: "P1" });
  });

  test("a technical fault is technical", async () => {
    server.use(http.post(URL_WS, () => xml(technicalFault("TechDysfonctionnementErreur", "T1", "Erreur technique"), 500)));
    expect(await failure(createPayfipClient({ url: URL_WS }).createPayment(request))).toMatchObject({ kind: "technical", code: "T1" });
  });

  test("HTTP 500 without SOAP (a proxy's error page) is an http error", async () => {
    server.use(http.post(URL_WS, () => new HttpResponse("<html><body>Bad gateway</body></html>", { status: 502 })));
    expect(await failure(createPayfipClient({ url: URL_WS }).createPayment(request))).toMatchObject({ kind: "http", details: { status: 502 } });
    server.use(http.post(URL_WS, () => new HttpResponse("Internal Server Error", { status: 500 })));
    expect(await failure(createPayfipClient({ url: URL_WS }).createPayment(request))).toMatchObject({ kind: "http", details: { status: 500 } });
  });

  test("no answer within the timeout is a timeout", async () => {
    server.use(
      http.post(URL_WS, async () => {
        await delay(2_000);
        return xml(creerPaiementSecuriseResponse("late"));
      }),
    );
    expect(await failure(createPayfipClient({ url: URL_WS, timeoutMs: 50 }).createPayment(request))).toMatchObject({ kind: "timeout" });
  });

  test("a network failure is a network error", async () => {
    server.use(http.post(URL_WS, () => HttpResponse.error()));
    expect(await failure(createPayfipClient({ url: URL_WS }).createPayment(request))).toMatchObject({ kind: "network" });
  });

  test("a 200 that is not the expected SOAP answer is malformed", async () => {
    server.use(http.post(URL_WS, () => new HttpResponse("<html>maintenance</html>", { status: 200 })));
    expect(await failure(createPayfipClient({ url: URL_WS }).createPayment(request))).toMatchObject({ kind: "malformed" });
    server.use(http.post(URL_WS, () => xml(creerPaiementSecuriseResponse("x"))));
    expect(await failure(createPayfipClient({ url: URL_WS }).paymentDetail("x"))).toMatchObject({ kind: "malformed" });
  });
});
