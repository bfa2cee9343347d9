/**
 * The resident's older read functions check the live session too
 * (docs/decisions/0041-live-session-reads.md).
 *
 * The page functions and the writes refuse a caller whose Auth session has ended (logout, « Fermer
 * mon compte », a password change elsewhere) with SQLSTATE PT401 (portal.require_live_session(),
 * 20261126000600_pages.sql). The per-domain reads they are built from were still granted to
 * `authenticated` without that check: an access token taken before a logout could call
 * /rest/v1/rpc/my_invoices (and the others below) until it expired. No port calls them
 * (app/.server/data/ calls the page functions), but the page functions call them, as the resident
 * (security invoker), so they cannot simply be revoked.
 *
 * Each one becomes what the writes already are (20261126000300_payments.sql): its body, unchanged,
 * moves to portal.<name>_unchecked (the `portal` schema is not exposed by PostgREST:
 * supabase/config.toml), and public.<name> is a thin wrapper with the same signature, arguments,
 * defaults and result, security invoker, that checks the session and then calls it. The bodies
 * keep their security (invoker: RLS as the resident; definer for the four that always were), so
 * `authenticated` keeps EXECUTE on them; only the wrappers are reachable through the API.
 * A page function calling a wrapper checks the session once more: one primary-key read of
 * auth.sessions each (docs/decisions/0041-live-session-reads.md).
 *
 * The public functions still granted to `authenticated` without the check read no resident data:
 * portal_public_info, legal_info, public_contact_services (also anon's) and portal_home (the
 * announcement and welcome message). tests/db/live-session-reads.test.ts calls every other one
 * with an ended session and expects PT401.
 *
 * Append-only migrations: docs/decisions/0020-one-migration-per-domain-append-only.md.
 */
do $$
declare
  f record;
begin
  for f in
    select p.oid, p.proname::text as name,
           pg_get_function_identity_arguments(p.oid) as identity_args,
           pg_get_function_arguments(p.oid) as args,
           pg_get_function_result(p.oid) as result,
           -- the input arguments' names (proargnames also lists the result's columns, after them)
           coalesce(array_to_string((p.proargnames)[1:p.pronargs], ', '), '') as call_args
    from pg_proc p
    where p.pronamespace = 'public'::regnamespace
      and p.proname in ('my_customers', 'my_invoices', 'my_invoice_counts', 'my_invoice', 'my_invoice_payment',
                        'my_payable_invoices', 'my_payment_attempt', 'my_paper_status', 'my_contact_services')
    order by 1
  loop
    execute format('alter function public.%I(%s) rename to %I', f.name, f.identity_args, f.name || '_unchecked');
    execute format('alter function public.%I(%s) set schema portal', f.name || '_unchecked', f.identity_args);
    execute format(
      'create function public.%I(%s) returns %s language sql stable security invoker set search_path = '''' '
      || 'as $body$ select portal.require_live_session(); select * from portal.%I(%s) $body$',
      f.name, f.args, f.result, f.name || '_unchecked', f.call_args);
    execute format('revoke execute on function public.%I(%s) from public, anon, authenticated, service_role', f.name, f.identity_args);
    execute format('grant execute on function public.%I(%s) to authenticated', f.name, f.identity_args);
  end loop;
end
$$;
