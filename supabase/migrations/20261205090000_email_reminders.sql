/**
 * « Me prévenir par e-mail »: opt-in reminder e-mails, with one-click unsubscribe, on Postmark's
 * broadcast stream (docs/decisions/0039-email-reminders.md, docs/mail.md).
 *
 * - portal.reminder_preferences: one row per account that ever chose; both choices off by default
 *   (no row = off). Written only by public.set_reminder_preferences (live session checked) and
 *   public.reminders_unsubscribe (the signed link, service role).
 * - New invoices: public.queue_new_invoice_notices(), called by the import right after it wrote
 *   its batches, writes ONE e-mail per opted-in account listing the invoices created since the
 *   account opted in and not announced yet; portal.invoice_new_notices (one row per invoice, ever)
 *   makes a re-run announce nothing again.
 * - Before the due date: public.queue_due_reminders(), the reminder job's call, writes one e-mail
 *   per opted-in account listing its unpaid invoices due within portal.reminder_due_days() days,
 *   each invoice ONCE ever (portal.invoice_due_reminders); never a paid or treasury invoice, nor
 *   one held by a payment under way (it may be reminded later, once the hold ends).
 *   Both start from the opted-in accounts (partial indexes below), then customers(account_id) and
 *   the invoices' per-customer indexes: they never scan all invoices
 *   (tests/reminders/reminders-plan.test.ts).
 * - The outbox gets a stream (transactional | broadcast) and the account a row's unsubscribe link
 *   is for. The e-mails hold two placeholders, %%PORTAIL%% (the public origin) and
 *   %%DESABONNEMENT%% (the signed unsubscribe URL): SQL knows neither the origin nor the link
 *   secret; the sender fills them in (app/.server/reminders-links.ts) and adds the RFC 8058 headers.
 *   public.outbox_claim claims broadcast rows only when the caller says it can send them.
 *
 * Append-only migrations: docs/decisions/0020-one-migration-per-domain-append-only.md.
 */

/**
 * -------------------------------------------------------
 * Tables
 * -------------------------------------------------------
 */
create table portal.reminder_preferences (
  account_id uuid primary key references auth.users (id) on delete cascade,
  new_invoices boolean not null default false,
  due_soon boolean not null default false,
  -- When « nouvelle facture » was turned on: only invoices created since then are announced.
  new_invoices_since timestamptz,
  updated_at timestamptz not null default now(),
  check (new_invoices = (new_invoices_since is not null))
);
create index reminder_preferences_new_invoices_idx on portal.reminder_preferences (account_id) where new_invoices;
create index reminder_preferences_due_soon_idx on portal.reminder_preferences (account_id) where due_soon;

