import { data } from "@remix-run/server-runtime";
import type { RequestAccounts } from "./ports/accounts";
import type { Backend } from "./ports/backend";
import { requireAnonymous } from "./accounts";
import { getBackend } from "./backend";
import { withSession } from "./session-response";

/** What a page adds to the portal's name: fixed data, or data it loads beside it. */
export type PageExtra<T> = T | ((backend: Backend) => Promise<T>);

/**
 * The loader of a page before login (connexion, activation, mot de passe, contact): the portal's
 * name, what the page adds (`extra`: fixed, or loaded beside it), and the session's headers. The caller has
 * checked who may see the page (anonymousPage does the usual check).
 */
export async function publicPage<T extends object = object>(accounts: RequestAccounts, extra?: PageExtra<T>) {
  const backend = await getBackend();
  const [info, more] = await Promise.all([backend.data.portalPublicInfo(), typeof extra === "function" ? extra(backend) : ((extra ?? {}) as T)]);
  return data({ ...more, portalName: info.portalName }, withSession(accounts));
}

/** publicPage for a visitor not signed in; a signed-in resident goes to the home page. */
export async function anonymousPage<T extends object = object>(request: Request, extra?: PageExtra<T>) {
  return publicPage(await requireAnonymous(request), extra);
}
