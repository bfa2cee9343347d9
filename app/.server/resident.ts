import { redirect } from "@remix-run/server-runtime";
import { requireUser } from "./accounts";
import { getBackend } from "./backend";
import { SessionEndedError } from "./data/rpc";
import type { RequestAccounts, SessionUser } from "./ports/accounts";
import type { ResidentDataDomain, ResidentDataPort, ResidentPorts } from "./ports/resident";
import { withSession } from "./session-response";

/** Which of the resident's ports a route asks for: `{ payment: true }`, `{ info: true, files: true }`… */
export type ResidentWants = { [K in keyof ResidentPorts]?: true };

/** What requireResident hands a route: the user, their accounts object and the ports it asked for. */
export type Resident<W extends ResidentWants> = {
  user: SessionUser;
  /** Its `headers` (cookies) must go on the response. */
  accounts: RequestAccounts;
} & { [K in keyof W & keyof ResidentPorts]: ResidentPorts[K] };

/**
 * The methods of each SQL-backed port (app/.server/ports/resident.ts). A route gets only the
 * methods of the ports it asked for: the whole resident port never reaches a route.
 */
const METHODS = {
  home: ["homePage"],
  invoices: ["invoicesPage", "invoicePage"],
  info: ["framePage", "infoPage", "requestPaperOptout"],
  payment: ["paymentPage", "paymentReturnPage", "startPayment", "setPaymentIdop", "failPaymentStart", "paymentsPage", "paymentReceipt"],
  contact: ["contactPage", "sendContactMessage"],
  personalData: ["personalData"],
  certificates: ["certificatesPage", "paymentCertificate"],
  contractLink: ["contractLinkPage", "linkContract"],
  reminders: ["remindersPage", "setReminders"],
} as const satisfies { [K in ResidentDataDomain]: readonly (keyof ResidentPorts[K])[] };

// Every method of every port is listed above: a method added to a port fails `npx tsc` here until it is.
type Unlisted = { [K in ResidentDataDomain]: Exclude<keyof ResidentPorts[K], (typeof METHODS)[K][number]> }[ResidentDataDomain];
const everyMethodListed: [Unlisted] extends [never] ? true : Unlisted = true;
void everyMethodListed;

/**
 * Every page behind login starts here: the verified user, their accounts object (whose headers
 * must go on the response), and the ports the route asks for, which read as that user through
 * RLS — `requireResident(request, { payment: true })` gives `{ user, accounts, payment }`.
 *
 * SQL checks in the same call that the Auth session is still live (portal.require_live_session):
 * when a port call finds it ended (logout elsewhere, a new login, a password change), the session
 * is ended here too (its cookies cleared) and the resident is sent to the login page, which comes
 * back to this page — and, seeing no user, does not send them back here (no loop). Every port
 * handed out is wrapped so.
 */
export async function requireResident<const W extends ResidentWants = Record<never, never>>(
  request: Request,
  wants: W = {} as W,
): Promise<Resident<W>> {
  const { user, accounts } = await requireUser(request);
  const backend = await getBackend();
  const onEnded = () => sessionEnded(request, accounts);
  const ports: Record<string, object> = {};
  let data: ResidentDataPort | null = null;
  for (const domain of Object.keys(METHODS) as ResidentDataDomain[]) {
    if (wants[domain] !== true) continue;
    data ??= backend.residentData(accounts, user);
    ports[domain] = endingSessionOn(data, METHODS[domain], onEnded);
  }
  if (wants.files === true) ports.files = endingSessionOn(backend.residentFiles(accounts, user), ["invoicePdf", "invoicePdfList"], onEnded);
  return { user, accounts, ...ports } as Resident<W>;
}

/** The named methods of `port`, each turning a SessionEndedError into `onEnded()` (which throws). */
function endingSessionOn<P extends object>(port: P, methods: readonly (keyof P & string)[], onEnded: () => Promise<never>): object {
  const wrapped: Record<string, unknown> = {};
  for (const name of methods) {
    const method = port[name] as (...a: unknown[]) => Promise<unknown>;
    wrapped[name] = async (...args: unknown[]) => {
      try {
        return await method.apply(port, args);
      } catch (error) {
        if (error instanceof SessionEndedError) return onEnded();
        throw error;
      }
    };
  }
  return wrapped;
}

async function sessionEnded(request: Request, accounts: RequestAccounts): Promise<never> {
  try {
    // Ends it on the server if it is not already, and clears the cookies (accounts.headers).
    await accounts.signOut();
  } catch (error) {
    console.error("ending a session SQL found dead failed", error);
  }
  const url = new URL(request.url);
  const back = `${url.pathname}${url.search}`;
  const target = back === "/" || back === "/accueil" ? "/connexion" : `/connexion?redirectTo=${encodeURIComponent(back)}`;
  throw redirect(target, withSession(accounts));
}
