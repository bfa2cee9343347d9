/**
 * Online payments (TIPI / PayFiP): one attempt per trip to the provider, the invoices it covers,
 * a log of every result received (including the rejected ones), and the rules: which invoices
 * can be paid and why not, the atomic creation of an attempt, the one idempotent function that
 * applies a provider's result, the reconciliation job's functions, and staff's review of
 * reported payments. Configuration and environment: docs/payment.md; decision records:
 * docs/decisions/0008-payment-payfip-tipi.md, docs/decisions/0013-tipi-trust-and-abandon-window.md.
 *
 * Who calls what:
 *   resident (authenticated): my_payable_invoices, my_invoice_payment, start_payment,
 *                             set_payment_idop, fail_payment_start, my_payment_attempt
 *   server (service_role):    apply_payment_result, expire_payment_attempt, payments_to_reconcile,
 *                             confirm_reported_payment, reject_reported_payment
 * A result is never taken from the browser alone: PayFiP results come from the server's SOAP call
 * (recupererDetailPaiementSecurise); classic TIPI results must carry the attempt's secret token and
 * match its refdet, amount and numcli.
 *
 * Trust:
 * 1. A "paid" result makes invoices paid only when the caller vouches that it comes from DGFiP
 *    (p_source_verified): PayFiP's result is the server's own SOAP answer; a classic TIPI post is
 *    verified only when it came from an allow-listed DGFiP address (TIPI_TRUSTED_SOURCES). Any
 *    other "paid" is recorded as `reported`: the invoices stay unpaid but held (no new payment),
 *    until DGFiP's own result arrives, staff confirm or reject it (who, when, why), or the billing
 *    import marks the invoices paid.
 * 2. An abandon (A) within 20 minutes of the attempt's start does not free the invoices: DGFiP may
 *    still take a payment on the same idOp (eopayment: CANCELLED is WAITING for 20 minutes). The
 *    attempt is `abandoned` for the resident, holds its invoices until then, and the
 *    reconciliation job keeps asking PayFiP about it. A later paid result is always recorded.
 *
 * Some SQL-language bodies and views compare `status::text` with 'reported' or 'rejected': those
 * values were once added to an existing enum, and a value added in a transaction cannot be used
 * in it. Comparing as text is equivalent, and the bodies are kept as they were.
 */

/**
 * -------------------------------------------------------
 * Types
 * -------------------------------------------------------
 */
create type portal.payment_status as enum (
  'pending', 'paid', 'refused', 'abandoned', 'expired', 'error', 'reported', 'rejected'
);

/**
 * -------------------------------------------------------
 * Tables
 * -------------------------------------------------------
 */
create table portal.payment_attempts (
  id uuid primary key default gen_random_uuid(),
  service_id uuid not null references portal.services (id),
  account_id uuid references auth.users (id) on delete set null,
  -- Sent to the provider: 6 to 30 alphanumerics (no dashes).
  refdet text not null unique check (refdet ~ '^[A-Za-z0-9]{6,30}$'),
  amount_cents bigint not null check (amount_cents > 0),
  provider portal.payment_provider not null,
  numcli text not null check (numcli ~ '^[0-9]{6}$'),
  -- The service's letter when the attempt started (payment_attempts_saisie_per_provider).
  saisie text not null,
  status portal.payment_status not null default 'pending',
  idop text unique check (idop is null or length(idop) between 1 and 64),
  -- Classic TIPI: hash of the unguessable per-attempt token carried in urlcl.
  tipi_token_hash text,
  resultrans text,
  numauto text,
  transaction_at timestamptz,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null default (now() + interval '20 minutes'),
  updated_at timestamptz not null default now(),
  -- Who settled a reported payment, when and why (staff, or the billing import).
  reported_at timestamptz,
  reviewed_by text check (reviewed_by is null or length(btrim(reviewed_by)) between 1 and 200),
  reviewed_at timestamptz,
  review_reason text check (review_reason is null or length(btrim(review_reason)) between 1 and 1000)
);
-- The letters each provider accepts (as services_saisie_per_provider). NOT VALID, as when it
-- replaced a looser rule over existing attempts (an attempt's letter is history: not checked
-- again); kept so when the migrations were squashed, which had to build the same database
-- (docs/decisions/0020-one-migration-per-domain-append-only.md).
alter table portal.payment_attempts add constraint payment_attempts_saisie_per_provider check (
  (provider = 'payfip_ws' and saisie in ('T', 'X', 'W'))
  or (provider = 'tipi' and saisie in ('T', 'X', 'A', 'M'))
) not valid;
create trigger payment_attempts_set_updated_at before update on portal.payment_attempts
  for each row execute function portal.set_updated_at();

create table portal.payment_attempt_invoices (
  attempt_id uuid not null references portal.payment_attempts (id) on delete cascade,
  invoice_id uuid not null references portal.invoices (id),
  amount_cents bigint not null check (amount_cents > 0),
  primary key (attempt_id, invoice_id)
);

create table portal.payment_events (
  id bigint generated always as identity primary key,
  -- Null when the result matched no attempt (unknown refdet / idop): logged all the same.
  attempt_id uuid references portal.payment_attempts (id) on delete set null,
  kind text not null check (length(kind) between 1 and 100),
  payload jsonb not null default '{}'::jsonb,
  created_at timestamptz not null default now()
);

/**
 * -------------------------------------------------------
 * Indexes
 * -------------------------------------------------------
 */
create index payment_attempts_account_idx on portal.payment_attempts (account_id, created_at desc);
create index payment_attempts_pending_idx on portal.payment_attempts (expires_at) where status = 'pending';
create index payment_attempt_invoices_invoice_idx on portal.payment_attempt_invoices (invoice_id);
create index payment_events_attempt_idx on portal.payment_events (attempt_id, created_at);

