import { createHash, randomBytes } from "node:crypto";
import { readdirSync } from "node:fs";
import fc from "fast-check";
import { http } from "msw";
import { setupServer } from "msw/node";
import { afterAll, beforeAll, describe, expect, it, vi, type MockInstance } from "vitest";
import type { Database } from "~/.server/embedded/database";
import { outboxIdle } from "~/.server/outbox";
import { creerPaiementSecuriseRequest, recupererDetailPaiementSecuriseRequest } from "~/.server/payment/soap";
import { AUTH_LINK_TYPES } from "~/utils/auth-links";
import { ERROR_MESSAGES } from "~/utils/payment";
import * as confirmLink from "~/routes/auth.confirm/route";
import * as login from "~/routes/connexion/route";
import * as forgotten from "~/routes/mot-de-passe-oublie/route";
import * as demarrer from "~/routes/_espace.paiement_.demarrer/route";
import * as notification from "~/routes/paiement.notification/route";
import * as tipiResult from "~/routes/paiement.resultat-tipi.$jeton/route";
import * as soapEndpoint from "~/routes/simulateur-dgfip.tpa.services.securite/route";
import { HONEYPOT } from "~/routes/nous-contacter/route";
import { CRON_PATHS, PAYMENT_CALLBACK_PATHS } from "../../server/payment.js";
import { Browser, followLink, lastEmailTo, ORIGIN, startPortal } from "../support/route-harness";
import { createAuthUser, SEED } from "../support/database";
import {
  buildBody,
  buildQuery,
  changedTables,
  clearThrottles,
  describeModel,
  expandFields,
  formModel,
  frenchProblem,
  messagesIn,
  modelTraits,
  nastyValue,
  send,
  tableState,
  tableStateSince,
  valText,
  visitor,
  type FormModel,
  type RawRequest,
  type Table,
  type TableState,
  type Val,
} from "./fuzz-helpers";
import type { Handler, Probe } from "./matrix-helpers";

/**
 * Property-based fuzzing of every form action and payment callback (tests/security/README.md).
 * Each route found in app/routes/ with an action — and the loaders of the payment callbacks —
 * gets FUZZ_RUNS (500) malformed requests from a fixed seed, sent to the real route module as
 * the caller who reaches its validation (a visitor, or a signed-in resident), with the portal's
 * Origin. For every one: no throw of a non-Response error and no 5xx; the answer is one the
 * route may give, and a refusal says why in French (checked route by route: the message fields
 * of a 4xx, the French page a redirect leads to); a refusal stores nothing and an accepted
 * request only what it should (row count and newest writing transaction of every table the
 * portal writes: messages, outbox, opt-outs, payments, auth, throttles); and after the run a
 * valid request still succeeds.
 *
 * Every run goes on, and the answers that break a rule are grouped by rule and body kind, with
 * the traits all of a group's inputs share and its shortest examples: one failure lists every
 * class of bad answer. FUZZ_SHRINK=1 stops at the first one and lets fast-check shrink it.
 *
 *   FUZZ_RUNS=5000 npx vitest run tests/security/fuzz-forms.test.ts   # more runs
 *   FUZZ_SEED=42 …                                                    # another seed
 *   FUZZ_REPORT=1 …                                                   # print runs, time and classes per route
 */

const RUNS = Number(process.env.FUZZ_RUNS ?? 500);
const FUZZ_SEED = Number(process.env.FUZZ_SEED ?? 20261201);
const SHRINK = process.env.FUZZ_SHRINK === "1";
const REPORT = process.env.FUZZ_REPORT === "1";

// The job endpoints exist only with their secret (app/routes/taches.*): set before env() first runs.
const OUTBOX_SECRET = "secret-du-courrier-pour-le-fuzz-0123456789";
const PAYMENTS_SECRET = "secret-des-paiements-pour-le-fuzz-01234567";
vi.stubEnv("OUTBOX_CRON_SECRET", OUTBOX_SECRET);
vi.stubEnv("PAYMENTS_CRON_SECRET", PAYMENTS_SECRET);
const RETENTION_SECRET = "secret-de-la-purge-pour-le-fuzz-0123456789";
vi.stubEnv("RETENTION_CRON_SECRET", RETENTION_SECRET);
const REMINDERS_SECRET = "secret-des-rappels-pour-le-fuzz-012345678";
vi.stubEnv("REMINDERS_CRON_SECRET", REMINDERS_SECRET);

// The portal's server-to-server calls (PayFiP SOAP, urlnotif, urlcl) reach its own route modules
// through MSW, as in tests/security/access-matrix.test.ts.
const server = setupServer(
  http.post(`${ORIGIN}/simulateur-dgfip/tpa/services/securite`, ({ request }) => soapEndpoint.action({ request, params: {}, context: {} }) as Promise<Response>),
  http.all(`${ORIGIN}/paiement/notification`, ({ request }) => notification.action({ request, params: {}, context: {} })),
  http.post(`${ORIGIN}/paiement/resultat-tipi/:jeton`, ({ request, params }) => tipiResult.action({ request, params: { jeton: String(params.jeton) }, context: {} })),
);

// Residents and accounts ---------------------------------------------------------------------------

const A = { email: "demo@demo.fr", password: "demo-factures" };
const B = { email: "paiement@demo.fr", password: "paiement-factures" };
const EMAIL_USER = { email: "fuzz-courriel@exemple.fr", password: "Fuzz-courriel-0c41" };
const PASSWORD_USER = { email: "fuzz-mdp@exemple.fr", password: "Fuzz-mot-de-passe-7c1e9b" };
const LINK_USER = { email: "fuzz-lien@exemple.fr", password: "Fuzz-lien-ancien-55" };
const LOGOUT_USER = { email: "fuzz-sortie@exemple.fr", password: "Fuzz-sortie-9a" };
const CLOSURE_USER = { email: "fuzz-fermeture@exemple.fr", password: "Fuzz-fermeture-3d" };

type Caller = "anonymous" | "residentA" | "residentB" | "emailUser" | "passwordUser" | "linkUser" | "logoutUser" | "closureUser";

const SERVICES = {
  payfip: SEED.serviceId, // 004200, A's and B's, the only one with a contact address
  tipi: "5e000000-0000-4000-8000-000000004281",
  suspended: "5e000000-0000-4000-8000-000000004282",
};
const invoice = (n: number) => `1a000000-0000-4000-8000-${String(n).padStart(12, "0")}`;
/** A's unpaid invoice kept for the valid payment after the run (never generated). */
const INVOICE_A_KEPT = SEED.invoice2059Id;
const INVOICES_GENERATED = [2, 3, 4, 5, 6, 11, 12, 101, 102, 103, 104, 105, 106, 110, 111, 201, 202, 203, 301].map(invoice);
const NO_TOKEN = "0".repeat(64);
/** What one anonymous payment callback may leave in the audit log (TIPI's fields are short). */
const MAX_EVENT_BYTES = 16 * 1024;

let db: Database;
const browsers = new Map<Caller, Browser>();
let logoutUserId = "";
/** The classic TIPI token of a payment B started (its urlcl), tried with forged results. */
let tipiToken = "";
let linkSpent = true;
/** Counts the writes this file makes between runs (sessions, throttle resets): the last run's state is then stale. */
let setupWrites = 0;
let consoleSpies: MockInstance[] = [];
/** What the routes logged with console.error during the current run (the cause of a 5xx). */
const logged: unknown[][] = [];

/** The first error the route logged, as "Name: message", for a 5xx's report. */
function loggedCause(): string | null {
  for (const args of logged) {
    const error = args.find((a) => a instanceof Error) as Error | undefined;
    if (error) return `${error.name}: ${error.message}`.replace(/[0-9a-f-]{36}/g, "<id>").slice(0, 140);
  }
  return null;
}

async function signIn(who: { email: string; password: string }, ip: string): Promise<Browser> {
  const browser = new Browser();
  browser.ip = ip;
  const result = await browser.call(login.action, "/connexion", { email: who.email, password: who.password });
  expect(result.status, `login of ${who.email}`).toBe(302);
  return browser;
}

