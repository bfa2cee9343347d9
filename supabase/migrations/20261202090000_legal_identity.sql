/**
 * Legal identity of a deployment: who publishes the portal, who hosts it, who answers for the
 * personal data, and how long each kind of data is kept. The pages /mentions-legales and
 * /donnees-personnelles show it to anyone; staff set it (npm run admin -- legal … on the
 * embedded default, the Supabase dashboard otherwise: docs/staff-settings.md).
 *
 * One row, beside portal.portal_settings. Every field is nullable: an unknown value stays null
 * and the pages say it is missing, never a made-up default
 * (docs/decisions/0027-legal-identity-settings.md).
 *
 * Append-only migrations: docs/decisions/0020-one-migration-per-domain-append-only.md.
 */

/**
 * -------------------------------------------------------
 * Types
 * -------------------------------------------------------
 */
-- What the fields hold: a name or a sentence, an address (several lines), a telephone number, an
-- e-mail address (lower case), a retention period in days or in months.
create domain portal.legal_text as text check (length(btrim(value)) between 1 and 300);
create domain portal.legal_address as text check (length(btrim(value)) between 1 and 500);
create domain portal.legal_phone as text check (length(btrim(value)) between 1 and 50);
create domain portal.legal_email as text
  check (value = lower(btrim(value)) and value ~ '^[^@[:space:]]+@[^@[:space:]]+\.[^@[:space:]]+$');
create domain portal.legal_days as integer check (value between 1 and 3650);
create domain portal.legal_months as integer check (value between 1 and 600);

/**
 * -------------------------------------------------------
 * Tables
 * -------------------------------------------------------
 */
create table portal.legal_identity (
  id boolean primary key default true check (id),
  -- Éditeur (LCEN art. 6 III): the service or local authority that publishes the portal, its
  -- SIRET (14 digits), legal representative, publication director and contact means.
  publisher_name portal.legal_text, publisher_address portal.legal_address,
  publisher_siret text check (publisher_siret ~ '^[0-9]{14}$'),
  legal_representative portal.legal_text, publication_director portal.legal_text,
  contact_email portal.legal_email, contact_phone portal.legal_phone,
  -- Hébergeur: name, address and telephone, as the LCEN requires.
  host_name portal.legal_text, host_address portal.legal_address, host_phone portal.legal_phone,
  -- RGPD: the controller, and the data protection officer (a name or a function) with the
  -- addresses where residents exercise their rights.
  controller portal.legal_text,
  dpo_contact portal.legal_text, dpo_email portal.legal_email, dpo_postal_address portal.legal_address,
  -- The safeguards of the transfer to the e-mail sub-processor, as the deployment signed them
  -- (e.g. standard contractual clauses): one sentence shown as is.
  mail_transfer_safeguards text check (length(btrim(mail_transfer_safeguards)) between 1 and 1000),
  -- Retention periods: login throttle rows, used or expired e-mail links, bodies of sent
  -- e-mails; contact messages, paper opt-out requests, payment records (public accounting).
  login_throttle_days portal.legal_days, auth_links_days portal.legal_days, sent_mail_bodies_days portal.legal_days,
  contact_messages_months portal.legal_months, paper_optout_months portal.legal_months,
  payment_records_months portal.legal_months,
  updated_at timestamptz not null default now()
);
create trigger legal_identity_set_updated_at before update on portal.legal_identity
  for each row execute function portal.set_updated_at();
insert into portal.legal_identity (id) values (true) on conflict (id) do nothing;

/**
 * -------------------------------------------------------
 * Row level security
 * -------------------------------------------------------
 */
-- No policy: anon and authenticated read it through public.legal_info() only; staff write it
-- as service_role (dashboard, npm run admin).
alter table portal.legal_identity enable row level security;
grant all on portal.legal_identity to service_role;

/**
 * -------------------------------------------------------
 * Functions
 * -------------------------------------------------------
 */

-- public.legal_info(): the legal notices and the personal data page, for anyone, in one call -----
-- The portal's name and every column of the row but id and updated_at, null where not filled
-- (all null if the row was deleted): a column a later migration adds is shown with no change here.
create or replace function public.legal_info()
returns jsonb
language sql
stable
security definer
set search_path = ''
as $$
  select jsonb_build_object(
           'portal_name',
           coalesce((select s.portal_name from portal.portal_settings s where s.id), 'Le Portail des Factures')
         )
         || (to_jsonb(d) - 'id' - 'updated_at')
  from (select (r.l).* from (select (select l from portal.legal_identity l where l.id) as l) r) d
$$;
revoke execute on function public.legal_info() from public, anon, authenticated;
grant execute on function public.legal_info() to anon, authenticated, service_role;