/**
 * -------------------------------------------------------
 * Row level security
 * -------------------------------------------------------
 */
alter table portal.payment_attempts enable row level security;
alter table portal.payment_attempt_invoices enable row level security;
alter table portal.payment_events enable row level security;

create policy "Residents can see their own payment attempts"
  on portal.payment_attempts for select to authenticated
  using (account_id = (select auth.uid()));

create policy "Residents can see the lines of their own payment attempts"
  on portal.payment_attempt_invoices for select to authenticated
  using (attempt_id in (
    select a.id from portal.payment_attempts a where a.account_id = (select auth.uid())
  ));

-- payment_events: no policy, no grant: only the service role reads the log.

grant select on portal.payment_attempts, portal.payment_attempt_invoices to authenticated;
grant all on portal.payment_attempts, portal.payment_attempt_invoices, portal.payment_events to service_role;
grant usage, select on sequence portal.payment_events_id_seq to service_role;

/**
 * -------------------------------------------------------
 * Rules: limits, windows, what holds an invoice
 * -------------------------------------------------------
 */

-- Provider limits (cents) and the window an attempt stays pending --------------------------------
-- PayFiP: 1 € to 100 000 € (eopayment); classic TIPI: 1 € to 9 999,99 €.
create or replace function portal.payment_amount_limits(p_provider portal.payment_provider,
                                                        out min_cents bigint, out max_cents bigint)
language sql
immutable
set search_path = ''
as $$
  select 100::bigint,
         case p_provider when 'tipi' then 999999::bigint else 10000000::bigint end
$$;
revoke execute on function portal.payment_amount_limits(portal.payment_provider) from public, anon, authenticated;

-- An idOp lives ~15 min; eopayment treats "no result" as final after 20 min. Classic TIPI has no
-- way to ask, so its attempts wait a little longer for a late urlcl post.
create or replace function portal.payment_window(p_provider portal.payment_provider)
returns interval
language sql
immutable
set search_path = ''
as $$
  select case p_provider when 'tipi' then interval '30 minutes' else interval '20 minutes' end
$$;
revoke execute on function portal.payment_window(portal.payment_provider) from public, anon, authenticated;

-- Windows and the one rule of "this attempt holds its invoices" ------------------------------------
-- eopayment (payfip_ws.py): an A within 20 minutes of the start is still WAITING.
create or replace function portal.payment_abandon_window()
returns interval
language sql
immutable
set search_path = ''
as $$
  select interval '20 minutes'
$$;
revoke execute on function portal.payment_abandon_window() from public, anon, authenticated;

-- An attempt holds its invoices (no other payment may start on them) while it waits for a result,
-- while a reported payment waits for staff, and while an abandon is within its window (expires_at
-- is then the end of that window).
create or replace function portal.payment_attempt_holds(p_status portal.payment_status, p_expires_at timestamptz)
returns boolean
language sql
stable
set search_path = ''
as $$
  select p_status::text in ('pending', 'reported') or (p_status::text = 'abandoned' and p_expires_at > now())
$$;
revoke execute on function portal.payment_attempt_holds(portal.payment_status, timestamptz) from public, anon, authenticated;

-- Why an invoice cannot be paid now (null: it can). `reported`: a payment was reported and waits
-- for staff; `pending`: an attempt is under way, or abandoned within its window.
create or replace function portal.invoice_payment_block(p_invoice_id uuid)
returns text
language sql
stable
set search_path = ''
as $$
  select case
    when i.status = 'paid' then 'paid'
    when i.status = 'treasury' then 'treasury'
    when exists (
      select 1 from portal.payment_attempt_invoices ai
      join portal.payment_attempts a on a.id = ai.attempt_id
      where ai.invoice_id = i.id and a.status::text = 'reported'
    ) then 'reported'
    when s.payment_suspended then 'suspended'
    when exists (
      select 1 from portal.payment_attempt_invoices ai
      join portal.payment_attempts a on a.id = ai.attempt_id
      where ai.invoice_id = i.id and portal.payment_attempt_holds(a.status, a.expires_at)
    ) then 'pending'
    when i.amount_cents < (portal.payment_amount_limits(s.payment_provider)).min_cents then 'amount_too_low'
    when i.amount_cents > (portal.payment_amount_limits(s.payment_provider)).max_cents then 'amount_too_high'
    else null
  end
  from portal.invoices i
  join portal.services s on s.id = i.service_id
  where i.id = p_invoice_id
$$;
revoke execute on function portal.invoice_payment_block(uuid) from public, anon, authenticated;

create or replace function portal.log_payment_event(p_attempt_id uuid, p_kind text, p_payload jsonb)
returns void
language sql
volatile
set search_path = ''
as $$
  insert into portal.payment_events (attempt_id, kind, payload)
  values (p_attempt_id, p_kind, coalesce(p_payload, '{}'::jsonb))
$$;
revoke execute on function portal.log_payment_event(uuid, text, jsonb) from public, anon, authenticated;

-- portal.mark_payment_attempt_paid(...): the attempt and its invoices paid ---------------------------
-- The one place that makes invoices paid from a payment: DGFiP's verified result, or staff's
-- confirmation of a reported one. An invoice that was no longer unpaid (moved to treasury, paid
-- by another channel) is logged for staff: the money was taken all the same.
create or replace function portal.mark_payment_attempt_paid(p_attempt_id uuid, p_resultrans text, p_numauto text,
                                                           p_transaction_at timestamptz)
returns void
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_attempt portal.payment_attempts;
  v_lines integer;
  v_marked integer;
  v_not_unpaid jsonb;
