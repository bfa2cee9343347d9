-- Customers (abonnés) and their link to accounts (auth.users).
-- One e-mail = one account; an account sees every customer record that carries its e-mail.
-- `customers.account_id` is kept equal to "the account whose e-mail is the customer's e-mail" by
-- two triggers, so RLS policies compare ids only.

create table portal.customers (
  id uuid primary key default gen_random_uuid(),
  service_id uuid not null references portal.services (id) on delete cascade,
  customer_number text not null check (length(btrim(customer_number)) between 1 and 50),
  display_name text not null check (length(btrim(display_name)) between 1 and 200),
  -- Null when the service holds no e-mail: such a customer cannot activate an account.
  email text check (email = lower(btrim(email))
                    and length(email) <= 254
                    and email ~ '^[^@[:space:]]+@[^@[:space:]]+\.[^@[:space:]]+$'),
  paper_invoices boolean not null default true,
  account_id uuid references auth.users (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (service_id, customer_number),
  -- Lets invoices reference (service_id, customer_id) so an invoice's customer is of its service.
  unique (service_id, id)
);
create index customers_account_id_idx on portal.customers (account_id);
create index customers_email_idx on portal.customers (email);
create trigger customers_set_updated_at before update on portal.customers
  for each row execute function portal.set_updated_at();

-- A customer inserted, or whose e-mail changes, is linked to the account with that e-mail (or
-- unlinked when there is none). Security definer: it reads auth.users, which no API role can.
create or replace function portal.link_customer_to_account() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if tg_op = 'INSERT' or new.email is distinct from old.email then
    new.account_id := (
      select u.id from auth.users u
      where new.email is not null
        and lower(u.email) = new.email
        and u.deleted_at is null
      order by u.created_at nulls last, u.id
      limit 1
    );
  end if;
  return new;
end
$$;
revoke execute on function portal.link_customer_to_account() from public, anon, authenticated;

create trigger customers_link_to_account
  before insert or update of email on portal.customers
  for each row execute function portal.link_customer_to_account();

-- An account created, or whose e-mail changes, is linked to every customer with that e-mail;
-- customers it was linked to through its previous e-mail are unlinked.
create or replace function portal.link_account_to_customers() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if tg_op = 'UPDATE' then
    if new.email is not distinct from old.email then
      return new;
    end if;
    update portal.customers c
      set account_id = null
      where c.account_id = new.id
        and c.email is distinct from lower(new.email);
  end if;
  if new.email is not null and new.deleted_at is null then
    update portal.customers c
      set account_id = new.id
      where c.email = lower(new.email)
        and c.account_id is distinct from new.id;
  end if;
  return new;
end
$$;
revoke execute on function portal.link_account_to_customers() from public, anon, authenticated;

create trigger on_auth_user_email_link_customers
  after insert or update of email on auth.users
  for each row execute function portal.link_account_to_customers();

-- RLS --------------------------------------------------------------------------------------------
alter table portal.customers enable row level security;

create policy "Residents can see the customer records that carry their e-mail"
  on portal.customers for select to authenticated
  using (account_id = (select auth.uid()));

create policy "Residents can see the services they are a customer of"
  on portal.services for select to authenticated
  using (exists (
    select 1 from portal.customers c
    where c.service_id = services.id
      and c.account_id = (select auth.uid())
  ));

grant select on portal.customers to authenticated;
grant all on portal.customers to service_role;
