import { LitElement, html } from 'lit';
import { property, query, state } from 'lit/decorators.js';
import { AmoiqInputSubmitEvent } from '../../events/input-submit-event.js';
import { AmoiqTypingEvent } from '../../events/typing-event.js';
import { en } from '../../i18n/en.js';
import { MAX_MESSAGE_LENGTH } from '../../protocol/v1.js';
import { sharedStyles } from '../../styles/shared.js';
import { styles } from './chat-input.styles.js';

/** Stop reporting typing after this long without a keystroke. */
const TYPING_IDLE_MS = 3_000;

/**
 * The message box: a growing multi-line textarea and a send button. Enter sends, Shift+Enter
 * starts a new line, and an IME composition never sends early.
 *
 * @tag amoiq-chat-input
 * @summary Text box and send button of the chat panel.
 *
 * @fires {AmoiqInputSubmitEvent} amoiq-input-submit - The visitor sent the text (already trimmed, never empty).
 * @fires {AmoiqTypingEvent} amoiq-typing - The visitor started or stopped typing.
 *
 * @csspart base - The input bar.
 * @csspart textarea - The text box.
 * @csspart send-button - The send button.
 *
 * @cssprop [--amoiq-chat-input-background=var(--amoiq-chat-surface-color, #fff)] - Bar background.
 * @cssprop [--amoiq-chat-input-radius=1.25rem] - Corner radius of the text box.
 */
export class AmoiqChatInput extends LitElement {
  static override styles = [sharedStyles, styles];
  static override shadowRootOptions = { ...LitElement.shadowRootOptions, delegatesFocus: true };

  /** Placeholder of the text box. */
  @property() placeholder = en.placeholder;

  /** Longest text accepted, in characters. */
  @property({ type: Number, attribute: 'max-length' }) maxLength = MAX_MESSAGE_LENGTH;

  @state() private value = '';
  @query('textarea') private textarea!: HTMLTextAreaElement;

  private typing = false;
  private idleTimer?: ReturnType<typeof setTimeout>;

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.setTyping(false);
  }

  /** Moves focus to the text box. */
  override focus(options?: FocusOptions): void {
    this.textarea?.focus(options);
  }

  override render() {
    return html`
      <form part="base" class="base" @submit=${this.handleSubmit}>
        <label for="text" class="visually-hidden">${en.messageLabel}</label>
        <textarea
          part="textarea"
          id="text"
          rows="1"
          enterkeyhint="send"
          maxlength=${this.maxLength}
          placeholder=${this.placeholder}
          .value=${this.value}
          @input=${this.handleInput}
          @keydown=${this.handleKeydown}
        ></textarea>
        <button part="send-button" class="send" type="submit" aria-label=${en.send} ?disabled=${!this.value.trim()}>
          <svg viewBox="0 0 24 24" aria-hidden="true"><path d="M3.4 20.4 21 12 3.4 3.6 3.4 10l12.6 2-12.6 2z" /></svg>
        </button>
      </form>
    `;
  }

  private handleInput(e: InputEvent): void {
    this.value = (e.target as HTMLTextAreaElement).value;
    this.setTyping(this.value.trim() !== '');
    clearTimeout(this.idleTimer);
    if (this.typing) this.idleTimer = setTimeout(() => this.setTyping(false), TYPING_IDLE_MS);
  }

  private handleKeydown(e: KeyboardEvent): void {
    // keyCode 229 is what some browsers report while an IME composes.
    if (e.key !== 'Enter' || e.shiftKey || e.isComposing || e.keyCode === 229) return;
    e.preventDefault();
    this.submit();
  }

  private handleSubmit(e: SubmitEvent): void {
    e.preventDefault();
    this.submit();
  }

  private submit(): void {
    const text = this.value.trim();
    if (!text) return;
    this.dispatchEvent(new AmoiqInputSubmitEvent({ text }));
    this.value = '';
    this.textarea.value = '';
    this.setTyping(false);
  }

  private setTyping(typing: boolean): void {
    if (!typing) clearTimeout(this.idleTimer);
    if (typing === this.typing) return;
    this.typing = typing;
    this.dispatchEvent(new AmoiqTypingEvent({ typing }));
  }
}
