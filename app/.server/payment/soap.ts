import { childText, escapeXml, findElement, parseXml, XmlError, type XmlElement } from "./xml";

/**
 * PayFiP's SOAP 1.1 web service (document/literal, soapAction ""), both directions: the portal's
 * requests and the parsing of DGFiP's answers, and the simulator's parsing of requests and its
 * answers. Shapes as public integrations send and read them (eopayment payfip_ws.py, OCA
 * payment_payfip): operations in the PaiementSecuriseService namespace, parameters in an
 * unqualified <arg0>, results in <return>, functional faults as
 * <detail><FonctionnelleErreur><code/><libelle/><descriptif/><severite/></FonctionnelleErreur>.
 */
export const SOAP_ENVELOPE_NS = "http://schemas.xmlsoap.org/soap/envelope/";
export const PAYFIP_NS =
  "http://securite.service.tpa.cp.finances.gouv.fr/services/mas_securite/contrat_paiement_securise/PaiementSecuriseService";
export const FUNCTIONAL_FAULT_STRING = "fr.gouv.finances.cp.tpa.webservice.exceptions.FonctionnelleErreur";

/** creerPaiementSecurise's arg0, field order as in the WSDL (alphabetical). */
export interface CreatePaymentRequest {
  exer: string;
  mel: string;
  /** Integer cents, digits only. */
  montant: string;
  numcli: string;
  objet: string;
  refdet: string;
  saisie: string;
  urlnotif: string;
  urlredirect: string;
}

const CREATE_FIELDS = ["exer", "mel", "montant", "numcli", "objet", "refdet", "saisie", "urlnotif", "urlredirect"] as const;
export const DETAIL_FIELDS = [
  "dattrans", "exer", "heurtrans", "idOp", "mel", "montant", "numauto", "numcli", "objet", "refdet", "resultrans", "saisie",
] as const;
export type PaymentDetail = Record<(typeof DETAIL_FIELDS)[number], string>;

export const TECHNICAL_FAULTS = ["TechDysfonctionnementErreur", "TechIndisponibiliteErreur", "TechProtocolaireErreur"] as const;

export interface SoapFault {
  kind: "functional" | "technical";
  /** FonctionnelleErreur / Tech*Erreur code (e.g. P5), or the faultcode when there is none. */
  code: string;
  libelle: string;
  descriptif: string;
  severite: string;
  faultstring: string;
}