-- One row per invoice ever announced as new (the import's re-run finds it and sends nothing).
create table portal.invoice_new_notices (
  invoice_id uuid primary key references portal.invoices (id) on delete cascade,
  account_id uuid references auth.users (id) on delete set null,
  email_outbox_id uuid references portal.email_outbox (id) on delete set null,
  created_at timestamptz not null default now()
);
create index invoice_new_notices_account_idx on portal.invoice_new_notices (account_id);

-- One row per invoice ever reminded before its due date.
create table portal.invoice_due_reminders (
  invoice_id uuid primary key references portal.invoices (id) on delete cascade,
  account_id uuid references auth.users (id) on delete set null,
  email_outbox_id uuid references portal.email_outbox (id) on delete set null,
  created_at timestamptz not null default now()
);
create index invoice_due_reminders_account_idx on portal.invoice_due_reminders (account_id);

alter table portal.email_outbox
  add column stream text not null default 'transactional' check (stream in ('transactional', 'broadcast')),
  -- The account the e-mail's unsubscribe link is for (broadcast e-mails); a closed account's
  -- pending reminders go with it.
  add column unsubscribe_account uuid references auth.users (id) on delete cascade,
  add constraint email_outbox_broadcast_has_account check ((stream = 'broadcast') = (unsubscribe_account is not null));
create index email_outbox_unsubscribe_account_idx on portal.email_outbox (unsubscribe_account) where unsubscribe_account is not null;

alter table portal.reminder_preferences enable row level security;
alter table portal.invoice_new_notices enable row level security;
alter table portal.invoice_due_reminders enable row level security;

create policy "Residents can see their own reminder choices"
  on portal.reminder_preferences for select to authenticated
  using (account_id = (select auth.uid()));

grant select on portal.reminder_preferences to authenticated;
grant all on portal.reminder_preferences, portal.invoice_new_notices, portal.invoice_due_reminders to service_role;

/**
 * -------------------------------------------------------
 * Settings and rendering
 * -------------------------------------------------------
 */

-- How many days before its due date an unpaid invoice is reminded (the page says it).
create or replace function portal.reminder_due_days()
returns integer
language sql
immutable
set search_path = ''
as $$
  select 5
$$;
revoke execute on function portal.reminder_due_days() from public, anon;
grant execute on function portal.reminder_due_days() to authenticated, service_role;

-- Today in Paris (due dates are Paris dates).
create or replace function portal.paris_today()
returns date
language sql
stable
set search_path = ''
as $$
  select (now() at time zone 'Europe/Paris')::date
$$;
revoke execute on function portal.paris_today() from public, anon, authenticated;

-- Writes one reminder e-mail (broadcast stream) listing p_invoices
-- ([{number, service_name, amount_cents, due_on}]) to the account's login address.
create or replace function portal.enqueue_reminder_email(
  p_kind text, p_account_id uuid, p_to text, p_subject text, p_intro text, p_invoices jsonb
) returns uuid
language sql
volatile
set search_path = ''
as $$
  insert into portal.email_outbox (kind, to_address, reply_to, subject, html_body, text_body, stream, unsubscribe_account)
  values (
    p_kind, p_to, null, p_subject,
    '<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>' || portal.html_escape(p_subject)
      || '</title></head><body style="font-family: Arial, sans-serif; color: #1c1917; line-height: 1.5">'
      || '<p>Bonjour,</p><p>' || portal.html_escape(p_intro) || '</p>'
      || '<table style="border-collapse: collapse"><thead><tr>'
      || '<th scope="col" style="text-align: left; padding: 2px 12px 2px 0">Facture</th>'
      || '<th scope="col" style="text-align: left; padding: 2px 12px 2px 0">Service</th>'
      || '<th scope="col" style="text-align: right; padding: 2px 12px 2px 0">Montant</th>'
      || '<th scope="col" style="text-align: left; padding: 2px 0">À régler avant le</th></tr></thead><tbody>'
      || (select string_agg('<tr><td style="padding: 2px 12px 2px 0">' || portal.html_escape(f ->> 'number')
                            || '</td><td style="padding: 2px 12px 2px 0">' || portal.html_escape(f ->> 'service_name')
                            || '</td><td style="text-align: right; padding: 2px 12px 2px 0">' || portal.euros((f ->> 'amount_cents')::bigint)
                            || '</td><td style="padding: 2px 0">' || to_char((f ->> 'due_on')::date, 'DD/MM/YYYY') || '</td></tr>', '' order by n)
          from jsonb_array_elements(p_invoices) with ordinality as t(f, n))
      || '</tbody></table>'
      || '<p><a href="%%PORTAIL%%/factures">Voir mes factures sur le portail</a></p>'
      || '<hr><p style="font-size: 0.9em; color: #57534e">Vous recevez ce courriel parce que vous l''avez demandé dans '
      || '« Mes informations » du portail des factures. '
      || '<a href="%%DESABONNEMENT%%">Ne plus recevoir ces courriels</a></p>'
      || '</body></html>',
    concat_ws(E'\n', 'Bonjour,', '', p_intro, '',
      (select string_agg('- Facture ' || (f ->> 'number') || ', ' || (f ->> 'service_name') || ' : '
                         || portal.euros((f ->> 'amount_cents')::bigint) || ', à régler avant le '
                         || to_char((f ->> 'due_on')::date, 'DD/MM/YYYY'), E'\n' order by n)
       from jsonb_array_elements(p_invoices) with ordinality as t(f, n)),
      '', 'Voir mes factures sur le portail : %%PORTAIL%%/factures',
      '', '--', 'Vous recevez ce courriel parce que vous l''avez demandé dans « Mes informations » du portail des factures.',
      'Ne plus recevoir ces courriels : %%DESABONNEMENT%%'),
    'broadcast', p_account_id)
  returning id
$$;
revoke execute on function portal.enqueue_reminder_email(text, uuid, text, text, text, jsonb) from public, anon, authenticated;

/**
 * -------------------------------------------------------
 * The resident's page and choice
 * -------------------------------------------------------
 */

-- /mes-informations/rappels: {frame, new_invoices, due_soon, due_days}.
create or replace function public.reminders_page()
  returns jsonb language plpgsql stable security invoker set search_path = ''
as $$
begin
  perform portal.require_live_session();
  return jsonb_build_object(
    'frame', portal.page_frame(),
    'new_invoices', coalesce((select p.new_invoices from portal.reminder_preferences p where p.account_id = (select auth.uid())), false),
    'due_soon', coalesce((select p.due_soon from portal.reminder_preferences p where p.account_id = (select auth.uid())), false),
    'due_days', portal.reminder_due_days());
end
$$;
revoke execute on function public.reminders_page() from public, anon, authenticated, service_role;
grant execute on function public.reminders_page() to authenticated;

-- Records the signed-in account's two choices; answers them as stored ({new_invoices, due_soon}).
create function portal.set_reminder_preferences_unchecked(p_new_invoices boolean, p_due_soon boolean)
returns jsonb
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_row portal.reminder_preferences;
begin
  if auth.uid() is null then
    raise exception 'no signed-in account' using errcode = '42501';
  end if;
  insert into portal.reminder_preferences as p (account_id, new_invoices, due_soon, new_invoices_since)
  values (auth.uid(), coalesce(p_new_invoices, false), coalesce(p_due_soon, false),
          case when coalesce(p_new_invoices, false) then now() end)
  on conflict (account_id) do update
    set new_invoices = excluded.new_invoices,
        due_soon = excluded.due_soon,
        -- Kept while it stays on: turning it on again later starts from then.
        new_invoices_since = case when not excluded.new_invoices then null else coalesce(p.new_invoices_since, now()) end,
        updated_at = now()
  returning * into v_row;
  return jsonb_build_object('new_invoices', v_row.new_invoices, 'due_soon', v_row.due_soon);
end
$$;
revoke execute on function portal.set_reminder_preferences_unchecked(boolean, boolean) from public, anon, authenticated, service_role;

create function public.set_reminder_preferences(p_new_invoices boolean, p_due_soon boolean)
returns jsonb
language sql
volatile
security definer
set search_path = ''
as $$
  select portal.require_live_session();
  select portal.set_reminder_preferences_unchecked(p_new_invoices, p_due_soon);
$$;
revoke execute on function public.set_reminder_preferences(boolean, boolean) from public, anon, authenticated, service_role;
grant execute on function public.set_reminder_preferences(boolean, boolean) to authenticated;

-- The unsubscribe link (its signature checked by the server): both choices off, the account's
-- pending reminders dropped. Answers whether the account exists (a replay answers true again).
create or replace function public.reminders_unsubscribe(p_account_id uuid)
returns boolean
language plpgsql
volatile
security definer
set search_path = ''
as $$
begin
  if not exists (select 1 from auth.users u where u.id = p_account_id and u.deleted_at is null) then
    return false;
  end if;
  update portal.reminder_preferences
    set new_invoices = false, due_soon = false, new_invoices_since = null, updated_at = now()
    where account_id = p_account_id and (new_invoices or due_soon);
  delete from portal.email_outbox o
    where o.unsubscribe_account = p_account_id and o.status = 'pending';
  return true;
end
$$;
revoke execute on function public.reminders_unsubscribe(uuid) from public, anon, authenticated;
grant execute on function public.reminders_unsubscribe(uuid) to service_role;

/**
 * -------------------------------------------------------
 * The e-mails (service role)
 * -------------------------------------------------------
 */

-- Both kinds of reminder e-mail, one loop (p_kind 'new_invoices' | 'due_soon'): one e-mail per
-- opted-in account, at most p_accounts accounts per call, its invoices recorded as sent in the
-- kind's table. The candidates start from the opted-in accounts (the kind's partial index), then
-- customers(account_id) and the invoices' per-customer index; "already sent" and "held" are
-- correlated lookups by key (a subplan per candidate), not anti-joins the planner could hash over
-- a whole table. p_dry_run counts and writes nothing. Answers {emails, invoices, more, dry_run, due_days}.
create or replace function portal.queue_reminders(p_kind text, p_accounts integer, p_dry_run boolean)
returns jsonb
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_limit integer := least(greatest(coalesce(p_accounts, 500), 1), 5000);
  v_new boolean := p_kind = 'new_invoices';
  v_account record;
  v_outbox uuid;
  v_several boolean;
  v_emails integer := 0;
  v_invoices integer := 0;
  v_more boolean := false;
