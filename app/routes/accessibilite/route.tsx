import type { LoaderFunctionArgs } from "@remix-run/server-runtime";
import type { MetaFunction } from "@remix-run/react";
import { useLoaderData } from "@remix-run/react";
import type { ReactNode } from "react";
import { data } from "@remix-run/server-runtime";
import { accountsFor } from "~/.server/accounts";
import { getBackend } from "~/.server/backend";
import { withSession } from "~/.server/session-response";
import { AuthCard } from "~/components/auth-card";
import { TextLink } from "~/components/ui";
import { AUDIT_DATE, AUDITED_PAGES, auditGrid, formatRate, RGAA_VERSION, summarize } from "~/utils/rgaa-audit";

export const meta: MetaFunction = () => [{ title: "Déclaration d'accessibilité — Le Portail des Factures" }];

/**
 * `/accessibilite`: the accessibility statement, in the structure of the RGAA's model, for
 * everyone (signed in or not). Every figure and every non-conformity comes from the audit grid
 * (app/utils/rgaa-audit.ts), read here in the loader only, so the grid never reaches the page's
 * JavaScript.
 */
function statement() {
  const themes = auditGrid();
  const summary = summarize(themes.flatMap((theme) => theme.criteria));
  return {
    version: RGAA_VERSION,
    state: summary.state,
    rate: formatRate(summary.rate),
    conformes: summary.conformes,
    nonConformes: summary.nonConformes,
    nonApplicables: summary.nonApplicables,
    total: summary.conformes + summary.nonConformes + summary.nonApplicables,
    date: new Date(`${AUDIT_DATE}T12:00:00Z`).toLocaleDateString("fr-FR", { day: "numeric", month: "long", year: "numeric", timeZone: "Europe/Paris" }),
    nonConformities: themes
      .map((theme) => ({
        theme: `${theme.number}. ${theme.name}`,
        criteria: theme.criteria.filter((c) => c.status === "NC").map(({ number, title, note }) => ({ number, title, note })),
      }))
      .filter((theme) => theme.criteria.length > 0),
    /** Criteria left out of the rate as RGAA allows (app/utils/rgaa-audit.ts `exemption`), with why. */
    exemptions: themes.flatMap((theme) =>
      theme.criteria.filter((c) => c.status === "NA" && c.exemption).map(({ number, title, note, exemption }) => ({ number, title, note, kind: exemption! })),
    ),
    pages: AUDITED_PAGES,
    /** The statement's longer fixed paragraphs: page data rather than component code, to keep them out of the page's JavaScript. */
    texts: {
      noPublisher: "Information non renseignée par le service : éditeur du portail (nom du service ou de la collectivité).",
      method:
        "Le taux est le nombre de critères conformes divisé par le nombre de critères applicables (conformes et non conformes). Chaque critère a été évalué sur toutes les pages du portail, par des tests automatisés (analyse axe-core de chaque page, validation du code HTML, pages utilisées sans JavaScript et sans feuille de styles, parcours au clavier, contraste du focus, affichage en largeur de téléphone) ou par une vérification manuelle décrite dans la grille d'audit. Un critère qui n'a pas encore été vérifié est compté comme non conforme. Les contenus qui font l'objet d'une dérogation ou d'un cas particulier prévu par le RGAA, présentés ci-dessous, ne sont pas comptés.",
      notSubject:
        "Les pages de paiement en ligne de la DGFiP (PayFiP, TIPI), service de l'État vers lequel le portail vous dirige pour payer, ne font pas partie du portail : leur accessibilité relève de la DGFiP.",
      contact:
        "Si vous n'arrivez pas à accéder à un contenu ou à un service, vous pouvez contacter le service qui vous envoie vos factures pour être orienté vers une alternative accessible ou obtenir le contenu sous une autre forme :",
    },
  };
}

/**
 * The entity that commits to accessibility is the deployment's publisher (its legal identity,
 * public.legal_info(), as /mentions-legales: docs/decisions/0027-legal-identity-settings.md), null
 * when the service has not filled it; one SQL call, which carries the portal's name too.
 */
