import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { http } from "msw";
import { setupServer } from "msw/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "~/.server/embedded/database";
import { outboxIdle } from "~/.server/outbox";
import * as accueil from "~/routes/_espace.accueil/route";
import * as contact from "~/routes/_espace.contact/route";
import * as emailChange from "~/routes/_espace.mes-informations_.adresse-mail/route";
import * as passwordChange from "~/routes/_espace.mes-informations_.mot-de-passe/route";
import * as closure from "~/routes/_espace.mes-informations_.fermer-mon-compte/route";
import * as paper from "~/routes/_espace.mes-informations_.papier/route";
import * as demarrer from "~/routes/_espace.paiement_.demarrer/route";
import * as activation from "~/routes/activation/route";
import * as confirmLink from "~/routes/auth.confirm/route";
import * as login from "~/routes/connexion/route";
import { LoginSchema } from "~/routes/connexion/schema";
import * as forgotten from "~/routes/mot-de-passe-oublie/route";
import * as publicContact from "~/routes/nous-contacter/route";
import * as newPassword from "~/routes/nouveau-mot-de-passe/route";
import * as notification from "~/routes/paiement.notification/route";
import * as payfipReturn from "~/routes/paiement.retour-payfip/route";
import * as tipiResult from "~/routes/paiement.resultat-tipi.$jeton/route";
import * as tipiPage from "~/routes/simulateur-dgfip.tpa.paiement[.]web/route";
import * as payfipPage from "~/routes/simulateur-dgfip.tpa.paiementws[.]web/route";
import * as soapEndpoint from "~/routes/simulateur-dgfip.tpa.services.securite/route";
import { ContactSchema, PublicContactSchema } from "~/.server/contact-form";
import { emailField } from "~/utils/email-schema";
import { newPasswordSchema } from "~/utils/password-policy";
import { Browser, followLink, lastEmailTo, ORIGIN, startPortal } from "../support/route-harness";
import { describeProbe, type Handler, type Probe } from "./matrix-helpers";

/**
 * What a form action does with a body that is not a form, or with control characters
 * (docs/decisions/0003-security-headers-and-origin-check.md, "Form bodies"; app/.server/form.ts):
 * a 400 with a French message, never a 5xx, nothing written; free text (contact messages) is
 * refused by its schema beside the field, with the text kept. The size cap is the servers'
 * (tests/server/security.test.ts, tests/server/built-server.test.ts).
 */
const UNREADABLE = "Le formulaire envoyé est illisible. Rechargez la page et recommencez.";
const CONTROL = "caractère invisible non autorisé";
const NO_TOKEN = "0".repeat(64);

// The portal's own server-to-server call (PayFiP SOAP) goes to the simulator's route module.
const server = setupServer(
  http.post(`${ORIGIN}/simulateur-dgfip/tpa/services/securite`, ({ request }) => soapEndpoint.action({ request, params: {}, context: {} }) as Promise<Response>),
);

let db: Database;
let resident: Browser;
let linkSession: Browser;
let ips = 0;

function browserFrom(): Browser {
  const browser = new Browser();
  browser.ip = `2001:db8:f0f::${(++ips).toString(16)}`;
  return browser;
}

beforeAll(async () => {
  server.listen({ onUnhandledRequest: "error" });
  ({ db } = await startPortal());
  resident = browserFrom();
  expect((await resident.call(login.action, "/connexion", { email: "demo@demo.fr", password: "demo-factures" })).status).toBe(302);
  // A session opened by a recovery link: the only one /nouveau-mot-de-passe reads a form for.
  linkSession = browserFrom();
  await linkSession.call(forgotten.action, "/mot-de-passe-oublie", { email: "paiement@demo.fr" });
  const email = await lastEmailTo(db, "paiement@demo.fr");
  expect(await followLink(linkSession, email!.path!)).toRedirectTo("/nouveau-mot-de-passe");
});
afterAll(async () => {
  server.close();
  await outboxIdle();
  await db?.close();
});

