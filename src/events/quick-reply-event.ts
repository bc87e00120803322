
/**
 * Fired by `<amoiq-message-list>` when the visitor picks one of the quick replies offered under
 * the newest agent or AI message; the root sends `text` as the visitor's message.
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
