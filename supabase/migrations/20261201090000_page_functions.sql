-- One page, one call; the session checked in that call (docs/performance.md, "One page, one
-- call"; docs/decisions/0014-one-page-one-call.md).
--
-- Every page behind login gets everything it shows from one public.*_page() function: on Supabase
-- one PostgREST request, on the embedded default one transaction under RLS. Each page function
--   * first checks that the caller's Auth session is still live (portal.require_live_session():
--     the access token's session_id names a row of auth.sessions of this user, not past its
--     not_after), so a logout or a password change ends access at the next page, even with an
--     access token that has not expired yet; otherwise SQLSTATE PT401, which PostgREST answers
--     with HTTP 401;
--   * is security invoker (RLS applies) and reuses the resident reads of earlier migrations, which
--     reach the caller's rows by index from auth.uid() (20261130120000_resident_reads_by_index.sql);
--   * returns jsonb: what the page shows plus the layout's `frame` ({portal_name, display_name}).
-- The writes residents make and the PDF key read refuse a dead session in the same call too.

-- Session liveness ---------------------------------------------------------------------------------

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

-- The layout's frame ---------------------------------------------------------------------------------

-- {portal_name, display_name}: the portal's name and the resident's names (their customer
-- records' distinct names in my_customers() order, else their e-mail).
create or replace function portal.page_frame()
returns jsonb
language sql
stable
security invoker
set search_path = ''
as $$
  select jsonb_build_object(
    'portal_name', (select p.portal_name from public.portal_public_info() p),
    'display_name', coalesce(
      (select string_agg(n.display_name, ', ' order by n.pos)
       from (select c.display_name, min(c.pos) as pos
             from public.my_customers() with ordinality
               as c (customer_id, customer_number, display_name, email, paper_invoices, service_id, service_name, pos)
             group by c.display_name) n),
      auth.jwt() ->> 'email'))
$$;
revoke execute on function portal.page_frame() from public, anon;
grant execute on function portal.page_frame() to authenticated;

-- Page functions -------------------------------------------------------------------------------------

-- Pages that show nothing but the frame (e-mail and password change).
create or replace function public.frame_page()
returns jsonb
language plpgsql
stable
security invoker
set search_path = ''
as $$
begin
  perform portal.require_live_session();
  return jsonb_build_object('frame', portal.page_frame());
end
$$;

-- /accueil: the announcement (null: none) and the welcome message (public.portal_home()).
create or replace function public.home_page()
returns jsonb
language plpgsql
stable
security invoker
set search_path = ''
as $$
begin
  perform portal.require_live_session();
  return jsonb_build_object('frame', portal.page_frame())
    || coalesce((select jsonb_build_object('announcement', h.announcement, 'welcome_message', h.welcome_message)
                 from public.portal_home() h),
                jsonb_build_object('announcement', null, 'welcome_message', ''));
end
$$;

-- /factures: one page of a tab (public.my_invoices, same arguments), the tab counts and how many
-- customer records the resident has (the "Abonné" column shows from two).
create or replace function public.invoices_page(
  p_status portal.invoice_status,
  p_limit integer,
  p_before_date date default null,
  p_before_id uuid default null
)
returns jsonb
language plpgsql
stable
security invoker
set search_path = ''
as $$
begin
  perform portal.require_live_session();
  return jsonb_build_object(
    'frame', portal.page_frame(),
    'invoices', coalesce(
      (select jsonb_agg(to_jsonb(i) - 'ordinality' order by i.ordinality)
       from public.my_invoices(p_status, p_limit, p_before_date, p_before_id) with ordinality i),
      '[]'::jsonb),
    'counts', (select jsonb_object_agg(c.status, c.invoice_count) from public.my_invoice_counts() c),
    'customer_count', (select count(*) from public.my_customers()));
end
$$;

-- /factures/:id: the invoice (null when it is not the caller's) and, when it is unpaid, its
-- payment state (public.my_invoice_payment).
create or replace function public.invoice_page(p_id uuid)
returns jsonb
language plpgsql
stable
security invoker
set search_path = ''
as $$
declare
  v_invoice jsonb;
begin
  perform portal.require_live_session();
  v_invoice := (select to_jsonb(i) from public.my_invoice(p_id) i);
  return jsonb_build_object(
    'frame', portal.page_frame(),
    'invoice', v_invoice,
    'payment', case when v_invoice ->> 'status' = 'unpaid'
                    then (select to_jsonb(p) from public.my_invoice_payment(p_id) p) end);
end
$$;

-- /mes-informations and its paper opt-out confirmation: the customer records and their paper
-- status (public.my_customers, public.my_paper_status).
create or replace function public.info_page()
returns jsonb
language plpgsql
stable
security invoker
set search_path = ''
as $$
begin
  perform portal.require_live_session();
  return jsonb_build_object(
    'frame', portal.page_frame(),
    'customers', coalesce(
      (select jsonb_agg(to_jsonb(c) - 'ordinality' order by c.ordinality) from public.my_customers() with ordinality c),
      '[]'::jsonb),
    'paper', coalesce(
      (select jsonb_agg(to_jsonb(p) - 'ordinality' order by p.ordinality) from public.my_paper_status() with ordinality p),
      '[]'::jsonb));
end
$$;

-- /contact: the resident's services and their other contact means (public.my_contact_services).
create or replace function public.contact_page()
returns jsonb
language plpgsql
stable
security invoker
set search_path = ''
as $$
begin
  perform portal.require_live_session();
  return jsonb_build_object(
    'frame', portal.page_frame(),
    'services', coalesce(
      (select jsonb_agg(to_jsonb(s) - 'ordinality' order by s.ordinality) from public.my_contact_services() with ordinality s),
      '[]'::jsonb));
end
$$;

-- /paiement and /paiement/confirmation: the payable invoices (public.my_payable_invoices).
create or replace function public.payment_page()
returns jsonb
language plpgsql
stable
security invoker
set search_path = ''
as $$
begin
  perform portal.require_live_session();
  return jsonb_build_object(
    'frame', portal.page_frame(),
    'invoices', coalesce(
      (select jsonb_agg(to_jsonb(i) - 'ordinality' order by i.ordinality) from public.my_payable_invoices() with ordinality i),
      '[]'::jsonb));
end
$$;

-- /paiement/retour: the caller's attempt by id or idOp, or null (public.my_payment_attempt).
create or replace function public.payment_return_page(p_attempt_id uuid default null, p_idop text default null)
returns jsonb
language plpgsql
stable
security invoker
set search_path = ''
as $$
begin
  perform portal.require_live_session();
  return jsonb_build_object(
    'frame', portal.page_frame(),
    'attempt', (select to_jsonb(a) from public.my_payment_attempt(p_attempt_id, p_idop) a));
end
$$;

do $$
declare
  f text;
begin
  foreach f in array array[
    'public.frame_page()', 'public.home_page()',
    'public.invoices_page(portal.invoice_status, integer, date, uuid)', 'public.invoice_page(uuid)',
    'public.info_page()', 'public.contact_page()', 'public.payment_page()',
    'public.payment_return_page(uuid, text)']
  loop
    execute format('revoke execute on function %s from public, anon, authenticated, service_role', f);
    execute format('grant execute on function %s to authenticated', f);
  end loop;
end
$$;

-- Writes: the same functions, behind a session check -------------------------------------------------
-- Each write keeps its body, attributes and grants-to-be, moved out of the API as
-- portal.<name>_unchecked (not reachable through PostgREST, which exposes `public` only, and
-- executable by no API role); public.<name> becomes a thin wrapper with the same signature that
-- checks the session, then calls it. To change a write's rules later, replace
-- portal.<name>_unchecked, not the wrapper.
alter function public.request_paper_optout() rename to request_paper_optout_unchecked;
alter function public.request_paper_optout_unchecked() set schema portal;
alter function public.send_contact_message(uuid, text, text) rename to send_contact_message_unchecked;
alter function public.send_contact_message_unchecked(uuid, text, text) set schema portal;
alter function public.start_payment(uuid[]) rename to start_payment_unchecked;
alter function public.start_payment_unchecked(uuid[]) set schema portal;
alter function public.set_payment_idop(uuid, text) rename to set_payment_idop_unchecked;
alter function public.set_payment_idop_unchecked(uuid, text) set schema portal;
alter function public.fail_payment_start(uuid, text) rename to fail_payment_start_unchecked;
alter function public.fail_payment_start_unchecked(uuid, text) set schema portal;
revoke execute on function portal.request_paper_optout_unchecked() from public, anon, authenticated, service_role;
revoke execute on function portal.send_contact_message_unchecked(uuid, text, text) from public, anon, authenticated, service_role;
revoke execute on function portal.start_payment_unchecked(uuid[]) from public, anon, authenticated, service_role;
revoke execute on function portal.set_payment_idop_unchecked(uuid, text) from public, anon, authenticated, service_role;
revoke execute on function portal.fail_payment_start_unchecked(uuid, text) from public, anon, authenticated, service_role;

-- The wrappers are security definer like the writes they wrap (so they may call them); auth.uid()
-- and the claims are the caller's either way.
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

create function public.start_payment(p_invoice_ids uuid[])
returns jsonb
language sql
volatile
security definer
set search_path = ''
as $$
  select portal.require_live_session();
  select portal.start_payment_unchecked(p_invoice_ids);
$$;

create function public.set_payment_idop(p_attempt_id uuid, p_idop text)
returns boolean
language sql
volatile
security definer
set search_path = ''
as $$
  select portal.require_live_session();
  select portal.set_payment_idop_unchecked(p_attempt_id, p_idop);
$$;

create function public.fail_payment_start(p_attempt_id uuid, p_reason text)
returns boolean
language sql
volatile
security definer
set search_path = ''
as $$
  select portal.require_live_session();
  select portal.fail_payment_start_unchecked(p_attempt_id, p_reason);
$$;

-- The PDF key read (20261130120000): same query, after the session check.
create or replace function public.my_invoice_pdf_key(p_id uuid)
returns table (number text, object_key text)
language plpgsql
stable
security invoker
set search_path = ''
as $$
begin
  perform portal.require_live_session();
  return query
    select i.number, i.pdf_object_key
    from portal.invoices i
    join portal.customers c on c.id = i.customer_id
    where i.id = p_id
      and c.account_id = (select auth.uid());
end
$$;

do $$
declare
  f text;
begin
  foreach f in array array[
    'public.request_paper_optout()', 'public.send_contact_message(uuid, text, text)',
    'public.start_payment(uuid[])', 'public.set_payment_idop(uuid, text)',
    'public.fail_payment_start(uuid, text)', 'public.my_invoice_pdf_key(uuid)']
  loop
    execute format('revoke execute on function %s from public, anon, authenticated, service_role', f);
    execute format('grant execute on function %s to authenticated', f);
  end loop;
end
$$;
