
/**
 * Fired by `<amoiq-chat>` when something needs the host page's attention: a message refused by the server, an
 * invalid configuration, an oversized message.
 */
export class AmoiqErrorEvent extends CustomEvent<{ code: string; message: string }> {
  static readonly eventName = 'amoiq-error';

  constructor(detail: { code: string; message: string }) {
    super(AmoiqErrorEvent.eventName, { detail, bubbles: true, composed: true });
  }
}

declare global {
  interface HTMLElementEventMap {
    'amoiq-error': AmoiqErrorEvent;
  }
}
