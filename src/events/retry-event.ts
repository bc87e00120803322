/**
 * Fired by `<amoiq-message-list>` when the visitor asks to send a failed message again.
 *
 * Internal: it does not leave `<amoiq-chat>`'s shadow root (not composed) and is not part of the
 * package's API.
 * @internal
 */
export class AmoiqRetryEvent extends CustomEvent<{ clientId: string }> {
  static readonly eventName = 'amoiq-retry';

  constructor(detail: { clientId: string }) {
    super(AmoiqRetryEvent.eventName, { detail, bubbles: true, composed: false });
  }
}

declare global {
  interface HTMLElementEventMap {
    'amoiq-retry': AmoiqRetryEvent;
  }
}
