import type { LoaderFunctionArgs } from "@remix-run/server-runtime";
import type { MetaFunction } from "@remix-run/react";
import { data } from "@remix-run/server-runtime";
import { Link, useLoaderData } from "@remix-run/react";
import { useMemo, useState } from "react";
import { requireResident } from "~/.server/resident";
import { selectedIds } from "~/.server/payment/selection";
import { Notice } from "~/components/form";
import { formatDate, formatEuros } from "~/utils/format";
import { BLOCK_MESSAGES, ERROR_MESSAGES } from "~/utils/payment";

/**
 * "Sélection des factures pour le règlement" (SPEC "Pay"). A GET form of real checkboxes named
 * `facture`: without JavaScript the browser submits the ticked boxes to /paiement/confirmation;
 * with it, the totals follow the ticks and the service's rules (one invoice at a time when it
 * allows no more, one service per payment) are applied as the resident ticks.
 */
export async function loader({ request }: LoaderFunctionArgs) {
  const { accounts, payment } = await requireResident(request, { payment: true });
  const url = new URL(request.url);
  const { frame, invoices } = await payment.paymentPage();
  const payable = new Set(invoices.filter((i) => i.block === null).map((i) => i.id));
  let selected = selectedIds(url.searchParams).filter((id) => payable.has(id));
  // Preselection from an invoice's page: never more than the service allows.
  const first = invoices.find((i) => i.id === selected[0]);
  if (first) selected = selected.filter((id) => invoices.find((i) => i.id === id)!.serviceId === first.serviceId);
  if (first && !first.allowMultiple) selected = selected.slice(0, 1);
  const error = url.searchParams.get("erreur");

  const services = new Map<string, { id: string; name: string; allowMultiple: boolean; provider: string }>();
  for (const i of invoices) {
    if (!services.has(i.serviceId)) services.set(i.serviceId, { id: i.serviceId, name: i.serviceName, allowMultiple: i.allowMultiple, provider: i.provider });
  }
  return data(
    {
      frame,
      services: [...services.values()],
      invoices: invoices.map((i) => ({
        id: i.id,
        number: i.number,
        date: formatDate(i.issuedOn),
        dueOn: formatDate(i.dueOn),
        amountCents: i.amountCents,
        amount: formatEuros(i.amountCents),
        serviceId: i.serviceId,
        blockedBecause: i.block ? (BLOCK_MESSAGES[i.block] ?? "Cette facture ne peut pas être payée en ligne.") : null,
      })),
      selected,
      error: error ? (ERROR_MESSAGES[error] ?? null) : null,
    },
    { headers: accounts.headers },
  );
}

export const meta: MetaFunction = () => [{ title: "Sélection des factures pour le règlement — Le Portail des Factures" }];

const buttonClass = "rounded bg-brand-700 px-4 py-2 font-semibold text-white hover:bg-brand-800";
const secondaryClass = "rounded border border-brand-700 px-4 py-2 font-semibold text-brand-700 hover:bg-brand-50";

export default function Paiement() {
  const { services, invoices, selected: initial, error } = useLoaderData<typeof loader>();
  const [selected, setSelected] = useState<string[]>(initial);
  const byId = useMemo(() => new Map(invoices.map((i) => [i.id, i])), [invoices]);
  const chosen = selected.map((id) => byId.get(id)).filter((i) => i !== undefined);
  const total = chosen.reduce((sum, i) => sum + i.amountCents, 0);

  function toggle(id: string, checked: boolean) {
    const invoice = byId.get(id)!;
    const service = services.find((s) => s.id === invoice.serviceId)!;
    setSelected((current) => {
      if (!checked) return current.filter((x) => x !== id);
      // One service per payment; one invoice at a time when the service allows no more.
      const sameService = current.filter((x) => byId.get(x)?.serviceId === invoice.serviceId);
      return service.allowMultiple ? [...sameService, id] : [id];
    });
  }

  return (
    <section aria-labelledby="selection-titre" className="flex flex-col gap-6">
      <h1 id="selection-titre" className="text-2xl font-bold">
        Sélection des factures pour le règlement
      </h1>
      {error ? <Notice tone="error">{error}</Notice> : null}
      {invoices.length === 0 ? (
        <p>Vous n&apos;avez aucune facture à régler.</p>
      ) : (
        <form method="get" action="/paiement/confirmation" className="flex flex-col gap-6 lg:flex-row lg:items-start">
          <div className="flex flex-1 flex-col gap-6">
            {services.map((service) => (
              <fieldset key={service.id} className="rounded bg-white p-4 shadow-sm">
                <legend className="px-1 font-semibold">{service.name}</legend>
                <p className="mb-3 text-sm text-stone-700">
                  {service.allowMultiple
                    ? "Vous pouvez régler plusieurs factures de ce service en une seule fois."
                    : "Ce service ne permet de régler qu'une facture à la fois."}
                </p>
                <table className="w-full text-left">
                  <thead>
                    <tr>
                      <th scope="col" className="w-24 py-2">
                        Sélection
                      </th>
                      <th scope="col" className="py-2">
                        Date
                      </th>
                      <th scope="col" className="py-2">
                        Numéro
                      </th>
                      <th scope="col" className="py-2 text-right">
                        Montant à régler
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {invoices
                      .filter((i) => i.serviceId === service.id)
                      .map((invoice) => {
                        const inputId = `facture-${invoice.id}`;
                        const checked = selected.includes(invoice.id);
                        return (
                          <tr key={invoice.id} className="border-t border-stone-200 align-top" data-testid="payment-row">
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
                                    onChange={(e) => toggle(invoice.id, e.currentTarget.checked)}
                                    className="peer h-5 w-5"
                                    aria-describedby={`${inputId}-details`}
                                  />
                                  <span aria-hidden="true" className="invisible w-4 font-bold text-brand-700 peer-checked:visible">
                                    X
                                  </span>
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
                      })}
                  </tbody>
                </table>
              </fieldset>
            ))}
          </div>
          <aside aria-labelledby="selection-resume" className="flex flex-col gap-3 rounded bg-white p-4 shadow-sm lg:w-72">
            <h2 id="selection-resume" className="font-semibold">
              Factures sélectionnées :
            </h2>
            <div aria-live="polite" className="flex flex-col gap-1" data-testid="selection-summary">
              <p>Nombre de factures : {chosen.length}</p>
              <p>Montant à régler : {formatEuros(total)}</p>
            </div>
            <noscript>
              <button type="submit" formAction="/paiement" className={secondaryClass}>
                Mettre à jour le total
              </button>
            </noscript>
            <button type="submit" className={buttonClass}>
              Payer la facture
            </button>
            <Link to="/factures" className={`${secondaryClass} text-center`}>
              Fermer
            </Link>
          </aside>
        </form>
      )}
    </section>
  );
}
