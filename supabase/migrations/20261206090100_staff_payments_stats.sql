/**
 * Staff: payments to confirm, and the activity figures a service reports to its elected officials
 * (docs/decisions/0043-staff-payments-and-activity.md, docs/staff-settings.md).
 *
 * 1. Payments to confirm (portal.staff_payments_to_confirm, public.staff_payments_to_confirm):
 *    - `reported`: a classic TIPI "paid" from an address not in TIPI_TRUSTED_SOURCES
 *      (supabase/migrations/20261126000300_payments.sql, "Trust");
 *    - a PayFiP attempt still `pending` past its window that the reconciliation job
 *      (app/.server/payment/service.ts, reconcilePayments) will not settle: PayFiP answered after
 *      the window and apply_payment_result refused the answer (mismatch, invalid result: the same
 *      answer comes at every run), or PayFiP gave no usable answer for a day past the window (the
 *      job asked at every run and got errors). Not listed: a pending attempt within its window, a
 *      PayFiP attempt abandoned within its window, one without an idOp or a classic TIPI one past
 *      its window (the job expires those at its next run), and every final status.
 *    public.confirm_reported_payment / reject_reported_payment (same file) now settle both kinds,
 *    with the same outcome as an automatic result: confirm → portal.mark_payment_attempt_paid
 *    (the receipt e-mail once, supabase/migrations/20261204090100_payment_history.sql); reject →
 *    `rejected` (the invoices are free again; only DGFiP's own "paid" can change it).
 * 2. Activity figures per service and month (public.staff_monthly_activity, the view
 *    portal.staff_monthly_activity): accounts activated (customers first linked to an account:
 *    the new column portal.customers.linked_at), customers and customers with an account at the
 *    end of the month, paper opt-out requests, online payments (paid: count and amount), and the
 *    outbox's e-mails delivered and failed (portal-wide: an e-mail has no service).
 *
 * Append-only migrations: docs/decisions/0020-one-migration-per-domain-append-only.md.
 */

/**
 * -------------------------------------------------------
 * Columns and indexes
 * -------------------------------------------------------
 */

-- When the customer record was first linked to an account (activation, or a later link). Kept
-- when the account is closed (account_id back to null): the month of the first activation.
alter table portal.customers add column linked_at timestamptz;

-- Links made before this column: the account's creation (GoTrue's auth.users.created_at), the
-- best date known; not the record's updated_at, which any later import changes. The updated_at
-- trigger is off meanwhile: this is not a change of the record.
alter table portal.customers disable trigger customers_set_updated_at;
update portal.customers c
set linked_at = greatest(c.created_at, u.created_at)
from auth.users u
where u.id = c.account_id and c.linked_at is null;
alter table portal.customers enable trigger customers_set_updated_at;

create or replace function portal.customers_set_linked_at()
  returns trigger language plpgsql set search_path = '' as $$
begin
  if new.account_id is not null and new.linked_at is null then
    new.linked_at := now();
  end if;
  return new;
end
$$;
revoke execute on function portal.customers_set_linked_at() from public, anon, authenticated;

create trigger customers_set_linked_at before insert or update of account_id on portal.customers
  for each row execute function portal.customers_set_linked_at();

-- The monthly figures reach one month's rows through these (checked at scale:
-- tests/staff-payments/plan.test.ts).
create index customers_linked_at_idx on portal.customers (linked_at) where linked_at is not null;
create index paper_optout_requests_requested_at_idx on portal.paper_optout_requests (requested_at);
create index payment_attempts_paid_at_idx on portal.payment_attempts (transaction_at) where status = 'paid';
create index email_outbox_sent_at_idx on portal.email_outbox (sent_at) where status = 'sent';
create index email_outbox_failed_idx on portal.email_outbox (created_at) where status = 'failed';
-- The payments to confirm: reported ones (pending ones: payment_attempts_pending_idx).
create index payment_attempts_reported_idx on portal.payment_attempts (reported_at) where status = 'reported';

/**
 * -------------------------------------------------------
 * Payments to confirm
 * -------------------------------------------------------
 */

-- How long past its window a PayFiP attempt the job could not settle waits before staff see it.
create or replace function portal.payment_stuck_after()
  returns interval language sql immutable set search_path = '' as $$
  select interval '1 day'
$$;
revoke execute on function portal.payment_stuck_after() from public, anon, authenticated;
grant execute on function portal.payment_stuck_after() to service_role;

