import { z } from "zod";
import { formatEuros } from "../../utils/format";
import type { Database } from "../embedded/database";
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
 * Its state (idOps, TIPI sessions, results, notifications still to send) is in the embedded
 * database, in schema `dgfip_simulator`, so a restart of the portal forgets nothing that DGFiP
 * would remember. Those tables are DGFiP's side, not the portal's: they are created here, on
 * first use, never by `supabase/migrations/` (production has no simulator). The routes under
 * /simulateur-dgfip/ answer 404 unless the backend carries a simulator (docs/payment.md).
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

export interface SimResult {
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

/** The database the simulator keeps its state in: the embedded default's PGlite. */
export type SimulatorDatabase = Pick<Database, "pg">;

/** What DGFiP answers about a payment, once the payer chose (both kinds of payment keep it). */
const RESULT_COLUMNS = `resultrans text check (resultrans in ('P', 'R', 'A')),
  numauto text,
  dattrans text,
  heurtrans text,
  known_from timestamptz`;

const SCHEMA_SQL = `
create schema if not exists dgfip_simulator;
comment on schema dgfip_simulator is 'Local DGFiP simulator of the embedded default (app/.server/payment/simulator.ts); never in production';
create table if not exists dgfip_simulator.payfip_operations (
  idop text primary key,
  request jsonb not null,
  created_at timestamptz not null,
  ${RESULT_COLUMNS}
);
create table if not exists dgfip_simulator.tipi_sessions (
  id text primary key,
  fields jsonb not null,
  created_at timestamptz not null,
  ${RESULT_COLUMNS}
);
create table if not exists dgfip_simulator.pending_notifications (
  id bigint generated always as identity primary key,
  url text not null,
  body text not null,
  due_at timestamptz not null
);
alter table dgfip_simulator.payfip_operations enable row level security;
alter table dgfip_simulator.tipi_sessions enable row level security;
alter table dgfip_simulator.pending_notifications enable row level security;
`;

/**
 * DGFiP's nightly clean-up: an idOp never paid is unknown (P1) the next day (eopayment
 * payfip_ws.py, Payment.payment_status). TIPI sessions have no lookup: they go after a day too.
 */
const FORGET_UNPAID_AFTER_MS = 24 * 60 * 60 * 1000;
const REFUSAL = { P: null, R: "refus", A: "abandon" } as const;
/** The simulator's own ids are UUIDs: anything else is unknown without asking the database. */
const OWN_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

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
/** XML 1.0 has no NUL character: a request carrying one is not a document DGFiP would read. */
const hasNul = (values: Record<string, string>) => Object.values(values).some((v) => v.includes("\u0000"));

/**
 * DGFiP's functional faults (FonctionnelleErreur): code and libelle as PayFiP sends them. The
 * wording of A2, R3, P1 and P5 is the one eopayment's recorded answers carry
 * (tests/test_payfip_ws.py of entrouvert/eopayment); the others are the simulator's own.
 */
export const FAULTS = {
  T1: "Le numéro de client est incorrect.",
  S1: "Le mode de saisie est incorrect.",
  E1: "L'exercice est incorrect.",
  R3: "Le format du paramètre REFDET n'est pas conforme.",
  A2: "Adresse mel incorrecte.",
  M1: "Le format du montant n'est pas correct.",
  M3: "Le montant doit être supérieur ou égal à 1 euro.",
  M5: "Le montant dépasse le maximum autorisé.",
  O1: "L'objet dépasse 100 caractères.",
  N1: "L'URL de notification n'est pas conforme.",
  D1: "L'URL de redirection n'est pas conforme.",
  P0: "Requête SOAP non reconnue.",
  P1: "IdOp incorrect.",
  P5: "Résultat de la transaction non connu.",
} as const;
export type FaultCode = keyof typeof FAULTS;
const fault = (code: FaultCode) => ({ code, libelle: FAULTS[code] });

/**
 * PayFiP's checks of creerPaiementSecurise, with its fault codes, one fault per answer: the first
 * that fails. DGFiP checks the e-mail before the amount: eopayment's test_get_idop_adresse_mel_incorrect
 * sent an invalid mel with montant 9990000001 (above the maximum) and got A2. Null: valid.
 */
export function checkCreateRequest(args: Record<string, string>): { code: FaultCode; libelle: string } | null {
  if (!/^\d{6}$/.test(args.numcli ?? "")) return fault("T1");
  if (!["T", "X", "W"].includes(args.saisie ?? "")) return fault("S1");
  if (!/^\d{4}$/.test(args.exer ?? "")) return fault("E1");
  if (!isValidRefdet(args.refdet ?? "")) return fault("R3");
  if (!isMel(args.mel)) return fault("A2");
  if (!/^\d{1,11}$/.test(args.montant ?? "")) return fault("M1");
  const montant = Number(args.montant);
  if (montant < 100) return fault("M3");
  if (montant > 10_000_000) return fault("M5");
  if ((args.objet ?? "").length > 100) return fault("O1");
  if (!isHttpUrl(args.urlnotif)) return fault("N1");
  if (!isHttpUrl(args.urlredirect)) return fault("D1");
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
  // Classic TIPI's letters (PayFiP's web service has W instead): docs/payment.md.
  if (!["T", "X", "A", "M"].includes(f.saisie ?? "")) errors.push("Le mode de saisie (saisie) est incorrect.");
  if (hasNul(f)) errors.push("Les paramètres contiennent un caractère interdit.");
  return errors;
}

interface ResultColumns {
  resultrans: Decision | null;
  numauto: string | null;
  dattrans: string | null;
  heurtrans: string | null;
  known_from: Date | string | null;
}

const ms = (value: Date | string) => new Date(value).getTime();

function resultOf(r: ResultColumns): SimResult | undefined {
  if (r.resultrans === null) return undefined;
  return {
    resultrans: r.resultrans,
    numauto: r.numauto ?? "",
    dattrans: r.dattrans ?? "",
    heurtrans: r.heurtrans ?? "",
    knownFrom: r.known_from === null ? 0 : ms(r.known_from),
  };
}

export class DgfipSimulator {
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
  /** Pending late deliveries of this process, so tests can wait for them. */
  private late = new Set<Promise<void>>();
  private ready: Promise<void> | undefined;

