import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/server-runtime";
import type { MetaFunction } from "@remix-run/react";
import { data, redirect } from "@remix-run/server-runtime";
import { Form, useLoaderData } from "@remix-run/react";
import { announcementDigest, dismissAnnouncementCookie, readAnnouncementCookie } from "~/.server/announcement";
import { readForm } from "~/.server/form";
import { requireResident } from "~/.server/resident";
import { LinkLine } from "~/components/espace-links";
import { withSession } from "~/.server/session-response";
import type { DueSummary } from "~/.server/ports/invoices";
import { ButtonLink, TextLink } from "~/components/ui";
import { formatDate, formatEuros } from "~/utils/format";

export const meta: MetaFunction = () => [{ title: "Accueil — Le Portail des Factures" }];

/**
 * Home page of the resident's space (docs/e2e-invoices.md): the service's announcement, highlighted, with
 * "Fermer" (hidden for the rest of the browser session, see ~/.server/announcement.ts), then the
 * welcome message. Both are set by staff in portal.portal_settings (docs/staff-settings.md). Under
 * them, « Factures à régler » (docs/resident-screens.md), from the same call.
 */
export async function loader({ request }: LoaderFunctionArgs) {
  const { user, accounts, home } = await requireResident(request, { home: true });
  const page = await home.homePage();
  const dismissed =
    page.announcement !== null && readAnnouncementCookie(request) === (await announcementDigest(user.id, page.announcement));
  return data(
    {
      frame: page.frame,
      announcement: dismissed ? null : page.announcement,
      welcomeParagraphs: paragraphs(page.welcomeMessage),
      due: dueView(page.due),
    },
    withSession(accounts),
  );
}

export async function action({ request }: ActionFunctionArgs) {
  const { user, accounts, home } = await requireResident(request, { home: true });
  const form = await readForm(request);
  const cookies = new Headers();
  if (form.get("intent") === "fermer-annonce") {
    const { announcement } = await home.homePage();
    if (announcement !== null) cookies.append("Set-Cookie", dismissAnnouncementCookie(request, await announcementDigest(user.id, announcement)));
  }
  // Post/Redirect/Get: a reload does not post again.
  throw redirect("/accueil", withSession(accounts, { headers: cookies }));
}

const invoicesInWords = (n: number) => (n === 1 ? "1 facture" : `${n} factures`);

/**
 * « Factures à régler », every sentence written here (loader data, not the page's script):
 * the unpaid invoices (the « Factures non réglées » tab), then one line per service with its
 * « Payer » link to the selection open on that service (none when the service suspended online
 * payment), and the invoices in treasury, which cannot be paid online and are never counted as due
 * (docs/decisions/0035-home-due-summary.md).
 */
function dueView(due: DueSummary) {
  const count = due.services.reduce((n, s) => n + s.invoiceCount, 0);
  const totalCents = due.services.reduce((n, s) => n + s.totalCents, 0);
  const nextDueOn = due.services.map((s) => s.nextDueOn).sort()[0];
  return {
    summary:
      count === 0
        ? null
        : {
            count: `${invoicesInWords(count)} à régler`,
            total: formatEuros(totalCents),
            nextDueOn: formatDate(nextDueOn!),
          },
    services: due.services.map((s) => ({
      numcli: s.numcli,
      name: s.serviceName,
      count: invoicesInWords(s.invoiceCount),
      total: formatEuros(s.totalCents),
      nextDueOn: formatDate(s.nextDueOn),
      payHref: s.paymentSuspended ? null : `/paiement?service=${s.numcli}`,
      rule: s.paymentSuspended
        ? "Paiement en ligne suspendu"
        : s.allowMultiple
          ? null
          : "Ce service ne permet de régler qu'une facture à la fois.",
    })),
    treasury:
      due.treasuryCount === 0
        ? null
        : due.treasuryCount === 1
          ? "1 facture a été transmise en trésorerie : elle ne peut plus être payée sur ce portail."
          : `${due.treasuryCount} factures ont été transmises en trésorerie : elles ne peuvent plus être payées sur ce portail.`,
  };
}

