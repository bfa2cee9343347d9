import type { LoaderFunctionArgs } from "@remix-run/server-runtime";
import type { MetaFunction } from "@remix-run/react";
import { data } from "@remix-run/server-runtime";
import { useLoaderData, useRevalidator } from "@remix-run/react";
import { useEffect, useSyncExternalStore } from "react";
import { z } from "zod";
import { getBackend } from "~/.server/backend";
import { env } from "~/.server/env";
import { paymentUrls, portalOrigin } from "~/.server/payment/config";
import { fieldAnyCase } from "~/.server/payment/protocol";
import { confirmPayfip, payfipClientFor } from "~/.server/payment/service";
import { retryFrom } from "~/.server/accounts";
import { requireResident } from "~/.server/resident";
import { withSession } from "~/.server/session-response";
import { SpaceAnchor, SpaceLink } from "~/components/espace-links";
import { formatEuros } from "~/utils/format";
import { selectionHref } from "~/utils/payment";

/**
 * `/paiement/retour`: where the resident lands after the provider (PayFiP's urlredirect with
 * `idop`; after classic TIPI, `tentative=<attempt>`). For a PayFiP attempt still pending, the
 * loader asks PayFiP for the result (recupererDetailPaiementSecurise) — never trusts the URL.
 * While the result is not known the page refreshes itself (meta refresh, no JavaScript needed).
 *
 * PayFiP brings the browser back to `/paiement/retour-payfip` (its urlredirect, a resource route
 * that accepts its cross-origin POST), which redirects here.
 */
const IDOP = /^[A-Za-z0-9-]{1,64}$/;

const NO_STORE = { headers: { "Cache-Control": "no-store" } };

export async function loader({ request }: LoaderFunctionArgs) {
  const { accounts, payment } = await requireResident(request, { payment: true });
  const url = new URL(request.url);
  const idopParam = fieldAnyCase(url.searchParams, "idop");
  const idop = idopParam && IDOP.test(idopParam) ? idopParam : undefined;
  const attemptParam = z.guid().safeParse(url.searchParams.get("tentative"));
  const ref = attemptParam.success ? { attemptId: attemptParam.data.toLowerCase() } : idop ? { idop } : null;

  // One call (public.payment_return_page); a second only after asking PayFiP for a pending
  // attempt's result, to show what it changed.
  let page = await payment.paymentReturnPage(ref ?? {});
  const frame = page.frame;
  let attempt = ref ? page.attempt : null;
  if (attempt && attempt.status === "pending" && attempt.provider === "payfip_ws" && attempt.idop) {
    const config = env();
    const urls = paymentUrls(config, portalOrigin(config));
    await confirmPayfip((await getBackend()).paymentResults, payfipClientFor(urls), attempt.idop, "payfip_return");
    page = await payment.paymentReturnPage({ attemptId: attempt.id });
    attempt = page.attempt;
  }
  if (!attempt) {
    return data(
      { frame, status: "unknown" as const, amount: null, numbers: [] as string[], retryHref: "/paiement", refreshHref: null, numauto: null, retryAt: null },
      withSession(accounts, NO_STORE),
    );
  }
  // Abandoned within the idOp's window: the invoices stay held until expiresAt (SQL
  // portal.payment_attempt_holds); the page says when they can be paid again.
  const held = attempt.status === "abandoned" && new Date(attempt.expiresAt).getTime() > Date.now();
  return data(
    {
      frame,
      status: attempt.status,
      amount: formatEuros(attempt.amountCents),
      numbers: attempt.invoiceNumbers,
      numauto: attempt.numauto,
      retryHref: selectionHref(attempt.invoiceIds),
      refreshHref: `/paiement/retour?tentative=${attempt.id}`,
      retryAt: held ? retryFrom(new Date(attempt.expiresAt)) : null,
    },
    withSession(accounts, NO_STORE),
  );
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: `${data ? TITLES[data.status] : "Paiement"} — Le Portail des Factures` },
];

/**
 * While the result is pending, asks the loader again every 5 s (with JavaScript): the page
 * updates in place and the status region announces the result. No meta refresh: a page that
 * reloads itself on a timer fails WCAG 2.2.1 / 3.2.5 (axe "meta-refresh"); without JavaScript
 * the resident has the « Actualiser la page » link.
 */
function useRefreshWhilePending(pending: boolean): boolean {
  const { revalidate, state } = useRevalidator();
  const hydrated = useSyncExternalStore(
    noSubscription,
    () => true, // in the browser, once hydrated
    () => false, // on the server and during hydration (the no-JavaScript page)
  );
  useEffect(() => {
    if (!pending || state !== "idle") return;
    const timer = setTimeout(revalidate, 5_000);
    return () => clearTimeout(timer);
  }, [pending, state, revalidate]);
  return hydrated;
}

const noSubscription = () => () => {};

