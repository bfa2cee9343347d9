-- Throttles of the account flows (docs/decisions/0011-auth-throttling.md):
-- 1. login throttling that nobody can turn against a resident (replaces the per-e-mail block of
--    20261126180000_accounts.sql);
-- 2. a limit on activation and recovery e-mails, per address and per client.
-- Called by the server with the service role, identically for both adapters.

-- 1. Login ----------------------------------------------------------------------------------------
-- Failures count within a 15-minute window, on three keys per try:
--   'pair:<client> <e-mail>'  this client on this e-mail: from the 5th failure each new one makes
--                             the next try wait 15 s, 30 s, 1 min, 2 min, 4 min; the 10th blocks
--                             15 minutes. Only this client is held: the resident elsewhere is not.
--   'ip:<client>'             this client on any e-mail (shared networks: higher thresholds): from
--                             the 20th failure 30 s, the 50th blocks 15 minutes.
--   'email:<e-mail>'          any client on this e-mail: from the 10th failure the e-mail is "under
--                             attack" and every further failure holds ITS client for 1 minute at
--                             least. A mild slowdown that never refuses a client that has not
--                             failed itself, so nobody can lock the resident out.
-- A success clears its own pair only: never the e-mail's nor the client's counter (one valid
-- account must not reset an attacker's count).

-- The keys gain the kind 'pair:' (client, a space, e-mail: neither part contains a space).
alter table portal.login_throttle drop constraint if exists login_throttle_key_check;
alter table portal.login_throttle
  add constraint login_throttle_key_check check (key ~ '^(email|ip|pair):.+$' and length(key) <= 400);

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

-- The per-e-mail block of 20261126180000_accounts.sql let anyone lock a resident out: its
-- functions go, so that nothing can call the old rule again (portal.login_throttle_wait and
-- portal.login_throttle_keys were its helpers).
drop function if exists public.login_throttle_check(text, text);
drop function if exists public.login_throttle_record_failure(text, text);
drop function if exists public.login_throttle_clear(text);
drop function if exists portal.login_throttle_wait(text, integer);
drop function if exists portal.login_throttle_keys(text, text);

-- 2. Activation and recovery e-mails ---------------------------------------------------------------
-- Two keys, over sliding windows; a refused request is not counted:
--   'email:<address>'  3 e-mails per hour (mailbox flooding; each e-mail voids the previous link).
--                      /activation counts the requests that send one; /mot-de-passe-oublie counts
--                      every request, whatever the address: its answer "limit reached" must not
--                      tell whether the address has an account.
--   'ip:<client>'      20 requests per hour, /activation and /mot-de-passe-oublie together,
--                      whatever the answer (enumeration through /activation's three answers).
-- A password set on the account of an address (at the end of an activation or recovery link, or
-- changed by its owner) shows that the e-mails were wanted: the address's count starts again.
-- Only the mailbox's owner can do that: an attacker cannot reset the count of someone else.
create table portal.auth_mail_throttle (
  key text primary key check (key ~ '^(email|ip):.+$' and length(key) <= 300),
  -- When the requests still inside the window were accepted, oldest first.
  requested_at timestamptz[] not null default '{}'
);
alter table portal.auth_mail_throttle enable row level security;
-- No policy, no grant to API roles: only the function below (security definer) touches it.
grant all on portal.auth_mail_throttle to service_role;

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
