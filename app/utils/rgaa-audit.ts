import { RGAA_THEMES, RGAA_VERSION } from "./rgaa-criteria";

/**
 * The portal's RGAA 4.1 audit grid, kept as data: for each of the 106 criteria of
 * app/utils/rgaa-criteria.ts, its status and how it was verified. /accessibilite and
 * docs/rgaa-audit.md (`npm run rgaa:grid`) are computed from it; tests/accessibility/audit-grid.test.ts
 * checks it (every criterion once, every cited test exists). Who updates it and when:
 * docs/decisions/0028-rgaa-audit-grid.md.
 *
 * Statuses: "C" (conforme) only where a cited test or a stated manual check supports it; "NC"
 * (non conforme) where a gap is known, or where the criterion has not been checked yet (an
 * unchecked criterion is never counted as conforme); "NA" (non applicable) only where the portal
 * has no such content. Notes are in French: they are shown on /accessibilite.
 */

export type AuditStatus = "C" | "NC" | "NA";

/** An automated test that supports a status: its file and its exact title. */
export interface TestRef {
  file: string;
  title: string;
}

/**
 * Why an applicable-looking criterion is left out of the rate (status "NA"), as RGAA allows:
 * one of the criterion's own special cases (« cas particulier »), or a dérogation pour charge
 * disproportionnée. Both are stated on /accessibilite with their note, never hidden.
 */
export type Exemption = "cas particulier" | "dérogation";

export interface AuditResult {
  status: AuditStatus;
  /** Only with "NA": the criterion applies to some content, which RGAA lets the portal leave out (stated on /accessibilite). */
  exemption?: Exemption;
  /** C: how it was verified; NC: what is wrong (shown under « Contenus non accessibles »); NA: why there is no such content. */
  note: string;
  tests?: readonly TestRef[];
}

export interface AuditedCriterion extends AuditResult {
  number: string;
  title: string;
}

export interface AuditedTheme {
  number: number;
  name: string;
  criteria: AuditedCriterion[];
}

export type ConformityState = "totalement conforme" | "partiellement conforme" | "non conforme";

export interface ConformitySummary {
  conformes: number;
  nonConformes: number;
  nonApplicables: number;
  /** Taux de conformité in per cent, rounded down to one decimal; null when no criterion applies. */
  rate: number | null;
  state: ConformityState;
}

/** The day the grid was last checked in full (ISO date). */
export const AUDIT_DATE = "2026-11-30";

export { RGAA_VERSION };

/**
 * The pages of the audit (the whole portal as a resident or a visitor sees it in production). The
 * embedded default's local pages (/dev/courriels, the DGFiP simulator) are not part of it; the
 * payment pages of DGFiP (PayFiP, TIPI) are the State's, outside the portal.
 */
export const AUDITED_PAGES: readonly { path: string; name: string }[] = Object.entries({
  "/connexion": "Connexion",
  "/activation": "Activation du compte",
  "/mot-de-passe-oublie": "Mot de passe oublié",
  "/auth/confirm": "Lien reçu par courriel (activation, nouveau mot de passe, nouvelle adresse)",
  "/nouveau-mot-de-passe": "Choix du mot de passe",
  "/nous-contacter": "Contacter le service (sans compte)",
  "/accessibilite": "Déclaration d'accessibilité",
  "/plan-du-site": "Plan du site",
  "/aide": "Aide",
  "/mentions-legales": "Mentions légales",
  "/donnees-personnelles": "Données personnelles",
  "/accueil": "Accueil de l'espace personnel",
  "/factures": "Mes factures (factures non réglées, réglées, à régler auprès du Trésor public)",
  "/factures/<numéro>": "Détail d'une facture",
  "/attestations": "Attestations de paiement",
  "/factures/selection": "Choisir les factures à télécharger (archive ZIP)",
  "/mes-informations": "Mes informations",
  "/mes-informations/adresse-mail": "Changement d'adresse mail",
  "/mes-informations/mot-de-passe": "Changement de mot de passe",
  "/mes-informations/papier": "Renoncer aux factures papier",
  "/mes-informations/mes-donnees": "Télécharger mes données",
  "/mes-informations/fermer-mon-compte": "Fermer mon compte",
  "/mes-informations/rattacher-un-contrat": "Rattacher un contrat",
  "/mes-informations/rappels": "Me prévenir par e-mail",
  "/desabonnement": "Ne plus recevoir les courriels de rappel (lien du courriel)",
  "/contact": "Contacter le service (connecté)",
  "/paiement": "Paiement : choix des factures",
  "/paiement/confirmation": "Paiement : confirmation",
  "/paiement/retour": "Paiement : résultat",
  "/paiements": "Mes paiements (paiements en ligne et justificatifs)",
  "/page-inconnue": "Page introuvable (page d'erreur)",
}).map(([path, name]) => ({ path, name }));

