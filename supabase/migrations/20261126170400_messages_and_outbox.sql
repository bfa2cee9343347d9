-- What residents send to their service (contact messages, paper opt-out requests) and the
-- transactional outbox that e-mails it, retried until delivered.

create table portal.contact_messages (
  id uuid primary key default gen_random_uuid(),
  -- Null for the public contact form (no account).
  account_id uuid references auth.users (id) on delete set null,
  service_id uuid not null references portal.services (id) on delete cascade,
  sender_email text not null check (sender_email = lower(btrim(sender_email))
                                    and length(sender_email) <= 254
                                    and sender_email ~ '^[^@[:space:]]+@[^@[:space:]]+\.[^@[:space:]]+$'),
  sender_name text not null default '' check (length(sender_name) <= 200),
  subject text check (subject is null or length(subject) <= 200),
  body text not null check (length(body) between 1 and 5000),
  customer_numbers text[] not null default '{}',
  created_at timestamptz not null default now()
);
create index contact_messages_account_idx on portal.contact_messages (account_id, created_at desc);
create index contact_messages_service_idx on portal.contact_messages (service_id, created_at desc);

create table portal.paper_optout_requests (
  id uuid primary key default gen_random_uuid(),
  account_id uuid references auth.users (id) on delete set null,
  customer_id uuid not null unique references portal.customers (id) on delete cascade,
  requested_at timestamptz not null default now()
);
create index paper_optout_requests_account_idx on portal.paper_optout_requests (account_id);

create type portal.email_status as enum ('pending', 'sent', 'failed');

create table portal.email_outbox (
  id uuid primary key default gen_random_uuid(),
  kind text not null check (length(kind) between 1 and 100),
  to_address text not null check (to_address ~ '^[^@[:space:]]+@[^@[:space:]]+\.[^@[:space:]]+$'),
  reply_to text,
  subject text not null check (length(subject) between 1 and 500),
  html_body text not null,
  text_body text not null,
  status portal.email_status not null default 'pending',
  attempts integer not null default 0 check (attempts >= 0),
  next_attempt_at timestamptz not null default now(),
  last_error text,
  provider_message_id text,
  created_at timestamptz not null default now(),
  sent_at timestamptz,
  check ((status = 'sent') = (sent_at is not null))
);
create index email_outbox_due_idx on portal.email_outbox (next_attempt_at) where status = 'pending';

alter table portal.contact_messages enable row level security;
alter table portal.paper_optout_requests enable row level security;
alter table portal.email_outbox enable row level security;

create policy "Residents can see the messages they sent"
  on portal.contact_messages for select to authenticated
  using (account_id = (select auth.uid()));

create policy "Residents can see their own paper opt-out requests"
  on portal.paper_optout_requests for select to authenticated
  using (account_id = (select auth.uid()));

-- email_outbox: no policy, no grant: only the service role (the sender) touches it.

grant select on portal.contact_messages, portal.paper_optout_requests to authenticated;
grant all on portal.contact_messages, portal.paper_optout_requests, portal.email_outbox to service_role;