/** Calls an action with a raw body, as the server would hand it over; a thrown Response is the answer. */
async function post(browser: Browser, handler: Handler, path: string, body: string | null, contentType: string | null, params: Record<string, string> = {}): Promise<Probe> {
  const headers = new Headers({ cookie: browser.cookieHeader(), "x-client-ip": browser.ip, origin: ORIGIN });
  if (contentType !== null) headers.set("content-type", contentType);
  // A Blob without a type, so that fetch adds no Content-Type of its own.
  const request = new Request(`${ORIGIN}${path}`, { method: "POST", headers, body: body === null ? null : new Blob([body]) });
  const label = `POST ${path} (${contentType ?? "no Content-Type"})`;
  let result: unknown;
  try {
    result = await handler({ request, params, context: {} });
  } catch (thrown) {
    if (!(thrown instanceof Response) && !(typeof thrown === "object" && thrown !== null && "init" in thrown)) {
      return { label, status: 500, location: null, headers: new Headers(), data: undefined, body: String(thrown), threw: thrown };
    }
    result = thrown;
  }
  if (result instanceof Response) {
    const text = await result.text();
    return { label, status: result.status, location: result.headers.get("location"), headers: result.headers, data: text, body: text, threw: undefined };
  }
  const withInit = result as { data?: unknown; init?: ResponseInit | null };
  const status = withInit.init?.status ?? 200;
  return { label, status, location: null, headers: new Headers(withInit.init?.headers), data: withInit.data, body: JSON.stringify(withInit.data) ?? "", threw: undefined };
}

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
const URLENCODED = "application/x-www-form-urlencoded";

type Who = "anonymous" | "resident" | "link";
interface FormAction {
  route: string;
  handler: Handler;
  path: string;
  who: Who;
  /** A field this form really has, used to carry the control character. */
  field: string;
}

/** Every action of app/routes/ that reads a form (deconnexion and the taches.* jobs read no body). */
const FORM_ACTIONS: FormAction[] = [
  { route: "connexion", handler: login.action, path: "/connexion", who: "anonymous", field: "password" },
  { route: "activation", handler: activation.action, path: "/activation", who: "anonymous", field: "email" },
  { route: "mot-de-passe-oublie", handler: forgotten.action, path: "/mot-de-passe-oublie", who: "anonymous", field: "email" },
  { route: "nous-contacter", handler: publicContact.action, path: "/nous-contacter", who: "anonymous", field: "serviceId" },
  { route: "auth.confirm", handler: confirmLink.action, path: "/auth/confirm", who: "anonymous", field: "token_hash" },
  { route: "nouveau-mot-de-passe", handler: newPassword.action, path: "/nouveau-mot-de-passe", who: "link", field: "password" },
  { route: "_espace.accueil", handler: accueil.action, path: "/accueil", who: "resident", field: "intent" },
  { route: "_espace.contact", handler: contact.action, path: "/contact", who: "resident", field: "serviceId" },
  { route: "_espace.mes-informations_.adresse-mail", handler: emailChange.action, path: "/mes-informations/adresse-mail", who: "resident", field: "email" },
  { route: "_espace.mes-informations_.mot-de-passe", handler: passwordChange.action, path: "/mes-informations/mot-de-passe", who: "resident", field: "currentPassword" },
  { route: "_espace.mes-informations_.fermer-mon-compte", handler: closure.action, path: "/mes-informations/fermer-mon-compte", who: "resident", field: "currentPassword" },
  { route: "_espace.mes-informations_.papier", handler: paper.action, path: "/mes-informations/papier", who: "resident", field: "intent" },
  { route: "_espace.paiement_.demarrer", handler: demarrer.action, path: "/paiement/demarrer", who: "resident", field: "facture" },
  { route: "simulateur-dgfip.tpa.paiement[.]web", handler: tipiPage.action, path: "/simulateur-dgfip/tpa/paiement.web", who: "anonymous", field: "numcli" },
  { route: "simulateur-dgfip.tpa.paiementws[.]web", handler: payfipPage.action, path: "/simulateur-dgfip/tpa/paiementws.web", who: "anonymous", field: "idop" },
];