/** The tests the grid cites, file and exact title (tests/accessibility/audit-grid.test.ts checks each one). */
const T = testRefs({
  axeLogin: ["e2e/login.spec.ts", "has no accessibility violations (axe)"],
  axeAccount: ["e2e/accounts.spec.ts", "accueil, mes-informations and the two change forms with their errors have no axe violations"],
  axeActivation: ["e2e/accounts-lifecycle.spec.ts", "activation: unknown address, then nouveau@demo.fr asks twice and only the newest link works"],
  axeNewPassword: ["e2e/accounts-lifecycle.spec.ts", "activation link: new-password page with its rule, password saved, then logout ends the session"],
  axeRecovery: ["e2e/accounts-lifecycle.spec.ts", "forgotten password: recovery link at /dev/courriels, new password, the old one is refused"],
  axeInvoices: ["e2e/invoices.spec.ts", "Mes factures: three tabs as links (the tab in the URL), columns, French formats, newest first, treasury explained"],
  axePayment: ["e2e/payment.spec.ts", "pays one invoice through the simulator; it is then under « Factures réglées » (axe on every page)"],
  axePhone: ["e2e/invoices.spec.ts", "the invoice tabs, an invoice, Mes informations and Contact fit without horizontal scrolling"],
  axeNotFound: ["e2e/invoices.spec.ts", "an unknown or malformed invoice id: the same 404 for the page and the PDF; an anonymous PDF request goes to the login page"],
  axeContact: ["e2e/contact.spec.ts", "Contact: « Effacer » clears the form, an empty message is refused in French, a message reaches the service with Reply-To the resident"],
  axePublicContact: ["e2e/contact.spec.ts", "/nous-contacter: a visitor who cannot log in writes to the service; a honeypot post stores nothing"],
  axeStatement: ["e2e/accessibility-statement.spec.ts", "the statement shows the grid's figures and has no axe violations"],
  axePaper: ["e2e/accessibility-statement.spec.ts", "Renoncer aux factures papier has no axe violations"],
  keyboard: ["e2e/invoices.spec.ts", "the home page fits, and the menu is reachable with the keyboard"],
  noJsLogin: ["e2e/login.spec.ts", "works without JavaScript: renders and posts the form"],
  noJsPayment: ["e2e/payment.spec.ts", "pays one invoice: real checkboxes, « Mettre à jour le total », confirmation, simulator, result"],
  paymentTotal: ["e2e/payment.spec.ts", "pays two invoices at once where the service allows it: count and total follow the ticks"],
  paperCancel: ["e2e/paper-optout.spec.ts", "Mes informations shows name, e-mail and customer number; « Annuler » records and sends nothing"],
  formErrors: ["tests/forms/form-api.test.ts", "after a failed submit: echoed values, French errors linked by aria-describedby, autofocus on the first invalid field"],
  pageBasics: ["e2e/accessibility-statement.spec.ts", "every page declares the HTML doctype, the French language and a title of its own"],
  reflow: ["e2e/accessibility-statement.spec.ts", "no page scrolls sideways at 320 px wide, nor with the text at 200 %"],
  noImage: ["tests/accessibility/content-inventory.test.ts", "the pages have no image, frame, media, canvas or embedded object"],
  noNewWindow: ["tests/accessibility/content-inventory.test.ts", "no link or script opens a new window"],
  noCssContent: ["tests/accessibility/content-inventory.test.ts", "no information is generated by style sheets (only the decorative cross of a ticked invoice), and nothing blinks or moves"],
  footerLinks: ["e2e/footer-help.spec.ts", "the footer's links on /connexion, then on /accueil signed in; « Plan du site » and « Aide » open from it"],
  siteMapComplete: ["tests/pages/site-map.test.ts", "lists every page of app/routes/, or says why not"],
  siteMapPage: ["e2e/footer-help.spec.ts", "/plan-du-site lists the public pages and the resident's, marked « après connexion »; axe"],
  reflowEverySetting: ["e2e/reflow.spec.ts", "every screen fits: no horizontal scrolling, no text cut off"],
  noShortcut: ["tests/accessibility/content-inventory.test.ts", "no keyboard shortcut, pointer gesture or device motion is listened to"],
  focusContrast: ["e2e/focus-contrast.spec.ts", "every focusable component shows an outline that contrasts 3:1 with its surroundings"],
  forgottenLink: ["e2e/form-labels.spec.ts", "« Oublié ? » is named « Mot de passe Oublié ? » and shows its product label"],
  emailNames: ["e2e/form-labels.spec.ts", "the account's e-mail field has the same name on every page that asks for it"],
  requiredMarks: ["e2e/form-labels.spec.ts", "every required field says « (obligatoire) » in its visible label before any submit, and no optional one does"],
  htmlValid: ["tests/accessibility/html-validity.test.ts", "the public pages of the site map, the link page, and the 404 page"],
  htmlValidResident: ["tests/accessibility/html-validity.test.ts", "the resident's pages of the site map, an invoice, an unknown invoice and the payment steps"],
  htmlValidForms: ["tests/accessibility/html-validity.test.ts", "every form sent back with its errors"],
  errorTitles: ["tests/pages/error-titles.test.ts", "each kind of error page is titled by its error, as its heading says"],
  withoutStyles: ["e2e/without-styles.spec.ts", "the payment selection: the cross of a ticked invoice comes from the style sheet, and without it only the checkboxes remain"],
});