  constructor(private readonly db: SimulatorDatabase) {}

  /**
   * Creates the simulator's tables on first use (idempotent), then schedules the late
   * notifications a previous run of the portal had not sent yet.
   */
  private schema(): Promise<void> {
    this.ready ??= (async () => {
      await this.db.pg.exec(SCHEMA_SQL);
      const { rows } = await this.db.pg.query<{ id: number; due_at: Date | string }>(
        "select id, due_at from dgfip_simulator.pending_notifications order by due_at, id",
      );
      for (const r of rows) this.schedule(Number(r.id), ms(r.due_at) - this.now());
    })().catch((error: unknown) => {
      this.ready = undefined; // try again on the next call
      throw error;
    });
    return this.ready;
  }

  private async query<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    await this.schema();
    return (await this.db.pg.query<T>(sql, params)).rows;
  }

  /** The PayFiP operation of this idOp, or null (unknown to DGFiP: P1). */
  async payfipOperation(idOp: string): Promise<SimPayfipPayment | null> {
    if (!OWN_ID.test(idOp)) return null;
    const [r] = await this.query<ResultColumns & { idop: string; request: Record<string, string>; created_at: Date | string }>(
      "select * from dgfip_simulator.payfip_operations where idop = $1",
      [idOp],
    );
    if (!r) return null;
    return { idOp: r.idop, request: r.request, createdAt: ms(r.created_at), result: resultOf(r) };
  }

