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

-- The payment e2e account (same shape as the demo account).
insert into auth.users (
  instance_id, id, aud, role, email, encrypted_password, email_confirmed_at,
  confirmation_token, recovery_token, email_change_token_new, email_change,
  raw_app_meta_data, raw_user_meta_data, created_at, updated_at
) values (
  '00000000-0000-0000-0000-000000000000',
  'd0000000-0000-4000-8000-000000000010',
  'authenticated', 'authenticated',
  'paiement@demo.fr',
  extensions.crypt('paiement-factures', extensions.gen_salt('bf')),
  now(),
  '', '', '', '',
  '{"provider":"email","providers":["email"]}',
  '{}',
  now(), now()
);

insert into auth.identities (id, user_id, provider_id, provider, identity_data, last_sign_in_at, created_at, updated_at)
values (
  'd0000000-0000-4000-8000-0000000000b0',
  'd0000000-0000-4000-8000-000000000010',
  'd0000000-0000-4000-8000-000000000010',
  'email',
  '{"sub":"d0000000-0000-4000-8000-000000000010","email":"paiement@demo.fr","email_verified":true,"phone_verified":false}',
  now(), now(), now()
);

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

-- For the account-closure journey of the browser tests (e2e/account-closure.spec.ts), which closes
-- the account and activates it again, a resident of its own that no other test reads:
--   account   d0000000-0000-4000-8000-000000000030  fermeture@demo.fr / fermeture-factures (active)
--   customer  c0000000-0000-4000-8000-000000000031  "Famille Fermeture", service 004200
--   invoices  1a000000-0000-4000-8000-00000000040N  (PDFs in supabase/storage/invoices/004200/)
-- The account is the demo account's row with its own id, e-mail and password.
insert into auth.users (instance_id, id, aud, role, email, encrypted_password, email_confirmed_at, confirmation_token,
                        recovery_token, email_change_token_new, email_change, raw_app_meta_data, raw_user_meta_data, created_at, updated_at)
select u.instance_id, a.id, u.aud, u.role, a.email, extensions.crypt(a.password, extensions.gen_salt('bf')), now(), '', '', '', '',
       u.raw_app_meta_data, u.raw_user_meta_data, now(), now()
from auth.users u,
     (values ('d0000000-0000-4000-8000-000000000030'::uuid, 'fermeture@demo.fr', 'fermeture-factures')) as a (id, email, password)
where u.id = 'd0000000-0000-4000-8000-000000000001';

insert into auth.identities (id, user_id, provider_id, provider, identity_data, last_sign_in_at, created_at, updated_at)
select 'd0000000-0000-4000-8000-0000000000c0', u.id, u.id::text, 'email',
       jsonb_build_object('sub', u.id::text, 'email', u.email, 'email_verified', true, 'phone_verified', false), now(), now(), now()
from auth.users u where u.email = 'fermeture@demo.fr';

insert into portal.customers (id, service_id, customer_number, display_name, email, paper_invoices)
select 'c0000000-0000-4000-8000-000000000031', s.id, 'FERM0001', 'Famille Fermeture', 'fermeture@demo.fr', true
from portal.services s where s.numcli = '004200';

-- One unpaid and one paid invoice (scripts/generate-demo-pdfs.ts writes their PDFs).
insert into portal.invoices (id, service_id, customer_id, number, issued_on, due_on, amount_cents, object, status, pdf_object_key, paid_at)
select ('1a000000-0000-4000-8000-00000000040' || v.n)::uuid, c.service_id, c.id, '2018-020-00040' || v.n, v.issued_on, v.due_on, v.cents,
       v.object, v.status::portal.invoice_status, '004200/2018-020-00040' || v.n || '.pdf', v.paid_at
from portal.customers c,
     (values (1, date '2018-06-11', date '2018-06-22', 6480, 'Eau potable', 'unpaid', null::timestamptz),
             (2, date '2018-03-12', date '2018-03-23', 5215, 'Assainissement', 'paid', timestamptz '2018-03-20 10:00:00+01'))
       as v (n, issued_on, due_on, cents, object, status, paid_at)
where c.id = 'c0000000-0000-4000-8000-000000000031';