begin
  -- The attempt first: the trigger on invoices (below) then sees that a portal payment paid them.
  update portal.payment_attempts a
  set status = 'paid', resultrans = p_resultrans, numauto = p_numauto,
      transaction_at = coalesce(p_transaction_at, now())
  where a.id = p_attempt_id
  returning * into v_attempt;

  select count(*) into v_lines from portal.payment_attempt_invoices ai where ai.attempt_id = v_attempt.id;
  with marked as (
    update portal.invoices i
    set status = 'paid', paid_at = v_attempt.transaction_at
    from portal.payment_attempt_invoices ai
    where ai.attempt_id = v_attempt.id and ai.invoice_id = i.id and i.status = 'unpaid'
    returning i.id
  )
  select count(*) into v_marked from marked;
  if v_marked < v_lines then
    select jsonb_agg(jsonb_build_object('invoice_id', i.id, 'number', i.number, 'status', i.status))
    into v_not_unpaid
    from portal.payment_attempt_invoices ai
    join portal.invoices i on i.id = ai.invoice_id
    where ai.attempt_id = v_attempt.id and (i.status <> 'paid' or i.paid_at is distinct from v_attempt.transaction_at);
    perform portal.log_payment_event(v_attempt.id, 'paid_invoice_not_unpaid', jsonb_build_object('invoices', v_not_unpaid));
  end if;
end
$$;
revoke execute on function portal.mark_payment_attempt_paid(uuid, text, text, timestamptz) from public, anon, authenticated;

/**
 * -------------------------------------------------------
 * The resident
 * -------------------------------------------------------
 */

-- public.my_payable_invoices(): the "Sélection des factures pour le règlement" list -------------
-- The resident's unpaid and treasury invoices with their service's payment settings and, when
-- one cannot be paid online, why (block). SECURITY DEFINER because "already being paid" must see
-- every pending attempt on the invoice, not only the caller's; rows are filtered on the caller.
create or replace function public.my_payable_invoices()
returns table (
  id uuid,
  number text,
  issued_on date,
  due_on date,
  amount_cents bigint,
  object text,
  status portal.invoice_status,
  service_id uuid,
  service_name text,
  numcli text,
  payment_provider portal.payment_provider,
  allow_multiple_invoices boolean,
  block text
)
language sql
stable
security definer
set search_path = ''
as $$
  select i.id, i.number, i.issued_on, i.due_on, i.amount_cents, i.object, i.status,
         s.id, s.name, s.numcli, s.payment_provider, s.allow_multiple_invoices,
         portal.invoice_payment_block(i.id)
  from portal.customers c
  join portal.invoices i on i.customer_id = c.id
  join portal.services s on s.id = i.service_id
  where c.account_id = (select auth.uid())
    and i.status in ('unpaid', 'treasury')
  order by s.name, i.issued_on desc, i.id desc
  limit 200
$$;
revoke execute on function public.my_payable_invoices() from public, anon, authenticated, service_role;
grant execute on function public.my_payable_invoices() to authenticated;

-- public.my_invoice_payment(invoice id): the invoice page's payment state --------------------------
-- For the caller's invoice (no row otherwise): why it cannot be paid now (as on the selection
-- screen), when an attempt under way stops holding it (null for a reported payment: staff decide),
-- and the caller's attempt that holds it, if any. SECURITY DEFINER like my_payable_invoices: an
-- attempt holds the invoice whoever started it; rows are filtered on the caller.
create or replace function public.my_invoice_payment(p_invoice_id uuid)
returns table (
  block text,
  retry_after timestamptz,
  attempt_id uuid
)
language sql
stable
security definer
set search_path = ''
as $$
  select portal.invoice_payment_block(i.id),
         (select max(a.expires_at)
          from portal.payment_attempt_invoices ai
          join portal.payment_attempts a on a.id = ai.attempt_id
          where ai.invoice_id = i.id and portal.payment_attempt_holds(a.status, a.expires_at)
          having bool_and(a.status::text <> 'reported')),
         (select a.id
          from portal.payment_attempt_invoices ai
          join portal.payment_attempts a on a.id = ai.attempt_id
          where ai.invoice_id = i.id and portal.payment_attempt_holds(a.status, a.expires_at)
            and a.account_id = (select auth.uid())
          order by a.created_at desc
          limit 1)
  from portal.invoices i
  join portal.customers c on c.id = i.customer_id
  where i.id = p_invoice_id and c.account_id = (select auth.uid())
$$;
revoke execute on function public.my_invoice_payment(uuid) from public, anon, authenticated, service_role;
grant execute on function public.my_invoice_payment(uuid) to authenticated;

-- public.my_payment_attempt(attempt id or idop): the return page's view of the caller's attempt --
-- SECURITY INVOKER: the residents' RLS on payment_attempts / payment_attempt_invoices decides;
-- the explicit filter on the caller lets the index on account_id find the row.
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
revoke execute on function public.my_payment_attempt(uuid, text) from public, anon, authenticated, service_role;
grant execute on function public.my_payment_attempt(uuid, text) to authenticated;

-- The resident's writes: each body is portal.<name>_unchecked (not reachable through PostgREST,
-- which exposes `public` only, and executable by no API role); public.<name> is a thin wrapper
-- with the same signature that checks the session (portal.require_live_session), then calls it.
-- To change a write's rules, replace portal.<name>_unchecked, not the wrapper.

