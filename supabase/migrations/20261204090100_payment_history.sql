/**
 * « Mes paiements », the paid invoice's line and the payment receipt
 * (docs/decisions/0036-payment-history-and-receipt.md, docs/resident-screens.md):
 *
 *   - public.payments_page(before_at, before_id): every online payment attempt of the caller,
 *     newest first, 20 a page, keyset-paged on (created_at, id) through a new index;
 *   - public.payment_receipt(attempt id): the facts of the caller's successful payment, for the
 *     « Justificatif de paiement » PDF (receipt null when it is not the caller's or not paid);
 *   - public.invoice_page(id) again, with `paid_online`: when and under which reference the
 *     invoice was paid through the portal;
 *   - the receipt e-mail: written to the outbox by a trigger on the transition of an attempt to
 *     `paid`, in that very transaction, at most once per attempt (portal.payment_receipt_emails'
 *     primary key), whichever path made it paid: PayFiP's notification, the return page, the
 *     reconciliation job, classic TIPI's urlcl, staff's confirmation or the billing import.
 *
 * Append-only migrations: docs/decisions/0020-one-migration-per-domain-append-only.md.
 */

/**
 * -------------------------------------------------------
 * Index and table
 * -------------------------------------------------------
 */

-- The keyset of « Mes paiements »: (created_at, id) below the last row shown, from the caller's rows.
create index payment_attempts_account_keyset_idx
  on portal.payment_attempts (account_id, created_at desc, id desc);

-- One row per attempt whose receipt e-mail was written: the key that makes it once only.
create table portal.payment_receipt_emails (
  attempt_id uuid primary key references portal.payment_attempts (id) on delete cascade,
  email_outbox_id uuid references portal.email_outbox (id) on delete set null,
  created_at timestamptz not null default now()
);
alter table portal.payment_receipt_emails enable row level security;
-- No policy: only the service role (and the security definer trigger) reads it.
grant all on portal.payment_receipt_emails to service_role;

/**
 * -------------------------------------------------------
 * Shared pieces
 * -------------------------------------------------------
 */

-- 1 342,31 € (no-break spaces), from integer cents.
create or replace function portal.euros(p_cents bigint)
returns text
language sql
immutable
set search_path = ''
as $$
  select regexp_replace((p_cents / 100)::text, '(\d)(?=(\d{3})+$)', E'\\1\u00a0', 'g')
         || ',' || lpad((p_cents % 100)::text, 2, '0') || E'\u00a0€'
$$;
revoke execute on function portal.euros(bigint) from public, anon;
grant execute on function portal.euros(bigint) to authenticated;

-- The facts of a paid attempt (no e-mail address: each caller adds the one it may read).
-- SECURITY INVOKER: called by public.payment_receipt as the resident, RLS decides what it sees;
-- called by the receipt e-mail's trigger (security definer), it sees the attempt whoever owns it.
create or replace function portal.payment_receipt_facts(p_attempt_id uuid)
returns jsonb
language sql
stable
security invoker
set search_path = ''
as $$
  select jsonb_build_object(
    'attempt_id', a.id,
    'service_name', s.name,
    'provider', a.provider,
    'refdet', a.refdet,
    'idop', a.idop,
    'numauto', a.numauto,
    'amount_cents', a.amount_cents,
    'paid_at', coalesce(a.transaction_at, a.updated_at),
    'payers', coalesce((
      select jsonb_agg(distinct c.display_name)
      from portal.payment_attempt_invoices ai
      join portal.invoices i on i.id = ai.invoice_id
      join portal.customers c on c.id = i.customer_id
      where ai.attempt_id = a.id), '[]'::jsonb),
    'invoices', coalesce((
      select jsonb_agg(jsonb_build_object('number', i.number, 'issued_on', i.issued_on,
                                          'amount_cents', ai.amount_cents)
                       order by i.issued_on, i.number)
      from portal.payment_attempt_invoices ai
      join portal.invoices i on i.id = ai.invoice_id
      where ai.attempt_id = a.id), '[]'::jsonb))
  from portal.payment_attempts a
  join portal.services s on s.id = a.service_id
  where a.id = p_attempt_id and a.status::text = 'paid'
