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

/** Pages anyone may open, signed in or not. */
export const PUBLIC_PAGES: readonly SiteMapPage[] = [
  {
    path: "/connexion",
    title: "Connexion",
    children: [
      { path: "/activation", title: "J'active mon compte" },
      { path: "/mot-de-passe-oublie", title: "Mot de passe oublié" },
    ],
  },
  { path: "/nous-contacter", title: "Contacter le service" },
  { path: "/aide", title: "Aide" },
  { path: "/plan-du-site", title: "Plan du site" },
  { path: "/accessibilite", title: "Accessibilité" },
  { path: "/mentions-legales", title: "Mentions légales" },
  { path: "/donnees-personnelles", title: "Données personnelles" },
];

/** The resident's pages (« après connexion »): a visitor who is not signed in is sent to /connexion. */
export const RESIDENT_PAGES: readonly SiteMapPage[] = [
  { path: "/accueil", title: "Accueil" },
  {
    path: "/factures",
    title: "Mes factures",
    children: [
      ...INVOICE_TABS.map((tab) => ({ path: `/factures?onglet=${tab.slug}`, title: tab.label })),
      { path: "/paiement", title: "Sélection des factures pour le règlement" },
    ],
  },
  {
    path: "/mes-informations",
    title: "Mes informations",
    children: [
      { path: "/mes-informations/papier", title: "Ne pas recevoir les factures au format papier" },
      { path: "/mes-informations/adresse-mail", title: "Changer l'adresse mail" },
      { path: "/mes-informations/mot-de-passe", title: "Changer le mot de passe" },
    ],
  },
  { path: "/contact", title: "Contacter le service" },
];

/** Every page of a list and of its sub-lists. */
export function allPages(pages: readonly SiteMapPage[]): SiteMapPage[] {
  return pages.flatMap((page) => [page, ...allPages(page.children ?? [])]);
}
