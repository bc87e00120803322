import type { Attachment } from '../protocol/v1.js';

/**
 * Fired by `<amoiq-chat-input>` when the visitor sends the text they typed, with the files
 * uploaded for the message (the text may then be empty).
 *
 * Internal: it does not leave `<amoiq-chat>`'s shadow root (not composed) and is not part of the
 * package's API.
 * @internal
 */
export class AmoiqInputSubmitEvent extends CustomEvent<{ text: string; attachments?: Attachment[] }> {
  static readonly eventName = 'amoiq-input-submit';

  constructor(detail: { text: string; attachments?: Attachment[] }) {
    super(AmoiqInputSubmitEvent.eventName, { detail, bubbles: true, composed: false });
  }
}

declare global {
  interface HTMLElementEventMap {
    'amoiq-input-submit': AmoiqInputSubmitEvent;
  }
}
