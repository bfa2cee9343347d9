#!/usr/bin/env bash
# Checks that the SQL of this project applies on a real PostgreSQL server (15+), the way Supabase
# would run it: bootstrap (what Supabase provides) + every migration in order + seed, then a few
# RLS sanity queries. No apt-get here: CI installs and starts PostgreSQL itself.
#
# Connection: the usual libpq variables (PGHOST, PGPORT, PGUSER, PGPASSWORD). The user must be a
# superuser (it creates roles). By default a throwaway database is created and dropped; set
# PGDATABASE to use an existing (empty) database instead, which is then kept.
#
#   sudo -u postgres bash scripts/check-postgres.sh      # local cluster, peer authentication
#   PGHOST=localhost PGUSER=postgres PGPASSWORD=... bash scripts/check-postgres.sh
set -euo pipefail
export PGOPTIONS="${PGOPTIONS:-} -c client_min_messages=warning"

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bootstrap="$root/app/.server/embedded/bootstrap.sql"
seed="$root/supabase/seed.sql"

throwaway=""
if [[ -z "${PGDATABASE:-}" ]]; then
  throwaway="portail_check_$(date +%s)_$$"
  createdb "$throwaway"
  export PGDATABASE="$throwaway"
  trap 'dropdb --if-exists "$throwaway" >/dev/null 2>&1 || true' EXIT
  echo "created throwaway database $throwaway"
fi

psql_run() { psql -X -q -v ON_ERROR_STOP=1 "$@"; }

echo "server: $(psql -X -At -c 'show server_version')"
start=$(date +%s)

echo "bootstrap: $bootstrap"
psql_run -f "$bootstrap"
# Idempotence: the embedded database runs the bootstrap on every start.
psql_run -f "$bootstrap"

for file in "$root"/supabase/migrations/*.sql; do
  name="$(basename "$file" .sql)"
  version="${name%%_*}"
  echo "migration: $name"
  psql_run -1 -f "$file"
  psql_run -c "insert into supabase_migrations.schema_migrations (version, name) values ('$version', '${name#*_}')"
done

echo "seed: $seed"
psql_run -1 -f "$seed"

demo_claims='{"sub":"d0000000-0000-4000-8000-000000000001","role":"authenticated","email":"demo@demo.fr"}'
expected=$(psql -X -At -v ON_ERROR_STOP=1 -c "select count(*) from portal.invoices where customer_id = 'c0000000-0000-4000-8000-000000000001'")

as_demo=$(psql -X -q -At -v ON_ERROR_STOP=1 <<SQL
begin;
set local role authenticated;
select set_config('request.jwt.claims', '$demo_claims', true) \g /dev/null
select count(*) from portal.invoices;
commit;
SQL
)
as_anon=$(psql -X -q -At -v ON_ERROR_STOP=1 <<'SQL'
begin;
set local role anon;
select set_config('request.jwt.claims', '{"role":"anon"}', true) \g /dev/null
select (select portal_name from public.portal_public_info());
commit;
SQL
)
anon_rows=$(psql -X -q -At <<'SQL' 2>&1 || true
begin;
set local role anon;
select count(*) from portal.invoices;
rollback;
SQL
)
no_rls=$(psql -X -At -v ON_ERROR_STOP=1 -c "
  select coalesce(string_agg(n.nspname || '.' || c.relname, ', '), '')
  from pg_class c join pg_namespace n on n.oid = c.relnamespace
  where c.relkind in ('r', 'p') and n.nspname in ('public', 'portal') and not c.relrowsecurity")

fail=0
echo "invoices visible to demo@demo.fr: $as_demo (expected $expected)"
[[ "$as_demo" == "$expected" && "$expected" -gt 0 ]] || { echo "FAIL: RLS count for demo"; fail=1; }
echo "portal_public_info() as anon: $as_anon"
[[ "$as_anon" == "Le Portail des Factures" ]] || { echo "FAIL: portal_public_info as anon"; fail=1; }
anon_answer=$(echo "$anon_rows" | grep -m1 -E 'ERROR|^[0-9]+$' || true)
echo "invoices as anon: $anon_answer"
[[ "$anon_answer" == *"permission denied"* || "$anon_answer" == "0" ]] || { echo "FAIL: anon sees invoices"; fail=1; }
[[ -z "$no_rls" ]] || { echo "FAIL: tables without RLS: $no_rls"; fail=1; }

# Two staff exports at once (docs/decisions/0042-exports-claimed-lines.md), on real row locks,
# which PGlite (one connection) cannot show: run A claims the unexported paper opt-out lines and
# stays open (it waits on an advisory lock this script holds); a request committed meanwhile is
# claimed by run B, which must neither wait for A's lines (statement_timeout) nor take them.
customers=($(psql -X -At -v ON_ERROR_STOP=1 -c "
  select c.id from portal.customers c where not exists (select 1 from portal.paper_optout_requests r where r.customer_id = c.id)
  order by c.customer_number limit 2"))
request() { psql_run -c "insert into portal.paper_optout_requests (customer_id) values ('$1')"; }
export_paper() { printf "set role service_role;\nset statement_timeout = '10s';\nselect public.export_for_billing('paper', p_by => '%s');\n" "$1"; }
numbers() { grep -o '"customer_number": "[^"]*"' | sed 's/.*: "//; s/"$//' | sort | tr '\n' ' '; }
customer_number() { psql -X -At -c "select customer_number from portal.customers where id = '$1'"; }
psql -X -q -At -c "set role service_role; select public.export_for_billing('paper', p_by => 'avant')" >/dev/null
request "${customers[0]}"
coproc HOLD { psql -X -q -At; }
echo "select 'held' from pg_advisory_lock(4242);" >&"${HOLD[1]}"
read -r held <&"${HOLD[0]}"
run_a_out=$(mktemp)
{ echo "begin;"; export_paper A; echo "select pg_advisory_lock(4242);"; echo "commit;"; } | psql -X -q -At -v ON_ERROR_STOP=1 >"$run_a_out" 2>&1 &
run_a=$!
for _ in $(seq 1 3000); do
  waiting=$(psql -X -At -c "select count(*) from pg_locks where locktype = 'advisory' and not granted")
  [[ "$waiting" == "1" ]] && break
done
request "${customers[1]}"
run_b=$(export_paper B | psql -X -q -At -v ON_ERROR_STOP=1 2>&1 || true)
echo "select pg_advisory_unlock(4242);" >&"${HOLD[1]}"
exec {HOLD[1]}>&-
wait "$run_a" || true
a_numbers=$(numbers <"$run_a_out"); b_numbers=$(echo "$run_b" | numbers)
unclaimed=$(psql -X -At -c "select count(*) from portal.paper_export_lines where export_run_id is null")
echo "concurrent exports: A (held open while B ran) took [$a_numbers], B took [$b_numbers], unclaimed after both: $unclaimed (held=$held)"
[[ "$a_numbers" == "$(customer_number "${customers[0]}") " && "$b_numbers" == "$(customer_number "${customers[1]}") " && "$unclaimed" == "0" ]] \
  || { echo "FAIL: concurrent exports not disjoint and complete"; cat "$run_a_out"; echo "$run_b"; fail=1; }
rm -f "$run_a_out"

echo "done in $(( $(date +%s) - start )) s"
exit $fail
