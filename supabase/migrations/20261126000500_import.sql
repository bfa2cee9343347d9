/**
 * Staff import (docs/import.md): the rules that decide what a line of a billing-software export
 * does to the portal's customers and invoices. The command (`npm run import`) parses and checks
 * the files; these functions decide created / updated / unchanged, and which changes an export
 * may never make. Called with the service role only: by `.rpc()` on Supabase, by the embedded
 * adapter in one transaction per batch. `p_dry_run` computes the very same outcomes and writes
 * nothing. Decisions: docs/decisions/0009-import.md, docs/decisions/0018-import-speed.md.
 *
 * Speed (measured on 100 000 invoices in docs/import.md, section 6):
 * - Each line finds its customer and its invoice by an index lookup (a LATERAL subquery on the
 *   unique key, `limit 1` so the planner cannot turn it into a join). A join would let the
 *   planner hash the batch against the whole service: an embedded database is never analysed (no
 *   autovacuum in PGlite), so it believes the tables nearly empty and would read every invoice
 *   of the service for every batch of 1 000 lines — an import would get slower as the table
 *   grows. The lookup's index is found from the schema (a unique key fully given: one row), not
 *   from statistics, so the plan PL/pgSQL keeps for the session stays right as the tables grow.
 *   (Planning every call afresh, plan_cache_mode = force_custom_plan, was measured: twice slower.)
 * - The plan is computed once, in a CTE, and written by data-modifying CTEs in the same
 *   statement: no temporary table to create and drop per batch (catalog churn on Supabase, files
 *   on PGlite). Every sub-statement sees the same snapshot, taken before the writes: the outcomes
 *   describe the rows before the call.
 * - `p_dry_run` only switches the writes off (`where not p_dry_run`): the dry run and the write
 *   compute the very same plan.
 */

-- public.import_services(): the services an import may target (`--service <numcli>`).
create or replace function public.import_services()
returns table (numcli text, name text)
language sql
stable
security definer
set search_path = ''
as $$
  select s.numcli, s.name from portal.services s order by s.numcli
$$;
revoke execute on function public.import_services() from public, anon, authenticated, service_role;
grant execute on function public.import_services() to service_role;

-- public.import_customers(numcli, rows, dry_run) ----------------------------------------------------
-- p_rows: [{line, number, name, email, paper}], customer numbers unique within the batch.
--   email null: the export gives none → a new customer has none, an existing one keeps its own
--   (an export never erases an address). paper null: new → true (paper), existing → kept.
-- A new e-mail re-links the account through the customers_link_to_account trigger.
-- Returns one row per input row: outcome created | updated | unchanged, and the changed fields
-- (name, email, paper).
create or replace function public.import_customers(p_numcli text, p_rows jsonb, p_dry_run boolean default false)
returns table (line integer, customer_number text, outcome text, changed text[])
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_service uuid;
begin
  select s.id into v_service from portal.services s where s.numcli = p_numcli;
  if v_service is null then
    raise exception 'unknown service %', p_numcli using errcode = 'P0002';
  end if;
  -- Two imports of one service never interleave their batches' decisions.
  perform pg_advisory_xact_lock(hashtext('portal.import:' || v_service::text));

  return query
    with input as (
      select r.line, btrim(r.number) as number, btrim(r.name) as name,
             nullif(lower(btrim(r.email)), '') as email, r.paper
      from jsonb_to_recordset(p_rows) as r(line integer, number text, name text, email text, paper boolean)
    ),
    matched as (
      select i.*, c.id as customer_id,
             array_remove(array[
               case when c.id is not null and c.display_name is distinct from i.name then 'name' end,
               case when c.id is not null and i.email is not null and c.email is distinct from i.email then 'email' end,
               case when c.id is not null and i.paper is not null and c.paper_invoices is distinct from i.paper then 'paper' end
             ], null) as changed
      from input i
      left join lateral (
        -- (service_id, customer_number) is unique: at most one row; the limit keeps it a lookup.
        select c.id, c.display_name, c.email, c.paper_invoices
        from portal.customers c
        where c.service_id = v_service and c.customer_number = i.number
        limit 1
      ) c on true
    ),
    plan as materialized (
      select m.*,
             case when m.customer_id is null then 'created'
                  when cardinality(m.changed) > 0 then 'updated'
                  else 'unchanged' end as outcome
      from matched m
    ),
    inserted as (
      insert into portal.customers (service_id, customer_number, display_name, email, paper_invoices)
        select v_service, p.number, p.name, p.email, coalesce(p.paper, true)
        from plan p
        where not p_dry_run and p.outcome = 'created'
    ),
    updated as (
      update portal.customers c
        set display_name = p.name,
            email = coalesce(p.email, c.email),
            paper_invoices = coalesce(p.paper, c.paper_invoices)
        from plan p
        where not p_dry_run and p.outcome = 'updated' and c.id = p.customer_id
    )
    select p.line, p.number, p.outcome, p.changed from plan p order by p.line;
