/**
 * One page, one call; the session checked in that call (docs/performance.md, "One page, one
 * call"; docs/decisions/0014-one-page-one-call.md).
 *
 * Every page behind login gets everything it shows from one public.*_page() function: on Supabase
 * one PostgREST request, on the embedded default one transaction under RLS. Each page function
 *   * first checks that the caller's Auth session is still live (portal.require_live_session(),
 *     in the customers and accounts migration: the access token's session_id names a row of
 *     auth.sessions of this user, not past its not_after), so a logout or a password change ends
 *     access at the next page, even with an access token that has not expired yet; otherwise
 *     SQLSTATE PT401, which PostgREST answers with HTTP 401;
 *   * is security invoker (RLS applies) and reuses the resident reads of the other migrations,
 *     which reach the caller's rows by index from auth.uid() (docs/performance.md);
 *   * returns jsonb: what the page shows plus the layout's `frame` ({portal_name, display_name}).
 * The writes residents make and the PDF key read refuse a dead session in the same call too.
 */

/**
 * -------------------------------------------------------
 * The layout's frame
 * -------------------------------------------------------
 */

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

/**
 * -------------------------------------------------------
 * Page functions
 * -------------------------------------------------------
 */

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
revoke execute on function public.frame_page() from public, anon, authenticated, service_role;
grant execute on function public.frame_page() to authenticated;

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
revoke execute on function public.home_page() from public, anon, authenticated, service_role;
grant execute on function public.home_page() to authenticated;

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
revoke execute on function public.invoices_page(portal.invoice_status, integer, date, uuid) from public, anon, authenticated, service_role;
grant execute on function public.invoices_page(portal.invoice_status, integer, date, uuid) to authenticated;

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
revoke execute on function public.invoice_page(uuid) from public, anon, authenticated, service_role;
grant execute on function public.invoice_page(uuid) to authenticated;

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
revoke execute on function public.info_page() from public, anon, authenticated, service_role;
grant execute on function public.info_page() to authenticated;

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
revoke execute on function public.contact_page() from public, anon, authenticated, service_role;
grant execute on function public.contact_page() to authenticated;

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
revoke execute on function public.payment_page() from public, anon, authenticated, service_role;
grant execute on function public.payment_page() to authenticated;

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
revoke execute on function public.payment_return_page(uuid, text) from public, anon, authenticated, service_role;
grant execute on function public.payment_return_page(uuid, text) to authenticated;
