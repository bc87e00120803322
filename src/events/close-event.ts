/**
 * Fired by `<amoiq-chat>` when the panel closes.
 */
export class AmoiqCloseEvent extends CustomEvent<Record<string, never>> {
  static readonly eventName = 'amoiq-close';

  constructor(detail: Record<string, never> = {}) {
    super(AmoiqCloseEvent.eventName, { detail, bubbles: true, composed: true });
  }
}

declare global {
  interface HTMLElementEventMap {
    'amoiq-close': AmoiqCloseEvent;
  }
}