-- start_payment(invoice ids): creates the payment attempt, atomically ---------------------------
-- Answers {"status":"refused","reason":…} or {"status":"created", attempt_id, refdet,
-- amount_cents, provider, numcli, saisie, exer, mel, objet, tipi_token, invoice_numbers,
-- expires_at}. Reasons: empty, too_many, not_found, not_unpaid, several_services, suspended,
-- multiple_not_allowed, pending (any attempt holding an invoice: portal.payment_attempt_holds),
-- amount_out_of_limits, invalid_email.
-- The invoices are locked (FOR UPDATE, in id order) before the checks, so two concurrent starts on
-- the same invoice are serialised and the second sees the first one's pending attempt.
-- refdet: 6 to 30 of [A-Za-z0-9]. One invoice: its number without separators, so the service
-- recognises it on DGFiP's statement; several: GRP<count>F<first number>. Then "P" and six
-- random digits, since a retry after a refusal needs a new refdet. objet: at most 100 characters
-- of [A-Za-z0-9 ] (what PayFiP accepts everywhere).
create function portal.start_payment_unchecked(p_invoice_ids uuid[])
returns jsonb
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_uid uuid := (select auth.uid());
  v_ids uuid[];
  v_count integer;
  v_owned integer;
  v_service portal.services;
  v_total bigint;
  v_min bigint;
  v_max bigint;
  v_mel text;
  v_numbers text[];
  v_prefix text;
  v_refdet text;
  v_token text;
  v_attempt portal.payment_attempts;
  v_objet text;
  v_tries integer := 0;
begin
  if v_uid is null then
    raise exception 'start_payment needs a signed-in resident' using errcode = '42501';
  end if;

  select coalesce(array_agg(distinct x order by x), '{}') into v_ids
  from unnest(coalesce(p_invoice_ids, '{}'::uuid[])) as x
  where x is not null;
  v_count := cardinality(v_ids);
  if v_count = 0 then
    return jsonb_build_object('status', 'refused', 'reason', 'empty');
  end if;
  if v_count > 50 then
    return jsonb_build_object('status', 'refused', 'reason', 'too_many');
  end if;

  perform 1 from (
    select i.id from portal.invoices i where i.id = any (v_ids) order by i.id for update
  ) locked;

  select count(*) into v_owned
  from portal.invoices i
  join portal.customers c on c.id = i.customer_id
  where i.id = any (v_ids) and c.account_id = v_uid;
  if v_owned <> v_count then
    return jsonb_build_object('status', 'refused', 'reason', 'not_found');
  end if;

  if exists (select 1 from portal.invoices i where i.id = any (v_ids) and i.status <> 'unpaid') then
    return jsonb_build_object('status', 'refused', 'reason', 'not_unpaid');
  end if;

  if (select count(distinct i.service_id) from portal.invoices i where i.id = any (v_ids)) > 1 then
    return jsonb_build_object('status', 'refused', 'reason', 'several_services');
  end if;

  select s.* into v_service
  from portal.services s
  where s.id = (select i.service_id from portal.invoices i where i.id = v_ids[1])
  for share;

  if v_service.payment_suspended then
    return jsonb_build_object('status', 'refused', 'reason', 'suspended');
  end if;
  if v_count > 1 and not v_service.allow_multiple_invoices then
    return jsonb_build_object('status', 'refused', 'reason', 'multiple_not_allowed');
  end if;
  if exists (
    select 1 from portal.payment_attempt_invoices ai
    join portal.payment_attempts a on a.id = ai.attempt_id
    where ai.invoice_id = any (v_ids) and portal.payment_attempt_holds(a.status, a.expires_at)
  ) then
    return jsonb_build_object('status', 'refused', 'reason', 'pending');
  end if;

  select sum(i.amount_cents), array_agg(i.number order by i.issued_on, i.number)
  into v_total, v_numbers
  from portal.invoices i where i.id = any (v_ids);
  select l.min_cents, l.max_cents into v_min, v_max from portal.payment_amount_limits(v_service.payment_provider) l;
  if v_total < v_min or v_total > v_max
     or exists (select 1 from portal.invoices i where i.id = any (v_ids) and i.amount_cents <= 0) then
    return jsonb_build_object('status', 'refused', 'reason', 'amount_out_of_limits',
                              'min_cents', v_min, 'max_cents', v_max, 'amount_cents', v_total);
  end if;

  select lower(u.email) into v_mel from auth.users u where u.id = v_uid;
  if v_mel is null or length(v_mel) not between 6 and 80 or position('@' in v_mel) = 0 then
    return jsonb_build_object('status', 'refused', 'reason', 'invalid_email');
  end if;

  if v_count = 1 then
    v_prefix := left(upper(regexp_replace(v_numbers[1], '[^A-Za-z0-9]', '', 'g')), 20);
  else
    v_prefix := 'GRP' || v_count || 'F' || left(upper(regexp_replace(v_numbers[1], '[^A-Za-z0-9]', '', 'g')), 14);
  end if;
  loop
    v_tries := v_tries + 1;
    v_refdet := v_prefix || 'P' || lpad(floor(random() * 1000000)::integer::text, 6, '0');
    exit when not exists (select 1 from portal.payment_attempts a where a.refdet = v_refdet);
    if v_tries >= 10 then
      raise exception 'could not generate a unique refdet';
    end if;
  end loop;

  if v_service.payment_provider = 'tipi' then
    v_token := encode(extensions.gen_random_bytes(32), 'hex');
  end if;

  v_objet := left(btrim(regexp_replace(regexp_replace(
    (case when v_count = 1 then 'Facture ' else 'Factures ' end) || array_to_string(v_numbers, ' '),
    '[^A-Za-z0-9 ]', ' ', 'g'), ' +', ' ', 'g')), 100);

  insert into portal.payment_attempts (service_id, account_id, refdet, amount_cents, provider, numcli,
                                       saisie, tipi_token_hash, expires_at)
  values (v_service.id, v_uid, v_refdet, v_total, v_service.payment_provider, v_service.numcli,
          v_service.saisie,
          case when v_token is null then null else encode(extensions.digest(v_token, 'sha256'), 'hex') end,
          now() + portal.payment_window(v_service.payment_provider))
  returning * into v_attempt;

  insert into portal.payment_attempt_invoices (attempt_id, invoice_id, amount_cents)
  select v_attempt.id, i.id, i.amount_cents from portal.invoices i where i.id = any (v_ids);

  perform portal.log_payment_event(v_attempt.id, 'attempt_created',
    jsonb_build_object('refdet', v_refdet, 'amount_cents', v_total, 'invoices', to_jsonb(v_numbers),
                       'provider', v_service.payment_provider));

  return jsonb_build_object(
    'status', 'created',
    'attempt_id', v_attempt.id,
    'refdet', v_refdet,
    'amount_cents', v_total,
    'provider', v_service.payment_provider,
    'numcli', v_service.numcli,
    'saisie', v_service.saisie,
    'exer', to_char(now() at time zone 'Europe/Paris', 'YYYY'),
    'mel', v_mel,
    'objet', v_objet,
    'tipi_token', v_token,
    'invoice_numbers', to_jsonb(v_numbers),
    'expires_at', v_attempt.expires_at
  );
