/**
 * Fired by `<amoiq-chat>` when the visitor started a new conversation after an agent closed the
 * previous one; `detail.conversationId` is the new conversation's id.
 */
export class AmoiqNewConversationEvent extends CustomEvent<{ conversationId?: string }> {
  static readonly eventName = 'amoiq-new-conversation';

  constructor(detail: { conversationId?: string }) {
    super(AmoiqNewConversationEvent.eventName, { detail, bubbles: true, composed: true });
  }
}

declare global {
  interface HTMLElementEventMap {
    'amoiq-new-conversation': AmoiqNewConversationEvent;
  }
}
