/**
 * Retention periods applied: public.purge_expired() deletes what the deployment's legal identity
 * (portal.legal_identity, supabase/migrations/20261202090000_legal_identity.sql) says is kept no
 * longer, category by category, in bounded batches reached through indexes. Called as the
 * service role by the server's daily job, `POST /taches/purge` (a cron with Supabase) and
 * `npm run admin -- purge` (docs/decisions/0031-retention-purge.md).
 *
 * A period left null purges nothing in its category: the function reports it under "unset", and
 * /donnees-personnelles shows the gap (docs/decisions/0027-legal-identity-settings.md).
 *
 * Append-only migrations: docs/decisions/0020-one-migration-per-domain-append-only.md.
 */

/**
 * -------------------------------------------------------
 * Indexes (what the purge reaches its rows by: oldest first, never a scan of the table)
 * -------------------------------------------------------
 */
create index login_throttle_first_failure_idx on portal.login_throttle (first_failure_at);
-- requested_at is kept oldest first: its last element is the latest request (-infinity: none).
create index auth_mail_throttle_last_request_idx
  on portal.auth_mail_throttle ((coalesce(requested_at[cardinality(requested_at)], '-infinity'::timestamptz)));
create index contact_throttle_window_idx on portal.contact_throttle (window_start);
create index email_outbox_sent_idx on portal.email_outbox (sent_at) where status = 'sent';
create index contact_messages_created_idx on portal.contact_messages (created_at);
create index paper_optout_requests_requested_idx on portal.paper_optout_requests (requested_at);
create index payment_attempts_updated_idx on portal.payment_attempts (updated_at);
create index payment_events_unmatched_idx on portal.payment_events (created_at) where attempt_id is null;
-- Deleting a sent e-mail sets these links null: found by index, not by a scan per e-mail.
create index contact_messages_email_outbox_idx on portal.contact_messages (email_outbox_id) where email_outbox_id is not null;
create index paper_optout_requests_email_outbox_idx on portal.paper_optout_requests (email_outbox_id) where email_outbox_id is not null;

-- The embedded default's own auth tables (app/.server/embedded/bootstrap.sql): its e-mail links
-- by age. Supabase Auth's tables are not ours (GoTrue owns them; the migration role may only
-- read auth.one_time_tokens), so nothing is created there.
do $$
begin
  if to_regclass('auth.embedded_signing_keys') is not null then
    create index if not exists one_time_tokens_created_idx on auth.one_time_tokens (created_at);
  end if;
end
$$;

/**
 * -------------------------------------------------------
 * Functions
 * -------------------------------------------------------
 */

-- The periods applied: the legal identity's columns, null where the deployment left one unset.
create or replace function portal.retention_periods()
returns table (
  login_throttle_days integer, auth_links_days integer, sent_mail_bodies_days integer,
  contact_messages_months integer, paper_optout_months integer, payment_records_months integer
)
language sql
stable
set search_path = ''
as $$
  select l.login_throttle_days, l.auth_links_days, l.sent_mail_bodies_days,
         l.contact_messages_months, l.paper_optout_months, l.payment_records_months
  from (select true as id) one
  left join portal.legal_identity l on l.id
$$;
revoke execute on function portal.retention_periods() from public, anon, authenticated;

-- public.purge_expired(now, batch, dry_run): deletes, in each category, at most p_batch rows
-- older than its period at p_now (oldest first), and answers
--   {"now": …, "batch": n, "dry_run": bool,
--    "periods": {column: value or null},
--    "deleted": {category: rows},          (dry run: the rows that would go, all of them)
--    "unset": [columns left null: nothing purged for them],
--    "more": true when a category filled its batch (call again)}.
-- A row exactly at the boundary (its date = p_now - period) stays; one a moment older goes.
-- Never deleted: a payment still pending or reported (awaiting DGFiP's result or staff's
-- review), an e-mail not sent yet or failed (staff see those), a throttle row still blocking.
-- Each category first picks its rows' keys by the index on their date (limit: the batch), then
-- deletes by primary key: no join the planner could turn into a scan of the table.
create or replace function public.purge_expired(
  p_now timestamptz default now(), p_batch integer default 1000, p_dry_run boolean default false
) returns jsonb
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  p record;
  v_batch integer := least(greatest(coalesce(p_batch, 1000), 1), 10000);
  -- A dry run counts every row past its period; a real run takes one batch per category.
  v_limit integer := case when p_dry_run then null else least(greatest(coalesce(p_batch, 1000), 1), 10000) end;
  v_now timestamptz := coalesce(p_now, now());
  v_embedded boolean := to_regclass('auth.embedded_signing_keys') is not null;
  v_cut timestamptz;
  v_keys text[];
  v_ids uuid[];
  v_nums bigint[];
  v_deleted jsonb := '{}';
  v_unset text[] := '{}';
