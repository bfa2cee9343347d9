import { redirect } from "@remix-run/server-runtime";

/** `/`: anonymous visitors go to the login page (residents will go to /accueil once accounts exist). */
export function loader() {
  return redirect("/connexion");
}
