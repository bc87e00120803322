import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { property, query, state } from 'lit/decorators.js';
import { AmoiqInputSubmitEvent } from '../../events/input-submit-event.js';
import { AmoiqTypingEvent } from '../../events/typing-event.js';
import { LocaleConsumer } from '../../i18n/localize.js';
import { MAX_ATTACHMENTS, MAX_MESSAGE_LENGTH, textLength, type AttachmentLimits } from '../../protocol/v1.js';
import { sharedStyles } from '../../styles/shared.js';
import { styles } from './chat-input.styles.js';
import { EmojiPopup } from './emoji-popup.js';
import { AmoiqAttachmentRejectedEvent } from '../../events/attachment-rejected-event.js';
import { acceptFor, attachmentsEnabled, formatSize, refusalFor, typeAllowed } from './attachment-limits.js';
import { AttachmentStaging, type Uploader } from './attachment-staging.js';
import { LazyPartController } from '../../controllers/lazy-part-controller.js';
import { DictationSlot } from '../dictation-button/slot.js';
import { ChatStateController } from '../../controllers/chat-state-controller.js';

/** Stop reporting typing after this long without a keystroke. */
const TYPING_IDLE_MS = 3_000;
/** The counter appears in the last tenth of the allowed length. */
const COUNTER_FROM = 0.9;

/**
 * The message box: a growing multi-line textarea and a send button. Enter sends, Shift+Enter
 * starts a new line, and an IME composition never sends early. In the last tenth of the allowed
 * length (counted in code points, as the server counts) a counter shows the characters left;
 * screen readers hear it once when it appears and once at the limit. Text over the limit (a long
 * paste) is never cut: it is all kept, the counter says how many characters are too many in the
 * error colour, a message says the text is too long (announced once), the box is marked invalid
 * and Send waits until the text is short enough.
 *
 * @tag amoiq-chat-input
 * @summary Text box and send button of the chat panel.
 *
 * @fires {AmoiqInputSubmitEvent} amoiq-input-submit - The visitor sent the text (already trimmed, never empty).
 * @fires {AmoiqTypingEvent} amoiq-typing - The visitor started or stopped typing.
 * @fires {AmoiqAttachmentRejectedEvent} amoiq-attachment-rejected - A picked, pasted or dropped file was refused by the attachment limits (not uploaded).
 *
 * @csspart base - The input bar.
 * @csspart textarea - The text box.
 * @csspart tools - The row of buttons inside the box under the text: the secondary buttons, then send.
 * @csspart send-button - The send button.
 * @csspart counter - The characters-left counter near the length limit ("12 characters too many" over it).
 * @csspart too-long - The message shown while the text is over the length limit.
 * @csspart emoji-button - The button that opens the emoji picker.
 * @csspart emoji-picker - The emoji picker (`<amoiq-emoji-picker>`, loaded on first use), above the bar.
 * @csspart attach-button - The button that opens the file picker (shown when attachments are allowed).
 * @csspart staged-attachments - The list of files staged for the next message.
 * @csspart staged-attachment - One staged file: thumbnail or type, name, size, progress, buttons.
 * @csspart staged-thumbnail - The thumbnail of an uploaded image.
 * @csspart upload-progress - The progress bar of an upload.
 * @csspart attachment-remove - The button that cancels an upload or removes a staged file.
 * @csspart attachment-retry - The button that uploads a failed file again.
 * @csspart attachment-error - The message saying why a file was refused.
 * @csspart attachment-error-dismiss - The button that dismisses that message.
 * @csspart dictation-button - The dictation button (where the browser can dictate; `aria-pressed` while listening).
 * @csspart dictation-problem - Why dictation stopped, shown above its button.
 */
export class AmoiqChatInput extends LitElement {
  static override styles = [sharedStyles, styles];
  static override shadowRootOptions = { ...LitElement.shadowRootOptions, delegatesFocus: true };

  /** Placeholder of the text box; empty for the localized default ("Type a message…"). */
  @property() placeholder = '';

  /** Longest text that can be sent, in characters (Unicode code points); longer text is kept but not sent. */
  @property({ type: Number, attribute: 'max-length' }) maxLength = MAX_MESSAGE_LENGTH;

  /** Hide the emoji button. Its picker is a separate module, loaded on the button's first press. */
  @property({ type: Boolean, attribute: 'no-emoji' }) noEmoji = false;

  /** Whether the emoji picker is open. */

  /**
   * What may be attached (type patterns and largest size); attachments are off while `types` is
   * empty. `<amoiq-chat>` sets it from the server's configuration and its own attributes.
   */
  @property({ attribute: false }) attachmentLimits: AttachmentLimits = { maxSize: 0, types: [] };

  /** Uploads a staged file; `<amoiq-chat>` sets it to its chat service's `upload`. */
  @property({ attribute: false }) uploader?: Uploader;

  @state() private value = '';
  /** Why the last refused file was refused, shown near the box and announced politely. */
  @state() private refusal = '';

