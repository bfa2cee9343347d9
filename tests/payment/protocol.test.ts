import { describe, expect, test } from "vitest";
import {
  dattransOf,
  eurosToCents,
  fieldAnyCase,
  isValidRefdet,
  montantOf,
  parseMontant,
  parseTipiResult,
  resultOutcome,
  transactionInstant,
} from "~/.server/payment/protocol";
import {
  creerPaiementSecuriseRequest,
  creerPaiementSecuriseResponse,
  functionalFault,
  parseCreerPaiementSecuriseResponse,
  parseFault,
  parseRecupererDetailPaiementSecuriseResponse,
  parseSoapRequest,
  recupererDetailPaiementSecuriseRequest,
  recupererDetailPaiementSecuriseResponse,
  technicalFault,
} from "~/.server/payment/soap";
import { parseXml, XmlError } from "~/.server/payment/xml";
import { checkCreateRequest } from "~/.server/payment/simulator";

/** Reference vectors of the PayFiP protocol, as in eopayment's tests/test_payfip_ws.py. */
describe("amounts in integer cents", () => {
  test("19,99 € gives 1999 (no float multiplication), 243,11 € gives 24311", () => {
    expect(eurosToCents("19,99")).toBe(1999);
    expect(eurosToCents("19.99")).toBe(1999);
    expect(eurosToCents("243,11 €")).toBe(24311);
    expect(eurosToCents("1 234,5")).toBe(123450);
    expect(eurosToCents("10")).toBe(1000);
    expect(19.99 * 100).not.toBe(1999); // why the string route matters
    for (const bad of ["", "abc", "1,234", "-3,00", "1e3"]) expect(() => eurosToCents(bad)).toThrow(RangeError);
  });

  test("montant is digits only, and only digits are read back", () => {
    expect(montantOf(24311)).toBe("24311");
    expect(() => montantOf(19.99)).toThrow(RangeError);
    expect(() => montantOf(0)).toThrow(RangeError);
    expect(parseMontant("1000")).toBe(1000);
    expect(parseMontant("10.00")).toBeNull();
    expect(parseMontant("")).toBeNull();
  });
});

describe("refdet", () => {
  test("6 to 30 alphanumerics; an invoice number with dashes must be mapped", () => {
    expect(isValidRefdet("EFEFAEFG")).toBe(true);
    expect(isValidRefdet("2017020002059P123456")).toBe(true);
    expect(isValidRefdet("2017-020-002099")).toBe(false);
    expect(isValidRefdet("ABCDE")).toBe(false);
    expect(isValidRefdet("A".repeat(31))).toBe(false);
    expect(isValidRefdet("#000001")).toBe(false);
  });
});

describe("result codes", () => {
  test("P and V paid, R and Z refused, A abandoned, anything else an error", () => {
    expect(["P", "V", "R", "Z", "A", "X", "", null].map(resultOutcome)).toEqual(["paid", "paid", "refused", "refused", "abandoned", null, null, null]);
  });

  test("dattrans DDMMYYYY + heurtrans HHMM are Paris time", () => {
    expect(transactionInstant("12122019", "1311")).toBe("2019-12-12T12:11:00.000Z"); // winter: UTC+1
    expect(transactionInstant("10072017", "0930")).toBe("2017-07-10T07:30:00.000Z"); // summer: UTC+2
    expect(transactionInstant("3113", "1311")).toBeNull();
    expect(dattransOf(new Date("2019-12-12T12:11:00Z"))).toEqual({ dattrans: "12122019", heurtrans: "1311" });
  });

  test("classic TIPI results are read whatever the case of their fields", () => {
    const params = new URLSearchParams("NUMCLI=004200&refdet=ABCDEF&MONTANT=24311&ResulTrans=P&numauto=1&dattrans=10072017&heurtrans=0930");
    expect(fieldAnyCase(params, "resultrans")).toBe("P");
    expect(parseTipiResult(params)).toMatchObject({ numcli: "004200", refdet: "ABCDEF", montant: "24311", resultrans: "P" });
  });
});

