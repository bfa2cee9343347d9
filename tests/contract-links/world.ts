import type { Database, Tx } from "~/.server/embedded/database";
import { asLiveUser, createAuthUser, SEED } from "../support/database";

/**
 * The contract-link tests' world (supabase/migrations/20261205090100_contract_links.sql): accounts
 * of their own, and contracts (customer records) of the seed's service 004200 whose e-mail is not
 * any account's, each with one invoice.
 */
export interface Contract {
  customerId: string;
  customerNumber: string;
  invoiceNumber: string;
  amountCents: number;
  email: string | null;
}

let next = 0;

/** A contract of service 004200 with one unpaid invoice (created as the service would import it). */
export async function createContract(db: Database, options: { email?: string | null; amountCents?: number } = {}): Promise<Contract> {
  next += 1;
  const n = String(next).padStart(4, "0");
  const contract = {
    customerNumber: `LIEN${n}`,
    invoiceNumber: `2026-077-00${n}`,
    amountCents: options.amountCents ?? 12_345,
    email: options.email === undefined ? `contrat${n}@exemple.fr` : options.email,
  };
  const { rows } = await db.pg.query<{ id: string }>(
    `with c as (insert into portal.customers (service_id, customer_number, display_name, email)
                values ($1, $2, 'Famille Rattachée ' || $2, $3) returning id)
     insert into portal.invoices (service_id, customer_id, number, issued_on, due_on, amount_cents, object)
     select $1, c.id, $4, '2026-10-01', '2026-10-31', $5, 'Eau potable' from c returning customer_id as id`,
    [SEED.serviceId, contract.customerNumber, contract.email, contract.invoiceNumber, contract.amountCents],
  );
  return { customerId: rows[0]!.id, ...contract };
}

export interface Account {
  userId: string;
  email: string;
}

/** An active account with no customer record (yet). */
export async function createAccount(db: Database, email: string): Promise<Account> {
  return { userId: await createAuthUser(db, email, "mot-de-passe-rattachement"), email };
}

export interface LinkAnswer {
  outcome: "linked" | "already_yours" | "linked_elsewhere" | "refused" | "throttled";
  retry_at?: string;
  service_name?: string;
  customer_number?: string;
}

/** public.link_contract as the account, with a live session, as the app calls it. */
export async function link(
  db: Database,
  account: Account,
  proof: { customerNumber: string; invoiceNumber: string; amountCents: number; serviceId?: string },
): Promise<LinkAnswer> {
  return asLiveUser(db, account.userId, account.email, async (tx: Tx) => {
    const { rows } = await tx.query<{ r: LinkAnswer }>("select public.link_contract($1, $2, $3, $4) as r", [
      proof.serviceId ?? SEED.serviceId,
      proof.customerNumber,
      proof.invoiceNumber,
      proof.amountCents,
    ]);
    return rows[0]!.r;
  });
}

/** The outbox rows of kind contract_linked sent to `to`. */
export async function linkMails(db: Database, to: string): Promise<{ subject: string; text_body: string; reply_to: string | null }[]> {
  const { rows } = await db.pg.query<{ subject: string; text_body: string; reply_to: string | null }>(
    "select subject, text_body, reply_to from portal.email_outbox where kind = 'contract_linked' and to_address = $1 order by created_at",
    [to],
  );
  return rows;
}
