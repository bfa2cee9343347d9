import { data } from "@remix-run/server-runtime";
import { accountsFor } from "./accounts";
import { getBackend } from "./backend";
import { withSession } from "./session-response";

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
  return data({ ...info, backend: backend.kind }, withSession(accounts));
}