export async function loader({ request }: LoaderFunctionArgs) {
  const accounts = await accountsFor(request);
  const info = await (await getBackend()).data.legalInfo();
  return data({ ...statement(), portalName: info.portalName, publisher: info.publisherName }, withSession(accounts));
}

function Section({ id, title, children }: { id: string; title: string; children: ReactNode }) {
  return (
    <section aria-labelledby={id} className="mt-8">
      <h2 id={id} className="text-lg font-semibold text-stone-900">
        {title}
      </h2>
      <div className="mt-2 flex flex-col gap-3">{children}</div>
    </section>
  );
}

function ExternalLink({ href, children }: { href: string; children: ReactNode }) {
  return (
    <a href={href} className="font-semibold text-brand-700 underline">
      {children}
    </a>
  );
}

function Establishment({ date, pages }: { date: string; pages: readonly { path: string; name: string }[] }) {
  return (
    <Section id="etablissement" title="Établissement de cette déclaration">
      <p>Cette déclaration a été établie le {date}.</p>
      <h3 className="font-semibold">Technologies utilisées pour la réalisation du portail</h3>
      <ul className="list-disc pl-6">
        <li>HTML</li>
        <li>CSS</li>
        <li>JavaScript (facultatif : chaque page fonctionne sans)</li>
      </ul>
      <h3 className="font-semibold">Environnement de test</h3>
      <p>Navigateur Chromium, avec et sans JavaScript, au clavier, en largeur d&apos;ordinateur et de téléphone (320 pixels).</p>
      <h3 className="font-semibold">Outils pour évaluer l&apos;accessibilité</h3>
      <ul className="list-disc pl-6">
        <li>axe-core, lancé par Playwright sur chaque page</li>
        <li>Parcours au clavier et vérifications automatisées de l&apos;affichage (320 pixels, texte agrandi à 200 %)</li>
        <li>Relecture du code des pages</li>
      </ul>
      <h3 className="font-semibold">Pages du portail ayant fait l&apos;objet de la vérification de conformité</h3>
      <ul className="list-disc pl-6" data-testid="pages-verifiees">
        {pages.map((p) => (
          <li key={p.path}>
            {p.name} ({p.path})
          </li>
        ))}
      </ul>
    </Section>
  );
}

