/**
 * Customers (abonnés), their link to accounts (auth.users), and the account rules that are ours,
 * not Supabase Auth's: who may activate an account, login throttling, limits on activation and
 * recovery e-mails, and whether a request's Auth session is still live.
 *
 * One e-mail = one account; an account sees every customer record that carries its e-mail.
 * `customers.account_id` is kept equal to "the account whose e-mail is the customer's e-mail" by
 * two triggers, so RLS policies compare ids only. The rules are called by the server with the
 * service role, identically for both adapters (docs/decisions/0010-accounts-embedded-and-shared-rules.md,
 * docs/decisions/0011-auth-throttling.md).
 */

/**
 * -------------------------------------------------------
 * Tables
 * -------------------------------------------------------
 */
create table portal.customers (
  id uuid primary key default gen_random_uuid(),
  service_id uuid not null references portal.services (id) on delete cascade,
  customer_number text not null check (length(btrim(customer_number)) between 1 and 50),
  display_name text not null check (length(btrim(display_name)) between 1 and 200),
  -- Null when the service holds no e-mail: such a customer cannot activate an account.
  email text check (email = lower(btrim(email))
                    and length(email) <= 254
                    and email ~ '^[^@[:space:]]+@[^@[:space:]]+\.[^@[:space:]]+$'),
  paper_invoices boolean not null default true,
  account_id uuid references auth.users (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (service_id, customer_number),
  -- Lets invoices reference (service_id, customer_id) so an invoice's customer is of its service.
  unique (service_id, id)
);
-- Every resident read starts from the caller's customer records by this index
-- (docs/performance.md).
create index customers_account_id_idx on portal.customers (account_id);
create index customers_email_idx on portal.customers (email);
create trigger customers_set_updated_at before update on portal.customers
  for each row execute function portal.set_updated_at();

-- Login throttling state (CNIL: a password policy of 8+ characters requires throttling), kept in
-- the database so it survives restarts. Keys: 'pair:<client> <e-mail>' (neither part contains a
-- space), 'ip:<client>', 'email:<e-mail>'; the rules are at login_attempt_failed below.
create table portal.login_throttle (
  key text primary key,
  failures integer not null default 0 check (failures >= 0),
  first_failure_at timestamptz not null default now(),
  blocked_until timestamptz,
  constraint login_throttle_key_check check (key ~ '^(email|ip|pair):.+$' and length(key) <= 400)
);
create index login_throttle_blocked_idx on portal.login_throttle (blocked_until);

-- Activation and recovery e-mails accepted per key (rules at auth_mail_request below).
create table portal.auth_mail_throttle (
  key text primary key check (key ~ '^(email|ip):.+$' and length(key) <= 300),
  -- When the requests still inside the window were accepted, oldest first.
  requested_at timestamptz[] not null default '{}'
);

/**
 * -------------------------------------------------------
 * Row level security
 * -------------------------------------------------------
 */
alter table portal.customers enable row level security;

create policy "Residents can see the customer records that carry their e-mail"
  on portal.customers for select to authenticated
  using (account_id = (select auth.uid()));

create policy "Residents can see the services they are a customer of"
  on portal.services for select to authenticated
  using (exists (
    select 1 from portal.customers c
    where c.service_id = services.id
      and c.account_id = (select auth.uid())
  ));

grant select on portal.customers to authenticated;
grant all on portal.customers to service_role;

alter table portal.login_throttle enable row level security;
-- No policy, no grant to API roles: only the server (service role) and the functions below.
grant all on portal.login_throttle to service_role;

alter table portal.auth_mail_throttle enable row level security;
-- No policy, no grant to API roles: only the function below (security definer) touches it.
grant all on portal.auth_mail_throttle to service_role;

/**
 * -------------------------------------------------------
 * Linking customers and accounts
 * -------------------------------------------------------
 */

-- A customer inserted, or whose e-mail changes, is linked to the account with that e-mail (or
-- unlinked when there is none). Security definer: it reads auth.users, which no API role can.
create or replace function portal.link_customer_to_account() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if tg_op = 'INSERT' or new.email is distinct from old.email then
    new.account_id := (
      select u.id from auth.users u
      where new.email is not null
        and lower(u.email) = new.email
        and u.deleted_at is null
      order by u.created_at nulls last, u.id
      limit 1
    );
  end if;
  return new;
end
$$;
revoke execute on function portal.link_customer_to_account() from public, anon, authenticated;

create trigger customers_link_to_account
  before insert or update of email on portal.customers
  for each row execute function portal.link_customer_to_account();

-- An account created, or whose e-mail changes, gains the customer records carrying its e-mail
-- that no other account holds. A resident who changes their login e-mail keeps the customer
-- records they had (the accounts rule: "the customer records stay linked"). A customer record is
-- re-linked only when the SERVICE changes the customer's e-mail (trigger
-- customers_link_to_account). A new account never takes over a customer record that another
-- account already holds.
create or replace function portal.link_account_to_customers() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if tg_op = 'UPDATE' and new.email is not distinct from old.email then
    return new;
  end if;
  if new.email is not null and new.deleted_at is null then
    update portal.customers c
      set account_id = new.id
      where c.email = lower(new.email)
        and c.account_id is null;
  end if;
  return new;
