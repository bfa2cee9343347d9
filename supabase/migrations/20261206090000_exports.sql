/**
 * Staff exports for the billing software (docs/export.md, docs/decisions/0042-exports-claimed-lines.md):
 * the invoices settled online and the paper opt-out requests, as lines the billing software reads
 * back, « depuis le dernier export » without a line exported twice or missed.
 *
 *   - portal.payment_export_lines: one line per invoice of a paid payment attempt, written by
 *     triggers in the transaction that makes the attempt paid (whichever path does it);
 *   - portal.paper_export_lines: one line per paper opt-out request, written with the request;
 *   - portal.export_runs: each recorded export; a line belongs to the run that claimed it
 *     (export_run_id), set under `for update skip locked`, so two exports at once get disjoint
 *     lines and a line committed while an export runs is left for the next one;
 *   - public.export_for_billing(kind, …) (service role only): the lines of the next export (claimed and recorded, unless dry run) or of a period (nothing
 *     recorded), as one jsonb value (PostgREST's max_rows never cuts it);
 *   - portal.staff_online_payments_export, portal.staff_paper_optouts_export: every line, for the
 *     dashboard (service role only).
 *
 * Append-only migrations: docs/decisions/0020-one-migration-per-domain-append-only.md.
 */

/**
 * -------------------------------------------------------
 * Tables
 * -------------------------------------------------------
 */
create table portal.export_runs (
  id bigint generated always as identity primary key,
  kind text not null check (kind in ('payments', 'paper')),
  -- The service the export was limited to (null: every service).
  service_id uuid references portal.services (id) on delete set null,
  run_by text check (run_by is null or length(btrim(run_by)) between 1 and 200),
  line_count integer not null default 0 check (line_count >= 0),
  created_at timestamptz not null default now()
);

create table portal.payment_export_lines (
  id bigint generated always as identity primary key,
  attempt_id uuid not null,
  invoice_id uuid not null,
  service_id uuid not null references portal.services (id),
  paid_at timestamptz not null,
  export_run_id bigint references portal.export_runs (id),
  unique (attempt_id, invoice_id),
  -- The retention purge deletes old settled attempts with their lines: their export lines go too.
  foreign key (attempt_id, invoice_id) references portal.payment_attempt_invoices (attempt_id, invoice_id) on delete cascade
);

create table portal.paper_export_lines (
  id bigint generated always as identity primary key,
  request_id uuid not null unique references portal.paper_optout_requests (id) on delete cascade,
  service_id uuid not null references portal.services (id),
  requested_at timestamptz not null,
  export_run_id bigint references portal.export_runs (id)
);

-- « Depuis le dernier export »: the lines no run has claimed yet, in the order they were written.
create index payment_export_lines_unexported_idx on portal.payment_export_lines (id) where export_run_id is null;
create index paper_export_lines_unexported_idx on portal.paper_export_lines (id) where export_run_id is null;
-- A period (re-export): by the moment of the payment / of the request.
create index payment_export_lines_paid_at_idx on portal.payment_export_lines (paid_at);
create index paper_export_lines_requested_at_idx on portal.paper_export_lines (requested_at);
-- « depuis l'export du … »: the last run of a kind.
create index export_runs_kind_idx on portal.export_runs (kind, created_at);
create index payment_export_lines_run_idx on portal.payment_export_lines (export_run_id) where export_run_id is not null;
create index paper_export_lines_run_idx on portal.paper_export_lines (export_run_id) where export_run_id is not null;

alter table portal.export_runs enable row level security;
alter table portal.payment_export_lines enable row level security;
alter table portal.paper_export_lines enable row level security;
-- No policy: only the service role (the export commands, the dashboard) reads them.
grant all on portal.export_runs, portal.payment_export_lines, portal.paper_export_lines to service_role;
grant usage, select on sequence portal.export_runs_id_seq, portal.payment_export_lines_id_seq,
  portal.paper_export_lines_id_seq to service_role;

/**
 * -------------------------------------------------------
 * Lines written where the facts are
 * -------------------------------------------------------
 */

