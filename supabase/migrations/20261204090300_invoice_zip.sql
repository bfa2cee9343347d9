/**
 * « Télécharger les PDF »: the list of a tab's invoice PDFs for one zip archive, in ONE call
 * (docs/decisions/0038-invoice-pdf-zip.md; the route: app/routes/factures.pdf[.]zip/route.ts).
 *
 * public.my_invoice_pdf_list() follows public.my_invoices (supabase/migrations/20261126000200_invoices.sql):
 *   * it first checks that the caller's Auth session is still live (portal.require_live_session());
 *   * it is security invoker: the residents' RLS policies decide every row, and the read starts
 *     from the caller's identity (`c.account_id = (select auth.uid())`, an InitPlan) so that
 *     customers(account_id) → the status's partial index (customer_id, issued_on desc, id desc)
 *     reach the caller's rows only, newest first, stopped after p_limit rows (docs/performance.md);
 *   * the status is a literal in the dynamic query (format %L) so the partial index is provable.
 * The object keys it returns are the caller's own invoices' (like public.my_invoice_pdf_key):
 * the file store is read only for them; on Supabase the Storage policy checks each one again.
 *
 * Append-only migrations: docs/decisions/0020-one-migration-per-domain-append-only.md.
 */

-- public.my_invoice_pdf_list(status, limit, before_date, before_id, ids):
-- {total, invoices: [{id, number, issued_on, service_name, object_key}]}, newest first.
--   * p_ids null: the whole tab; otherwise only those of p_ids that are the caller's, in that tab.
--   * p_before_date/p_before_id: the keyset cursor (rows strictly after it), as in public.my_invoices.
--   * p_limit clamped to 1..1000 (the route asks for its cap plus one, to know there are more).
--   * total: how many invoices the tab (or the selection) holds for the caller, cursor ignored.
-- object_key null: the service loaded no PDF for that invoice (the archive notes it).
create or replace function public.my_invoice_pdf_list(p_status portal.invoice_status, p_limit integer,
  p_before_date date default null, p_before_id uuid default null, p_ids uuid[] default null)
  returns jsonb language plpgsql stable security invoker set search_path = '' set enable_bitmapscan = off
as $$
declare
  v_limit integer := least(greatest(coalesce(p_limit, 200), 1), 1000);
  -- The keyset cursor and the selection, as conditions of the dynamic query ($1..$4 below).
  v_where text := concat_ws(' and ',
    case when p_before_date is not null
         then '(i.issued_on, i.id) < ($1, coalesce($2, ''00000000-0000-0000-0000-000000000000''::uuid))' end,
    case when p_ids is not null then 'i.id = any($4)' end);
  v_rows jsonb;
  v_total integer;
begin
  perform portal.require_live_session();
  if p_status is null then
    return jsonb_build_object('total', 0, 'invoices', '[]'::jsonb);
  end if;
  -- Per customer record of the caller, an ordered scan of the status's partial index (newest
  -- first, stopped at the limit), then a merge of those short lists.
  execute format($q$
    with picked as (
      select i.id, i.number, i.issued_on, i.pdf_object_key as object_key, s.name as service_name
      from portal.customers c
      cross join lateral (select i.* from portal.invoices i
                          where i.customer_id = c.id and i.status = %1$L::portal.invoice_status and %2$s
                          order by i.issued_on desc, i.id desc limit $3) i
      join portal.services s on s.id = i.service_id
      where c.account_id = (select auth.uid())
      order by i.issued_on desc, i.id desc limit $3)
    select coalesce(jsonb_agg(to_jsonb(p) order by p.issued_on desc, p.id desc), '[]'::jsonb) from picked p
  $q$, p_status, coalesce(nullif(v_where, ''), 'true')) into v_rows using p_before_date, p_before_id, v_limit, p_ids;
  -- The total ignores the cursor: the tab's (or the selection's) whole count, from the same indexes.
  execute format($q$
    select count(*)::integer from portal.customers c join portal.invoices i on i.customer_id = c.id
    where c.account_id = (select auth.uid()) and i.status = %1$L::portal.invoice_status and %2$s
  $q$, p_status, case when p_ids is null then 'true' else 'i.id = any($1)' end) into v_total using p_ids;
  return jsonb_build_object('total', v_total, 'invoices', v_rows);
end
$$;
revoke execute on function public.my_invoice_pdf_list(portal.invoice_status, integer, date, uuid, uuid[]) from public, anon, authenticated, service_role;
grant execute on function public.my_invoice_pdf_list(portal.invoice_status, integer, date, uuid, uuid[]) to authenticated;
