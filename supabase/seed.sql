-- Demo data (SPEC.md "Seed data"): run by `supabase db reset` after the migrations, and once by
-- the embedded default on a fresh database. Fixed UUIDs so tests can name them.
--
--   service   5e000000-0000-4000-8000-000000004200  numcli 004200
--   account   d0000000-0000-4000-8000-000000000001  demo@demo.fr / demo-factures (active)
--   customer  c0000000-0000-4000-8000-000000000001  "Test SISTEC560", demo@demo.fr
--   customer  c0000000-0000-4000-8000-000000000002  "Famille Nouveau", nouveau@demo.fr (no account)
--   invoices  1a000000-0000-4000-8000-0000000000NN  (PDFs in supabase/storage/invoices/004200/)

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

-- account_id is set by the linking trigger (demo@demo.fr → the demo account; nouveau: none).
insert into portal.customers (id, service_id, customer_number, display_name, email, paper_invoices)
values
  ('c0000000-0000-4000-8000-000000000001', '5e000000-0000-4000-8000-000000004200',
   'SISTEC560', 'Test SISTEC560', 'demo@demo.fr', true),
  ('c0000000-0000-4000-8000-000000000002', '5e000000-0000-4000-8000-000000004200',
   'NOUV0001', 'Famille Nouveau', 'nouveau@demo.fr', true);

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