const browserFor = (who: Who) => (who === "resident" ? resident : who === "link" ? linkSession : browserFrom());

const multipart = (boundary: string, parts: string) => ({ body: parts.replaceAll("\n", "\r\n"), contentType: `multipart/form-data; boundary=${boundary}` });

/** Bodies that are not a readable form of text fields. */
const NOT_A_FORM: [string, { body: string; contentType: string | null }][] = [
  ["JSON", { body: JSON.stringify({ email: "demo@demo.fr", password: "demo-factures", intent: "confirmer" }), contentType: "application/json" }],
  ["text/plain", { body: "email=demo%40demo.fr&intent=confirmer", contentType: "text/plain;charset=UTF-8" }],
  ["no Content-Type", { body: "email=demo%40demo.fr&intent=confirmer", contentType: null }],
  ["XML", { body: "<email>demo@demo.fr</email>", contentType: "text/xml" }],
  ["multipart without a boundary", { body: "email=demo%40demo.fr", contentType: "multipart/form-data" }],
  ["broken multipart (never closed)", multipart("XyZ", '--XyZ\nContent-Disposition: form-data; name="email"\n\ndemo@demo.fr\n')],
  ["broken multipart (garbage)", multipart("XyZ", "ceci n'est pas un formulaire")],
  ["multipart with a file", multipart("XyZ", '--XyZ\nContent-Disposition: form-data; name="email"; filename="a.txt"\nContent-Type: text/plain\n\ndemo@demo.fr\n--XyZ--\n')],
];

describe("a body that is not a form: 400 with a French message, never a 5xx", () => {
  for (const action of FORM_ACTIONS) {
    it(`${action.route}`, async () => {
      for (const [what, { body, contentType }] of NOT_A_FORM) {
        const p = await post(browserFor(action.who), action.handler, action.path, body, contentType);
        expect(p.threw, `${what}: ${describeProbe(p)}`).toBeUndefined();
        expect([p.status, p.body], `${what}: ${describeProbe(p)}`).toEqual([400, UNREADABLE]);
      }
    });
  }

  it("the same forms, as forms (urlencoded and multipart), are read as before", async () => {
    const asForm = await post(resident, paper.action, "/mes-informations/papier", form({ intent: "annuler" }), URLENCODED);
    expect([asForm.status, asForm.location], describeProbe(asForm)).toEqual([302, "/mes-informations"]);
    const { body, contentType } = multipart("XyZ", '--XyZ\nContent-Disposition: form-data; name="intent"\n\nannuler\n--XyZ--\n');
    const asMultipart = await post(resident, paper.action, "/mes-informations/papier", body, contentType);
    expect([asMultipart.status, asMultipart.location], describeProbe(asMultipart)).toEqual([302, "/mes-informations"]);
    const withCharset = await post(browserFrom(), login.action, "/connexion", form({ email: "", password: "" }), `${URLENCODED}; charset=UTF-8`);
    expect(withCharset.status, describeProbe(withCharset)).toBe(400);
    expect(withCharset.data, describeProbe(withCharset)).toMatchObject({ errors: { email: "Saisissez votre adresse mail." } });
  });
});

