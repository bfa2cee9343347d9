import { data } from "@remix-run/server-runtime";
import { accountsFor } from "./accounts";
import { getBackend } from "./backend";
import { withSession } from "./session-response";

/**
 * The cookies the portal sets, per backend (read from app/.server/embedded/auth.ts,
 * app/.server/supabase/accounts.ts and app/.server/announcement.ts): name, why, how long. Sent
 * as the page's data rather than written in its component, to keep them out of its JavaScript.
 */
type CookieRow = [name: string, why: string, lifetime: string];
const COOKIES: Record<"embedded" | "supabase", CookieRow[]> = {
  embedded: [
    ["pf_session", "garde votre session ouverte après la connexion", "30 jours avec « Se souvenir de moi », sinon jusqu'à la fermeture du navigateur (12 heures au plus)"],
    ["pf_access", "prouve que vous êtes connecté sans relire la session à chaque page", "5 minutes"],
  ],
  supabase: [
    ["sb-…-auth-token", "votre session de connexion (jetons de Supabase Auth)", "avec « Se souvenir de moi », jusqu'à la déconnexion (400 jours au plus), sinon jusqu'à la fermeture du navigateur"],
    ["pf_remember", "retient que vous n'avez pas coché « Se souvenir de moi »", "jusqu'à la fermeture du navigateur"],
    ["pf_link", "retient que la session vient d'un lien d'activation ou de mot de passe oublié, pour choisir un mot de passe une fois", "jusqu'au choix du mot de passe, ou la fermeture du navigateur"],
  ],
};

/**
 * The retention periods as the purge applies them (public.purge_expired,
 * supabase/migrations/20261203090000_retention.sql; docs/decisions/0031-retention-purge.md):
 * each period's field of the legal identity, its label, and what goes when it ends. Page data, not
 * component text, for the same reason as the cookies. Links and sessions differ with Supabase,
 * whose Auth service keeps them, not the portal.
 */
type RetentionRow = { field: "loginThrottleDays" | "authLinksDays" | "sentMailBodiesDays" | "contactMessagesMonths" | "paperOptoutMonths" | "paymentRecordsMonths"; label: string; goes: string };
const AUTH_LINKS: Record<"embedded" | "supabase", string> = {
  embedded:
    "un lien est effacé dès qu'il sert ; un lien jamais utilisé (il n'est valable qu'une heure) et les sessions de connexion terminées sont supprimés après cette durée",
  supabase:
    "ils sont gérés par Supabase Auth, le service de connexion du portail : un lien est effacé dès qu'il sert et remplacé par le suivant, les sessions terminées sont supprimées par Supabase Auth ; le portail ne les supprime pas lui-même",
};
export function retentionRows(backend: "embedded" | "supabase"): RetentionRow[] {
  return [
    {
      field: "loginThrottleDays",
      label: "Tentatives de connexion",
      goes: "l'adresse IP et l'adresse mail des tentatives de connexion, des demandes de lien et des messages envoyés sans compte ; une limitation encore en cours est gardée jusqu'à sa fin",
    },
    { field: "authLinksDays", label: "Liens d'activation et de mot de passe utilisés ou expirés", goes: AUTH_LINKS[backend] },
    {
      field: "sentMailBodiesDays",
      label: "Texte des courriels envoyés",
      goes: "le courriel entier (destinataire, objet, texte), compté depuis son envoi ; un courriel pas encore parti est gardé jusqu'à son envoi",
    },
    { field: "contactMessagesMonths", label: "Messages au service", goes: "vos messages au service, comptés depuis leur envoi" },
    {
      field: "paperOptoutMonths",
      label: "Demandes d'arrêt de la facture papier",
      goes: "la trace de la demande ; l'arrêt du papier, lui, reste enregistré dans votre dossier",
    },
    {
      field: "paymentRecordsMonths",
      label: "Paiements (durée de la comptabilité publique)",
      goes: "le paiement, les factures qu'il réglait et le journal de ses résultats, comptés depuis sa dernière mise à jour ; un paiement en cours ou en attente de confirmation n'est jamais supprimé",
    },
  ];
}

const COMMON_COOKIES: CookieRow[] = [["pf_annonce_fermee", "retient que vous avez fermé l'annonce de l'accueil", "jusqu'à la fermeture du navigateur"]];

/**
 * The loader of /mentions-legales and /donnees-personnelles: public pages, for anyone signed in
 * or not, in one SQL call (public.legal_info(), which carries the portal's name too). `backend`
 * says which cookies the portal sets (the embedded default's or Supabase Auth's), for the list
 * of cookies. docs/decisions/0027-legal-identity-settings.md.
 */
export async function legalPage(request: Request) {
  const accounts = await accountsFor(request);
  const backend = await getBackend();
  const info = await backend.data.legalInfo();
  const cookies = [...COOKIES[backend.kind], ...COMMON_COOKIES];
  return data({ ...info, backend: backend.kind, cookies, retention: retentionRows(backend.kind) }, withSession(accounts));
}
