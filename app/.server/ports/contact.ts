import type { PageFrame } from "./invoices";
import type { LegalPort } from "./legal";

/**
 * Public side and contact ports: what anyone may read (portal name, services one can write
 * to), the visitor's contact message (SQL public.portal_public_info & co), and the signed-in
 * resident's contact page and message.
 */

export interface PortalPublicInfo {
  portalName: string;
}

/** LegalPort: the legal notices and personal data page (public.legal_info(), app/.server/ports/legal.ts). */
export interface DataPort extends LegalPort {
  /** Asks the database something trivial; throws when it does not answer. */
  ping(): Promise<void>;
  /** What the login page may show to anyone (SQL: public.portal_public_info()). */
  portalPublicInfo(): Promise<PortalPublicInfo>;
  /** Services a visitor may write to, with their other contact means (public.public_contact_services()). */
  publicContactServices(): Promise<ContactService[]>;
  /**
   * A message from a visitor who is not signed in (public.send_public_contact_message, service
   * role): throttled per e-mail and per client, stored and e-mailed in one transaction.
   */
  sendPublicContactMessage(input: PublicContactInput): Promise<PublicContactResult>;
}

/** A service one can write to, and its other contact means (`services.general_info`). */
export interface ContactService {
  serviceId: string;
  serviceName: string;
  generalInfo: string;
  /** The service receives messages through the portal (it has a contact address). */
  acceptsMessages: boolean;
}

export interface ContactInput {
  serviceId: string;
  subject: string;
  body: string;
}

export interface PublicContactInput extends ContactInput {
  email: string;
  name: string;
  customerNumber: string;
  /** Client address, for throttling. */
  client: string;
}

export type PublicContactResult = { status: "sent" } | { status: "throttled"; retryAt: Date };

export interface ContactPage {
  frame: PageFrame;
  services: ContactService[];
}

/**
 * The signed-in resident's contact page and message (security invoker SQL, RLS; each call checks
 * first that the Auth session is still live, else SessionEndedError).
 */
export interface ResidentContactPort {
  /** public.contact_page() */
  contactPage(): Promise<ContactPage>;
  /** public.send_contact_message(): stores the message and its e-mail in one transaction; returns its id. */
  sendContactMessage(input: ContactInput): Promise<string>;
}
