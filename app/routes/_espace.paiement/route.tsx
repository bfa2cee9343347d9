import type { LoaderFunctionArgs } from "@remix-run/server-runtime";
import type { MetaFunction } from "@remix-run/react";
import { data } from "@remix-run/server-runtime";
import { useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { requireResident } from "~/.server/resident";
import { selectedIds } from "~/.server/payment/selection";
import { SelectionSummary, ServiceInvoices, useSelection } from "~/components/espace-payment-selection";
import { withSession } from "~/.server/session-response";
import { Notice } from "~/components/form";
import { TextLink } from "~/components/ui";
import { formatDate, formatEuros } from "~/utils/format";
import { BLOCK_MESSAGES, ERROR_MESSAGES } from "~/utils/payment";

/**
 * "Sélection des factures pour le règlement" (docs/payment.md). A GET form of real checkboxes named
 * `facture`: without JavaScript the browser submits the ticked boxes to /paiement/confirmation;
 * with it, the totals follow the ticks and the service's rules (one invoice at a time when it
 * allows no more, one service per payment) are applied as the resident ticks.
 *
 * It opens on one service (docs/decisions/0035-home-due-summary.md): `?service=<numcli>` (the
 * home page's « Payer » of that service), else the service of the first `?facture=` (an invoice's
 * « Payer la facture »); `?service=tous`, an unknown or malformed one, or neither: every service.
 * The form carries the view in a hidden `service` field, so « Mettre à jour le total » without
 * JavaScript keeps it.
 */
export async function loader({ request }: LoaderFunctionArgs) {
  const { accounts, payment } = await requireResident(request, { payment: true });
  const url = new URL(request.url);
  const { frame, invoices: all } = await payment.paymentPage();
  const requested = selectedIds(url.searchParams);
  const asked = ServiceParam.safeParse(url.searchParams.get("service") ?? undefined);
  const service = asked.success && asked.data !== undefined ? asked.data : null;
  const numcli =
    service === ALL_SERVICES
      ? null
      : service !== null
        ? (all.find((i) => i.numcli === service)?.numcli ?? null)
        : (all.find((i) => i.id === requested[0])?.numcli ?? null);
  const invoices = numcli === null ? all : all.filter((i) => i.numcli === numcli);

  const payable = new Set(invoices.filter((i) => i.block === null).map((i) => i.id));
  let selected = requested.filter((id) => payable.has(id));
  // Preselection from an invoice's page: never more than the service allows.
  const first = invoices.find((i) => i.id === selected[0]);
  if (first) selected = selected.filter((id) => invoices.find((i) => i.id === id)!.serviceId === first.serviceId);
  if (first && !first.allowMultiple) selected = selected.slice(0, 1);
  const error = url.searchParams.get("erreur");

  const services = new Map<string, { id: string; name: string; allowMultiple: boolean; provider: string }>();
  for (const i of invoices) {
    if (!services.has(i.serviceId)) services.set(i.serviceId, { id: i.serviceId, name: i.serviceName, allowMultiple: i.allowMultiple, provider: i.provider });
  }
  const others = new Set(all.filter((i) => i.numcli !== numcli).map((i) => i.serviceId)).size;
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
      /** The service the page is open on (null: every service), and the hidden field that keeps it. */
      service: numcli,
      view: numcli ?? ALL_SERVICES,
      /** « Voir les factures des autres services » when some are left out. */
      othersHref: numcli !== null && others > 0 ? `/paiement?service=${ALL_SERVICES}` : null,
      error: error ? (ERROR_MESSAGES[error] ?? null) : null,
    },
    withSession(accounts),
  );
}

/** `?service=`: every service, or a service's TIPI/PayFiP number (6 digits); anything else is ignored. */
const ALL_SERVICES = "tous";
const ServiceParam = z.union([z.literal(ALL_SERVICES), z.string().regex(/^[0-9]{6}$/)]).optional();

export const meta: MetaFunction = () => [{ title: "Sélection des factures pour le règlement — Le Portail des Factures" }];

export default function Paiement() {
  const { services, invoices, selected: initial, view, othersHref, error } = useLoaderData<typeof loader>();
  const { selected, count, total, toggle } = useSelection(services, invoices, initial);
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
          <input type="hidden" name="service" value={view} />
          <div className="flex flex-1 flex-col gap-6">
            {services.map((service) => (
              <ServiceInvoices
                key={service.id}
                service={service}
                invoices={invoices.filter((i) => i.serviceId === service.id)}
                selected={selected}
                onToggle={toggle}
              />
            ))}
            {othersHref ? (
              <p>
                <TextLink to={othersHref} inTable>
                  Voir les factures des autres services
                </TextLink>
              </p>
            ) : null}
          </div>
          <SelectionSummary count={count} totalCents={total} />
        </form>
      )}
    </section>
  );
}