-- The keyboard journey of the browser tests (e2e/keyboard-journey.spec.ts): customers known to the
-- service, not activated, each with two unpaid invoices payable together by PayFiP (service 004200),
-- one per run (with JavaScript: clavier@demo.fr; without: clavier-sans-js@demo.fr), so each run
-- activates its own account on a fresh database and no other test reads them.
--   customers c0000000-0000-4000-8000-00000000004N  "Famille Clavier" (CLAV0001, CLAV0002)
--   invoices  1a000000-0000-4000-8000-0000000005NN  (PDFs in supabase/storage/invoices/004200/)
-- One row a line here; the service 004200 (PayFiP, several invoices at once) for all of them.
with clavier (id, customer_number, email) as (
  values ('c0000000-0000-4000-8000-000000000041'::uuid, 'CLAV0001', 'clavier@demo.fr'),
         ('c0000000-0000-4000-8000-000000000042'::uuid, 'CLAV0002', 'clavier-sans-js@demo.fr')
)
insert into portal.customers (id, service_id, customer_number, display_name, email, paper_invoices)
select id, '5e000000-0000-4000-8000-000000004200', customer_number, 'Famille Clavier', email, true from clavier;

with clavier_invoices (id, customer_id, number, issued_on, due_on, amount_cents, object) as (
  values ('1a000000-0000-4000-8000-000000000501'::uuid, 'c0000000-0000-4000-8000-000000000041'::uuid, '2018-020-000501', date '2018-05-07', date '2018-05-18', 2480, 'Eau potable'),
         ('1a000000-0000-4000-8000-000000000502'::uuid, 'c0000000-0000-4000-8000-000000000041'::uuid, '2018-020-000502', date '2018-06-04', date '2018-06-15', 1615, 'Assainissement'),
         ('1a000000-0000-4000-8000-000000000511'::uuid, 'c0000000-0000-4000-8000-000000000042'::uuid, '2018-020-000511', date '2018-05-07', date '2018-05-18', 2730, 'Eau potable'),
         ('1a000000-0000-4000-8000-000000000512'::uuid, 'c0000000-0000-4000-8000-000000000042'::uuid, '2018-020-000512', date '2018-06-04', date '2018-06-15', 1760, 'Assainissement')
)
insert into portal.invoices (id, service_id, customer_id, number, issued_on, due_on, amount_cents, object, status, pdf_object_key, paid_at)
select id, '5e000000-0000-4000-8000-000000004200', customer_id, number, issued_on, due_on, amount_cents, object, 'unpaid', '004200/' || number || '.pdf', null
from clavier_invoices;

-- « Mes paiements » in the browser tests (e2e/my-payments.spec.ts), a resident of its own that no
-- other test reads: it pays one unpaid invoice through the simulator per run (with JavaScript:
-- 2018-020-000601; without: 2018-020-000602), then finds it in Mes paiements with its receipt;
-- its third invoice is already paid (by another channel). No payment attempt is seeded: tests
-- elsewhere read every row of portal.payment_attempts.
--   account   d0000000-0000-4000-8000-0000000000a1  historique@demo.fr / historique-factures (active)
--   customer  c0000000-0000-4000-8000-0000000000a1  "Famille Historique", service 004200
--   invoices  1a000000-0000-4000-8000-0000000006a1..3 (PDFs in supabase/storage/invoices/004200/)
insert into auth.users (instance_id, id, aud, role, email, encrypted_password, email_confirmed_at, confirmation_token,
                        recovery_token, email_change_token_new, email_change, raw_app_meta_data, raw_user_meta_data, created_at, updated_at)
select u.instance_id, a.id, u.aud, u.role, a.email, extensions.crypt(a.password, extensions.gen_salt('bf')), now(), '', '', '', '',
       u.raw_app_meta_data, u.raw_user_meta_data, now(), now()
from auth.users u,
     (values ('d0000000-0000-4000-8000-0000000000a1'::uuid, 'historique@demo.fr', 'historique-factures')) as a (id, email, password)
where u.id = 'd0000000-0000-4000-8000-000000000001';

insert into auth.identities (id, user_id, provider_id, provider, identity_data, last_sign_in_at, created_at, updated_at)
select 'd0000000-0000-4000-8000-0000000000a2', u.id, u.id::text, 'email',
       jsonb_build_object('sub', u.id::text, 'email', u.email, 'email_verified', true, 'phone_verified', false), now(), now(), now()
from auth.users u where u.email = 'historique@demo.fr';

insert into portal.customers (id, service_id, customer_number, display_name, email, paper_invoices)
values ('c0000000-0000-4000-8000-0000000000a1', '5e000000-0000-4000-8000-000000004200', 'HIST0001', 'Famille Historique', 'historique@demo.fr', true);

