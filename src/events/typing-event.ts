/**
 * Fired by `<amoiq-chat-input>` when the visitor starts or stops typing (at most once per state change).
 *
 * Internal: it does not leave `<amoiq-chat>`'s shadow root (not composed) and is not part of the
 * package's API.
 * @internal
 */
export class AmoiqTypingEvent extends CustomEvent<{ typing: boolean }> {
  static readonly eventName = 'amoiq-typing';

  constructor(detail: { typing: boolean }) {
    super(AmoiqTypingEvent.eventName, { detail, bubbles: true, composed: false });
  }
}

declare global {
  interface HTMLElementEventMap {
    'amoiq-typing': AmoiqTypingEvent;
  }
}