  /** The classic TIPI session opened by paiement.web, or null. */
  async tipiSession(id: string): Promise<SimTipiSession | null> {
    if (!OWN_ID.test(id)) return null;
    const [r] = await this.query<ResultColumns & { id: string; fields: Record<string, string>; created_at: Date | string }>(
      "select * from dgfip_simulator.tipi_sessions where id = $1",
      [id],
    );
    if (!r) return null;
    return { id: r.id, fields: r.fields, createdAt: ms(r.created_at), result: resultOf(r) };
  }

  /** The SOAP endpoint: /tpa/services/securite. */
  async handleSoap(request: Request): Promise<Response> {
    const xml = (body: string, status = 200) =>
      new Response(body, { status, headers: { "Content-Type": "text/xml; charset=utf-8" } });
    const faultAnswer = (code: FaultCode) => xml(functionalFault(code, FAULTS[code]), 500);
    let call;
    try {
      call = parseSoapRequest(await request.text());
    } catch {
      call = null;
    }
    if (!call || hasNul(call.args)) return faultAnswer("P0");

    if (call.operation === "creerPaiementSecurise") {
      const problem = checkCreateRequest(call.args);
      if (problem) return faultAnswer(problem.code);
      const idOp = crypto.randomUUID();
      const now = this.now();
      await this.query(
        "delete from dgfip_simulator.payfip_operations where resultrans is null and created_at < $1",
        [new Date(now - FORGET_UNPAID_AFTER_MS)],
      );
      await this.query("insert into dgfip_simulator.payfip_operations (idop, request, created_at) values ($1, $2, $3)", [
        idOp,
        JSON.stringify(call.args),
        new Date(now),
      ]);
      return xml(creerPaiementSecuriseResponse(idOp));
    }

    const payment = await this.payfipOperation(call.args.idOp ?? "");
    if (!payment) return faultAnswer("P1");
    const result = payment.result;
    if (!result || this.now() < result.knownFrom) return faultAnswer("P5");
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

  /**
   * Stores the result unless the operation already has one. False: it had one (a second
   * click, another tab): nothing changes, as on DGFiP's page.
   */
  private async store(table: "payfip_operations" | "tipi_sessions", key: "idop" | "id", id: string, result: SimResult): Promise<boolean> {
    const rows = await this.query(
      `update dgfip_simulator.${table}
       set resultrans = $2, numauto = $3, dattrans = $4, heurtrans = $5, known_from = $6
       where ${key} = $1 and resultrans is null returning 1`,
      [id, result.resultrans, result.numauto, result.dattrans, result.heurtrans, new Date(result.knownFrom)],
    );
    return rows.length === 1;
  }

  private async deliver(controls: Controls, url: string, body: URLSearchParams): Promise<void> {
    switch (controls.notification) {
      case "immediate":
        await this.send(url, body);
        return;
      case "twice":
        await this.send(url, body);
        await this.send(url, body);
        return;
      case "late": {
        // Kept in the database until sent: a restart before then does not lose it.
        const [row] = await this.query<{ id: number }>(
          "insert into dgfip_simulator.pending_notifications (url, body, due_at) values ($1, $2, $3) returning id",
          [url, body.toString(), new Date(this.now() + controls.delaySeconds * 1000)],
        );
        this.schedule(Number(row!.id), controls.delaySeconds * 1000);
        return;
      }
      case "none":
        return;
    }
  }

  /** Sends the pending notification `id` after `delayMs` (once, whoever sends it first). */
  private schedule(id: number, delayMs: number) {
    const done = new Promise<void>((resolve) => {
      const timer = setTimeout(() => void this.sendPending(id).catch(() => {}).finally(resolve), Math.max(delayMs, 0));
      (timer as { unref?: () => void }).unref?.();
    });
    this.late.add(done);
    void done.finally(() => this.late.delete(done));
  }

  private async sendPending(id: number): Promise<void> {
    const [row] = await this.query<{ url: string; body: string }>(
      "delete from dgfip_simulator.pending_notifications where id = $1 returning url, body",
      [id],
    );
    if (row) await this.send(row.url, new URLSearchParams(row.body));
  }

  /** Sends now every pending notification whose time has come by this simulator's clock. For tests. */
  async deliverDue(): Promise<void> {
    const rows = await this.query<{ id: number }>(
      "select id from dgfip_simulator.pending_notifications where due_at <= $1 order by due_at, id",
      [new Date(this.now())],
    );
    for (const r of rows) await this.sendPending(Number(r.id));
  }

  /** Resolves when every late notification scheduled by this process has been sent. For tests. */
  async idle(): Promise<void> {
    while (this.late.size > 0) await Promise.all([...this.late]);
  }

  /** The resident's choice on the PayFiP page. Returns where the browser goes (null: closed). */
  async decidePayfip(idOp: string, decision: Decision, controls: Controls): Promise<{ redirectTo: string | null } | { error: string }> {
    const payment = await this.payfipOperation(idOp);
    if (!payment) return { error: "Cette opération de paiement est inconnue ou a expiré." };
    if (payment.result || !(await this.store("payfip_operations", "idop", idOp, this.record(decision, controls)))) {
      return { error: "Cette opération de paiement est déjà terminée." };
    }
    await this.deliver(controls, payment.request.urlnotif!, new URLSearchParams({ idop: idOp }));
    if (controls.browser === "closed") return { redirectTo: null };
    const back = new URL(payment.request.urlredirect!);
    back.searchParams.set("idop", idOp);
    return { redirectTo: back.toString() };
  }

  /** The browser arrives on paiement.web with the service's form. */
  async openTipi(params: URLSearchParams): Promise<{ sessionId: string } | { errors: string[] }> {
    const names = ["numcli", "exer", "refdet", "montant", "mel", "objet", "urlcl", "saisie"];
    const fields = Object.fromEntries(names.map((n) => [n, fieldAnyCase(params, n) ?? ""]));
    const errors = checkTipiFields(fields);
    if (errors.length > 0) return { errors };
    const id = crypto.randomUUID();
    const now = this.now();
    await this.query("delete from dgfip_simulator.tipi_sessions where created_at < $1", [new Date(now - FORGET_UNPAID_AFTER_MS)]);
    await this.query("insert into dgfip_simulator.tipi_sessions (id, fields, created_at) values ($1, $2, $3)", [
      id,
      JSON.stringify(fields),
      new Date(now),
    ]);
    return { sessionId: id };
  }

  /** The resident's choice on the TIPI page: the result is posted to urlcl (server, then browser). */
  async decideTipi(
    sessionId: string,
    decision: Decision,
    controls: Controls,
  ): Promise<{ returnForm: { action: string; fields: [string, string][] } | null } | { error: string }> {
    const session = await this.tipiSession(sessionId);
    if (!session) return { error: "Cette session de paiement est inconnue ou a expiré." };
    const result = this.record(decision, controls);
    if (session.result || !(await this.store("tipi_sessions", "id", sessionId, result))) {
      return { error: "Cette session de paiement est déjà terminée." };
    }
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
    await this.deliver(controls, f.urlcl!, new URLSearchParams(fields));
    return { returnForm: controls.browser === "closed" ? null : { action: f.urlcl!, fields } };
  }
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

const DecisionSchema = z.enum(["P", "R", "A"]);

/** The resident's choice on a payment page (Payer, Refuser, Abandonner), or null when it is none of them. */
export function decisionFrom(value: FormDataEntryValue | null): Decision | null {
  const parsed = DecisionSchema.safeParse(value);
  return parsed.success ? parsed.data : null;
}

/** What the payment pages show of a payment request (TIPI's fields, PayFiP's request alike). */
export function paymentSummary(fields: Record<string, string>) {
  return {
    numcli: fields.numcli ?? "",
    refdet: fields.refdet ?? "",
    amount: formatEuros(Number(fields.montant)),
    objet: fields.objet ?? "",
    mel: fields.mel ?? "",
  };
}
