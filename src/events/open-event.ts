/**
 * Fired by `<amoiq-chat>` when the panel opens (by the visitor, a method call or `auto-open`).
 */
export class AmoiqOpenEvent extends CustomEvent<Record<string, never>> {
  static readonly eventName = 'amoiq-open';

  constructor(detail: Record<string, never> = {}) {
    super(AmoiqOpenEvent.eventName, { detail, bubbles: true, composed: true });
  }
}

declare global {
  interface HTMLElementEventMap {
    'amoiq-open': AmoiqOpenEvent;
  }
}