/** A session opened by a recovery link (the only kind that reaches /nouveau-mot-de-passe's form). */
async function linkSession(): Promise<Browser> {
  setupWrites++;
  await clearThrottles(db);
  const asker = visitor();
  const asked = await asker.call(forgotten.action, "/mot-de-passe-oublie", { email: LINK_USER.email });
  expect(asked.status).toBe(200);
  const mail = await lastEmailTo(db, LINK_USER.email);
  const browser = visitor();
  const followed = await followLink(browser, mail!.path!);
  expect(followed).toRedirectTo("/nouveau-mot-de-passe");
  return browser;
}

/** A fresh session for the logout user, written as the embedded adapter writes one (app/.server/embedded/auth.ts). */
async function freshSession(): Promise<Browser> {
  setupWrites++;
  const secret = randomBytes(32).toString("base64url");
  const { rows } = await db.pg.query<{ id: string }>(
    `insert into auth.sessions (id, user_id, created_at, updated_at, not_after, aal, secret_hash)
     values (gen_random_uuid(), $1, now(), now(), now() + interval '1 hour', 'aal1', $2) returning id`,
    [logoutUserId, createHash("sha256").update(secret).digest("hex")],
  );
  const browser = visitor();
  browser.cookies.set("pf_session", { value: `${rows[0]!.id}.${secret}`, maxAge: null });
  return browser;
}

async function browserFor(caller: Caller): Promise<Browser> {
  if (caller === "anonymous") return visitor();
  if (caller === "logoutUser") return freshSession();
  if (caller === "linkUser" && linkSpent) {
    browsers.set("linkUser", await linkSession());
    linkSpent = false;
  }
  return browsers.get(caller)!;
}

// Value domains (valid, nearly valid, and wrong) ----------------------------------------------------

const c = <T,>(...values: T[]) => fc.constantFrom(...values);

const badEmails = c(
  "pas-une-adresse",
  "a@",
  "@exemple.fr",
  "a@b",
  "a b@exemple.fr",
  "a@exemple..fr",
  "a\u0000@exemple.fr",
  "a@exemple.fr\u0000",
  "\u202Erf.elpmexe@a",
  "<a@exemple.fr>",
  "a@exemple.fr, b@exemple.fr",
  "a@exemple.fr\r\nBcc: b@exemple.fr",
  '"a b"@exemple.fr',
  "a@[127.0.0.1]",
  `${"a".repeat(250)}@exemple.fr`,
  "é@exemple.fr",
  "a@exémple.fr",
  "ａ@ｅｘｅｍｐｌｅ.ｆｒ",
  "a@exemple.fr'--",
);
const knownEmails = c("demo@demo.fr", " DEMO@Demo.FR ", "paiement@demo.fr", "nouveau@demo.fr", "NOUVEAU@DEMO.FR\t", EMAIL_USER.email);
const freshEmail = fc.nat(1_000_000).map((n) => `fuzz.${n}@exemple.fr`);
/** E-mail fields: mostly refused by the schema; known and fresh addresses now and then. */
const emailArb = fc.oneof({ weight: 6, arbitrary: badEmails }, { weight: 2, arbitrary: knownEmails }, { weight: 1, arbitrary: freshEmail });
/**
 * For login, where a schema-valid form costs a bcrypt comparison (~50 ms for the seed's accounts,
 * ~300 ms for an unknown address on this machine): rarer, and mostly known accounts.
 */
const loginEmailArb = fc.oneof({ weight: 12, arbitrary: badEmails }, { weight: 3, arbitrary: c("demo@demo.fr", " DEMO@Demo.FR ", "paiement@demo.fr") }, { weight: 1, arbitrary: freshEmail });

/** Passwords that are never an account's. */
const wrongPassword = fc.oneof(
  c("demo-factures ", "Demo-factures", "paiement-factures\u0000", "mauvais-mot-de-passe", "x", "a".repeat(200), "a".repeat(201), "' or '1'='1"),
  fc.string({ minLength: 1, maxLength: 30 }),
);
/** New passwords: mostly refused by the rule (short, one kind, too long); valid ones rarely (each costs a ~0.3 s bcrypt hash). */
const newPasswordArb = fc.oneof(
  { weight: 30, arbitrary: c("", "court", "12345678", "abcdefgh", "ABCDEFGHIJ", "a".repeat(129), "\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000", "        ", "é".repeat(8)) },
  { weight: 10, arbitrary: fc.string({ maxLength: 7 }) },
  { weight: 1, arbitrary: fc.nat(1_000_000).map((n) => `Nouveau-mot-${n}`) },
);

const uuidish = c(
  "pas-un-identifiant",
  "-".repeat(36),
  "f".repeat(36),
  "1a0000000-000-4000-8000-000000000001",
  `{${SEED.invoice2059Id}}`,
  SEED.invoice2059Id.toUpperCase(),
  ` ${SEED.invoice2059Id} `,
  "00000000-0000-0000-0000-000000000000",
);
const serviceIdArb = fc.oneof(c(SERVICES.payfip, SERVICES.tipi, SERVICES.suspended), uuidish, fc.uuid());
const invoiceIdArb = fc.oneof({ weight: 3, arbitrary: c(...INVOICES_GENERATED) }, { weight: 1, arbitrary: uuidish }, { weight: 1, arbitrary: fc.uuid() });
const idopArb = fc.oneof(fc.stringMatching(/^[A-Za-z0-9-]{1,64}$/), fc.uuid(), c("", "idop inconnu", "a".repeat(65)));
/** Short text (fast-check's long strings cost more to generate than the requests to send). */
const text = (max: number) => fc.string({ maxLength: Math.min(max, 40) });

// The targets -------------------------------------------------------------------------------------

/** What an answer is allowed to be: a list of tables it may write, or the rule it breaks. */
type Judgement = { may: Table[] } | { violation: string };
const ok = (...may: Table[]): Judgement => ({ may });
const bad = (violation: string): Judgement => ({ violation });
/** One accepted shape of answer; null when the answer does not have this shape. */
type Shape<I> = (p: Probe, input: I) => Judgement | null;

interface Target<I> {
  route: string;
  handler: "action" | "loader";
  caller: Caller;
  /** Path without query (for the inventory of callbacks). */
  path: string;
  arb: fc.Arbitrary<I>;
  request: (input: I) => RawRequest;
  describe: (input: I) => string;
  traits: (input: I) => string[];
  /** The accepted answers, tried in order; none matching is a violation. */
  shapes: Shape<I>[];
  /** Clear login, account e-mail and contact throttling before each run. */
  resetThrottles?: boolean;
  /** A 5xx that is this route's right answer (SOAP faults). */
  allow5xx?: (p: Probe) => boolean;
  /** A valid request after the run: the route still answers. */
  valid: () => Promise<void>;
  /** A further check of what an accepted answer stored (the tables it changed); a violation or null. */
  stored?: (changed: Table[]) => Promise<string | null>;
}

/** A target with its input type hidden: what the inventory and the runner need. */
interface Fuzz {
  name: string;
  route: string;
  handler: "action" | "loader";
  caller: Caller;
  path: string;
  valid: () => Promise<void>;
  /** FUZZ_RUNS generated requests; the answers that break a rule. */
  run: (handler: Handler) => Promise<Violation[]>;
}

interface Violation {
  rule: string;
  traits: string[];
  example: string;
}

function shortAnswer(p: Probe, withMessage = true): string {
  if (p.threw !== undefined) return `threw ${p.threw instanceof Error ? p.threw.name : typeof p.threw}`;
  const where = p.location ? ` → ${p.location.replace(/[0-9a-f-]{36}/g, "<id>").replace(/([?&]idop=)[^&]+/, "$1…").slice(0, 80)}` : "";
  const message = withMessage ? messagesIn(p.data)[0] : undefined;
  return `${p.status}${where}${message ? ` « ${message.slice(0, 90)} »` : ""}`;
}

/** How often each kind of answer came, for FUZZ_REPORT (shows how deep the runs reached). */
const answers = new Map<string, number>();

