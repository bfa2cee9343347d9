import { INVOICE_TABS } from "./invoices";

/**
 * The portal's pages as /plan-du-site lists them, the one list of them: each title is the page's
 * own title (its meta title before « — Le Portail des Factures »), which
 * tests/pages/site-map.test.ts checks along with the path's answer. Steps that only make sense in
 * a journey (payment confirmation and result, links from e-mails, new password) are left out.
 */
export interface SiteMapPage {
  path: string;
  title: string;
  children?: readonly SiteMapPage[];
}

const page = (path: string, title: string, children?: readonly SiteMapPage[]): SiteMapPage => (children ? { path, title, children } : { path, title });

/** Pages anyone may open, signed in or not. */
export const PUBLIC_PAGES: readonly SiteMapPage[] = [
  page("/connexion", "Connexion", [page("/activation", "J'active mon compte"), page("/mot-de-passe-oublie", "Mot de passe oublié")]),
  page("/nous-contacter", "Contacter le service"),
  page("/aide", "Aide"),
  page("/plan-du-site", "Plan du site"),
  page("/accessibilite", "Déclaration d'accessibilité"),
  page("/mentions-legales", "Mentions légales"),
  page("/donnees-personnelles", "Données personnelles"),
];

/** The resident's pages (« après connexion »): a visitor who is not signed in is sent to /connexion. */
export const RESIDENT_PAGES: readonly SiteMapPage[] = [
  page("/accueil", "Accueil"),
  page("/factures", "Mes factures", [
    ...INVOICE_TABS.map((tab) => page(`/factures?onglet=${tab.slug}`, tab.label)),
    page("/paiement", "Sélection des factures pour le règlement"),
    page("/attestations", "Attestations de paiement"),
    page("/factures/selection?onglet=non-reglees", "Choisir les factures à télécharger"),
  ]),
  page("/paiements", "Mes paiements"),
  page("/mes-informations", "Mes informations", [
    page("/mes-informations/papier", "Ne pas recevoir les factures au format papier"),
    page("/mes-informations/rappels", "Me prévenir par e-mail"),
    page("/mes-informations/adresse-mail", "Changer l'adresse mail"),
    page("/mes-informations/mot-de-passe", "Changer le mot de passe"),
    page("/mes-informations/mes-donnees", "Télécharger mes données"),
    page("/mes-informations/rattacher-un-contrat", "Rattacher un contrat"),
    page("/mes-informations/fermer-mon-compte", "Fermer mon compte"),
  ]),
  page("/contact", "Contacter le service"),
];

/** Every page of a list and of its sub-lists. */
export function allPages(pages: readonly SiteMapPage[]): SiteMapPage[] {
  return pages.flatMap((page) => [page, ...allPages(page.children ?? [])]);
}