begin
  if p_kind is null or p_kind not in ('new_invoices', 'due_soon') then
    raise exception 'unknown reminder kind %', p_kind using errcode = '22023';
  end if;
  -- Two runs at once (two imports, two crons) send each invoice once: the second waits, then finds it done.
  perform pg_advisory_xact_lock(hashtext('reminders:' || p_kind));
  for v_account in execute
    'select p.account_id, lower(u.email) as email,
            jsonb_agg(jsonb_build_object(''id'', i.id, ''number'', i.number, ''service_name'', s.name,
                                         ''amount_cents'', i.amount_cents, ''due_on'', i.due_on)
                      order by i.due_on, s.name, i.number) as invoices
     from portal.reminder_preferences p
     join auth.users u on u.id = p.account_id and u.deleted_at is null
     join portal.customers c on c.account_id = p.account_id
     join portal.invoices i on i.customer_id = c.id
     join portal.services s on s.id = i.service_id
     where ' || case when v_new then
       'p.new_invoices
        and i.created_at >= p.new_invoices_since
        and not coalesce((select true from portal.invoice_new_notices n where n.invoice_id = i.id limit 1), false)'
     else
       'p.due_soon
        and i.status = ''unpaid''
        and i.due_on between $2 and $2 + $3
        and not coalesce((select true from portal.invoice_due_reminders r where r.invoice_id = i.id limit 1), false)
        -- Held by a payment under way: the invoice''s payment lines (index on invoice_id), then each attempt by its key.
        and not coalesce((select bool_or(portal.payment_attempt_holds(a.status, a.expires_at))
                          from portal.payment_attempt_invoices ai join portal.payment_attempts a on a.id = ai.attempt_id
                          where ai.invoice_id = i.id), false)'
     end || '
     group by p.account_id, u.email
     order by p.account_id
     limit $1'
    using v_limit + 1, portal.paris_today(), portal.reminder_due_days()
  loop
    if v_emails = v_limit then
      v_more := true;
      exit;
    end if;
    v_several := jsonb_array_length(v_account.invoices) > 1;
    if not coalesce(p_dry_run, false) then
      v_outbox := portal.enqueue_reminder_email(
        'reminder_' || p_kind, v_account.account_id, v_account.email,
        case when v_new and v_several then 'Portail des factures : nouvelles factures disponibles'
             when v_new then 'Portail des factures : nouvelle facture disponible'
             when v_several then 'Portail des factures : des factures sont bientôt à régler'
             else 'Portail des factures : une facture est bientôt à régler' end,
        case when v_new and v_several then 'De nouvelles factures sont disponibles sur le portail des factures :'
             when v_new then 'Une nouvelle facture est disponible sur le portail des factures :'
             else case when v_several then 'Ces factures sont' else 'Cette facture est' end
                  || ' à régler dans les ' || portal.reminder_due_days() || ' prochains jours :' end,
        v_account.invoices);
      if v_new then
        insert into portal.invoice_new_notices (invoice_id, account_id, email_outbox_id)
          select (f ->> 'id')::uuid, v_account.account_id, v_outbox from jsonb_array_elements(v_account.invoices) f
          on conflict (invoice_id) do nothing;
      else
        insert into portal.invoice_due_reminders (invoice_id, account_id, email_outbox_id)
          select (f ->> 'id')::uuid, v_account.account_id, v_outbox from jsonb_array_elements(v_account.invoices) f
          on conflict (invoice_id) do nothing;
      end if;
    end if;
    v_emails := v_emails + 1;
    v_invoices := v_invoices + jsonb_array_length(v_account.invoices);
  end loop;
  return jsonb_build_object('emails', v_emails, 'invoices', v_invoices, 'more', v_more,
                            'dry_run', coalesce(p_dry_run, false), 'due_days', portal.reminder_due_days());
