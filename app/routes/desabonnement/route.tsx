import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/server-runtime";
import type { MetaFunction } from "@remix-run/react";
import { data } from "@remix-run/server-runtime";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { getBackend } from "~/.server/backend";
import { declareForm, parseSubmission } from "~/.server/form";
import { AuthCard } from "~/components/auth-card";
import { Notice, PrimaryButton } from "~/components/form";
import { TextLink } from "~/components/ui";

export const meta: MetaFunction = () => [{ title: "Ne plus recevoir ces courriels — Le Portail des Factures" }];

/**
 * `/desabonnement?jeton=…`: the unsubscribe link of reminder e-mails (docs/decisions/0039-email-reminders.md).
 * No login: the signed token (app/.server/reminders-links.ts) says which account.
 * - GET shows « Ne plus recevoir ces courriels » and a button, and changes nothing: link
 *   scanners and previews fetch links.
 * - POST turns both reminders off (public.reminders_unsubscribe): the page's button, or the
 *   RFC 8058 one-click POST of mail providers (body `List-Unsubscribe=One-Click`, no cookie, no
 *   Origin: server/payment.js ORIGINLESS_POST_PATHS lets exactly that through). A replay does the
 *   same again, harmlessly.
 * - A forged, altered or malformed token: 400 with a French explanation; nothing changes.
 */
const UnsubscribeForm = declareForm(
  z.object({
    jeton: z.string().max(200).optional(),
    "List-Unsubscribe": z.literal("One-Click").optional(),
  }),
);

const INVALID =
  "Ce lien de désabonnement n'est pas valable (il est incomplet ou a été modifié). Copiez le lien complet depuis le courriel, ou changez vos choix dans « Mes informations » après connexion.";
const CLOSED = "Ce lien ne correspond plus à un compte du portail : aucun courriel de rappel ne vous sera envoyé.";

async function portalName(): Promise<string> {
  return (await (await getBackend()).data.portalPublicInfo()).portalName;
}

export async function loader({ request }: LoaderFunctionArgs) {
  const token = new URL(request.url).searchParams.get("jeton") ?? "";
  const backend = await getBackend();
  const [account, name] = await Promise.all([backend.mailLinks.unsubscribeAccount(token), portalName()]);
  return data({ portalName: name, token: account ? token : null }, { status: account ? 200 : 400, headers: { "Cache-Control": "no-store" } });
}

export async function action({ request }: ActionFunctionArgs) {
  const submission = await parseSubmission(request, UnsubscribeForm);
  const token = (submission.success ? submission.value.jeton : undefined) || new URL(request.url).searchParams.get("jeton") || "";
  const backend = await getBackend();
  const account = submission.success ? await backend.mailLinks.unsubscribeAccount(token) : null;
  const headers = { "Cache-Control": "no-store" };
  if (!account) return data({ done: false, message: INVALID }, { status: 400, headers });
  const exists = await backend.reminders.unsubscribe(account);
  if (!exists) return data({ done: false, message: CLOSED }, { status: 404, headers });
  return data({ done: true, message: null }, { headers });
}

export default function Desabonnement() {
  const { portalName, token } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  return (
    <AuthCard portalName={portalName} subtitle="Ne plus recevoir ces courriels" wide>
      <div className="mt-6 flex flex-col gap-4">
        {result?.done ? (
          <Notice tone="success">
            <p>
              C&apos;est fait : vous ne recevrez plus les courriels de rappel du portail (nouvelles factures et factures bientôt à régler).
              Vous pourrez les demander de nouveau dans « Mes informations ».
            </p>
          </Notice>
        ) : result?.message || !token ? (
          <Notice tone="error">
            <p>{result?.message ?? INVALID}</p>
          </Notice>
        ) : (
          <>
            <p>
              Vous recevez des courriels de rappel du portail des factures parce que vous les avez demandés. Pour ne plus en recevoir
              aucun, confirmez ci-dessous.
            </p>
            <Form method="post" className="flex flex-col gap-4">
              <input type="hidden" name="jeton" value={token} />
              <div>
                <PrimaryButton type="submit">Ne plus recevoir ces courriels</PrimaryButton>
              </div>
            </Form>
          </>
        )}
        <p>
          <TextLink to="/">Aller au portail des factures</TextLink>
        </p>
      </div>
    </AuthCard>
  );
}