describe("SOAP envelopes", () => {
  const request = {
    exer: "2019",
    mel: "john.doe@example.com",
    montant: "1000",
    numcli: "090909",
    objet: "coucou",
    refdet: "201912261758460053903194",
    saisie: "T",
    urlnotif: "https://notif.payfip.example.com/?a=1&b=2",
    urlredirect: "https://redirect.payfip.example.com/",
  };

  test("creerPaiementSecurise: document/literal in PaiementSecuriseService, unqualified arg0, escaped values", () => {
    const xml = creerPaiementSecuriseRequest(request);
    expect(xml).toContain('xmlns:pai="http://securite.service.tpa.cp.finances.gouv.fr/services/mas_securite/contrat_paiement_securise/PaiementSecuriseService"');
    expect(xml).toContain("<pai:creerPaiementSecurise><arg0><exer>2019</exer><mel>john.doe@example.com</mel><montant>1000</montant>");
    expect(xml).toContain("<urlnotif>https://notif.payfip.example.com/?a=1&amp;b=2</urlnotif>");
    // The simulator reads back exactly what was sent.
    expect(parseSoapRequest(xml)).toEqual({ operation: "creerPaiementSecurise", args: request });
  });

  test("recupererDetailPaiementSecurise: <idOp> with a capital O", () => {
    const xml = recupererDetailPaiementSecuriseRequest("cc0cb210-1cd4-11ea-8cca-0213ad91a103");
    expect(xml).toContain("<arg0><idOp>cc0cb210-1cd4-11ea-8cca-0213ad91a103</idOp></arg0>");
    expect(parseSoapRequest(xml)).toEqual({ operation: "recupererDetailPaiementSecurise", args: { idOp: "cc0cb210-1cd4-11ea-8cca-0213ad91a103" } });
  });

  test("answers are read by local name, whatever the prefixes", () => {
    const created = `<?xml version="1.0"?><S:Envelope xmlns:S="http://schemas.xmlsoap.org/soap/envelope/"><S:Body>
      <ns2:creerPaiementSecuriseResponse xmlns:ns2="urn:x"><return><idOp>cc0cb210-1cd4-11ea-8cca-0213ad91a103</idOp></return></ns2:creerPaiementSecuriseResponse>
      </S:Body></S:Envelope>`;
    expect(parseCreerPaiementSecuriseResponse(created)).toBe("cc0cb210-1cd4-11ea-8cca-0213ad91a103");
    expect(parseCreerPaiementSecuriseResponse(creerPaiementSecuriseResponse("abc-1"))).toBe("abc-1");
  });

  test("the detail of eopayment's recorded answer", () => {
    const detail = {
      dattrans: "12122019", exer: "20", heurtrans: "1311", idOp: "cc0cb210-1cd4-11ea-8cca-0213ad91a103", mel: "john.doe@example.com",
      montant: "1000", numauto: "112233445566-tip", numcli: "090909", objet: "coucou", refdet: "EFEFAEFG", resultrans: "V", saisie: "T",
    };
    expect(parseRecupererDetailPaiementSecuriseResponse(recupererDetailPaiementSecuriseResponse(detail))).toEqual(detail);
  });

  test("functional faults P1, P5, R3, A2 and technical faults are told apart", () => {
    for (const [code, libelle] of [["P1", "IdOp incorrect."], ["P5", "Résultat de la transaction non connu."], ["R3", "Le format du paramètre REFDET n'est pas conforme."], ["A2", "Adresse mel incorrecte."]]) {
      expect(parseFault(functionalFault(code!, libelle!))).toMatchObject({ kind: "functional", code, libelle });
    }
    expect(parseFault(technicalFault("TechIndisponibiliteErreur", "T9", "Service indisponible"))).toMatchObject({ kind: "technical", code: "T9" });
    const bare = `<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><s:Fault><faultcode>s:Server</faultcode><faultstring>boom</faultstring></s:Fault></s:Body></s:Envelope>`;
    expect(parseFault(bare)).toMatchObject({ kind: "technical", code: "s:Server", descriptif: "boom" });
    expect(parseFault(creerPaiementSecuriseResponse("x"))).toBeNull();
  });

  test("the simulator answers R3 for a bad refdet and A2 for a bad e-mail, as PayFiP does", () => {
    expect(checkCreateRequest({ ...request, refdet: "2017-020-002059" })).toMatchObject({ code: "R3" });
    expect(checkCreateRequest({ ...request, mel: "john.doeexample.com" })).toMatchObject({ code: "A2" });
    expect(checkCreateRequest({ ...request, montant: "99" })).toMatchObject({ code: "M3" });
    expect(checkCreateRequest(request)).toBeNull();
  });

  test("the XML reader refuses DOCTYPE (no entity expansion) and broken documents", () => {
    expect(() => parseXml('<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>')).toThrow(XmlError);
    expect(() => parseXml("<a><b></a>")).toThrow(XmlError);
    expect(() => parseXml("<html>nope")).toThrow(XmlError);
    expect(parseXml("<a><![CDATA[<b>]]>&amp;&#233;</a>").text).toBe("<b>&é");
  });
});
