/**
 * What residents send to their service — paper opt-out requests, contact messages (residents and
 * visitors) — and the transactional outbox that e-mails them, retried until delivered.
 *
 * Every request and the e-mail that reports it are written by ONE function, hence in one
 * transaction: either both exist or neither. A sender (app/.server/outbox.ts) then claims due
 * e-mails with a lease, hands them to Postmark and records the outcome through the outbox_*
 * functions below. See docs/decisions/0007-outbox-and-postmark.md.
 */

/**
 * -------------------------------------------------------
 * Types
 * -------------------------------------------------------
 */
create type portal.email_status as enum ('pending', 'sent', 'failed');

/**
 * -------------------------------------------------------
 * Tables
 * -------------------------------------------------------
 */
create table portal.email_outbox (
  id uuid primary key default gen_random_uuid(),
  kind text not null check (length(kind) between 1 and 100),
  to_address text not null check (to_address ~ '^[^@[:space:]]+@[^@[:space:]]+\.[^@[:space:]]+$'),
  reply_to text,
  subject text not null check (length(subject) between 1 and 500),
  html_body text not null,
  text_body text not null,
  status portal.email_status not null default 'pending',
  attempts integer not null default 0 check (attempts >= 0),
  next_attempt_at timestamptz not null default now(),
  last_error text,
  provider_message_id text,
  created_at timestamptz not null default now(),
  sent_at timestamptz,
  -- A claimed row is not claimed again before its lease ends (a crashed sender's rows come back).
  locked_until timestamptz,
  -- Who holds the lease: only that claimer may reschedule or fail the row.
  claim_token uuid,
  last_attempt_at timestamptz,
  check ((status = 'sent') = (sent_at is not null))
);

create table portal.contact_messages (
  id uuid primary key default gen_random_uuid(),
  -- Null for the public contact form (no account).
  account_id uuid references auth.users (id) on delete set null,
  service_id uuid not null references portal.services (id) on delete cascade,
  sender_email text not null check (sender_email = lower(btrim(sender_email))
                                    and length(sender_email) <= 254
                                    and sender_email ~ '^[^@[:space:]]+@[^@[:space:]]+\.[^@[:space:]]+$'),
  sender_name text not null default '' check (length(sender_name) <= 200),
  subject text check (subject is null or length(subject) <= 200),
  body text not null check (length(body) between 1 and 5000),
  customer_numbers text[] not null default '{}',
  created_at timestamptz not null default now(),
  email_outbox_id uuid references portal.email_outbox (id) on delete set null,
  -- Where a public-form message came from (throttling key), never shown to residents.
  client_key text check (client_key is null or length(client_key) <= 100)
);

create table portal.paper_optout_requests (
  id uuid primary key default gen_random_uuid(),
  account_id uuid references auth.users (id) on delete set null,
  customer_id uuid not null unique references portal.customers (id) on delete cascade,
  requested_at timestamptz not null default now(),
  email_outbox_id uuid references portal.email_outbox (id) on delete set null
);

-- Throttle of the public contact form (its own table: login_throttle is for logins).
create table portal.contact_throttle (
  key text primary key check (key ~ '^(email|ip):.+$' and length(key) <= 300),
  hits integer not null default 0 check (hits >= 0),
  window_start timestamptz not null default now()
);

/**
 * -------------------------------------------------------
 * Indexes
 * -------------------------------------------------------
 */
create index email_outbox_due_idx on portal.email_outbox (next_attempt_at) where status = 'pending';
create index contact_messages_account_idx on portal.contact_messages (account_id, created_at desc);
create index contact_messages_service_idx on portal.contact_messages (service_id, created_at desc);
create index paper_optout_requests_account_idx on portal.paper_optout_requests (account_id);

/**
 * -------------------------------------------------------
 * Row level security
 * -------------------------------------------------------
 */
alter table portal.contact_messages enable row level security;
alter table portal.paper_optout_requests enable row level security;
alter table portal.email_outbox enable row level security;
alter table portal.contact_throttle enable row level security;

create policy "Residents can see the messages they sent"
  on portal.contact_messages for select to authenticated
  using (account_id = (select auth.uid()));

create policy "Residents can see their own paper opt-out requests"
  on portal.paper_optout_requests for select to authenticated
  using (account_id = (select auth.uid()));

-- email_outbox: no policy, no grant: only the service role (the sender) touches it.
-- contact_throttle: no policy, no grant to API roles: only the functions below (security
-- definer) touch it.

grant select on portal.contact_messages, portal.paper_optout_requests to authenticated;
grant all on portal.contact_messages, portal.paper_optout_requests, portal.email_outbox to service_role;
grant all on portal.contact_throttle to service_role;

/**
 * -------------------------------------------------------
 * Rendering helpers (user input is escaped here, once)
 * -------------------------------------------------------
 */

create or replace function portal.html_escape(p_text text)
returns text
language sql
immutable
set search_path = ''
as $$
  select replace(replace(replace(replace(replace(coalesce(p_text, ''),
    '&', '&amp;'), '<', '&lt;'), '>', '&gt;'), '"', '&quot;'), '''', '&#39;')
$$;
revoke execute on function portal.html_escape(text) from public, anon, authenticated;

-- One line, no control characters (subjects, names).
create or replace function portal.one_line(p_text text, p_max integer)
returns text
language sql
immutable
set search_path = ''
as $$
  select left(btrim(regexp_replace(coalesce(p_text, ''), '[[:cntrl:][:space:]]+', ' ', 'g')), p_max)
$$;
revoke execute on function portal.one_line(text, integer) from public, anon, authenticated;

create or replace function portal.paris_time(p_at timestamptz)
returns text
language sql
stable
set search_path = ''
as $$
  select to_char(p_at at time zone 'Europe/Paris', 'DD/MM/YYYY "à" HH24" h "MI') || ' (heure de Paris)'
$$;
revoke execute on function portal.paris_time(timestamptz) from public, anon, authenticated;

-- The plain-text part: an introduction, labelled fields, an optional message, a closing line.
create or replace function portal.mail_text(p_intro text, p_fields jsonb, p_message text)
returns text
language sql
immutable
set search_path = ''
as $$
  select concat_ws(E'\n',
    'Bonjour,', '', p_intro, '',
    (select string_agg((f ->> 0) || ' : ' || (f ->> 1), E'\n' order by n)
       from jsonb_array_elements(p_fields) with ordinality as t(f, n)),
    case when p_message is not null then E'\nMessage :\n' || p_message end,
    '', '--', 'Message envoyé automatiquement par le portail des factures.')
$$;
revoke execute on function portal.mail_text(text, jsonb, text) from public, anon, authenticated;

create or replace function portal.mail_html(p_title text, p_intro text, p_fields jsonb, p_message text)
returns text
language sql
immutable
set search_path = ''
as $$
  select '<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>' || portal.html_escape(p_title)
    || '</title></head><body style="font-family: Arial, sans-serif; color: #1c1917; line-height: 1.5">'
    || '<p>Bonjour,</p><p>' || portal.html_escape(p_intro) || '</p>'
    || '<table style="border-collapse: collapse">'
    || coalesce((select string_agg('<tr><th scope="row" style="text-align: left; padding: 2px 12px 2px 0">'
                                   || portal.html_escape(f ->> 0) || '</th><td>' || portal.html_escape(f ->> 1) || '</td></tr>', '' order by n)
                 from jsonb_array_elements(p_fields) with ordinality as t(f, n)), '')
    || '</table>'
    || case when p_message is not null then
         '<h2 style="font-size: 1em">Message</h2><p style="white-space: pre-wrap">'
         || replace(portal.html_escape(p_message), E'\n', '<br>') || '</p>'
       else '' end
    || '<hr><p style="font-size: 0.9em; color: #57534e">Message envoyé automatiquement par le portail des factures.</p>'
    || '</body></html>'
$$;
revoke execute on function portal.mail_html(text, text, jsonb, text) from public, anon, authenticated;

-- Writes one e-mail to the outbox (pending) and returns its id.
create or replace function portal.enqueue_email(
  p_kind text, p_to text, p_reply_to text, p_subject text, p_intro text, p_fields jsonb, p_message text
) returns uuid
language sql
volatile
set search_path = ''
as $$
  insert into portal.email_outbox (kind, to_address, reply_to, subject, html_body, text_body)
  values (p_kind, p_to, p_reply_to, portal.one_line(p_subject, 500),
          portal.mail_html(portal.one_line(p_subject, 500), p_intro, p_fields, p_message),
          portal.mail_text(p_intro, p_fields, p_message))
  returning id
$$;
revoke execute on function portal.enqueue_email(text, text, text, text, text, jsonb, text) from public, anon, authenticated;

-- The contact address of a service; raises when the service has none (nothing is then written).
create or replace function portal.service_contact_email(p_service_id uuid)
returns text
language plpgsql
stable
set search_path = ''
as $$
declare
  v_email text;
begin
  select s.contact_email into v_email from portal.services s where s.id = p_service_id;
  if v_email is null then
    raise exception 'service % has no contact_email', p_service_id
      using errcode = 'P0002', hint = 'Set portal.services.contact_email for this service.';
  end if;
  return v_email;
end
$$;
revoke execute on function portal.service_contact_email(uuid) from public, anon, authenticated;

-- The signed-in account's e-mail (the login, from auth.users: never from the request).
create or replace function portal.current_account_email()
returns text
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_email text;
begin
  select lower(u.email) into v_email from auth.users u where u.id = auth.uid() and u.deleted_at is null;
  if v_email is null then
    raise exception 'no signed-in account' using errcode = '42501';
  end if;
  return v_email;
end
$$;
revoke execute on function portal.current_account_email() from public, anon, authenticated;

/**
 * -------------------------------------------------------
 * Paper opt-out
 * -------------------------------------------------------
 */

-- public.my_paper_status(): each customer record of the signed-in account, whether it still gets
-- paper invoices and when stopping them was requested (null: never).
create or replace function public.my_paper_status()
returns table (
  customer_id uuid,
  customer_number text,
  service_name text,
  paper_invoices boolean,
  requested_at timestamptz
)
language sql
stable
security definer
set search_path = ''
as $$
  select c.id, c.customer_number, s.name, c.paper_invoices, r.requested_at
  from portal.customers c
  join portal.services s on s.id = c.service_id
  left join portal.paper_optout_requests r on r.customer_id = c.id
  where c.account_id = (select auth.uid())
  order by s.name, c.customer_number
$$;
revoke execute on function public.my_paper_status() from public, anon, authenticated, service_role;
grant execute on function public.my_paper_status() to authenticated;

-- request_paper_optout(): records a request for every customer record of the signed-in account
-- that still gets paper and has none yet, and in the same transaction writes one e-mail per
-- service saying who asks, for which customer numbers, and when. Asking again records and sends
-- nothing. Returns the customer records newly requested (none: nothing was sent).
-- portal.request_paper_optout_unchecked is the rule; public.request_paper_optout checks the
-- session first, like every resident write (see the payments migration).
create function portal.request_paper_optout_unchecked()
returns table (customer_number text, service_name text, requested_at timestamptz)
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_email text := portal.current_account_email();
  v_service record;
  v_outbox uuid;
begin
  -- One request at a time per account (two tabs confirming at once send once).
  perform pg_advisory_xact_lock(hashtext('paper_optout:' || auth.uid()::text));
  for v_service in
    select s.id, s.name, array_agg(c.id order by c.customer_number) as customer_ids,
           array_agg(c.customer_number order by c.customer_number) as numbers,
           string_agg(distinct c.display_name, ', ') as names
    from portal.customers c
    join portal.services s on s.id = c.service_id
    where c.account_id = auth.uid()
      and c.paper_invoices
      and not exists (select 1 from portal.paper_optout_requests r where r.customer_id = c.id)
    group by s.id, s.name
    order by s.name
  loop
    v_outbox := portal.enqueue_email(
      'paper_optout',
      portal.service_contact_email(v_service.id),
      v_email,
      'Demande d''arrêt des factures papier — abonné n° ' || array_to_string(v_service.numbers, ', '),
      'Un usager a demandé, depuis le portail des factures, à ne plus recevoir ses factures au format papier. '
        || 'Merci de mettre à jour son dossier ; vous pouvez lui répondre directement à ce courriel.',
      jsonb_build_array(
        jsonb_build_array('Nom', v_service.names),
        jsonb_build_array('Adresse mail', v_email),
        jsonb_build_array(case when cardinality(v_service.numbers) > 1 then 'Numéros d''abonné' else 'Numéro d''abonné' end,
                          array_to_string(v_service.numbers, ', ')),
        jsonb_build_array('Service', v_service.name),
        jsonb_build_array('Date de la demande', portal.paris_time(now()))),
      null);
    insert into portal.paper_optout_requests (account_id, customer_id, requested_at, email_outbox_id)
      select auth.uid(), unnest(v_service.customer_ids), now(), v_outbox;
    return query
      select c.customer_number, v_service.name::text, now()
      from portal.customers c where c.id = any (v_service.customer_ids)
      order by c.customer_number;
  end loop;
end
$$;
revoke execute on function portal.request_paper_optout_unchecked() from public, anon, authenticated, service_role;

create function public.request_paper_optout()
returns table (customer_number text, service_name text, requested_at timestamptz)
language sql
volatile
security definer
set search_path = ''
as $$
  select portal.require_live_session();
  select * from portal.request_paper_optout_unchecked();
$$;
revoke execute on function public.request_paper_optout() from public, anon, authenticated, service_role;
grant execute on function public.request_paper_optout() to authenticated;

/**
 * -------------------------------------------------------
 * Contact
 * -------------------------------------------------------
 */

-- public.my_contact_services(): the services of the signed-in account, their other contact means,
-- and whether each receives messages through the portal (it has a contact address): the contact
-- page offers only those in its form, and shows the others' general information, instead of a
-- form that could only fail.
create function public.my_contact_services()
returns table (service_id uuid, service_name text, general_info text, accepts_messages boolean)
language sql
stable
security definer
set search_path = ''
as $$
  select distinct s.id, s.name, s.general_info, s.contact_email is not null
  from portal.services s
  join portal.customers c on c.service_id = s.id
  where c.account_id = (select auth.uid())
  order by s.name
$$;
revoke execute on function public.my_contact_services() from public, anon, authenticated, service_role;
grant execute on function public.my_contact_services() to authenticated;

-- send_contact_message(service, subject, body): stores the signed-in resident's message with their
-- identity and customer numbers, and writes its e-mail (Reply-To: the resident) in the same
-- transaction. The service must be one the resident is a customer of. Returns the message id.
-- The rule is portal.send_contact_message_unchecked; public.send_contact_message checks the
-- session first.
create function portal.send_contact_message_unchecked(p_service_id uuid, p_subject text, p_body text)
returns uuid
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_email text := portal.current_account_email();
  v_numbers text[];
  v_names text;
  v_service_name text;
  v_subject text := nullif(portal.one_line(p_subject, 200), '');
  v_body text := btrim(coalesce(p_body, ''), E' \t\r\n');
  v_outbox uuid;
  v_id uuid;
begin
  select array_agg(c.customer_number order by c.customer_number), string_agg(distinct c.display_name, ', '), min(s.name)
    into v_numbers, v_names, v_service_name
  from portal.customers c join portal.services s on s.id = c.service_id
  where c.account_id = auth.uid() and c.service_id = p_service_id;
  if v_numbers is null then
    raise exception 'not a customer of service %', p_service_id using errcode = '42501';
  end if;
  v_outbox := portal.enqueue_email(
    'contact_message',
    portal.service_contact_email(p_service_id),
    v_email,
    'Message d''un usager : ' || coalesce(v_subject, '(sans objet)'),
    'Un usager vous a écrit depuis le portail des factures. Répondez directement à ce courriel pour lui répondre.',
    jsonb_build_array(
      jsonb_build_array('Nom', v_names),
      jsonb_build_array('Adresse mail', v_email),
      jsonb_build_array(case when cardinality(v_numbers) > 1 then 'Numéros d''abonné' else 'Numéro d''abonné' end,
                        array_to_string(v_numbers, ', ')),
      jsonb_build_array('Date', portal.paris_time(now())),
      jsonb_build_array('Objet', coalesce(v_subject, '(sans objet)'))),
    v_body);
  insert into portal.contact_messages (account_id, service_id, sender_email, sender_name, subject, body, customer_numbers, email_outbox_id)
    values (auth.uid(), p_service_id, v_email, left(coalesce(v_names, ''), 200), v_subject, v_body, v_numbers, v_outbox)
    returning id into v_id;
  return v_id;
end
$$;
revoke execute on function portal.send_contact_message_unchecked(uuid, text, text) from public, anon, authenticated, service_role;

create function public.send_contact_message(p_service_id uuid, p_subject text, p_body text)
returns uuid
language sql
volatile
security definer
set search_path = ''
as $$
  select portal.require_live_session();
  select portal.send_contact_message_unchecked(p_service_id, p_subject, p_body);
$$;
revoke execute on function public.send_contact_message(uuid, text, text) from public, anon, authenticated, service_role;
grant execute on function public.send_contact_message(uuid, text, text) to authenticated;

-- public.public_contact_services(): the services a visitor may write to (those with a contact
-- address), with their other contact means. What a public body publishes anyway.
create or replace function public.public_contact_services()
returns table (service_id uuid, service_name text, general_info text)
language sql
stable
security definer
set search_path = ''
as $$
  select s.id, s.name, s.general_info from portal.services s
  where s.contact_email is not null
  order by s.name
$$;
revoke execute on function public.public_contact_services() from public, anon, authenticated;
grant execute on function public.public_contact_services() to anon, authenticated, service_role;

-- Public form throttle: per client address 5 messages an hour, per e-mail 3 an hour.
create or replace function portal.contact_throttle_limit(p_key text)
returns integer
language sql
immutable
set search_path = ''
as $$
  select case when p_key like 'email:%' then 3 else 5 end
$$;
revoke execute on function portal.contact_throttle_limit(text) from public, anon, authenticated;

-- public.send_public_contact_message(...): called by the server (service role) for a visitor who
-- is not signed in, after its honeypot check. Throttles, then stores the message and writes its
-- e-mail in one transaction. Returns {"status": "sent", "id": …} or {"status": "throttled", "retry_at": …}.
create or replace function public.send_public_contact_message(
  p_service_id uuid, p_email text, p_name text, p_customer_number text, p_subject text, p_body text, p_client text
) returns jsonb
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_email text := lower(btrim(coalesce(p_email, '')));
  v_name text := portal.one_line(p_name, 200);
  v_number text := nullif(portal.one_line(p_customer_number, 50), '');
  v_subject text := nullif(portal.one_line(p_subject, 200), '');
  v_body text := btrim(coalesce(p_body, ''), E' \t\r\n');
  v_keys text[] := array['email:' || left(v_email, 254), 'ip:' || left(coalesce(nullif(btrim(p_client), ''), 'unknown'), 100)];
  v_key text;
  v_retry timestamptz;
  v_outbox uuid;
  v_id uuid;
begin
  -- Windows older than an hour start again.
  delete from portal.contact_throttle t where t.key = any (v_keys) and t.window_start < now() - interval '1 hour';
  select max(t.window_start + interval '1 hour') into v_retry
  from portal.contact_throttle t
  where t.key = any (v_keys) and t.hits >= portal.contact_throttle_limit(t.key);
  if v_retry is not null then
    return jsonb_build_object('status', 'throttled', 'retry_at', v_retry);
  end if;
  foreach v_key in array v_keys loop
    insert into portal.contact_throttle as t (key, hits, window_start) values (v_key, 1, now())
      on conflict (key) do update set hits = t.hits + 1;
  end loop;

  v_outbox := portal.enqueue_email(
    'public_contact_message',
    portal.service_contact_email(p_service_id),
    v_email,
    'Message d''un visiteur du portail : ' || coalesce(v_subject, '(sans objet)'),
    'Une personne non connectée vous a écrit depuis la page de contact du portail des factures '
      || '(identité non vérifiée). Répondez directement à ce courriel pour lui répondre.',
    jsonb_build_array(
      jsonb_build_array('Nom', coalesce(nullif(v_name, ''), '(non indiqué)')),
      jsonb_build_array('Adresse mail', v_email),
      jsonb_build_array('Numéro d''abonné indiqué', coalesce(v_number, '(non indiqué)')),
      jsonb_build_array('Date', portal.paris_time(now())),
      jsonb_build_array('Objet', coalesce(v_subject, '(sans objet)'))),
    v_body);
  insert into portal.contact_messages (account_id, service_id, sender_email, sender_name, subject, body, customer_numbers, email_outbox_id, client_key)
    values (null, p_service_id, v_email, v_name, v_subject, v_body,
            case when v_number is null then '{}'::text[] else array[v_number] end, v_outbox, v_keys[2])
    returning id into v_id;
  return jsonb_build_object('status', 'sent', 'id', v_id);
end
$$;
revoke execute on function public.send_public_contact_message(uuid, text, text, text, text, text, text) from public, anon, authenticated;
grant execute on function public.send_public_contact_message(uuid, text, text, text, text, text, text) to service_role;

/**
 * -------------------------------------------------------
 * Outbox sender (service role only)
 * -------------------------------------------------------
 */

-- 30 s, 1 min, 2 min, 4 min… capped at 1 hour: retried until delivered, never dropped.
create or replace function portal.outbox_backoff(p_attempts integer)
returns interval
language sql
immutable
set search_path = ''
as $$
  select least(interval '1 hour', interval '30 seconds' * power(2, least(greatest(p_attempts, 1) - 1, 20)))
$$;
revoke execute on function portal.outbox_backoff(integer) from public, anon, authenticated;

-- Claims up to p_limit due e-mails for p_lease_seconds: counts the attempt, hands out a claim token.
-- Rows another sender holds (lease not over) are skipped; a crashed sender's rows come back when
-- their lease ends.
create or replace function public.outbox_claim(p_limit integer, p_lease_seconds integer)
returns table (id uuid, claim_token uuid, kind text, to_address text, reply_to text, subject text,
               html_body text, text_body text, attempts integer)
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
  returning o.id, o.claim_token, o.kind, o.to_address, o.reply_to, o.subject, o.html_body, o.text_body, o.attempts
$$;
revoke execute on function public.outbox_claim(integer, integer) from public, anon, authenticated;
grant execute on function public.outbox_claim(integer, integer) to service_role;

-- Postmark accepted the e-mail: recorded whatever the lease (it was sent: that is the truth).
-- Returns false when it was already recorded as sent.
create or replace function public.outbox_mark_sent(p_id uuid, p_claim_token uuid, p_provider_message_id text)
returns boolean
language sql
volatile
security definer
set search_path = ''
as $$
  with done as (
    update portal.email_outbox o
      set status = 'sent', sent_at = now(), provider_message_id = left(p_provider_message_id, 200),
          locked_until = null, last_error = case when o.claim_token = p_claim_token then o.last_error
                                                  else 'sent by an earlier claim' end
    where o.id = p_id and o.status <> 'sent'
    returning 1
  )
  select exists (select 1 from done)
$$;
revoke execute on function public.outbox_mark_sent(uuid, uuid, text) from public, anon, authenticated;
grant execute on function public.outbox_mark_sent(uuid, uuid, text) to service_role;

-- A transient failure (Postmark down, timeout, 5xx, configuration): try again after the backoff.
-- Only the current claimer may reschedule.
create or replace function public.outbox_mark_retry(p_id uuid, p_claim_token uuid, p_error text)
returns boolean
language sql
volatile
security definer
set search_path = ''
as $$
  with done as (
    update portal.email_outbox o
      set next_attempt_at = now() + portal.outbox_backoff(o.attempts), last_error = left(p_error, 2000), locked_until = null
    where o.id = p_id and o.status = 'pending' and o.claim_token = p_claim_token
    returning 1
  )
  select exists (select 1 from done)
$$;
revoke execute on function public.outbox_mark_retry(uuid, uuid, text) from public, anon, authenticated;
grant execute on function public.outbox_mark_retry(uuid, uuid, text) to service_role;

-- A permanent failure (inactive recipient, invalid address): kept as 'failed' for staff to see.
create or replace function public.outbox_mark_failed(p_id uuid, p_claim_token uuid, p_error text)
returns boolean
language sql
volatile
security definer
set search_path = ''
as $$
  with done as (
    update portal.email_outbox o
      set status = 'failed', last_error = left(p_error, 2000), locked_until = null
    where o.id = p_id and o.status = 'pending' and o.claim_token = p_claim_token
    returning 1
  )
  select exists (select 1 from done)
$$;
revoke execute on function public.outbox_mark_failed(uuid, uuid, text) from public, anon, authenticated;
grant execute on function public.outbox_mark_failed(uuid, uuid, text) to service_role;

-- Staff: after fixing the cause (address corrected, suppression lifted), send a failed e-mail again.
create or replace function public.outbox_requeue(p_id uuid)
returns boolean
language sql
volatile
security definer
set search_path = ''
as $$
  with done as (
    update portal.email_outbox o
      set status = 'pending', next_attempt_at = now(), locked_until = null, claim_token = null
    where o.id = p_id and o.status = 'failed'
    returning 1
  )
  select exists (select 1 from done)
$$;
revoke execute on function public.outbox_requeue(uuid) from public, anon, authenticated;
grant execute on function public.outbox_requeue(uuid) to service_role;

/**
 * -------------------------------------------------------
 * Staff views (Supabase dashboard: Table editor / SQL editor, schema `portal`)
 * -------------------------------------------------------
 * security_invoker: they apply the reader's rights; only service_role and the dashboard's owner
 * read them.
 */
create view portal.staff_paper_optout_requests with (security_invoker = true) as
  select r.requested_at, s.name as service_name, s.numcli, c.customer_number, c.display_name,
         c.email as customer_email, c.paper_invoices as still_paper_in_portal,
         o.status as email_status, o.sent_at as email_sent_at, o.attempts as email_attempts,
         o.last_error as email_last_error, o.provider_message_id, r.id as request_id, c.id as customer_id
  from portal.paper_optout_requests r
  join portal.customers c on c.id = r.customer_id
  join portal.services s on s.id = c.service_id
  left join portal.email_outbox o on o.id = r.email_outbox_id
  order by r.requested_at desc;

create view portal.staff_contact_messages with (security_invoker = true) as
  select m.created_at, s.name as service_name, s.numcli,
         case when m.account_id is null then 'visiteur (non vérifié)' else 'usager connecté' end as sender_kind,
         m.sender_email, m.sender_name, m.customer_numbers, m.subject, m.body,
         o.status as email_status, o.sent_at as email_sent_at, o.attempts as email_attempts,
         o.last_error as email_last_error, o.provider_message_id, m.id as message_id
  from portal.contact_messages m
  join portal.services s on s.id = m.service_id
  left join portal.email_outbox o on o.id = m.email_outbox_id
  order by m.created_at desc;

-- E-mails that need a person: permanent failures, and pending ones that keep failing.
create view portal.staff_email_problems with (security_invoker = true) as
  select o.id, o.kind, o.to_address, o.subject, o.status, o.attempts, o.last_error,
         o.created_at, o.last_attempt_at, o.next_attempt_at
  from portal.email_outbox o
  where o.status = 'failed' or (o.status = 'pending' and o.attempts >= 3)
  order by o.created_at desc;

revoke all on portal.staff_paper_optout_requests, portal.staff_contact_messages, portal.staff_email_problems
  from public, anon, authenticated;
grant select on portal.staff_paper_optout_requests, portal.staff_contact_messages, portal.staff_email_problems
  to service_role;
