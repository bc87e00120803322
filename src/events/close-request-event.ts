/**
 * Fired by `<amoiq-chat-header>` when the visitor asks to close the panel.
 *
 * Internal: it does not leave `<amoiq-chat>`'s shadow root (not composed) and is not part of the
 * package's API.
 * @internal
 */
export class AmoiqCloseRequestEvent extends CustomEvent<Record<string, never>> {
  static readonly eventName = 'amoiq-close-request';

  constructor(detail: Record<string, never> = {}) {
    super(AmoiqCloseRequestEvent.eventName, { detail, bubbles: true, composed: false });
  }
}

declare global {
  interface HTMLElementEventMap {
    'amoiq-close-request': AmoiqCloseRequestEvent;
  }
}
