import type { LoaderFunctionArgs } from "@remix-run/server-runtime";
import type { MetaFunction } from "@remix-run/react";
import { data, redirect } from "@remix-run/server-runtime";
import { Link, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { accountsFor, safeRedirectPath } from "~/.server/accounts";
import { getBackend } from "~/.server/backend";
import { AuthCard } from "~/components/auth-card";
import { Notice } from "~/components/form";
import { AUTH_LINK_TYPES, nextPathFor } from "~/utils/auth-links";

export const meta: MetaFunction = () => [{ title: "Lien du message — Le Portail des Factures" }];

const ConfirmSchema = z.object({
  token_hash: z.string().min(8).max(200).regex(/^[A-Za-z0-9_-]+$/),
  type: z.enum(AUTH_LINK_TYPES),
  next: z.string().max(500).optional(),
});

/**
 * `/auth/confirm?token_hash=…&type=…&next=…`: the link of every account e-mail (Supabase's
 * recommended SSR flow). Verifies the single-use token, opens a session, then goes on to a
 * same-site page. A bad link renders a French page — never the raw error in a URL.
 */
export async function loader({ request }: LoaderFunctionArgs) {
  const url = new URL(request.url);
  const parsed = ConfirmSchema.safeParse(Object.fromEntries(url.searchParams));
  const accounts = await accountsFor(request);
  if (parsed.success) {
    const result = await accounts.verifyLink(parsed.data.type, parsed.data.token_hash);
    if (result.ok) {
      const next = safeRedirectPath(parsed.data.next, nextPathFor(result.type));
      throw redirect(next, { headers: accounts.headers });
    }
  }
  const { data: dataPort } = await getBackend();
  const info = await dataPort.portalPublicInfo();
  const type = parsed.success ? parsed.data.type : null;
  return data({ portalName: info.portalName, type }, { status: 400, headers: accounts.headers });
}

export default function ConfirmFailed() {
  const { portalName, type } = useLoaderData<typeof loader>();
  return (
    <AuthCard portalName={portalName} subtitle="Ce lien ne fonctionne plus">
      <Notice tone="error">
        <p>
          Le lien que vous avez suivi a déjà servi, a expiré ou est incomplet. Chaque lien ne sert qu&apos;une fois et reste valable
          1 heure.
        </p>
      </Notice>
      <p className="mt-4">Demandez un nouveau lien :</p>
      <ul className="mt-2 list-disc pl-6">
        {type === "email_change" ? (
          <li>
            <Link to="/mes-informations/adresse-mail" className="font-semibold text-brand-700 underline">
              changer à nouveau l&apos;adresse mail
            </Link>
          </li>
        ) : (
          <>
            <li>
              <Link to="/activation" className="font-semibold text-brand-700 underline">
                J&apos;active mon compte
              </Link>{" "}
              si votre compte n&apos;est pas encore activé ;
            </li>
            <li>
              <Link to="/mot-de-passe-oublie" className="font-semibold text-brand-700 underline">
                mot de passe oublié
              </Link>{" "}
              si vous aviez déjà un mot de passe.
            </li>
          </>
        )}
      </ul>
    </AuthCard>
  );
}