-- One trigger function for the three moments a line appears, in the transaction that makes it so:
--   * payment_attempts (per row, on the change to paid): an attempt becomes paid (PayFiP, classic
--     TIPI, reconciliation, staff's confirmation, the billing import settling a reported payment):
--     one line per invoice it covers;
--   * payment_attempt_invoices (per statement, the rows added as `added`): lines added to an
--     attempt already paid (only data loaded by hand: the portal adds lines when the attempt starts);
--   * paper_optout_requests (per statement, `added`): one line per request.
-- Per statement where it can be: a bulk insert costs one query, not one per row. (A trigger on
-- `update of status` cannot have transition tables, hence the row trigger with its WHEN.)
-- Security invoker: every path that changes an attempt or adds a line or a request runs as the
-- owner (the security definer functions of the payments and opt-out migrations) or as
-- service_role, which may write the ledgers; residents cannot write those tables at all.
create or replace function portal.record_export_lines()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if tg_table_name = 'paper_optout_requests' then
    insert into portal.paper_export_lines (request_id, service_id, requested_at)
    select r.id, c.service_id, r.requested_at from added r join portal.customers c on c.id = r.customer_id
    order by r.requested_at, r.id
    on conflict (request_id) do nothing;
  elsif tg_table_name = 'payment_attempt_invoices' then
    insert into portal.payment_export_lines (attempt_id, invoice_id, service_id, paid_at)
    select a.id, n.invoice_id, a.service_id, coalesce(a.transaction_at, now())
    from added n join portal.payment_attempts a on a.id = n.attempt_id
    where a.status::text = 'paid'
    order by a.id, n.invoice_id
    on conflict (attempt_id, invoice_id) do nothing;
  else
    insert into portal.payment_export_lines (attempt_id, invoice_id, service_id, paid_at)
    select new.id, ai.invoice_id, new.service_id, coalesce(new.transaction_at, now())
    from portal.payment_attempt_invoices ai where ai.attempt_id = new.id
    order by ai.invoice_id
    on conflict (attempt_id, invoice_id) do nothing;
  end if;
  return null;
end
$$;
revoke execute on function portal.record_export_lines() from public, anon, authenticated;
create trigger payment_attempts_export_lines after update of status on portal.payment_attempts
  for each row when (new.status::text = 'paid' and old.status::text is distinct from 'paid') execute function portal.record_export_lines();
create trigger payment_attempt_invoices_export_lines after insert on portal.payment_attempt_invoices
  referencing new table as added for each statement execute function portal.record_export_lines();
create trigger paper_optout_requests_export_lines after insert on portal.paper_optout_requests
  referencing new table as added for each statement execute function portal.record_export_lines();

-- What existed before this migration: not exported yet (the first export takes it all).
insert into portal.payment_export_lines (attempt_id, invoice_id, service_id, paid_at)
select ai.attempt_id, ai.invoice_id, a.service_id, coalesce(a.transaction_at, a.updated_at)
from portal.payment_attempts a
join portal.payment_attempt_invoices ai on ai.attempt_id = a.id
where a.status::text = 'paid'
order by coalesce(a.transaction_at, a.updated_at), a.refdet, ai.invoice_id;

insert into portal.paper_export_lines (request_id, service_id, requested_at)
select r.id, c.service_id, r.requested_at
from portal.paper_optout_requests r
join portal.customers c on c.id = r.customer_id
order by r.requested_at, r.id;

/**
 * -------------------------------------------------------
 * Staff views (dashboard: schema `portal`; the export commands read the same rows)
 * -------------------------------------------------------
 */

-- One row per invoice settled online. status: `payée`; `payée (confirmée par le service)` for a
-- reported payment staff confirmed; `payée (constatée par l'import)` for one the billing import
-- settled (the billing software knew the invoice paid already).
create or replace view portal.staff_online_payments_export with (security_invoker = true) as
  select s.numcli, s.name as service_name, c.customer_number, i.number as invoice_number, a.refdet,
         ai.amount_cents, l.paid_at,
         to_char(l.paid_at at time zone 'Europe/Paris', 'DD/MM/YYYY') as paid_on,
         to_char(l.paid_at at time zone 'Europe/Paris', 'HH24:MI:SS') as paid_time,
         case a.provider when 'payfip_ws' then 'PAYFIP' else 'TIPI' end as provider,
         coalesce(a.idop, '') as transaction_ref, coalesce(a.numauto, '') as numauto,
         case
           when a.reviewed_by = 'import de la facturation' then 'payée (constatée par l''import)'
           when a.reviewed_by is not null then 'payée (confirmée par le service)'
           else 'payée'
         end as status,
         l.id as line_id, l.export_run_id, r.created_at as exported_at, a.id as attempt_id, i.id as invoice_id
  from portal.payment_export_lines l
  join portal.payment_attempts a on a.id = l.attempt_id
  join portal.payment_attempt_invoices ai on ai.attempt_id = l.attempt_id and ai.invoice_id = l.invoice_id
  join portal.invoices i on i.id = l.invoice_id
  join portal.customers c on c.id = i.customer_id
  join portal.services s on s.id = l.service_id
  left join portal.export_runs r on r.id = l.export_run_id;

-- One row per paper opt-out request: the billing software sets the customer's paper flag to `non`.
-- (A resident cannot ask for paper again on the portal: a request is never withdrawn.)
create or replace view portal.staff_paper_optouts_export with (security_invoker = true) as
  select s.numcli, s.name as service_name, c.customer_number, c.display_name, l.requested_at,
         to_char(l.requested_at at time zone 'Europe/Paris', 'DD/MM/YYYY') as requested_on,
         to_char(l.requested_at at time zone 'Europe/Paris', 'HH24:MI:SS') as requested_time,
         'non'::text as paper,
         l.id as line_id, l.export_run_id, r.created_at as exported_at, q.id as request_id, c.id as customer_id
  from portal.paper_export_lines l
  join portal.paper_optout_requests q on q.id = l.request_id
  join portal.customers c on c.id = q.customer_id
  join portal.services s on s.id = l.service_id
  left join portal.export_runs r on r.id = l.export_run_id;

revoke all on portal.staff_online_payments_export, portal.staff_paper_optouts_export from public, anon, authenticated;
grant select on portal.staff_online_payments_export, portal.staff_paper_optouts_export to service_role;

/**
 * -------------------------------------------------------
 * The exports
 * -------------------------------------------------------
 */

-- The line ids of one export, in the order they are written:
--   * p_from null (« depuis le dernier export »): the lines no run has claimed. Not a dry run: a
--     run is recorded and claims them (`for update skip locked`: a concurrent export skips what
--     this one holds, and a line committed after this statement began waits for the next run);
--   * p_from set: the lines whose moment (Paris date) is in [p_from, p_to] (p_to null: up to now),
--     exported or not; nothing recorded, so « dernier » does not move.
-- p_kind names one of the two line tables (never user text: the public functions pass a constant).
create or replace function portal.export_line_ids(p_kind text, p_service_id uuid, p_from date, p_to date,
                                                  p_dry_run boolean, p_by text,
                                                  out run_id bigint, out line_ids bigint[], out previous_at timestamptz)
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_table text := case p_kind when 'payments' then 'payment_export_lines' when 'paper' then 'paper_export_lines' end;
  v_moment text := case p_kind when 'payments' then 'paid_at' else 'requested_at' end;
begin
  if v_table is null then
    raise exception 'unknown export kind %', p_kind using errcode = '22023';
  end if;
  if p_from is null and p_to is not null then
    raise exception 'p_to needs p_from' using errcode = '22023';
  end if;
  if p_to is not null and p_to < p_from then
    raise exception 'p_to (%) is before p_from (%)', p_to, p_from using errcode = '22023';
  end if;
  if p_by is not null and length(btrim(p_by)) not between 1 and 200 then
    raise exception 'p_by: 1 to 200 characters' using errcode = '22023';
  end if;
  select max(r.created_at) into previous_at
  from portal.export_runs r where r.kind = p_kind and (p_service_id is null or r.service_id is null or r.service_id = p_service_id);

  if p_from is not null then
    execute format(
      'select coalesce(array_agg(l.id order by l.%2$I, l.id), ''{}'') from portal.%1$I l
       where l.%2$I >= ($1::timestamp at time zone ''Europe/Paris'')
         and ($2::date is null or l.%2$I < (($2::date + 1)::timestamp at time zone ''Europe/Paris''))
         and ($3::uuid is null or l.service_id = $3)', v_table, v_moment)
      into line_ids using p_from, p_to, p_service_id;
  elsif p_dry_run then
    execute format(
      'select coalesce(array_agg(l.id order by l.id), ''{}'') from portal.%1$I l
       where l.export_run_id is null and ($1::uuid is null or l.service_id = $1)', v_table)
      into line_ids using p_service_id;
  else
    insert into portal.export_runs (kind, service_id, run_by)
    values (p_kind, p_service_id, nullif(btrim(p_by), ''))
    returning id into run_id;
    execute format(
      'with claimed as (
         update portal.%1$I l set export_run_id = $1
         where l.id in (select u.id from portal.%1$I u
                        where u.export_run_id is null and ($2::uuid is null or u.service_id = $2)
                        order by u.id
                        for update skip locked)
         returning l.id)
       select coalesce(array_agg(id order by id), ''{}'') from claimed', v_table)
      into line_ids using run_id, p_service_id;
    update portal.export_runs r set line_count = cardinality(line_ids) where r.id = run_id;
  end if;
end
$$;
revoke execute on function portal.export_line_ids(text, uuid, date, date, boolean, text) from public, anon, authenticated;
grant execute on function portal.export_line_ids(text, uuid, date, date, boolean, text) to service_role;

-- public.export_for_billing(kind, numcli, from, to, dry run, by), service role only: the lines of
-- one export — p_kind 'payments' (invoices settled online) or 'paper' (paper opt-out requests) —
-- as {outcome: ok, run_id (null unless recorded), previous_at (the last recorded export of that
-- kind), lines: [...]}, or {outcome: unknown_service}. One jsonb value, so PostgREST's max_rows
-- never cuts it. Lines ordered by moment, then reference (payments: refdet, invoice number; paper:
-- service, customer number): the same period gives the same lines in the same order.
-- Security invoker (and volatile, the default): it runs as service_role, which reads and writes
-- everything it touches; no one else may call it.
create or replace function public.export_for_billing(p_kind text, p_numcli text default null, p_from date default null,
                                                     p_to date default null, p_dry_run boolean default false,
                                                     p_by text default null)
returns jsonb
language plpgsql
set search_path = ''
as $$
declare
  v_service_id uuid;
  v_claim record;
  v_lines jsonb;
begin
  if p_numcli is not null then
    select s.id into v_service_id from portal.services s where s.numcli = p_numcli;
    if v_service_id is null then
      return jsonb_build_object('outcome', 'unknown_service');
    end if;
  end if;
  select * into v_claim from portal.export_line_ids(p_kind, v_service_id, p_from, p_to, coalesce(p_dry_run, false), p_by);
  if p_kind = 'payments' then
    select jsonb_agg(jsonb_build_object(
             'numcli', e.numcli, 'customer_number', e.customer_number, 'invoice_number', e.invoice_number,
             'refdet', e.refdet, 'amount_cents', e.amount_cents, 'paid_on', e.paid_on, 'paid_time', e.paid_time,
             'provider', e.provider, 'transaction_ref', e.transaction_ref, 'numauto', e.numauto, 'status', e.status)
           order by e.paid_at, e.refdet, e.invoice_number, e.line_id)
    into v_lines
    from portal.staff_online_payments_export e where e.line_id = any (v_claim.line_ids);
  else
    select jsonb_agg(jsonb_build_object(
             'numcli', e.numcli, 'service_name', e.service_name, 'customer_number', e.customer_number,
             'name', e.display_name, 'requested_on', e.requested_on, 'requested_time', e.requested_time,
             'paper', e.paper)
           order by e.requested_at, e.numcli, e.customer_number, e.line_id)
    into v_lines
    from portal.staff_paper_optouts_export e where e.line_id = any (v_claim.line_ids);
  end if;
  return jsonb_build_object('outcome', 'ok', 'run_id', v_claim.run_id, 'previous_at', v_claim.previous_at,
                            'lines', coalesce(v_lines, '[]'::jsonb));
end
$$;
revoke execute on function public.export_for_billing(text, text, date, date, boolean, text) from public, anon, authenticated, service_role;
grant execute on function public.export_for_billing(text, text, date, date, boolean, text) to service_role;
