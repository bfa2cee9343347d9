/**
 * « Rattacher un contrat »: a resident links to their account a customer record (contrat) whose
 * e-mail is not the account's, by proving they hold one of its invoices
 * (docs/decisions/0040-contract-links.md).
 *
 * THE RULE. public.link_contract(service, customer number, invoice number, amount in cents), under
 * the live-session check, links the customer record to the caller's account when
 *   * the service has a customer record with that number,
 *   * that record has an invoice with that number and exactly that amount (any status),
 *   * the record is not linked to any account yet.
 * Every mismatch (unknown customer, wrong invoice number, wrong amount) gets the same answer
 * 'refused', so the form tells nothing about what exists. A record already linked to another
 * account is refused ('linked_elsewhere': contact the service) only once the proof is right, and
 * without saying which account. There is no "closed" state of a customer record in the schema:
 * a record the service deleted is unknown.
 *
 * THROTTLE. Failures are counted over sliding windows in portal.contract_link_throttle, on two keys:
 *   'account:<account id>'                       5 failures per hour, whatever the contract tried;
 *   'customer:<service id>:<customer number>'    5 failures per day, whoever tries (the number as
 *                                                typed, trimmed and lower-cased: an unknown number is
 *                                                counted exactly like a known one, no oracle).
 * A try while either key is full is refused ('throttled', with when to retry) and not counted.
 * Nothing resets a counter: a success counts nothing, and never lifts the failures of others.
 *
 * TRACE AND E-MAIL. Every link is a row of portal.contract_links (method 'manual'; the automatic
 * e-mail rule of supabase/migrations/20261126000100_customers_and_accounts.sql records none). In
 * the same transaction the contract's own e-mail address (customers.email, when it has one that is
 * not the account's) is told through the outbox, with the account's address partly masked.
 *
 * STAFF. portal.staff_contract_links lists the links; public.staff_unlink_contract(link, reason,
 * by), service role only, undoes one: the customer record goes back to the automatic rule (the
 * account carrying its e-mail, else none). A link whose account carries the record's e-mail is
 * not undone: the automatic rule would link it again ('email_match').
 *
 * Append-only migrations: docs/decisions/0020-one-migration-per-domain-append-only.md.
 */

/**
 * -------------------------------------------------------
 * Tables
 * -------------------------------------------------------
 */
create table portal.contract_links (
  id uuid primary key default gen_random_uuid(),
  customer_id uuid not null references portal.customers (id) on delete cascade,
  -- Null once the account is closed (the link row stays for staff, with the address it had).
  account_id uuid references auth.users (id) on delete set null,
  account_email text not null check (length(account_email) between 3 and 254),
  method text not null default 'manual' check (method in ('manual')),
  linked_at timestamptz not null default now(),
  undone_at timestamptz,
  undone_by text check (undone_by is null or length(btrim(undone_by)) between 1 and 200),
  undo_reason text check (undo_reason is null or length(btrim(undo_reason)) between 1 and 1000),
  check ((undone_at is null) = (undone_by is null) and (undone_at is null) = (undo_reason is null))
);
create index contract_links_customer_idx on portal.contract_links (customer_id, linked_at desc);
create index contract_links_account_idx on portal.contract_links (account_id);
create index contract_links_linked_at_idx on portal.contract_links (linked_at desc);

-- Failed tries per key (rules in the header), the times still inside the window, oldest first.
create table portal.contract_link_throttle (
  key text primary key check (key ~ '^(account|customer):.+$' and length(key) <= 400),
  failed_at timestamptz[] not null default '{}'
);

alter table portal.contract_links enable row level security;
alter table portal.contract_link_throttle enable row level security;
-- No policy, no grant to API roles: only the functions below (security definer) and the service
-- role (staff) touch them.
grant all on portal.contract_links, portal.contract_link_throttle to service_role;

/**
 * -------------------------------------------------------
 * The page
 * -------------------------------------------------------
 */