const TITLES = {
  paid: "Votre paiement est accepté",
  pending: "Votre paiement est en cours de confirmation",
  refused: "Votre paiement a été refusé",
  abandoned: "Vous avez abandonné le paiement",
  expired: "Le paiement n'a pas abouti",
  error: "Le paiement n'a pas pu commencer",
  reported: "Paiement signalé, en attente de confirmation par le service",
  rejected: "Paiement non confirmé par le service",
  unknown: "Paiement introuvable",
} as const;

export default function Retour() {
  const r = useLoaderData<typeof loader>();
  const refreshing = useRefreshWhilePending(r.status === "pending");
  const list = r.numbers.length > 0 ? r.numbers.join(", ") : null;
  return (
    <section aria-labelledby="retour-titre" className="flex flex-col gap-4" data-testid="payment-result" data-status={r.status}>
      <h1 id="retour-titre" className="text-2xl font-bold">
        {TITLES[r.status]}
      </h1>
      <div role="status" className="flex flex-col gap-3 rounded bg-white p-4 shadow-sm">
        {r.status === "paid" ? (
          <>
            <p>
              Votre paiement de {r.amount} est accepté. {r.numbers.length > 1 ? "Les factures" : "La facture"} {list}{" "}
              {r.numbers.length > 1 ? "sont réglées" : "est réglée"}.
            </p>
            {r.numauto ? <p>Numéro d&apos;autorisation : {r.numauto}</p> : null}
            <p>Un ticket de paiement vous est envoyé par courrier électronique par la DGFiP. Vous n&apos;avez rien d&apos;autre à faire.</p>
          </>
        ) : null}
        {r.status === "pending" ? (
          <>
            <p>
              Nous attendons la confirmation du service de paiement pour {list} ({r.amount}).{" "}
              {refreshing ? "Cette page se met à jour toute seule toutes les 5 secondes. " : "Actualisez la page dans quelques secondes. "}
              Ne payez pas une seconde fois.
            </p>
            <p>
              <SpaceAnchor href={r.refreshHref ?? "/paiement/retour"}>
                Actualiser la page
              </SpaceAnchor>
            </p>
          </>
        ) : null}
        {r.status === "refused" ? (
          <p>
            Le paiement de {r.amount} a été refusé par votre banque. Aucune somme n&apos;a été prélevée et {list} reste à régler. Vous
            pouvez réessayer avec une autre carte ou régler par un autre moyen indiqué sur la facture.
          </p>
        ) : null}
        {r.status === "abandoned" ? (
          r.retryAt ? (
            <p>
              Aucune somme n&apos;a été prélevée et {list} reste à régler. Le service de paiement garde l&apos;opération ouverte
              quelques minutes : vous pourrez payer à nouveau {r.retryAt}.
            </p>
          ) : (
            <p>Aucune somme n&apos;a été prélevée et {list} reste à régler. Vous pouvez recommencer quand vous le souhaitez.</p>
          )
        ) : null}
        {r.status === "reported" ? (
          <>
            <p>
              Un paiement de {r.amount} pour {list} nous a été signalé, mais nous n&apos;avons pas pu le vérifier auprès de la DGFiP. Le
              service doit le confirmer : jusque-là, {list} {r.numbers.length > 1 ? "restent à régler et ne peuvent" : "reste à régler et ne peut"}{" "}
              pas être {r.numbers.length > 1 ? "payées" : "payée"} à nouveau.
            </p>
            <p>Vous n&apos;avez rien à faire. Si vous avez une question, écrivez au service depuis la rubrique « Contact ».</p>
          </>
        ) : null}
        {r.status === "rejected" ? (
          <p>
            Le service n&apos;a pas trouvé ce paiement de {r.amount} auprès de la DGFiP : {list} reste à régler. Si votre compte a été
            débité, écrivez au service depuis la rubrique « Contact ».
          </p>
        ) : null}
        {r.status === "expired" ? (
          <p>
            Le service de paiement ne nous a transmis aucun paiement dans le délai prévu. Aucune somme n&apos;a été enregistrée et {list}{" "}
            reste à régler. Si votre compte a été débité, écrivez au service depuis la rubrique « Contact ».
          </p>
        ) : null}
        {r.status === "error" ? (
          <p>Le service de paiement n&apos;a pas pu ouvrir le paiement. Aucune somme n&apos;a été prélevée. Réessayez dans quelques minutes.</p>
        ) : null}
        {r.status === "unknown" ? (
          <p>Nous ne trouvons pas ce paiement dans votre espace. Consultez vos factures pour voir celles qui restent à régler.</p>
        ) : null}
      </div>
      <p className="flex flex-wrap gap-4">
        {r.status === "refused" || (r.status === "abandoned" && !r.retryAt) || r.status === "expired" || r.status === "error" || r.status === "rejected" ? (
          <SpaceLink to={r.retryHref}>Payer à nouveau</SpaceLink>
        ) : null}
        <SpaceLink to={r.status === "paid" ? "/factures?onglet=reglees" : "/factures"}>
          {r.status === "paid" ? "Voir mes factures réglées" : "Voir mes factures"}
        </SpaceLink>
      </p>
    </section>
  );
}
