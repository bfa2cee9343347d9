-- Demo data (README.md, "Demo accounts"): run by `supabase db reset` after the migrations, and once by
-- the embedded default on a fresh database. Fixed UUIDs so tests can name them.
--
--   service   5e000000-0000-4000-8000-000000004200  numcli 004200
--   account   d0000000-0000-4000-8000-000000000001  demo@demo.fr / demo-factures (active)
--   customer  c0000000-0000-4000-8000-000000000001  "Test SISTEC560", demo@demo.fr
--   customer  c0000000-0000-4000-8000-000000000002  "Famille Nouveau", nouveau@demo.fr (no account)
--   invoices  1a000000-0000-4000-8000-0000000000NN  (PDFs in supabase/storage/invoices/004200/)
--
-- For the payment journeys of the browser tests (e2e/payment*.spec.ts), which change invoice
-- states, a resident of their own that no other test reads:
--   service   5e000000-0000-4000-8000-000000004281  numcli 004281, classic TIPI, one invoice at a time
--   service   5e000000-0000-4000-8000-000000004282  numcli 004282, PayFiP, payment suspended
--   account   d0000000-0000-4000-8000-000000000010  paiement@demo.fr / paiement-factures (active)
--   customers c0000000-0000-4000-8000-00000000002N  "Famille Paiement" in each of the three services
-- The two extra services have no contact address, so the public contact page (/nous-contacter)
-- still lists the demo service only.
--   invoices  1a000000-0000-4000-8000-0000000001NN  (PDFs in supabase/storage/invoices/<numcli>/)

insert into portal.services (id, name, numcli, payment_provider, saisie, allow_multiple_invoices,
                             payment_suspended, contact_email, general_info)
values (
  '5e000000-0000-4000-8000-000000004200',
  'Service Multi Services de démonstration',
  '004200',
  'payfip_ws',
  'T',
  true,
  false,
  'contact@multiservices-demo.fr',
  E'Service Multi Services de démonstration\n1 place de la Mairie, 00000 Démoville\n'
  || E'Accueil du lundi au vendredi, de 9 h à 12 h et de 14 h à 17 h.\n'
  || E'Téléphone : 01 23 45 67 89 (prix d''un appel local).'
);

update portal.portal_settings
set portal_name = 'Le Portail des Factures',
    announcement = 'Portail de démonstration : les paiements sont simulés, aucune somme n''est prélevée.',
    welcome_message = E'Bienvenue sur le portail des factures de votre service.\n'
      || E'Vous pouvez consulter vos factures, télécharger leur PDF et les payer en ligne par carte bancaire '
      || E'grâce au service sécurisé PayFiP de la Direction générale des Finances publiques.\n'
      || E'Depuis « Mes informations », vous pouvez aussi choisir de ne plus recevoir vos factures au format papier.'
where id;

insert into portal.services (id, name, numcli, payment_provider, saisie, allow_multiple_invoices,
                             payment_suspended, contact_email, general_info)
values
  ('5e000000-0000-4000-8000-000000004281', 'Régie des eaux de démonstration', '004281', 'tipi', 'T', false, false,
   null, E'Régie des eaux de démonstration\n2 rue du Château d''eau, 00000 Démoville'),
  ('5e000000-0000-4000-8000-000000004282', 'Restauration scolaire de démonstration', '004282', 'payfip_ws', 'T', true, true,
   null, E'Restauration scolaire de démonstration\n3 allée des Écoles, 00000 Démoville');

-- The demo account, inserted the way Supabase seeds do (GoTrue reads '' token columns, not NULL).
insert into auth.users (
  instance_id, id, aud, role, email, encrypted_password, email_confirmed_at,
  confirmation_token, recovery_token, email_change_token_new, email_change,
  raw_app_meta_data, raw_user_meta_data, created_at, updated_at
) values (
  '00000000-0000-0000-0000-000000000000',
  'd0000000-0000-4000-8000-000000000001',
  'authenticated', 'authenticated',
  'demo@demo.fr',
  extensions.crypt('demo-factures', extensions.gen_salt('bf')),
  now(),
  '', '', '', '',
  '{"provider":"email","providers":["email"]}',
  '{}',
  now(), now()
);

