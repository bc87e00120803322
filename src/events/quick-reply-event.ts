/**
 * Fired by `<amoiq-message-list>` when the visitor picks one of the quick replies offered under
 * the newest agent or AI message; the root sends `text` as the visitor's message.
 *
 * Internal: it does not leave `<amoiq-chat>`'s shadow root (not composed) and is not part of the
 * package's API.
 * @internal
 */
export class AmoiqQuickReplyEvent extends CustomEvent<{ text: string }> {
  static readonly eventName = 'amoiq-quick-reply';

  constructor(detail: { text: string }) {
    super(AmoiqQuickReplyEvent.eventName, { detail, bubbles: true, composed: false });
  }
}

declare global {
  interface HTMLElementEventMap {
    'amoiq-quick-reply': AmoiqQuickReplyEvent;
  }
}