-- Why an attempt waits for staff (null: it does not). `reported`: reported paid, not verified;
-- `payfip_answer_refused`: PayFiP's answer after the window did not match the attempt;
-- `payfip_no_answer`: still pending a day past its window (PayFiP unreachable or in error).
create or replace function portal.payment_review_reason(p_attempt portal.payment_attempts)
  returns text language sql stable set search_path = '' as $$
  select case
    when p_attempt.status = 'reported' then 'reported'
    when p_attempt.status <> 'pending' or p_attempt.provider <> 'payfip_ws' or p_attempt.idop is null
         or p_attempt.expires_at > now() then null
    when exists (
      select 1 from portal.payment_events e
      where e.attempt_id = p_attempt.id and e.created_at >= p_attempt.expires_at
        and e.kind in ('result_rejected_mismatch', 'result_rejected_invalid')
    ) then 'payfip_answer_refused'
    when p_attempt.expires_at <= now() - portal.payment_stuck_after() then 'payfip_no_answer'
    else null
  end
$$;
revoke execute on function portal.payment_review_reason(portal.payment_attempts) from public, anon, authenticated;
-- The view is security invoker: the service role reads it.
grant execute on function portal.payment_review_reason(portal.payment_attempts) to service_role;

-- The same columns as before (first), then: provider, idop, why it is listed (code and French),
-- the customers' names. Oldest first. Invoices and customers in one lateral aggregate per row.
create or replace view portal.staff_payments_to_confirm with (security_invoker = true) as
  select a.id as attempt_id, a.reported_at, s.name as service_name, s.numcli, a.refdet, a.amount_cents,
         a.resultrans, a.numauto, a.transaction_at,
         coalesce(lines.invoice_numbers, '{}') as invoice_numbers,
         coalesce(lines.customer_numbers, '{}') as customer_numbers,
         sent.client_address as source_address,
         a.created_at as started_at, a.provider, a.idop, r.reason,
         case r.reason
           when 'reported' then 'signalé payé (TIPI), non vérifié auprès de la DGFiP'
           when 'payfip_answer_refused' then 'réponse de PayFiP non conforme au paiement (montant, référence)'
           else 'sans réponse de PayFiP depuis plus d''un jour après le délai'
         end as reason_label,
         coalesce(lines.customer_names, '{}') as customer_names
  from portal.payment_attempts a
  join portal.services s on s.id = a.service_id
  cross join lateral (select portal.payment_review_reason(a) as reason) r
  cross join lateral (
    select array_agg(i.number order by i.issued_on, i.number) as invoice_numbers,
           array_agg(distinct c.customer_number order by c.customer_number) as customer_numbers,
           array_agg(distinct c.display_name order by c.display_name) as customer_names
    from portal.payment_attempt_invoices ai, portal.invoices i, portal.customers c
    where ai.attempt_id = a.id and i.id = ai.invoice_id and c.id = i.customer_id
  ) lines
  -- A report's sender (not one of DGFiP's addresses), from its latest report in the log.
  left join lateral (
    select e.payload #>> '{raw,client_address}' as client_address from portal.payment_events e
    where e.attempt_id = a.id and e.kind like 'result_reported%' order by e.id desc limit 1
  ) sent on true
  where (a.status = 'reported' or (a.status = 'pending' and a.expires_at <= now()))
    and r.reason is not null
  order by coalesce(a.reported_at, a.expires_at), a.id;
revoke all on portal.staff_payments_to_confirm from public, anon, authenticated;
grant select on portal.staff_payments_to_confirm to service_role;

-- public.staff_payments_to_confirm(numcli): the view through PostgREST (`rpc`), one service or all.
create or replace function public.staff_payments_to_confirm(p_numcli text default null)
returns table (
  attempt_id uuid,
  started_at timestamptz,
  reported_at timestamptz,
  numcli text,
  service_name text,
  customer_numbers text[],
  customer_names text[],
  invoice_numbers text[],
  amount_cents bigint,
  provider portal.payment_provider,
  refdet text,
  idop text,
  numauto text,
  transaction_at timestamptz,
  source_address text,
  reason text,
  reason_label text
)
language sql
stable
set search_path = ''
as $$
  select v.attempt_id, v.started_at, v.reported_at, v.numcli, v.service_name, v.customer_numbers, v.customer_names,
         v.invoice_numbers, v.amount_cents, v.provider, v.refdet, v.idop, v.numauto, v.transaction_at,
         v.source_address, v.reason, v.reason_label
  from portal.staff_payments_to_confirm v
  where p_numcli is null or v.numcli = p_numcli
$$;
revoke execute on function public.staff_payments_to_confirm(text) from public, anon, authenticated, service_role;
grant execute on function public.staff_payments_to_confirm(text) to service_role;