/** Which rule an answer breaks, if any. */
function judge<I>(t: Target<I>, p: Probe, input: I, changed: Table[]): string | null {
  if (p.threw !== undefined) {
    const error = p.threw instanceof Error ? `${p.threw.name}: ${p.threw.message}` : String(p.threw);
    return `threw (the server answers 500): ${error.replace(/[0-9a-f-]{36}/g, "<id>").slice(0, 160)}`;
  }
  if (p.status >= 500 && !t.allow5xx?.(p)) return `5xx: ${shortAnswer(p)}`;
  let verdict: Judgement | null = null;
  for (const shape of t.shapes) {
    verdict = shape(p, input);
    if (verdict) break;
  }
  if (!verdict) return `unexpected answer: ${shortAnswer(p)}`;
  if ("violation" in verdict) return verdict.violation;
  const may = verdict.may;
  const stray = changed.filter((table) => !may.includes(table));
  if (stray.length > 0) return `stored in ${stray.join(", ")} on ${shortAnswer(p).replace(/ «.*/, "")}`;
  return null;
}

/** Violations grouped by rule and by kind of body: each group with the traits all its inputs share. */
function report(violations: Violation[]): string[] {
  const groups = new Map<string, Violation[]>();
  for (const v of violations) {
    const key = `${v.rule} ‖ ${v.traits[0]}`;
    groups.set(key, [...(groups.get(key) ?? []), v]);
  }
  return [...groups].map(([key, vs]) => {
    const shared = vs[0]!.traits.slice(1).filter((trait) => vs.every((v) => v.traits.includes(trait)));
    const examples = [...vs].sort((a, b) => a.example.length - b.example.length).slice(0, 2);
    return `${key} — ${vs.length}×${shared.length ? `, all with ${shared.join(", ")}` : ""}; e.g. ${examples.map((e) => e.example).join(" ¦ ")}`;
  });
}

function fuzzable<I>(t: Target<I>): Fuzz {
  return {
    name: `${t.handler === "action" ? "POST" : "GET"} ${t.path} (${t.route} ${t.handler}, as ${t.caller})`,
    route: t.route,
    handler: t.handler,
    caller: t.caller,
    path: t.path,
    valid: t.valid,
    run: async (handler) => {
      const violations: Violation[] = [];
      answers.clear();
      let last: { state: TableState; writes: number } | undefined;
      await fc.assert(
        fc.asyncProperty(t.arb, async (input) => {
          // Throttling state is cleared only when the last run may have left some.
          const throttles: Table[] = ["login_throttle", "auth_mail_throttle", "contact_throttle"];
          const throttled = !last || last.writes !== setupWrites || throttles.some((k) => !last!.state[k].startsWith("0/"));
          if (t.resetThrottles && throttled) {
            await clearThrottles(db);
            setupWrites++;
          }
          const browser = await browserFor(t.caller);
          // The state after the previous run, unless this file wrote something since.
          const before = last && last.writes === setupWrites ? last.state : await tableState(db);
          logged.length = 0;
          const p = await send(browser, handler, t.request(input), t.route);
          const after = await tableStateSince(db, before);
          last = { state: after, writes: setupWrites };
          const answer = shortAnswer(p, false);
          answers.set(answer, (answers.get(answer) ?? 0) + 1);
          const changed = changedTables(before, after);
          let rule = judge(t, p, input, changed);
          if (rule === null && t.stored && changed.length > 0) rule = await t.stored(changed);
          if (rule === null) return;
          const cause = rule.startsWith("5xx") ? loggedCause() : null;
          if (cause) rule = `${rule} [logged: ${cause}]`;
          violations.push({ rule, traits: t.traits(input), example: t.describe(input) });
          if (SHRINK) throw new Error(`${rule}\n${t.describe(input)}`);
        }),
        { seed: FUZZ_SEED, numRuns: RUNS, endOnFailure: !SHRINK },
      );
      return violations;
    },
  };
}

// Shapes shared by the targets.

const isRedirect = (p: Probe) => p.status >= 300 && p.status < 400 && p.location !== null;

function redirectTo<I>(where: string | RegExp, ...may: Table[]): Shape<I> {
  return (p) => (isRedirect(p) && (typeof where === "string" ? p.location === where : where.test(p.location!)) ? ok(...may) : null);
}

/** A 4xx whose messages (under `keys` of the data, or anywhere in a text body) are all French. */
function frenchRefusal(codes: number[], keys?: string[], may: Table[] = []): Shape<unknown> {
  return (p) => {
    if (!codes.includes(p.status)) return null;
    const data = (p.data ?? {}) as Record<string, unknown>;
    const picked = typeof p.data === "string" || !keys ? p.data : Object.fromEntries(keys.map((k) => [k, data[k]]));
    const problem = frenchProblem(picked);
    return problem ? bad(`${p.status} without a French message (${problem})`) : ok(...may);
  };
}

/** What any form action may answer to a body it cannot read as a form (too large, not a form): a 4xx in French. */
const anyFrenchRefusal: Shape<unknown> = frenchRefusal([400, 413, 415, 422]);

function formTarget(
  t: Omit<Target<FormModel>, "arb" | "request" | "describe" | "traits" | "handler"> & {
    spec: Record<string, fc.Arbitrary<Val>>;
    missing?: number;
    headers?: (model: FormModel) => Record<string, string>;
  },
): Fuzz {
  return fuzzable({
    ...t,
    handler: "action",
    arb: formModel(t.spec, { missing: t.missing }),
    request: (model) => ({ method: "POST", path: t.path, headers: t.headers?.(model), ...buildBody(model) }),
    describe: describeModel,
    traits: modelTraits,
    shapes: [...t.shapes, anyFrenchRefusal],
  });
}

function queryTarget(
  t: Omit<Target<FormModel>, "arb" | "request" | "describe" | "traits" | "handler"> & { spec: Record<string, fc.Arbitrary<Val>> },
): Fuzz {
  return fuzzable({
    ...t,
    handler: "loader",
    arb: formModel(t.spec, { query: true }),
    request: (model) => ({ method: "GET", path: `${t.path}?${buildQuery(model)}` }),
    describe: (model) => describeModel(model, true),
    traits: (model) => ["query", ...modelTraits(model).slice(1)],
    shapes: t.shapes,
  });
}

/** The last value of `name` as Object.fromEntries(formData) sees it, for a form body. */
function lastValue(model: FormModel, name: string): string | undefined {
  const values = expandFields(model).filter(([n]) => n === name);
  const last = values[values.length - 1];
  if (!last || model.encoding === "multipart-files") return undefined;
  return valText(last[1]);
}

async function validCall(caller: Caller, handler: Handler, path: string, form?: Record<string, string>, params?: Record<string, string>) {
  const browser = await browserFor(caller);
  return browser.call(handler, path, form, params);
}

const AUTH_WRITES: Table[] = ["auth_users", "auth_identities", "auth_tokens", "email_outbox"];