/** The staff's text, one paragraph per line (no HTML: React escapes it). */
function paragraphs(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean);
}

export default function Accueil() {
  const { announcement, welcomeParagraphs, due } = useLoaderData<typeof loader>();
  return (
    <section aria-labelledby="accueil-titre" className="flex flex-col gap-6">
      <h1 id="accueil-titre" className="text-2xl font-bold">
        Accueil
      </h1>
      {announcement ? (
        <aside aria-labelledby="annonce-titre" className="rounded border-l-4 border-amber-600 bg-amber-50 p-4 text-amber-950 shadow-sm">
          <h2 id="annonce-titre" className="font-bold">
            Information importante du service
          </h2>
          <div className="mt-2 flex flex-col gap-2">
            {paragraphs(announcement).map((p, i) => (
              <p key={i}>{p}</p>
            ))}
          </div>
          <Form method="post" className="mt-3">
            <button
              type="submit"
              name="intent"
              value="fermer-annonce"
              className="rounded bg-amber-800 px-4 py-2 font-semibold text-white hover:bg-amber-900 focus-visible:outline-2 focus-visible:outline-offset-2"
            >
              Fermer
            </button>
          </Form>
        </aside>
      ) : null}
      <div className="flex flex-col gap-3 rounded bg-white p-4 shadow-sm" data-testid="welcome-message">
        {welcomeParagraphs.length > 0 ? (
          welcomeParagraphs.map((p, i) => <p key={i}>{p}</p>)
        ) : (
          <p>Bienvenue sur votre espace.</p>
        )}
      </div>
      <DueBlock due={due} />
      <LinkLine to="/factures">Voir mes factures</LinkLine>
    </section>
  );
}

type Due = ReturnType<typeof dueView>;

/** « Factures à régler »: plain links, so it works the same without JavaScript. */
function DueBlock({ due }: { due: Due }) {
  const { summary, services, treasury } = due;
  const only = services.length === 1 ? services[0]! : null;
  return (
    <section aria-labelledby="a-regler-titre" className="flex flex-col gap-3 rounded bg-white p-4 shadow-sm" data-testid="due-summary">
      <h2 id="a-regler-titre" className="text-xl font-bold">
        Factures à régler
      </h2>
      {summary ? (
        <p data-testid="due-total">
          {summary.count}, pour un total de <strong>{summary.total}</strong>. Prochaine échéance : {summary.nextDueOn}.
        </p>
      ) : (
        <p>Aucune facture à régler.</p>
      )}
      {only ? (
        <div className="flex flex-col gap-2" data-testid="due-service" data-numcli={only.numcli}>
          {only.rule ? <p>{only.rule}</p> : null}
          {only.payHref ? (
            <p>
              <ButtonLink to={only.payHref} className="inline-block">
                Payer mes factures
              </ButtonLink>
            </p>
          ) : null}
        </div>
      ) : services.length > 1 ? (
        <ul className="flex flex-col gap-3">
          {services.map((s) => (
            <li key={s.numcli} className="flex flex-col gap-2 border-t border-stone-200 pt-3" data-testid="due-service" data-numcli={s.numcli}>
              <h3 className="font-semibold">{s.name}</h3>
              <p>
                {s.count}, pour un total de {s.total}. Prochaine échéance : {s.nextDueOn}.
              </p>
              {s.rule ? <p className="text-sm text-stone-700">{s.rule}</p> : null}
              {s.payHref ? (
                <p>
                  <ButtonLink to={s.payHref} className="inline-block">
                    Payer<span className="sr-only"> les factures de {s.name}</span>
                  </ButtonLink>
                </p>
              ) : null}
            </li>
          ))}
        </ul>
      ) : null}
      {treasury ? (
        <p data-testid="due-treasury">
          {treasury} <TextLink to="/factures?onglet=tresorerie">Voir les factures en trésorerie</TextLink>
        </p>
      ) : null}
    </section>
  );
}
