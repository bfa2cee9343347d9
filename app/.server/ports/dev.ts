/**
 * What the embedded default offers on top of the ports, for its local-only pages: the outbox
 * viewer (/dev/courriels) and the DGFiP simulator (/simulateur-dgfip/*). `Backend` does not carry
 * them: the routes ask `getEmbeddedExtras()` (app/.server/backend.ts), null with Supabase (404).
 * These interfaces describe only what those routes use; the embedded adapter implements them
 * (app/.server/embedded/backend.ts, app/.server/payment/simulator.ts), and tsc checks it there.
 * Nothing here imports the simulator or an adapter.
 */

export interface OutboxEmail {
  id: string;
  kind: string;
  to: string;
  subject: string;
  html: string;
  text: string;
  status: string;
  createdAt: string;
  replyTo: string | null;
  /** Reminders: the broadcast stream and their List-Unsubscribe headers (docs/mail.md). */
  stream?: "transactional" | "broadcast";
  headers?: { name: string; value: string }[];
}

/** Embedded default only: the e-mails that would have left, shown at /dev/courriels. */
export interface DevMailboxPort {
  list(limit: number): Promise<OutboxEmail[]>;
}

/** A choice on a simulator payment page: paid, refused, abandoned (DGFiP's resultrans). */
export type SimulatorDecision = "P" | "R" | "A";

/** How the simulator behaves after a choice (the controls of its pages). */
export interface SimulatorControls {
  notification: "immediate" | "twice" | "late" | "none";
  /** For "late": the notification leaves, and the result becomes known, after this. */
  delaySeconds: number;
  browser: "return" | "closed";
}

/** A PayFiP operation as the simulator's payment page shows it. */
export interface SimulatorPayfipOperation {
  idOp: string;
  request: Record<string, string>;
  /** Present once the resident decided. */
  result?: unknown;
}

/** A classic TIPI session as the simulator's payment page shows it. */
export interface SimulatorTipiSession {
  id: string;
  fields: Record<string, string>;
  /** Present once the resident decided. */
  result?: unknown;
}

/** Embedded default only: the local DGFiP simulator, as its routes use it (docs/payment.md). */
export interface DgfipSimulatorPort {
  /** PayFiP's SOAP endpoint (creerPaiementSecurise, recupererDetailPaiementSecurise). */
  handleSoap(request: Request): Promise<Response>;
  payfipOperation(idOp: string): Promise<SimulatorPayfipOperation | null>;
  /** The resident's choice on the PayFiP page. Returns where the browser goes (null: closed). */
  decidePayfip(
    idOp: string,
    decision: SimulatorDecision,
    controls: SimulatorControls,
  ): Promise<{ redirectTo: string | null } | { error: string }>;
  /** The browser arrives on paiement.web with the service's form. */
  openTipi(params: URLSearchParams): Promise<{ sessionId: string } | { errors: string[] }>;
  tipiSession(id: string): Promise<SimulatorTipiSession | null>;
  /** The resident's choice on the TIPI page: the result is posted to urlcl (server, then browser). */
  decideTipi(
    sessionId: string,
    decision: SimulatorDecision,
    controls: SimulatorControls,
  ): Promise<{ returnForm: { action: string; fields: [string, string][] } | null } | { error: string }>;
}

/** The embedded default's local-only services (null with Supabase: their routes answer 404). */
export interface EmbeddedExtras {
  devMailbox: DevMailboxPort;
  paymentSimulator: DgfipSimulatorPort;
}