end
$$;
revoke execute on function portal.link_account_to_customers() from public, anon, authenticated;

create trigger on_auth_user_email_link_customers
  after insert or update of email on auth.users
  for each row execute function portal.link_account_to_customers();

/**
 * -------------------------------------------------------
 * Activation
 * -------------------------------------------------------
 */

-- public.account_activation_status(email) ---------------------------------------------------------
-- 'already_active': an account with this e-mail has set a password (activation refused: use the
--                   forgotten-password procedure);
-- 'unknown_email':  no customer record carries this e-mail (activation refused: tell the service);
-- 'eligible':       send the activation link (the account is created or re-invited).
create or replace function public.account_activation_status(p_email text)
returns text
language sql
stable
security definer
set search_path = ''
as $$
  select case
    when exists (
      select 1 from auth.users u
      where lower(u.email) = lower(btrim(p_email))
        and u.deleted_at is null
        and coalesce(u.encrypted_password, '') <> ''
    ) then 'already_active'
    when not exists (
      select 1 from portal.customers c where c.email = lower(btrim(p_email))
    ) then 'unknown_email'
    else 'eligible'
  end
$$;
revoke execute on function public.account_activation_status(text) from public, anon, authenticated;
grant execute on function public.account_activation_status(text) to service_role;

/**
 * -------------------------------------------------------
 * Login throttling
 * -------------------------------------------------------
 * Failures count within a 15-minute window, on three keys per try:
 *   'pair:<client> <e-mail>'  this client on this e-mail: from the 5th failure each new one makes
 *                             the next try wait 15 s, 30 s, 1 min, 2 min, 4 min; the 10th blocks
 *                             15 minutes. Only this client is held: the resident elsewhere is not.
 *   'ip:<client>'             this client on any e-mail (shared networks: higher thresholds): from
 *                             the 20th failure 30 s, the 50th blocks 15 minutes.
 *   'email:<e-mail>'          any client on this e-mail: from the 10th failure the e-mail is "under
 *                             attack" and every further failure holds ITS client for 1 minute at
 *                             least. A mild slowdown that never refuses a client that has not
 *                             failed itself, so nobody can lock the resident out.
 * A success clears its own pair only: never the e-mail's nor the client's counter (one valid
 * account must not reset an attacker's count).
 */

-- [pair, client, e-mail] keys of a try.
create or replace function portal.login_attempt_keys(p_email text, p_client text)
returns text[]
language sql
immutable
set search_path = ''
as $$
  select array['pair:' || k.client || ' ' || k.email, 'ip:' || k.client, 'email:' || k.email]
  from (
    select left(lower(btrim(coalesce(p_email, ''))), 254) as email,
           left(coalesce(nullif(regexp_replace(coalesce(p_client, ''), '\s', '', 'g'), ''), 'unknown'), 100) as client
  ) k
$$;
revoke execute on function portal.login_attempt_keys(text, text) from public, anon, authenticated;

-- How long a key holds its client after its p_failures-th failure in the window (null: not at all).
create or replace function portal.login_attempt_wait(p_key text, p_failures integer)
returns interval
language sql
immutable
set search_path = ''
as $$
  select case split_part(p_key, ':', 1)
    when 'pair' then
      case
        when p_failures >= 10 then interval '15 minutes'
        when p_failures >= 5 then interval '15 seconds' * power(2, p_failures - 5)
      end
    when 'ip' then
      case
        when p_failures >= 50 then interval '15 minutes'
        when p_failures >= 20 then interval '30 seconds'
      end
    when 'email' then
      case when p_failures >= 10 then interval '1 minute' end
  end
$$;
revoke execute on function portal.login_attempt_wait(text, integer) from public, anon, authenticated;

