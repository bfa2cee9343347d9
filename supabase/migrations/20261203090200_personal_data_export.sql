/**
 * « Télécharger mes données » (RGPD right of access): everything the portal holds about the
 * signed-in account, in ONE call (docs/decisions/0033-personal-data-export.md; the file's format,
 * field by field: docs/personal-data-export.md).
 *
 * public.my_personal_data() follows the page functions (supabase/migrations/20261126000600_pages.sql):
 *   * it first checks that the caller's Auth session is still live (portal.require_live_session():
 *     SQLSTATE PT401 otherwise, HTTP 401 through PostgREST);
 *   * it is security invoker: the residents' RLS policies decide every row it returns, and each
 *     read also starts from the caller's identity with an explicit filter (`… = (select
 *     auth.uid())`, an InitPlan) so that an index reaches the caller's rows (docs/performance.md):
 *     customers(account_id) → invoices(customer_id, status), payment_attempts(account_id, …),
 *     contact_messages(account_id, …), paper_optout_requests(account_id);
 *   * the account's own Auth facts (login e-mail, creation, activation, last sign-in) come from
 *     portal.my_account_facts(), security definer because the API roles cannot read auth.users,
 *     which reads the caller's own row only (auth.uid()), as portal.session_is_live() does.
 * Nothing internal leaves: no password hash, token, session, throttle key, outbox copy, internal
 * id where a public number exists (customer number, invoice number, payment reference).
 *
 * Append-only migrations: docs/decisions/0020-one-migration-per-domain-append-only.md.
 */

/**
 * -------------------------------------------------------
 * The account's own Auth facts
 * -------------------------------------------------------
 */

-- {email, created_at, activated_at, last_sign_in_at} of the caller's own auth.users row (null
-- for anon: auth.uid() is null). activated_at: when the account's e-mail was confirmed, i.e. the
-- activation link was followed (Supabase Auth's email_confirmed_at; the embedded adapter sets it
-- the same way).
create or replace function portal.my_account_facts()
  returns jsonb language sql stable security definer set search_path = ''
as $$
  select jsonb_build_object('email', u.email, 'created_at', u.created_at,
                            'activated_at', u.email_confirmed_at, 'last_sign_in_at', u.last_sign_in_at)
  from auth.users u
  where u.id = (select auth.uid())
$$;
revoke execute on function portal.my_account_facts() from public, anon, authenticated;
grant execute on function portal.my_account_facts() to authenticated;

/**
 * -------------------------------------------------------
 * The export
 * -------------------------------------------------------
 */

-- public.my_personal_data(): {generated_at, portal_name, account, customers, invoices, payments,
-- messages, paper_optout_requests}; arrays newest first (customers in my_customers() order).
-- A row the caller can no longer see through RLS (a customer record the service moved to another
-- e-mail) leaves its fields null in the caller's own rows that point to it (the payment's invoice
-- numbers, the opt-out's customer number): the caller's own request stays, the other account's
-- data does not come with it.
create or replace function public.my_personal_data()
  returns jsonb language plpgsql stable security invoker set search_path = ''
as $$
declare
  v_export jsonb;
begin
  perform portal.require_live_session();
  with
    customers as (
      select coalesce(jsonb_agg(to_jsonb(r) - 'pos' order by r.pos), '[]'::jsonb) as v
      from (select c.customer_number, c.display_name, c.email, c.paper_invoices, c.service_name, c.pos
            from public.my_customers() with ordinality as c (id, customer_number, display_name, email, paper_invoices,
                                                             service_id, service_name, pos)) r),
    invoices as (
      select coalesce(jsonb_agg(to_jsonb(r) order by r.issued_on desc, r.number desc), '[]'::jsonb) as v
      from (select i.number, i.issued_on, i.due_on, i.amount_cents, i.object, i.status, i.paid_at,
                   c.customer_number, s.name as service_name
            from portal.customers c
            join portal.invoices i on i.customer_id = c.id
            join portal.services s on s.id = i.service_id
            where c.account_id = (select auth.uid())) r),
    payments as (
      -- The invoices' numbers through the attempt's lines, as far as RLS still shows them.
      select coalesce(jsonb_agg(to_jsonb(r) order by r.created_at desc, r.refdet), '[]'::jsonb) as v
      from (select a.created_at, a.amount_cents, a.provider, s.name as service_name, a.refdet, a.idop, a.numauto,
                   a.status, a.transaction_at,
                   array(select i.number from portal.payment_attempt_invoices ai
                         join portal.invoices i on i.id = ai.invoice_id
                         where ai.attempt_id = a.id order by i.issued_on, i.number) as invoice_numbers
            from portal.payment_attempts a
            left join portal.services s on s.id = a.service_id
            where a.account_id = (select auth.uid())) r),
    messages as (
      select coalesce(jsonb_agg(to_jsonb(r) order by r.created_at desc), '[]'::jsonb) as v
      from (select m.created_at, s.name as service_name, m.sender_name, m.sender_email, m.customer_numbers, m.subject, m.body
            from portal.contact_messages m left join portal.services s on s.id = m.service_id
            where m.account_id = (select auth.uid())) r),
    optouts as (
      select coalesce(jsonb_agg(to_jsonb(r) order by r.requested_at desc), '[]'::jsonb) as v
      from (select o.requested_at, c.customer_number, s.name as service_name
            from portal.paper_optout_requests o
            left join portal.customers c on c.id = o.customer_id
            left join portal.services s on s.id = c.service_id
            where o.account_id = (select auth.uid())) r)
  select jsonb_build_object(
           'generated_at', now(), 'portal_name', (select p.portal_name from public.portal_public_info() p),
           'account', portal.my_account_facts(), 'customers', (select v from customers),
           'invoices', (select v from invoices), 'payments', (select v from payments),
           'messages', (select v from messages), 'paper_optout_requests', (select v from optouts))
  into v_export;
  return v_export;
end
$$;
revoke execute on function public.my_personal_data() from public, anon, authenticated, service_role;
grant execute on function public.my_personal_data() to authenticated;