const TARGETS: Fuzz[] = [
  formTarget({
    route: "connexion",
    caller: "anonymous",
    path: "/connexion",
    resetThrottles: true,
    spec: {
      email: loginEmailArb,
      password: wrongPassword,
      remember: c("on", "off", "", "ON", "1"),
      redirectTo: c("/factures", "//evil.example", "https://evil.example/", "/\\evil.example", "javascript:alert(1)", "/factures\u0000", "/%2F%2Fevil.example"),
    },
    shapes: [
      frenchRefusal([400], ["errors", "formError"]),
      (p) => (p.status === 401 ? (String((p.data as { formError?: string }).formError).startsWith("Adresse mail ou mot de passe incorrect") ? ok("login_throttle") : bad("401 without the generic French message")) : null),
      frenchRefusal([429], ["formError"], ["login_throttle"]),
      (p) => (isRedirect(p) ? bad(`a generated password opened a session (→ ${p.location})`) : null),
    ],
    valid: async () => {
      await clearThrottles(db);
      const p = await visitor().call(login.action, "/connexion", { email: A.email, password: A.password });
      expect(p.status).toBe(302);
    },
  }),
  formTarget({
    route: "activation",
    caller: "anonymous",
    path: "/activation",
    resetThrottles: true,
    spec: { email: emailArb },
    shapes: [
      frenchRefusal([400], ["errors"]),
      (p) => (p.status === 200 && ["sent", "unknown_email", "already_active"].includes(String((p.data as { outcome?: string }).outcome)) ? ok("auth_mail_throttle", ...AUTH_WRITES) : null),
      frenchRefusal([429], ["message"], ["auth_mail_throttle"]),
    ],
    valid: async () => {
      const p = await visitor().call((await import("~/routes/activation/route")).action, "/activation", { email: "fuzz-valide@exemple.fr" });
      expect([p.status, (p.data as { outcome: string }).outcome]).toEqual([200, "unknown_email"]);
    },
  }),
  formTarget({
    route: "mot-de-passe-oublie",
    caller: "anonymous",
    path: "/mot-de-passe-oublie",
    resetThrottles: true,
    spec: { email: emailArb },
    shapes: [
      frenchRefusal([400], ["errors"]),
      (p) => (p.status === 200 && (p.data as { sent?: boolean }).sent === true ? ok("auth_mail_throttle", ...AUTH_WRITES) : null),
      frenchRefusal([429], ["message"], ["auth_mail_throttle"]),
    ],
    valid: async () => {
      await clearThrottles(db);
      const p = await visitor().call(forgotten.action, "/mot-de-passe-oublie", { email: "fuzz-valide@exemple.fr" });
      expect([p.status, (p.data as { sent: boolean }).sent]).toEqual([200, true]);
    },
  }),
  formTarget({
    route: "_espace.mes-informations_.adresse-mail",
    caller: "emailUser",
    path: "/mes-informations/adresse-mail",
    spec: { email: emailArb },
    shapes: [
      frenchRefusal([400], ["errors"]),
      (p) => (p.status === 200 && (p.data as { outcome?: string }).outcome === "sent" ? ok("auth_users", "auth_tokens", "email_outbox") : null),
    ],
    valid: async () => {
      const mod = await import("~/routes/_espace.mes-informations_.adresse-mail/route");
      const p = await validCall("emailUser", mod.action, "/mes-informations/adresse-mail", { email: "fuzz-nouvelle@exemple.fr" });
      expect([p.status, (p.data as { outcome: string }).outcome]).toEqual([200, "sent"]);
    },
  }),
  formTarget({
    route: "_espace.mes-informations_.mot-de-passe",
    caller: "passwordUser",
    path: "/mes-informations/mot-de-passe",
    spec: { currentPassword: fc.oneof(wrongPassword, c(`${PASSWORD_USER.password} `, PASSWORD_USER.password.toUpperCase())), newPassword: newPasswordArb },
    shapes: [
      frenchRefusal([400], ["errors"]),
      (p) => (isRedirect(p) ? bad(`password changed without the current password (→ ${p.location})`) : null),
    ],
    valid: async () => {
      const mod = await import("~/routes/_espace.mes-informations_.mot-de-passe/route");
      const p = await validCall("passwordUser", mod.action, "/mes-informations/mot-de-passe", { currentPassword: PASSWORD_USER.password, newPassword: "Nouveau-valide-42" });
      expect(p).toRedirectTo("/mes-informations?changement=mot-de-passe");
    },
  }),
  formTarget({
    route: "_espace.mes-informations_.fermer-mon-compte",
    caller: "closureUser",
    path: "/mes-informations/fermer-mon-compte",
    resetThrottles: true,
    spec: {
      currentPassword: fc.oneof(wrongPassword, c(`${CLOSURE_USER.password} `, CLOSURE_USER.password.toUpperCase())),
      confirm: c("on", "off", "", "ON", "1", "on\u0000"),
    },
    shapes: [
      frenchRefusal([400], ["errors"], ["login_throttle"]),
      frenchRefusal([429], ["errors"], ["login_throttle"]),
      (p) => (isRedirect(p) ? bad(`account closed without the current password (→ ${p.location})`) : null),
    ],
    valid: async () => {
      await clearThrottles(db);
      const mod = await import("~/routes/_espace.mes-informations_.fermer-mon-compte/route");
      const p = await validCall("closureUser", mod.action, "/mes-informations/fermer-mon-compte", { currentPassword: CLOSURE_USER.password, confirm: "on" });
      expect(p).toRedirectTo("/connexion?compte=ferme");
    },
  }),
  formTarget({
    route: "nouveau-mot-de-passe",
    caller: "linkUser",
    path: "/nouveau-mot-de-passe",
    spec: { password: newPasswordArb },
    shapes: [
      frenchRefusal([400], ["errors"]),
      (p) => {
        if (p.location !== "/nouveau-mot-de-passe?enregistre=1") return null;
        linkSpent = true;
        // A new password also lifts the address's limit on account e-mails (a trigger on auth.users).
        return ok("auth_users", "auth_sessions", "auth_tokens", "auth_mail_throttle");
      },
      (p) => (isRedirect(p) ? bad(`the link session did not reach the form (→ ${p.location})`) : null),
    ],
    valid: async () => {
      const mod = await import("~/routes/nouveau-mot-de-passe/route");
      const p = await validCall("linkUser", mod.action, "/nouveau-mot-de-passe", { password: "Nouveau-valide-43" });
      linkSpent = true;
      expect(p).toRedirectTo("/nouveau-mot-de-passe?enregistre=1");
    },
  }),
  formTarget({
    route: "auth.confirm",
    caller: "anonymous",
    path: "/auth/confirm",
    spec: {
      token_hash: fc.oneof(fc.stringMatching(/^[A-Za-z0-9_-]{8,64}$/), c("court", "a".repeat(201), "jeton avec espaces", NO_TOKEN)),
      type: c(...AUTH_LINK_TYPES, "signup", "magiclink", "RECOVERY", ""),
      next: c("/accueil", "//evil.example", "https://evil.example/", "/\\evil", "a".repeat(501)),
    },
    shapes: [
      // The page then shows « Ce lien ne fonctionne plus » (app/routes/auth.confirm/route.tsx).
      (p) =>
        p.status === 400 && typeof p.data === "object" && p.data !== null && "failedType" in p.data
          ? [null, ...AUTH_LINK_TYPES].includes((p.data as { failedType: string | null }).failedType as never)
            ? ok()
            : bad("400 with an unknown failedType")
          : null,
      (p) => (isRedirect(p) ? bad(`a generated token opened a session (→ ${p.location})`) : null),
    ],
    valid: async () => {
      await clearThrottles(db);
      await visitor().call(forgotten.action, "/mot-de-passe-oublie", { email: LOGOUT_USER.email });
      const mail = await lastEmailTo(db, LOGOUT_USER.email);
      expect(await followLink(visitor(), mail!.path!)).toRedirectTo("/nouveau-mot-de-passe");
    },
  }),
  formTarget({
    route: "deconnexion",
    caller: "logoutUser",
    path: "/deconnexion",
    spec: { intent: c("deconnexion", "") },
    shapes: [redirectTo("/connexion", "auth_sessions")],
    valid: async () => {
      const mod = await import("~/routes/deconnexion/route");
      expect(await (await freshSession()).call(mod.action, "/deconnexion", {})).toRedirectTo("/connexion");
    },
  }),
  formTarget({
    route: "_espace.accueil",
    caller: "residentA",
    path: "/accueil",
    spec: { intent: c("fermer-annonce", "FERMER-ANNONCE", "fermer-annonce\u0000", "autre") },
    shapes: [redirectTo("/accueil")],
    valid: async () => {
      const mod = await import("~/routes/_espace.accueil/route");
      expect(await validCall("residentA", mod.action, "/accueil", { intent: "fermer-annonce" })).toRedirectTo("/accueil");
    },
  }),
  formTarget({
    route: "_espace.contact",
    caller: "residentB",
    path: "/contact",
    spec: {
      intent: c("envoyer", "effacer", "EFFACER", "effacer\u0000", ""),
      // Mostly B's service with a contact address, so that the message reaches the database.
      serviceId: fc.oneof({ weight: 4, arbitrary: fc.constant(SERVICES.payfip) }, { weight: 2, arbitrary: serviceIdArb }),
      subject: fc.oneof(text(60), c("a".repeat(201))),
      body: fc.oneof(text(200), c("", "   ", "a".repeat(5001), "Question sur ma facture.")),
    },
    shapes: [
      redirectTo("/contact"),
      redirectTo("/contact?envoye=1", "contact_messages", "email_outbox"),
      frenchRefusal([400], ["errors", "formError"]),
    ],
    valid: async () => {
      const mod = await import("~/routes/_espace.contact/route");
      const p = await validCall("residentB", mod.action, "/contact", { intent: "envoyer", serviceId: SERVICES.payfip, subject: "Essai", body: "Question valide." });
      expect(p).toRedirectTo("/contact?envoye=1");
    },
  }),
  formTarget({
    route: "nous-contacter",
    caller: "anonymous",
    path: "/nous-contacter",
    resetThrottles: true,
    spec: {
      intent: c("envoyer", "effacer", ""),
      serviceId: serviceIdArb,
      email: emailArb,
      name: fc.oneof(text(40), c("a".repeat(201))),
      customerNumber: fc.oneof(text(20), c("SISTEC560", "a".repeat(51))),
      subject: fc.oneof(text(60), c("a".repeat(201))),
      body: fc.oneof(text(200), c("", "a".repeat(5001), "Question sur ma facture.")),
      [HONEYPOT]: c("", "", "", "http://spam.example", " "),
    },
    shapes: [
      redirectTo("/nous-contacter"),
      (p, model) => {
        if (!isRedirect(p) || p.location !== "/nous-contacter?envoye=1") return null;
        // A filled honeypot gets the same answer as a success, and nothing is stored.
        const bot = (lastValue(model, HONEYPOT) ?? "").trim() !== "";
        return bot ? ok() : ok("contact_messages", "email_outbox", "contact_throttle");
      },
      frenchRefusal([400], ["errors", "formError"]),
      frenchRefusal([429], ["formError"], ["contact_throttle"]),
    ],
    valid: async () => {
      await clearThrottles(db);
      const mod = await import("~/routes/nous-contacter/route");
      const p = await visitor().call(mod.action, "/nous-contacter", { email: "visiteur@exemple.fr", body: "Question valide." });
      expect(p).toRedirectTo("/nous-contacter?envoye=1");
    },
  }),
  formTarget({
    route: "_espace.mes-informations_.papier",
    caller: "residentA",
    path: "/mes-informations/papier",
    spec: { intent: c("confirmer", "annuler", " confirmer", "CONFIRMER", "confirmer\u0000", "") },
    shapes: [
      redirectTo("/mes-informations"),
      redirectTo("/mes-informations?papier=demande", "paper_optout_requests", "email_outbox"),
      redirectTo("/mes-informations?papier=deja-demande"),
    ],
    valid: async () => {
      const mod = await import("~/routes/_espace.mes-informations_.papier/route");
      const p = await validCall("residentA", mod.action, "/mes-informations/papier", { intent: "confirmer" });
      expect(p.location).toMatch(/^\/mes-informations\?papier=(demande|deja-demande)$/);
    },
  }),
  formTarget({
    route: "_espace.mes-informations_.rattacher-un-contrat",
    caller: "emailUser",
    path: "/mes-informations/rattacher-un-contrat",
    spec: {
      serviceId: serviceIdArb,
      customerNumber: fc.oneof(text(20), c("SISTEC560", "PAIE0001", "a".repeat(51), " ", "SISTEC560\u0000")),
      invoiceNumber: fc.oneof(text(20), c("2017-020-002059", "a".repeat(51), "")),
      amount: fc.oneof(text(12), c("1e9", "-5", "12,345", "NaN", "Infinity", "0x10", "1 000 000 000,00", "243,11", "243.11", "9".repeat(30), "")),
    },
    shapes: [
      // Every refusal in French: fields (400), the generic refusal (400), a contract of another
      // account or already the caller's (409), the throttle (429); failures only count in
      // portal.contract_link_throttle, which no other form writes.
      frenchRefusal([400], ["errors", "formError"]),
      frenchRefusal([409], ["formError"]),
      frenchRefusal([429], ["formError"]),
      redirectTo("/mes-informations/rattacher-un-contrat?rattache=1", "email_outbox"),
    ],
    valid: async () => {
      await db.pg.exec("delete from portal.contract_link_throttle");
      const { rows } = await db.pg.query<{ id: string }>(
        `with c as (insert into portal.customers (service_id, customer_number, display_name, email)
                    values ($1, 'FUZZRATT1', 'Famille Fuzz', 'fuzz-contrat@exemple.fr') returning id)
         insert into portal.invoices (service_id, customer_id, number, issued_on, due_on, amount_cents)
         select $1, c.id, 'FUZZ-RATT-0001', '2026-10-01', '2026-10-31', 4327 from c returning id`,
        [SERVICES.payfip],
      );
      expect(rows).toHaveLength(1);
      const mod = await import("~/routes/_espace.mes-informations_.rattacher-un-contrat/route");
      const p = await validCall("emailUser", mod.action, "/mes-informations/rattacher-un-contrat", {
        serviceId: SERVICES.payfip,
        customerNumber: "FUZZRATT1",
        invoiceNumber: "FUZZ-RATT-0001",
        amount: "43,27",
      });
      expect(p).toRedirectTo("/mes-informations/rattacher-un-contrat?rattache=1");
    },
  }),
  formTarget({
    route: "_espace.mes-informations_.rappels",
    caller: "residentA",
    path: "/mes-informations/rappels",
    spec: { nouvelles: c("oui", "non", "", "OUI", " oui", "oui\u0000"), echeance: c("oui", "1", "", "on", "oui ") },
    missing: 2,
    shapes: [frenchRefusal([400], ["formError"]), redirectTo(/^\/mes-informations\/rappels\?enregistre=(oui|non)$/)],
    valid: async () => {
      const mod = await import("~/routes/_espace.mes-informations_.rappels/route");
      const p = await validCall("residentA", mod.action, "/mes-informations/rappels", { nouvelles: "oui" });
      expect(p).toRedirectTo("/mes-informations/rappels?enregistre=oui");
    },
  }),
  formTarget({
    route: "desabonnement",
    caller: "anonymous",
    path: `/desabonnement?jeton=${SEED.demoUserId}.${"A".repeat(43)}`,
    spec: {
      jeton: c(`${SEED.demoUserId}.${"B".repeat(43)}`, "pas-un-jeton", "", `${SEED.demoUserId}.`, "x".repeat(250)),
      "List-Unsubscribe": c("One-Click", "one-click", "", "One-Click\u0000"),
    },
    missing: 2,
    // Never a valid signature here: every answer is the French 400 and nothing is written.
    shapes: [frenchRefusal([400], ["message"])],
    valid: async () => {
      const { getBackend } = await import("~/.server/backend");
      const mod = await import("~/routes/desabonnement/route");
      const url = (await (await getBackend()).mailLinks.unsubscribeUrl(SEED.demoUserId))!;
      const p = await visitor().call(mod.action, url.slice(ORIGIN.length), { "List-Unsubscribe": "One-Click" });
      expect([p.status, (p.data as { done: boolean }).done]).toEqual([200, true]);
    },
  }),
  formTarget({
    route: "_espace.paiement_.demarrer",
    caller: "residentB",
    path: "/paiement/demarrer",
    spec: { facture: invoiceIdArb },
    missing: 3,
    shapes: [
      // Back to the selection, whose page says why in French (ERROR_MESSAGES of app/utils/payment.ts).
      (p) => {
        if (!isRedirect(p) || !p.location!.startsWith("/paiement")) return null;
        const erreur = new URL(p.location!, ORIGIN).searchParams.get("erreur");
        if (erreur === null || !(erreur in ERROR_MESSAGES)) return bad(`back to the selection without a known erreur (${p.location!.replace(/[0-9a-f-]{36}/g, "<id>")})`);
        return erreur === "unavailable" ? ok("payment_attempts", "payment_events") : ok();
      },
      redirectTo(/\/simulateur-dgfip\/tpa\/paiementws\.web\?idop=/, "payment_attempts", "payment_events"),
      (p) => (p.status === 200 && typeof p.data === "object" && p.data !== null && "tipiForm" in p.data ? ok("payment_attempts", "payment_events") : null),
    ],
    valid: async () => {
      const p = await validCall("residentA", demarrer.action, "/paiement/demarrer", { facture: INVOICE_A_KEPT });
      expect(p.location).toMatch(/\/simulateur-dgfip\/tpa\/paiementws\.web\?idop=/);
    },
  }),
  formTarget({
    route: "paiement.retour-payfip",
    caller: "anonymous",
    path: "/paiement/retour-payfip",
    spec: { idop: idopArb, IDOP: idopArb },
    shapes: [redirectTo(/^\/paiement\/retour(\?idop=[A-Za-z0-9-]{1,64})?$/)],
    valid: async () => {
      const mod = await import("~/routes/paiement.retour-payfip/route");
      expect(await visitor().call(mod.action, "/paiement/retour-payfip", { idop: "idop-inconnu-1" })).toRedirectTo("/paiement/retour?idop=idop-inconnu-1");
    },
  }),
  queryTarget({
    route: "paiement.retour-payfip",
    caller: "anonymous",
    path: "/paiement/retour-payfip",
    spec: { idop: idopArb, IDOP: idopArb },
    shapes: [redirectTo(/^\/paiement\/retour(\?idop=[A-Za-z0-9-]{1,64})?$/)],
    valid: async () => {
      const mod = await import("~/routes/paiement.retour-payfip/route");
      expect(await visitor().call(mod.loader, "/paiement/retour-payfip?idop=idop-inconnu-4")).toRedirectTo("/paiement/retour?idop=idop-inconnu-4");
    },
  }),
  queryTarget({
    route: "_espace.paiement_.retour",
    caller: "residentA",
    path: "/paiement/retour",
    spec: { tentative: fc.oneof(fc.uuid(), uuidish), idop: idopArb },
    shapes: [
      (p) =>
        p.status === 200 && ["unknown", "pending", "paid", "refused", "abandoned", "expired", "error"].includes(String((p.data as { status?: string }).status))
          ? ok()
          : null,
    ],
    valid: async () => {
      const mod = await import("~/routes/_espace.paiement_.retour/route");
      expect((await validCall("residentA", mod.loader, "/paiement/retour?idop=idop-inconnu-2")).data).toMatchObject({ status: "unknown" });
    },
  }),
  // The selection form of /factures/selection: a GET to the zip route (tests/invoice-zip/route.test.ts).
  queryTarget({
    route: "factures.pdf[.]zip",
    caller: "residentA",
    path: "/factures/pdf.zip",
    spec: { onglet: c("non-reglees", "reglees", "tresorerie", "toutes", ""), selection: c("1", "0", ""), facture: invoiceIdArb },
    shapes: [frenchRefusal([400, 404]), (p) => (p.status === 200 ? ok() : null)],
    valid: async () => {
      const mod = await import("~/routes/factures.pdf[.]zip/route");
      expect((await validCall("residentA", mod.loader, "/factures/pdf.zip?onglet=non-reglees&selection=1")).status).toBe(400);
    },
  }),
  queryTarget({
    route: "paiement.notification",
    caller: "anonymous",
    path: "/paiement/notification",
    spec: { idop: idopArb, IdOp: idopArb },
    shapes: [
      (p) => (p.status === 400 && p.body === "idop manquant" ? ok() : null),
      (p) => (p.status === 200 && p.body === "OK" ? ok() : null),
    ],
    valid: async () => {
      expect((await visitor().call(notification.loader, "/paiement/notification?idop=idop-inconnu-3")).status).toBe(200);
    },
  }),
  formTarget({
    route: "paiement.notification",
    caller: "anonymous",
    path: "/paiement/notification",
    spec: { idop: idopArb, IDOP: idopArb },
    shapes: [
      (p) => (p.status === 400 && p.body === "idop manquant" ? ok() : null),
      (p) => (p.status === 200 && p.body === "OK" ? ok() : null),
    ],
    valid: async () => {
      expect((await visitor().call(notification.action, "/paiement/notification", { idop: "idop-inconnu-4" })).status).toBe(200);
    },
  }),
  formTarget({
    route: "simulateur-dgfip.tpa.paiement[.]web",
    caller: "anonymous",
    path: "/simulateur-dgfip/tpa/paiement.web",
    spec: {
      decision: c("P", "R", "A", "X", "p", ""),
      session: fc.oneof(fc.uuid(), uuidish),
      numcli: c("004281", "4281", "0042810", "abcdef"),
      exer: c("2018", "18", "20189"),
      refdet: c("201800020100", "REF", "a".repeat(31)),
      montant: c("2650", "99", "1000000", "-1", "1e3"),
      mel: c("paiement@demo.fr", "pas-une-adresse"),
      objet: fc.oneof(text(20), c("a".repeat(101))),
      urlcl: c(`${ORIGIN}/paiement/resultat-tipi/${NO_TOKEN}`, "javascript:alert(1)", "ftp://x"),
      saisie: c("T", "X", "W", "A", "Z"),
      notification: c("immediate", "twice", "late", "none", "x"),
      navigateur: c("retour", "ferme"),
      delai: c("10", "-1", "1e309", "NaN"),
    },
    shapes: [
      (p) => {
        if (p.status !== 200 || typeof p.data !== "object" || p.data === null || !("errors" in p.data)) return null;
        const errors = (p.data as { errors: string[] }).errors;
        if (errors.length === 0) return bad("the simulator accepted a decision on a generated session");
        const problem = frenchProblem({ errors });
        return problem ? bad(`simulator errors ${problem}`) : ok();
      },
      redirectTo(/^\/simulateur-dgfip\/tpa\/paiement\.web\?session=[0-9a-f-]{36}$/),
    ],
    valid: async () => {
      const mod = await import("~/routes/simulateur-dgfip.tpa.paiement[.]web/route");
      const p = await visitor().call(mod.action, "/simulateur-dgfip/tpa/paiement.web", { decision: "X" });
      expect(p.data).toMatchObject({ errors: ["Choisissez Payer, Refuser ou Abandonner."] });
    },
  }),
  formTarget({
    route: "simulateur-dgfip.tpa.paiementws[.]web",
    caller: "anonymous",
    path: "/simulateur-dgfip/tpa/paiementws.web",
    spec: {
      decision: c("P", "R", "A", "X", ""),
      idop: idopArb,
      notification: c("immediate", "twice", "late", "none"),
      navigateur: c("retour", "ferme"),
      delai: c("10", "-1", "NaN"),
    },
    shapes: [
      (p) => {
        if (p.status !== 200 || typeof p.data !== "object" || p.data === null || !("error" in p.data)) return null;
        const problem = frenchProblem({ error: (p.data as { error: string | null }).error });
        return problem ? bad(`simulator error ${problem}`) : ok();
      },
    ],
    valid: async () => {
      const mod = await import("~/routes/simulateur-dgfip.tpa.paiementws[.]web/route");
      expect((await visitor().call(mod.action, "/simulateur-dgfip/tpa/paiementws.web", { decision: "P", idop: "inconnu" })).data).toMatchObject({
        error: "Cette opération de paiement est inconnue ou a expiré.",
      });
    },
  }),
  ...["taches.envoi-courriels", "taches.rapprochement-paiements", "taches.purge", "taches.rappels"].map((route) =>
    formTarget({
      route,
      caller: "anonymous",
      path: `/${route.replace(".", "/")}`,
      // The body is never read; the Authorization header comes from the generated "authorization" field.
      spec: { authorization: fc.oneof(c("Bearer", "Bearer x", `Bearer ${OUTBOX_SECRET.slice(0, -1)}`, `Basic ${OUTBOX_SECRET}`, OUTBOX_SECRET), nastyValue) },
      headers: (model): Record<string, string> => {
        const value = lastValue(model, "authorization");
        return value !== undefined && /^[\x20-\x7e]*$/.test(value) ? { authorization: value } : {};
      },
      // A scheduler's endpoint: a JSON 401 with WWW-Authenticate (as the access matrix checks), no French.
      shapes: [(p) => (p.status === 401 && p.headers.get("www-authenticate") === "Bearer" && (p.data as { error?: string }).error === "unauthorized" ? ok() : null)],
      valid: async () => {
        const mod = (await import(/* @vite-ignore */ new URL(`../../app/routes/${route}/route.ts`, import.meta.url).pathname)) as { action: Handler };
        const secret =
          { "taches.envoi-courriels": OUTBOX_SECRET, "taches.rapprochement-paiements": PAYMENTS_SECRET, "taches.rappels": REMINDERS_SECRET }[route] ?? RETENTION_SECRET;
        const request = new Request(`${ORIGIN}/${route.replace(".", "/")}`, { method: "POST", headers: { authorization: `Bearer ${secret}` } });
        const answer = (await mod.action({ request, params: {}, context: {} })) as Response;
        expect(answer.status).toBe(200);
      },
    }),
  ),
];

