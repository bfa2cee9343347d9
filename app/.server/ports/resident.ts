import type { ResidentCertificatesPort } from "./certificates";
import type { ResidentContactPort } from "./contact";
import type { ResidentContractLinkPort } from "./contract-link";
import type { InvoiceFilesPort } from "./files";
import type { ResidentHomePort, ResidentInfoPort, ResidentInvoicesPort } from "./invoices";
import type { ResidentPaymentPort } from "./payment";
import type { ResidentPersonalDataPort } from "./personal-data";
import type { ResidentRemindersPort } from "./reminders";

/**
 * The signed-in resident's ports, by domain: what requireResident (app/.server/resident.ts) may
 * hand a route, each only when the route asks for it (`requireResident(request, { payment: true })`).
 */
export interface ResidentPorts {
  home: ResidentHomePort;
  invoices: ResidentInvoicesPort;
  info: ResidentInfoPort;
  payment: ResidentPaymentPort;
  contact: ResidentContactPort;
  files: InvoiceFilesPort;
  personalData: ResidentPersonalDataPort;
  certificates: ResidentCertificatesPort;
  contractLink: ResidentContractLinkPort;
  reminders: ResidentRemindersPort;
}

/** The domains whose ports read and write through the resident's SQL functions (all but files). */
export type ResidentDataDomain = Exclude<keyof ResidentPorts, "files">;

/**
 * Every SQL-backed port of the resident in one object, as an adapter builds it
 * (Backend.residentData; written once over Rpc in app/.server/data/resident.ts).
 */
export type ResidentDataPort = ResidentHomePort &
  ResidentInvoicesPort &
  ResidentInfoPort &
  ResidentPaymentPort &
  ResidentContactPort &
  ResidentPersonalDataPort &
  ResidentCertificatesPort &
  ResidentContractLinkPort &
  ResidentRemindersPort;
