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
  return data({ ...info, backend: backend.kind, cookies }, withSession(accounts));
}