insert into auth.identities (id, user_id, provider_id, provider, identity_data, last_sign_in_at, created_at, updated_at)
values (
  'd0000000-0000-4000-8000-0000000000a1',
  'd0000000-0000-4000-8000-000000000001',
  'd0000000-0000-4000-8000-000000000001',
  'email',
  '{"sub":"d0000000-0000-4000-8000-000000000001","email":"demo@demo.fr","email_verified":true,"phone_verified":false}',
  now(), now(), now()
);

-- The browser tests' accounts (paiement@demo.fr and the others): the demo account's row with their
-- own id, e-mail and password, in the table-driven block at the end of the e2e residents below.

-- account_id is set by the linking trigger (demo@demo.fr → the demo account; nouveau: none).
insert into portal.customers (id, service_id, customer_number, display_name, email, paper_invoices)
values
  ('c0000000-0000-4000-8000-000000000001', '5e000000-0000-4000-8000-000000004200',
   'SISTEC560', 'Test SISTEC560', 'demo@demo.fr', true),
  ('c0000000-0000-4000-8000-000000000002', '5e000000-0000-4000-8000-000000004200',
   'NOUV0001', 'Famille Nouveau', 'nouveau@demo.fr', true),
  ('c0000000-0000-4000-8000-000000000021', '5e000000-0000-4000-8000-000000004200',
   'PAIE0001', 'Famille Paiement', 'paiement@demo.fr', true),
  ('c0000000-0000-4000-8000-000000000022', '5e000000-0000-4000-8000-000000004281',
   'PAIE0002', 'Famille Paiement', 'paiement@demo.fr', true),
  ('c0000000-0000-4000-8000-000000000023', '5e000000-0000-4000-8000-000000004282',
   'PAIE0003', 'Famille Paiement', 'paiement@demo.fr', true);

insert into portal.invoices (id, service_id, customer_id, number, issued_on, due_on, amount_cents,
                             object, status, pdf_object_key, paid_at)
values
  -- Test SISTEC560 (demo@demo.fr)
  ('1a000000-0000-4000-8000-000000000001', '5e000000-0000-4000-8000-000000004200', 'c0000000-0000-4000-8000-000000000001',
   '2017-020-002059', '2017-07-10', '2017-07-21', 24311, 'Multi Services', 'unpaid', '004200/2017-020-002059.pdf', null),
  ('1a000000-0000-4000-8000-000000000002', '5e000000-0000-4000-8000-000000004200', 'c0000000-0000-4000-8000-000000000001',
   '2017-020-002410', '2017-10-09', '2017-10-20', 8750, 'Eau potable', 'unpaid', '004200/2017-020-002410.pdf', null),
  ('1a000000-0000-4000-8000-000000000003', '5e000000-0000-4000-8000-000000004200', 'c0000000-0000-4000-8000-000000000001',
   '2017-020-001512', '2017-04-10', '2017-04-21', 15620, 'Assainissement', 'paid', '004200/2017-020-001512.pdf', '2017-04-18 10:32:00+02'),
  ('1a000000-0000-4000-8000-000000000004', '5e000000-0000-4000-8000-000000004200', 'c0000000-0000-4000-8000-000000000001',
   '2017-020-000731', '2017-01-09', '2017-01-20', 4200, 'Collecte des déchets', 'paid', '004200/2017-020-000731.pdf', '2017-01-16 18:05:00+01'),
  ('1a000000-0000-4000-8000-000000000005', '5e000000-0000-4000-8000-000000004200', 'c0000000-0000-4000-8000-000000000001',
   '2016-020-003305', '2016-10-10', '2016-10-21', 19870, 'Multi Services', 'treasury', '004200/2016-020-003305.pdf', null),
  ('1a000000-0000-4000-8000-000000000006', '5e000000-0000-4000-8000-000000004200', 'c0000000-0000-4000-8000-000000000001',
   '2016-020-002118', '2016-07-11', '2016-07-22', 3150, 'Restauration scolaire', 'treasury', '004200/2016-020-002118.pdf', null),
  -- Famille Nouveau (nouveau@demo.fr, not activated yet)
  ('1a000000-0000-4000-8000-000000000011', '5e000000-0000-4000-8000-000000004200', 'c0000000-0000-4000-8000-000000000002',
   '2017-020-002061', '2017-07-10', '2017-07-21', 11895, 'Multi Services', 'unpaid', '004200/2017-020-002061.pdf', null),
  ('1a000000-0000-4000-8000-000000000012', '5e000000-0000-4000-8000-000000004200', 'c0000000-0000-4000-8000-000000000002',
   '2017-020-001514', '2017-04-10', '2017-04-21', 9340, 'Eau potable', 'paid', '004200/2017-020-001514.pdf', '2017-04-20 09:12:00+02');

