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
returns jsonb
language sql
stable
security definer
set search_path = ''
as $$
  select jsonb_build_object(
    'email', u.email,
    'created_at', u.created_at,
    'activated_at', u.email_confirmed_at,
    'last_sign_in_at', u.last_sign_in_at)
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
returns jsonb
language plpgsql
stable
security invoker
set search_path = ''
as $$
begin
  perform portal.require_live_session();
  return jsonb_build_object(
    'generated_at', now(),
    'portal_name', (select p.portal_name from public.portal_public_info() p),
    'account', portal.my_account_facts(),
    'customers', coalesce(
      (select jsonb_agg(jsonb_build_object(
                'customer_number', c.customer_number,
                'display_name', c.display_name,
                'email', c.email,
                'paper_invoices', c.paper_invoices,
                'service_name', c.service_name) order by c.ordinality)
       from public.my_customers() with ordinality c),
      '[]'::jsonb),
    'invoices', coalesce(
      (select jsonb_agg(jsonb_build_object(
                'number', i.number,
                'issued_on', i.issued_on,
                'due_on', i.due_on,
                'amount_cents', i.amount_cents,
                'object', i.object,
                'status', i.status,
                'paid_at', i.paid_at,
                'customer_number', c.customer_number,
                'service_name', s.name) order by i.issued_on desc, i.number desc)
       from portal.customers c
       join portal.invoices i on i.customer_id = c.id
       join portal.services s on s.id = i.service_id
       where c.account_id = (select auth.uid())),
      '[]'::jsonb),
    'payments', coalesce(
      (select jsonb_agg(jsonb_build_object(
                'created_at', a.created_at,
                'amount_cents', a.amount_cents,
                'invoice_numbers', array(
                  select i.number
                  from portal.payment_attempt_invoices ai
                  join portal.invoices i on i.id = ai.invoice_id
                  where ai.attempt_id = a.id
                  order by i.issued_on, i.number),
                'provider', a.provider,
                'service_name', s.name,
                'refdet', a.refdet,
                'idop', a.idop,
                'numauto', a.numauto,
                'status', a.status,
                'transaction_at', a.transaction_at) order by a.created_at desc, a.refdet)
       from portal.payment_attempts a
       left join portal.services s on s.id = a.service_id
       where a.account_id = (select auth.uid())),
      '[]'::jsonb),
    'messages', coalesce(
      (select jsonb_agg(jsonb_build_object(
                'created_at', m.created_at,
                'service_name', s.name,
                'sender_name', m.sender_name,
                'sender_email', m.sender_email,
                'customer_numbers', m.customer_numbers,
                'subject', m.subject,
                'body', m.body) order by m.created_at desc)
       from portal.contact_messages m
       left join portal.services s on s.id = m.service_id
       where m.account_id = (select auth.uid())),
      '[]'::jsonb),
    'paper_optout_requests', coalesce(
      (select jsonb_agg(jsonb_build_object(
                'requested_at', r.requested_at,
                'customer_number', c.customer_number,
                'service_name', s.name) order by r.requested_at desc)
       from portal.paper_optout_requests r
       left join portal.customers c on c.id = r.customer_id
       left join portal.services s on s.id = c.service_id
       where r.account_id = (select auth.uid())),
      '[]'::jsonb));
end
$$;
revoke execute on function public.my_personal_data() from public, anon, authenticated, service_role;
grant execute on function public.my_personal_data() to authenticated;
