-- Online payment (docs/payment.md): which invoices can be paid and why not, the atomic creation of a
-- payment attempt, and the one idempotent function that applies a provider's result.
-- Tables are in 20261126170300_payments.sql. Configuration and environment: docs/payment.md;
-- decision record: docs/decisions/0008-payment-payfip-tipi.md.
--
-- Who calls what:
--   resident (authenticated): my_payable_invoices, start_payment, set_payment_idop,
--                             fail_payment_start, my_payment_attempt
--   server (service_role):    apply_payment_result, expire_payment_attempt, payments_to_reconcile
-- A result is never taken from the browser alone: PayFiP results come from the server's SOAP call
-- (recupererDetailPaiementSecurise); classic TIPI results must carry the attempt's secret token and
-- match its refdet, amount and numcli.

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

-- Why an invoice cannot be paid now (null: it can). One place for the rule, used by the listing
-- and by start_payment.
create or replace function portal.invoice_payment_block(p_invoice_id uuid)
returns text
language sql
stable
set search_path = ''
as $$
  select case
    when i.status = 'paid' then 'paid'
    when i.status = 'treasury' then 'treasury'
    when s.payment_suspended then 'suspended'
    when exists (
      select 1 from portal.payment_attempt_invoices ai
      join portal.payment_attempts a on a.id = ai.attempt_id
      where ai.invoice_id = i.id and a.status = 'pending'
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

-- public.start_payment(invoice ids): creates the payment attempt, atomically ---------------------
-- Answers {"status":"refused","reason":…} or {"status":"created", attempt_id, refdet,
-- amount_cents, provider, numcli, saisie, exer, mel, objet, tipi_token, invoice_numbers,
-- expires_at}. Reasons: empty, too_many, not_found, not_unpaid, several_services, suspended,
-- multiple_not_allowed, pending, amount_out_of_limits, invalid_email.
-- The invoices are locked (FOR UPDATE, in id order) before the checks, so two concurrent starts on
-- the same invoice are serialised and the second sees the first one's pending attempt.
create or replace function public.start_payment(p_invoice_ids uuid[])
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
    where ai.invoice_id = any (v_ids) and a.status = 'pending'
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

  -- refdet: 6 to 30 of [A-Za-z0-9]. One invoice: its number without separators, so the service
  -- recognises it on DGFiP's statement; several: GRP<count>F<first number>. Then "P" and six
  -- random digits, since a retry after a refusal needs a new refdet.
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

  -- objet: at most 100 characters of [A-Za-z0-9 ] (what PayFiP accepts everywhere).
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
revoke execute on function public.start_payment(uuid[]) from public, anon, authenticated, service_role;
grant execute on function public.start_payment(uuid[]) to authenticated;

-- public.set_payment_idop(attempt, idop): records PayFiP's idOp on the caller's pending attempt --
create or replace function public.set_payment_idop(p_attempt_id uuid, p_idop text)
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
revoke execute on function public.set_payment_idop(uuid, text) from public, anon, authenticated, service_role;
grant execute on function public.set_payment_idop(uuid, text) to authenticated;

-- public.fail_payment_start(attempt, reason): the provider could not be reached or refused to open
-- the payment (e.g. SOAP fault on creerPaiementSecurise). Only before any idOp exists, so no
-- payment can have happened; the invoices are released at once.
create or replace function public.fail_payment_start(p_attempt_id uuid, p_reason text)
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
revoke execute on function public.fail_payment_start(uuid, text) from public, anon, authenticated, service_role;
grant execute on function public.fail_payment_start(uuid, text) to authenticated;

-- public.my_payment_attempt(attempt id or idop): the return page's view of the caller's attempt --
-- SECURITY INVOKER: the residents' RLS on payment_attempts / payment_attempt_invoices decides.
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
  where (p_attempt_id is not null and a.id = p_attempt_id)
     or (p_attempt_id is null and p_idop is not null and a.idop = p_idop)
  limit 1
$$;
revoke execute on function public.my_payment_attempt(uuid, text) from public, anon, authenticated, service_role;
grant execute on function public.my_payment_attempt(uuid, text) to authenticated;

-- public.apply_payment_result(...): the one place a provider's result changes anything -----------
-- Finds the attempt by idOp (PayFiP web service: the caller fetched the result from DGFiP) or by
-- the classic TIPI token (hash compared here). Then:
--   * refdet, numcli or amount differ from the attempt → rejected, logged, nothing changes;
--   * an invalid resultrans → rejected, logged;
--   * pending + P/V → attempt paid (numauto, transaction time), its invoices paid;
--   * pending + R/Z → refused, A → abandoned: the invoices are free again;
--   * already paid → duplicate (same result again) or ignored (a late refusal never overwrites paid);
--   * refused/abandoned/expired/error + P/V → the money was taken after all (late notification):
--     recorded as paid, never dropped; an invoice that is no longer unpaid is logged for staff;
--   * otherwise ignored. Every call leaves a payment_events row.
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
  p_payload jsonb default '{}'::jsonb
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
  v_new_status portal.payment_status;
  v_received jsonb;
  v_lines integer;
  v_marked integer;
  v_not_unpaid jsonb;
  v_previous portal.payment_status;
begin
  v_received := jsonb_build_object(
    'source', p_source, 'idop', p_idop, 'refdet', p_refdet, 'numcli', p_numcli,
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

  if v_attempt.status = 'paid' then
    perform portal.log_payment_event(v_attempt.id,
      case when v_paid then 'result_duplicate' else 'result_ignored_after_paid' end, v_received);
    return jsonb_build_object('outcome', case when v_paid then 'duplicate' else 'ignored' end,
                              'status', v_attempt.status, 'attempt_id', v_attempt.id);
  end if;

  if v_attempt.status <> 'pending' and not v_paid then
    perform portal.log_payment_event(v_attempt.id,
      case when v_attempt.resultrans is not distinct from p_resultrans then 'result_duplicate' else 'result_ignored_not_pending' end,
      v_received);
    return jsonb_build_object('outcome', case when v_attempt.resultrans is not distinct from p_resultrans then 'duplicate' else 'ignored' end,
                              'status', v_attempt.status, 'attempt_id', v_attempt.id);
  end if;

  v_previous := v_attempt.status;
  if v_paid then
    update portal.payment_attempts a
    set status = 'paid', resultrans = p_resultrans, numauto = p_numauto,
        transaction_at = coalesce(p_transaction_at, now())
    where a.id = v_attempt.id
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
      -- Moved to treasury, or paid by another channel, while the resident was paying: the money
      -- was taken all the same. Staff must refund or tell the treasury (docs/payment.md).
      select jsonb_agg(jsonb_build_object('invoice_id', i.id, 'number', i.number, 'status', i.status))
      into v_not_unpaid
      from portal.payment_attempt_invoices ai
      join portal.invoices i on i.id = ai.invoice_id
      where ai.attempt_id = v_attempt.id and (i.status <> 'paid' or i.paid_at is distinct from v_attempt.transaction_at);
      perform portal.log_payment_event(v_attempt.id, 'paid_invoice_not_unpaid',
        jsonb_build_object('invoices', v_not_unpaid));
    end if;
    perform portal.log_payment_event(v_attempt.id,
      case when v_previous = 'pending' then 'result_paid' else 'result_paid_late_after_' || v_previous::text end,
      v_received);
    return jsonb_build_object('outcome', 'applied', 'status', 'paid', 'attempt_id', v_attempt.id);
  end if;

  v_new_status := case when p_resultrans = 'A' then 'abandoned'::portal.payment_status else 'refused'::portal.payment_status end;
  update portal.payment_attempts a
  set status = v_new_status, resultrans = p_resultrans, numauto = p_numauto,
      transaction_at = p_transaction_at
  where a.id = v_attempt.id;
  perform portal.log_payment_event(v_attempt.id, 'result_' || v_new_status::text, v_received);
  return jsonb_build_object('outcome', 'applied', 'status', v_new_status, 'attempt_id', v_attempt.id);
end
$$;
revoke execute on function public.apply_payment_result(text, text, text, text, text, bigint, text, text, timestamptz, jsonb)
  from public, anon, authenticated, service_role;
grant execute on function public.apply_payment_result(text, text, text, text, text, bigint, text, text, timestamptz, jsonb)
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

-- public.payments_to_reconcile(limit): pending attempts, oldest first ----------------------------
create or replace function public.payments_to_reconcile(p_limit integer)
returns table (
  id uuid,
  provider portal.payment_provider,
  idop text,
  refdet text,
  created_at timestamptz,
  expires_at timestamptz,
  past_window boolean
)
language sql
stable
security definer
set search_path = ''
as $$
  select a.id, a.provider, a.idop, a.refdet, a.created_at, a.expires_at, a.expires_at <= now()
  from portal.payment_attempts a
  where a.status = 'pending'
  order by a.created_at, a.id
  limit least(greatest(coalesce(p_limit, 100), 1), 1000)
$$;
revoke execute on function public.payments_to_reconcile(integer) from public, anon, authenticated, service_role;
grant execute on function public.payments_to_reconcile(integer) to service_role;
