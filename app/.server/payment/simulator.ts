import { dattransOf, fieldAnyCase, isValidRefdet, type ResultCode } from "./protocol";
import {
  creerPaiementSecuriseResponse,
  functionalFault,
  parseSoapRequest,
  recupererDetailPaiementSecuriseResponse,
  type PaymentDetail,
} from "./soap";

/**
 * The local DGFiP simulator of the embedded default: PayFiP's SOAP service
 * (creerPaiementSecurise, recupererDetailPaiementSecurise, with the real functional faults) and
 * the two payment pages (PayFiP `paiementws.web?idop=…`, classic TIPI `paiement.web`). The
 * portal reaches it through the very code that reaches DGFiP; only the base URL differs.
 *
 * State is in memory (one process: PGlite is single-process anyway): a restart forgets every
 * idOp, which the portal then sees as P1 — exactly what DGFiP answers for a cleaned-up idOp.
 * The routes under /simulateur-dgfip/ answer 404 unless the backend carries this simulator.
 */
export type NotificationMode = "immediate" | "twice" | "late" | "none";
export type BrowserMode = "return" | "closed";
export type Decision = Extract<ResultCode, "P" | "R" | "A">;

export interface Controls {
  notification: NotificationMode;
  /** For "late": the notification leaves, and the result becomes known (P5 before), after this. */
  delaySeconds: number;
  browser: BrowserMode;
}

interface SimResult {
  resultrans: Decision;
  numauto: string;
  dattrans: string;
  heurtrans: string;
  /** recupererDetailPaiementSecurise answers P5 before this instant (ms). */
  knownFrom: number;
}

export interface SimPayfipPayment {
  idOp: string;
  request: Record<string, string>;
  createdAt: number;
  result?: SimResult;
}

export interface SimTipiSession {
  id: string;
  fields: Record<string, string>;
  createdAt: number;
  result?: SimResult;
}

const MAX_ENTRIES = 2000;
const REFUSAL = { P: null, R: "refus", A: "abandon" } as const;

function trim<K, V>(map: Map<K, V>) {
  while (map.size > MAX_ENTRIES) map.delete(map.keys().next().value as K);
}

function newNumauto(): string {
  const digits = crypto.getRandomValues(new Uint32Array(1))[0]! % 1_000_000;
  return `${String(digits).padStart(6, "0")}SIM`;
}

function isHttpUrl(value: string | undefined): boolean {
  if (!value) return false;
  try {
    const url = new URL(value);
    return url.protocol === "http:" || url.protocol === "https:";
  } catch {
    return false;
  }
}

const isMel = (v: string | undefined) => !!v && v.length >= 6 && v.length <= 80 && /^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(v);

/** PayFiP's checks of creerPaiementSecurise, with its fault codes. Null: valid. */
export function checkCreateRequest(args: Record<string, string>): { code: string; libelle: string } | null {
  if (!/^\d{6}$/.test(args.numcli ?? "")) return { code: "T1", libelle: "Le numéro de client est incorrect." };
  if (!["T", "X", "W"].includes(args.saisie ?? "")) return { code: "S1", libelle: "Le mode de saisie est incorrect." };
  if (!/^\d{4}$/.test(args.exer ?? "")) return { code: "E1", libelle: "L'exercice est incorrect." };
  if (!isValidRefdet(args.refdet ?? "")) return { code: "R3", libelle: "Le format du paramètre REFDET n'est pas conforme." };
  if (!/^\d{1,11}$/.test(args.montant ?? "")) return { code: "M1", libelle: "Le format du montant n'est pas correct." };
  const montant = Number(args.montant);
  if (montant < 100) return { code: "M3", libelle: "Le montant doit être supérieur ou égal à 1 euro." };
  if (montant > 10_000_000) return { code: "M5", libelle: "Le montant dépasse le maximum autorisé." };
  if (!isMel(args.mel)) return { code: "A2", libelle: "L'adresse électronique n'est pas conforme." };
  if ((args.objet ?? "").length > 100) return { code: "O1", libelle: "L'objet dépasse 100 caractères." };
  if (!isHttpUrl(args.urlnotif)) return { code: "N1", libelle: "L'URL de notification n'est pas conforme." };
  if (!isHttpUrl(args.urlredirect)) return { code: "D1", libelle: "L'URL de redirection n'est pas conforme." };
  return null;
}