// Callbacks with a token in the path: /paiement/resultat-tipi/<jeton> (classic TIPI's urlcl).

interface TipiInput {
  jeton: string;
  model: FormModel;
}

const tipiSpec: Record<string, fc.Arbitrary<Val>> = {
  numcli: c("004281", "004200", "4281", ""),
  exer: c("2018", "18", "x"),
  refdet: c("201800020100", "DEVINE", "a".repeat(31)),
  objet: text(20),
  montant: c("2650", "0", "-2650", "1e3", "99999999999", "26.50"),
  mel: c("paiement@demo.fr", "x"),
  saisie: c("T", "X", "W", "A"),
  resultrans: c("P", "R", "A", "V", "Z", ""),
  numauto: c("FAUX01", "", "a".repeat(100)),
  dattrans: c("01012026", "31022026", "99999999", "0101202"),
  heurtrans: c("1200", "2599", "12", "120000"),
};

function tipiTarget(handler: "action" | "loader"): Target<TipiInput> {
  return {
    route: "paiement.resultat-tipi.$jeton",
    handler,
    caller: "anonymous",
    path: "/paiement/resultat-tipi/",
    arb: fc.record({
      jeton: fc.oneof(
        { weight: 1, arbitrary: fc.constant("<tipi>") }, // the real token of B's payment, filled in at run time
        { weight: 1, arbitrary: c(NO_TOKEN, "", "..", "%2e%2e", NO_TOKEN.toUpperCase()) },
        { weight: 2, arbitrary: nastyValue.map(valText) },
      ),
      model: formModel(tipiSpec, { query: handler === "loader" }),
    }),
    request: ({ jeton, model }) => {
      const token = jeton === "<tipi>" ? tipiToken : jeton;
      const path = `/paiement/resultat-tipi/${encodeURIComponent(token.replace(/[\uD800-\uDFFF]/g, "\uFFFD"))}`;
      return handler === "loader"
        ? { method: "GET", path: `${path}?${buildQuery(model)}`, params: { jeton: token } }
        : { method: "POST", path, params: { jeton: token }, ...buildBody(model) };
    },
    describe: ({ jeton, model }) => `jeton=${JSON.stringify(jeton.slice(0, 40))} ${describeModel(model, handler === "loader")}`,
    traits: ({ model }) => (handler === "loader" ? ["query", ...modelTraits(model).slice(1)] : modelTraits(model)),
    // Never paid: B's attempt and invoice stay as they are (a forged result carries no right refdet
    // and amount). Every call leaves a payment_events row by design (public.apply_payment_result in
    // supabase/migrations/20261126000300_payments.sql), but a small one: what a visitor can
    // make the portal store is bounded.
    shapes: [redirectTo(/^\/paiement\/retour(\?tentative=[0-9a-f-]{36})?$/, "payment_events"), anyFrenchRefusal],
    stored: async (changed) => {
      if (!changed.includes("payment_events")) return null;
      const { rows } = await db.pg.query<{ n: number }>("select octet_length(payload::text)::int as n from portal.payment_events order by id desc limit 1");
      const size = rows[0]?.n ?? 0;
      return size > MAX_EVENT_BYTES ? `an anonymous call stored a payment_events row over ${MAX_EVENT_BYTES / 1024} KB (${Math.round(size / 1024)} KB)` : null;
    },
    valid: async () => {
      const p = await visitor().call(tipiResult.loader, `/paiement/resultat-tipi/${NO_TOKEN}`, undefined, { jeton: NO_TOKEN });
      expect(p).toRedirectTo("/paiement/retour");
    },
  };
}

