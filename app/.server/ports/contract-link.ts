import type { PageFrame } from "./invoices";

/**
 * « Rattacher un contrat »: the signed-in resident links a customer record whose e-mail is not the
 * account's, by one of its invoices (supabase/migrations/20261205090100_contract_links.sql;
 * docs/decisions/0040-contract-links.md). Amounts are integer cents.
 */

export interface ContractLinkPage {
  frame: PageFrame;
  /** Every service of the portal, by name. */
  services: { serviceId: string; serviceName: string }[];
}

export interface ContractLinkProof {
  serviceId: string;
  customerNumber: string;
  invoiceNumber: string;
  amountCents: number;
}

/**
 * What SQL answered: linked (or already the caller's), linked to another account (contact the
 * service), refused (one answer for every mismatch), or throttled until `retryAt` (ISO).
 */
export type ContractLinkResult =
  | { outcome: "linked" | "already_yours"; serviceName: string; customerNumber: string }
  | { outcome: "linked_elsewhere" | "refused" }
  | { outcome: "throttled"; retryAt: string };

/** requireResident(request, { contractLink: true }) */
export interface ResidentContractLinkPort {
  /** public.contract_link_page() */
  contractLinkPage(): Promise<ContractLinkPage>;
  /** public.link_contract(service, customer number, invoice number, amount in cents) */
  linkContract(proof: ContractLinkProof): Promise<ContractLinkResult>;
}
