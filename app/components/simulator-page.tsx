import type { ReactNode } from "react";
import { SimulatorControls, SimulatorDecisionButtons } from "./simulator-controls";

/** The frame of the local DGFiP simulator's pages (embedded default only), under its title. */
export function SimulatorPage({ title, children }: { title: string; children: ReactNode }) {
  return (
    <main className="mx-auto flex max-w-2xl flex-col gap-4 p-6">
      <p className="rounded bg-amber-100 p-2 text-sm text-amber-950">Simulateur local : aucun paiement réel n&apos;est effectué.</p>
      <h1 className="text-2xl font-bold">{title}</h1>
      {children}
    </main>
  );
}

/** What a simulator page shows of the payment (app/.server/payment/simulator.ts paymentSummary). */
export interface SimulatorPayment {
  numcli: string;
  refdet: string;
  amount: string;
  objet: string;
  mel: string;
}

/**
 * The payment, the test controls and the three choices, posted back to the page with the
 * payment's id (`idop` for PayFiP, `session` for TIPI).
 */
export function SimulatorPaymentForm({ id, payment }: { id: { name: string; value: string }; payment: SimulatorPayment }) {
  return (
    <form method="post" className="flex flex-col gap-4">
      <input type="hidden" name={id.name} value={id.value} />
      <dl className="grid grid-cols-[max-content_1fr] gap-x-4 gap-y-1 rounded bg-white p-4 shadow-sm">
        <dt className="font-semibold">Collectivité</dt>
        <dd>{payment.numcli}</dd>
        <dt className="font-semibold">Référence</dt>
        <dd>{payment.refdet}</dd>
        <dt className="font-semibold">Objet</dt>
        <dd>{payment.objet}</dd>
        <dt className="font-semibold">Montant</dt>
        <dd>{payment.amount}</dd>
        <dt className="font-semibold">Adresse électronique</dt>
        <dd>{payment.mel}</dd>
      </dl>
      <SimulatorControls />
      <SimulatorDecisionButtons />
    </form>
  );
}
