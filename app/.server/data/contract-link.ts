import type { ContractLinkResult, ResidentContractLinkPort } from "../ports/contract-link";
import { callJson, type Rpc } from "./rpc";

/**
 * « Rattacher un contrat » over `rpc`, for both backends: one call of public.contract_link_page()
 * or public.link_contract() (supabase/migrations/20261205090100_contract_links.sql), whose
 * snake_case JSON is mapped here to app/.server/ports/contract-link.ts.
 */
export function residentContractLink(rpc: Rpc): ResidentContractLinkPort {
  return {
    async contractLinkPage() {
      const page = await callJson<{ frame: { portal_name: string; display_name: string | null }; services: { service_id: string; service_name: string }[] }>(
        rpc,
        "contract_link_page",
      );
      return {
        frame: { portalName: page.frame.portal_name, displayName: page.frame.display_name ?? "" }, services: page.services.map((s) => ({ serviceId: s.service_id, serviceName: s.service_name })),
      };
    },
    async linkContract({ serviceId, customerNumber, invoiceNumber, amountCents }): Promise<ContractLinkResult> {
      const answer = await callJson<LinkJson>(rpc, "link_contract", {
        p_service_id: serviceId,
        p_customer_number: customerNumber,
        p_invoice_number: invoiceNumber,
        p_amount_cents: amountCents,
      });
      switch (answer.outcome) {
        case "linked":
        case "already_yours":
          return { outcome: answer.outcome, serviceName: answer.service_name ?? "", customerNumber: answer.customer_number ?? "" };
        case "throttled":
          return { outcome: "throttled", retryAt: answer.retry_at ?? "" };
        case "linked_elsewhere":
        case "refused":
          return { outcome: answer.outcome };
        default:
          throw rpc.answerError("link_contract", `answered an unknown outcome ${JSON.stringify(answer.outcome)}`);
      }
    },
  };
}

interface LinkJson {
  outcome: string;
  retry_at?: string;
  service_name?: string;
  customer_number?: string;
}
