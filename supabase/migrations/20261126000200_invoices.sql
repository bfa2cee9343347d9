/**
 * Invoices (factures) and how residents read them: the home page's texts, the "Mes factures"
 * tabs, an invoice's detail, the key of its PDF and the storage policy that lets its owner
 * download it. Amounts are integer cents.
 *
 * Every read is SECURITY INVOKER: the residents' RLS policies on portal.customers,
 * portal.invoices, portal.services and portal.portal_settings decide what comes back. Each read
 * also starts from the caller's identity with an explicit filter, `c.account_id = (select
 * auth.uid())` (auth.uid() in a select: evaluated once, an InitPlan, not once per row), and an
 * index serves each step from there: customers(account_id) → invoices(customer_id, …). A policy
 * is a filter, not a way in: with 100 000 invoices the planner would otherwise scan every invoice
 * and evaluate the policy on each (docs/performance.md; tests/db/resident-reads-plan.test.ts
 * checks the plans at 100 000 invoices). docs/decisions/0006-invoice-pdfs.md.
 */

/**
 * -------------------------------------------------------
 * Types
 * -------------------------------------------------------
 */
create type portal.invoice_status as enum ('unpaid', 'paid', 'treasury');

/**
 * -------------------------------------------------------
 * Tables
 * -------------------------------------------------------
 */
create table portal.invoices (
  id uuid primary key default gen_random_uuid(),
  service_id uuid not null references portal.services (id) on delete cascade,
  customer_id uuid not null,
  number text not null check (length(btrim(number)) between 1 and 50),
  issued_on date not null,
  due_on date not null,
  amount_cents bigint not null check (amount_cents >= 0),
  object text not null default '' check (length(object) <= 200),
  status portal.invoice_status not null default 'unpaid',
  -- Key in the private `invoices` bucket, e.g. '004200/2017-020-002059.pdf'.
  pdf_object_key text check (pdf_object_key is null or (pdf_object_key !~ '(^/|\.\.)' and length(pdf_object_key) <= 500)),
  paid_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  -- The SHA-256 of the stored PDF, so a re-import uploads only PDFs that changed
  -- (docs/decisions/0009-import.md).
  pdf_sha256 text check (pdf_sha256 is null or pdf_sha256 ~ '^[0-9a-f]{64}$'),
  unique (service_id, number),
  foreign key (service_id, customer_id) references portal.customers (service_id, id) on delete cascade,
  check (due_on >= issued_on),
  check (paid_at is null or status = 'paid')
);
create trigger invoices_set_updated_at before update on portal.invoices
  for each row execute function portal.set_updated_at();

/**
 * -------------------------------------------------------
 * Indexes
 * -------------------------------------------------------
 */

-- A tab's page, one partial index per status: (customer, newest first, id). Not one index
-- (customer_id, status, ...): under RLS the planner cannot use `status = …` as an index condition
-- (the enum's equality operator is not leakproof, so it must run after the policy's quals). A
-- partial index per status needs no such condition: it is chosen by predicate proof, with the
-- status written as a literal in the query.
create index invoices_unpaid_by_customer_idx
  on portal.invoices (customer_id, issued_on desc, id desc) where status = 'unpaid';
create index invoices_paid_by_customer_idx
  on portal.invoices (customer_id, issued_on desc, id desc) where status = 'paid';
create index invoices_treasury_by_customer_idx
  on portal.invoices (customer_id, issued_on desc, id desc) where status = 'treasury';

-- One customer's invoices, every status: the tab counts and the payable invoices, which name no
-- single status. customer_id first: uuid equality is leakproof, so it is an index condition even
-- under RLS; status second lets the counts read the index alone.
create index invoices_customer_id_status_idx on portal.invoices (customer_id, status);

-- The storage policy below looks invoices up by their PDF's object key.
create index invoices_pdf_object_key_idx
  on portal.invoices (pdf_object_key) where pdf_object_key is not null;

