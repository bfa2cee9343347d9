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
 * Tables
 * -------------------------------------------------------
 */
create table portal.legal_identity (
  id boolean primary key default true check (id),
  -- Éditeur (LCEN art. 6 III): the service or local authority that publishes the portal.
  publisher_name text check (length(btrim(publisher_name)) between 1 and 300),
  publisher_address text check (length(btrim(publisher_address)) between 1 and 500),
  publisher_siret text check (publisher_siret ~ '^[0-9]{14}$'),
  legal_representative text check (length(btrim(legal_representative)) between 1 and 300),
  publication_director text check (length(btrim(publication_director)) between 1 and 300),
  contact_email text check (contact_email = lower(btrim(contact_email))
                            and contact_email ~ '^[^@[:space:]]+@[^@[:space:]]+\.[^@[:space:]]+$'),
  contact_phone text check (length(btrim(contact_phone)) between 1 and 50),
  -- Hébergeur: name, address and telephone, as the LCEN requires.
  host_name text check (length(btrim(host_name)) between 1 and 300),
  host_address text check (length(btrim(host_address)) between 1 and 500),
  host_phone text check (length(btrim(host_phone)) between 1 and 50),
  -- RGPD: the controller, and the data protection officer (a name or a function).
  controller text check (length(btrim(controller)) between 1 and 300),
  dpo_contact text check (length(btrim(dpo_contact)) between 1 and 300),
  dpo_email text check (dpo_email = lower(btrim(dpo_email))
                        and dpo_email ~ '^[^@[:space:]]+@[^@[:space:]]+\.[^@[:space:]]+$'),
  dpo_postal_address text check (length(btrim(dpo_postal_address)) between 1 and 500),
  -- The safeguards of the transfer to the e-mail sub-processor, as the deployment signed them
  -- (e.g. standard contractual clauses): one sentence shown as is.
  mail_transfer_safeguards text check (length(btrim(mail_transfer_safeguards)) between 1 and 1000),
  -- Retention periods.
  login_throttle_days integer check (login_throttle_days between 1 and 3650),
  auth_links_days integer check (auth_links_days between 1 and 3650),
  sent_mail_bodies_days integer check (sent_mail_bodies_days between 1 and 3650),
  contact_messages_months integer check (contact_messages_months between 1 and 600),
  paper_optout_months integer check (paper_optout_months between 1 and 600),
  payment_records_months integer check (payment_records_months between 1 and 600),
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
create or replace function public.legal_info()
returns jsonb
language sql
stable
security definer
set search_path = ''
as $$
  select jsonb_build_object(
    'portal_name', coalesce((select s.portal_name from portal.portal_settings s where s.id), 'Le Portail des Factures'),
    'publisher_name', l.publisher_name,
    'publisher_address', l.publisher_address,
    'publisher_siret', l.publisher_siret,
    'legal_representative', l.legal_representative,
    'publication_director', l.publication_director,
    'contact_email', l.contact_email,
    'contact_phone', l.contact_phone,
    'host_name', l.host_name,
    'host_address', l.host_address,
    'host_phone', l.host_phone,
    'controller', l.controller,
    'dpo_contact', l.dpo_contact,
    'dpo_email', l.dpo_email,
    'dpo_postal_address', l.dpo_postal_address,
    'mail_transfer_safeguards', l.mail_transfer_safeguards,
    'login_throttle_days', l.login_throttle_days,
    'auth_links_days', l.auth_links_days,
    'sent_mail_bodies_days', l.sent_mail_bodies_days,
    'contact_messages_months', l.contact_messages_months,
    'paper_optout_months', l.paper_optout_months,
    'payment_records_months', l.payment_records_months
  )
  from (select true as id) one
  left join portal.legal_identity l on l.id
$$;
revoke execute on function public.legal_info() from public, anon, authenticated;
grant execute on function public.legal_info() to anon, authenticated, service_role;