  /**
   * The conversation's length, while a refusal shows: re-renders on a message sent or received then
   * (it takes the refusal away), never for other state changes or while there is none.
   */
  private readonly chat = new ChatStateController(this, (s) => [this.refusal ? s.messages.length : 0]);
  private seenMessages?: number;
  @query('textarea') private textarea!: HTMLTextAreaElement;
  @query('input[type=file]') private filePicker?: HTMLInputElement;
  private readonly staging = new AttachmentStaging(() => this.requestUpdate());
  /** The chips of staged files: a chunk of their own, loaded when the attach button first shows. */
  private readonly chips = new LazyPartController(this, 'attachment-chips', () => import('./attachment-chips.js'));

  private readonly l10n = new LocaleConsumer(this);
  /** The emoji button and picker (emoji-popup.ts). */
  private readonly emoji = new EmojiPopup(
    this,
    () => this.l10n.value.strings,
    (emoji) => {
      this.insertAtCaret(emoji);
      this.textarea.focus();
    },
  );
  /** The dictation button where the browser can dictate (its own chunk), filling the box. */
  private readonly dictation = new DictationSlot();
  private typing = false;
  private idleTimer?: ReturnType<typeof setTimeout>;

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.setTyping(false);
    this.staging.clear();
  }

  /**
   * Stages files for the next message (from the picker, a paste or a drop): each is checked
   * against {@link attachmentLimits}; a refused one is not uploaded, the visitor is told why and
   * an `amoiq-attachment-rejected` event fires; the others start uploading at once.
   */
  addFiles(files: Iterable<File>): void {
    if (!attachmentsEnabled(this.attachmentLimits)) return;
    const { strings: t, locale } = this.l10n.value;
    const refusals: string[] = [];
    this.staging.uploader = this.uploader;
    for (const file of files) {
      const reason = refusalFor(file, this.attachmentLimits, this.staging.items.length);
      if (!reason) {
        this.staging.add(file);
        continue;
      }
      refusals.push(
        reason === 'count'
          ? t.attachmentTooMany(new Intl.NumberFormat(locale).format(MAX_ATTACHMENTS))
          : reason === 'size'
            ? t.attachmentTooLarge(file.name, formatSize(this.attachmentLimits.maxSize, locale))
            : reason === 'empty'
              ? t.attachmentEmpty(file.name)
              : t.attachmentWrongType(file.name),
      );
      this.dispatchEvent(new AmoiqAttachmentRejectedEvent({ name: file.name, type: file.type, size: file.size, reason }));
    }
    // Each new pick replaces the previous explanation; several refusals are said together.
    this.refusal = [...new Set(refusals)].join(' ');
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    super.willUpdate(changed);
    // A message sent or received since the refusal was shown: it has been read past, and goes.
    const count = this.chat.state?.messages.length;
    const shownNow = changed.has('refusal' as keyof AmoiqChatInput);
    if (count !== undefined && this.seenMessages !== undefined && count !== this.seenMessages && !shownNow) this.refusal = '';
    this.seenMessages = count;
  }

  private dismissRefusal(): void {
    this.refusal = '';
    this.textarea?.focus();
  }

  /** Moves focus to the text box. */
  override focus(options?: FocusOptions): void {
    this.textarea?.focus(options);
  }

  override render() {
    const { strings: en, plural } = this.l10n.value;
    const length = textLength(this.value);
    const left = this.maxLength - length;
    const over = left < 0;
    const counting = length >= this.maxLength * COUNTER_FROM;
    // Announced once on appearing, once at the limit and once past it, not on every keystroke.
    const announce = !counting
      ? ''
      : over
        ? en.messageTooLong
        : left === 0
          ? plural(en.charactersLeft, 0)
          : plural(en.charactersLeft, Math.ceil(this.maxLength * (1 - COUNTER_FROM)));
    return html`
      <form part="base" class="base" @submit=${this.handleSubmit}>
        <label for="text" class="visually-hidden">${en.messageLabel}</label>
        <div class="box">
          <textarea
            part="textarea"
            id="text"
            rows="1"
            enterkeyhint="send"
            placeholder=${this.placeholder || en.placeholder}
            aria-describedby=${over ? 'counter too-long' : counting ? 'counter' : nothing}
            aria-invalid=${over ? 'true' : nothing}
            .value=${this.value}
            @input=${this.handleInput}
            @keydown=${this.handleKeydown}
            @paste=${this.handlePaste}
          ></textarea>
          <div part="tools" class="tools">
            ${this.renderAttach()} ${this.renderVoiceNote()} ${this.dictation.render(() => this.textarea)} ${this.emoji.renderButton()}
            <button part="send-button" class="send" type="submit" aria-label=${en.send} ?disabled=${!this.canSend}>
              <svg viewBox="0 0 24 24" aria-hidden="true"><path d="M3.4 20.4 21 12 3.4 3.6 3.4 10l12.6 2-12.6 2z" /></svg>
            </button>
          </div>
        </div>
        ${
          counting
            ? html`<span part="counter" id="counter" class="counter ${left <= 0 ? 'limit' : ''}" aria-hidden="true"
              >${over ? plural(en.charactersOver, -left) : plural(en.charactersLeft, left)}</span
            >`
            : nothing
        }
        ${over ? html`<p part="too-long" id="too-long" class="too-long">${en.messageTooLong}</p>` : nothing}
        <span class="visually-hidden" aria-live="polite">${announce}</span>
        ${
          this.staging.items.length === 0
            ? nothing
            : this.chips.get()?.renderChips(this.staging.items, en, this.l10n.value.locale, this.attachmentLimits.maxSize, {
                remove: (key) => this.staging.remove(key),
                retry: (key) => {
                  this.staging.uploader = this.uploader;
                  this.staging.retry(key);
                },
              })
        }
        <div part="attachment-error" class=${this.refusal ? 'refusal' : 'visually-hidden'} role="status"><span>${this.refusal}</span>${
          this.refusal
            ? html`<button part="attachment-error-dismiss" class="dismiss" type="button" aria-label=${en.dismiss} @click=${this.dismissRefusal}>${dismissIcon}</button>`
            : nothing
        }</div>
      </form>
      ${this.emoji.renderPicker()}
    `;
  }

  /** Text within the length limit, or at least one uploaded file, and no upload still running. */
  private get canSend(): boolean {
    return (
      (this.value.trim() !== '' || this.staging.uploaded.length > 0) &&
      !this.staging.uploading &&
      textLength(this.value, this.maxLength) <= this.maxLength
    );
  }

  /** Inserts text at the caret (replacing the selection); past {@link maxLength} the box says so, as for typed text. */
  private insertAtCaret(text: string): void {
    const box = this.textarea;
    const { selectionStart: start, selectionEnd: end } = box;
    box.setRangeText(text, start, end, 'end');
    // As if typed: the send button, the counter and the typing report follow the input event.
    box.dispatchEvent(new InputEvent('input', { bubbles: true, composed: true, inputType: 'insertText', data: text }));
  }

  /**
   * The voice message recorder (`<amoiq-voice-recorder>`, in the voice chunk, loaded the first time
   * it shows): where the browser records audio and the site takes WebM or MP4 audio. The note is
   * uploaded like a picked file (same progress, retry and limits).
   */
  private renderVoiceNote() {
    const { types } = this.attachmentLimits;
    if (typeof MediaRecorder === 'undefined' || !(typeAllowed('audio/webm', types) || typeAllowed('audio/mp4', types))) return nothing;
    if (!customElements.get('amoiq-voice-recorder')) void import('../voice-panel/loader.js').then((m) => m.loadVoice());
    return html`<amoiq-voice-recorder
      part="voice-recorder"
      class="voice-recorder"
      @amoiq-voice-note=${(e: CustomEvent<{ file: File }>) => this.addFiles([e.detail.file])}
    ></amoiq-voice-recorder>`;
  }

  private renderAttach() {
    if (!attachmentsEnabled(this.attachmentLimits)) return nothing;
    this.chips.preload();
    return html`<button part="attach-button" class="attach" type="button" aria-label=${this.l10n.value.strings.attach} @click=${this.handleAttach}>
        <svg viewBox="0 0 24 24" aria-hidden="true">
          <path
            d="M16.5 6.5v10a4.5 4.5 0 0 1-9 0V5a3 3 0 0 1 6 0v10.5a1.5 1.5 0 0 1-3 0V6.5H9v9a3 3 0 0 0 6 0V5a4.5 4.5 0 0 0-9 0v11.5a6 6 0 0 0 12 0v-10z"
          />
        </svg>
      </button>
      <input type="file" multiple hidden tabindex="-1" accept=${acceptFor(this.attachmentLimits)} @change=${this.handlePicked} />`;
  }

  private handleAttach(): void {
    this.filePicker?.click();
  }

  private handlePicked(e: Event): void {
    const picker = e.target as HTMLInputElement;
    this.addFiles([...(picker.files ?? [])]);
    picker.value = '';
  }

  private handlePaste(e: ClipboardEvent): void {
    const files = [...(e.clipboardData?.files ?? [])];
    if (!files.length || !attachmentsEnabled(this.attachmentLimits)) return;
    // A copied image often comes with its text or HTML too; pasting files keeps only the files.
    if (!e.clipboardData?.getData('text/plain')) e.preventDefault();
    this.addFiles(files);
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
    if (!this.canSend) return;
    const attachments = this.staging.takeUploaded();
    this.refusal = '';
    this.dispatchEvent(new AmoiqInputSubmitEvent(attachments.length ? { text, attachments } : { text }));
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

const dismissIcon = html`<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M19 6.4 17.6 5 12 10.6 6.4 5 5 6.4 10.6 12 5 17.6 6.4 19l5.6-5.6 5.6 5.6 1.4-1.4-5.6-5.6z" /></svg>`;
