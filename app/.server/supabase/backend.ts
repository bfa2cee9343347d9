import type { Env } from "../env";
import type { Backend } from "../ports/backend";
import { createSupabaseAccounts, requestClientOf } from "./accounts";
import { createAnonClient, createServiceRoleClient } from "./clients";
import { selectMailTransport } from "../mail-transport";
import { createSupabaseInvoiceFiles } from "./files";
import { createSupabaseRpc } from "./rpc";
import { createResidentData } from "../data/resident";
import { createOutbox, createPaymentResults } from "../data/server-side";
import { createAccountRules, createDataPort } from "../data/public-side";
import { supabaseSettings } from "./settings";
import { createRetention } from "../retention";
import { createReminders } from "../data/reminders";
import { createMailLinks, secretBytes } from "../reminders-links";

/**
 * The production adapters (Supabase). Loaded lazily by app/.server/backend.ts when SUPABASE_URL
 * is set. Tested against MSW handlers that reproduce Supabase's HTTP API (tests/supabase/).
 * No embedded extras (getEmbeddedExtras() is null): auth e-mails leave through Supabase Auth
 * (local: Mailpit, `supabase start`) and payments go to DGFiP.
 */
export async function createSupabaseBackend(config: Env): Promise<Backend> {
  const settings = supabaseSettings(config);
  const [anon, serviceRole] = await Promise.all([createAnonClient(settings), createServiceRoleClient(settings)]);
  // The server's own calls: anon-key client for what anyone may read, service-role client else.
  const anonRpc = createSupabaseRpc(async () => anon);
  const serviceRpc = createSupabaseRpc(async () => serviceRole);
  return {
    kind: "supabase",
    // Written once over Rpc for both backends (app/.server/data/public-side.ts).
    data: createDataPort({ anon: anonRpc, service: serviceRpc }),
    accounts: createSupabaseAccounts(settings, serviceRole),
    accountRules: createAccountRules(serviceRpc),
    // The same request client as `accounts` (the resident's JWT), never a second one: one
    // PostgREST request per page (public.*_page()).
    residentData: (accounts, _user) => createResidentData(createSupabaseRpc(requestClientOf(accounts))),
    residentFiles: (accounts, _user) => createSupabaseInvoiceFiles(requestClientOf(accounts)),
    // The server's own ports, written once over Rpc (app/.server/data/server-side.ts).
    outbox: createOutbox(serviceRpc),
    paymentResults: createPaymentResults(serviceRpc),
    mailTransport: selectMailTransport(config),
    retention: createRetention(serviceRpc),
    reminders: createReminders(serviceRpc),
    // No MAIL_LINK_SECRET: no link, so reminders wait in the outbox and /desabonnement is a 404.
    mailLinks: createMailLinks(async () => (config.MAIL_LINK_SECRET ? secretBytes(config.MAIL_LINK_SECRET) : null), config.siteOrigin),
  };
}