-- « Mes paiements » of the demo account, so that it is not empty: three online payment attempts by
-- PayFiP on invoices that are paid today (docs/resident-screens.md). 2017-020-000731 abandoned at
-- the provider (it was then paid by another channel), 2017-020-001512 refused, then paid (with
-- DGFiP's references: idOp, authorisation number, transaction time = the invoice's paid_at).
-- updated_at is left to now(): the record's last change is its loading, and the retention purge
-- (counted from it, docs/decisions/0031-retention-purge.md) keeps the demo's history.
-- The receipt e-mail is written only when an attempt BECOMES paid (trigger
-- payment_attempts_receipt_email): inserted paid, none is written, and the receipt row records
-- that this attempt needs none (a later status change never sends one either).
--   attempts  a0000000-0000-4000-8000-00000000000N
insert into portal.payment_attempts (id, service_id, account_id, refdet, amount_cents, provider, numcli, saisie, status, idop,
                                     resultrans, numauto, transaction_at, created_at, expires_at)
select v.id, '5e000000-0000-4000-8000-000000004200', 'd0000000-0000-4000-8000-000000000001', v.refdet, v.cents, 'payfip_ws',
       '004200', 'T', v.status::portal.payment_status, v.idop, v.resultrans, v.numauto, v.transaction_at, v.created_at,
       v.created_at + interval '20 minutes'
from (values
  ('a0000000-0000-4000-8000-000000000001'::uuid, '2017020000731P204117', 4200, 'abandoned', '6f1c2d3e-4b5a-4c6d-8e7f-901a2b3c4d01', 'A', null,
   null::timestamptz, timestamptz '2017-01-16 17:41:00+01'),
  ('a0000000-0000-4000-8000-000000000002'::uuid, '2017020001512P518021', 15620, 'refused', '6f1c2d3e-4b5a-4c6d-8e7f-901a2b3c4d02', 'R', null,
   timestamptz '2017-04-18 10:24:00+02', timestamptz '2017-04-18 10:21:00+02'),
  ('a0000000-0000-4000-8000-000000000003'::uuid, '2017020001512P518029', 15620, 'paid', '6f1c2d3e-4b5a-4c6d-8e7f-901a2b3c4d03', 'P', '417283',
   timestamptz '2017-04-18 10:32:00+02', timestamptz '2017-04-18 10:29:00+02'))
  as v (id, refdet, cents, status, idop, resultrans, numauto, transaction_at, created_at);

insert into portal.payment_attempt_invoices (attempt_id, invoice_id, amount_cents)
values ('a0000000-0000-4000-8000-000000000001', '1a000000-0000-4000-8000-000000000004', 4200),
       ('a0000000-0000-4000-8000-000000000002', '1a000000-0000-4000-8000-000000000003', 15620),
       ('a0000000-0000-4000-8000-000000000003', '1a000000-0000-4000-8000-000000000003', 15620);

insert into portal.payment_receipt_emails (attempt_id, email_outbox_id)
values ('a0000000-0000-4000-8000-000000000003', null);

-- Famille Paiement (paiement@demo.fr): unpaid invoices, one per payment journey of the browser tests.
insert into portal.invoices (id, service_id, customer_id, number, issued_on, due_on, amount_cents,
                             object, status, pdf_object_key, paid_at)
