/**
 * Fired by `<amoiq-emoji-picker>` when the visitor picks an emoji (click, Enter or Space).
 *
 * Internal: it does not leave `<amoiq-chat>`'s shadow root (not composed) and is not part of the
 * package's API.
 * @internal
 */
export class AmoiqEmojiSelectEvent extends CustomEvent<{ emoji: string }> {
  static readonly eventName = 'amoiq-emoji-select';

  constructor(detail: { emoji: string }) {
    super(AmoiqEmojiSelectEvent.eventName, { detail, bubbles: true, composed: false });
  }
}

/**
 * Fired by `<amoiq-emoji-picker>` when the visitor presses Escape in it: the owner closes it and
 * returns focus to the button that opened it.
 *
 * Internal: it does not leave `<amoiq-chat>`'s shadow root (not composed) and is not part of the
 * package's API.
 * @internal
 */
export class AmoiqEmojiCloseEvent extends CustomEvent<Record<string, never>> {
  static readonly eventName = 'amoiq-emoji-close';

  constructor() {
    super(AmoiqEmojiCloseEvent.eventName, { detail: {}, bubbles: true, composed: false });
  }
}

declare global {
  interface HTMLElementEventMap {
    'amoiq-emoji-select': AmoiqEmojiSelectEvent;
    'amoiq-emoji-close': AmoiqEmojiCloseEvent;
  }
}
