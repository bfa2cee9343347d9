import { Link } from "@remix-run/react";
import { useMemo, useState } from "react";
import { TableHead, type Column } from "~/components/espace-table";
import { PrimaryButton, SecondaryButton } from "~/components/ui";
import { formatEuros } from "~/utils/format";

/** A service of the payment selection, and whether it takes several invoices at once. */
export interface SelectableService {
  id: string;
  name: string;
  allowMultiple: boolean;
}

/** An invoice of the payment selection, formatted by the loader; `blockedBecause`: why it cannot be ticked. */
export interface SelectableInvoice {
  id: string;
  number: string;
  date: string;
  amountCents: number;
  amount: string;
  serviceId: string;
  blockedBecause: string | null;
}

const SECONDARY_CLASS = "rounded border border-brand-700 px-4 py-2 font-semibold text-brand-700 hover:bg-brand-50";

/**
 * The ticked invoices, kept to the services' rules as the resident ticks: one service per payment,
 * one invoice at a time when the service allows no more.
 */
export function useSelection(services: readonly SelectableService[], invoices: readonly SelectableInvoice[], initial: string[]) {
  const [selected, setSelected] = useState<string[]>(initial);
  const byId = useMemo(() => new Map(invoices.map((i) => [i.id, i])), [invoices]);
  const chosen = selected.map((id) => byId.get(id)).filter((i) => i !== undefined);
  const total = chosen.reduce((sum, i) => sum + i.amountCents, 0);

  function toggle(id: string, checked: boolean) {
    const invoice = byId.get(id)!;
    const service = services.find((s) => s.id === invoice.serviceId)!;
    setSelected((current) => {
      if (!checked) return current.filter((x) => x !== id);
      const sameService = current.filter((x) => byId.get(x)?.serviceId === invoice.serviceId);
      return service.allowMultiple ? [...sameService, id] : [id];
    });
  }
  return { selected, count: chosen.length, total, toggle };
}

const COLUMNS: readonly Column[] = [
  { label: "Sélection", className: "w-12 py-2 sm:w-24" },
  { label: "Date", className: "py-2" },
  { label: "Numéro", className: "py-2" },
  { label: "Montant à régler", className: "py-2 text-right" },
];

/** One service's invoices: a fieldset of checkboxes named `facture` (they work without JavaScript). */
export function ServiceInvoices({
  service,
  invoices,
  selected,
  onToggle,
}: {
  service: SelectableService;
  invoices: readonly SelectableInvoice[];
  selected: readonly string[];
  onToggle: (id: string, checked: boolean) => void;
}) {
  return (
    <fieldset className="min-w-0 rounded bg-white p-4 shadow-sm">
      <legend className="px-1 font-semibold">{service.name}</legend>
      <p className="mb-3 text-sm text-stone-700">
        {service.allowMultiple
          ? "Vous pouvez régler plusieurs factures de ce service en une seule fois."
          : "Ce service ne permet de régler qu'une facture à la fois."}
      </p>
      <table className="w-full text-left">
        <TableHead columns={COLUMNS} />
        <tbody>
          {invoices.map((invoice) => (
            <InvoiceRow key={invoice.id} invoice={invoice} checked={selected.includes(invoice.id)} onToggle={onToggle} />
          ))}
        </tbody>
      </table>
    </fieldset>
  );
}

function InvoiceRow({ invoice, checked, onToggle }: { invoice: SelectableInvoice; checked: boolean; onToggle: (id: string, checked: boolean) => void }) {
  const inputId = `facture-${invoice.id}`;
  return (
    <tr className="border-t border-stone-200 align-top" data-testid="payment-row">
      <td className="py-2">
        {invoice.blockedBecause ? (
          <span className="sr-only">Non sélectionnable</span>
        ) : (
          <label htmlFor={inputId} className="inline-flex cursor-pointer items-center gap-2">
            <input
              id={inputId}
              type="checkbox"
              name="facture"
              value={invoice.id}
              checked={checked}
              onChange={(e) => onToggle(invoice.id, e.currentTarget.checked)}
              className="peer h-5 w-5"
              aria-describedby={`${inputId}-details`}
            />
            {/* The cross of a ticked invoice is drawn by the style sheet only: without styles the page
                shows the checkboxes alone, which say the same (RGAA 10.3); hidden from screen readers. */}
            <span aria-hidden="true" data-testid="selection-mark" className="inline-block w-4 font-bold text-brand-700 peer-checked:after:content-['X']" />
            <span className="sr-only">Régler la facture {invoice.number}</span>
          </label>
        )}
      </td>
      <td className="py-2">{invoice.date}</td>
      <td className="py-2" id={`${inputId}-details`}>
        {invoice.number}
        {invoice.blockedBecause ? <p className="text-sm text-stone-700">{invoice.blockedBecause}</p> : null}
      </td>
      <td className="py-2 text-right">{invoice.amount}</td>
    </tr>
  );
}

/** The count and total of the ticked invoices, and the form's buttons. */
export function SelectionSummary({ count, totalCents }: { count: number; totalCents: number }) {
  return (
    <aside aria-labelledby="selection-resume" className="flex flex-col gap-3 rounded bg-white p-4 shadow-sm lg:w-72">
      <h2 id="selection-resume" className="font-semibold">
        Factures sélectionnées :
      </h2>
      <div aria-live="polite" className="flex flex-col gap-1" data-testid="selection-summary">
        <p>Nombre de factures : {count}</p>
        <p>Montant à régler : {formatEuros(totalCents)}</p>
      </div>
      <noscript>
        <SecondaryButton formAction="/paiement">Mettre à jour le total</SecondaryButton>
      </noscript>
      <PrimaryButton>Payer la facture</PrimaryButton>
      <Link to="/factures" className={`${SECONDARY_CLASS} text-center`}>
        Fermer
      </Link>
    </aside>
  );
}
