import type { LoaderFunctionArgs } from "@remix-run/server-runtime";
import type { MetaFunction } from "@remix-run/react";
import { data } from "@remix-run/server-runtime";
import { useLoaderData, useSearchParams } from "@remix-run/react";
import { requireResident } from "~/.server/resident";
import { withSession } from "~/.server/session-response";
import { Notice } from "~/components/form";
import { TextLink } from "~/components/ui";

export const meta: MetaFunction = () => [{ title: "Mes informations — Le Portail des Factures" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const { user, accounts, info } = await requireResident(request, { info: true });
  const { frame, customers, paper } = await info.infoPage();
  const paperOf = new Map(paper.map((p) => [p.customerId, p]));
  return data(
    {
      frame,
      email: user.email,
      customers: customers.map((c) => ({
        id: c.customerId,
        number: c.customerNumber,
        name: c.displayName,
        service: c.serviceName,
        paperInvoices: paperOf.get(c.customerId)?.paperInvoices ?? c.paperInvoices,
        paperStopRequestedAt: paperOf.get(c.customerId)?.requestedAt ?? null,
      })),
    },
    withSession(accounts),
  );
}

const DATE = new Intl.DateTimeFormat("fr-FR", { dateStyle: "short", timeZone: "Europe/Paris" });

function paperText(c: { paperInvoices: boolean; paperStopRequestedAt: string | null }): string {
  if (!c.paperInvoices) return "Factures papier : arrêtées (vous les consultez sur le portail)";
  if (c.paperStopRequestedAt) return `Factures papier : arrêt demandé le ${DATE.format(new Date(c.paperStopRequestedAt))}`;
  return "Factures papier : reçues par courrier";
}

const PAPER_NOTICES: Record<string, string> = {
  demande:
    "Votre demande a bien été enregistrée : un message électronique a été envoyé au service concerné pour qu'il arrête l'envoi des factures au format papier.",
  "deja-demande": "Vous avez déjà demandé à ne plus recevoir les factures au format papier : aucun nouveau message n'a été envoyé.",
};

const NOTICES: Record<string, string> = {
  modifie: "Votre nouvelle adresse mail est confirmée : c'est elle qui vous sert désormais à vous connecter.",
  "mot-de-passe": "Votre mot de passe a été changé. Vos autres sessions ouvertes ont été fermées.",
};

export default function MesInformations() {
  const { email, customers } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const notice = NOTICES[params.get("courriel") ?? ""] ?? NOTICES[params.get("changement") ?? ""] ?? PAPER_NOTICES[params.get("papier") ?? ""];
  const paperStillSent = customers.some((c) => c.paperInvoices && !c.paperStopRequestedAt);
  return (
    <section aria-labelledby="infos-titre" className="flex flex-col gap-6">
      <h1 id="infos-titre" className="text-2xl font-bold">
        Mes informations
      </h1>
      {notice ? <Notice tone="success">{notice}</Notice> : null}
      <dl className="grid gap-x-6 gap-y-2 rounded bg-white p-4 shadow-sm sm:grid-cols-[max-content_1fr]">
        <dt className="font-semibold">Adresse mail de connexion</dt>
        <dd data-testid="login-email">{email}</dd>
        {customers.map((c) => (
          <div key={c.id} className="contents">
            <dt className="font-semibold">Abonné n° {c.number}</dt>
            <dd>
              {c.name} — {c.service}
              <span className="block text-sm text-stone-700" data-testid="paper-status">
                {paperText(c)}
              </span>
            </dd>
          </div>
        ))}
      </dl>
      <ul className="flex flex-col gap-3">
        {paperStillSent ? (
          <li>
            <TextLink to="/mes-informations/papier">
              Ne pas recevoir les factures au format papier
            </TextLink>
          </li>
        ) : null}
        <li>
          <TextLink to="/mes-informations/rappels">Me prévenir par e-mail</TextLink>
        </li>
        <li>
          <TextLink to="/mes-informations/adresse-mail">
            Changer l&apos;adresse mail
          </TextLink>
        </li>
        <li>
          <TextLink to="/mes-informations/mot-de-passe">
            Changer le mot de passe
          </TextLink>
        </li>
        <li>
          <TextLink to="/mes-informations/mes-donnees">Télécharger mes données</TextLink>
        </li>
        <li>
          <TextLink to="/mes-informations/rattacher-un-contrat">Rattacher un contrat</TextLink>
        </li>
        <li>
          <TextLink to="/mes-informations/fermer-mon-compte">
            Fermer mon compte
          </TextLink>
        </li>
      </ul>
      <p className="text-sm text-stone-700">
        Vous pouvez demander à ne plus recevoir les factures au format papier si vous préférez utiliser uniquement le portail. En
        confirmant, un message électronique est automatiquement envoyé pour prévenir le service concerné de votre demande.
      </p>
      <p className="text-sm text-stone-700">
        Si vous demandez à changer d&apos;adresse de messagerie, un message électronique vous sera envoyé sur votre nouvelle adresse pour
        validation. C&apos;est cette nouvelle adresse qui vous servira alors pour vous connecter sur votre compte.
      </p>
    </section>
  );
}
