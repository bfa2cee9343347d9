import type { LoaderFunctionArgs } from "@remix-run/server-runtime";
import { redirect } from "@remix-run/server-runtime";
import { accountsFor } from "~/.server/accounts";
import { withSession } from "~/.server/session-response";

/** `/`: residents go to their home page, anonymous visitors to the login page. */
export async function loader({ request }: LoaderFunctionArgs) {
  const accounts = await accountsFor(request);
  const user = await accounts.getUser();
  throw redirect(user ? "/accueil" : "/connexion", withSession(accounts));
}