// The local simulator's SOAP endpoint (a payment callback path: the portal posts to it server to server).

interface SoapInput {
  operation: string;
  args: [string, Val][];
  mutation: number;
  contentType: string | null;
}

const SOAP_ARGS = ["exer", "mel", "montant", "numcli", "objet", "refdet", "saisie", "urlnotif", "urlredirect", "idOp"];
const soapArb: fc.Arbitrary<SoapInput> = fc.record({
  operation: c("creerPaiementSecurise", "recupererDetailPaiementSecurise", "autreOperation"),
  args: fc.array(
    fc.tuple(
      c(...SOAP_ARGS),
      fc.oneof(c("004200", "2026", "T", "201800010100", "1234", "paiement@demo.fr", `${ORIGIN}/paiement/notification`, `${ORIGIN}/paiement/retour`), nastyValue),
    ),
    { maxLength: 10 },
  ),
  mutation: fc.noBias(fc.nat(19)),
  contentType: c("text/xml; charset=utf-8", "text/xml; charset=utf-8", "application/soap+xml", null, "application/json"),
});

function soapBody({ operation, args, mutation }: SoapInput): Uint8Array<ArrayBuffer> {
  const values = Object.fromEntries(args.map(([k, v]) => [k, valText(v)]));
  let xml =
    operation === "recupererDetailPaiementSecurise"
      ? recupererDetailPaiementSecuriseRequest(values.idOp ?? "")
      : creerPaiementSecuriseRequest(values as never).replace(/creerPaiementSecurise/g, operation);
  switch (mutation) {
    case 0: // entity expansion ("billion laughs")
      xml = `<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>${xml.replace(/<numcli>/, "<numcli>&b;")}`;
      break;
    case 1: // 20 000 nested elements
      xml = xml.replace("<arg0>", `<arg0>${"<n>".repeat(20_000)}${"</n>".repeat(20_000)}`);
      break;
    case 2: // cut in the middle
      xml = xml.slice(0, Math.floor(xml.length / 2));
      break;
    case 3: // character references outside Unicode, and unknown entities
      xml = xml.replace("<arg0>", "<arg0><objet>&#x110000;&#0;&nbsp;</objet>");
      break;
    case 4:
      return Uint8Array.from([0xff, 0xfe, 0x3c, 0x00, 0x61, 0x00, 0xc0, 0x80]);
    case 5:
      return new TextEncoder().encode(JSON.stringify(values));
  }
  return new TextEncoder().encode(xml);
}