/** Criteria left out of the rate as RGAA allows, each with its reason and the alternative offered. */
function Exemptions({ title, none, list, testId }: { title: string; none: string; list: readonly { number: string; title: string; note: string }[]; testId: string }) {
  return (
    <>
      <h3 className="font-semibold">{title}</h3>
      {list.length === 0 ? (
        <p>{none}</p>
      ) : (
        <ul className="list-disc pl-6" data-testid={testId}>
          {list.map((c) => (
            <li key={c.number} className="mt-1">
              Critère {c.number} ({c.title}) : {c.note}
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

/** Voies de recours: the Défenseur des droits, by its three ways (the RGAA model's wording). */
function Recourse() {
  return (
    <Section id="recours" title="Voies de recours">
      <p>
        Si vous avez signalé au service un défaut d&apos;accessibilité qui vous empêche d&apos;accéder à un contenu ou à un des services
        du portail et que vous n&apos;avez pas obtenu de réponse satisfaisante, vous êtes en droit de faire parvenir vos doléances ou
        une demande de saisine au Défenseur des droits :
      </p>
      <ul className="list-disc pl-6">
        <li>
          <ExternalLink href="https://formulaire.defenseurdesdroits.fr/">Écrire un message au Défenseur des droits</ExternalLink>{" "}
          (formulaire en ligne) ;
        </li>
        <li>
          <ExternalLink href="https://www.defenseurdesdroits.fr/saisir/delegues">
            Contacter le délégué du Défenseur des droits dans votre région
          </ExternalLink>{" "}
          ;
        </li>
        <li>
          Envoyer un courrier par la poste (gratuit, ne pas mettre de timbre) :
          <address className="not-italic" data-testid="adresse-defenseur">
            Défenseur des droits
            <br />
            Libre réponse 71120
            <br />
            75342 Paris CEDEX 07
          </address>
        </li>
      </ul>
    </Section>
  );
}

export default function Accessibilite() {
  const { portalName, publisher, ...s } = useLoaderData<typeof loader>();
  return (
    <AuthCard portalName={portalName} subtitle="Déclaration d'accessibilité" wide>
      <div className="mt-6 flex flex-col gap-3 text-stone-800">
        <p data-testid="engagement">
          {/* The legal pages' warning (app/components/legal-info.tsx), written out: importing it would add it to this page's first load. */}
          {publisher ?? <strong className="inline-block rounded border-l-4 border-brand-700 bg-brand-50 px-2 py-1 font-semibold text-brand-900">{s.texts.noPublisher}</strong>} s&apos;engage à rendre son service en ligne accessible, conformément à l&apos;article 47 de la loi n° 2005-102 du
          11 février 2005.
        </p>
        <p>Cette déclaration d&apos;accessibilité s&apos;applique à l&apos;ensemble du portail {portalName}.</p>
      </div>

      <Section id="etat" title="État de conformité">
        <p data-testid="etat-de-conformite">
          {portalName} est <strong>{s.state}</strong> avec le référentiel général d&apos;amélioration de l&apos;accessibilité (RGAA),
          version {s.version}
          {s.nonConformes > 0 ? ", en raison des non-conformités énumérées ci-dessous." : "."}
        </p>
      </Section>

      <Section id="resultats" title="Résultats des tests">
        <p>
          L&apos;audit de conformité réalisé par l&apos;équipe du portail révèle que <strong data-testid="taux">{s.rate}</strong> des
          critères du RGAA version {s.version} applicables au portail sont respectés.
        </p>
        <ul className="list-disc pl-6">
          <li>{s.conformes} critères conformes ;</li>
          <li>{s.nonConformes} critères non conformes ;</li>
          <li>
            {s.nonApplicables} critères non applicables (le portail n&apos;a ni image, ni cadre, ni vidéo, ni son…), sur {s.total} critères.
          </li>
        </ul>
        <p>{s.texts.method}</p>
      </Section>

      <Section id="non-accessibles" title="Contenus non accessibles">
        <h3 className="font-semibold">Non-conformités</h3>
        {s.nonConformities.length === 0 ? (
          <p>Aucune non-conformité connue.</p>
        ) : (
          s.nonConformities.map((theme) => (
            <div key={theme.theme}>
              <h4 className="font-semibold">{theme.theme}</h4>
              <ul className="mt-1 list-disc pl-6" data-testid="non-conformites">
                {theme.criteria.map((c) => (
                  <li key={c.number} className="mt-1">
                    Critère {c.number} ({c.title}) : {c.note}
                  </li>
                ))}
              </ul>
            </div>
          ))
        )}
        <Exemptions title="Dérogations pour charge disproportionnée" none="Aucune." list={s.exemptions.filter((e) => e.kind === "dérogation")} testId="derogations" />
        <Exemptions title="Cas particuliers prévus par le RGAA" none="Aucun." list={s.exemptions.filter((e) => e.kind === "cas particulier")} testId="cas-particuliers" />
        <h3 className="font-semibold">Contenus non soumis à l&apos;obligation d&apos;accessibilité</h3>
        <p>{s.texts.notSubject}</p>
      </Section>

      <Establishment date={s.date} pages={s.pages} />

      <Section id="contact" title="Retour d'information et contact">
        <p>
          {s.texts.contact}{" "}
          <TextLink to="/nous-contacter">Contacter le service</TextLink>.
        </p>
      </Section>

      <Recourse />

      <p className="mt-8 text-center">
        <TextLink to="/connexion">Retour au portail</TextLink>
      </p>
    </AuthCard>
  );
}
