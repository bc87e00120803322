import type { ChatErrorCode } from '../protocol/errors.js';

/** What an `amoiq-error` says: a code of the protocol or of the client, and a readable message. */
export interface ErrorEventDetail {
  code: ChatErrorCode;
  message: string;
}

/**
 * Fired by `<amoiq-chat>` when something needs the host page's attention: a message refused by the server, an
 * invalid configuration, an oversized message. `detail.code` is a {@link ChatErrorCode}.
 */
export class AmoiqErrorEvent extends CustomEvent<ErrorEventDetail> {
  static readonly eventName = 'amoiq-error';

  constructor(detail: ErrorEventDetail) {
    super(AmoiqErrorEvent.eventName, { detail, bubbles: true, composed: true });
  }
}

declare global {
  interface HTMLElementEventMap {
    'amoiq-error': AmoiqErrorEvent;
  }
}