/** Classic TIPI's checks of paiement.web's parameters, as French sentences shown on its page. */
export function checkTipiFields(f: Record<string, string>): string[] {
  const errors: string[] = [];
  if (!/^\d{6}$/.test(f.numcli ?? "")) errors.push("Le numéro de client (numcli) doit comporter 6 chiffres.");
  if (!/^\d{4}$/.test(f.exer ?? "")) errors.push("L'exercice (exer) doit comporter 4 chiffres.");
  if (!isValidRefdet(f.refdet ?? "")) errors.push("La référence (refdet) doit comporter de 6 à 30 lettres ou chiffres.");
  if (!/^\d{1,11}$/.test(f.montant ?? "") || Number(f.montant) < 100 || Number(f.montant) > 999_999) {
    errors.push("Le montant (montant) doit être un nombre entier de centimes entre 100 et 999999.");
  }
  if (!isMel(f.mel)) errors.push("L'adresse électronique (mel) n'est pas conforme.");
  if ((f.objet ?? "").length > 100) errors.push("L'objet dépasse 100 caractères.");
  if (!isHttpUrl(f.urlcl)) errors.push("L'adresse de retour (urlcl) n'est pas conforme.");
  if (!["T", "X", "W", "A"].includes(f.saisie ?? "")) errors.push("Le mode de saisie (saisie) est incorrect.");
  return errors;
}

export class DgfipSimulator {
  readonly payfip = new Map<string, SimPayfipPayment>();
  readonly tipi = new Map<string, SimTipiSession>();
  /** Sends a server-to-server call (notification, urlcl); a real fetch to the portal's origin. */
  send: (url: string, body: URLSearchParams) => Promise<void> = async (url, body) => {
    try {
      await fetch(url, {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded" },
        body: body.toString(),
        redirect: "manual",
      });
    } catch (error) {
      console.warn(`simulateur DGFiP : l'appel à ${url} a échoué`, error);
    }
  };
  /** Clock, replaceable in tests. */
  now: () => number = () => Date.now();
  /** Pending late deliveries, so tests can wait for them. */
  private late = new Set<Promise<void>>();

  /** The SOAP endpoint: /tpa/services/securite. */
  async handleSoap(request: Request): Promise<Response> {
    const xml = (body: string, status = 200) =>
      new Response(body, { status, headers: { "Content-Type": "text/xml; charset=utf-8" } });
    let call;
    try {
      call = parseSoapRequest(await request.text());
    } catch {
      call = null;
    }
    if (!call) return xml(functionalFault("P0", "Requête SOAP non reconnue."), 500);

    if (call.operation === "creerPaiementSecurise") {
      const problem = checkCreateRequest(call.args);
      if (problem) return xml(functionalFault(problem.code, problem.libelle), 500);
      const idOp = crypto.randomUUID();
      this.payfip.set(idOp, { idOp, request: call.args, createdAt: this.now() });
      trim(this.payfip);
      return xml(creerPaiementSecuriseResponse(idOp));
    }

    const payment = this.payfip.get(call.args.idOp ?? "");
    if (!payment) return xml(functionalFault("P1", "IdOp incorrect."), 500);
    const result = payment.result;
    if (!result || this.now() < result.knownFrom) {
      return xml(functionalFault("P5", "Résultat de la transaction non connu."), 500);
    }
    const r = payment.request;
    const detail: PaymentDetail = {
      dattrans: result.dattrans,
      exer: r.exer ?? "",
      heurtrans: result.heurtrans,
      idOp: payment.idOp,
      mel: r.mel ?? "",
      montant: r.montant ?? "",
      numauto: result.numauto,
      numcli: r.numcli ?? "",
      objet: r.objet ?? "",
      refdet: r.refdet ?? "",
      resultrans: result.resultrans,
      saisie: r.saisie ?? "",
    };
    return xml(recupererDetailPaiementSecuriseResponse(detail));
  }

  private record(decision: Decision, controls: Controls): SimResult {
    const now = this.now();
    return {
      resultrans: decision,
      numauto: REFUSAL[decision] === null ? newNumauto() : "",
      ...dattransOf(new Date(now)),
      knownFrom: controls.notification === "late" ? now + controls.delaySeconds * 1000 : now,
    };
  }

