import type { LoaderFunctionArgs } from "@remix-run/server-runtime";
import type { MetaFunction } from "@remix-run/react";
import { useLoaderData } from "@remix-run/react";
import { Fragment } from "react";
import { getEmbeddedExtras } from "~/.server/backend";

export const meta: MetaFunction = () => [{ title: "Courriels envoyés (local) — Le Portail des Factures" }];

/**
 * `/dev/courriels`: the e-mails the embedded default "sent" (activation, recovery, e-mail change,
 * and later those to the services), newest first, with clickable links — so a newcomer can follow
 * an activation link without a mail server. It exists only in the embedded default: with Supabase
 * the page is a 404 (e-mails really leave).
 */
export async function loader(_args: LoaderFunctionArgs) {
  const extras = await getEmbeddedExtras();
  if (!extras) throw new Response("Page introuvable", { status: 404 });
  const emails = await extras.devMailbox.list(50);
  return { emails };
}

const URL_PATTERN = /(https?:\/\/[^\s<>()"]+)/g;

function TextWithLinks({ text }: { text: string }) {
  return (
    <>
      {text.split(URL_PATTERN).map((part, i) =>
        i % 2 === 1 ? (
          <a key={i} href={part} className="break-all font-semibold text-brand-700 underline">
            {part}
          </a>
        ) : (
          <Fragment key={i}>{part}</Fragment>
        ),
      )}
    </>
  );
}

export default function Courriels() {
  const { emails } = useLoaderData<typeof loader>();
  return (
    <main className="mx-auto max-w-3xl p-4">
      <h1 className="text-2xl font-bold">Courriels envoyés par le portail (mode local)</h1>
      <p className="mt-2 text-sm text-stone-700">
        Cette page n&apos;existe que dans le mode intégré (sans Supabase) : elle montre les messages qui auraient été envoyés, du plus
        récent au plus ancien.
      </p>
      {emails.length === 0 ? <p className="mt-6">Aucun courriel pour le moment.</p> : null}
      <ol className="mt-6 flex flex-col gap-6">
        {emails.map((email) => (
          <li key={email.id} className="rounded bg-white p-4 shadow-sm">
            <article aria-label={`${email.subject} — ${email.to}`}>
              <h2 className="text-lg font-semibold">{email.subject}</h2>
              <dl className="mt-1 grid grid-cols-[max-content_1fr] gap-x-3 text-sm">
                <dt className="font-semibold">À</dt>
                <dd data-testid="email-to">{email.to}</dd>
                {email.replyTo ? (
                  <>
                    <dt className="font-semibold">Répondre à</dt>
                    <dd data-testid="email-reply-to">{email.replyTo}</dd>
                  </>
                ) : null}
                <dt className="font-semibold">Date</dt>
                <dd>{new Intl.DateTimeFormat("fr-FR", { dateStyle: "short", timeStyle: "medium", timeZone: "Europe/Paris" }).format(new Date(email.createdAt))}</dd>
                {email.stream === "broadcast" ? (
                  <>
                    <dt className="font-semibold">Flux</dt>
                    <dd>diffusion (rappels)</dd>
                  </>
                ) : null}
                {(email.headers ?? []).map((header) => (
                  <Fragment key={header.name}>
                    <dt className="font-semibold">{header.name}</dt>
                    <dd className="break-all" data-testid="email-header">
                      {header.value}
                    </dd>
                  </Fragment>
                ))}
                <dt className="font-semibold">État</dt>
                <dd>{email.status === "sent" ? "envoyé" : email.status === "failed" ? "échec définitif" : "en attente d'envoi"}</dd>
              </dl>
              <div className="mt-3 whitespace-pre-wrap border-t border-stone-200 pt-3 text-sm" data-testid="email-body">
                <TextWithLinks text={email.text} />
              </div>
            </article>
          </li>
        ))}
      </ol>
    </main>
  );
}