describe("PayFiP/TIPI callbacks keep their contract (parameters may come in the query string), but a body must be a form", () => {
  const CALLBACKS: [string, Handler, string, Record<string, string>][] = [
    ["PayFiP's notification", notification.action, "/paiement/notification", {}],
    ["PayFiP's browser return", payfipReturn.action, "/paiement/retour-payfip", {}],
    ["TIPI's result", tipiResult.action, `/paiement/resultat-tipi/${NO_TOKEN}`, { jeton: NO_TOKEN }],
  ];

  it("a body that is not a form: 400 with the French message", async () => {
    for (const [name, handler, path, params] of CALLBACKS) {
      for (const [what, { body, contentType }] of NOT_A_FORM) {
        const p = await post(browserFrom(), handler, `${path}?idop=inconnu`, body, contentType, params);
        expect([p.status, p.body], `${name}, ${what}: ${describeProbe(p)}`).toEqual([400, UNREADABLE]);
      }
    }
  });

  it("an empty body, with or without Content-Type, leaves the query string to speak", async () => {
    for (const contentType of [null, "text/plain", URLENCODED, "application/json"]) {
      const notified = await post(browserFrom(), notification.action, "/paiement/notification?IDOP=inconnu", null, contentType);
      expect([notified.status, notified.body], describeProbe(notified)).toEqual([200, "OK"]);
      const back = await post(browserFrom(), payfipReturn.action, "/paiement/retour-payfip?idop=inconnu", null, contentType);
      expect([back.status, back.location], describeProbe(back)).toEqual([303, "/paiement/retour?idop=inconnu"]);
      const tipi = await post(browserFrom(), tipiResult.action, `/paiement/resultat-tipi/${NO_TOKEN}?refdet=X`, null, contentType, { jeton: NO_TOKEN });
      expect([tipi.status, tipi.location], describeProbe(tipi)).toEqual([303, "/paiement/retour"]);
    }
  });

  it("a form body is read, in any case of field name, as before", async () => {
    const notified = await post(browserFrom(), notification.action, "/paiement/notification", form({ IDOP: "inconnu" }), URLENCODED);
    expect([notified.status, notified.body], describeProbe(notified)).toEqual([200, "OK"]);
    const back = await post(browserFrom(), payfipReturn.action, "/paiement/retour-payfip", form({ idop: "inconnu" }), URLENCODED);
    expect([back.status, back.location], describeProbe(back)).toEqual([303, "/paiement/retour?idop=inconnu"]);
    // A control character is the route's to judge (an idop has a fixed shape; a TIPI pair carrying one is dropped).
    const nul = await post(browserFrom(), payfipReturn.action, "/paiement/retour-payfip", form({ idop: "a\u0000b" }), URLENCODED);
    expect([nul.status, nul.location], describeProbe(nul)).toEqual([303, "/paiement/retour"]);
  });
});

describe("control characters: refused with a French message, never sent to PostgreSQL", () => {
  const FORBIDDEN = ["\u0000", "\u0001", "\u0008", "\u000b", "\u000c", "\u001b", "\u001f", "\u007f"];

  for (const action of FORM_ACTIONS) {
    it(`${action.route}: in ${action.field} (or in a field name), the whole form is refused with a 400`, async () => {
      for (const c of FORBIDDEN) {
        const inValue = await post(browserFor(action.who), action.handler, action.path, form({ [action.field]: `a${c}b` }), URLENCODED);
        expect(inValue.threw, describeProbe(inValue)).toBeUndefined();
        expect([inValue.status, inValue.body.includes(CONTROL)], `U+${c.charCodeAt(0).toString(16)}: ${describeProbe(inValue)}`).toEqual([400, true]);
      }
      const inName = await post(browserFor(action.who), action.handler, action.path, form({ [`${action.field}\u0000`]: "a" }), URLENCODED);
      expect([inName.status, inName.body.includes(CONTROL)], describeProbe(inName)).toEqual([400, true]);
    });
  }

  const messages = async () => (await db.pg.query<{ n: number }>("select count(*)::int as n from portal.contact_messages")).rows[0]!.n;

  it("« Contacter le service »: a NUL in the message is shown beside the field, the text kept, nothing stored (was: 503)", async () => {
    const before = await messages();
    const typed = "Bonjour,\u0000 voici ma question.";
    const p = await post(resident, contact.action, "/contact", form({ intent: "envoyer", subject: "Question", body: typed }), URLENCODED);
    expect(p.status, describeProbe(p)).toBe(400);
    expect(p.data, describeProbe(p)).toMatchObject({ errors: { body: expect.stringContaining(CONTROL) }, values: { body: typed, subject: "Question" } });
    const tabInSubject = await post(resident, contact.action, "/contact", form({ intent: "envoyer", subject: "Objet\tavec tabulation", body: "Texte." }), URLENCODED);
    expect(tabInSubject.data, describeProbe(tabInSubject)).toMatchObject({ errors: { subject: expect.stringContaining(CONTROL) } });
    expect(await messages()).toBe(before);
  });

  it("« Nous contacter »: the same for the name, the customer number, the subject and the message", async () => {
    const before = await messages();
    const base = { intent: "envoyer", email: "visiteur@exemple.fr", name: "Nom", customerNumber: "123", subject: "Objet", body: "Texte." };
    for (const [field, value] of [["name", "Jean\u0007"], ["customerNumber", "12\u00003"], ["subject", "Objet\u001b"], ["body", "Texte\u0000."]] as const) {
      const p = await post(browserFrom(), publicContact.action, "/nous-contacter", form({ ...base, [field]: value }), URLENCODED);
      expect(p.status, describeProbe(p)).toBe(400);
      expect((p.data as { errors: Record<string, string> }).errors[field], describeProbe(p)).toContain(CONTROL);
      expect((p.data as { values: Record<string, string> }).values[field], describeProbe(p)).toBe(value);
    }
    expect(await messages()).toBe(before);
  });

  it("tab and line breaks stay ordinary in a message", async () => {
    const before = await messages();
    const p = await post(resident, contact.action, "/contact", form({ intent: "envoyer", subject: "Relevé", body: "Compteur :\tligne 1\r\nligne 2\nligne 3" }), URLENCODED);
    expect([p.status, p.location], describeProbe(p)).toEqual([302, "/contact?envoye=1"]);
    expect(await messages()).toBe(before + 1);
  });
});

