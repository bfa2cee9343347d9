import { http, HttpResponse } from "msw";
import { describe, expect, it } from "vitest";
import * as accueil from "~/routes/_espace.accueil/route";
import * as contact from "~/routes/_espace.contact/route";
import * as factures from "~/routes/_espace.factures/route";
import * as facture from "~/routes/_espace.factures_.$id/route";
import * as infos from "~/routes/_espace.mes-informations/route";
import * as adresse from "~/routes/_espace.mes-informations_.adresse-mail/route";
import * as motDePasse from "~/routes/_espace.mes-informations_.mot-de-passe/route";
import * as papier from "~/routes/_espace.mes-informations_.papier/route";
import * as paiement from "~/routes/_espace.paiement/route";
import * as confirmation from "~/routes/_espace.paiement_.confirmation/route";
import * as retour from "~/routes/_espace.paiement_.retour/route";
import * as pdf from "~/routes/factures.$id.pdf/route";
import { DEMO_USER, FRAME, type Loader, loggedOut, rpcAnswer, runLoader, sessionEnded, signedInUser, useSupabasePages } from "../support/supabase-pages";
import { AUTH_COOKIE, SUPABASE_URL } from "./msw-supabase";

/**
 * One page, one call, with the Supabase backend (docs/performance.md, "One page, one call"):
 * every page loader behind login makes exactly one PostgREST request (`/rest/v1/`: its
 * public.*_page() function; Auth's own calls are counted elsewhere), and when that request
 * answers 401 PT401 (portal.require_live_session: the session ended) the loader ends the session
 * (its cookies cleared) and sends the resident to the login page, which comes back here.
 */
const { server, rest } = useSupabasePages();

const EMAIL = DEMO_USER.email;
const frame = FRAME;
const INVOICE_ID = "1a000000-0000-4000-8000-000000000001";
const ATTEMPT_ID = "a7000000-0000-4000-8000-000000000001";

const invoiceRow = {
  id: INVOICE_ID,
  number: "2017-020-002059",
  issued_on: "2017-07-10",
  due_on: "2017-07-21",
  amount_cents: 24311,
  object: "Multi Services",
  status: "unpaid",
  customer_id: "c0000000-0000-4000-8000-000000000001",
  customer_number: "SISTEC560",
  customer_name: "Test SISTEC560",
  service_name: "Service Multi Services de démonstration",
};
const payable = {
  id: INVOICE_ID,
  number: "2017-020-002059",
  issued_on: "2017-07-10",
  due_on: "2017-07-21",
  amount_cents: 24311,
  object: "Multi Services",
  status: "unpaid",
  service_id: "5e000000-0000-4000-8000-000000004200",
  service_name: "Service Multi Services de démonstration",
  numcli: "004200",
  payment_provider: "payfip_ws",
  allow_multiple_invoices: true,
  block: null,
};

/** What each page function answers, as PostgREST serialises it. */
const PAGES: Record<string, Record<string, unknown>> = {
  home_page: {
    frame,
    announcement: "Coupure d'eau lundi.",
    welcome_message: "Bienvenue.",
    due: {
      services: [
        {
          numcli: "004200",
          service_name: payable.service_name,
          allow_multiple_invoices: true,
          payment_suspended: false,
          invoice_count: 1,
          total_cents: 24311,
          next_due_on: "2017-07-21",
        },
      ],
      treasury_count: 0,
    },
  },
  invoices_page: { frame, invoices: [invoiceRow], counts: { unpaid: 1, paid: 4, treasury: 1 }, customer_count: 1 },
  invoice_page: {
    frame,
    invoice: { ...invoiceRow, paid_at: null, service_id: payable.service_id, payment_suspended: false, has_pdf: true },
    payment: { block: null, retry_after: null, attempt_id: null },
  },
  info_page: {
    frame,
    customers: [
      {
        customer_id: invoiceRow.customer_id,
        customer_number: "SISTEC560",
        display_name: "Test SISTEC560",
        email: EMAIL,
        paper_invoices: true,
        service_id: payable.service_id,
        service_name: payable.service_name,
      },
    ],
    paper: [{ customer_id: invoiceRow.customer_id, customer_number: "SISTEC560", service_name: payable.service_name, paper_invoices: true, requested_at: null }],
  },
  contact_page: { frame, services: [{ service_id: payable.service_id, service_name: payable.service_name, general_info: "Tél.", accepts_messages: true }] },
  payment_page: { frame, invoices: [payable] },
  payment_return_page: {
    frame,
    attempt: {
      id: ATTEMPT_ID,
      status: "paid",
      provider: "payfip_ws",
      numcli: "004200",
      refdet: "2017020002059P000001",
      idop: "I1",
      amount_cents: 24311,
      invoice_ids: [INVOICE_ID],
      invoice_numbers: ["2017-020-002059"],
      numauto: "N1",
      transaction_at: "2026-11-30T10:11:00+00:00",
      created_at: "2026-11-30T10:00:00+00:00",
      expires_at: "2026-11-30T10:20:00+00:00",
    },
  },
  frame_page: { frame },
};