values
  ('1a000000-0000-4000-8000-000000000101', '5e000000-0000-4000-8000-000000004200', 'c0000000-0000-4000-8000-000000000021',
   '2018-020-000101', '2018-01-08', '2018-01-19', 1234, 'Eau potable', 'unpaid', '004200/2018-020-000101.pdf', null),
  ('1a000000-0000-4000-8000-000000000102', '5e000000-0000-4000-8000-000000004200', 'c0000000-0000-4000-8000-000000000021',
   '2018-020-000102', '2018-01-15', '2018-01-26', 2345, 'Assainissement', 'unpaid', '004200/2018-020-000102.pdf', null),
  ('1a000000-0000-4000-8000-000000000103', '5e000000-0000-4000-8000-000000004200', 'c0000000-0000-4000-8000-000000000021',
   '2018-020-000103', '2018-01-22', '2018-02-02', 3120, 'Multi Services', 'unpaid', '004200/2018-020-000103.pdf', null),
  ('1a000000-0000-4000-8000-000000000104', '5e000000-0000-4000-8000-000000004200', 'c0000000-0000-4000-8000-000000000021',
   '2018-020-000104', '2018-01-29', '2018-02-09', 1880, 'Collecte des déchets', 'unpaid', '004200/2018-020-000104.pdf', null),
  ('1a000000-0000-4000-8000-000000000105', '5e000000-0000-4000-8000-000000004200', 'c0000000-0000-4000-8000-000000000021',
   '2018-020-000105', '2018-02-05', '2018-02-16', 4200, 'Eau potable', 'unpaid', '004200/2018-020-000105.pdf', null),
  ('1a000000-0000-4000-8000-000000000106', '5e000000-0000-4000-8000-000000004200', 'c0000000-0000-4000-8000-000000000021',
   '2018-020-000106', '2018-02-12', '2018-02-23', 5730, 'Assainissement', 'unpaid', '004200/2018-020-000106.pdf', null),
  ('1a000000-0000-4000-8000-000000000107', '5e000000-0000-4000-8000-000000004200', 'c0000000-0000-4000-8000-000000000021',
   '2018-020-000107', '2018-02-19', '2018-03-02', 6410, 'Multi Services', 'unpaid', '004200/2018-020-000107.pdf', null),
  ('1a000000-0000-4000-8000-000000000108', '5e000000-0000-4000-8000-000000004200', 'c0000000-0000-4000-8000-000000000021',
   '2018-020-000108', '2018-02-26', '2018-03-09', 7190, 'Eau potable', 'unpaid', '004200/2018-020-000108.pdf', null),
  ('1a000000-0000-4000-8000-000000000109', '5e000000-0000-4000-8000-000000004200', 'c0000000-0000-4000-8000-000000000021',
   '2018-020-000109', '2018-03-05', '2018-03-16', 8325, 'Assainissement', 'unpaid', '004200/2018-020-000109.pdf', null),
  ('1a000000-0000-4000-8000-000000000110', '5e000000-0000-4000-8000-000000004200', 'c0000000-0000-4000-8000-000000000021',
   '2018-020-000110', '2018-03-12', '2018-03-23', 9560, 'Multi Services', 'unpaid', '004200/2018-020-000110.pdf', null),
  ('1a000000-0000-4000-8000-000000000111', '5e000000-0000-4000-8000-000000004200', 'c0000000-0000-4000-8000-000000000021',
   '2018-020-000111', '2018-04-30', '2018-05-11', 10475, 'Eau potable', 'unpaid', '004200/2018-020-000111.pdf', null),
  ('1a000000-0000-4000-8000-000000000201', '5e000000-0000-4000-8000-000000004281', 'c0000000-0000-4000-8000-000000000022',
   '2018-021-000201', '2018-03-19', '2018-03-30', 2650, 'Eau potable', 'unpaid', '004281/2018-021-000201.pdf', null),
  ('1a000000-0000-4000-8000-000000000202', '5e000000-0000-4000-8000-000000004281', 'c0000000-0000-4000-8000-000000000022',
   '2018-021-000202', '2018-03-26', '2018-04-06', 3370, 'Eau potable', 'unpaid', '004281/2018-021-000202.pdf', null),
  ('1a000000-0000-4000-8000-000000000203', '5e000000-0000-4000-8000-000000004281', 'c0000000-0000-4000-8000-000000000022',
   '2018-021-000203', '2018-04-02', '2018-04-13', 4815, 'Eau potable', 'unpaid', '004281/2018-021-000203.pdf', null),
  ('1a000000-0000-4000-8000-000000000204', '5e000000-0000-4000-8000-000000004281', 'c0000000-0000-4000-8000-000000000022',
   '2018-021-000204', '2018-04-09', '2018-04-20', 1999, 'Eau potable', 'unpaid', '004281/2018-021-000204.pdf', null),
  ('1a000000-0000-4000-8000-000000000205', '5e000000-0000-4000-8000-000000004281', 'c0000000-0000-4000-8000-000000000022',
   '2018-021-000205', '2018-04-16', '2018-04-27', 2101, 'Eau potable', 'unpaid', '004281/2018-021-000205.pdf', null),
  ('1a000000-0000-4000-8000-000000000301', '5e000000-0000-4000-8000-000000004282', 'c0000000-0000-4000-8000-000000000023',
   '2018-022-000301', '2018-04-23', '2018-05-04', 3990, 'Restauration scolaire', 'unpaid', '004282/2018-022-000301.pdf', null);