end
$$;
revoke execute on function portal.start_payment_unchecked(uuid[]) from public, anon, authenticated, service_role;

-- set_payment_idop(attempt, idop): records PayFiP's idOp on the caller's pending attempt ------
create function portal.set_payment_idop_unchecked(p_attempt_id uuid, p_idop text)
returns boolean
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_id uuid;
begin
  if p_idop is null or p_idop !~ '^[A-Za-z0-9-]{1,64}$' then
    return false;
  end if;
  update portal.payment_attempts a
  set idop = p_idop
  where a.id = p_attempt_id
    and a.account_id = (select auth.uid())
    and a.status = 'pending'
    and a.provider = 'payfip_ws'
    and a.idop is null
  returning a.id into v_id;
  if v_id is null then
    return false;
  end if;
  perform portal.log_payment_event(v_id, 'idop_recorded', jsonb_build_object('idop', p_idop));
  return true;
end
$$;
revoke execute on function portal.set_payment_idop_unchecked(uuid, text) from public, anon, authenticated, service_role;

-- fail_payment_start(attempt, reason): the provider could not be reached or refused to open the
-- payment (e.g. SOAP fault on creerPaiementSecurise). Only before any idOp exists, so no payment
-- can have happened; the invoices are released at once.
create function portal.fail_payment_start_unchecked(p_attempt_id uuid, p_reason text)
returns boolean
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_id uuid;
begin
  update portal.payment_attempts a
  set status = 'error'
  where a.id = p_attempt_id
    and a.account_id = (select auth.uid())
    and a.status = 'pending'
    and a.provider = 'payfip_ws'
    and a.idop is null
  returning a.id into v_id;
  if v_id is null then
    return false;
  end if;
  perform portal.log_payment_event(v_id, 'start_failed', jsonb_build_object('reason', left(coalesce(p_reason, ''), 500)));
  return true;
end
$$;
revoke execute on function portal.fail_payment_start_unchecked(uuid, text) from public, anon, authenticated, service_role;

-- The wrappers are security definer like the writes they wrap (so they may call them); auth.uid()
-- and the claims are the caller's either way.
create function public.start_payment(p_invoice_ids uuid[])
returns jsonb
language sql
volatile
security definer
set search_path = ''
as $$
  select portal.require_live_session();
  select portal.start_payment_unchecked(p_invoice_ids);
$$;
revoke execute on function public.start_payment(uuid[]) from public, anon, authenticated, service_role;
grant execute on function public.start_payment(uuid[]) to authenticated;

create function public.set_payment_idop(p_attempt_id uuid, p_idop text)
returns boolean
language sql
volatile
security definer
set search_path = ''
as $$
  select portal.require_live_session();
  select portal.set_payment_idop_unchecked(p_attempt_id, p_idop);
$$;
revoke execute on function public.set_payment_idop(uuid, text) from public, anon, authenticated, service_role;
grant execute on function public.set_payment_idop(uuid, text) to authenticated;

create function public.fail_payment_start(p_attempt_id uuid, p_reason text)
returns boolean
language sql
volatile
security definer
set search_path = ''
as $$
  select portal.require_live_session();
  select portal.fail_payment_start_unchecked(p_attempt_id, p_reason);
$$;
revoke execute on function public.fail_payment_start(uuid, text) from public, anon, authenticated, service_role;
grant execute on function public.fail_payment_start(uuid, text) to authenticated;

/**
 * -------------------------------------------------------
 * The server: results and reconciliation
 * -------------------------------------------------------
 */