insert into portal.invoices (id, service_id, customer_id, number, issued_on, due_on, amount_cents, object, status, pdf_object_key, paid_at)
values ('1a000000-0000-4000-8000-0000000006a1', '5e000000-0000-4000-8000-000000004200', 'c0000000-0000-4000-8000-0000000000a1',
        '2018-020-000601', date '2018-06-04', date '2018-06-15', 3120, 'Eau potable', 'unpaid', '004200/2018-020-000601.pdf', null),
       ('1a000000-0000-4000-8000-0000000006a2', '5e000000-0000-4000-8000-000000004200', 'c0000000-0000-4000-8000-0000000000a1',
        '2018-020-000602', date '2018-05-07', date '2018-05-18', 2890, 'Assainissement', 'unpaid', '004200/2018-020-000602.pdf', null),
       ('1a000000-0000-4000-8000-0000000006a3', '5e000000-0000-4000-8000-000000004200', 'c0000000-0000-4000-8000-0000000000a1',
        '2018-020-000603', date '2018-03-05', date '2018-03-16', 4570, 'Eau potable', 'paid', '004200/2018-020-000603.pdf', timestamptz '2026-10-15 09:12:00+02');

-- « Me prévenir par e-mail » in the browser tests (e2e/reminders.spec.ts), two residents of their
-- own that no other test reads (one per run: with and without JavaScript). Each has one unpaid
-- invoice due 3 days after the seed ran (the reminder job's window is 5 days); its PDF
-- (scripts/generate-demo-pdfs.ts) carries fixed dates.
--   accounts  d0000000-0000-4000-8000-0000000000b1  rappels@demo.fr / rappels-factures (active)
--             d0000000-0000-4000-8000-0000000000b2  rappels-sans-js@demo.fr / rappels-factures (active)
--   customers c0000000-0000-4000-8000-0000000000b1..2  "Famille Rappel", service 004200 (RAPP0001, RAPP0002)
--   invoices  1a000000-0000-4000-8000-0000000007b1..2  2026-020-000701, 2026-020-000702
insert into auth.users (instance_id, id, aud, role, email, encrypted_password, email_confirmed_at, confirmation_token,
                        recovery_token, email_change_token_new, email_change, raw_app_meta_data, raw_user_meta_data, created_at, updated_at)
select u.instance_id, a.id, u.aud, u.role, a.email, extensions.crypt('rappels-factures', extensions.gen_salt('bf')), now(), '', '', '', '',
       u.raw_app_meta_data, u.raw_user_meta_data, now(), now()
from auth.users u,
     (values ('d0000000-0000-4000-8000-0000000000b1'::uuid, 'rappels@demo.fr'),
             ('d0000000-0000-4000-8000-0000000000b2'::uuid, 'rappels-sans-js@demo.fr')) as a (id, email)
where u.id = 'd0000000-0000-4000-8000-000000000001';

insert into auth.identities (id, user_id, provider_id, provider, identity_data, last_sign_in_at, created_at, updated_at)
select ('d0000000-0000-4000-8000-0000000000' || case u.email when 'rappels@demo.fr' then 'c1' else 'c2' end)::uuid, u.id, u.id::text, 'email',
       jsonb_build_object('sub', u.id::text, 'email', u.email, 'email_verified', true, 'phone_verified', false), now(), now(), now()
from auth.users u where u.email in ('rappels@demo.fr', 'rappels-sans-js@demo.fr');

insert into portal.customers (id, service_id, customer_number, display_name, email, paper_invoices)
values ('c0000000-0000-4000-8000-0000000000b1', '5e000000-0000-4000-8000-000000004200', 'RAPP0001', 'Famille Rappel', 'rappels@demo.fr', true),
       ('c0000000-0000-4000-8000-0000000000b2', '5e000000-0000-4000-8000-000000004200', 'RAPP0002', 'Famille Rappel', 'rappels-sans-js@demo.fr', true);

insert into portal.invoices (id, service_id, customer_id, number, issued_on, due_on, amount_cents, object, status, pdf_object_key, paid_at)
values ('1a000000-0000-4000-8000-0000000007b1', '5e000000-0000-4000-8000-000000004200', 'c0000000-0000-4000-8000-0000000000b1',
        '2026-020-000701', current_date - 20, current_date + 3, 4250, 'Eau potable', 'unpaid', '004200/2026-020-000701.pdf', null),
       ('1a000000-0000-4000-8000-0000000007b2', '5e000000-0000-4000-8000-000000004200', 'c0000000-0000-4000-8000-0000000000b2',
        '2026-020-000702', current_date - 20, current_date + 3, 4250, 'Eau potable', 'unpaid', '004200/2026-020-000702.pdf', null);