begin
  select * into p from portal.retention_periods();

  -- Throttles: login, activation/recovery e-mails, public contact form (login_throttle_days).
  if p.login_throttle_days is null then
    v_unset := array_append(v_unset, 'login_throttle_days');
  else
    v_cut := v_now - make_interval(days => p.login_throttle_days);
    select coalesce(array_agg(d.key), '{}') into v_keys from (
      select t.key from portal.login_throttle t
      where t.first_failure_at < v_cut and (t.blocked_until is null or t.blocked_until <= v_now)
      order by t.first_failure_at limit v_limit
    ) d;
    if not p_dry_run then delete from portal.login_throttle t where t.key = any (v_keys); end if;
    v_deleted := v_deleted || jsonb_build_object('login_throttle', cardinality(v_keys));

    select coalesce(array_agg(d.key), '{}') into v_keys from (
      select t.key from portal.auth_mail_throttle t
      where coalesce(t.requested_at[cardinality(t.requested_at)], '-infinity'::timestamptz) < v_cut
      order by coalesce(t.requested_at[cardinality(t.requested_at)], '-infinity'::timestamptz) limit v_limit
    ) d;
    if not p_dry_run then delete from portal.auth_mail_throttle t where t.key = any (v_keys); end if;
    v_deleted := v_deleted || jsonb_build_object('auth_mail_throttle', cardinality(v_keys));

    select coalesce(array_agg(d.key), '{}') into v_keys from (
      select t.key from portal.contact_throttle t
      where t.window_start < v_cut
      order by t.window_start limit v_limit
    ) d;
    if not p_dry_run then delete from portal.contact_throttle t where t.key = any (v_keys); end if;
    v_deleted := v_deleted || jsonb_build_object('contact_throttle', cardinality(v_keys));
  end if;

  -- E-mail links and link sessions (auth_links_days): the embedded default's own auth tables
  -- only. A link is deleted when used; what remains was never used (expired after an hour).
  -- Sessions (link sessions included) go once ended. With Supabase, Auth owns these tables and
  -- cleans its sessions itself (docs/decisions/0031-retention-purge.md). Dynamic SQL: the
  -- function must compile where auth.one_time_tokens is not ours.
  if p.auth_links_days is null then
    v_unset := array_append(v_unset, 'auth_links_days');
  elsif v_embedded then
    v_cut := v_now - make_interval(days => p.auth_links_days);
    -- auth.one_time_tokens.created_at is a UTC timestamp without time zone, as GoTrue writes it.
    execute 'select coalesce(array_agg(d.id), ''{}'') from (
               select t.id from auth.one_time_tokens t where t.created_at < ($1 at time zone ''utc'')
               order by t.created_at limit $2) d'
      into v_ids using v_cut, v_limit;
    if not p_dry_run then execute 'delete from auth.one_time_tokens t where t.id = any ($1)' using v_ids; end if;
    v_deleted := v_deleted || jsonb_build_object('auth_links', cardinality(v_ids));
    execute 'select coalesce(array_agg(d.id), ''{}'') from (
               select s.id from auth.sessions s where s.not_after < $1 order by s.not_after limit $2) d'
      into v_ids using v_cut, v_limit;
    if not p_dry_run then execute 'delete from auth.sessions s where s.id = any ($1)' using v_ids; end if;
    v_deleted := v_deleted || jsonb_build_object('sessions', cardinality(v_ids));
  end if;

  -- Sent e-mails (sent_mail_bodies_days): the row goes, body, subject and addresses with it.
  -- A contact message or opt-out request that pointed to it keeps its own record (its link is
  -- set null). Pending and failed e-mails stay.
  if p.sent_mail_bodies_days is null then
    v_unset := array_append(v_unset, 'sent_mail_bodies_days');
  else
    v_cut := v_now - make_interval(days => p.sent_mail_bodies_days);
    select coalesce(array_agg(d.id), '{}') into v_ids from (
      select o.id from portal.email_outbox o
      where o.status = 'sent' and o.sent_at < v_cut
      order by o.sent_at limit v_limit
    ) d;
    if not p_dry_run then delete from portal.email_outbox o where o.id = any (v_ids); end if;
    v_deleted := v_deleted || jsonb_build_object('sent_mails', cardinality(v_ids));
  end if;

  -- Contact messages (contact_messages_months).
  if p.contact_messages_months is null then
    v_unset := array_append(v_unset, 'contact_messages_months');
  else
    v_cut := v_now - make_interval(months => p.contact_messages_months);
    select coalesce(array_agg(d.id), '{}') into v_ids from (
      select m.id from portal.contact_messages m where m.created_at < v_cut order by m.created_at limit v_limit
    ) d;
    if not p_dry_run then delete from portal.contact_messages m where m.id = any (v_ids); end if;
    v_deleted := v_deleted || jsonb_build_object('contact_messages', cardinality(v_ids));
  end if;

  -- Paper opt-out requests (paper_optout_months): the request record only; the customer's
  -- paper_invoices flag is the service's and stays as it is.
  if p.paper_optout_months is null then
    v_unset := array_append(v_unset, 'paper_optout_months');
  else
    v_cut := v_now - make_interval(months => p.paper_optout_months);
    select coalesce(array_agg(d.id), '{}') into v_ids from (
      select r.id from portal.paper_optout_requests r where r.requested_at < v_cut order by r.requested_at limit v_limit
    ) d;
    if not p_dry_run then delete from portal.paper_optout_requests r where r.id = any (v_ids); end if;
    v_deleted := v_deleted || jsonb_build_object('paper_optout_requests', cardinality(v_ids));
  end if;

  -- Payment records (payment_records_months), counted from the attempt's last change: settled
  -- attempts only, with their lines (cascade) and their results log; then the results that
  -- matched no attempt, by their own date.
  if p.payment_records_months is null then
    v_unset := array_append(v_unset, 'payment_records_months');
  else
    v_cut := v_now - make_interval(months => p.payment_records_months);
    select coalesce(array_agg(d.id), '{}') into v_ids from (
      select a.id from portal.payment_attempts a
      where a.updated_at < v_cut and a.status::text not in ('pending', 'reported')
      order by a.updated_at limit v_limit
    ) d;
    if not p_dry_run then
      delete from portal.payment_events e where e.attempt_id = any (v_ids);
      delete from portal.payment_attempts a where a.id = any (v_ids);
    end if;
    v_deleted := v_deleted || jsonb_build_object('payment_attempts', cardinality(v_ids));

    select coalesce(array_agg(d.id), '{}') into v_nums from (
      select e.id from portal.payment_events e
      where e.attempt_id is null and e.created_at < v_cut
      order by e.created_at limit v_limit
    ) d;
    if not p_dry_run then delete from portal.payment_events e where e.id = any (v_nums); end if;
    v_deleted := v_deleted || jsonb_build_object('unmatched_payment_events', cardinality(v_nums));
  end if;

  return jsonb_build_object(
    'now', v_now,
    'batch', v_batch,
    'dry_run', p_dry_run,
    'periods', (select to_jsonb(r) from portal.retention_periods() r),
    'deleted', v_deleted,
    'unset', to_jsonb(v_unset),
    'more', not p_dry_run and exists (select 1 from jsonb_each(v_deleted) e where (e.value)::integer >= v_batch)
  );
end
$$;
revoke execute on function public.purge_expired(timestamptz, integer, boolean) from public, anon, authenticated;
grant execute on function public.purge_expired(timestamptz, integer, boolean) to service_role;