-- Legal identity of the demo deployment (/mentions-legales, /donnees-personnelles): fictitious,
-- marked « démonstration » (the SIRET is 14 digits with a valid key, and no real one).
update portal.legal_identity
set publisher_name = 'Commune de Démoville (démonstration)',
    publisher_address = E'Hôtel de ville (démonstration)\n1 place de la Mairie\n00000 Démoville',
    publisher_siret = '00000000000018',
    legal_representative = 'Le maire de Démoville (démonstration)',
    publication_director = 'Le maire de Démoville (démonstration)',
    contact_email = 'mairie@demoville.example',
    contact_phone = '00 00 00 00 00 (démonstration)',
    host_name = 'Hébergeur de démonstration',
    host_address = E'1 rue de l''Exemple\n00000 Démoville',
    host_phone = '00 00 00 00 01 (démonstration)',
    controller = 'Commune de Démoville (démonstration), représentée par son maire',
    dpo_contact = 'Délégué à la protection des données de la commune (démonstration)',
    dpo_email = 'dpo@demoville.example',
    dpo_postal_address = E'Délégué à la protection des données\nHôtel de ville, 1 place de la Mairie\n00000 Démoville',
    mail_transfer_safeguards = 'Démonstration : clauses contractuelles types de la Commission européenne signées avec le sous-traitant d''envoi des courriels.',
    login_throttle_days = 1,
    auth_links_days = 1,
    sent_mail_bodies_days = 90,
    contact_messages_months = 12,
    paper_optout_months = 36,
    payment_records_months = 120
where id;