-- Every service of the portal (the form's « Service » list): public bodies, as the public contact
-- page lists them. Security definer: residents see only their own services under RLS.
create or replace function portal.contract_link_services()
  returns jsonb language sql stable security definer set search_path = ''
as $$
  select coalesce(jsonb_agg(jsonb_build_object('service_id', s.id, 'service_name', s.name) order by s.name, s.numcli), '[]'::jsonb)
  from portal.services s
$$;
revoke execute on function portal.contract_link_services() from public, anon;
grant execute on function portal.contract_link_services() to authenticated;

-- /mes-informations/rattacher-un-contrat: {frame, services: [{service_id, service_name}]}.
create or replace function public.contract_link_page()
  returns jsonb language plpgsql stable security invoker set search_path = ''
as $$
begin
  perform portal.require_live_session();
  return jsonb_build_object('frame', portal.page_frame(), 'services', portal.contract_link_services());
end
$$;
revoke execute on function public.contract_link_page() from public, anon, authenticated, service_role;
grant execute on function public.contract_link_page() to authenticated;

/**
 * -------------------------------------------------------
 * Linking
 * -------------------------------------------------------
 */

-- How many failures a key accepts within its window, and the window.
create or replace function portal.contract_link_limit(p_key text)
returns integer language sql immutable set search_path = ''
as $$ select 5 $$;
revoke execute on function portal.contract_link_limit(text) from public, anon, authenticated;

create or replace function portal.contract_link_window(p_key text)
returns interval language sql immutable set search_path = ''
as $$ select case when p_key like 'account:%' then interval '1 hour' else interval '1 day' end $$;
revoke execute on function portal.contract_link_window(text) from public, anon, authenticated;

-- "j***@exemple.fr": the first character of the local part, then the domain.
create or replace function portal.mask_email(p_email text)
returns text language sql immutable set search_path = ''
as $$ select left(split_part(p_email, '@', 1), 1) || '***@' || split_part(p_email, '@', 2) $$;
revoke execute on function portal.mask_email(text) from public, anon, authenticated;

-- When the fullest of `p_keys` accepts a try again; null when none is full. Locks the rows (in key
-- order) after forgetting what left each window, so concurrent tries count one after the other.
create or replace function portal.contract_link_retry_at(p_keys text[])
  returns timestamptz language plpgsql volatile set search_path = ''
as $$
declare
  v_retry timestamptz;
begin
  insert into portal.contract_link_throttle (key) select k from unnest(p_keys) k order by 1 on conflict (key) do nothing;
  update portal.contract_link_throttle t
    set failed_at = array(select f from unnest(t.failed_at) f where f > now() - portal.contract_link_window(t.key) order by f)
    where t.key = any (p_keys);
  select max(t.failed_at[cardinality(t.failed_at) - portal.contract_link_limit(t.key) + 1] + portal.contract_link_window(t.key))
    into v_retry
    from portal.contract_link_throttle t
    where t.key = any (p_keys) and cardinality(t.failed_at) >= portal.contract_link_limit(t.key);
  return v_retry;
end
$$;
revoke execute on function portal.contract_link_retry_at(text[]) from public, anon, authenticated;

-- The e-mail to the contract's own address: who linked it (masked), and what to do if it was not them.
create or replace function portal.contract_linked_email(p_customer_id uuid, p_account_email text)
  returns void language plpgsql volatile set search_path = ''
as $$
declare
  v record;
begin
  select c.email, c.customer_number, s.name as service_name, s.contact_email
    into v
    from portal.customers c join portal.services s on s.id = c.service_id
    where c.id = p_customer_id;
  if v.email is null or v.email = p_account_email then
    return;
  end if;
  perform portal.enqueue_email(
    'contract_linked',
    v.email,
    v.contact_email,
    'Portail des factures : votre contrat n° ' || v.customer_number || ' a été rattaché à un compte',
    'Votre contrat n° ' || v.customer_number || ' (' || v.service_name || ') a été rattaché au compte '
      || portal.mask_email(p_account_email) || ' du portail des factures, avec le numéro et le montant d''une de '
      || 'ses factures. Ce compte peut désormais consulter les factures de ce contrat et les payer en ligne. '
      || 'Si ce n''est pas vous ou une personne de votre foyer, contactez le service'
      || case when v.contact_email is not null then ' (répondez à ce courriel)' else '' end
      || ' : il annulera ce rattachement.',
    jsonb_build_array(
      jsonb_build_array('Service', v.service_name),
      jsonb_build_array('Numéro client', v.customer_number),
      jsonb_build_array('Compte', portal.mask_email(p_account_email)),
      jsonb_build_array('Date', portal.paris_time(now()))),
    null);
end
$$;
revoke execute on function portal.contract_linked_email(uuid, text) from public, anon, authenticated;

-- The rule (header). Answers {outcome: linked|already_yours|linked_elsewhere|refused|throttled,
-- retry_at (throttled), service_name, customer_number (linked, already_yours)}. A failure is
-- recorded and answered, never raised: a raise would roll the count back.
create or replace function portal.link_contract_unchecked(
  p_service_id uuid, p_customer_number text, p_invoice_number text, p_amount_cents bigint
) returns jsonb language plpgsql volatile security definer set search_path = ''
as $$
declare
  v_email text := portal.current_account_email();
  v_number text := left(btrim(coalesce(p_customer_number, '')), 50);
  v_keys text[] := array[
    'account:' || auth.uid()::text,
    'customer:' || coalesce(p_service_id::text, '-') || ':' || lower(v_number)];
  v_retry timestamptz;
  v_customer portal.customers;
  v_service_name text;
begin
  v_retry := portal.contract_link_retry_at(v_keys);
  if v_retry is not null then
    return jsonb_build_object('outcome', 'throttled', 'retry_at', v_retry);
  end if;
  select c.* into v_customer
    from portal.customers c
    where c.service_id = p_service_id and c.customer_number = v_number
      and exists (select 1 from portal.invoices i
                  where i.service_id = p_service_id and i.number = btrim(coalesce(p_invoice_number, ''))
                    and i.customer_id = c.id and i.amount_cents = p_amount_cents)
    for update of c;
  if v_customer.id is null then
    update portal.contract_link_throttle t set failed_at = t.failed_at || now() where t.key = any (v_keys);
    return jsonb_build_object('outcome', 'refused');
  end if;
  select s.name into v_service_name from portal.services s where s.id = v_customer.service_id;
  if v_customer.account_id = auth.uid() then
    return jsonb_build_object('outcome', 'already_yours', 'service_name', v_service_name, 'customer_number', v_customer.customer_number);
  end if;
  if v_customer.account_id is not null then
    return jsonb_build_object('outcome', 'linked_elsewhere');
  end if;
  update portal.customers c set account_id = auth.uid() where c.id = v_customer.id;
  insert into portal.contract_links (customer_id, account_id, account_email, method)
    values (v_customer.id, auth.uid(), v_email, 'manual');
  perform portal.contract_linked_email(v_customer.id, v_email);
  return jsonb_build_object('outcome', 'linked', 'service_name', v_service_name, 'customer_number', v_customer.customer_number);
end
$$;
revoke execute on function portal.link_contract_unchecked(uuid, text, text, bigint) from public, anon, authenticated, service_role;

create or replace function public.link_contract(
  p_service_id uuid, p_customer_number text, p_invoice_number text, p_amount_cents bigint
) returns jsonb language sql volatile security definer set search_path = ''
as $$
  select portal.require_live_session();
  select portal.link_contract_unchecked(p_service_id, p_customer_number, p_invoice_number, p_amount_cents);
$$;
revoke execute on function public.link_contract(uuid, text, text, bigint) from public, anon, authenticated, service_role;
grant execute on function public.link_contract(uuid, text, text, bigint) to authenticated;

/**
 * -------------------------------------------------------
 * Staff
 * -------------------------------------------------------
 */

-- Every manual link, newest first: Supabase dashboard (schema `portal`) or
-- `npm run admin -- rattachements`. `current`: the customer record is still linked to that account.
create or replace view portal.staff_contract_links with (security_invoker = true) as
  select l.id as link_id, l.linked_at, s.name as service_name, s.numcli, c.customer_number,
         c.display_name as customer_name, c.email as customer_email, l.account_email, l.method,
         l.undone_at is not null as undone, l.undone_at, l.undone_by, l.undo_reason,
         (l.undone_at is null and l.account_id is not null and c.account_id = l.account_id) as current
  from portal.contract_links l
  join portal.customers c on c.id = l.customer_id
  join portal.services s on s.id = c.service_id
  order by l.linked_at desc, l.id;
revoke all on portal.staff_contract_links from public, anon, authenticated;
grant select on portal.staff_contract_links to service_role;

-- public.staff_unlink_contract(link, reason, by): undoes a manual link, recording who, when and
-- why. The customer record goes back to the automatic rule: the live account carrying its e-mail,
-- else none. Answers {outcome: undone|email_match|already_undone|unknown}; 'email_match': the
-- account carries the record's e-mail, the automatic rule keeps it (change the e-mail in the
-- billing software instead).
create or replace function public.staff_unlink_contract(p_link_id uuid, p_reason text, p_by text)
  returns jsonb language plpgsql volatile security definer set search_path = ''
