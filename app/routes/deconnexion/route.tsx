import type { ActionFunctionArgs } from "@remix-run/server-runtime";
import { redirect } from "@remix-run/server-runtime";
import { accountsFor } from "~/.server/accounts";

/** POST /deconnexion: ends the session on the server, clears the cookie, back to the login page. */
export async function action({ request }: ActionFunctionArgs) {
  const accounts = await accountsFor(request);
  await accounts.signOut();
  throw redirect("/connexion", { headers: accounts.headers });
}

/** A GET (typed URL, old bookmark) changes nothing: logging out takes the button (a POST). */
export function loader() {
  throw redirect("/accueil");
}
