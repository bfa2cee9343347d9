/**
 * « Attestations de paiement »: a yearly certificate per customer record, listing the invoices of
 * that record paid in a calendar year (docs/decisions/0037-payment-certificates.md).
 *
 * THE RULE. An invoice is on the certificate of year Y of its customer record when its status is
 * 'paid' and its paid_at (when it was paid: set by the payment outcome for online payments, or by
 * staff with the date the service knows) falls in year Y in Europe/Paris time. A 'paid' invoice
 * without paid_at (marked paid by the billing software with no date known to the portal) is on no
 * certificate; a 'treasury' invoice (sent to the Trésor public) is not paid to the service. A year
 * without such an invoice has no certificate.
 *
 * Both functions follow the page functions (supabase/migrations/20261126000600_pages.sql): the
 * session is checked first (portal.require_live_session(), PT401), they are security invoker (RLS
 * decides every row), and they start from the caller's identity (`c.account_id = (select
 * auth.uid())`) so that an index reaches the caller's rows: customers(account_id), then the new
 * partial index invoices(customer_id, paid_at) of paid invoices with a date, by range for a year
 * (docs/performance.md; tests/certificates/plan.test.ts).
 *
 * The service's postal address, printed under its name on the certificate, was not in the schema:
 * services.postal_address (nullable; staff set it with the dashboard or SQL; the certificate
 * leaves the line out while it is unset).
 *
 * Append-only migrations: docs/decisions/0020-one-migration-per-domain-append-only.md.
 */

alter table portal.services
  add column postal_address text
  check (postal_address is null or length(btrim(postal_address)) between 1 and 300);

-- A customer's paid invoices with a payment date, in date order: the years and one year's range.
create index invoices_paid_at_by_customer_idx
  on portal.invoices (customer_id, paid_at) where status = 'paid' and paid_at is not null;

-- /attestations: {frame, customers: [{customer_id, service_numcli, service_name, customer_number,
-- display_name, years: [newest first]}]}, every customer record of the caller (years [] when none).
create or replace function public.certificates_page()
  returns jsonb language plpgsql stable security invoker set search_path = ''
as $$
begin
  perform portal.require_live_session();
  return jsonb_build_object(
    'frame', portal.page_frame(),
    'customers', coalesce((
      select jsonb_agg(jsonb_build_object(
               'customer_id', c.id,
               'service_numcli', s.numcli,
               'service_name', s.name,
               'customer_number', c.customer_number,
               'display_name', c.display_name,
               'years', coalesce((
                 select jsonb_agg(y.year order by y.year desc)
                 from (select distinct extract(year from i.paid_at at time zone 'Europe/Paris')::integer as year
                       from portal.invoices i
                       where i.customer_id = c.id and i.status = 'paid' and i.paid_at is not null) y
               ), '[]'::jsonb))
             order by s.name, s.numcli, c.customer_number)
      from portal.customers c
      join portal.services s on s.id = c.service_id
      where c.account_id = (select auth.uid())
    ), '[]'::jsonb));
end
$$;
revoke execute on function public.certificates_page() from public, anon, authenticated, service_role;
grant execute on function public.certificates_page() to authenticated;

-- One certificate of the caller's customer record p_customer_id (the record's id, as /factures/<id>
-- names an invoice: no customer number in URLs) for year p_year: {service: {numcli, name, postal_address}, customer: {customer_number,
-- display_name}, year, invoices: [{paid_on, number, object, amount_cents}] in payment order,
-- total_cents}; null when the record is not the caller's, or nothing was paid that year.
create or replace function public.payment_certificate(p_customer_id uuid, p_year integer)
  returns jsonb language plpgsql stable security invoker set search_path = ''
as $$
declare
  v_certificate jsonb;
begin
  perform portal.require_live_session();
  if p_year is null or p_year < 1900 or p_year > 9998 then
    return null;
  end if;
  select jsonb_build_object(
           'service', jsonb_build_object('numcli', s.numcli, 'name', s.name, 'postal_address', s.postal_address),
           'customer', jsonb_build_object('customer_number', c.customer_number, 'display_name', c.display_name),
           'year', p_year,
           'invoices', p.invoices,
           'total_cents', p.total_cents)
    into v_certificate
  from portal.customers c
  join portal.services s on s.id = c.service_id
  cross join lateral (
    select jsonb_agg(jsonb_build_object(
             'paid_on', (i.paid_at at time zone 'Europe/Paris')::date,
             'number', i.number,
             'object', i.object,
             'amount_cents', i.amount_cents)
           order by i.paid_at, i.number) as invoices,
           sum(i.amount_cents)::bigint as total_cents
    from portal.invoices i
    where i.customer_id = c.id
      and i.status = 'paid'
      and i.paid_at is not null
      and i.paid_at >= make_timestamptz(p_year, 1, 1, 0, 0, 0, 'Europe/Paris')
      and i.paid_at < make_timestamptz(p_year + 1, 1, 1, 0, 0, 0, 'Europe/Paris')
  ) p
  where c.id = p_customer_id
    and c.account_id = (select auth.uid())
    and p.invoices is not null;
  return v_certificate;
end
$$;
revoke execute on function public.payment_certificate(uuid, integer) from public, anon, authenticated, service_role;
grant execute on function public.payment_certificate(uuid, integer) to authenticated;