-- public.apply_payment_result(..., p_source_verified): the one place a provider's result lands ----
-- Finds the attempt by idOp (PayFiP) or by the classic TIPI token (hash compared here), rejects
-- and logs a refdet/numcli/amount mismatch or an invalid code, then:
--   * paid: never changes again (a repeat is a duplicate, a refusal is ignored);
--   * P/V, verified: paid with its invoices — from pending, from reported (DGFiP confirms the
--     report), and late after refused/abandoned/expired/error/rejected (a payment is never dropped);
--   * P/V, not verified: `reported` (invoices unpaid but held), from pending, or late after
--     refused/abandoned/expired/error; a repeat is a duplicate; ignored after staff rejected it;
--   * R/Z: refused; A: abandoned, the invoices held until 20 minutes after the start (the window
--     of an idOp), free at once after it — from pending, or from reported when verified (DGFiP
--     contradicts the report); an unverified R/Z/A never changes a reported attempt;
--   * otherwise a duplicate or ignored. Every call leaves a payment_events row.
-- p_source_verified: the caller vouches that the result comes from DGFiP (the server's own SOAP
-- answer for PayFiP; a post from an allow-listed DGFiP address for classic TIPI). Default: not.
-- Answers {"outcome": applied|duplicate|ignored|rejected|unknown, "status", "attempt_id"}.
create or replace function public.apply_payment_result(
  p_source text,
  p_idop text,
  p_tipi_token text,
  p_refdet text,
  p_numcli text,
  p_amount_cents bigint,
  p_resultrans text,
  p_numauto text,
  p_transaction_at timestamptz,
  p_payload jsonb default '{}'::jsonb,
  p_source_verified boolean default false
)
returns jsonb
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_attempt portal.payment_attempts;
  v_paid boolean := p_resultrans in ('P', 'V');
  v_verified boolean := coalesce(p_source_verified, false);
  v_received jsonb;
  v_previous text;
  v_new_status portal.payment_status;
  v_kind text;
  v_within boolean;
begin
  v_received := jsonb_build_object(
    'source', p_source, 'verified', v_verified, 'idop', p_idop, 'refdet', p_refdet, 'numcli', p_numcli,
    'amount_cents', p_amount_cents, 'resultrans', p_resultrans, 'numauto', p_numauto,
    'transaction_at', p_transaction_at, 'raw', coalesce(p_payload, '{}'::jsonb));

  if p_idop is not null and p_idop <> '' then
    select a.* into v_attempt from portal.payment_attempts a
    where a.idop = p_idop and a.provider = 'payfip_ws'
    for update;
  elsif p_tipi_token is not null and p_tipi_token <> '' then
    select a.* into v_attempt from portal.payment_attempts a
    where a.provider = 'tipi'
      and a.tipi_token_hash = encode(extensions.digest(p_tipi_token, 'sha256'), 'hex')
    for update;
  end if;

  if v_attempt.id is null then
    perform portal.log_payment_event(null, 'result_unknown_attempt', v_received);
    return jsonb_build_object('outcome', 'unknown');
  end if;

  if p_refdet is distinct from v_attempt.refdet
     or p_numcli is distinct from v_attempt.numcli
     or p_amount_cents is distinct from v_attempt.amount_cents then
    perform portal.log_payment_event(v_attempt.id, 'result_rejected_mismatch',
      v_received || jsonb_build_object('expected', jsonb_build_object(
        'refdet', v_attempt.refdet, 'numcli', v_attempt.numcli, 'amount_cents', v_attempt.amount_cents)));
    return jsonb_build_object('outcome', 'rejected', 'reason', 'mismatch', 'status', v_attempt.status, 'attempt_id', v_attempt.id);
  end if;

  if p_resultrans is null or p_resultrans not in ('P', 'V', 'R', 'Z', 'A') then
    perform portal.log_payment_event(v_attempt.id, 'result_rejected_invalid', v_received);
    return jsonb_build_object('outcome', 'rejected', 'reason', 'invalid_result', 'status', v_attempt.status, 'attempt_id', v_attempt.id);
  end if;

  v_previous := v_attempt.status::text;

  -- Paid is final.
  if v_previous = 'paid' then
    perform portal.log_payment_event(v_attempt.id,
      case when v_paid then 'result_duplicate' else 'result_ignored_after_paid' end, v_received);
    return jsonb_build_object('outcome', case when v_paid then 'duplicate' else 'ignored' end,
                              'status', v_attempt.status, 'attempt_id', v_attempt.id);
  end if;

  -- Reported: only DGFiP's own result changes it.
  if v_previous = 'reported' and not v_verified then
    perform portal.log_payment_event(v_attempt.id,
      case when v_paid then 'result_duplicate' else 'result_ignored_after_report' end, v_received);
    return jsonb_build_object('outcome', case when v_paid then 'duplicate' else 'ignored' end,
                              'status', v_attempt.status, 'attempt_id', v_attempt.id);
  end if;

  -- Rejected by staff: only DGFiP's own "paid" changes it.
  if v_previous = 'rejected' and not (v_paid and v_verified) then
    perform portal.log_payment_event(v_attempt.id, 'result_ignored_after_rejected', v_received);
    return jsonb_build_object('outcome', 'ignored', 'status', v_attempt.status, 'attempt_id', v_attempt.id);
  end if;

  -- Over (refused, abandoned, expired, error): only a paid result changes it.
  if v_previous not in ('pending', 'reported') and not v_paid then
    perform portal.log_payment_event(v_attempt.id,
      case when v_attempt.resultrans is not distinct from p_resultrans then 'result_duplicate' else 'result_ignored_not_pending' end,
      v_received);
    return jsonb_build_object('outcome', case when v_attempt.resultrans is not distinct from p_resultrans then 'duplicate' else 'ignored' end,
                              'status', v_attempt.status, 'attempt_id', v_attempt.id);
  end if;

  if v_paid and v_verified then
    perform portal.mark_payment_attempt_paid(v_attempt.id, p_resultrans, p_numauto, p_transaction_at);
    perform portal.log_payment_event(v_attempt.id,
      case v_previous when 'pending' then 'result_paid'
                      when 'reported' then 'result_paid_confirms_report'
                      else 'result_paid_late_after_' || v_previous end,
      v_received);
    return jsonb_build_object('outcome', 'applied', 'status', 'paid', 'attempt_id', v_attempt.id);
  end if;

  if v_paid then
    -- Not verified: recorded, never trusted. The invoices stay unpaid and held.
    update portal.payment_attempts a
    set status = 'reported', resultrans = p_resultrans, numauto = p_numauto,
        transaction_at = coalesce(p_transaction_at, now()), reported_at = now()
    where a.id = v_attempt.id;
    perform portal.log_payment_event(v_attempt.id,
      case v_previous when 'pending' then 'result_reported' else 'result_reported_late_after_' || v_previous end,
      v_received);
    return jsonb_build_object('outcome', 'applied', 'status', 'reported', 'attempt_id', v_attempt.id);
  end if;

  -- R/Z/A on a pending attempt, or DGFiP's own R/Z/A on a reported one.
  if p_resultrans = 'A' then
    v_new_status := 'abandoned';
    v_within := now() < v_attempt.created_at + portal.payment_abandon_window();
    v_kind := case when v_within then 'result_abandoned_within_window' else 'result_abandoned' end;
    update portal.payment_attempts a
    set status = v_new_status, resultrans = p_resultrans, numauto = p_numauto, transaction_at = p_transaction_at,
        -- Held until the idOp's window ends (at once when it already has).
        expires_at = least(a.expires_at, a.created_at + portal.payment_abandon_window())
    where a.id = v_attempt.id;
  else
    v_new_status := 'refused';
    v_kind := 'result_refused';
    update portal.payment_attempts a
    set status = v_new_status, resultrans = p_resultrans, numauto = p_numauto, transaction_at = p_transaction_at
    where a.id = v_attempt.id;
  end if;
  perform portal.log_payment_event(v_attempt.id,
    v_kind || case when v_previous = 'reported' then '_after_report' else '' end, v_received);
  return jsonb_build_object('outcome', 'applied', 'status', v_new_status, 'attempt_id', v_attempt.id);