  private async deliver(controls: Controls, deliverOnce: () => Promise<void>): Promise<void> {
    switch (controls.notification) {
      case "immediate":
        await deliverOnce();
        return;
      case "twice":
        await deliverOnce();
        await deliverOnce();
        return;
      case "late": {
        const done = new Promise<void>((resolve) => {
          const timer = setTimeout(() => void deliverOnce().finally(resolve), controls.delaySeconds * 1000);
          (timer as { unref?: () => void }).unref?.();
        });
        this.late.add(done);
        void done.finally(() => this.late.delete(done));
        return;
      }
      case "none":
        return;
    }
  }

  /** Resolves when every late notification has been sent. For tests. */
  async idle(): Promise<void> {
    while (this.late.size > 0) await Promise.all([...this.late]);
  }

  /** The resident's choice on the PayFiP page. Returns where the browser goes (null: closed). */
  async decidePayfip(idOp: string, decision: Decision, controls: Controls): Promise<{ redirectTo: string | null } | { error: string }> {
    const payment = this.payfip.get(idOp);
    if (!payment) return { error: "Cette opération de paiement est inconnue ou a expiré." };
    if (payment.result) return { error: "Cette opération de paiement est déjà terminée." };
    payment.result = this.record(decision, controls);
    const notify = () => this.send(payment.request.urlnotif!, new URLSearchParams({ idop: idOp }));
    await this.deliver(controls, notify);
    if (controls.browser === "closed") return { redirectTo: null };
    const back = new URL(payment.request.urlredirect!);
    back.searchParams.set("idop", idOp);
    return { redirectTo: back.toString() };
  }

  /** The browser arrives on paiement.web with the service's form. */
  openTipi(params: URLSearchParams): { sessionId: string } | { errors: string[] } {
    const names = ["numcli", "exer", "refdet", "montant", "mel", "objet", "urlcl", "saisie"];
    const fields = Object.fromEntries(names.map((n) => [n, fieldAnyCase(params, n) ?? ""]));
    const errors = checkTipiFields(fields);
    if (errors.length > 0) return { errors };
    const id = crypto.randomUUID();
    this.tipi.set(id, { id, fields, createdAt: this.now() });
    trim(this.tipi);
    return { sessionId: id };
  }

  /** The resident's choice on the TIPI page: the result is posted to urlcl (server, then browser). */
  async decideTipi(
    sessionId: string,
    decision: Decision,
    controls: Controls,
  ): Promise<{ returnForm: { action: string; fields: [string, string][] } | null } | { error: string }> {
    const session = this.tipi.get(sessionId);
    if (!session) return { error: "Cette session de paiement est inconnue ou a expiré." };
    if (session.result) return { error: "Cette session de paiement est déjà terminée." };
    const result = (session.result = this.record(decision, controls));
    const f = session.fields;
    const fields: [string, string][] = [
      ["numcli", f.numcli!],
      ["exer", f.exer!],
      ["refdet", f.refdet!],
      ["objet", f.objet!],
      ["montant", f.montant!],
      ["mel", f.mel!],
      ["saisie", f.saisie!],
      ["resultrans", result.resultrans],
      ["numauto", result.numauto],
      ["dattrans", result.dattrans],
      ["heurtrans", result.heurtrans],
    ];
    await this.deliver(controls, () => this.send(f.urlcl!, new URLSearchParams(fields)));
    return { returnForm: controls.browser === "closed" ? null : { action: f.urlcl!, fields } };
  }
}

const KEY = Symbol.for("portail-des-factures.dgfip-simulator");

/** The process's simulator (kept on globalThis so a dev-server reload keeps its state). */
export function getSimulator(): DgfipSimulator {
  const holder = globalThis as unknown as Record<symbol, DgfipSimulator | undefined>;
  return (holder[KEY] ??= new DgfipSimulator());
}

/** Reads the page's controls from a submitted form (defaults: notify once, come back). */
export function controlsFrom(form: FormData): Controls {
  const notification = String(form.get("notification") ?? "immediate");
  const browser = String(form.get("navigateur") ?? "retour");
  const delay = Number(form.get("delai") ?? 10);
  return {
    notification: (["immediate", "twice", "late", "none"] as const).find((m) => m === notification) ?? "immediate",
    delaySeconds: Number.isFinite(delay) ? Math.min(Math.max(Math.round(delay), 0), 3600) : 10,
    browser: browser === "ferme" ? "closed" : "return",
  };
}