-- Confirm or reject one payment to confirm (portal.payment_review_reason not null), recording who,
-- when and why on the attempt and in its events. Anything else is refused (not_reported: it is
-- final, or the job still settles it), so a second call changes nothing.
-- Answers {"outcome": confirmed|rejected|not_reported|unknown, "status"}.
create or replace function portal.review_payment(p_attempt_id uuid, p_confirm boolean, p_by text, p_reason text)
  returns jsonb language plpgsql volatile set search_path = '' as $$
declare
  v_attempt portal.payment_attempts;
  v_why text;
  v_facts jsonb;
begin
  perform portal.check_review(p_by, p_reason);
  -- Locked: two decisions on one attempt are taken one after the other, the second sees the first.
  select a.* into v_attempt from portal.payment_attempts a where a.id = p_attempt_id for update;
  v_why := case when v_attempt.id is not null then portal.payment_review_reason(v_attempt) end;
  if v_why is null then
    return case when v_attempt.id is null then jsonb_build_object('outcome', 'unknown')
                else jsonb_build_object('outcome', 'not_reported', 'status', v_attempt.status,
                                        'reviewed_by', v_attempt.reviewed_by, 'reviewed_at', v_attempt.reviewed_at) end;
  end if;
  v_facts := jsonb_build_object('by', btrim(p_by), 'reason', btrim(p_reason), 'at', now(), 'listed_as', v_why);
  if p_confirm then
    perform portal.mark_payment_attempt_paid(v_attempt.id, v_attempt.resultrans, v_attempt.numauto, v_attempt.transaction_at);
    update portal.payment_attempts a
    set reviewed_by = btrim(p_by), reviewed_at = now(), review_reason = btrim(p_reason)
    where a.id = v_attempt.id;
  else
    update portal.payment_attempts a
    set status = 'rejected', reviewed_by = btrim(p_by), reviewed_at = now(), review_reason = btrim(p_reason)
    where a.id = v_attempt.id;
  end if;
  perform portal.log_payment_event(v_attempt.id,
    case when v_why = 'reported' then 'report_' else 'unsettled_' end || case when p_confirm then 'confirmed' else 'rejected' end,
    v_facts);
  return jsonb_build_object('outcome', case when p_confirm then 'confirmed' else 'rejected' end,
                            'status', case when p_confirm then 'paid' else 'rejected' end);
end
$$;
revoke execute on function portal.review_payment(uuid, boolean, text, text) from public, anon, authenticated;

-- public.confirm_reported_payment(attempt, by, reason): staff saw the payment on DGFiP's statement;
-- public.reject_reported_payment(attempt, by, reason): no such payment there. Same signatures.
create or replace function public.confirm_reported_payment(p_attempt_id uuid, p_by text, p_reason text) returns jsonb
  language sql volatile security definer set search_path = '' as $$ select portal.review_payment(p_attempt_id, true, p_by, p_reason) $$;
create or replace function public.reject_reported_payment(p_attempt_id uuid, p_by text, p_reason text) returns jsonb
  language sql volatile security definer set search_path = '' as $$ select portal.review_payment(p_attempt_id, false, p_by, p_reason) $$;
revoke execute on function public.confirm_reported_payment(uuid, text, text), public.reject_reported_payment(uuid, text, text)
  from public, anon, authenticated, service_role;
grant execute on function public.confirm_reported_payment(uuid, text, text), public.reject_reported_payment(uuid, text, text)
  to service_role;

/**
 * -------------------------------------------------------
 * Activity figures
 * -------------------------------------------------------
 */

-- public.staff_monthly_activity(month, numcli): one row per service and month (Paris time), then
-- one row per month with numcli null: the services' totals and the portal's e-mails (an e-mail
-- belongs to no service). p_month null: every month with activity (the whole history); given:
-- that month, every service listed, zero or not, and each source read through its index for that
-- month only. Customers at the end of a past month: those created by then; with an account: those
-- first linked by then that still have one (closures are not dated). Sent e-mails and opt-out
-- requests are counted while kept (retention purge: docs/decisions/0031-retention-purge.md).
create or replace function public.staff_monthly_activity(p_month date default null, p_numcli text default null)
returns table (
  month date,
  numcli text,
  service_name text,
  accounts_activated bigint,
  customers bigint,
  customers_with_account bigint,
  paper_optouts bigint,
  payments_count bigint,
  payments_cents bigint,
  emails_sent bigint,
  emails_failed bigint
)
language plpgsql
stable
set search_path = ''
as $$
declare
  v_month date := date_trunc('month', p_month)::date;
  v_from timestamptz := coalesce(v_month::timestamp at time zone 'Europe/Paris', '-infinity');
  v_to timestamptz := coalesce((v_month + interval '1 month')::timestamp at time zone 'Europe/Paris', 'infinity');
