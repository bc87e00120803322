import { LitElement, html, nothing } from 'lit';
import { property, query, state } from 'lit/decorators.js';
import { AmoiqInputSubmitEvent } from '../../events/input-submit-event.js';
import { AmoiqTypingEvent } from '../../events/typing-event.js';
import { LocaleConsumer } from '../../i18n/localize.js';
import { MAX_MESSAGE_LENGTH } from '../../protocol/v1.js';
import { sharedStyles } from '../../styles/shared.js';
import { styles } from './chat-input.styles.js';

/** Stop reporting typing after this long without a keystroke. */
const TYPING_IDLE_MS = 3_000;
/** The counter appears in the last tenth of the allowed length. */
const COUNTER_FROM = 0.9;

/**
 * The message box: a growing multi-line textarea and a send button. Enter sends, Shift+Enter
 * starts a new line, and an IME composition never sends early. In the last tenth of the allowed
 * length a counter shows the characters left; screen readers hear it once when it appears and
 * once at the limit.
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
 * @csspart counter - The characters-left counter near the length limit.
 *
 * @cssprop [--amoiq-chat-input-background=var(--amoiq-chat-surface-color, #fff)] - Bar background.
 * @cssprop [--amoiq-chat-input-radius=1.25rem] - Corner radius of the text box.
 */
export class AmoiqChatInput extends LitElement {
  static override styles = [sharedStyles, styles];
  static override shadowRootOptions = { ...LitElement.shadowRootOptions, delegatesFocus: true };

  /** Placeholder of the text box; empty for the localized default ("Type a message…"). */
  @property() placeholder = '';

  /** Longest text accepted, in characters. */
  @property({ type: Number, attribute: 'max-length' }) maxLength = MAX_MESSAGE_LENGTH;

  @state() private value = '';
  @query('textarea') private textarea!: HTMLTextAreaElement;

  private readonly l10n = new LocaleConsumer(this);
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
    const { strings: en, plural } = this.l10n.value;
    const left = this.maxLength - this.value.length;
    const counting = this.value.length >= this.maxLength * COUNTER_FROM;
    // Announced once on appearing and once at the limit, not on every keystroke.
    const announce = !counting ? '' : left <= 0 ? plural(en.charactersLeft, 0) : plural(en.charactersLeft, Math.ceil(this.maxLength * (1 - COUNTER_FROM)));
    return html`
      <form part="base" class="base" @submit=${this.handleSubmit}>
        <label for="text" class="visually-hidden">${en.messageLabel}</label>
        <textarea
          part="textarea"
          id="text"
          rows="1"
          enterkeyhint="send"
          maxlength=${this.maxLength}
          placeholder=${this.placeholder || en.placeholder}
          aria-describedby=${counting ? 'counter' : nothing}
          .value=${this.value}
          @input=${this.handleInput}
          @keydown=${this.handleKeydown}
        ></textarea>
        <button part="send-button" class="send" type="submit" aria-label=${en.send} ?disabled=${!this.value.trim()}>
          <svg viewBox="0 0 24 24" aria-hidden="true"><path d="M3.4 20.4 21 12 3.4 3.6 3.4 10l12.6 2-12.6 2z" /></svg>
        </button>
        ${counting
          ? html`<span part="counter" id="counter" class="counter ${left <= 0 ? 'limit' : ''}" aria-hidden="true"
              >${plural(en.charactersLeft, left)}</span
            >`
          : nothing}
        <span class="visually-hidden" aria-live="polite">${announce}</span>
      </form>
    `;
  }

  private handleInput(e: InputEvent): void {
    this.value = (e.target as HTMLTextAreaElement).value;
    this.autosize();
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
    this.autosize();
    this.setTyping(false);
  }

  /** Grows the text box with its content where CSS `field-sizing` is not supported. */
  private autosize(): void {
    if (!this.textarea || CSS.supports('field-sizing', 'content')) return;
    this.textarea.style.height = 'auto';
    this.textarea.style.height = `${this.textarea.scrollHeight + 2}px`;
  }

  private setTyping(typing: boolean): void {
    if (!typing) clearTimeout(this.idleTimer);
    if (typing === this.typing) return;
    this.typing = typing;
    this.dispatchEvent(new AmoiqTypingEvent({ typing }));
  }
}