-- The browser tests' own residents, one table each for their accounts, customer records and
-- invoices, feeding the same inserts (README.md, "Demo accounts"); no other test reads them:
--   paiement@demo.fr (above): the payment journeys (e2e/payment*.spec.ts), which change invoice states.
--   fermeture@demo.fr / fermeture-factures: the account-closure journey (e2e/account-closure.spec.ts),
--     which closes the account and activates it again; one unpaid and one paid invoice.
--   clavier@demo.fr, clavier-sans-js@demo.fr: the keyboard journey (e2e/keyboard-journey.spec.ts),
--     one per run (with JavaScript, without), so each run activates its own account on a fresh
--     database: customers known to the service, not activated, each with two unpaid invoices
--     payable together by PayFiP.
--   historique@demo.fr / historique-factures: « Mes paiements » (e2e/my-payments.spec.ts) pays one
--     unpaid invoice through the simulator per run (with JavaScript: 2018-020-000601; without:
--     2018-020-000602) and finds it in Mes paiements with its receipt; the third is already paid
--     (by another channel).
--   rattachement@demo.fr / rattachement-factures: « Rattacher un contrat » (e2e/link-contract.spec.ts),
--     an active account with no customer record of its own, and two contracts whose e-mails are not
--     any account's (contrat-rattachement@demo.fr, contrat-rattachement-sans-js@demo.fr), each with
--     one unpaid invoice: one contract per run (with JavaScript: RATT0001, invoice 2018-020-000701 of
--     54,30 €; without: RATT0002, invoice 2018-020-000702 of 61,20 €); the account links its run's
--     contract with the invoice's number and amount, then finds the invoice in Mes factures.
--   rappels@demo.fr, rappels-sans-js@demo.fr / rappels-factures: « Me prévenir par e-mail »
--     (e2e/reminders.spec.ts), one per run (with JavaScript, without); each has one unpaid invoice
--     due 3 days after the seed ran (the reminder job's window is 5 days); its PDF carries fixed dates.
-- Every customer record here is in service 004200 (PayFiP, several invoices at once); their PDFs
-- are in supabase/storage/invoices/004200/ (scripts/generate-demo-pdfs.ts). An account is the demo
-- account's row with its own id, e-mail and password. Ids:
--   accounts  d0000000-0000-4000-8000-0000000000NN, identities d0000000-0000-4000-8000-0000000000NN
--   customers c0000000-0000-4000-8000-0000000000NN, invoices 1a000000-0000-4000-8000-000000000NNN
create temporary table seed_e2e_accounts (id uuid primary key, identity_id uuid not null, email text not null, password text not null);
insert into seed_e2e_accounts (id, identity_id, email, password) values
  ('d0000000-0000-4000-8000-000000000010', 'd0000000-0000-4000-8000-0000000000b0', 'paiement@demo.fr', 'paiement-factures'),
  ('d0000000-0000-4000-8000-000000000030', 'd0000000-0000-4000-8000-0000000000c0', 'fermeture@demo.fr', 'fermeture-factures'),
  ('d0000000-0000-4000-8000-0000000000a1', 'd0000000-0000-4000-8000-0000000000a2', 'historique@demo.fr', 'historique-factures'),
  ('d0000000-0000-4000-8000-0000000000b1', 'd0000000-0000-4000-8000-0000000000b2', 'rattachement@demo.fr', 'rattachement-factures'),
  ('d0000000-0000-4000-8000-0000000000d1', 'd0000000-0000-4000-8000-0000000000d3', 'rappels@demo.fr', 'rappels-factures'),
  ('d0000000-0000-4000-8000-0000000000d2', 'd0000000-0000-4000-8000-0000000000d4', 'rappels-sans-js@demo.fr', 'rappels-factures');

create temporary table seed_e2e_customers (id uuid primary key, customer_number text not null, display_name text not null, email text not null);
insert into seed_e2e_customers (id, customer_number, display_name, email) values
  ('c0000000-0000-4000-8000-000000000031', 'FERM0001', 'Famille Fermeture', 'fermeture@demo.fr'),
  ('c0000000-0000-4000-8000-000000000041', 'CLAV0001', 'Famille Clavier', 'clavier@demo.fr'),
  ('c0000000-0000-4000-8000-000000000042', 'CLAV0002', 'Famille Clavier', 'clavier-sans-js@demo.fr'),
  ('c0000000-0000-4000-8000-0000000000a1', 'HIST0001', 'Famille Historique', 'historique@demo.fr'),
  ('c0000000-0000-4000-8000-0000000000b1', 'RATT0001', 'Famille Rattachement', 'contrat-rattachement@demo.fr'),
  ('c0000000-0000-4000-8000-0000000000b2', 'RATT0002', 'Famille Rattachement', 'contrat-rattachement-sans-js@demo.fr'),
  ('c0000000-0000-4000-8000-0000000000d1', 'RAPP0001', 'Famille Rappel', 'rappels@demo.fr'),
  ('c0000000-0000-4000-8000-0000000000d2', 'RAPP0002', 'Famille Rappel', 'rappels-sans-js@demo.fr');

-- paid_at null: unpaid.
create temporary table seed_e2e_invoices (id uuid primary key, customer_id uuid not null, number text not null, issued_on date not null,
                                          due_on date not null, amount_cents bigint not null, object text not null, paid_at timestamptz);
insert into seed_e2e_invoices (id, customer_id, number, issued_on, due_on, amount_cents, object, paid_at) values
  ('1a000000-0000-4000-8000-000000000401', 'c0000000-0000-4000-8000-000000000031', '2018-020-000401', '2018-06-11', '2018-06-22', 6480, 'Eau potable', null),
  ('1a000000-0000-4000-8000-000000000402', 'c0000000-0000-4000-8000-000000000031', '2018-020-000402', '2018-03-12', '2018-03-23', 5215, 'Assainissement', '2018-03-20 10:00:00+01'),
  ('1a000000-0000-4000-8000-000000000501', 'c0000000-0000-4000-8000-000000000041', '2018-020-000501', '2018-05-07', '2018-05-18', 2480, 'Eau potable', null),
  ('1a000000-0000-4000-8000-000000000502', 'c0000000-0000-4000-8000-000000000041', '2018-020-000502', '2018-06-04', '2018-06-15', 1615, 'Assainissement', null),
  ('1a000000-0000-4000-8000-000000000511', 'c0000000-0000-4000-8000-000000000042', '2018-020-000511', '2018-05-07', '2018-05-18', 2730, 'Eau potable', null),
  ('1a000000-0000-4000-8000-000000000512', 'c0000000-0000-4000-8000-000000000042', '2018-020-000512', '2018-06-04', '2018-06-15', 1760, 'Assainissement', null),
  ('1a000000-0000-4000-8000-0000000006a1', 'c0000000-0000-4000-8000-0000000000a1', '2018-020-000601', '2018-06-04', '2018-06-15', 3120, 'Eau potable', null),
  ('1a000000-0000-4000-8000-0000000006a2', 'c0000000-0000-4000-8000-0000000000a1', '2018-020-000602', '2018-05-07', '2018-05-18', 2890, 'Assainissement', null),
  ('1a000000-0000-4000-8000-0000000006a3', 'c0000000-0000-4000-8000-0000000000a1', '2018-020-000603', '2018-03-05', '2018-03-16', 4570, 'Eau potable', '2026-10-15 09:12:00+02'),
  ('1a000000-0000-4000-8000-0000000007b1', 'c0000000-0000-4000-8000-0000000000b1', '2018-020-000701', '2018-06-04', '2018-06-15', 5430, 'Eau potable', null),
  ('1a000000-0000-4000-8000-0000000007b2', 'c0000000-0000-4000-8000-0000000000b2', '2018-020-000702', '2018-06-04', '2018-06-15', 6120, 'Eau potable', null),
  ('1a000000-0000-4000-8000-0000000007d1', 'c0000000-0000-4000-8000-0000000000d1', '2026-020-000701', current_date - 20, current_date + 3, 4250, 'Eau potable', null),
  ('1a000000-0000-4000-8000-0000000007d2', 'c0000000-0000-4000-8000-0000000000d2', '2026-020-000702', current_date - 20, current_date + 3, 4250, 'Eau potable', null);

insert into auth.users (instance_id, id, aud, role, email, encrypted_password, email_confirmed_at, confirmation_token,
                        recovery_token, email_change_token_new, email_change, raw_app_meta_data, raw_user_meta_data, created_at, updated_at)
select u.instance_id, a.id, u.aud, u.role, a.email, extensions.crypt(a.password, extensions.gen_salt('bf')), now(), '', '', '', '',
       u.raw_app_meta_data, u.raw_user_meta_data, now(), now()
from auth.users u, seed_e2e_accounts a
where u.id = 'd0000000-0000-4000-8000-000000000001';

insert into auth.identities (id, user_id, provider_id, provider, identity_data, last_sign_in_at, created_at, updated_at)
select a.identity_id, a.id, a.id::text, 'email',
       jsonb_build_object('sub', a.id::text, 'email', a.email, 'email_verified', true, 'phone_verified', false), now(), now(), now()
from seed_e2e_accounts a;

insert into portal.customers (id, service_id, customer_number, display_name, email, paper_invoices)
select c.id, '5e000000-0000-4000-8000-000000004200', c.customer_number, c.display_name, c.email, true
from seed_e2e_customers c;

insert into portal.invoices (id, service_id, customer_id, number, issued_on, due_on, amount_cents, object, status, pdf_object_key, paid_at)
select i.id, '5e000000-0000-4000-8000-000000004200', i.customer_id, i.number, i.issued_on, i.due_on, i.amount_cents, i.object,
       case when i.paid_at is null then 'unpaid' else 'paid' end::portal.invoice_status, '004200/' || i.number || '.pdf', i.paid_at
from seed_e2e_invoices i;

drop table seed_e2e_invoices, seed_e2e_customers, seed_e2e_accounts;