const soapTarget: Target<SoapInput> = {
  route: "simulateur-dgfip.tpa.services.securite",
  handler: "action",
  caller: "anonymous",
  path: "/simulateur-dgfip/tpa/services/securite",
  arb: soapArb,
  request: (input) => ({ method: "POST", path: "/simulateur-dgfip/tpa/services/securite", body: soapBody(input), contentType: input.contentType }),
  describe: (input) => `${input.operation} mutation#${input.mutation < 6 ? input.mutation : "-"} ${JSON.stringify(input.args).slice(0, 200)}`,
  traits: (input) => [`soap mutation#${input.mutation < 6 ? input.mutation : "-"}`],
  // SOAP 1.1 faults travel as HTTP 500, as DGFiP sends them; their libellé is French.
  allow5xx: (p) => p.status === 500 && p.body.includes("<faultcode>"),
  shapes: [
    (p) => {
      if (p.status !== 500 || !p.body.includes("<faultcode>")) return null;
      const libelle = /<libelle>([^<]*)<\/libelle>/.exec(p.body)?.[1];
      return libelle && frenchProblem({ message: libelle }) === null ? ok() : bad(`SOAP fault without a French libellé (${libelle})`);
    },
    (p) => (p.status === 200 && p.body.includes("<idOp>") ? ok() : null),
  ],
  valid: async () => {
    const request = new Request(`${ORIGIN}/simulateur-dgfip/tpa/services/securite`, {
      method: "POST",
      headers: { "content-type": "text/xml; charset=utf-8" },
      body: recupererDetailPaiementSecuriseRequest("idop-inconnu"),
    });
    const answer = (await soapEndpoint.action({ request, params: {}, context: {} })) as Response;
    expect([answer.status, (await answer.text()).includes("<code>P1</code>")]).toEqual([500, true]);
  },
};

