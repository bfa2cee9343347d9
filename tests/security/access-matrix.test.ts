import { readdirSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { http } from "msw";
import { setupServer } from "msw/node";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { getEmbeddedExtras, useBackend } from "~/.server/backend";
import { copySeedFiles, type Database } from "~/.server/embedded/database";
import { outboxIdle } from "~/.server/outbox";
import type { Backend } from "~/.server/ports/backend";
import { createSupabaseBackend } from "~/.server/supabase/backend";
import * as confirmLink from "~/routes/auth.confirm/route";
import * as login from "~/routes/connexion/route";
import * as contact from "~/routes/_espace.contact/route";
import * as detail from "~/routes/_espace.factures_.$id/route";
import * as list from "~/routes/_espace.factures/route";
import * as selection from "~/routes/_espace.paiement/route";
import * as confirmation from "~/routes/_espace.paiement_.confirmation/route";
import * as demarrer from "~/routes/_espace.paiement_.demarrer/route";
import * as retour from "~/routes/_espace.paiement_.retour/route";
import * as layout from "~/routes/_espace.accueil/route";
import * as newPassword from "~/routes/nouveau-mot-de-passe/route";
import * as notification from "~/routes/paiement.notification/route";
import * as payfipReturn from "~/routes/paiement.retour-payfip/route";
import * as pdf from "~/routes/factures.$id.pdf/route";
import * as paymentsList from "~/routes/_espace.paiements/route";
import * as receipt from "~/routes/paiements.$id.justificatif[.]pdf/route";
import * as tipiResult from "~/routes/paiement.resultat-tipi.$jeton/route";
import * as soapEndpoint from "~/routes/simulateur-dgfip.tpa.services.securite/route";
import * as tipiPage from "~/routes/simulateur-dgfip.tpa.paiement[.]web/route";
import * as payfipPage from "~/routes/simulateur-dgfip.tpa.paiementws[.]web/route";
import * as courriels from "~/routes/dev.courriels/route";
import * as outboxJob from "~/routes/taches.envoi-courriels/route";
import * as reconcileJob from "~/routes/taches.rapprochement-paiements/route";
import * as purgeJob from "~/routes/taches.purge/route";
import * as remindersJob from "~/routes/taches.rappels/route";
import { Browser, ORIGIN, startPortal } from "../support/route-harness";
import { createAuthUser, SEED } from "../support/database";
import { testEnv } from "../supabase/msw-supabase";
import {
  anonymousBrowser,
  contains,
  dataWhere,
  describeProbe,
  expectAnswered,
  expectNoneOf,
  loginPathFor,
  ok,
  oneOf,
  probe,
  redirectTo,
  residentMarkers,
  status,
  toLogin,
  withoutShared,
  type Check,
  type Handler,
  type Probe,
  type ProbeInit,
} from "./matrix-helpers";

/**
 * The access matrix (tests/security/README.md): every route module of app/routes/ — found at run
 * time, so a new route fails here until it has its row — called as an anonymous visitor and as
 * two residents, GET (loader) and POST (action) where the module has them; then every object id a
 * resident can learn, tried as the other resident and as a visitor; then malformed ids.
 *
 * Resident A is the seed's demo@demo.fr; resident B is the seed's paiement@demo.fr, a customer of
 * the same service (004200) as A and of two more (classic TIPI 004281, suspended 004282): the
 * hardest case for isolation, since A and B share a service and only their customer records differ.
 */

// The job endpoints exist only with their secret (app/routes/taches.*): set before env() first runs.
const OUTBOX_SECRET = "secret-du-courrier-pour-les-tests-0123456789";
const PAYMENTS_SECRET = "secret-des-paiements-pour-les-tests-0123456";
vi.stubEnv("OUTBOX_CRON_SECRET", OUTBOX_SECRET);
vi.stubEnv("PAYMENTS_CRON_SECRET", PAYMENTS_SECRET);
const RETENTION_SECRET = "secret-de-la-purge-pour-les-tests-01234567";
vi.stubEnv("RETENTION_CRON_SECRET", RETENTION_SECRET);
const REMINDERS_SECRET = "secret-des-rappels-pour-les-tests-01234567";
vi.stubEnv("REMINDERS_CRON_SECRET", REMINDERS_SECRET);

const A = { email: "demo@demo.fr", password: "demo-factures", userId: SEED.demoUserId, name: "Test SISTEC560" };
const B = { email: "paiement@demo.fr", password: "paiement-factures", userId: "d0000000-0000-4000-8000-000000000010", name: "Famille Paiement" };
const INVOICE_A = SEED.invoice2059Id; // A's unpaid invoice, left payable by this file
const INVOICE_A_PAYING = "1a000000-0000-4000-8000-000000000002"; // A starts a PayFiP payment of it
const INVOICE_B_PAYFIP = "1a000000-0000-4000-8000-000000000101"; // service 004200, PayFiP
const INVOICE_B_TIPI = "1a000000-0000-4000-8000-000000000201"; // service 004281, classic TIPI
const SERVICE_TIPI = "5e000000-0000-4000-8000-000000004281"; // one of B's services, not A's
const NO_TOKEN = "0".repeat(64);
const NO_ATTEMPT = "a7000000-0000-4000-8000-00000000dead"; // no such payment attempt
const CERTIFICATE_A = `/attestations/${SEED.demoCustomerId}/2017.pdf`; // A's payment certificate for 2017

// The portal's server-to-server calls (PayFiP SOAP, urlnotif, urlcl) are real fetches to its own
// origin: MSW hands them to the route modules the server would run (as tests/payment/routes.test.ts).
const server = setupServer(
  http.post(`${ORIGIN}/simulateur-dgfip/tpa/services/securite`, ({ request }) => soapEndpoint.action({ request, params: {}, context: {} }) as Promise<Response>),
  http.all(`${ORIGIN}/paiement/notification`, ({ request }) => notification.action({ request, params: {}, context: {} })),
  http.post(`${ORIGIN}/paiement/resultat-tipi/:jeton`, ({ request, params }) => tipiResult.action({ request, params: { jeton: String(params.jeton) }, context: {} })),
);

type Caller = "anonymous" | "residentA" | "residentB";
const CALLERS: Caller[] = ["anonymous", "residentA", "residentB"];
type PerCaller = Record<Caller, Check>;

interface Row {
  /** private: behind login; visitors: for people without a session; public; callback (DGFiP); dev (embedded default only); job (bearer secret). */
  kind: "private" | "visitors" | "public" | "callback" | "dev" | "job";
  path: string;
  params?: Record<string, string>;
  /** Required exactly when the module exports a loader. */
  get?: PerCaller;
  /** Required exactly when the module exports an action. `freshSession`: residents post from a new login (logout). */
  post?: { init: ProbeInit; expect: PerCaller; freshSession?: boolean };
  /** Why this route may show anyone's data (skips the other-resident check). */
  showsEveryone?: string;
  /** Why a 5xx is this route's right answer. */
  allow5xx?: string;
}

const everyone = (check: Check): PerCaller => ({ anonymous: check, residentA: check, residentB: check });
const residents = (anonymous: Check, resident: Check): PerCaller => ({ anonymous, residentA: resident, residentB: resident });

const clearsSession: Check = (p) => {
  expect(p, describeProbe(p)).toClearSessionCookie();
};

const loggedOut: Check = (p) => {
  redirectTo("/connexion")(p);
  clearsSession(p);
};

const notSaved: Check = (p) => {
  expect(p.status >= 300 && p.status < 500, describeProbe(p)).toBe(true);
  expect((p.data as { saved?: boolean } | undefined)?.saved, describeProbe(p)).not.toBe(true);
};

const anyRedirect: Check = (p) => {
  expect(p.status >= 300 && p.status < 400 && p.location !== null, describeProbe(p)).toBe(true);
};

const payfipPath = "/simulateur-dgfip/tpa/paiementws.web";
const tipiPath = "/simulateur-dgfip/tpa/paiement.web";
const soapPath = "/simulateur-dgfip/tpa/services/securite";

/** One row per folder of app/routes/ (checked against the folder list at run time). */
const MATRIX: Record<string, Row> = {
  $: { kind: "public", path: "/page/qui/n-existe-pas", params: { "*": "page/qui/n-existe-pas" }, get: everyone(status(404)) },
  _index: { kind: "public", path: "/", get: residents(redirectTo("/connexion"), redirectTo("/accueil")) },
  // The layout has no loader: every page's one call brings its frame (docs/performance.md).
  _espace: { kind: "private", path: "/accueil" },
  "_espace.accueil": {
    kind: "private",
    path: "/accueil",
    get: { anonymous: toLogin("/accueil"), residentA: ok("welcomeParagraphs", A.name), residentB: ok("welcomeParagraphs", B.name) },
    post: { init: { form: { intent: "fermer-annonce" } }, expect: residents(toLogin("/accueil"), redirectTo("/accueil")) },
  },
  "_espace.contact": {
    kind: "private",
    path: "/contact",
    get: { anonymous: toLogin("/contact"), residentA: ok(A.email), residentB: ok(B.email) },
    post: { init: { form: { intent: "effacer" } }, expect: residents(toLogin("/contact"), redirectTo("/contact")) },
  },
  "_espace.factures": {
    kind: "private",
    path: "/factures",
    get: { anonymous: toLogin("/factures"), residentA: ok(A.name, "2017-020-002059"), residentB: ok(B.name) },
  },
  "_espace.factures_.$id": {
    kind: "private",
    path: `/factures/${INVOICE_A}`,
    params: { id: INVOICE_A },
    get: { anonymous: toLogin(`/factures/${INVOICE_A}`), residentA: ok("2017-020-002059", A.name), residentB: status(404, contains("Facture introuvable")) },
  },
  "_espace.mes-informations": {
    kind: "private",
    path: "/mes-informations",
    get: { anonymous: toLogin("/mes-informations"), residentA: ok("SISTEC560"), residentB: ok("PAIE0001", "PAIE0002") },
  },
  "_espace.mes-informations_.adresse-mail": {
    kind: "private",
    path: "/mes-informations/adresse-mail",
    get: { anonymous: toLogin("/mes-informations/adresse-mail"), residentA: ok(A.email), residentB: ok(B.email) },
    post: { init: { form: { email: "pas-une-adresse" } }, expect: residents(toLogin("/mes-informations/adresse-mail"), status(400)) },
  },
  "_espace.mes-informations_.fermer-mon-compte": {
    kind: "private",
    path: "/mes-informations/fermer-mon-compte",
    get: { anonymous: toLogin("/mes-informations/fermer-mon-compte"), residentA: ok(A.email), residentB: ok(B.email) },
    post: { init: { form: { currentPassword: "pas-le-bon" } }, expect: residents(toLogin("/mes-informations/fermer-mon-compte"), status(400)) },
  },
  "_espace.mes-informations_.mot-de-passe": {
    kind: "private",
    path: "/mes-informations/mot-de-passe",
    get: { anonymous: toLogin("/mes-informations/mot-de-passe"), residentA: ok(A.email), residentB: ok(B.email) },
    post: { init: { form: {} }, expect: residents(toLogin("/mes-informations/mot-de-passe"), status(400)) },
  },
  "_espace.mes-informations_.papier": {
    kind: "private",
    path: "/mes-informations/papier",
    get: { anonymous: toLogin("/mes-informations/papier"), residentA: ok("SISTEC560"), residentB: ok("PAIE0001") },
    post: { init: { form: { intent: "annuler" } }, expect: residents(toLogin("/mes-informations/papier"), redirectTo("/mes-informations")) },
  },
  "_espace.mes-informations_.rattacher-un-contrat": {
    kind: "private",
    path: "/mes-informations/rattacher-un-contrat",
    get: { anonymous: toLogin("/mes-informations/rattacher-un-contrat"), residentA: ok(A.name, "customerNumber"), residentB: ok(B.name, "customerNumber") },
    post: {
      init: { form: { serviceId: SEED.serviceId, customerNumber: "INCONNU", invoiceNumber: "0000", amount: "1,00" } },
      expect: residents(toLogin("/mes-informations/rattacher-un-contrat"), status(400, contains("Ces informations ne correspondent à aucun contrat"))),
    },
  },
  "_espace.mes-informations_.mes-donnees": {
    kind: "private",
    path: "/mes-informations/mes-donnees",
    get: { anonymous: toLogin("/mes-informations/mes-donnees"), residentA: ok(A.name), residentB: ok(B.name) },
  },
  "_espace.paiement": {
    kind: "private",
    path: `/paiement?facture=${INVOICE_A}`,
    get: {
      anonymous: toLogin(`/paiement?facture=${INVOICE_A}`),
      residentA: status(200, dataWhere((d) => JSON.stringify(d.selected) === JSON.stringify([INVOICE_A]), "A's invoice preselected")),
      residentB: status(200, contains("2018-020-000101"), dataWhere((d) => JSON.stringify(d.selected) === "[]", "nothing preselected")),
    },
  },
  "_espace.paiement_.confirmation": {
    kind: "private",
    path: `/paiement/confirmation?facture=${INVOICE_A}`,
    get: {
      anonymous: toLogin(`/paiement/confirmation?facture=${INVOICE_A}`),
      residentA: ok("2017-020-002059"),
      residentB: redirectTo(`/paiement?facture=${INVOICE_A}&erreur=not_found`),
    },
  },
  "_espace.paiement_.demarrer": {
    kind: "private",
    path: "/paiement/demarrer",
    post: { init: { form: {} }, expect: residents(toLogin("/paiement/demarrer"), redirectTo("/paiement?erreur=empty", 303)) },
  },
  "_espace.paiement_.retour": {
    kind: "private",
    path: "/paiement/retour",
    get: residents(toLogin("/paiement/retour"), status(200, dataWhere((d) => d.status === "unknown" && d.amount === null, "unknown payment"))),
  },
  "factures.$id.pdf": {
    kind: "private",
    path: `/factures/${INVOICE_A}/pdf`,
    params: { id: INVOICE_A },
    get: {
      anonymous: toLogin(`/factures/${INVOICE_A}/pdf`),
      residentA: status(200, (p) => expect(p.headers.get("content-type"), describeProbe(p)).toBe("application/pdf")),
      residentB: status(404, (p) => expect(p.headers.get("content-disposition"), describeProbe(p)).toBeNull()),
    },
  },
  // « Télécharger les PDF »: A's invoice chosen — A gets the zip, B nothing of A's (tests/invoice-zip/route.test.ts).
  "factures.pdf[.]zip": {
    kind: "private",
    path: `/factures/pdf.zip?onglet=non-reglees&facture=${INVOICE_A}`,
    get: {
      anonymous: toLogin(`/factures/pdf.zip?onglet=non-reglees&facture=${INVOICE_A}`),
      residentA: status(200, (p) => expect(p.headers.get("content-type"), describeProbe(p)).toBe("application/zip")),
      residentB: status(404, (p) => expect(p.headers.get("content-disposition"), describeProbe(p)).toBeNull()),
    },
  },
  // « Choisir les factures à télécharger »: each resident's own invoices of the tab (tests/invoice-zip/route.test.ts).
  "_espace.factures_.selection": {
    kind: "private",
    path: "/factures/selection?onglet=non-reglees",
    get: { anonymous: toLogin("/factures/selection?onglet=non-reglees"), residentA: ok("2017-020-002059"), residentB: ok("2018-020-000101") },
  },
  // « Mes paiements » and the receipt: the caller's own attempts only (tests/payments-history/routes.test.ts).
  "_espace.paiements": {
    kind: "private",
    path: "/paiements",
    get: residents(toLogin("/paiements"), status(200, dataWhere((d) => Array.isArray(d.payments), "a list of payments"))),
  },
  "paiements.$id.justificatif[.]pdf": {
    kind: "private",
    path: `/paiements/${NO_ATTEMPT}/justificatif.pdf`,
    params: { id: NO_ATTEMPT },
    get: residents(toLogin(`/paiements/${NO_ATTEMPT}/justificatif.pdf`), status(404, (p) => expect(p.headers.get("content-disposition"), describeProbe(p)).toBeNull())),
  },
  // « Attestations de paiement »: A has payments in 2017 (record SISTEC560 of 004200), B none; the
  // download of A's certificate is the same 404 for B as for a record that does not exist.
  "_espace.attestations": {
    kind: "private",
    path: "/attestations",
    get: { anonymous: toLogin("/attestations"), residentA: ok(A.name, CERTIFICATE_A), residentB: ok(B.name, "PAIE0001") },
  },
  "attestations.$abonne.$fichier": {
    kind: "private",
    path: CERTIFICATE_A,
    params: { abonne: SEED.demoCustomerId, fichier: "2017.pdf" },
    get: {
      anonymous: toLogin(CERTIFICATE_A),
      residentA: status(200, (p) => expect(p.headers.get("content-type"), describeProbe(p)).toBe("application/pdf")),
      residentB: status(404, (p) => expect(p.headers.get("content-disposition"), describeProbe(p)).toBeNull()),
    },
  },
  // « Télécharger mes données »: the caller's own data only (tests/security/personal-data-download.test.ts).
  "mes-donnees[.]json": {
    kind: "private",
    path: "/mes-donnees.json",
    get: { anonymous: toLogin("/mes-donnees.json"), residentA: ok(A.email, "SISTEC560", "2017-020-002059"), residentB: ok(B.email, "PAIE0001", "2018-021-000201") },
  },
  "mes-donnees[.]csv": {
    kind: "private",
    path: "/mes-donnees.csv",
    get: { anonymous: toLogin("/mes-donnees.csv"), residentA: ok(A.email, "SISTEC560", "2017-020-002059"), residentB: ok(B.email, "PAIE0001", "2018-021-000201") },
  },
  connexion: {
    kind: "visitors",
    path: "/connexion",
    get: residents(ok("Le Portail des Factures"), redirectTo("/accueil")),
    post: { init: { form: { email: "", password: "" } }, expect: residents(status(400), redirectTo("/accueil")) },
  },
  activation: {
    kind: "visitors",
    path: "/activation",
    get: residents(ok("Le Portail des Factures"), redirectTo("/accueil")),
    post: { init: { form: { email: "pas-une-adresse" } }, expect: residents(status(400), redirectTo("/accueil")) },
  },
  "mot-de-passe-oublie": {
    kind: "visitors",
    path: "/mot-de-passe-oublie",
    get: residents(ok("Le Portail des Factures"), redirectTo("/accueil")),
    post: { init: { form: { email: "pas-une-adresse" } }, expect: residents(status(400), redirectTo("/accueil")) },
  },
  "nous-contacter": {
    kind: "visitors",
    path: "/nous-contacter",
    get: residents(ok("Service Multi Services de démonstration"), redirectTo("/contact")),
    post: { init: { form: { intent: "effacer" } }, expect: residents(redirectTo("/nous-contacter"), redirectTo("/contact")) },
  },
  // Open to everyone, signed in or not (the footer's « Plan du site » and « Aide »); no action.
  "plan-du-site": { kind: "public", path: "/plan-du-site", get: residents(ok('"signedIn":false', "Le Portail des Factures"), ok('"signedIn":true')) },
  aide: { kind: "public", path: "/aide", get: residents(ok('"signedIn":false', "Le Portail des Factures"), ok('"signedIn":true')) },
  "nouveau-mot-de-passe": {
    // For a session opened by an activation or recovery link; nobody else may set a password here
    // (the password-login case is in "Holes this suite found" below).
    kind: "visitors",
    path: "/nouveau-mot-de-passe",
    get: {
      anonymous: redirectTo("/mot-de-passe-oublie"),
      residentA: oneOf(ok(A.email), anyRedirect),
      residentB: oneOf(ok(B.email), anyRedirect),
    },
    post: { init: { form: { password: "court" } }, expect: residents(redirectTo("/mot-de-passe-oublie"), notSaved) },
  },
  // GET only shows the button (a malformed link: 400); the POST verifies the token.
  "auth.confirm": {
    kind: "public",
    path: "/auth/confirm",
    get: everyone(status(400, contains('"link":null'))),
    post: { init: { form: { type: "recovery", token_hash: "jeton-invente-0123456789" } }, expect: everyone(status(400, contains('"failedType":"recovery"'))) },
  },
  deconnexion: {
    kind: "public",
    path: "/deconnexion",
    get: everyone(redirectTo("/accueil")),
    post: { init: { form: {} }, freshSession: true, expect: residents(redirectTo("/connexion"), loggedOut) },
  },
  // The accessibility statement: the same page for everyone, from the audit grid (app/utils/rgaa-audit.ts).
  accessibilite: { kind: "public", path: "/accessibilite", get: everyone(ok('"nonConformities":', "Le Portail des Factures")) },
  health: { kind: "public", path: "/health", get: everyone(ok('"status":"ok"')) },
  // The legal notices and the personal data page: the same public information for anyone, signed in or not.
  "mentions-legales": { kind: "public", path: "/mentions-legales", get: everyone(ok("Commune de Démoville (démonstration)", "Hébergeur de démonstration")) },
  "donnees-personnelles": { kind: "public", path: "/donnees-personnelles", get: everyone(ok("dpo@demoville.example", '"paymentRecordsMonths":120')) },
  "paiement.notification": {
    kind: "callback",
    path: "/paiement/notification",
    get: everyone(status(400)),
    post: { init: { form: {} }, expect: everyone(status(400)) },
  },
  // PayFiP's urlredirect: the browser comes back, by a POST from PayFiP's site without the
  // session cookie, or by GET; both go on to the result page.
  "paiement.retour-payfip": {
    kind: "callback",
    path: "/paiement/retour-payfip",
    get: everyone(redirectTo("/paiement/retour", 303)),
    post: { init: { form: {} }, expect: everyone(redirectTo("/paiement/retour", 303)) },
  },
  "paiement.resultat-tipi.$jeton": {
    kind: "callback",
    path: `/paiement/resultat-tipi/${NO_TOKEN}`,
    params: { jeton: NO_TOKEN },
    get: everyone(redirectTo("/paiement/retour", 303)),
    post: { init: { form: {} }, expect: everyone(redirectTo("/paiement/retour", 303)) },
  },
  "dev.courriels": {
    kind: "dev",
    path: "/dev/courriels",
    get: everyone(ok('"emails":')),
    showsEveryone: "the embedded default's local mailbox lists every e-mail it kept (README: never expose the embedded default publicly)",
  },
  "simulateur-dgfip.tpa.paiement[.]web": {
    kind: "dev",
    path: tipiPath,
    get: everyone(status(200, dataWhere((d) => d.found === false, "no session"))),
    post: { init: { form: { decision: "X" } }, expect: everyone(ok("Choisissez Payer, Refuser ou Abandonner.")) },
  },
  "simulateur-dgfip.tpa.paiementws[.]web": {
    kind: "dev",
    path: payfipPath,
    get: everyone(status(200, dataWhere((d) => d.found === false, "no idop"))),
    post: { init: { form: {} }, expect: everyone(ok("Choisissez Payer, Refuser ou Abandonner.")) },
  },
  "simulateur-dgfip.tpa.services.securite": {
    kind: "dev",
    path: soapPath,
    get: everyone(status(405)),
    post: { init: { body: "pas du SOAP", contentType: "text/xml" }, expect: everyone(status(500, contains("P0"))) },
    allow5xx: "a SOAP 1.1 fault travels as HTTP 500, as DGFiP sends it",
  },
  "taches.envoi-courriels": {
    kind: "job",
    path: "/taches/envoi-courriels",
    get: everyone(status(405)),
    post: { init: { form: {} }, expect: everyone(status(401, contains("unauthorized"))) },
  },
  "taches.rapprochement-paiements": {
    kind: "job",
    path: "/taches/rapprochement-paiements",
    get: everyone(status(405)),
    post: { init: { form: {} }, expect: everyone(status(401, contains("unauthorized"))) },
  },
  "taches.purge": {
    kind: "job",
    path: "/taches/purge",
    get: everyone(status(405)),
    post: { init: { form: {} }, expect: everyone(status(401, contains("unauthorized"))) },
  },
  "taches.rappels": {
    kind: "job",
    path: "/taches/rappels",
    get: everyone(status(405)),
    post: { init: { form: {} }, expect: everyone(status(401, contains("unauthorized"))) },
  },
  "_espace.mes-informations_.rappels": {
    kind: "private",
    path: "/mes-informations/rappels",
    get: { anonymous: toLogin("/mes-informations/rappels"), residentA: ok('"dueDays":5'), residentB: ok('"dueDays":5') },
    post: { init: { form: { nouvelles: "pas-un-choix" } }, expect: residents(toLogin("/mes-informations/rappels"), status(400)) },
  },
  // The unsubscribe link: no login, the signed token is the authority (tests/reminders/unsubscribe.test.ts).
  desabonnement: {
    kind: "public",
    path: "/desabonnement?jeton=pas-un-jeton",
    get: everyone(status(400, contains("portalName"))),
    post: { init: { form: { "List-Unsubscribe": "One-Click" } }, expect: everyone(status(400, contains("pas valable"))) },
  },
};

// Route modules, found at run time ---------------------------------------------------------------

const ROUTES_DIR = new URL("../../app/routes/", import.meta.url);

interface RouteModule {
  loader?: Handler;
  action?: Handler;
}

/** Every entry of app/routes/: folders with their route module, and anything else (flat route files). */
function routeFolders(): { folders: { name: string; file: string }[]; strays: string[] } {
  const folders: { name: string; file: string }[] = [];
  const strays: string[] = [];
  for (const entry of readdirSync(ROUTES_DIR, { withFileTypes: true })) {
    if (!entry.isDirectory()) {
      strays.push(entry.name);
      continue;
    }
    const file = readdirSync(new URL(`${entry.name}/`, ROUTES_DIR)).find((f) => /^route\.(ts|tsx|js|jsx)$/.test(f));
    if (file) folders.push({ name: entry.name, file });
    else strays.push(`${entry.name}/ (no route module)`);
  }
  return { folders, strays };
}

const modules = new Map<string, RouteModule>();

async function loadRouteModules() {
  for (const { name, file } of routeFolders().folders) {
    modules.set(name, (await import(/* @vite-ignore */ new URL(`${name}/${file}`, ROUTES_DIR).pathname)) as RouteModule);
  }
}

// The world --------------------------------------------------------------------------------------

let db: Database;
let backend: Backend;
let dataDir: string;
let residentA: Browser;
let residentB: Browser;
let markersA: string[];
let markersB: string[];

interface Learnable {
  /** Their invoices (ids and issue dates, for the keyset cursor of /factures). */
  invoices: { id: string; issuedOn: string }[];
  /** Payment attempts, with the idOp of PayFiP ones. */
  attempts: { id: string; idop: string | null }[];
  /** Classic TIPI urlcl tokens (/paiement/resultat-tipi/<jeton>). */
  tipiTokens: string[];
}
const learnable: Record<"residentA" | "residentB", Learnable> = {
  residentA: { invoices: [], attempts: [], tipiTokens: [] },
  residentB: { invoices: [], attempts: [], tipiTokens: [] },
};

async function signIn(who: { email: string; password: string }, ip: string): Promise<Browser> {
  const browser = new Browser();
  browser.ip = ip;
  const result = await browser.call(login.action, "/connexion", { email: who.email, password: who.password });
  expect(result.status, `login of ${who.email}`).toBe(302);
  return browser;
}

let freshLogins = 0;
function browserFor(caller: Caller, fresh = false): Promise<Browser> | Browser {
  if (caller === "anonymous") return anonymousBrowser();
  if (fresh) return signIn(caller === "residentA" ? A : B, `2001:db8:f::${++freshLogins}`);
  return caller === "residentA" ? residentA : residentB;
}

/** Every probe: answered, and nobody sees another resident's data (unless the row says why). */
function checkCommon(caller: Caller, p: Probe, row?: Row) {
  expectAnswered(p, Boolean(row?.allow5xx));
  if (row?.showsEveryone) return;
  if (caller !== "residentA") expectNoneOf(p, markersA, "resident A");
  if (caller !== "residentB") expectNoneOf(p, markersB, "resident B");
}

async function as(caller: Caller, handler: Handler, path: string, init: ProbeInit = {}, row?: Row): Promise<Probe> {
  const p = await probe(await browserFor(caller), handler, path, init, caller);
  checkCommon(caller, p, row);
  return p;
}

const attemptOf = async (id: string) =>
  (await db.pg.query<{ status: string }>("select status::text as status from portal.payment_attempts where id = $1", [id])).rows[0]!.status;

async function startPayfip(browser: Browser, who: Caller, invoiceId: string) {
  const started = await probe(browser, demarrer.action, "/paiement/demarrer", { form: { facture: invoiceId } }, who);
  expect(started.status, describeProbe(started)).toBe(303);
  const idop = new URL(started.location!).searchParams.get("idop")!;
  // The resident's own result page: it knows the payment (the attempt id is in its refresh link).
  const page = await probe(browser, retour.loader, `/paiement/retour?idop=${idop}`, {}, who);
  expect(page.data, describeProbe(page)).toMatchObject({ status: "pending" });
  const attemptId = new URLSearchParams((page.data as { refreshHref: string }).refreshHref.split("?")[1]).get("tentative")!;
  return { id: attemptId, idop };
}

beforeAll(async () => {
  server.listen({ onUnhandledRequest: "error" });
  await loadRouteModules();
  dataDir = await mkdtemp(join(tmpdir(), "portail-securite-"));
  await copySeedFiles("supabase/storage/invoices", join(dataDir, "storage/invoices"));
  ({ db, backend } = await startPortal({ DATA_DIR: dataDir }));
  residentA = await signIn(A, "2001:db8:a::1");
  residentB = await signIn(B, "2001:db8:b::1");

  const allA = await residentMarkers(db, A.userId, A.email);
  const allB = await residentMarkers(db, B.userId, B.email);
  markersA = withoutShared(allA, allB);
  markersB = withoutShared(allB, allA);

  for (const [caller, userId] of [["residentA", A.userId], ["residentB", B.userId]] as const) {
    const { rows } = await db.pg.query<{ id: string; issued_on: string }>(
      `select i.id, to_char(i.issued_on, 'YYYY-MM-DD') as issued_on from portal.invoices i
       join portal.customers c on c.id = i.customer_id where c.account_id = $1 order by i.id`,
      [userId],
    );
    learnable[caller].invoices = rows.map((r) => ({ id: r.id, issuedOn: r.issued_on }));
  }

  // Payments in progress, started through the real screens: A and B with PayFiP (service 004200),
  // B also with classic TIPI (service 004281), whose form carries the urlcl token.
  learnable.residentA.attempts.push(await startPayfip(residentA, "residentA", INVOICE_A_PAYING));
  learnable.residentB.attempts.push(await startPayfip(residentB, "residentB", INVOICE_B_PAYFIP));
  const tipi = await probe(residentB, demarrer.action, "/paiement/demarrer", { form: { facture: INVOICE_B_TIPI } }, "residentB");
  const form = (tipi.data as { tipiForm: { action: string; fields: [string, string][] } }).tipiForm;
  const urlcl = Object.fromEntries(form.fields).urlcl!;
  learnable.residentB.tipiTokens.push(urlcl.split("/").pop()!);
  const { rows } = await db.pg.query<{ id: string }>(
    "select id from portal.payment_attempts where account_id = $1 and provider = 'tipi' and status = 'pending'",
    [B.userId],
  );
  expect(rows).toHaveLength(1);
  learnable.residentB.attempts.push({ id: rows[0]!.id, idop: null });
});

afterAll(async () => {
  server.close();
  vi.unstubAllEnvs();
  await outboxIdle();
  await db?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

// 1. Inventory ------------------------------------------------------------------------------------

describe("route inventory", () => {
  it("has a matrix row for every folder of app/routes/, and no row for a route that is gone", () => {
    const { folders, strays } = routeFolders();
    const names = folders.map((f) => f.name).sort();
    expect(names.length).toBeGreaterThan(0);
    expect(names.filter((n) => !(n in MATRIX)), "route folders without a row in MATRIX").toEqual([]);
    expect(Object.keys(MATRIX).filter((n) => !names.includes(n)), "rows of MATRIX without a route folder").toEqual([]);
    expect(strays, "entries of app/routes/ that are not route folders (flat route files escape the matrix)").toEqual([]);
  });

  it("has a GET row exactly for the modules with a loader and a POST row exactly for those with an action", () => {
    const mismatches: string[] = [];
    for (const [name, mod] of modules) {
      const row = MATRIX[name];
      if (!row) continue;
      if (typeof mod.loader === "function" !== Boolean(row.get)) mismatches.push(`${name}: loader ${typeof mod.loader}, GET row ${Boolean(row.get)}`);
      if (typeof mod.action === "function" !== Boolean(row.post)) mismatches.push(`${name}: action ${typeof mod.action}, POST row ${Boolean(row.post)}`);
    }
    expect(modules.size).toBe(Object.keys(MATRIX).length);
    expect(mismatches).toEqual([]);
  });
});

// 2. The matrix -----------------------------------------------------------------------------------

describe("access matrix: every route × {anonymous, resident A, resident B} × {GET, POST}", () => {
  for (const [name, row] of Object.entries(MATRIX)) {
    // A module with neither loader nor action (the _espace layout) answers no request.
    if (!row.get && !row.post) continue;
    describe(`${name} (${row.kind})`, () => {
      for (const caller of CALLERS) {
        if (row.get) {
          it(`GET ${row.path} as ${caller}`, async () => {
            const handler = modules.get(name)?.loader;
            expect(handler, `${name} exports a loader`).toBeTypeOf("function");
            const p = await probe(await browserFor(caller), handler!, row.path, { params: row.params }, caller);
            checkCommon(caller, p, row);
            row.get![caller](p);
          });
        }
        if (row.post) {
          it(`POST ${row.path} as ${caller}`, async () => {
            const handler = modules.get(name)?.action;
            expect(handler, `${name} exports an action`).toBeTypeOf("function");
            const browser = await browserFor(caller, row.post!.freshSession);
            const p = await probe(browser, handler!, row.path, { ...row.post!.init, method: "POST", params: row.params }, caller);
            checkCommon(caller, p, row);
            row.post!.expect[caller](p);
          });
        }
      }
    });
  }

  it("logging out ends only the session it is posted from", async () => {
    // The matrix's logout posts came from fresh logins: A's and B's own sessions still open the space.
    expect((await probe(residentA, layout.loader, "/accueil", {}, "residentA")).status).toBe(200);
    expect((await probe(residentB, layout.loader, "/accueil", {}, "residentB")).status).toBe(200);
  });
});

// 3. Objects a resident can learn, tried as the other resident and as a visitor --------------------

const OTHER = { residentA: "residentB", residentB: "residentA" } as const;
const OWNERS = ["residentA", "residentB"] as const;

describe("objects one resident can learn, tried as the other resident and as a visitor", () => {
  it("invoice pages and PDFs (/factures/<id>, /factures/<id>/pdf): the same 404 for the other resident, the login page for a visitor", async () => {
    for (const owner of OWNERS) {
      const ids = learnable[owner].invoices.map((i) => i.id);
      expect(ids.length).toBeGreaterThan(0);
      for (const id of [...ids, ids[0]!.toUpperCase()]) {
        for (const [handler, path] of [[detail.loader, `/factures/${id}`], [pdf.loader, `/factures/${id}/pdf`]] as const) {
          const other = await as(OTHER[owner], handler, path, { params: { id } });
          expect(other.status, describeProbe(other)).toBe(404);
          expect(other.headers.get("content-disposition"), describeProbe(other)).toBeNull();
          toLogin(path)(await as("anonymous", handler, path, { params: { id } }));
        }
      }
      // The owner does open them (the refusals above are about who asks, not about the ids).
      const own = await as(owner, detail.loader, `/factures/${ids[0]}`, { params: { id: ids[0]! } });
      expect(own.status, describeProbe(own)).toBe(200);
      const ownPdf = await as(owner, pdf.loader, `/factures/${ids[0]}/pdf`, { params: { id: ids[0]! } });
      expect(ownPdf.headers.get("content-type"), describeProbe(ownPdf)).toBe("application/pdf");
    }
  });

  it("payment selection, confirmation and start (/paiement?facture=, /paiement/confirmation?facture=, POST /paiement/demarrer) never take the other resident's invoice", async () => {
    for (const owner of OWNERS) {
      const prober = OTHER[owner];
      for (const { id } of learnable[owner].invoices) {
        const chosen = await as(prober, selection.loader, `/paiement?facture=${id}`);
        expect((chosen.data as { selected: string[] }).selected, describeProbe(chosen)).toEqual([]);
        redirectTo(`/paiement?facture=${id}&erreur=not_found`)(await as(prober, confirmation.loader, `/paiement/confirmation?facture=${id}`));
        const started = await as(prober, demarrer.action, "/paiement/demarrer", { form: { facture: id } });
        expect(started.status, describeProbe(started)).toBe(303);
        expect(started.location, describeProbe(started)).toMatch(new RegExp(`^/paiement\\?facture=${id}&erreur=[a-z_]+$`));
        for (const [handler, path, init] of [
          [selection.loader, `/paiement?facture=${id}`, {}],
          [confirmation.loader, `/paiement/confirmation?facture=${id}`, {}],
          [demarrer.action, "/paiement/demarrer", { form: { facture: id } }],
        ] as const) {
          toLogin(path)(await as("anonymous", handler, path, init));
        }
      }
      const ids = learnable[owner].invoices.map((i) => i.id);
      const { rows } = await db.pg.query(
        `select 1 from portal.payment_attempts a join portal.payment_attempt_invoices ai on ai.attempt_id = a.id
         where a.account_id = $1 and ai.invoice_id = any($2::uuid[])`,
        [prober === "residentA" ? A.userId : B.userId, ids],
      );
      expect(rows, `payment attempts of ${prober} on ${owner}'s invoices`).toEqual([]);
    }
  });

  it("the keyset cursor of /factures (apres=<date>.<id>) with the other resident's invoice lists only the caller's own invoices", async () => {
    for (const owner of OWNERS) {
      for (const { id, issuedOn } of learnable[owner].invoices.slice(0, 3)) {
        for (const tab of ["non-reglees", "reglees", "tresorerie"]) {
          const path = `/factures?onglet=${tab}&apres=${issuedOn}.${id}`;
          const page = await as(OTHER[owner], list.loader, path);
          expect(page.status, describeProbe(page)).toBe(200);
          toLogin(path)(await as("anonymous", list.loader, path));
        }
      }
    }
  });

  it("payment attempts in « Mes paiements » and their receipts: never the other resident's (404), the login page for a visitor", async () => {
    for (const owner of OWNERS) {
      // A's history of the seed (supabase/seed.sql) is A's too.
      const ids = [...learnable[owner].attempts.map((a) => a.id), ...(owner === "residentA" ? SEED.demoPaymentAttempts.map((a) => a.id) : [])];
      const own = await as(owner, paymentsList.loader, "/paiements");
      expect((own.data as { payments: { id: string }[] }).payments.map((p) => p.id).sort(), describeProbe(own)).toEqual(ids.sort());
      for (const attempt of ids.map((id) => ({ id }))) {
        const path = `/paiements/${attempt.id}/justificatif.pdf`;
        const other = await as(OTHER[owner], receipt.loader, path, { params: { id: attempt.id } });
        expect(other.status, describeProbe(other)).toBe(404);
        toLogin(path)(await as("anonymous", receipt.loader, path, { params: { id: attempt.id } }));
      }
    }
  });

  it("payment result pages (/paiement/retour?tentative=, ?idop=): « unknown » for the other resident, the login page for a visitor", async () => {
    for (const owner of OWNERS) {
      for (const attempt of learnable[owner].attempts) {
        const paths = [`/paiement/retour?tentative=${attempt.id}`, `/paiement/retour?tentative=${attempt.id.toUpperCase()}`];
        if (attempt.idop) paths.push(`/paiement/retour?idop=${attempt.idop}`, `/paiement/retour?IDOP=${attempt.idop}`);
        for (const path of paths) {
          const page = await as(OTHER[owner], retour.loader, path);
          expect(page.data, describeProbe(page)).toMatchObject({ status: "unknown", amount: null, numbers: [], numauto: null, refreshHref: null });
          toLogin(path)(await as("anonymous", retour.loader, path));
        }
        // Its owner sees it (so "unknown" above is about who asks).
        const own = await as(owner, retour.loader, `/paiement/retour?tentative=${attempt.id}`);
        expect(own.data, describeProbe(own)).toMatchObject({ status: "pending" });
      }
    }
  });

  it("PayFiP's return (POST /paiement/retour-payfip) and notification (/paiement/notification) with another resident's idOp answer no data and change nothing", async () => {
    const attempts = OWNERS.flatMap((owner) => learnable[owner].attempts.filter((a) => a.idop).map((a) => ({ owner, ...a })));
    expect(attempts).toHaveLength(2);
    for (const { owner, id, idop } of attempts) {
      for (const caller of [OTHER[owner], "anonymous"] as const) {
        redirectTo(`/paiement/retour?idop=${idop}`, 303)(await as(caller, payfipReturn.action, "/paiement/retour-payfip", { form: { idop: idop! } }));
        const notified = await as(caller, notification.loader, `/paiement/notification?idop=${idop}`);
        expect([notified.status, notified.body], describeProbe(notified)).toEqual([200, "OK"]);
        const posted = await as(caller, notification.action, "/paiement/notification", { form: { IDOP: idop! } });
        expect([posted.status, posted.body], describeProbe(posted)).toEqual([200, "OK"]);
      }
      expect(await attemptOf(id)).toBe("pending");
    }
  });

  it("the TIPI result URL (/paiement/resultat-tipi/<jeton>) of another resident: no data, nothing paid, the result page says « unknown »", async () => {
    const [token] = learnable.residentB.tipiTokens;
    const attempt = learnable.residentB.attempts.find((a) => a.idop === null)!;
    const forged = { numcli: "004281", exer: "2018", refdet: "DEVINE", montant: "100", resultrans: "P", numauto: "FAUX01", dattrans: "01012026", heurtrans: "1200" };
    for (const caller of ["residentA", "anonymous"] as const) {
      for (const init of [{}, { form: forged }] as ProbeInit[]) {
        const back = await as(caller, init.form ? tipiResult.action : tipiResult.loader, `/paiement/resultat-tipi/${token}`, { ...init, params: { jeton: token! } });
        expect(back.status, describeProbe(back)).toBe(303);
        expect(back.location, describeProbe(back)).toMatch(/^\/paiement\/retour(\?tentative=[0-9a-f-]{36})?$/);
        const landed = await as(caller, retour.loader, back.location!);
        if (caller === "anonymous") toLogin(back.location!)(landed);
        else expect(landed.data, describeProbe(landed)).toMatchObject({ status: "unknown", amount: null });
      }
    }
    expect(await attemptOf(attempt.id)).toBe("pending");
    const { rows } = await db.pg.query<{ status: string }>("select status::text as status from portal.invoices where id = $1", [INVOICE_B_TIPI]);
    expect(rows[0]!.status).toBe("unpaid");
  });

  it("the contact form's service (serviceId): a resident writes only to their own services", async () => {
    // A is a customer of one service: whatever serviceId is posted, the message goes to it.
    const sent = await as("residentA", contact.action, "/contact", { form: { intent: "envoyer", serviceId: SERVICE_TIPI, body: "Question de test." } });
    redirectTo("/contact?envoye=1")(sent);
    const { rows } = await db.pg.query<{ service_id: string }>("select service_id from portal.contact_messages where account_id = $1", [A.userId]);
    expect(rows.map((r) => r.service_id)).toEqual([SEED.serviceId]);
    // B chooses among their three services (all given a contact address here: a service without
    // one receives no messages and is not offered): any other id is refused, nothing stored.
    await db.pg.query("update portal.services set contact_email = 'regie@exemple.fr' where numcli in ('004281', '004282')");
    for (const serviceId of ["5e000000-0000-4000-8000-0000000042ff", "pas-un-service", ""]) {
      const refused = await as("residentB", contact.action, "/contact", { form: { intent: "envoyer", serviceId, body: "Question de test." } });
      expect(refused.status, describeProbe(refused)).toBe(400);
      expect(refused.data, describeProbe(refused)).toMatchObject({ errors: { serviceId: "Choisissez le service auquel vous écrivez." } });
    }
    const fromB = await db.pg.query("select 1 from portal.contact_messages where account_id = $1", [B.userId]);
    expect(fromB.rows).toEqual([]);
    await db.pg.query("update portal.services set contact_email = null where numcli in ('004281', '004282')");
  });
});

// 4. Malformed ids ---------------------------------------------------------------------------------

/** Values that are not ids. UUID-shaped non-UUIDs are apart: see "Holes this suite found". */
const MALFORMED: Record<string, string> = {
  "not a uuid": "pas-un-identifiant",
  "uuid with a non-hex digit": "1a000000-0000-4000-8000-00000000000g",
  huge: "9".repeat(10_000),
  unicode: "ﬁcture-é-😀-\u202e-\u0301-\u4e2d",
  "NUL character": "\u0000",
  "path traversal": "../../../../etc/passwd",
  "encoded traversal": "..%2F..%2Fetc%2Fpasswd",
  backslashes: "..\\..\\windows\\win.ini",
  "SQL quote": "' or '1'='1' --",
  empty: "",
  "uuid then more": `${SEED.invoice2059Id}/../${SEED.invoice2059Id}`,
  "uuid in braces": `{${SEED.invoice2059Id}}`,
};
/** Accepted by the selection's filter (/^[0-9a-f-]{36}$/) but not UUIDs. */
const UUID_SHAPED: Record<string, string> = {
  "36 dashes": "-".repeat(36),
  "36 hex digits": "f".repeat(36),
  "hyphens misplaced": "1a0000000-000-4000-8000-000000000001",
};

const enc = encodeURIComponent;

describe("malformed ids: a refusal, never a throw of a non-Response error nor a 5xx", () => {
  for (const [what, value] of Object.entries({ ...MALFORMED, ...UUID_SHAPED })) {
    it(`${what}`, async () => {
      for (const caller of ["residentA", "residentB"] as const) {
        // Ids in the path: the same 404 as an unknown invoice.
        status(404)(await as(caller, detail.loader, `/factures/${enc(value)}`, { params: { id: value } }));
        status(404)(await as(caller, pdf.loader, `/factures/${enc(value)}/pdf`, { params: { id: value } }));
        // Ids in the query: the page's own refusal.
        for (const path of [`/paiement/retour?tentative=${enc(value)}`, `/paiement/retour?idop=${enc(value)}`]) {
          const page = await as(caller, retour.loader, path);
          expect(page.data, describeProbe(page)).toMatchObject({ status: "unknown" });
        }
        const chosen = await as(caller, selection.loader, `/paiement?facture=${enc(value)}`);
        expect((chosen.data as { selected: string[] }).selected, describeProbe(chosen)).toEqual([]);
        const confirm = await as(caller, confirmation.loader, `/paiement/confirmation?facture=${enc(value)}`);
        expect(confirm.status, describeProbe(confirm)).toBe(302);
        expect(confirm.location, describeProbe(confirm)).toMatch(/^\/paiement\?.*erreur=(empty|not_found)$/);
        const page = await as(caller, list.loader, `/factures?apres=2017-07-10.${enc(value)}`);
        expect(page.data, describeProbe(page)).toMatchObject({ firstPage: true });
      }
      const visitor = await as("anonymous", detail.loader, `/factures/${enc(value)}`, { params: { id: value } });
      expect(visitor.location, describeProbe(visitor)).toBe(loginPathFor(`/factures/${enc(value)}`));
      // Callbacks and dev pages, without a session.
      // PayFiP's return: an idOp of the right shape is looked up at PayFiP, anything else is dropped.
      const back = await as("anonymous", payfipReturn.action, "/paiement/retour-payfip", { form: { idop: value } });
      expect(back.status, describeProbe(back)).toBe(303);
      expect(back.location, describeProbe(back)).toMatch(/^\/paiement\/retour(\?idop=[A-Za-z0-9-]{1,64})?$/);
      // PayFiP's notification: 400 unless the idOp has its shape; an unknown idOp changes nothing.
      const idopShaped = /^[A-Za-z0-9-]{1,64}$/.test(value);
      status(idopShaped ? 200 : 400)(await as("anonymous", notification.loader, `/paiement/notification?idop=${enc(value)}`));
      status(idopShaped ? 200 : 400)(await as("anonymous", notification.action, "/paiement/notification", { form: { idop: value } }));
      redirectTo("/paiement/retour", 303)(await as("anonymous", tipiResult.loader, `/paiement/resultat-tipi/${enc(value)}`, { params: { jeton: value } }));
      redirectTo("/paiement/retour", 303)(await as("anonymous", tipiResult.action, `/paiement/resultat-tipi/${enc(value)}`, { form: {}, params: { jeton: value } }));
      // A link that does not have a token's shape is refused on GET; one that has it shows the
      // button, and the POST refuses it.
      const shown = await as("anonymous", confirmLink.loader, `/auth/confirm?type=recovery&token_hash=${enc(value)}`);
      if (shown.status === 200) {
        expect(shown.data, describeProbe(shown)).toMatchObject({ link: { token_hash: value } });
        status(400)(await as("anonymous", confirmLink.action, "/auth/confirm", { form: { type: "recovery", token_hash: value } }));
      } else status(400)(shown);
      const sim = await as("anonymous", payfipPage.loader, `${payfipPath}?idop=${enc(value)}`);
      expect(sim.data, describeProbe(sim)).toMatchObject({ found: false });
      const tipiSim = await as("anonymous", tipiPage.loader, `${tipiPath}?session=${enc(value)}`);
      expect(tipiSim.data, describeProbe(tipiSim)).toMatchObject({ found: false });
    });
  }

  it("POST /paiement/demarrer with a malformed invoice id goes back to the selection", async () => {
    for (const [what, value] of Object.entries(MALFORMED)) {
      const started = await as("residentA", demarrer.action, "/paiement/demarrer", { form: { facture: value } });
      // A control character in any field refuses the whole form (app/.server/form.ts readForm).
      if (value === "\u0000") {
        status(400, contains("caractère invisible non autorisé"))(started);
        continue;
      }
      expect(started.status, `${what}: ${describeProbe(started)}`).toBe(303);
      expect(started.location, `${what}: ${describeProbe(started)}`).toMatch(/^\/paiement\?(.*&)?erreur=[a-z_]+$/);
    }
  });

  it("a TIPI result with malformed references (refdet, montant, dates) is refused, nothing paid", async () => {
    const [token] = learnable.residentB.tipiTokens;
    for (const [what, value] of Object.entries(MALFORMED)) {
      const form = { numcli: value, refdet: value, montant: value, resultrans: value, dattrans: value, heurtrans: value, numauto: value };
      const back = await as("anonymous", tipiResult.action, `/paiement/resultat-tipi/${token}`, { form, params: { jeton: token! } });
      expect(back.status, `${what}: ${describeProbe(back)}`).toBe(303);
    }
    const attempt = learnable.residentB.attempts.find((a) => a.idop === null)!;
    expect(await attemptOf(attempt.id)).toBe("pending");
  });
});

// 5. Dev-only routes and job endpoints ------------------------------------------------------------

describe("dev-only routes are the embedded default's", () => {
  it("with the Supabase backend, /dev/courriels and every simulateur-dgfip page are 404", async () => {
    await outboxIdle(); // nothing of the embedded default still running while the backend is swapped
    const supabase = await createSupabaseBackend(testEnv());
    useBackend(supabase);
    expect(await getEmbeddedExtras()).toBeNull();
    try {
      const idop = learnable.residentA.attempts[0]!.idop!;
      const probes: [Handler, string, ProbeInit][] = [
        [courriels.loader, "/dev/courriels", {}],
        [payfipPage.loader, `${payfipPath}?idop=${idop}`, {}],
        [payfipPage.action, payfipPath, { form: { idop, decision: "P" } }],
        [tipiPage.loader, `${tipiPath}?numcli=004281`, {}],
        [tipiPage.action, tipiPath, { form: { numcli: "004281" } }],
        [soapEndpoint.loader, soapPath, {}],
        [soapEndpoint.action, soapPath, { body: "<soap/>", contentType: "text/xml" }],
      ];
      for (const [handler, path, init] of probes) {
        for (const caller of CALLERS) status(404)(await probe(await browserFor(caller), handler, path, init, caller));
      }
    } finally {
      useBackend(backend);
    }
    // Back on the embedded default, the same pages answer (the 404s above are the backend's doing).
    ok('"emails":')(await as("anonymous", courriels.loader, "/dev/courriels", {}, MATRIX["dev.courriels"]));
    status(405)(await as("anonymous", soapEndpoint.loader, soapPath));
  });
});

describe("job endpoints (taches.*) refuse without their bearer secret", () => {
  const jobs = [
    { name: "taches.envoi-courriels", handler: outboxJob.action, path: "/taches/envoi-courriels", secret: OUTBOX_SECRET, other: PAYMENTS_SECRET },
    { name: "taches.rapprochement-paiements", handler: reconcileJob.action, path: "/taches/rapprochement-paiements", secret: PAYMENTS_SECRET, other: OUTBOX_SECRET },
    { name: "taches.purge", handler: purgeJob.action, path: "/taches/purge", secret: RETENTION_SECRET, other: OUTBOX_SECRET },
    { name: "taches.rappels", handler: remindersJob.action, path: "/taches/rappels", secret: REMINDERS_SECRET, other: RETENTION_SECRET },
  ];
  for (const job of jobs) {
    it(`${job.path}: 401 without, with a wrong or another job's secret, or with a session; 200 with its own`, async () => {
      const refusals: Record<string, string>[] = [
        {},
        { authorization: "Bearer" },
        { authorization: `Bearer ${job.secret}x` },
        { authorization: `Bearer ${job.secret.slice(0, -1)}` },
        { authorization: `Basic ${Buffer.from(`cron:${job.secret}`).toString("base64")}` },
        { authorization: `Bearer ${job.other}` },
        { authorization: job.secret },
      ];
      for (const headers of refusals) {
        for (const caller of CALLERS) {
          const p = await as(caller, job.handler, job.path, { form: {}, headers });
          expect([p.status, p.headers.get("www-authenticate")], describeProbe(p)).toEqual([401, "Bearer"]);
        }
      }
      const run = await as("anonymous", job.handler, job.path, { form: {}, headers: { authorization: `Bearer ${job.secret}` } });
      expect(run.status, describeProbe(run)).toBe(200);
      expect(run.headers.get("cache-control")).toBe("no-store");
    });
  }
});

// 6. Holes ----------------------------------------------------------------------------------------

/**
 * Safe behaviour this suite expects and the portal does not give yet. Each test fails until the
 * route is fixed; the description says what happens instead.
 */
describe("Holes this suite found, fixed (regression tests)", () => {
  it("POST /paiement/demarrer with a UUID-shaped id that is not a UUID (e.g. 36 dashes) goes back to the selection instead of throwing (was: SQL 22P02 thrown, HTTP 500)", async () => {
    for (const [what, value] of Object.entries(UUID_SHAPED)) {
      const started = await probe(residentA, demarrer.action, "/paiement/demarrer", { form: { facture: value } }, "residentA");
      expect(started.threw, `${what}: ${describeProbe(started)}`).toBeUndefined();
      expect(started.status, `${what}: ${describeProbe(started)}`).toBe(303);
      expect(started.location, `${what}: ${describeProbe(started)}`).toMatch(/^\/paiement\?(.*&)?erreur=[a-z_]+$/);
    }
  });

  it("the public TIPI result URL answers a field containing a NUL character with its redirect instead of throwing (was: PostgreSQL encoding error thrown, HTTP 500, no session needed)", async () => {
    const cases: [string, ProbeInit & { path: string; handler: Handler }][] = [
      ["NUL in a form value", { handler: tipiResult.action, path: `/paiement/resultat-tipi/${NO_TOKEN}`, form: { refdet: "A\u0000B", montant: "100" } }],
      ["NUL in a form field name", { handler: tipiResult.action, path: `/paiement/resultat-tipi/${NO_TOKEN}`, form: { "refdet\u0000": "A" } }],
      ["NUL in the query string", { handler: tipiResult.loader, path: `/paiement/resultat-tipi/${NO_TOKEN}?refdet=%00`, method: "GET" }],
    ];
    for (const [what, { handler, path, ...init }] of cases) {
      const p = await probe(anonymousBrowser(), handler, path, { ...init, params: { jeton: NO_TOKEN } }, "anonymous");
      expect(p.threw, `${what}: ${describeProbe(p)}`).toBeUndefined();
      expect({ status: p.status, location: p.location }, `${what}: ${describeProbe(p)}`).toEqual({ status: 303, location: "/paiement/retour" });
    }
  });

  it("POST /nouveau-mot-de-passe from a session opened by a password login cannot set a new password without the current one (was: saved, the old password stopped working)", async () => {
    // A throwaway resident, so that A's and B's passwords stay whatever happens.
    const email = "session-volee@exemple.fr";
    await createAuthUser(db, email, "Ancien-mot-de-passe-1");
    const browser = await signIn({ email, password: "Ancien-mot-de-passe-1" }, "2001:db8:c::1");
    const p = await probe(browser, newPassword.action, "/nouveau-mot-de-passe", { form: { password: "Nouveau-mot-de-passe-2" } }, "password session");
    expectAnswered(p);
    expect((p.data as { saved?: boolean } | undefined)?.saved, describeProbe(p)).not.toBe(true);
    const old = new Browser();
    old.ip = "2001:db8:c::2";
    const again = await old.call(login.action, "/connexion", { email, password: "Ancien-mot-de-passe-1" });
    expect(again.status, "the old password still opens the account").toBe(302);
  });
});
