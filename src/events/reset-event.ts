/**
 * Fired by `<amoiq-chat>` when `reset()` is about to clear the visitor's local state. Cancel it
 * (`preventDefault()`) to keep everything; `detail.unsent` counts messages not delivered yet.
 */
export class AmoiqResetEvent extends CustomEvent<{ unsent: number }> {
  static readonly eventName = 'amoiq-reset';

  constructor(detail: { unsent: number }) {
    super(AmoiqResetEvent.eventName, { detail, bubbles: true, composed: true, cancelable: true });
  }
}

declare global {
  interface HTMLElementEventMap {
    'amoiq-reset': AmoiqResetEvent;
  }
}
