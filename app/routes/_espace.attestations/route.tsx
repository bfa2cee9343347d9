import type { LoaderFunctionArgs } from "@remix-run/server-runtime";
import type { MetaFunction } from "@remix-run/react";
import { data } from "@remix-run/server-runtime";
import { useLoaderData } from "@remix-run/react";
import { certificateUrl } from "~/.server/certificate";
import { requireResident } from "~/.server/resident";
import { withSession } from "~/.server/session-response";
import { LinkLine, SpaceAnchor } from "~/components/espace-links";

export const meta: MetaFunction = () => [{ title: "Attestations de paiement — Le Portail des Factures" }];

/** The page's explanations, in the resident's words (page data: the route module stays small). */
const TEXTS = {
  intro:
    "Pour chaque abonné rattaché à votre compte, une attestation par année civile liste les factures payées cette année-là, avec la date de paiement, le numéro, l'objet et le montant de chacune, et leur total. Elle peut vous servir pour vos déclarations (frais de garde d'enfants, par exemple) et vos dossiers.",
  rule: "Une facture figure sur l'attestation de l'année où elle a été payée (date de paiement en heure de Paris), qu'elle ait été payée en ligne ou auprès du service, dès lors que le service a enregistré la date du paiement. Une année sans paiement n'a pas d'attestation.",
  none: "Aucune attestation disponible",
} as const;

/**
 * `/attestations`: per customer record of the account, the calendar years with payments, each a
 * plain link to its PDF (/attestations/<customer record's id>/<year>.pdf: a download, with or
 * without JavaScript). One call: public.certificates_page(). docs/decisions/0037-payment-certificates.md.
 */
export async function loader({ request }: LoaderFunctionArgs) {
  const { accounts, certificates } = await requireResident(request, { certificates: true });
  const page = await certificates.certificatesPage();
  const customers = page.customers.map((c) => ({
    key: c.customerId,
    serviceName: c.serviceName,
    customerNumber: c.customerNumber,
    displayName: c.displayName,
    years: c.years.map((year) => ({ year, href: certificateUrl({ customerId: c.customerId, year }) })),
  }));
  return data({ frame: page.frame, customers, texts: TEXTS }, withSession(accounts));
}

export default function Attestations() {
  const { customers, texts } = useLoaderData<typeof loader>();
  const any = customers.some((c) => c.years.length > 0);
  return (
    <section aria-labelledby="attestations-titre" className="flex max-w-2xl flex-col gap-4">
      <h1 id="attestations-titre" className="text-2xl font-bold">
        Attestations de paiement
      </h1>
      <p>{texts.intro}</p>
      <p className="text-sm text-stone-700">{texts.rule}</p>
      {any ? null : <p data-testid="no-certificate">{texts.none}</p>}
      {any
        ? customers.map((c, index) => (
            <section key={c.key} aria-labelledby={`abonne-${index}`} className="flex flex-col gap-2">
              <h2 id={`abonne-${index}`} className="text-xl font-semibold">
                {c.displayName}, abonné n° {c.customerNumber}
              </h2>
              <p className="text-sm text-stone-700">{c.serviceName}</p>
              {c.years.length === 0 ? (
                <p>{texts.none} pour cet abonné.</p>
              ) : (
                <ul className="flex list-disc flex-col gap-1 pl-6">
                  {c.years.map((y) => (
                    <li key={y.year}>
                      <SpaceAnchor href={y.href} download>
                        Attestation de paiement {y.year}, abonné n° {c.customerNumber} (PDF)
                      </SpaceAnchor>
                    </li>
                  ))}
                </ul>
              )}
            </section>
          ))
        : null}
      <LinkLine to="/factures">Voir mes factures</LinkLine>
    </section>
  );
}