begin
  -- EXECUTE: planned with this call's bounds, so a month reaches its rows through the indexes.
  return query execute $q$
    with svc as (
      select s.id, s.numcli, s.name from portal.services s where $3::text is null or s.numcli = $3
    ),
    activated as (
      select c.service_id, date_trunc('month', c.linked_at at time zone 'Europe/Paris')::date as month, count(*) as n
      from portal.customers c where c.linked_at >= $1 and c.linked_at < $2 group by 1, 2
    ),
    optouts as (
      select c.service_id, date_trunc('month', r.requested_at at time zone 'Europe/Paris')::date as month, count(*) as n
      from portal.paper_optout_requests r join portal.customers c on c.id = r.customer_id
      where r.requested_at >= $1 and r.requested_at < $2 group by 1, 2
    ),
    paid as (
      select a.service_id, date_trunc('month', a.transaction_at at time zone 'Europe/Paris')::date as month,
             count(*) as n, sum(a.amount_cents)::bigint as cents
      from portal.payment_attempts a
      where a.status = 'paid' and a.transaction_at >= $1 and a.transaction_at < $2 group by 1, 2
    ),
    emails as (
      select e.month, count(*) filter (where e.sent) as sent, count(*) filter (where not e.sent) as failed
      from (
        select date_trunc('month', o.sent_at at time zone 'Europe/Paris')::date as month, true as sent
        from portal.email_outbox o where o.status = 'sent' and o.sent_at >= $1 and o.sent_at < $2
        union all
        select date_trunc('month', o.created_at at time zone 'Europe/Paris')::date, false
        from portal.email_outbox o where o.status = 'failed' and o.created_at >= $1 and o.created_at < $2
      ) e group by 1
    ),
    months as (
      select x.service_id, x.month from activated x
      union select x.service_id, x.month from optouts x
      union select x.service_id, x.month from paid x
      union select s.id, $4::date from svc s where $4::date is not null
    ),
    per_service as (
      select m.month, s.numcli, s.name as service_name,
             coalesce(ac.n, 0) as accounts_activated, cc.customers, cc.with_account,
             coalesce(oo.n, 0) as paper_optouts, coalesce(pp.n, 0) as payments_count, coalesce(pp.cents, 0) as payments_cents
      from months m
      join svc s on s.id = m.service_id
      left join activated ac on ac.service_id = m.service_id and ac.month = m.month
      left join optouts oo on oo.service_id = m.service_id and oo.month = m.month
      left join paid pp on pp.service_id = m.service_id and pp.month = m.month
      cross join lateral (
        select count(*) filter (where c.created_at < (m.month + interval '1 month')::timestamp at time zone 'Europe/Paris') as customers,
               count(*) filter (where c.account_id is not null
                                  and c.linked_at < (m.month + interval '1 month')::timestamp at time zone 'Europe/Paris') as with_account
        from portal.customers c where c.service_id = m.service_id
      ) cc
    ),
    totals as (
      select t.month from per_service t union select e.month from emails e where $3::text is null or $4::date is not null
    )
    select r.month, r.numcli, r.service_name, r.accounts_activated, r.customers, r.with_account,
           r.paper_optouts, r.payments_count, r.payments_cents, null::bigint, null::bigint
    from per_service r
    union all
    select t.month, null, 'Ensemble'::text,
           coalesce(sum(r.accounts_activated), 0)::bigint, coalesce(sum(r.customers), 0)::bigint,
           coalesce(sum(r.with_account), 0)::bigint, coalesce(sum(r.paper_optouts), 0)::bigint,
           coalesce(sum(r.payments_count), 0)::bigint, coalesce(sum(r.payments_cents), 0)::bigint,
           coalesce(max(e.sent), 0)::bigint, coalesce(max(e.failed), 0)::bigint
    from totals t
    left join per_service r on r.month = t.month
    left join emails e on e.month = t.month
    group by t.month
    order by 1, 2 nulls last
  $q$ using v_from, v_to, p_numcli, v_month;
end
$$;
revoke execute on function public.staff_monthly_activity(date, text) from public, anon, authenticated, service_role;
grant execute on function public.staff_monthly_activity(date, text) to service_role;

-- Every month of every service (the whole history): the dashboard's table. Ask the function with
-- a month to read that month only.
create or replace view portal.staff_monthly_activity with (security_invoker = true) as
  select * from public.staff_monthly_activity(null, null);
revoke all on portal.staff_monthly_activity from public, anon, authenticated;
grant select on portal.staff_monthly_activity to service_role;
