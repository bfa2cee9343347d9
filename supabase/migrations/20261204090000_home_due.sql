/**
 * The home page says what is due (docs/decisions/0035-home-due-summary.md; the screen:
 * docs/resident-screens.md, « Accueil »).
 *
 * public.home_page() (supabase/migrations/20261126000600_pages.sql) is replaced, still ONE call
 * with the session check first (docs/decisions/0014-one-page-one-call.md), and answers `due` too:
 *   * `services`: per service of the caller's unpaid invoices (the « À régler » tab of /factures),
 *     its numcli (the /paiement?service= parameter), name, whether it takes several
 *     invoices at once, whether its online payment is suspended, the count, the total in integer
 *     cents and the earliest due date; ordered by service name like the payment selection;
 *   * `treasury_count`: how many of the caller's invoices were handed to the public treasury
 *     (« en trésorerie »): they are not payable online, never counted as due here.
 * Invoices held by a payment under way stay in the count: they are unpaid until DGFiP answers,
 * and the selection screen says why they cannot be ticked.
 *
 * Security invoker: the residents' RLS decides; each read also starts from the caller's identity
 * (`c.account_id = (select auth.uid())`) so that customers(account_id) then the partial indexes
 * invoices_unpaid_by_customer_idx / invoices_treasury_by_customer_idx reach the caller's rows
 * (docs/performance.md; tests/db/resident-reads-plan.test.ts checks the plans at scale).
 *
 * Append-only migrations: docs/decisions/0020-one-migration-per-domain-append-only.md.
 */

-- /accueil: the announcement (null: none), the welcome message (public.portal_home()) and what is due.
create or replace function public.home_page()
  returns jsonb language plpgsql stable security invoker set search_path = ''
as $$
declare
  v_services jsonb;
  v_treasury integer;
begin
  perform portal.require_live_session();
  -- Unpaid invoices per service: customers(account_id) → invoices_unpaid_by_customer_idx.
  select coalesce(jsonb_agg(jsonb_build_object(
           'numcli', d.numcli, 'service_name', d.name, 'allow_multiple_invoices', d.allow_multiple_invoices,
           'payment_suspended', d.payment_suspended, 'invoice_count', d.invoice_count,
           'total_cents', d.total_cents, 'next_due_on', d.next_due_on) order by d.name, d.numcli), '[]'::jsonb)
    into v_services
    from (select s.numcli, s.name, s.allow_multiple_invoices, s.payment_suspended, count(*)::integer as invoice_count,
                 sum(i.amount_cents)::bigint as total_cents, min(i.due_on) as next_due_on
          from portal.customers c
          join portal.invoices i on i.customer_id = c.id and i.status = 'unpaid'
          join portal.services s on s.id = i.service_id
          where c.account_id = (select auth.uid())
          group by s.id) d;
  -- In treasury: customers(account_id) → invoices_treasury_by_customer_idx.
  select count(*)::integer into v_treasury
    from portal.customers c
    join portal.invoices i on i.customer_id = c.id and i.status = 'treasury'
    where c.account_id = (select auth.uid());
  return coalesce((select jsonb_build_object('announcement', h.announcement, 'welcome_message', h.welcome_message)
                   from public.portal_home() h), jsonb_build_object('announcement', null, 'welcome_message', ''))
    || jsonb_build_object('frame', portal.page_frame(),
                          'due', jsonb_build_object('services', v_services, 'treasury_count', v_treasury));
end
$$;
revoke execute on function public.home_page() from public, anon, authenticated, service_role;
grant execute on function public.home_page() to authenticated;