describe("the shared schemas refuse control characters themselves (whoever calls them)", () => {
  const firstMessage = (result: { success: boolean; error?: { issues: { message: string }[] } }) => result.error?.issues[0]?.message ?? "";

  it("e-mail, contact, login and new-password schemas", () => {
    for (const email of ["demo\u0000@demo.fr", "demo@demo.fr\u0000", "de\tmo@demo.fr", "demo@de\u0007mo.fr"]) {
      expect(firstMessage(emailField.safeParse(email)), JSON.stringify(email)).toBe("Saisissez une adresse mail valide, par exemple prenom.nom@exemple.fr.");
    }
    const service = "5e000000-0000-4000-8000-000000004200";
    expect(firstMessage(ContactSchema.safeParse({ serviceId: service, body: "a\u0000b" }))).toContain(CONTROL);
    expect(firstMessage(ContactSchema.safeParse({ serviceId: service, subject: "a\tb", body: "ok" }))).toContain(CONTROL);
    expect(ContactSchema.safeParse({ serviceId: service, subject: "Objet", body: "a\tb\r\nc" }).success).toBe(true);
    for (const field of ["name", "customerNumber", "subject", "body"]) {
      const input = { serviceId: service, email: "a@b.fr", body: "ok", [field]: "x\u0000y" };
      expect(firstMessage(PublicContactSchema.safeParse(input)), field).toContain(CONTROL);
    }
    expect(firstMessage(LoginSchema.safeParse({ email: "demo@demo.fr", password: "demo\u0000factures" }))).toContain(CONTROL);
    expect(LoginSchema.safeParse({ email: "demo@demo.fr", password: "avec\ttabulation" }).success).toBe(true);
    for (const password of ["Nouveau\u0000mot2", "Nouveau\tmot2", "Nouveau\nmot2", "Nouveau\u007fmot2"]) {
      expect(firstMessage(newPasswordSchema(8).safeParse(password)), JSON.stringify(password)).toContain("caractère invisible");
    }
  });
});

describe("one reader for every action", () => {
  it("no route module reads a body itself (app/.server/form.ts readForm, readCallbackForm)", () => {
    const routes = join(process.cwd(), "app/routes");
    const offenders: string[] = [];
    for (const folder of readdirSync(routes)) {
      for (const file of readdirSync(join(routes, folder))) {
        const source = readFileSync(join(routes, folder, file), "utf8");
        if (/\brequest\s*\.\s*(formData|text|json|arrayBuffer|blob)\s*\(/.test(source)) offenders.push(`${folder}/${file}`);
      }
    }
    expect(offenders).toEqual([]);
  });
});
