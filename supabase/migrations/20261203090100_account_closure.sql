/**
 * Closing an account (« Fermer mon compte », Mes informations): what the portal's own tables need
 * when an Auth user goes, on both adapters alike. The deletion itself is Auth's: GoTrue's
 * DELETE /admin/users/{id} (a hard delete), or the embedded adapter doing the same on its
 * auth tables (docs/decisions/0032-account-closure.md).
 *
 * What the deletion of an auth.users row does, through the foreign keys already there:
 *   auth.sessions, auth.identities, auth.one_time_tokens   cascade: every session ends, every link dies;
 *   portal.customers.account_id                            set null: the customer records are unlinked,
 *                                                          the customers and their invoices stay;
 *   portal.payment_attempts.account_id                     set null: payments stay, with their
 *                                                          invoices, amounts, refdet and DGFiP's result
 *                                                          (public accounting);
 *   portal.contact_messages, portal.paper_optout_requests  set null: the service keeps what it received.
 * A later activation with the same e-mail links the customer records again
 * (portal.link_account_to_customers, on the new auth.users row).
 *
 * This migration adds:
 *   - public.account_closure_blocker(user): why the account may not be closed now (a payment in
 *     progress), for the server (service role);
 *   - the confirmation e-mail, written to the outbox by a trigger in the very transaction that
 *     deletes the user (GoTrue's or the embedded adapter's): both or neither, never lost;
 *   - the staff view of contact messages telling a closed account's messages from a visitor's.
 *
 * Append-only migrations: docs/decisions/0020-one-migration-per-domain-append-only.md.
 */

/**
 * -------------------------------------------------------
 * What prevents closing now
 * -------------------------------------------------------
 */

-- public.account_closure_blocker(user): 'payment_pending' while a payment of the account waits
-- for its outcome — an attempt still pending, or abandoned within its window, when DGFiP may still
-- take the payment (portal.payment_attempt_holds without the staff-reported case, whose outcome
-- no longer depends on the resident); null when the account may be closed.
create or replace function public.account_closure_blocker(p_user_id uuid)
returns text language sql stable security definer set search_path = ''
as $$
  select 'payment_pending'
  from portal.payment_attempts a
  where a.account_id = p_user_id
    and (a.status::text = 'pending' or (a.status::text = 'abandoned' and a.expires_at > now()))
  limit 1
$$;
revoke execute on function public.account_closure_blocker(uuid) from public, anon, authenticated;
grant execute on function public.account_closure_blocker(uuid) to service_role;

/**
 * -------------------------------------------------------
 * The confirmation e-mail
 * -------------------------------------------------------
 */

-- After an activated account (one with a password) is deleted, its address gets a confirmation
-- in the outbox, sent like every portal e-mail (app/.server/outbox.ts). Security definer: GoTrue
-- deletes as its own role, which cannot write portal tables. A deletion of an invited account
-- never activated, or of an address the outbox would refuse, writes nothing (and never makes the
-- deletion fail).
create or replace function portal.account_closed_email() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if old.email is null
     or coalesce(old.encrypted_password, '') = ''
     or old.deleted_at is not null
     or lower(old.email) !~ '^[^@[:space:]]+@[^@[:space:]]+\.[^@[:space:]]+$' then
    return old;
  end if;
  perform portal.enqueue_email(
    'account_closed',
    lower(old.email),
    null,
    'Portail des factures : votre compte a été fermé',
    'Votre compte du portail des factures a été fermé. Vos données de compte ont été supprimées et vous ne pouvez plus '
      || 'vous connecter avec cette adresse. Vos abonnements et vos factures restent gérés par votre service, qui continue à '
      || 'vous envoyer vos factures (au format papier ou non, comme vous l''avez choisi). Les paiements en ligne déjà faits '
      || 'restent enregistrés. Vous pourrez activer à nouveau un compte avec la même adresse mail, depuis la page de connexion '
      || '(« J''active mon compte »). Si vous n''avez pas demandé cette fermeture, contactez votre service.',
    jsonb_build_array(
      jsonb_build_array('Adresse mail', lower(old.email)),
      jsonb_build_array('Date de fermeture', portal.paris_time(now()))),
    null);
  return old;
end
$$;
revoke execute on function portal.account_closed_email() from public, anon, authenticated;

create trigger on_auth_user_deleted_closure_email
  after delete on auth.users
  for each row execute function portal.account_closed_email();

/**
 * -------------------------------------------------------
 * Staff view
 * -------------------------------------------------------
 */

-- A resident's message keeps its sender after the account is closed (account_id becomes null);
-- only visitors' messages carry a client key (send_public_contact_message).
create or replace view portal.staff_contact_messages with (security_invoker = true) as
  select m.created_at, s.name as service_name, s.numcli,
         case when m.account_id is not null then 'usager connecté'
              when m.client_key is null then 'usager connecté (compte fermé depuis)'
              else 'visiteur (non vérifié)' end as sender_kind,
         m.sender_email, m.sender_name, m.customer_numbers, m.subject, m.body, o.status as email_status,
         o.sent_at as email_sent_at, o.attempts as email_attempts, o.last_error as email_last_error,
         o.provider_message_id, m.id as message_id
  from portal.contact_messages m
  join portal.services s on s.id = m.service_id
  left join portal.email_outbox o on o.id = m.email_outbox_id
  order by m.created_at desc;
