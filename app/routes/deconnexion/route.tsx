import type { ActionFunctionArgs } from "@remix-run/server-runtime";
import { redirect } from "@remix-run/server-runtime";
import { accountsFor } from "~/.server/accounts";
import { clearAnnouncementCookie } from "~/.server/announcement";
import { withSession } from "~/.server/session-response";

/** POST /deconnexion: ends the session on the server, clears the cookie, back to the login page. */
export async function action({ request }: ActionFunctionArgs) {
  const accounts = await accountsFor(request);
  await accounts.signOut();
  // The home page's announcement, closed during this session, shows again at the next login.
  throw redirect("/connexion", withSession(accounts, { headers: { "Set-Cookie": clearAnnouncementCookie(request) } }));
}

/** A GET (typed URL, old bookmark) changes nothing: logging out takes the button (a POST). */
export function loader() {
  throw redirect("/accueil");
}