function testRefs<K extends string>(table: Record<K, readonly [file: string, title: string]>): Record<K, TestRef> {
  return Object.fromEntries(Object.entries<readonly [string, string]>(table).map(([key, [file, title]]) => [key, { file, title }])) as Record<K, TestRef>;
}

/**
 * axe-core (its default rules: WCAG A and AA, best practices) with JavaScript, which together
 * scan every page of AUDITED_PAGES.
 */
const AXE_ALL = [
  T.axeLogin,
  T.axeActivation,
  T.axeNewPassword,
  T.axeRecovery,
  T.axePublicContact,
  T.axeStatement,
  T.axeAccount,
  T.axePaper,
  T.axeInvoices,
  T.axePhone,
  T.axeNotFound,
  T.axeContact,
  T.axePayment,
];

const NO_IMAGE_NOTE = "Le portail ne contient aucune image (ni balise img, svg, area, object, embed, canvas, ni image de fond porteuse d'information).";
const NO_MEDIA_NOTE = "Le portail ne contient aucun média temporel ou non temporel (ni vidéo, ni son, ni animation, ni applet).";
const NO_TABLE_OF_THIS_KIND = "Les tableaux du portail sont des tableaux de données simples (une ligne d'en-têtes de colonnes).";

export const AUDIT: Readonly<Record<string, AuditResult>> = {
  // 1. Images
  "1.1": { status: "NA", note: NO_IMAGE_NOTE, tests: [T.noImage] },
  "1.2": { status: "NA", note: NO_IMAGE_NOTE, tests: [T.noImage] },
  "1.3": { status: "NA", note: NO_IMAGE_NOTE, tests: [T.noImage] },
  "1.4": { status: "NA", note: "Aucun CAPTCHA : le formulaire public de contact est protégé par un champ piège invisible et une limite d'envois.", tests: [T.noImage] },
  "1.5": { status: "NA", note: "Aucun CAPTCHA : le formulaire public de contact est protégé par un champ piège invisible et une limite d'envois.", tests: [T.noImage] },
  "1.6": { status: "NA", note: NO_IMAGE_NOTE, tests: [T.noImage] },
  "1.7": { status: "NA", note: NO_IMAGE_NOTE, tests: [T.noImage] },
  "1.8": { status: "NA", note: NO_IMAGE_NOTE, tests: [T.noImage] },
  "1.9": { status: "NA", note: NO_IMAGE_NOTE, tests: [T.noImage] },
  // 2. Cadres
  "2.1": { status: "NA", note: "Le portail n'utilise aucun cadre (iframe, frame) ; le paiement s'ouvre dans la page, chez la DGFiP.", tests: [T.noImage] },
  "2.2": { status: "NA", note: "Le portail n'utilise aucun cadre (iframe, frame).", tests: [T.noImage] },
  // 3. Couleurs
  "3.1": { status: "C", note: "Relecture de chaque page : l'état d'une facture est écrit en toutes lettres, les erreurs sont des phrases placées à côté du champ, les liens dans le texte sont soulignés, la rubrique active du menu est soulignée, la facture cochée est marquée par sa case." },
  "3.2": { status: "C", note: "Contrastes du texte mesurés par axe-core (règle color-contrast, 4,5:1 et 3:1) sur chaque page.", tests: AXE_ALL },
  "3.3": { status: "C", note: "Contour de prise de focus mesuré dans le navigateur sur chaque type de composant (liens, boutons, champs, zone de texte, cases à cocher, bandeau et menu rouge foncé, pied de page) : sa couleur contraste d'au moins 3:1 avec la couleur qui l'entoure (bleu #1d4ed8 sur les fonds clairs, blanc sur les fonds rouge foncé).", tests: [T.focusContrast] },
  // 4. Multimédia
  ...Object.fromEntries(
    ["4.1", "4.2", "4.3", "4.4", "4.5", "4.6", "4.7", "4.8", "4.9", "4.10", "4.11", "4.12", "4.13"].map((n) => [n, { status: "NA" as const, note: NO_MEDIA_NOTE, tests: [T.noImage] }]),
  ),
  // 5. Tableaux
  "5.1": { status: "NA", note: NO_TABLE_OF_THIS_KIND },
  "5.2": { status: "NA", note: NO_TABLE_OF_THIS_KIND },
  "5.3": { status: "NA", note: "Le portail n'utilise aucun tableau de mise en forme." },
  "5.4": { status: "C", note: "Le tableau de « Mes factures » a un titre (caption) ; les tableaux du choix des factures à payer sont titrés par la légende de leur groupe (nom du service). Relecture du code et axe-core.", tests: [T.axeInvoices, T.axePayment] },
  "5.5": { status: "C", note: "Relecture : le titre dit quelles factures sont listées, dans quel ordre, combien, et comment ouvrir une facture." },
  "5.6": { status: "C", note: "Chaque en-tête de colonne est une cellule th avec scope=\"col\" (composant commun des tableaux) ; axe-core vérifie les en-têtes.", tests: [T.axeInvoices, T.axePayment] },
  "5.7": { status: "C", note: "Tableaux simples : l'attribut scope des en-têtes de colonnes suffit à relier chaque cellule à son en-tête.", tests: [T.axeInvoices, T.axePayment] },
  "5.8": { status: "NA", note: "Le portail n'utilise aucun tableau de mise en forme." },
  // 6. Liens
  "6.1": { status: "C", note: "Chaque lien dit où il mène par son intitulé ; le lien « Oublié ? » de la page de connexion (libellé du produit) a pour intitulé « Mot de passe Oublié ? » (« Mot de passe » est lu par les lecteurs d'écran, sans être affiché), qui contient son texte visible.", tests: [T.forgottenLink, ...AXE_ALL] },
  "6.2": { status: "C", note: "Chaque lien a un intitulé (axe-core, règle link-name).", tests: AXE_ALL },
  // 7. Scripts
  "7.1": { status: "C", note: "Les scripts ne font qu'améliorer des pages qui fonctionnent sans eux ; les composants sont des éléments HTML natifs (liens, boutons, cases à cocher), sans composant ARIA fait main.", tests: [T.noJsLogin, T.noJsPayment] },
  "7.2": { status: "C", note: "L'alternative à chaque script est la même page sans JavaScript, qui offre les mêmes fonctions (bouton « Mettre à jour le total », bouton vers le portail de paiement).", tests: [T.noJsLogin, T.noJsPayment] },
  "7.3": { status: "C", note: "Tout se fait au clavier avec des éléments natifs ; parcours au clavier vérifié.", tests: [T.keyboard] },
  "7.4": { status: "C", note: "Le seul changement de contexte par script est l'envoi vers le portail de paiement, juste après que la personne a choisi « Payer la facture sur le portail … » ; la page l'annonce et garde un bouton pour continuer.", tests: [T.noJsPayment] },
  "7.5": { status: "C", note: "Les messages de statut sont dans des zones role=\"status\" ou role=\"alert\" (confirmations, erreurs, résultat du paiement) ; le total des factures cochées est dans une zone aria-live.", tests: [T.paymentTotal, T.axePayment] },
  // 8. Éléments obligatoires
  "8.1": { status: "C", note: "Chaque page commence par <!DOCTYPE html>.", tests: [T.pageBasics] },
  "8.2": { status: "C", note: "Le code HTML servi de chaque page du plan du site, des pages de lien, de facture et de paiement, des pages d'erreur et de chaque formulaire renvoyé avec ses erreurs est validé par html-validate (règles de conformité du standard HTML).", tests: [T.htmlValid, T.htmlValidForms, T.htmlValidResident] },
  "8.3": { status: "C", note: "Chaque page déclare lang=\"fr\" sur l'élément html (et axe-core, règle html-has-lang).", tests: [T.pageBasics, ...AXE_ALL] },
  "8.4": { status: "C", note: "Le code de langue fr est valide et pertinent (axe-core, règle html-lang-valid).", tests: [T.pageBasics, ...AXE_ALL] },
  "8.5": { status: "C", note: "Chaque page a un titre (axe-core, règle document-title).", tests: [T.pageBasics, ...AXE_ALL] },
  "8.6": { status: "C", note: "Chaque page a un titre qui la nomme, suivi du nom du portail ; les pages d'erreur nomment l'erreur (« Page introuvable — Le Portail des Factures », « Facture introuvable », « Le paiement n'a pas pu commencer »…).", tests: [T.pageBasics, T.errorTitles] },
  "8.7": { status: "C", note: "Relecture : tout le texte est en français ; PayFiP et TIPI sont des noms propres." },
  "8.8": { status: "NA", note: "Aucun passage dans une autre langue que le français." },
  "8.9": { status: "C", note: "Relecture du code : les balises sont employées pour leur sens (titres, listes, tableaux de données, formulaires), la mise en forme est en CSS." },
  "8.10": { status: "NA", note: "Aucun texte écrit de droite à gauche." },
  // 9. Structuration de l'information
  "9.1": { status: "C", note: "Un titre h1 par page puis des h2 dans l'ordre (axe-core, règles page-has-heading-one, heading-order, empty-heading) ; hiérarchie relue.", tests: AXE_ALL },
  "9.2": { status: "C", note: "Zones header, nav, main sur les pages de l'espace personnel, main sur les pages publiques (axe-core, règles landmark-* et region).", tests: AXE_ALL },
  "9.3": { status: "C", note: "Menus, onglets et listes de factures sont des listes ul/li ; les champs d'une facture une liste de définitions (axe-core, règles list, listitem, dlitem).", tests: AXE_ALL },
  "9.4": { status: "NA", note: "Le portail ne contient aucune citation." },
  // 10. Présentation de l'information
  "10.1": { status: "C", note: "Toute la présentation est dans la feuille de styles (Tailwind CSS) ; aucun attribut de présentation dans le HTML." },
  "10.2": { status: "C", note: "Aucune information n'est produite par la feuille de styles (ni image de fond, ni texte) ; elle ne dessine que la croix décorative devant une facture cochée, que la case à cocher dit déjà et qui est masquée aux lecteurs d'écran.", tests: [T.noCssContent, T.withoutStyles] },
  "10.3": { status: "C", note: "Sans feuille de styles, l'information reste juste et compréhensible : la croix devant une facture cochée sur la page de paiement est dessinée par la feuille de styles seulement, il reste les cases à cocher et leur intitulé.", tests: [T.withoutStyles] },
  "10.4": { status: "C", note: "Texte agrandi à 200 % (taille de police de la page) : aucune page ne déborde en largeur.", tests: [T.reflow] },
  "10.5": { status: "C", note: "Couleur du texte et couleur de fond sont déclarées ensemble (page, bandeau, menu, boutons, encadrés)." },
  "10.6": { status: "C", note: "Les liens dans le texte sont soulignés et en gras (axe-core, règle link-in-text-block).", tests: AXE_ALL },
  "10.7": { status: "C", note: "Un contour de 3 px marque l'élément qui a le focus, sur toutes les pages (style :focus-visible de la feuille de styles) ; son contraste est traité au critère 3.3.", tests: [T.keyboard] },
  "10.8": { status: "C", note: "Les seuls contenus cachés sont le champ piège du formulaire public (aria-hidden, hors de la tabulation), la version tableau ou liste des factures selon la largeur (display: none) et des textes réservés aux lecteurs d'écran (classe sr-only), voulus.", tests: AXE_ALL },
  "10.9": { status: "C", note: "Relecture : aucune information n'est donnée par la seule forme, taille ou position (consignes écrites, état des factures en toutes lettres)." },
  "10.10": { status: "C", note: "Relecture : idem 10.9, les informations sont aussi données par le texte." },
  "10.11": { status: "C", note: "Chaque écran tient à 320 px de large et à 200 % de zoom sans défilement horizontal ni texte coupé (le tableau de choix des factures à payer se resserre sur petit écran).", tests: [T.reflow, T.reflowEverySetting] },
  "10.12": { status: "C", note: "Avec l'espacement du texte redéfini (interlignage 1,5, paragraphes 2 em, lettres 0,12 em, mots 0,16 em), chaque écran reste lisible : ni débordement, ni texte coupé.", tests: [T.reflowEverySetting] },
  "10.13": { status: "NA", note: "Aucun contenu additionnel n'apparaît au survol ou à la prise de focus (pas d'infobulle, pas de menu déroulant)." },
  "10.14": { status: "C", note: "Le seul contenu montré par CSS est le lien d'évitement « Aller au contenu », visible dès qu'il reçoit le focus clavier.", tests: [T.keyboard] },
  // 11. Formulaires
  "11.1": { status: "C", note: "Chaque champ a une étiquette label reliée (axe-core, règle label) ; les erreurs sont reliées par aria-describedby.", tests: [...AXE_ALL, T.formErrors] },
  "11.2": { status: "C", note: "Relecture : chaque étiquette dit ce qu'il faut saisir ; les champs facultatifs le disent dans l'étiquette." },
  "11.3": { status: "C", note: "Le champ de l'adresse mail du compte a le même nom sur chaque page qui la demande : « Adresse mail » (la page « Mot de passe oublié » garde l'étiquette visible « Mail : » du produit, et le même nom accessible).", tests: [T.emailNames] },
  "11.4": { status: "C", note: "Chaque étiquette est placée juste au-dessus de son champ, la case « Se souvenir de moi » juste après sa case (composant commun des champs)." },
  "11.5": { status: "C", note: "Les factures à payer sont regroupées par service dans un fieldset ; les autres formulaires n'ont que quelques champs sans groupe." },
  "11.6": { status: "C", note: "Chaque fieldset a une légende (legend) : le nom du service.", tests: [T.axePayment] },
  "11.7": { status: "C", note: "Relecture : la légende nomme le service dont on paie les factures." },
  "11.8": { status: "C", note: "La seule liste de choix (le service à contacter) ne contient que des services, sans sous-groupe." },
  "11.9": { status: "C", note: "Chaque bouton dit ce qu'il fait (« Connexion », « Envoyer », « Payer la facture sur le portail PayFiP »…) ; axe-core, règle button-name.", tests: AXE_ALL },
  "11.10": { status: "C", note: "Avant tout envoi, l'étiquette de chaque champ obligatoire se termine par « (obligatoire) » et celle de chaque champ facultatif par « (facultatif) », sur tous les formulaires (composant commun des champs) ; les champs obligatoires ont aussi l'attribut required.", tests: [T.requiredMarks, T.formErrors] },
  "11.11": { status: "C", note: "Chaque erreur est une phrase en français, à côté du champ, qui dit quoi corriger (format de l'adresse mail, longueur du mot de passe…).", tests: [T.formErrors] },
  "11.12": { status: "C", note: "Le paiement passe par une page de confirmation (montant, factures) avant la DGFiP ; la demande de factures par courriel seulement se confirme ou s'annule ; un changement d'adresse mail n'a lieu qu'après le lien reçu.", tests: [T.noJsPayment, T.paperCancel] },
  "11.13": { status: "C", note: "Les champs sur la personne ont leur attribut autocomplete : adresse mail (email, username), nom (name), mots de passe (current-password, new-password)." },
  // 12. Navigation
  "12.1": { status: "C", note: "Deux systèmes de navigation : le menu principal de l'espace personnel et le plan du site, atteint par le lien « Plan du site » du pied de page de toutes les pages.", tests: [T.footerLinks, T.siteMapComplete] },
  "12.2": { status: "C", note: "Le menu principal est au même endroit sur toutes les pages de l'espace personnel (une seule mise en page)." },
  "12.3": { status: "C", note: "Le plan du site liste toutes les pages du portail (celles de l'espace personnel marquées « après connexion »), avec les titres des pages ; un test vérifie que chaque page y figure ou est exclue avec sa raison, et que chaque lien répond.", tests: [T.siteMapComplete, T.siteMapPage] },
  "12.4": { status: "C", note: "Le lien « Plan du site » est dans le pied de page de toutes les pages, à la même place et dans le même ordre (un seul composant rendu par la mise en page racine).", tests: [T.footerLinks] },
  "12.5": { status: "NA", note: "Le portail n'a pas de moteur de recherche." },
  "12.6": { status: "C", note: "Zones header, nav et main (axe-core, règles landmark-*) et lien d'évitement sur les pages de l'espace personnel.", tests: [T.keyboard, ...AXE_ALL] },
  "12.7": { status: "C", note: "Le lien « Aller au contenu » est le premier élément des pages de l'espace personnel ; les pages publiques commencent directement par leur contenu principal (aucune navigation avant).", tests: [T.keyboard] },
  "12.8": { status: "C", note: "Ordre de tabulation vérifié : lien d'évitement, nom du portail, menu dans l'ordre, puis le contenu.", tests: [T.keyboard] },
  "12.9": { status: "C", note: "Aucun piège au clavier : on avance et on recule avec Tab et Maj+Tab.", tests: [T.keyboard] },
  "12.10": { status: "NA", note: "Le portail ne définit aucun raccourci clavier.", tests: [T.noShortcut] },
  "12.11": { status: "NA", note: "Aucun contenu additionnel n'apparaît au survol, au focus ou à l'activation d'un composant." },
  // 13. Consultation
  "13.1": { status: "NA", exemption: "cas particulier", note: "Cas particulier du RGAA (limite de temps essentielle) : le lien d'activation ou de mot de passe oublié, à usage unique, ouvre une session de 15 minutes pour choisir le mot de passe. Cette limite protège le compte (un lien intercepté ou un appareil laissé ouvert ne doit pas permettre de choisir le mot de passe plus tard) et ne peut pas être prolongée sans affaiblir cette protection. La page annonce le délai, et un nouveau lien se demande à tout moment." },
  "13.2": { status: "C", note: "Aucun lien ni script n'ouvre de nouvelle fenêtre.", tests: [T.noNewWindow] },
  "13.3": { status: "NA", exemption: "dérogation", note: "Dérogation pour charge disproportionnée : les factures en PDF sont produites par le logiciel de facturation de chaque service, que le portail ne peut pas modifier ; leur accessibilité n'est pas garantie. Alternative : la page de chaque facture donne en HTML son numéro, ses dates, son montant, son objet, son état, l'abonné, le service et le moyen de la payer ; le détail des lignes (consommations, tarifs) n'y figure pas : le service l'envoie dans un format accessible sur demande (rubrique « Contact »)." },
  "13.4": { status: "NA", note: "Aucun document en téléchargement n'a de version accessible distincte." },
  "13.5": { status: "NA", note: "Aucun contenu cryptique (art ASCII, émoticône, abréviation cryptique)." },
  "13.6": { status: "NA", note: "Le portail ne contient aucun contenu cryptique." },
  "13.7": { status: "NA", note: "Aucun flash ni changement brusque de luminosité.", tests: [T.noCssContent] },
  "13.8": { status: "NA", note: "Aucun contenu en mouvement ou clignotant.", tests: [T.noCssContent] },
  "13.9": { status: "C", note: "Aucune orientation n'est imposée ; pages vérifiées en largeur de téléphone (320 px).", tests: [T.reflow] },
  "13.10": { status: "NA", note: "Aucune fonction n'utilise de geste complexe.", tests: [T.noShortcut] },
  "13.11": { status: "C", note: "Les actions sont des liens et boutons natifs, déclenchés au relâchement et annulables en glissant hors de l'élément ; aucun script n'écoute l'appui.", tests: [T.noShortcut] },
  "13.12": { status: "NA", note: "Aucune fonction n'utilise le mouvement de l'appareil.", tests: [T.noShortcut] },
};