$$;
revoke execute on function portal.payment_receipt_facts(uuid) from public, anon;
grant execute on function portal.payment_receipt_facts(uuid) to authenticated;

/**
 * -------------------------------------------------------
 * « Mes paiements »
 * -------------------------------------------------------
 */

-- /paiements: the caller's attempts, newest first, 20 a page; `next` is the keyset of the page
-- after (null on the last). p_before_at and p_before_id: the last row of the page before (both or
-- neither). Every status is listed (app/utils/payment-status.ts names them in French).
create or replace function public.payments_page(p_before_at timestamptz default null, p_before_id uuid default null)
returns jsonb
language plpgsql
stable
security invoker
set search_path = ''
as $$
declare
  v_rows jsonb;
  v_per_page constant integer := 20;
begin
  perform portal.require_live_session();
  select coalesce(jsonb_agg(r order by r.created_at desc, r.id desc), '[]'::jsonb) into v_rows
  from (
    select a.id, a.created_at, a.status, a.provider, a.amount_cents, a.refdet, a.idop, a.numauto,
           a.transaction_at, s.name as service_name,
           array(select i.number from portal.payment_attempt_invoices ai
                 join portal.invoices i on i.id = ai.invoice_id
                 where ai.attempt_id = a.id order by i.issued_on, i.number) as invoice_numbers
    from portal.payment_attempts a
    -- left: a service the caller is no longer a customer of is hidden by its RLS; the attempt stays.
    left join portal.services s on s.id = a.service_id
    where a.account_id = (select auth.uid())
      and (p_before_at is null or (a.created_at, a.id) < (p_before_at, coalesce(p_before_id, 'ffffffff-ffff-ffff-ffff-ffffffffffff'::uuid)))
    order by a.created_at desc, a.id desc
    limit v_per_page + 1
  ) r;
  return jsonb_build_object(
    'frame', portal.page_frame(),
    'per_page', v_per_page,
    'payments', case when jsonb_array_length(v_rows) > v_per_page then v_rows - v_per_page else v_rows end,
    'next', case when jsonb_array_length(v_rows) > v_per_page
                 then jsonb_build_object('at', v_rows -> (v_per_page - 1) -> 'created_at',
                                         'id', v_rows -> (v_per_page - 1) -> 'id') end);
end
$$;
revoke execute on function public.payments_page(timestamptz, uuid) from public, anon, authenticated, service_role;
grant execute on function public.payments_page(timestamptz, uuid) to authenticated;

-- /paiements/<id>/justificatif.pdf: {receipt}: the receipt's facts with the account's e-mail, or
-- null when the attempt is not the caller's or not paid.
create or replace function public.payment_receipt(p_attempt_id uuid)
returns jsonb
language plpgsql
stable
security invoker
set search_path = ''
as $$
declare
  v_facts jsonb;
begin
  perform portal.require_live_session();
  select portal.payment_receipt_facts(a.id) into v_facts
  from portal.payment_attempts a
  where a.id = p_attempt_id and a.account_id = (select auth.uid());
  return jsonb_build_object('receipt', v_facts || jsonb_build_object('email', portal.my_account_facts() ->> 'email'));
end
$$;
revoke execute on function public.payment_receipt(uuid) from public, anon, authenticated, service_role;
grant execute on function public.payment_receipt(uuid) to authenticated;

/**
 * -------------------------------------------------------
 * The invoice page: « Réglée en ligne le … »
 * -------------------------------------------------------
 */

-- /factures/:id as in 20261126000600_pages.sql, plus `paid_online` ({at, refdet}) for a paid
-- invoice that the caller's payment through the portal paid (null otherwise).
create or replace function public.invoice_page(p_id uuid)
returns jsonb
language plpgsql
stable
security invoker
set search_path = ''
as $$
declare
  v_invoice jsonb;