end
$$;
revoke execute on function portal.queue_reminders(text, integer, boolean) from public, anon, authenticated;

-- New invoices: called by the import right after its batches (app/.server/import/run.ts): every
-- invoice of an opted-in account created since it opted in and not announced yet.
create or replace function public.queue_new_invoice_notices(p_accounts integer default 500)
returns jsonb
language sql
volatile
security definer
set search_path = ''
as $$
  select portal.queue_reminders('new_invoices', p_accounts, false)
$$;
revoke execute on function public.queue_new_invoice_notices(integer) from public, anon, authenticated;
grant execute on function public.queue_new_invoice_notices(integer) to service_role;

-- Before the due date, the reminder job: unpaid invoices due from today to today +
-- reminder_due_days() (Paris dates), each once ever, none held by a payment under way.
create or replace function public.queue_due_reminders(p_accounts integer default 500, p_dry_run boolean default false)
returns jsonb
language sql
volatile
security definer
set search_path = ''
as $$
  select portal.queue_reminders('due_soon', p_accounts, p_dry_run)
$$;
revoke execute on function public.queue_due_reminders(integer, boolean) from public, anon, authenticated;
grant execute on function public.queue_due_reminders(integer, boolean) to service_role;

/**
 * -------------------------------------------------------
 * Outbox: broadcast rows claimed only by a sender that can send them
 * -------------------------------------------------------
 * public.outbox_claim(limit, lease) becomes outbox_claim(limit, lease, broadcast): the same rules,
 * plus the row's stream and unsubscribe account. Without p_broadcast (a sender with no broadcast
 * stream configured), broadcast rows stay pending: never sent on the transactional stream.
 */
