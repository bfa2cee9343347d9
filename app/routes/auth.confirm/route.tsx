import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/server-runtime";
import type { MetaFunction } from "@remix-run/react";
import { data, redirect } from "@remix-run/server-runtime";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { accountsFor, safeRedirectPath } from "~/.server/accounts";
import { getBackend } from "~/.server/backend";
import { declareForm, readSubmission } from "~/.server/form";
import { withSession } from "~/.server/session-response";
import { AuthCard } from "~/components/auth-card";
import { Notice } from "~/components/form";
import { PrimaryButton, TextLink } from "~/components/ui";
import { AUTH_LINK_TYPES, nextPathFor } from "~/utils/auth-links";

export const meta: MetaFunction = () => [{ title: "Lien du message — Le Portail des Factures" }];

const ConfirmSchema = z.object({
  token_hash: z.string().min(8).max(200).regex(/^[A-Za-z0-9_-]+$/),
  type: z.enum(AUTH_LINK_TYPES),
  next: z.string().max(500).optional(),
});

/** The page's button posts the link's fields back (hidden inputs): no constraint attributes to send. */
const ConfirmForm = declareForm(ConfirmSchema);

type LinkType = (typeof AUTH_LINK_TYPES)[number];

const WORDING: Record<LinkType, { subtitle: string; button: string }> = {
  invite: { subtitle: "Activation de votre compte", button: "Activer mon compte" },
  recovery: { subtitle: "Nouveau mot de passe", button: "Choisir un nouveau mot de passe" },
  email_change: { subtitle: "Nouvelle adresse mail", button: "Confirmer ma nouvelle adresse mail" },
};

/**
 * `/auth/confirm?token_hash=…&type=…&next=…`: the link of every account e-mail. GET only shows a
 * page with one button; the single-use token is verified by the POST it sends. Mail scanners
 * (Outlook Safe Links and the like) open links before the resident does: had GET verified the
 * token, they would spend it and the resident would find a dead link
 * (docs/decisions/0012-link-sessions-and-public-origin.md). A bad link renders a French page —
 * never the raw error in a URL.
 */
export async function loader({ request }: LoaderFunctionArgs) {
  const url = new URL(request.url);
  const parsed = ConfirmSchema.safeParse(Object.fromEntries(url.searchParams));
  const { data: dataPort } = await getBackend();
  const info = await dataPort.portalPublicInfo();
  if (!parsed.success) {
    return data({ portalName: info.portalName, link: null, failedType: linkType(url.searchParams.get("type")) }, { status: 400 });
  }
  return { portalName: info.portalName, link: parsed.data, failedType: null };
}

function linkType(value: unknown): LinkType | null {
  return typeof value === "string" && (AUTH_LINK_TYPES as readonly string[]).includes(value) ? (value as LinkType) : null;
}

export async function action({ request }: ActionFunctionArgs) {
  const submitted = await readSubmission(request, ConfirmForm);
  const submission = submitted.parse();
  const accounts = await accountsFor(request);
  if (submission.success) {
    const result = await accounts.verifyLink(submission.value.type, submission.value.token_hash);
    if (result.ok) {
      const next = safeRedirectPath(submission.value.next, nextPathFor(result.type));
      throw redirect(next, withSession(accounts));
    }
  }
  return data({ failedType: linkType(submitted.fields.type) }, withSession(accounts, 400));
}

export default function ConfirmLink() {
  const loaded = useLoaderData<typeof loader>();
  const failed = useActionData<typeof action>();
  const { portalName, link } = loaded;
  if (link && !failed) {
    const wording = WORDING[link.type];
    return (
      <AuthCard portalName={portalName} subtitle={wording.subtitle}>
        <p className="mt-4">Pour continuer, cliquez sur le bouton ci-dessous.</p>
        <Form method="post" className="mt-6 flex flex-col gap-4">
          <input type="hidden" name="token_hash" value={link.token_hash} />
          <input type="hidden" name="type" value={link.type} />
          {link.next ? <input type="hidden" name="next" value={link.next} /> : null}
          <PrimaryButton>{wording.button}</PrimaryButton>
        </Form>
        <p className="mt-4 text-sm text-stone-700">
          Cette étape empêche les logiciels de sécurité de votre messagerie, qui ouvrent les liens avant vous, d&apos;utiliser ce lien à
          votre place.
        </p>
      </AuthCard>
    );
  }
  const type = failed ? failed.failedType : loaded.failedType;
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
            <TextLink to="/mes-informations/adresse-mail">changer à nouveau l&apos;adresse mail</TextLink>
          </li>
        ) : (
          <>
            <li>
              <TextLink to="/activation">J&apos;active mon compte</TextLink>{" "}
              si votre compte n&apos;est pas encore activé ;
            </li>
            <li>
              <TextLink to="/mot-de-passe-oublie">mot de passe oublié</TextLink>{" "}
              si vous aviez déjà un mot de passe.
            </li>
          </>
        )}
      </ul>
    </AuthCard>
  );
}
