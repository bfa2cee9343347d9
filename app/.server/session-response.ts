import { combineResponseInits } from "~/utils/headers";

/**
 * The one way a route answers with the session's headers (docs/decisions/0021-forms.md). The
 * accounts object of a request collects the cookies of a refreshed or ended Supabase session in
 * `headers`; a response that leaves them out silently drops that session. Every `data()`,
 * `redirect()` and `redirectDocument()` of a route that has an accounts object takes its init
 * from here:
 *
 *   return data(value, withSession(accounts));
 *   return data(value, withSession(accounts, { status: 400 }));
 *   throw redirect("/connexion", withSession(accounts, { headers: { "Set-Cookie": cookie } }));
 *
 * A bare status is accepted too: `withSession(accounts, 429)`.
 */
export function withSession(accounts: { readonly headers: HeadersInit }, init?: ResponseInit | number): ResponseInit {
  const own = typeof init === "number" ? { status: init } : init;
  return combineResponseInits({ headers: accounts.headers }, own);
}
