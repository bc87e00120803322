import { html, nothing } from 'lit';
import type { AmoiqDictationEvent } from './dictation-button.js';

/**
 * The message box's place for dictation: renders `<amoiq-dictation-button>` where the browser has
 * the Web Speech API's recognizer (nothing elsewhere), loading the element's chunk the first time,
 * and puts the dictated words into the text box as if typed, after what the box held when the
 * session started. Kept apart from the message box so it stays one small import there.
 */
export class DictationSlot {
  private session = 0;
  private base = '';

  /** The button, or nothing where the browser cannot dictate; `box` is the message box's textarea. */
  render(box: () => HTMLTextAreaElement | undefined) {
    const scope = globalThis as { SpeechRecognition?: unknown; webkitSpeechRecognition?: unknown };
    if (!scope.SpeechRecognition && !scope.webkitSpeechRecognition) return nothing;
    if (!customElements.get('amoiq-dictation-button')) void import('./dictation-button.js').then((m) => m.defineDictationButton());
    return html`<amoiq-dictation-button
      exportparts="button: dictation-button, dictation-problem"
      class="dictation"
      @amoiq-dictation=${(e: AmoiqDictationEvent) => this.fill(box(), e)}
    ></amoiq-dictation-button>`;
  }

  private fill(textarea: HTMLTextAreaElement | undefined, e: AmoiqDictationEvent): void {
    if (!textarea) return;
    const { session, text } = e.detail;
    if (session !== this.session) {
      this.session = session;
      this.base = textarea.value.replace(/(\S)$/, '$1 ');
    }
    textarea.value = this.base + text;
    // As if typed: the box's own input handling (send button, counter, typing report) follows.
    textarea.dispatchEvent(new InputEvent('input', { bubbles: true, composed: true, inputType: 'insertText', data: text }));
  }
}