drop function public.outbox_claim(integer, integer);

create function public.outbox_claim(p_limit integer, p_lease_seconds integer, p_broadcast boolean default false)
returns table (id uuid, claim_token uuid, kind text, to_address text, reply_to text, subject text,
               html_body text, text_body text, attempts integer, stream text, unsubscribe_account uuid)
language sql
volatile
security definer
set search_path = ''
as $$
  with due as (
    select o.id from portal.email_outbox o
    where o.status = 'pending'
      and o.next_attempt_at <= now()
      and (o.locked_until is null or o.locked_until <= now())
      and (o.stream = 'transactional' or coalesce(p_broadcast, false))
    order by o.next_attempt_at, o.created_at
    limit greatest(least(p_limit, 100), 0)
    for update skip locked
  )
  update portal.email_outbox o
    set locked_until = now() + make_interval(secs => greatest(p_lease_seconds, 0)),
        claim_token = gen_random_uuid(),
        attempts = o.attempts + 1,
        last_attempt_at = now()
  from due
  where o.id = due.id
  returning o.id, o.claim_token, o.kind, o.to_address, o.reply_to, o.subject, o.html_body, o.text_body, o.attempts,
            o.stream, o.unsubscribe_account
$$;
revoke execute on function public.outbox_claim(integer, integer, boolean) from public, anon, authenticated;
grant execute on function public.outbox_claim(integer, integer, boolean) to service_role;
