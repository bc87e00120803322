
/**
 * Fired by `<amoiq-chat-input>` when the visitor sends the text they typed.
 */
export class AmoiqInputSubmitEvent extends CustomEvent<{ text: string }> {
  static readonly eventName = 'amoiq-input-submit';

  constructor(detail: { text: string }) {
    super(AmoiqInputSubmitEvent.eventName, { detail, bubbles: true, composed: false });
  }
}

declare global {
  interface HTMLElementEventMap {
    'amoiq-input-submit': AmoiqInputSubmitEvent;
  }
}
