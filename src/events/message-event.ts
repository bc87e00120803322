import type { ChatMessage } from '../services/chat-service.js';

/**
 * Fired by `<amoiq-chat>` when the server stored a message of the visitor (`direction: "sent"`) or a new message
 * from the other side arrived (`direction: "received"`).
 */
export class AmoiqMessageEvent extends CustomEvent<{ message: ChatMessage; direction: 'sent' | 'received' }> {
  static readonly eventName = 'amoiq-message';

  constructor(detail: { message: ChatMessage; direction: 'sent' | 'received' }) {
    super(AmoiqMessageEvent.eventName, { detail, bubbles: true, composed: true });
  }
}

declare global {
  interface HTMLElementEventMap {
    'amoiq-message': AmoiqMessageEvent;
  }
}
