/**
 * The legal identity of a deployment (SQL: portal.legal_identity, read by anyone through
 * public.legal_info(), supabase/migrations/20261202090000_legal_identity.sql): what
 * /mentions-legales and /donnees-personnelles show, and what `npm run admin -- legal …` sets.
 * Every field may be null: the service has not filled it, and the pages say so
 * (docs/decisions/0027-legal-identity-settings.md).
 */

/** How a field is checked when staff set it, and how it is shown. */
export type LegalFieldKind = "text" | "email" | "siret" | "days" | "months";

interface FieldSpec {
  /** Column of portal.legal_identity, and key of public.legal_info()'s JSON. */
  column: string;
  /** Name in `npm run admin -- legal set <champ> "<valeur>"`. */
  cli: string;
  /** What it is, in French, for staff. */
  label: string;
  kind: LegalFieldKind;
  /** Longest text accepted (the table's check constraint). */
  max?: number;
}

export const LEGAL_FIELDS = {
  publisherName: { column: "publisher_name", cli: "editeur", label: "éditeur (nom du service ou de la collectivité)", kind: "text", max: 300 },
  publisherAddress: { column: "publisher_address", cli: "editeur-adresse", label: "adresse de l'éditeur", kind: "text", max: 500 },
  publisherSiret: { column: "publisher_siret", cli: "siret", label: "SIRET de l'éditeur", kind: "siret" },
  legalRepresentative: { column: "legal_representative", cli: "representant-legal", label: "représentant légal", kind: "text", max: 300 },
  publicationDirector: { column: "publication_director", cli: "directeur-publication", label: "directeur de la publication", kind: "text", max: 300 },
  contactEmail: { column: "contact_email", cli: "contact-courriel", label: "adresse mail de contact de l'éditeur", kind: "email" },
  contactPhone: { column: "contact_phone", cli: "contact-telephone", label: "téléphone de l'éditeur", kind: "text", max: 50 },
  hostName: { column: "host_name", cli: "hebergeur", label: "hébergeur (nom ou raison sociale)", kind: "text", max: 300 },
  hostAddress: { column: "host_address", cli: "hebergeur-adresse", label: "adresse de l'hébergeur", kind: "text", max: 500 },
  hostPhone: { column: "host_phone", cli: "hebergeur-telephone", label: "téléphone de l'hébergeur", kind: "text", max: 50 },
  controller: { column: "controller", cli: "responsable-traitement", label: "responsable du traitement", kind: "text", max: 300 },
  dpoContact: { column: "dpo_contact", cli: "dpo", label: "délégué à la protection des données (nom ou fonction)", kind: "text", max: 300 },
  dpoEmail: { column: "dpo_email", cli: "dpo-courriel", label: "adresse mail du délégué à la protection des données", kind: "email" },
  dpoPostalAddress: { column: "dpo_postal_address", cli: "dpo-adresse", label: "adresse postale du délégué à la protection des données", kind: "text", max: 500 },
  mailTransferSafeguards: {
    column: "mail_transfer_safeguards",
    cli: "transfert-courriels",
    label: "garanties du transfert vers le sous-traitant d'envoi des courriels",
    kind: "text",
    max: 1000,
  },
  loginThrottleDays: { column: "login_throttle_days", cli: "conservation-tentatives-connexion", label: "durée de conservation des tentatives de connexion (jours)", kind: "days" },
  authLinksDays: { column: "auth_links_days", cli: "conservation-liens", label: "durée de conservation des liens utilisés ou expirés (jours)", kind: "days" },
  sentMailBodiesDays: { column: "sent_mail_bodies_days", cli: "conservation-courriels", label: "durée de conservation du texte des courriels envoyés (jours)", kind: "days" },
  contactMessagesMonths: { column: "contact_messages_months", cli: "conservation-messages", label: "durée de conservation des messages au service (mois)", kind: "months" },
  paperOptoutMonths: { column: "paper_optout_months", cli: "conservation-papier", label: "durée de conservation des demandes d'arrêt du papier (mois)", kind: "months" },
  paymentRecordsMonths: { column: "payment_records_months", cli: "conservation-paiements", label: "durée de conservation des paiements (mois, durée de la comptabilité publique)", kind: "months" },
} as const satisfies Record<string, FieldSpec>;

export type LegalField = keyof typeof LEGAL_FIELDS;
type NumberField = { [K in LegalField]: (typeof LEGAL_FIELDS)[K]["kind"] extends "days" | "months" ? K : never }[LegalField];

/** public.legal_info(): the portal's name and every field, null where the service has not filled it. */
export type LegalInfo = { portalName: string } & { [K in LegalField]: K extends NumberField ? number | null : string | null };

export interface LegalPort {
  /** One call of public.legal_info() as anon. */
  legalInfo(): Promise<LegalInfo>;
}
