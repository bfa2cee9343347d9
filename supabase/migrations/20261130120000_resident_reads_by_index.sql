-- Resident reads reach the caller's rows through an index from the caller's identity
-- (docs/performance.md).
--
-- The residents' functions used to rely on the RLS policies alone to find the caller's rows. A
-- policy is a filter, not a way in: with 100 000 invoices the planner scanned every invoice and
-- evaluated the policy on each (my_invoice_counts(), my_payable_invoices()). The rule is now the
-- one of Supabase's RLS performance guidance, applied everywhere a resident reads:
--   * every query starts from the caller's identity with an explicit filter,
--     `c.account_id = (select auth.uid())` (auth.uid() wrapped in a select: evaluated once, an
--     InitPlan, not once per row), in addition to the policies, which stay the access rule;
--   * an index serves each step from there: customers(account_id) → invoices(customer_id, …).
-- The policies already compare with `(select auth.uid())` (supabase/migrations/*.sql); nothing to
-- change there. Functions keep their signatures, attributes, results and grants.
-- tests/db/resident-reads-plan.test.ts checks the plans of every resident read at 100 000
-- invoices.

-- Indexes -----------------------------------------------------------------------------------------
-- customers(account_id) exists since 20261126170100 (customers_account_id_idx); restated so this
-- migration states everything the rule needs.
create index if not exists customers_account_id_idx on portal.customers (account_id);

-- One customer's invoices, every status: the tab counts and the payable invoices. The partial
-- indexes of 20261126190000 serve one status at a time (a tab's page) and cannot be used when the
-- query names no single status. customer_id first: uuid equality is leakproof, so it is an index
-- condition even under RLS; status second lets the counts read the index alone.
create index if not exists invoices_customer_id_status_idx on portal.invoices (customer_id, status);

-- public.my_customers() (20261126180000) -----------------------------------------------------------
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

-- public.my_invoices(…) (20261126190000): same plan as before, now entered by customers(account_id)
create or replace function public.my_invoices(
  p_status portal.invoice_status,
  p_limit integer,
  p_before_date date default null,
  p_before_id uuid default null
)
returns table (
  id uuid,
  number text,
  issued_on date,
  due_on date,
  amount_cents bigint,
  object text,
  status portal.invoice_status,
  customer_id uuid,
  customer_number text,
  customer_name text,
  service_name text
)
language plpgsql
stable
security invoker
set search_path = ''
set enable_bitmapscan = off
as $$
declare
  v_limit integer := least(greatest(coalesce(p_limit, 20), 1), 100);
  v_after text := '';
begin
  if p_status is null then
    return;
  end if;
  if p_before_date is not null then
    v_after := 'and (i.issued_on, i.id) < ($1, coalesce($2, ''00000000-0000-0000-0000-000000000000''::uuid))';
  end if;
  return query execute format(
    $q$
      select i.id, i.number, i.issued_on, i.due_on, i.amount_cents, i.object, i.status,
             c.id, c.customer_number, c.display_name, s.name
      from portal.customers c
      cross join lateral (
        select i.*
        from portal.invoices i
        where i.customer_id = c.id
          and i.status = %L::portal.invoice_status
          %s
        order by i.issued_on desc, i.id desc
        limit $3
      ) i
      join portal.services s on s.id = i.service_id
      where c.account_id = (select auth.uid())
      order by i.issued_on desc, i.id desc
      limit $3
    $q$,
    p_status, v_after
  ) using p_before_date, p_before_id, v_limit;
end
$$;

-- public.my_invoice_counts() (20261126190000) ------------------------------------------------------
-- count(v.status) counts the same rows as count(v.id) did (both are null only on the left join's
-- empty side) and lets the counts come from invoices_customer_id_status_idx alone.
create or replace function public.my_invoice_counts()
returns table (status portal.invoice_status, invoice_count integer)
language sql
stable
security invoker
set search_path = ''
as $$
  select st.status, count(v.status)::integer
  from unnest(enum_range(null::portal.invoice_status)) as st (status)
  left join (
    select i.status
    from portal.customers c
    join portal.invoices i on i.customer_id = c.id
    where c.account_id = (select auth.uid())
  ) v on v.status = st.status
  group by st.status
  order by st.status
$$;

-- public.my_invoice(id) (20261126190000) -----------------------------------------------------------
create or replace function public.my_invoice(p_id uuid)
returns table (
  id uuid,
  number text,
  issued_on date,
  due_on date,
  amount_cents bigint,
  object text,
  status portal.invoice_status,
  paid_at timestamptz,
  customer_id uuid,
  customer_number text,
  customer_name text,
  service_id uuid,
  service_name text,
  payment_suspended boolean,
  has_pdf boolean
)
language sql
stable
security invoker
set search_path = ''
as $$
  select i.id, i.number, i.issued_on, i.due_on, i.amount_cents, i.object, i.status, i.paid_at,
         c.id, c.customer_number, c.display_name, s.id, s.name, s.payment_suspended,
         i.pdf_object_key is not null
  from portal.invoices i
  join portal.customers c on c.id = i.customer_id
  join portal.services s on s.id = i.service_id
  where i.id = p_id
    and c.account_id = (select auth.uid())
$$;

-- public.my_invoice_pdf_key(id) (20261126190000) ---------------------------------------------------
create or replace function public.my_invoice_pdf_key(p_id uuid)
returns table (number text, object_key text)
language sql
stable
security invoker
set search_path = ''
as $$
  select i.number, i.pdf_object_key
  from portal.invoices i
  join portal.customers c on c.id = i.customer_id
  where i.id = p_id
    and c.account_id = (select auth.uid())
$$;

-- public.my_payment_attempt(id, idop) (20261128120000) ---------------------------------------------
create or replace function public.my_payment_attempt(p_attempt_id uuid default null, p_idop text default null)
returns table (
  id uuid,
  status portal.payment_status,
  provider portal.payment_provider,
  numcli text,
  refdet text,
  idop text,
  amount_cents bigint,
  invoice_ids uuid[],
  invoice_numbers text[],
  numauto text,
  transaction_at timestamptz,
  created_at timestamptz,
  expires_at timestamptz
)
language sql
stable
security invoker
set search_path = ''
as $$
  select a.id, a.status, a.provider, a.numcli, a.refdet, a.idop, a.amount_cents,
         array(select ai.invoice_id from portal.payment_attempt_invoices ai
               join portal.invoices i on i.id = ai.invoice_id
               where ai.attempt_id = a.id order by i.issued_on, i.number),
         array(select i.number from portal.payment_attempt_invoices ai
               join portal.invoices i on i.id = ai.invoice_id
               where ai.attempt_id = a.id order by i.issued_on, i.number),
         a.numauto, a.transaction_at, a.created_at, a.expires_at
  from portal.payment_attempts a
  where ((p_attempt_id is not null and a.id = p_attempt_id)
         or (p_attempt_id is null and p_idop is not null and a.idop = p_idop))
    and a.account_id = (select auth.uid())
  limit 1
$$;

-- public.my_paper_status() (20261127120000): auth.uid() in a select, like everywhere else ---------
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

-- The other resident reads already start from the caller's identity with an explicit filter and
-- are served by the indexes above: my_contact_services() (20261130110000), my_payable_invoices()
-- (20261128120000, security definer: c.account_id = (select auth.uid()) then invoices by
-- customer_id, now through invoices_customer_id_status_idx), my_invoice_payment()
-- (20261130100000). portal_home() reads the one settings row.