-- public.login_attempt_check(email, client): when this client may try this e-mail again; null
-- when it may now. Only the pair and the client hold a try: the e-mail's slowdown was written on
-- the pairs that failed (login_attempt_failed), so a client that has not failed is never held.
create or replace function public.login_attempt_check(p_email text, p_client text)
returns timestamptz
language sql
stable
security definer
set search_path = ''
as $$
  select max(t.blocked_until)
  from portal.login_throttle t
  where t.key = any ((portal.login_attempt_keys(p_email, p_client))[1:2])
    and t.blocked_until > now()
$$;
revoke execute on function public.login_attempt_check(text, text) from public, anon, authenticated;
grant execute on function public.login_attempt_check(text, text) to service_role;

-- public.login_attempt_failed(email, client): records a failed try; returns when this client may
-- try this e-mail again (null: at once).
create or replace function public.login_attempt_failed(p_email text, p_client text)
returns timestamptz
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_keys text[] := portal.login_attempt_keys(p_email, p_client);
  v_key text;
  v_failures integer;
  v_wait interval;
  v_pair_until timestamptz;
begin
  -- In key order (email, ip, pair): concurrent failures lock the rows in the same order.
  foreach v_key in array array[v_keys[3], v_keys[2], v_keys[1]] loop
    insert into portal.login_throttle as t (key, failures, first_failure_at)
      values (v_key, 1, now())
      on conflict (key) do update
        set failures = case when t.first_failure_at < now() - interval '15 minutes' then 1 else t.failures + 1 end,
            first_failure_at = case when t.first_failure_at < now() - interval '15 minutes' then now() else t.first_failure_at end
      returning t.failures into v_failures;
    v_wait := portal.login_attempt_wait(v_key, v_failures);
    if v_key = v_keys[3] then
      -- The e-mail under attack slows down the client that just failed, not the e-mail.
      v_pair_until := now() + v_wait;
    elsif v_wait is not null then
      update portal.login_throttle t set blocked_until = greatest(t.blocked_until, now() + v_wait) where t.key = v_key;
    end if;
  end loop;
  if v_pair_until is not null then
    update portal.login_throttle t set blocked_until = greatest(t.blocked_until, v_pair_until) where t.key = v_keys[1];
  end if;
  return public.login_attempt_check(p_email, p_client);
end
$$;
revoke execute on function public.login_attempt_failed(text, text) from public, anon, authenticated;
grant execute on function public.login_attempt_failed(text, text) to service_role;

-- public.login_attempt_succeeded(email, client): a success lifts this client's own failures on
-- this e-mail (its pair); the e-mail's and the client's counters stay.
create or replace function public.login_attempt_succeeded(p_email text, p_client text)
returns void
language sql
volatile
security definer
set search_path = ''
as $$
  delete from portal.login_throttle t where t.key = (portal.login_attempt_keys(p_email, p_client))[1]
$$;
revoke execute on function public.login_attempt_succeeded(text, text) from public, anon, authenticated;
grant execute on function public.login_attempt_succeeded(text, text) to service_role;

/**
 * -------------------------------------------------------
 * Activation and recovery e-mails
 * -------------------------------------------------------
 * Two keys, over sliding windows; a refused request is not counted:
 *   'email:<address>'  3 e-mails per hour (mailbox flooding; each e-mail voids the previous link).
 *                      /activation counts the requests that send one; /mot-de-passe-oublie counts
 *                      every request, whatever the address: its answer "limit reached" must not
 *                      tell whether the address has an account.
 *   'ip:<client>'      20 requests per hour, /activation and /mot-de-passe-oublie together,
 *                      whatever the answer (enumeration through /activation's three answers).
 * A password set on the account of an address (at the end of an activation or recovery link, or
 * changed by its owner) shows that the e-mails were wanted: the address's count starts again.
 * Only the mailbox's owner can do that: an attacker cannot reset the count of someone else.
 */

-- How many requests a key accepts within one sliding hour.
create or replace function portal.auth_mail_limit(p_key text)
returns integer
language sql
immutable
set search_path = ''
as $$
  select case when p_key like 'email:%' then 3 else 20 end
$$;
revoke execute on function portal.auth_mail_limit(text) from public, anon, authenticated;

-- public.auth_mail_request(email, client): counts a request for an activation or recovery
-- e-mail on the address and on the client (a null one is not counted: /activation counts the
-- client first, the address only once it knows an e-mail will leave). Null: accepted and
-- counted; otherwise refused, uncounted, and when a request will be accepted again.
create or replace function public.auth_mail_request(p_email text, p_client text)
returns timestamptz
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_keys text[] := array_remove(array[
    'email:' || left(lower(nullif(btrim(p_email), '')), 254),
    case when p_client is not null
      then 'ip:' || left(coalesce(nullif(regexp_replace(p_client, '\s', '', 'g'), ''), 'unknown'), 100)
    end
  ], null);
  v_retry timestamptz;