/**
 * -------------------------------------------------------
 * Row level security
 * -------------------------------------------------------
 */
alter table portal.invoices enable row level security;

create policy "Residents can see the invoices of their customer records"
  on portal.invoices for select to authenticated
  using (customer_id in (
    select c.id from portal.customers c where c.account_id = (select auth.uid())
  ));

grant select on portal.invoices to authenticated;
grant all on portal.invoices to service_role;

-- Supabase Storage: the private bucket `invoices` (created from config.toml / the dashboard) --------
-- A resident may download an object of the bucket only when it is the PDF of an invoice they can
-- see (the subquery runs under the invoices' RLS). No insert, update or delete policy: staff
-- upload with the dashboard or the service role. On Supabase, storage.objects exists before the
-- migrations run; the embedded bootstrap creates a minimal compatible table, so the policy is the
-- same everywhere and tested on PGlite.
do $$
begin
  if to_regclass('storage.objects') is not null then
    create policy "Residents can download the PDFs of their invoices"
      on storage.objects for select to authenticated
      using (
        bucket_id = 'invoices'
        and exists (
          select 1 from portal.invoices i
          where i.pdf_object_key = objects.name
        )
      );
  end if;
end
$$;

/**
 * -------------------------------------------------------
 * Functions
 * -------------------------------------------------------
 */

-- public.portal_home(): the announcement (null: no box) and the welcome message -----------------
create or replace function public.portal_home()
returns table (announcement text, welcome_message text)
language sql
stable
security invoker
set search_path = ''
as $$
  select nullif(btrim(s.announcement), ''), s.welcome_message
  from portal.portal_settings s
  where s.id
$$;
revoke execute on function public.portal_home() from public, anon, authenticated, service_role;
grant execute on function public.portal_home() to authenticated;

-- public.my_invoices(status, limit, before_date, before_id): one page of a tab ------------------
-- Rows strictly after the cursor (p_before_date, p_before_id) in the order issued_on desc, id
-- desc; no cursor: the first page. A date without an id means "strictly before that day".
-- p_limit is clamped to 1..100 so no caller can ask for a whole table.
--
-- Plan: from the caller's customer records (customers(account_id)), for each (usually one), an
-- ordered scan of that status's partial index from the cursor, stopped after p_limit rows; then a
-- merge of those short lists. So a page costs the same with 10 or 100,000 invoices. The status is
-- a literal in the dynamic query (format %L of an enum value) so the partial index is provable;
-- bitmap scans are off inside this function because, with skewed customers (one with thousands
-- of invoices), the planner would otherwise read them all and sort.
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
revoke execute on function public.my_invoices(portal.invoice_status, integer, date, uuid) from public, anon, authenticated, service_role;
grant execute on function public.my_invoices(portal.invoice_status, integer, date, uuid) to authenticated;

-- public.my_invoice_counts(): how many invoices in each tab (every status, zeros included) -------
-- count(v.status): null only on the left join's empty side, and lets the counts come from
-- invoices_customer_id_status_idx alone.
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
revoke execute on function public.my_invoice_counts() from public, anon, authenticated, service_role;
grant execute on function public.my_invoice_counts() to authenticated;

-- public.my_invoice(id): one invoice with what its page shows (no row: not found or not theirs) --
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
revoke execute on function public.my_invoice(uuid) from public, anon, authenticated, service_role;
grant execute on function public.my_invoice(uuid) to authenticated;

-- public.my_invoice_pdf_key(id): the invoice's number and PDF key, for its owner only ------------
-- No row: no such invoice, or not the caller's. object_key null: the service loaded no PDF.
-- A dead session is refused in the same call (portal.require_live_session).
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
revoke execute on function public.my_invoice_pdf_key(uuid) from public, anon, authenticated, service_role;
grant execute on function public.my_invoice_pdf_key(uuid) to authenticated;
