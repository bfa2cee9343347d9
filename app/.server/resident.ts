import { redirect } from "@remix-run/server-runtime";
import { requireUser } from "./accounts";
import { getBackend } from "./backend";
import { SessionEndedError } from "./data/rpc";
import type { RequestAccounts } from "./ports/accounts";

/**
 * Every page behind login starts here: the verified user, their accounts object (whose
 * headers must go on the response), and the data and files ports that read as that user,
 * through RLS.
 *
 * SQL checks in the same call that the Auth session is still live (portal.require_live_session):
 * when a port call finds it ended (logout elsewhere, a new login, a password change), the session
 * is ended here too (its cookies cleared) and the resident is sent to the login page, which comes
 * back to this page — and, seeing no user, does not send them back here (no loop).
 */
export async function requireResident(request: Request) {
  const { user, accounts } = await requireUser(request);
  const backend = await getBackend();
  const onEnded = () => sessionEnded(request, accounts);
  return {
    user,
    accounts,
    data: endingSessionOn(backend.residentData(accounts, user), onEnded),
    files: endingSessionOn(backend.residentFiles(accounts, user), onEnded),
  };
}

/** The same port, whose methods turn a SessionEndedError into `onEnded()` (which throws). */
function endingSessionOn<P extends object>(port: P, onEnded: () => Promise<never>): P {
  const wrapped = {} as Record<string, unknown>;
  for (const [name, value] of Object.entries(port)) {
    wrapped[name] =
      typeof value === "function"
        ? async (...args: unknown[]) => {
            try {
              return await (value as (...a: unknown[]) => Promise<unknown>).apply(port, args);
            } catch (error) {
              if (error instanceof SessionEndedError) return onEnded();
              throw error;
            }
          }
        : value;
  }
  return wrapped as P;
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
  throw redirect(target, { headers: accounts.headers });
}
