-- Login throttling state (CNIL: a password policy of 8+ characters requires throttling).
-- Kept in the database so it survives restarts. Keys like 'email:x@y.fr' or 'ip:203.0.113.7'.

create table portal.login_throttle (
  key text primary key check (key ~ '^(email|ip):.+$' and length(key) <= 300),
  failures integer not null default 0 check (failures >= 0),
  first_failure_at timestamptz not null default now(),
  blocked_until timestamptz
);
create index login_throttle_blocked_idx on portal.login_throttle (blocked_until);

alter table portal.login_throttle enable row level security;
-- No policy, no grant: only the server (service role) reads and writes it.
grant all on portal.login_throttle to service_role;
