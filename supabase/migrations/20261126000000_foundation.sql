/**
 * Foundation: the private schema that holds every table of the domain, the services that bill,
 * the portal's singleton settings, and the two functions the login page and /health need.
 *
 * Tables live in `portal`, which PostgREST does not expose (config.toml exposes `public` only).
 * The app reaches data through `public.*` functions, each granted explicitly (basejump style);
 * docs/decisions/0001-domain-in-sql-private-schema.md.
 *
 * One migration per domain, each ordered types → tables → indexes → row level security →
 * functions and grants; migrations are append-only: a change is a new dated file
 * (docs/decisions/0020-one-migration-per-domain-append-only.md).
 */

create schema if not exists portal;
grant usage on schema portal to authenticated, service_role;

/**
 * -------------------------------------------------------
 * Shared helpers
 * -------------------------------------------------------
 */
create or replace function portal.set_updated_at() returns trigger
language plpgsql
set search_path = ''
as $$
begin
  new.updated_at := now();
  return new;
end
$$;
revoke execute on function portal.set_updated_at() from public, anon, authenticated;

/**
 * -------------------------------------------------------
 * Types
 * -------------------------------------------------------
 */
create type portal.payment_provider as enum ('payfip_ws', 'tipi');

/**
 * -------------------------------------------------------
 * Tables
 * -------------------------------------------------------
 */

-- Services: the public bodies that bill, with their TIPI/PayFiP settings.
create table portal.services (
  id uuid primary key default gen_random_uuid(),
  name text not null check (length(btrim(name)) between 1 and 200),
  -- TIPI/PayFiP customer number: 6 digits, kept as text (leading zeros).
  numcli text not null unique check (numcli ~ '^[0-9]{6}$'),
  payment_provider portal.payment_provider not null default 'payfip_ws',
  -- T test, X activation, then the provider's production letter (services_saisie_per_provider).
  saisie text not null default 'T',
  allow_multiple_invoices boolean not null default false,
  payment_suspended boolean not null default false,
  contact_email text check (contact_email = lower(btrim(contact_email))
                            and contact_email ~ '^[^@[:space:]]+@[^@[:space:]]+\.[^@[:space:]]+$'),
  general_info text not null default '',
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  -- saisie per provider: PayFiP's web service takes T, X, W (W: production); classic TIPI T, X,
  -- A, M (A: production). A letter the provider refuses never works (PayFiP answers fault S1 to
  -- A; TIPI knows no W). docs/decisions/0013-tipi-trust-and-abandon-window.md, docs/payment.md.
  constraint services_saisie_per_provider check (
    (payment_provider = 'payfip_ws' and saisie in ('T', 'X', 'W'))
    or (payment_provider = 'tipi' and saisie in ('T', 'X', 'A', 'M'))
  )
);
create trigger services_set_updated_at before update on portal.services
  for each row execute function portal.set_updated_at();

-- Portal settings: one row (id is always true).
create table portal.portal_settings (
  id boolean primary key default true check (id),
  portal_name text not null default 'Le Portail des Factures' check (length(btrim(portal_name)) between 1 and 100),
  announcement text check (announcement is null or length(announcement) <= 2000),
  welcome_message text not null default '',
  updated_at timestamptz not null default now()
);
create trigger portal_settings_set_updated_at before update on portal.portal_settings
  for each row execute function portal.set_updated_at();
insert into portal.portal_settings (id) values (true) on conflict (id) do nothing;

/**
 * -------------------------------------------------------
 * Row level security
 * -------------------------------------------------------
 */
alter table portal.services enable row level security;
-- The residents' policy on services needs customers: see the customers and accounts migration.

alter table portal.portal_settings enable row level security;
create policy "Signed-in residents can read the portal settings"
  on portal.portal_settings for select to authenticated
  using (true);

grant select on portal.services, portal.portal_settings to authenticated;
grant all on portal.services, portal.portal_settings to service_role;

/**
 * -------------------------------------------------------
 * Functions
 * -------------------------------------------------------
 */

-- public.portal_public_info(): all the login page may show to anyone ------------------------------
create or replace function public.portal_public_info()
returns table (portal_name text)
language sql
stable
security definer
set search_path = ''
as $$
  select coalesce(
    (select s.portal_name from portal.portal_settings s where s.id),
    'Le Portail des Factures'
  )
$$;
revoke execute on function public.portal_public_info() from public, anon, authenticated;
grant execute on function public.portal_public_info() to anon, authenticated, service_role;

-- public.health_check(): the server's liveness probe, called with the service role only -----------
create or replace function public.health_check()
returns boolean
language sql
stable
set search_path = ''
as $$
  select true
$$;
revoke execute on function public.health_check() from public, anon, authenticated;
grant execute on function public.health_check() to service_role;