function envelope(body: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<soapenv:Envelope xmlns:soapenv="${SOAP_ENVELOPE_NS}" xmlns:pai="${PAYFIP_NS}">
<soapenv:Header/>
<soapenv:Body>
${body}
</soapenv:Body>
</soapenv:Envelope>
`;
}

const fields = (values: Record<string, string>, names: readonly string[]) =>
  names.map((n) => `<${n}>${escapeXml(values[n] ?? "")}</${n}>`).join("");

/* ------------------------------------------------------------------ portal → DGFiP */

export function creerPaiementSecuriseRequest(request: CreatePaymentRequest): string {
  return envelope(`<pai:creerPaiementSecurise><arg0>${fields({ ...request }, CREATE_FIELDS)}</arg0></pai:creerPaiementSecurise>`);
}

export function recupererDetailPaiementSecuriseRequest(idOp: string): string {
  return envelope(`<pai:recupererDetailPaiementSecurise><arg0><idOp>${escapeXml(idOp)}</idOp></arg0></pai:recupererDetailPaiementSecurise>`);
}

function bodyOf(xml: string): XmlElement {
  const root = parseXml(xml);
  if (root.name !== "Envelope") throw new XmlError("not a SOAP envelope");
  const body = root.children.find((c) => c.name === "Body");
  if (!body) throw new XmlError("SOAP envelope without Body");
  return body;
}

/** The fault in a SOAP answer, or null when the body holds none. Throws XmlError on non-SOAP text. */
export function parseFault(xml: string): SoapFault | null {
  const fault = bodyOf(xml).children.find((c) => c.name === "Fault");
  if (!fault) return null;
  const faultstring = childText(fault, "faultstring") ?? "";
  const detail = fault.children.find((c) => c.name === "detail");
  const functional = detail && findElement(detail, "FonctionnelleErreur");
  const technical = detail && TECHNICAL_FAULTS.map((n) => findElement(detail, n)).find(Boolean);
  const source = functional ?? technical;
  return {
    kind: functional ? "functional" : "technical",
    code: (source && childText(source, "code")) || childText(fault, "faultcode") || "inconnu",
    libelle: (source && childText(source, "libelle")) ?? "",
    descriptif: (source && childText(source, "descriptif")) ?? faultstring,
    severite: (source && childText(source, "severite")) ?? "",
    faultstring,
  };
}

function returnOf(xml: string, operation: string): XmlElement {
  const response = bodyOf(xml).children.find((c) => c.name === `${operation}Response`);
  if (!response) throw new XmlError(`no ${operation}Response in the SOAP body`);
  const ret = response.children.find((c) => c.name === "return");
  if (!ret) throw new XmlError(`${operation}Response without <return>`);
  return ret;
}

export function parseCreerPaiementSecuriseResponse(xml: string): string {
  const idOp = childText(returnOf(xml, "creerPaiementSecurise"), "idOp");
  if (!idOp) throw new XmlError("creerPaiementSecuriseResponse without idOp");
  return idOp;
}

export function parseRecupererDetailPaiementSecuriseResponse(xml: string): PaymentDetail {
  const ret = returnOf(xml, "recupererDetailPaiementSecurise");
  const detail = Object.fromEntries(DETAIL_FIELDS.map((n) => [n, childText(ret, n) ?? ""])) as PaymentDetail;
  if (!detail.resultrans) throw new XmlError("recupererDetailPaiementSecuriseResponse without resultrans");
  return detail;
}

/* ------------------------------------------------------------------ DGFiP side (the simulator) */

export type SoapRequest =
  | { operation: "creerPaiementSecurise"; args: Record<string, string> }
  | { operation: "recupererDetailPaiementSecurise"; args: Record<string, string> };

export function parseSoapRequest(xml: string): SoapRequest | null {
  const body = bodyOf(xml);
  const call = body.children[0];
  if (!call) return null;
  const arg0 = call.children.find((c) => c.name === "arg0");
  if (!arg0) return null;
  const args = Object.fromEntries(arg0.children.map((c) => [c.name, c.text.trim()]));
  if (call.name === "creerPaiementSecurise" || call.name === "recupererDetailPaiementSecurise") {
    return { operation: call.name, args };
  }
  return null;
}

export function creerPaiementSecuriseResponse(idOp: string): string {
  return envelope(`<pai:creerPaiementSecuriseResponse><return><idOp>${escapeXml(idOp)}</idOp></return></pai:creerPaiementSecuriseResponse>`);
}

export function recupererDetailPaiementSecuriseResponse(detail: PaymentDetail): string {
  return envelope(
    `<pai:recupererDetailPaiementSecuriseResponse><return>${fields(detail, DETAIL_FIELDS)}</return></pai:recupererDetailPaiementSecuriseResponse>`,
  );
}

/** A FonctionnelleErreur fault (answered with HTTP 500, as SOAP 1.1 faults are). */
export function functionalFault(code: string, libelle: string, descriptif = libelle, severite = "2"): string {
  return envelope(
    `<soapenv:Fault><faultcode>soapenv:Server</faultcode><faultstring>${FUNCTIONAL_FAULT_STRING}</faultstring><detail>` +
      `<pai:FonctionnelleErreur><code>${escapeXml(code)}</code><descriptif>${escapeXml(descriptif)}</descriptif>` +
      `<libelle>${escapeXml(libelle)}</libelle><severite>${escapeXml(severite)}</severite></pai:FonctionnelleErreur>` +
      `</detail></soapenv:Fault>`,
  );
}

export function technicalFault(kind: (typeof TECHNICAL_FAULTS)[number], code: string, libelle: string): string {
  return envelope(
    `<soapenv:Fault><faultcode>soapenv:Server</faultcode><faultstring>fr.gouv.finances.cp.tpa.webservice.exceptions.${kind}</faultstring><detail>` +
      `<pai:${kind}><code>${escapeXml(code)}</code><descriptif>${escapeXml(libelle)}</descriptif><libelle>${escapeXml(libelle)}</libelle>` +
      `<severite>3</severite></pai:${kind}></detail></soapenv:Fault>`,
  );
}