end
$$;
revoke execute on function public.apply_payment_result(text, text, text, text, text, bigint, text, text, timestamptz, jsonb, boolean)
  from public, anon, authenticated, service_role;
grant execute on function public.apply_payment_result(text, text, text, text, text, bigint, text, text, timestamptz, jsonb, boolean)
  to service_role;

-- public.expire_payment_attempt(attempt, reason): the reconciliation job's last word -------------
-- Only a pending attempt past its window (expires_at) expires; its invoices are free again.
create or replace function public.expire_payment_attempt(p_attempt_id uuid, p_reason text)
returns boolean
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_id uuid;
begin
  update portal.payment_attempts a
  set status = 'expired'
  where a.id = p_attempt_id and a.status = 'pending' and a.expires_at <= now()
  returning a.id into v_id;
  if v_id is null then
    return false;
  end if;
  perform portal.log_payment_event(v_id, 'attempt_expired', jsonb_build_object('reason', left(coalesce(p_reason, ''), 500)));
  return true;
end
$$;
revoke execute on function public.expire_payment_attempt(uuid, text) from public, anon, authenticated, service_role;
grant execute on function public.expire_payment_attempt(uuid, text) to service_role;

-- public.payments_to_reconcile(limit): what the job asks PayFiP about, oldest first ---------------
-- Pending attempts, and PayFiP attempts abandoned within their window (a payment may still come
-- on the idOp: the job asks until the window ends). `status` says which.
create or replace function public.payments_to_reconcile(p_limit integer)
returns table (
  id uuid,
  provider portal.payment_provider,
  idop text,
  refdet text,
  status portal.payment_status,
  created_at timestamptz,
  expires_at timestamptz,
  past_window boolean
)
language sql
stable
security definer
set search_path = ''
as $$
  select a.id, a.provider, a.idop, a.refdet, a.status, a.created_at, a.expires_at,
         a.status::text = 'pending' and a.expires_at <= now()
  from portal.payment_attempts a
  where a.status::text = 'pending'
     or (a.status::text = 'abandoned' and a.provider = 'payfip_ws' and a.idop is not null and a.expires_at > now())
  order by a.created_at, a.id
  limit least(greatest(coalesce(p_limit, 100), 1), 1000)
$$;
revoke execute on function public.payments_to_reconcile(integer) from public, anon, authenticated, service_role;
grant execute on function public.payments_to_reconcile(integer) to service_role;

/**
 * -------------------------------------------------------
 * Staff: reported payments
 * -------------------------------------------------------
 */

-- Reported payments to confirm or reject: Supabase dashboard (schema `portal`) or `npm run admin -- paiements a-confirmer`. Check each on
-- DGFiP's statement (refdet, amount, numauto), then confirm or reject it.
create or replace view portal.staff_payments_to_confirm with (security_invoker = true) as
  select a.id as attempt_id, a.reported_at, s.name as service_name, s.numcli, a.refdet, a.amount_cents,
         a.resultrans, a.numauto, a.transaction_at,
         array(select i.number from portal.payment_attempt_invoices ai
               join portal.invoices i on i.id = ai.invoice_id
               where ai.attempt_id = a.id order by i.issued_on, i.number) as invoice_numbers,
         array(select distinct c.customer_number from portal.payment_attempt_invoices ai
               join portal.invoices i on i.id = ai.invoice_id
               join portal.customers c on c.id = i.customer_id
               where ai.attempt_id = a.id order by 1) as customer_numbers,
         (select e.payload -> 'raw' ->> 'client_address' from portal.payment_events e
          where e.attempt_id = a.id and e.kind like 'result_reported%'
          order by e.id desc limit 1) as source_address,
         a.created_at as started_at
  from portal.payment_attempts a
  join portal.services s on s.id = a.service_id
  where a.status::text = 'reported'
  order by a.reported_at, a.id;