begin
  insert into portal.auth_mail_throttle (key) select unnest(v_keys) order by 1 on conflict (key) do nothing;
  -- Forgets what left the window, and locks the rows until the decision is written.
  update portal.auth_mail_throttle t
    set requested_at = array(select r from unnest(t.requested_at) r where r > now() - interval '1 hour' order by r)
    where t.key = any (v_keys);
  -- Full: accepted again once the oldest request that matters leaves the window.
  select max(t.requested_at[cardinality(t.requested_at) - portal.auth_mail_limit(t.key) + 1] + interval '1 hour')
    into v_retry
    from portal.auth_mail_throttle t
    where t.key = any (v_keys)
      and cardinality(t.requested_at) >= portal.auth_mail_limit(t.key);
  if v_retry is not null then
    return v_retry;
  end if;
  update portal.auth_mail_throttle t set requested_at = t.requested_at || now() where t.key = any (v_keys);
  return null;
end
$$;
revoke execute on function public.auth_mail_request(text, text) from public, anon, authenticated;
grant execute on function public.auth_mail_request(text, text) to service_role;

-- The address's count starts again when a password is set on its account.
create or replace function portal.auth_mail_throttle_reset() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if new.encrypted_password is distinct from old.encrypted_password
     and coalesce(new.encrypted_password, '') <> ''
     and new.email is not null then
    delete from portal.auth_mail_throttle t where t.key = 'email:' || left(lower(btrim(new.email)), 254);
  end if;
  return new;
end
$$;
revoke execute on function portal.auth_mail_throttle_reset() from public, anon, authenticated;

create trigger on_auth_user_password_reset_mail_throttle
  after update of encrypted_password on auth.users
  for each row execute function portal.auth_mail_throttle_reset();

/**
 * -------------------------------------------------------
 * The signed-in resident
 * -------------------------------------------------------
 */

-- public.my_customers(): the customer records linked to the signed-in account ---------------------
-- Starts from the caller's identity with an explicit filter, `c.account_id = (select auth.uid())`
-- (auth.uid() in a select: evaluated once, an InitPlan), in addition to the policies, which stay
-- the access rule: Supabase's RLS performance guidance, followed by every resident read
-- (docs/performance.md).
create or replace function public.my_customers()
returns table (
  customer_id uuid,
  customer_number text,
  display_name text,
  email text,
  paper_invoices boolean,
  service_id uuid,
  service_name text
)
language sql
stable
security invoker
set search_path = ''
as $$
  select c.id, c.customer_number, c.display_name, c.email, c.paper_invoices, s.id, s.name
  from portal.customers c
  join portal.services s on s.id = c.service_id
  where c.account_id = (select auth.uid())
  order by s.name, c.customer_number
$$;
revoke execute on function public.my_customers() from public, anon, authenticated, service_role;
grant execute on function public.my_customers() to authenticated;

-- Session liveness (docs/decisions/0014-one-page-one-call.md): every page function and every
-- resident write first checks that the request's Auth session is still live, so a logout or a
-- password change ends access at the next page, even with an access token that has not expired.

-- True when the request's access token names a live Auth session of its user. Security definer:
-- auth.sessions is not readable by the API roles. A session_id that is not a uuid is "not live",
-- never an error.
create or replace function portal.session_is_live()
returns boolean
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_text text := auth.jwt() ->> 'session_id';
  v_id uuid;
begin
  if v_text is null or v_text !~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' then
    return false;
  end if;
  v_id := v_text::uuid;
  return exists (
    select 1
    from auth.sessions s
    where s.id = v_id
      and s.user_id = (select auth.uid())
      and (s.not_after is null or s.not_after > now())
  );
end
$$;
revoke execute on function portal.session_is_live() from public, anon, authenticated;

-- Raises PT401 'session_ended' unless the session is live (PostgREST: HTTP 401; the app ends the
-- session and sends the resident to the login page).
create or replace function portal.require_live_session()
returns void
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  if not portal.session_is_live() then
    raise exception using errcode = 'PT401', message = 'session_ended';
  end if;
end
$$;
revoke execute on function portal.require_live_session() from public, anon;
grant execute on function portal.require_live_session() to authenticated;
