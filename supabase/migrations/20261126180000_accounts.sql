-- Account rules that are ours, not Supabase Auth's: who may activate an account, and login
-- throttling. Called by the server with the service role, identically for both adapters.

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

-- Login throttling ----------------------------------------------------------------------------------
-- Two keys per try: the e-mail typed and the client address. Failures count within a 15-minute
-- window. Per e-mail: from the 5th failure each new failure makes the next try wait 15 s, 30 s,
-- 1 min, 2 min, 4 min; the 10th blocks for 15 minutes. Per client (shared networks: higher
-- thresholds): from the 20th failure 30 s, the 50th blocks for 15 minutes. A success clears the
-- e-mail's counter only (never the client's, so one valid account cannot reset an attacker's).
create or replace function portal.login_throttle_wait(p_key text, p_failures integer)
returns interval
language sql
immutable
set search_path = ''
as $$
  select case
    when p_key like 'email:%' then
      case
        when p_failures >= 10 then interval '15 minutes'
        when p_failures >= 5 then interval '15 seconds' * power(2, p_failures - 5)
        else null
      end
    else
      case
        when p_failures >= 50 then interval '15 minutes'
        when p_failures >= 20 then interval '30 seconds'
        else null
      end
  end
$$;
revoke execute on function portal.login_throttle_wait(text, integer) from public, anon, authenticated;

create or replace function portal.login_throttle_keys(p_email text, p_client text)
returns text[]
language sql
immutable
set search_path = ''
as $$
  select array[
    'email:' || left(lower(btrim(coalesce(p_email, ''))), 254),
    'ip:' || left(coalesce(nullif(btrim(p_client), ''), 'unknown'), 100)
  ]
$$;
revoke execute on function portal.login_throttle_keys(text, text) from public, anon, authenticated;

-- When the next try is allowed for this e-mail and client; null when it is allowed now.
create or replace function public.login_throttle_check(p_email text, p_client text)
returns timestamptz
language sql
stable
security definer
set search_path = ''
as $$
  select max(t.blocked_until)
  from portal.login_throttle t
  where t.key = any (portal.login_throttle_keys(p_email, p_client))
    and t.blocked_until > now()
$$;
revoke execute on function public.login_throttle_check(text, text) from public, anon, authenticated;
grant execute on function public.login_throttle_check(text, text) to service_role;

-- Records a failed try; returns when the next try is allowed (null: at once).
create or replace function public.login_throttle_record_failure(p_email text, p_client text)
returns timestamptz
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_key text;
  v_failures integer;
  v_wait interval;
  v_until timestamptz;
  v_result timestamptz;
begin
  foreach v_key in array portal.login_throttle_keys(p_email, p_client) loop
    insert into portal.login_throttle as t (key, failures, first_failure_at)
      values (v_key, 1, now())
      on conflict (key) do update
        set failures = case when t.first_failure_at < now() - interval '15 minutes' then 1 else t.failures + 1 end,
            first_failure_at = case when t.first_failure_at < now() - interval '15 minutes' then now() else t.first_failure_at end
      returning t.failures into v_failures;
    v_wait := portal.login_throttle_wait(v_key, v_failures);
    if v_wait is not null then
      v_until := now() + v_wait;
      update portal.login_throttle t set blocked_until = v_until where t.key = v_key;
      v_result := greatest(v_result, v_until);
    end if;
  end loop;
  return v_result;
end
$$;
revoke execute on function public.login_throttle_record_failure(text, text) from public, anon, authenticated;
grant execute on function public.login_throttle_record_failure(text, text) to service_role;

create or replace function public.login_throttle_clear(p_email text)
returns void
language sql
security definer
set search_path = ''
as $$
  delete from portal.login_throttle t
  where t.key = (portal.login_throttle_keys(p_email, null))[1]
$$;
revoke execute on function public.login_throttle_clear(text) from public, anon, authenticated;
grant execute on function public.login_throttle_clear(text) to service_role;

-- public.my_customers(): the customer records linked to the signed-in account (RLS decides) -----
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
  order by s.name, c.customer_number
$$;
revoke execute on function public.my_customers() from public, anon, authenticated, service_role;
grant execute on function public.my_customers() to authenticated;

-- Linking on an account's e-mail change (replaces the foundation's version) ---------------------
-- A resident who changes their login e-mail keeps the customer records they had (the accounts rule: "the
-- customer records stay linked") and gains those carrying the new e-mail that no other account
-- holds. A customer record is re-linked only when the SERVICE changes the customer's e-mail
-- (trigger customers_link_to_account). A new account never takes over a customer record that
-- another account already holds.
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
