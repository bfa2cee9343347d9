-- Invoices (factures). Amounts are integer cents.

create type portal.invoice_status as enum ('unpaid', 'paid', 'treasury');

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
  unique (service_id, number),
  foreign key (service_id, customer_id) references portal.customers (service_id, id) on delete cascade,
  check (due_on >= issued_on),
  check (paid_at is null or status = 'paid')
);
-- The "Mes factures" tabs: one customer's invoices of one status, newest first, keyset-paginated.
create index invoices_customer_status_issued_idx
  on portal.invoices (customer_id, status, issued_on desc, id);
create trigger invoices_set_updated_at before update on portal.invoices
  for each row execute function portal.set_updated_at();

alter table portal.invoices enable row level security;

create policy "Residents can see the invoices of their customer records"
  on portal.invoices for select to authenticated
  using (customer_id in (
    select c.id from portal.customers c where c.account_id = (select auth.uid())
  ));

grant select on portal.invoices to authenticated;
grant all on portal.invoices to service_role;