as $$
declare
  v_link portal.contract_links;
  v_customer portal.customers;
  v_auto uuid;
begin
  perform portal.check_review(p_by, p_reason);
  select l.* into v_link from portal.contract_links l where l.id = p_link_id for update;
  if v_link.id is null or v_link.undone_at is not null then
    return jsonb_build_object('outcome', case when v_link.id is null then 'unknown' else 'already_undone' end);
  end if;
  select c.* into v_customer from portal.customers c where c.id = v_link.customer_id for update;
  select u.id into v_auto from auth.users u
    where v_customer.email is not null and lower(u.email) = v_customer.email and u.deleted_at is null
    order by u.created_at nulls last, u.id
    limit 1;
  if v_auto is not null and v_auto = v_link.account_id then
    return jsonb_build_object('outcome', 'email_match');
  end if;
  if v_customer.account_id is not distinct from v_link.account_id then
    update portal.customers c set account_id = v_auto where c.id = v_customer.id;
  end if;
  update portal.contract_links l
    set undone_at = now(), undone_by = btrim(p_by), undo_reason = btrim(p_reason)
    where l.id = v_link.id;
  return jsonb_build_object('outcome', 'undone');
end
$$;
revoke execute on function public.staff_unlink_contract(uuid, text, text) from public, anon, authenticated, service_role;
grant execute on function public.staff_unlink_contract(uuid, text, text) to service_role;