TARGETS.push(
  fuzzable(tipiTarget("loader")),
  fuzzable(tipiTarget("action")),
  fuzzable(soapTarget),
  queryTarget({
    route: "simulateur-dgfip.tpa.services.securite",
    caller: "anonymous",
    path: "/simulateur-dgfip/tpa/services/securite",
    spec: { wsdl: c("", "1") },
    shapes: [(p) => (p.status === 405 && p.body === "Méthode non autorisée" ? ok() : null)],
    valid: async () => {
      expect((await visitor().call(soapEndpoint.loader, "/simulateur-dgfip/tpa/services/securite")).status).toBe(405);
    },
  }),
  // The e-mail links' page (GET shows a button; a bad link, a French page).
  queryTarget({
    route: "auth.confirm",
    caller: "anonymous",
    path: "/auth/confirm",
    spec: {
      token_hash: fc.oneof(fc.stringMatching(/^[A-Za-z0-9_-]{8,64}$/), c("court", "a".repeat(201), NO_TOKEN)),
      type: c(...AUTH_LINK_TYPES, "signup", ""),
      next: c("/accueil", "//evil.example", "a".repeat(501)),
    },
    shapes: [
      (p) => (p.status === 200 && typeof p.data === "object" && p.data !== null && (p.data as { link?: unknown }).link ? ok() : null),
      (p) =>
        p.status === 400 && [null, ...AUTH_LINK_TYPES].includes((p.data as { failedType?: string | null }).failedType as never) && (p.data as { link?: unknown }).link === null
          ? ok()
          : null,
    ],
    valid: async () => {
      expect((await visitor().call(confirmLink.loader, `/auth/confirm?type=recovery&token_hash=${NO_TOKEN}`)).status).toBe(200);
    },
  }),
);

// Route modules, found at run time -----------------------------------------------------------------

const ROUTES_DIR = new URL("../../app/routes/", import.meta.url);
type RouteModule = Partial<Record<"loader" | "action", Handler>>;
const modules = new Map<string, RouteModule>();

async function loadRouteModules() {
  for (const entry of readdirSync(ROUTES_DIR, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const file = readdirSync(new URL(`${entry.name}/`, ROUTES_DIR)).find((f) => /^route\.(ts|tsx|js|jsx)$/.test(f));
    if (file) modules.set(entry.name, (await import(/* @vite-ignore */ new URL(`${entry.name}/${file}`, ROUTES_DIR).pathname)) as RouteModule);
  }
}


// The world ----------------------------------------------------------------------------------------

beforeAll(async () => {
  server.listen({ onUnhandledRequest: "error" });
  await loadRouteModules();
  ({ db } = await startPortal());
  for (const user of [EMAIL_USER, PASSWORD_USER, LINK_USER, LOGOUT_USER, CLOSURE_USER]) {
    const id = await createAuthUser(db, user.email, user.password);
    if (user === LOGOUT_USER) logoutUserId = id;
  }
  browsers.set("residentA", await signIn(A, "2001:db8:f022:a::1"));
  const browserB = await signIn(B, "2001:db8:f022:b::1");
  browsers.set("residentB", browserB);
  browsers.set("emailUser", await signIn(EMAIL_USER, "2001:db8:f022:c::1"));
  browsers.set("passwordUser", await signIn(PASSWORD_USER, "2001:db8:f022:d::1"));
  browsers.set("closureUser", await signIn(CLOSURE_USER, "2001:db8:f022:e::1"));
  // B starts a classic TIPI payment: its urlcl token is tried with forged results.
  const started = await browserB.call(demarrer.action, "/paiement/demarrer", { facture: invoice(204) });
  const form = (started.data as { tipiForm: { fields: [string, string][] } }).tipiForm;
  tipiToken = Object.fromEntries(form.fields).urlcl!.split("/").pop()!;
  // What the routes log when they fail is the fuzz's expected noise; the rules below judge the answers.
  consoleSpies = [
    vi.spyOn(console, "error").mockImplementation((...args: unknown[]) => void logged.push(args)),
    vi.spyOn(console, "warn").mockImplementation(() => {}),
  ];
});

afterAll(async () => {
  for (const spy of consoleSpies) spy.mockRestore();
  server.close();
  vi.unstubAllEnvs();
  await outboxIdle();
  await db?.close();
});

// 1. Inventory --------------------------------------------------------------------------------------

describe("fuzz inventory", () => {
  it("fuzzes every action of app/routes/ and the loaders of every payment callback, and nothing that is gone", () => {
    const wanted = new Set<string>();
    for (const [name, mod] of modules) if (typeof mod.action === "function") wanted.add(`${name} action`);
    // Payment callbacks and job endpoints (server/payment.js): their loaders too, where they have one.
    // A path is exact, or (urlcl) a pattern: a target matches it when its path is the callback's
    // or, for the pattern, when its path is the pattern's fixed start.
    const matches = (callback: string | RegExp, path: string) =>
      typeof callback === "string" ? path === callback : callback.source.replace(/\\\//g, "/").startsWith(`^${path}`);
    for (const callback of [...PAYMENT_CALLBACK_PATHS, ...CRON_PATHS]) {
      const routes = TARGETS.filter((t) => matches(callback, t.path)).map((t) => t.route);
      expect(routes.length, `no target for the callback ${String(callback)}`).toBeGreaterThan(0);
      if (!PAYMENT_CALLBACK_PATHS.includes(callback)) continue;
      for (const route of routes) if (typeof modules.get(route)?.loader === "function") wanted.add(`${route} loader`);
    }
    const covered = new Set(TARGETS.map((t) => `${t.route} ${t.handler}`));
    expect([...wanted].filter((w) => !covered.has(w)), "actions and callback loaders without a fuzz target").toEqual([]);
    const gone = TARGETS.filter((t) => typeof modules.get(t.route)?.[t.handler] !== "function").map((t) => t.name);
    expect(gone, "fuzz targets whose route module or handler is gone").toEqual([]);
  });
});

// 2. The fuzz ---------------------------------------------------------------------------------------

const timings: string[] = [];

describe(`fuzz: ${RUNS} malformed requests per action and callback (seed ${FUZZ_SEED})`, () => {
  for (const t of TARGETS) {
    it(
      t.name,
      async () => {
        const handler = modules.get(t.route)?.[t.handler];
        expect(handler, `${t.route} exports ${t.handler}`).toBeTypeOf("function");
        const started = Date.now();
        const violations = await t.run(handler!);
        const classes = report(violations);
        timings.push(`${t.name}: ${RUNS} runs in ${((Date.now() - started) / 1000).toFixed(1)} s, ${violations.length} bad answers in ${classes.length} classes`);
        if (REPORT) {
          const seen = [...answers].sort((a, b) => b[1] - a[1]).map(([answer, n]) => `${answer} ×${n}`);
          console.info(`${timings[timings.length - 1]}\n  answers: ${seen.join(", ")}${classes.map((line) => `\n  ${line}`).join("")}`);
        }
        // The server still answers: a valid request right after the run succeeds.
        const stillAnswers = await t.valid().then(
          () => "yes",
          (error: unknown) => `no: ${String(error).slice(0, 300)}`,
        );
        expect(
          { classes, stillAnswers },
          `${t.name}: answers that break the rules (rule ‖ body kind — count, traits shared by all; examples)`,
        ).toEqual({ classes: [], stillAnswers: "yes" });
      },
      Math.max(60_000, RUNS * 400),
    );
  }
});