/** Every page behind login: its loader, its URL, its params, and the one function it calls. */
const PAGE_LOADERS: { name: string; loader: Loader; path: string; params?: Record<string, string>; fn: string }[] = [
  { name: "/accueil", loader: accueil.loader, path: "/accueil", fn: "home_page" },
  { name: "/factures", loader: factures.loader, path: "/factures?onglet=non-reglees", fn: "invoices_page" },
  { name: "/factures/:id", loader: facture.loader, path: `/factures/${INVOICE_ID}`, params: { id: INVOICE_ID }, fn: "invoice_page" },
  { name: "/mes-informations", loader: infos.loader, path: "/mes-informations", fn: "info_page" },
  { name: "/mes-informations/papier", loader: papier.loader, path: "/mes-informations/papier", fn: "info_page" },
  { name: "/mes-informations/adresse-mail", loader: adresse.loader, path: "/mes-informations/adresse-mail", fn: "frame_page" },
  { name: "/mes-informations/mot-de-passe", loader: motDePasse.loader, path: "/mes-informations/mot-de-passe", fn: "frame_page" },
  { name: "/contact", loader: contact.loader, path: "/contact", fn: "contact_page" },
  { name: "/paiement", loader: paiement.loader, path: `/paiement?facture=${INVOICE_ID}`, fn: "payment_page" },
  { name: "/paiement?service=", loader: paiement.loader, path: "/paiement?service=004200", fn: "payment_page" },
  { name: "/paiement/confirmation", loader: confirmation.loader, path: `/paiement/confirmation?facture=${INVOICE_ID}`, fn: "payment_page" },
  { name: "/paiement/retour", loader: retour.loader, path: `/paiement/retour?tentative=${ATTEMPT_ID}`, fn: "payment_return_page" },
];

const pages = () => Object.entries(PAGES).map(([fn, body]) => rpcAnswer(fn, body));
const allSessionEnded = () => Object.keys(PAGES).map((fn) => sessionEnded(fn));


describe("with the Supabase backend, every page behind login makes exactly one PostgREST request", () => {
  for (const page of PAGE_LOADERS) {
    it(`${page.name}: one request, to ${page.fn}, and the layout's frame in its data`, async () => {
      server.use(signedInUser(), ...pages());
      const result = await runLoader(page.loader, page.path, page.params);
      expect(result.status, page.name).toBe(200);
      expect(rest.map((r) => r.path)).toEqual([`/rest/v1/rpc/${page.fn}`]);
      expect(result.data).toMatchObject({ frame: { portalName: "Le Portail des Factures", displayName: "Test SISTEC560" } });
    });
  }

  it("the PDF route: one request for the key (then Storage)", async () => {
    server.use(
      signedInUser(),
      http.post(`${SUPABASE_URL}/rest/v1/rpc/my_invoice_pdf_key`, () => HttpResponse.json([{ number: "2017-020-002059", object_key: "004200/2017-020-002059.pdf" }])),
      http.get(`${SUPABASE_URL}/storage/v1/object/invoices/004200/2017-020-002059.pdf`, () =>
        new HttpResponse(new Uint8Array([37, 80, 68, 70]), { headers: { "Content-Type": "application/pdf" } }),
      ),
    );
    const result = await runLoader(pdf.loader as Loader, `/factures/${INVOICE_ID}/pdf`, { id: INVOICE_ID });
    expect(result.status).toBe(200);
    expect(rest.map((r) => r.path)).toEqual(["/rest/v1/rpc/my_invoice_pdf_key"]);
  });
});

describe("a 401 PT401 (the session ended): the session is ended and the resident sent to the login page", () => {
  for (const page of PAGE_LOADERS) {
    it(`${page.name}`, async () => {
      server.use(signedInUser(), loggedOut(), ...allSessionEnded());
      const result = await runLoader(page.loader, page.path, page.params);
      expect(result.status).toBe(302);
      const back = page.path === "/accueil" ? "/connexion" : `/connexion?redirectTo=${encodeURIComponent(page.path)}`;
      expect(result).toRedirectTo(back);
      // The session cookie is cleared: /connexion then sees no user (no loop).
      const cleared = result.headers.getSetCookie().filter((c) => c.startsWith(`${AUTH_COOKIE}=`));
      expect(cleared.length).toBeGreaterThan(0);
      expect(cleared.every((c) => /max-age=0/i.test(c))).toBe(true);
    });
  }

  it("the PDF route too", async () => {
    server.use(
      signedInUser(),
      loggedOut(),
      sessionEnded("my_invoice_pdf_key"),
    );
    const result = await runLoader(pdf.loader as Loader, `/factures/${INVOICE_ID}/pdf`, { id: INVOICE_ID });
    expect(result).toRedirectTo(`/connexion?redirectTo=${encodeURIComponent(`/factures/${INVOICE_ID}/pdf`)}`, { status: 302 });
    expect(result.headers.getSetCookie().some((c) => c.startsWith(`${AUTH_COOKIE}=`) && /max-age=0/i.test(c))).toBe(true);
  });
});
