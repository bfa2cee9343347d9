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

-- Deletes the oldest p_limit rows of p_table matching p_where ($1: the cut-off, $2: now), in
-- p_order, and returns how many went; a dry run counts every matching row and deletes nothing.
-- The keys are read first, through the index on p_order, into an array (an InitPlan), then
-- deleted by primary key: no join the planner could turn into a scan of the table. Called by
-- purge_expired only, with constant conditions of its own (never input).
create or replace function portal.purge_oldest(
  p_table regclass, p_key text, p_where text, p_order text,
  p_cut timestamptz, p_now timestamptz, p_limit integer, p_dry_run boolean
) returns integer language plpgsql volatile set search_path = '' as $$
declare
  v_n integer;
begin
  if p_dry_run then
    execute format('select count(*)::int from %s t where %s', p_table, p_where) into v_n using p_cut, p_now;
  else
    execute format(
      'with gone as (delete from %1$s d where d.%2$I = any (array(select t.%2$I from %1$s t where %3$s order by %4$s limit $3)) returning 1)
       select count(*)::int from gone', p_table, p_key, p_where, p_order)
      into v_n using p_cut, p_now, p_limit;
  end if;
  return v_n;
end
$$;
revoke execute on function portal.purge_oldest(regclass, text, text, text, timestamptz, timestamptz, integer, boolean)
  from public, anon, authenticated, service_role;

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
create or replace function public.purge_expired(
  p_now timestamptz default now(), p_batch integer default 1000, p_dry_run boolean default false
) returns jsonb language plpgsql volatile security definer set search_path = '' as $$
declare
  p record;
  c record;
  v_batch integer := least(greatest(coalesce(p_batch, 1000), 1), 10000);
  v_now timestamptz := coalesce(p_now, now());
  v_cut timestamptz;
  v_ids uuid[];
  v_deleted jsonb := '{}';
  v_unset text[] := '{}';
begin
  select * into p from portal.retention_periods();

  -- Throttles: login, activation/recovery e-mails, public contact form (login_throttle_days).
  -- The auth_mail_throttle's latest request is the last of its array (-infinity: none).
  if p.login_throttle_days is null then
    v_unset := array_append(v_unset, 'login_throttle_days');
  else
    v_cut := v_now - make_interval(days => p.login_throttle_days);
    v_deleted := v_deleted || jsonb_build_object(
      'login_throttle', portal.purge_oldest('portal.login_throttle', 'key',
        't.first_failure_at < $1 and (t.blocked_until is null or t.blocked_until <= $2)', 't.first_failure_at',
        v_cut, v_now, v_batch, p_dry_run),
      'auth_mail_throttle', portal.purge_oldest('portal.auth_mail_throttle', 'key',
        'coalesce(t.requested_at[cardinality(t.requested_at)], ''-infinity''::timestamptz) < $1',
        'coalesce(t.requested_at[cardinality(t.requested_at)], ''-infinity''::timestamptz)',
        v_cut, v_now, v_batch, p_dry_run),
      'contact_throttle', portal.purge_oldest('portal.contact_throttle', 'key', 't.window_start < $1', 't.window_start',
        v_cut, v_now, v_batch, p_dry_run));
  end if;

  -- E-mail links and link sessions (auth_links_days): the embedded default's own auth tables
  -- only (its auth.embedded_signing_keys tells it). A link is deleted when used; what remains
  -- was never used (expired after an hour). Sessions, link sessions included, go once ended.
  -- With Supabase, Auth owns these tables and cleans its sessions itself
  -- (docs/decisions/0031-retention-purge.md). auth.one_time_tokens.created_at is a UTC timestamp
  -- without time zone, as GoTrue writes it.
  if p.auth_links_days is null then
    v_unset := array_append(v_unset, 'auth_links_days');
  elsif to_regclass('auth.embedded_signing_keys') is not null then
    v_cut := v_now - make_interval(days => p.auth_links_days);
    v_deleted := v_deleted || jsonb_build_object(
      'auth_links', portal.purge_oldest('auth.one_time_tokens', 'id', 't.created_at < ($1 at time zone ''utc'')', 't.created_at',
        v_cut, v_now, v_batch, p_dry_run),
      'sessions', portal.purge_oldest('auth.sessions', 'id', 't.not_after < $1', 't.not_after',
        v_cut, v_now, v_batch, p_dry_run));
  end if;

  -- One table each, oldest first by its date:
  --   sent e-mails (sent_mail_bodies_days): the row goes, body, subject and addresses with it; a
  --     contact message or opt-out request that pointed to it keeps its own record (the link is
  --     set null); pending and failed e-mails stay;
  --   contact messages (contact_messages_months);
  --   paper opt-out requests (paper_optout_months): the request record only; the customer's
  --     paper_invoices flag is the service's and stays as it is.
  for c in
    select * from (values
      ('sent_mails', 'sent_mail_bodies_days', p.sent_mail_bodies_days * interval '1 day',
       'portal.email_outbox'::regclass, 't.status = ''sent'' and t.sent_at < $1', 't.sent_at'),
      ('contact_messages', 'contact_messages_months', p.contact_messages_months * interval '1 month',
       'portal.contact_messages'::regclass, 't.created_at < $1', 't.created_at'),
      ('paper_optout_requests', 'paper_optout_months', p.paper_optout_months * interval '1 month',
       'portal.paper_optout_requests'::regclass, 't.requested_at < $1', 't.requested_at')
    ) v (category, period, keep, tbl, cond, ord)
  loop
    if c.keep is null then
      v_unset := array_append(v_unset, c.period);
    else
      v_deleted := v_deleted || jsonb_build_object(c.category,
        portal.purge_oldest(c.tbl, 'id', c.cond, c.ord, v_now - c.keep, v_now, v_batch, p_dry_run));
    end if;
  end loop;

  -- Payment records (payment_records_months), counted from the attempt's last change: settled
  -- attempts only, with their lines (cascade) and their results log (deleted first: the link
  -- would otherwise be set null); then the results that matched no attempt, by their own date.
  if p.payment_records_months is null then
    v_unset := array_append(v_unset, 'payment_records_months');
  else
    v_cut := v_now - make_interval(months => p.payment_records_months);
    v_ids := array(
      select a.id from portal.payment_attempts a
      where a.updated_at < v_cut and a.status::text not in ('pending', 'reported')
      order by a.updated_at limit case when p_dry_run then null else v_batch end);
    if not p_dry_run then
      delete from portal.payment_events e where e.attempt_id = any (v_ids);
      delete from portal.payment_attempts a where a.id = any (v_ids);
    end if;
    v_deleted := v_deleted || jsonb_build_object(
      'payment_attempts', cardinality(v_ids),
      'unmatched_payment_events', portal.purge_oldest('portal.payment_events', 'id',
        't.attempt_id is null and t.created_at < $1', 't.created_at', v_cut, v_now, v_batch, p_dry_run));
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