revoke all on portal.staff_payments_to_confirm from public, anon, authenticated;
grant select on portal.staff_payments_to_confirm to service_role;

-- Who settles a reported payment and why are required: recorded on the attempt for good.
create or replace function portal.check_review(p_by text, p_reason text)
returns void
language plpgsql
immutable
set search_path = ''
as $$
begin
  if p_by is null or length(btrim(p_by)) not between 1 and 200 then
    raise exception 'who settles the payment is required (1 to 200 characters)' using errcode = '22023';
  end if;
  if p_reason is null or length(btrim(p_reason)) not between 1 and 1000 then
    raise exception 'a reason is required (1 to 1000 characters)' using errcode = '22023';
  end if;
end
$$;
revoke execute on function portal.check_review(text, text) from public, anon, authenticated;

-- public.confirm_reported_payment(attempt, by, reason): staff saw the payment on DGFiP's statement.
-- The attempt and its invoices become paid (with the reported numauto and time).
-- Answers {"outcome": confirmed|not_reported|unknown, "status"}.
create or replace function public.confirm_reported_payment(p_attempt_id uuid, p_by text, p_reason text)
returns jsonb
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_attempt portal.payment_attempts;
begin
  perform portal.check_review(p_by, p_reason);
  select a.* into v_attempt from portal.payment_attempts a where a.id = p_attempt_id for update;
  if v_attempt.id is null then
    return jsonb_build_object('outcome', 'unknown');
  end if;
  if v_attempt.status::text <> 'reported' then
    return jsonb_build_object('outcome', 'not_reported', 'status', v_attempt.status);
  end if;
  perform portal.mark_payment_attempt_paid(v_attempt.id, v_attempt.resultrans, v_attempt.numauto, v_attempt.transaction_at);
  update portal.payment_attempts a
  set reviewed_by = btrim(p_by), reviewed_at = now(), review_reason = btrim(p_reason)
  where a.id = v_attempt.id;
  perform portal.log_payment_event(v_attempt.id, 'report_confirmed',
    jsonb_build_object('by', btrim(p_by), 'reason', btrim(p_reason)));
  return jsonb_build_object('outcome', 'confirmed', 'status', 'paid');
end
$$;
revoke execute on function public.confirm_reported_payment(uuid, text, text) from public, anon, authenticated, service_role;
grant execute on function public.confirm_reported_payment(uuid, text, text) to service_role;

-- public.reject_reported_payment(attempt, by, reason): no such payment on DGFiP's statement. The
-- invoices are free again; only DGFiP's own "paid" can still change the attempt.
-- Answers {"outcome": rejected|not_reported|unknown, "status"}.
create or replace function public.reject_reported_payment(p_attempt_id uuid, p_by text, p_reason text)
returns jsonb
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_attempt portal.payment_attempts;
begin
  perform portal.check_review(p_by, p_reason);
  select a.* into v_attempt from portal.payment_attempts a where a.id = p_attempt_id for update;
  if v_attempt.id is null then
    return jsonb_build_object('outcome', 'unknown');
  end if;
  if v_attempt.status::text <> 'reported' then
    return jsonb_build_object('outcome', 'not_reported', 'status', v_attempt.status);
  end if;
  update portal.payment_attempts a
  set status = 'rejected', reviewed_by = btrim(p_by), reviewed_at = now(), review_reason = btrim(p_reason)
  where a.id = v_attempt.id;
  perform portal.log_payment_event(v_attempt.id, 'report_rejected',
    jsonb_build_object('by', btrim(p_by), 'reason', btrim(p_reason)));
  return jsonb_build_object('outcome', 'rejected', 'status', 'rejected');
end
$$;
revoke execute on function public.reject_reported_payment(uuid, text, text) from public, anon, authenticated, service_role;
grant execute on function public.reject_reported_payment(uuid, text, text) to service_role;

-- The billing import's "paid" settles a reported payment ----------------------------------------
-- When an invoice becomes paid other than through a portal payment (the billing import, staff),
-- each reported attempt covering it whose invoices are now all paid is settled as paid: the
-- service's books say the money arrived. Not when a portal payment paid the invoice (the report
-- then stays for staff: it may be a second payment).
create or replace function portal.settle_reported_payments()
returns trigger
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_attempt_id uuid;
begin
  if exists (
    select 1 from portal.payment_attempt_invoices ai
    join portal.payment_attempts a on a.id = ai.attempt_id
    where ai.invoice_id = new.id and a.status::text = 'paid'
  ) then
    return null;
  end if;
  for v_attempt_id in
    select a.id from portal.payment_attempt_invoices ai
    join portal.payment_attempts a on a.id = ai.attempt_id
    where ai.invoice_id = new.id and a.status::text = 'reported'
    order by a.id
    for update of a
  loop
    if not exists (
      select 1 from portal.payment_attempt_invoices ai
      join portal.invoices i on i.id = ai.invoice_id
      where ai.attempt_id = v_attempt_id and i.status <> 'paid'
    ) then
      update portal.payment_attempts a
      set status = 'paid', reviewed_by = 'import de la facturation', reviewed_at = now(),
          review_reason = 'facture(s) réglée(s) selon le logiciel de facturation'
      where a.id = v_attempt_id;
      perform portal.log_payment_event(v_attempt_id, 'report_settled_by_billing',
        jsonb_build_object('invoice_id', new.id, 'number', new.number));
    end if;
  end loop;
  return null;
end
$$;
revoke execute on function portal.settle_reported_payments() from public, anon, authenticated;

create trigger invoices_settle_reported_payments
  after update of status on portal.invoices
  for each row
  when (new.status = 'paid' and old.status is distinct from 'paid')
  execute function portal.settle_reported_payments();