begin
  perform portal.require_live_session();
  v_invoice := (select to_jsonb(i) from public.my_invoice(p_id) i);
  return jsonb_build_object(
    'frame', portal.page_frame(),
    'invoice', v_invoice,
    'payment', case when v_invoice ->> 'status' = 'unpaid'
                    then (select to_jsonb(p) from public.my_invoice_payment(p_id) p) end,
    'paid_online', case when v_invoice ->> 'status' = 'paid'
                        then (select jsonb_build_object('at', coalesce(a.transaction_at, a.updated_at), 'refdet', a.refdet)
                              from portal.payment_attempt_invoices ai
                              join portal.payment_attempts a on a.id = ai.attempt_id
                              where ai.invoice_id = p_id and a.status::text = 'paid'
                                and a.account_id = (select auth.uid())
                              order by a.transaction_at desc nulls last
                              limit 1) end);
end
$$;
revoke execute on function public.invoice_page(uuid) from public, anon, authenticated, service_role;
grant execute on function public.invoice_page(uuid) to authenticated;

/**
 * -------------------------------------------------------
 * The receipt e-mail
 * -------------------------------------------------------
 */

-- After an attempt becomes paid: the receipt e-mail to the account's address, in the outbox, in
-- the same transaction. Once per attempt: the insert into portal.payment_receipt_emails is the
-- guard (a second transition to paid, a replay, a race that commits second: nothing written).
-- No account (closed), or an address the outbox would refuse: nothing written, the payment is
-- recorded all the same. Security definer: the payment results are written by the service role,
-- staff and the import, none of which may read auth.users.
create or replace function portal.payment_receipt_email()
returns trigger
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_email text;
  v_facts jsonb;
  v_reply_to text;
  v_outbox_id uuid;
begin
  if new.account_id is null then
    return null;
  end if;
  select lower(u.email) into v_email from auth.users u where u.id = new.account_id and u.deleted_at is null;
  if v_email is null or v_email !~ '^[^@[:space:]]+@[^@[:space:]]+\.[^@[:space:]]+$' then
    return null;
  end if;
  insert into portal.payment_receipt_emails (attempt_id) values (new.id) on conflict (attempt_id) do nothing;
  if not found then
    return null;
  end if;
  v_facts := portal.payment_receipt_facts(new.id);
  select s.contact_email into v_reply_to from portal.services s where s.id = new.service_id;
  v_outbox_id := portal.enqueue_email(
    'payment_receipt',
    v_email,
    v_reply_to,
    'Portail des factures : justificatif de paiement',
    'Votre paiement en ligne a été enregistré. Voici son justificatif ; vous pouvez aussi le télécharger '
      || 'au format PDF depuis « Mes paiements » sur le portail des factures.',
    jsonb_build_array(
      jsonb_build_array('Service', v_facts ->> 'service_name'),
      jsonb_build_array('Payeur', (select string_agg(p, ', ' order by p) from jsonb_array_elements_text(v_facts -> 'payers') p)),
      jsonb_build_array('Adresse mail', v_email),
      jsonb_build_array('Factures', (
        select string_agg((f ->> 'number') || ' (' || portal.euros((f ->> 'amount_cents')::bigint) || ')', ', ' order by n)
        from jsonb_array_elements(v_facts -> 'invoices') with ordinality as t(f, n))),
      jsonb_build_array('Montant total', portal.euros(new.amount_cents)),
      jsonb_build_array('Date du paiement', portal.paris_time((v_facts ->> 'paid_at')::timestamptz)),
      jsonb_build_array('Mode de paiement', case when new.provider::text = 'tipi' then 'TIPI' else 'PayFiP' end),
      jsonb_build_array('Référence de la transaction', new.refdet),
      jsonb_build_array('Numéro d''autorisation', coalesce(new.numauto, '—'))),
    null);
  update portal.payment_receipt_emails set email_outbox_id = v_outbox_id where attempt_id = new.id;
  return null;
end
$$;
revoke execute on function portal.payment_receipt_email() from public, anon, authenticated;

create trigger payment_attempts_receipt_email
  after update of status on portal.payment_attempts
  for each row
  when (new.status::text = 'paid' and old.status::text is distinct from 'paid')
  execute function portal.payment_receipt_email();
