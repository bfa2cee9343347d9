import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/server-runtime";
import type { MetaFunction } from "@remix-run/react";
import { data, redirect } from "@remix-run/server-runtime";
import { Form, useLoaderData } from "@remix-run/react";
import { announcementDigest, dismissAnnouncementCookie, readAnnouncementCookie } from "~/.server/announcement";
import { readForm } from "~/.server/form";
import { requireResident } from "~/.server/resident";
import { LinkLine } from "~/components/espace-links";
import { withSession } from "~/.server/session-response";

export const meta: MetaFunction = () => [{ title: "Accueil — Le Portail des Factures" }];

/**
 * Home page of the resident's space (docs/e2e-invoices.md): the service's announcement, highlighted, with
 * "Fermer" (hidden for the rest of the browser session, see ~/.server/announcement.ts), then the
 * welcome message. Both are set by staff in portal.portal_settings (docs/staff-settings.md).
 */
export async function loader({ request }: LoaderFunctionArgs) {
  const { user, accounts, home } = await requireResident(request, { home: true });
  const page = await home.homePage();
  const dismissed =
    page.announcement !== null && readAnnouncementCookie(request) === (await announcementDigest(user.id, page.announcement));
  return data(
    {
      frame: page.frame,
      announcement: dismissed ? null : page.announcement,
      welcomeParagraphs: paragraphs(page.welcomeMessage),
    },
    withSession(accounts),
  );
}

export async function action({ request }: ActionFunctionArgs) {
  const { user, accounts, home } = await requireResident(request, { home: true });
  const form = await readForm(request);
  const cookies = new Headers();
  if (form.get("intent") === "fermer-annonce") {
    const { announcement } = await home.homePage();
    if (announcement !== null) cookies.append("Set-Cookie", dismissAnnouncementCookie(request, await announcementDigest(user.id, announcement)));
  }
  // Post/Redirect/Get: a reload does not post again.
  throw redirect("/accueil", withSession(accounts, { headers: cookies }));
}

/** The staff's text, one paragraph per line (no HTML: React escapes it). */
function paragraphs(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean);
}

export default function Accueil() {
  const { announcement, welcomeParagraphs } = useLoaderData<typeof loader>();
  return (
    <section aria-labelledby="accueil-titre" className="flex flex-col gap-6">
      <h1 id="accueil-titre" className="text-2xl font-bold">
        Accueil
      </h1>
      {announcement ? (
        <aside aria-labelledby="annonce-titre" className="rounded border-l-4 border-amber-600 bg-amber-50 p-4 text-amber-950 shadow-sm">
          <h2 id="annonce-titre" className="font-bold">
            Information importante du service
          </h2>
          <div className="mt-2 flex flex-col gap-2">
            {paragraphs(announcement).map((p, i) => (
              <p key={i}>{p}</p>
            ))}
          </div>
          <Form method="post" className="mt-3">
            <button
              type="submit"
              name="intent"
              value="fermer-annonce"
              className="rounded bg-amber-800 px-4 py-2 font-semibold text-white hover:bg-amber-900 focus-visible:outline-2 focus-visible:outline-offset-2"
            >
              Fermer
            </button>
          </Form>
        </aside>
      ) : null}
      <div className="flex flex-col gap-3 rounded bg-white p-4 shadow-sm" data-testid="welcome-message">
        {welcomeParagraphs.length > 0 ? (
          welcomeParagraphs.map((p, i) => <p key={i}>{p}</p>)
        ) : (
          <p>Bienvenue sur votre espace.</p>
        )}
      </div>
      <LinkLine to="/factures">Voir mes factures</LinkLine>
    </section>
  );
}