/** The grid: every criterion of RGAA 4.1, by theme, with the portal's result (an unknown number throws). */
export function auditGrid(audit: Readonly<Record<string, AuditResult>> = AUDIT): AuditedTheme[] {
  return RGAA_THEMES.map((theme) => ({
    number: theme.number,
    name: theme.name,
    criteria: theme.criteria.map(([number, title]) => {
      const result = audit[number];
      if (!result) throw new Error(`RGAA criterion ${number} has no result in the audit grid`);
      return { number, title, ...result };
    }),
  }));
}

/**
 * RGAA's état de conformité: "totalement conforme" when every applicable criterion is met,
 * "partiellement conforme" from 50 %, else (or with no applicable criterion: no audit) "non conforme".
 */
export function conformityState(conformes: number, nonConformes: number): ConformityState {
  const applicable = conformes + nonConformes;
  if (applicable === 0) return "non conforme";
  if (nonConformes === 0) return "totalement conforme";
  return conformes * 2 >= applicable ? "partiellement conforme" : "non conforme";
}

/** Taux de conformité = conformes / (conformes + non conformes), non applicables left out. */
export function summarize(criteria: readonly { status: AuditStatus }[]): ConformitySummary {
  const count = (status: AuditStatus) => criteria.filter((c) => c.status === status).length;
  const conformes = count("C");
  const nonConformes = count("NC");
  const applicable = conformes + nonConformes;
  // Rounded down: 99.96 % is not shown as 100 %.
  const rate = applicable === 0 ? null : Math.floor((conformes * 1000) / applicable) / 10;
  return { conformes, nonConformes, nonApplicables: count("NA"), rate, state: conformityState(conformes, nonConformes) };
}

/** The portal's conformity, from the grid. */
export function portalConformity(): ConformitySummary {
  return summarize(auditGrid().flatMap((theme) => theme.criteria));
}

/** The portal's état de conformité (« Accessibilité : <état> »). Call it on the server: the grid stays out of the pages' JavaScript. */
export function accessibilityState(): ConformityState {
  return portalConformity().state;
}

/** A rate the French way: « 79,4 % » (non-breaking space before the sign). */
export function formatRate(rate: number | null): string {
  return rate === null ? "non mesuré" : `${rate.toLocaleString("fr-FR", { maximumFractionDigits: 1 })}\u00a0%`;
}
