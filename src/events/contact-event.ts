import type { ContactDetails } from '../services/chat-service.js';

/** Detail of {@link AmoiqContactEvent}. */
export interface ContactEventDetail {
  /** What the visitor gave (as stored by the server). */
  contact: ContactDetails;
  /** Where: the pre-chat form, or the e-mail field of the away banner. */
  source: 'pre-chat' | 'away';
}

/**
 * Fired by `<amoiq-chat>` (from its pre-chat form or away banner) once the server stored the
 * contact details the visitor submitted.
 */
export class AmoiqContactEvent extends CustomEvent<ContactEventDetail> {
  static readonly eventName = 'amoiq-contact';

  constructor(detail: ContactEventDetail) {
    super(AmoiqContactEvent.eventName, { detail, bubbles: true, composed: true });
  }
}

declare global {
  interface HTMLElementEventMap {
    'amoiq-contact': AmoiqContactEvent;
  }
}