end
$$;
revoke execute on function public.import_customers(text, jsonb, boolean) from public, anon, authenticated, service_role;
grant execute on function public.import_customers(text, jsonb, boolean) to service_role;

-- public.import_invoices(numcli, rows, dry_run) -----------------------------------------------------
-- p_rows: [{line, customer, number, issued_on, due_on, amount_cents, object, status, pdf_key,
--   pdf_sha256}], invoice numbers unique within the batch; pdf_key null: this import brings no PDF
--   for the invoice (an existing one is kept).
-- Rules, by the invoice's status in the portal:
--   * unpaid: everything the export says is applied (status, amount, dates, object);
--   * treasury: may only become paid; any other difference is kept as it is (reported);
--   * paid (on the portal, or by an earlier export): never changed by an export (reported);
--   * a PDF that differs (by SHA-256) is replaced whatever the status.
-- Outcomes: created | updated | unchanged, or, with nothing written for the line:
--   unknown_customer (no such customer number in the service), other_customer (the invoice number
--   exists for another customer).
-- `changed`: fields applied (status, amount, issued_on, due_on, object, pdf); `kept`: fields the
-- export wanted to change but the rules above refused. `current_status`, `paid_on_portal` (a paid
-- payment attempt covers it, or it carries the portal's payment time), `has_pdf`, `current_pdf_sha256`
-- describe the invoice before the call.
create or replace function public.import_invoices(p_numcli text, p_rows jsonb, p_dry_run boolean default false)
returns table (
  line integer,
  number text,
  outcome text,
  changed text[],
  kept text[],
  current_status portal.invoice_status,
  paid_on_portal boolean,
  has_pdf boolean,
  current_pdf_sha256 text
)
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_service uuid;
begin
  select s.id into v_service from portal.services s where s.numcli = p_numcli;
  if v_service is null then
    raise exception 'unknown service %', p_numcli using errcode = 'P0002';
  end if;
  perform pg_advisory_xact_lock(hashtext('portal.import:' || v_service::text));

  return query
    with input as (
      select r.line, btrim(r.customer) as customer, btrim(r.number) as number, r.issued_on, r.due_on,
             r.amount_cents, coalesce(r.object, '') as object, r.status, r.pdf_key, r.pdf_sha256
      from jsonb_to_recordset(p_rows) as r(line integer, customer text, number text, issued_on date, due_on date,
                                           amount_cents bigint, object text, status portal.invoice_status,
                                           pdf_key text, pdf_sha256 text)
    ),
    matched as (
      select i.*, c.id as customer_id, v.id as invoice_id, v.customer_id as invoice_customer_id,
             v.status as cur_status, v.amount_cents as cur_amount, v.issued_on as cur_issued_on,
             v.due_on as cur_due_on, v.object as cur_object, v.pdf_object_key as cur_pdf_key,
             v.pdf_sha256 as cur_pdf_sha256,
             (v.id is not null and v.status = 'paid' and (v.paid_at is not null or exists (
               select 1 from portal.payment_attempt_invoices ai
               join portal.payment_attempts a on a.id = ai.attempt_id
               where ai.invoice_id = v.id and a.status = 'paid'))) as on_portal
      from input i
      -- Both keys are unique within a service: at most one row each; the limits keep them lookups.
      left join lateral (
        select c.id from portal.customers c
        where c.service_id = v_service and c.customer_number = i.customer
        limit 1
      ) c on true
      left join lateral (
        select v.id, v.customer_id, v.status, v.amount_cents, v.issued_on, v.due_on, v.object,
               v.pdf_object_key, v.pdf_sha256, v.paid_at
        from portal.invoices v
        where v.service_id = v_service and v.number = i.number
        limit 1
      ) v on true
    ),
    classified as (
      select m.*,
             case
               when m.invoice_id is not null and m.invoice_customer_id is distinct from m.customer_id then 'other_customer'
               when m.customer_id is null then 'unknown_customer'
               when m.invoice_id is null then 'created'
             end as decided
      from matched m
    ),
    -- What the export would change on existing invoices (decided is null: the invoice exists).
    wanted as (
      select k.*,
             case when k.decided is null then array_remove(array[
               case when k.status is distinct from k.cur_status then 'status' end,
               case when k.amount_cents is distinct from k.cur_amount then 'amount' end,
               case when k.issued_on is distinct from k.cur_issued_on then 'issued_on' end,
               case when k.due_on is distinct from k.cur_due_on then 'due_on' end,
               case when k.object is distinct from k.cur_object then 'object' end
             ], null) else '{}'::text[] end as wanted
      from classified k
    ),
    -- Which of those the invoice's status allows; the PDF is always replaceable.
    ruled as (
      select w.*,
             case when w.decided is not null then '{}'::text[] else
               case
                 when w.cur_status = 'unpaid' then w.wanted
                 when w.cur_status = 'treasury' and w.status = 'paid' and 'status' = any (w.wanted) then array['status']
                 else '{}'::text[]
               end
               || case when w.pdf_key is not null and (w.pdf_key is distinct from w.cur_pdf_key
                                                     or w.pdf_sha256 is distinct from w.cur_pdf_sha256)
                       then array['pdf'] else '{}'::text[] end
             end as changed,
             case when w.decided is not null then '{}'::text[] else
               case
                 when w.cur_status = 'unpaid' then '{}'::text[]
                 when w.cur_status = 'treasury' and w.status = 'paid' then array_remove(w.wanted, 'status')
                 else w.wanted
               end
             end as kept
      from wanted w
    ),
    plan as materialized (
      select r.*,
             coalesce(r.decided, case when cardinality(r.changed) > 0 then 'updated' else 'unchanged' end) as outcome
      from ruled r
    ),
    inserted as (
      insert into portal.invoices (service_id, customer_id, number, issued_on, due_on, amount_cents, object,
                                   status, pdf_object_key, pdf_sha256)
        select v_service, p.customer_id, p.number, p.issued_on, p.due_on, p.amount_cents, p.object,
               p.status, p.pdf_key, case when p.pdf_key is null then null else p.pdf_sha256 end
        from plan p
        where not p_dry_run and p.outcome = 'created'
    ),
    updated as (
      update portal.invoices v
        set status = case when 'status' = any (p.changed) then p.status else v.status end,
            amount_cents = case when 'amount' = any (p.changed) then p.amount_cents else v.amount_cents end,
            issued_on = case when 'issued_on' = any (p.changed) then p.issued_on else v.issued_on end,
            due_on = case when 'due_on' = any (p.changed) then p.due_on else v.due_on end,
            object = case when 'object' = any (p.changed) then p.object else v.object end,
            pdf_object_key = case when 'pdf' = any (p.changed) then p.pdf_key else v.pdf_object_key end,
            pdf_sha256 = case when 'pdf' = any (p.changed) then p.pdf_sha256 else v.pdf_sha256 end
        from plan p
        where not p_dry_run and p.outcome = 'updated' and v.id = p.invoice_id
    )
    select p.line, p.number, p.outcome, p.changed, p.kept, p.cur_status, coalesce(p.on_portal, false),
           p.cur_pdf_key is not null, p.cur_pdf_sha256
    from plan p
    order by p.line;
end
$$;
revoke execute on function public.import_invoices(text, jsonb, boolean) from public, anon, authenticated, service_role;
grant execute on function public.import_invoices(text, jsonb, boolean) to service_role;
