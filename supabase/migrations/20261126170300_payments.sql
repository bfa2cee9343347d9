-- Online payments (TIPI / PayFiP): one attempt per trip to the provider, the invoices it covers,
-- and a log of every result received, including the rejected ones. Behaviour comes later; the
-- tables and their invariants are here.

create type portal.payment_status as enum ('pending', 'paid', 'refused', 'abandoned', 'expired', 'error');

create table portal.payment_attempts (
  id uuid primary key default gen_random_uuid(),
  service_id uuid not null references portal.services (id),
  account_id uuid references auth.users (id) on delete set null,
  -- Sent to the provider: 6 to 30 alphanumerics (no dashes).
  refdet text not null unique check (refdet ~ '^[A-Za-z0-9]{6,30}$'),
  amount_cents bigint not null check (amount_cents > 0),
  provider portal.payment_provider not null,
  numcli text not null check (numcli ~ '^[0-9]{6}$'),
  saisie text not null check (saisie in ('T', 'X', 'W', 'A')),
  status portal.payment_status not null default 'pending',
  idop text unique check (idop is null or length(idop) between 1 and 64),
  -- Classic TIPI: hash of the unguessable per-attempt token carried in urlcl.
  tipi_token_hash text,
  resultrans text,
  numauto text,
  transaction_at timestamptz,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null default (now() + interval '20 minutes'),
  updated_at timestamptz not null default now()
);
create index payment_attempts_account_idx on portal.payment_attempts (account_id, created_at desc);
create index payment_attempts_pending_idx on portal.payment_attempts (expires_at) where status = 'pending';
create trigger payment_attempts_set_updated_at before update on portal.payment_attempts
  for each row execute function portal.set_updated_at();

create table portal.payment_attempt_invoices (
  attempt_id uuid not null references portal.payment_attempts (id) on delete cascade,
  invoice_id uuid not null references portal.invoices (id),
  amount_cents bigint not null check (amount_cents > 0),
  primary key (attempt_id, invoice_id)
);
create index payment_attempt_invoices_invoice_idx on portal.payment_attempt_invoices (invoice_id);

create table portal.payment_events (
  id bigint generated always as identity primary key,
  -- Null when the result matched no attempt (unknown refdet / idop): logged all the same.
  attempt_id uuid references portal.payment_attempts (id) on delete set null,
  kind text not null check (length(kind) between 1 and 100),
  payload jsonb not null default '{}'::jsonb,
  created_at timestamptz not null default now()
);
create index payment_events_attempt_idx on portal.payment_events (attempt_id, created_at);

alter table portal.payment_attempts enable row level security;
alter table portal.payment_attempt_invoices enable row level security;
alter table portal.payment_events enable row level security;

create policy "Residents can see their own payment attempts"
  on portal.payment_attempts for select to authenticated
  using (account_id = (select auth.uid()));

create policy "Residents can see the lines of their own payment attempts"
  on portal.payment_attempt_invoices for select to authenticated
  using (attempt_id in (
    select a.id from portal.payment_attempts a where a.account_id = (select auth.uid())
  ));

-- payment_events: no policy, no grant: only the service role reads the log.

grant select on portal.payment_attempts, portal.payment_attempt_invoices to authenticated;
grant all on portal.payment_attempts, portal.payment_attempt_invoices, portal.payment_events to service_role;
grant usage, select on sequence portal.payment_events_id_seq to service_role;
