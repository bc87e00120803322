import { html, nothing, type ReactiveController, type ReactiveElement } from 'lit';
import type { Strings } from '../../i18n/en.js';
import type { AmoiqEmojiPicker, EmojiPickerStrings } from '../emoji-picker/emoji-picker.js';
import type { AmoiqEmojiSelectEvent } from '../emoji-picker/events.js';
import { loadEmojiPicker } from '../emoji-picker/loader.js';
import { nativePickerPlatform } from '../emoji-picker/native-hint.js';

/** What the popup needs from the message box. */
export interface EmojiPopupHost extends ReactiveElement {
  /** `no-emoji`: no button, no picker. */
  noEmoji: boolean;
}

/**
 * The message box's emoji button and picker (`<amoiq-emoji-picker>`, its own chunk, loaded the
 * first time it opens): a popup that closes on Escape (back to the button), on a pick, on a
 * pointer press outside it and when focus moves on from it.
 */
export class EmojiPopup implements ReactiveController {
  private open = false;
  private warned = false;

  constructor(
    private readonly host: EmojiPopupHost,
    private readonly strings: () => Strings,
    /** Puts the picked emoji into the box (at the caret) and focuses it. */
    private readonly insert: (emoji: string) => void,
  ) {
    host.addController(this);
  }

  hostDisconnected(): void {
    this.close(false);
  }

  renderButton() {
    if (this.host.noEmoji) return nothing;
    return html`<button
      part="emoji-button"
      class="emoji-toggle"
      type="button"
      aria-label=${this.strings().emojiButton}
      aria-haspopup="dialog"
      aria-expanded=${this.open ? 'true' : 'false'}
      aria-controls=${this.open ? 'emoji-picker' : nothing}
      @click=${this.toggle}
    >
      ${emojiIcon}
    </button>`;
  }

  renderPicker() {
    if (!this.open || this.host.noEmoji) return nothing;
    const t = this.strings();
    const strings: EmojiPickerStrings = { label: t.emojiPicker, groups: t.emojiGroupsLabel, groupNames: t.emojiGroups };
    const platform = nativePickerPlatform();
    const hint = platform === 'windows' ? t.emojiHintWindows : platform === 'mac' ? t.emojiHintMac : '';
    return html`<amoiq-emoji-picker
      part="emoji-picker"
      id="emoji-picker"
      class="emoji-picker"
      .strings=${strings}
      hint=${hint}
      @amoiq-emoji-select=${this.select}
      @amoiq-emoji-close=${() => this.close(true)}
      @focusout=${this.focusout}
    ></amoiq-emoji-picker>`;
  }

  private get button() {
    return this.host.renderRoot.querySelector<HTMLButtonElement>('.emoji-toggle');
  }

  private get picker() {
    return this.host.renderRoot.querySelector<AmoiqEmojiPicker>('amoiq-emoji-picker');
  }

  /** Opens the picker (loading it the first time) or closes it. */
  private readonly toggle = async (): Promise<void> => {
    if (this.open) return this.close(true);
    try {
      await loadEmojiPicker();
    } catch (err) {
      if (!this.warned)
        console.warn(`[amoiq-chat] The emoji picker could not be loaded (${(err as Error).message}); typing emoji still works.`);
      this.warned = true;
      return;
    }
    this.open = true;
    this.host.requestUpdate();
    await this.host.updateComplete;
    this.picker?.focus();
    document.addEventListener('pointerdown', this.outsidePointer, true);
  };

  private close(focusButton: boolean): void {
    document.removeEventListener('pointerdown', this.outsidePointer, true);
    if (!this.open) return;
    this.open = false;
    this.host.requestUpdate();
    if (focusButton) void this.host.updateComplete.then(() => this.button?.focus());
  }

  private readonly outsidePointer = (e: PointerEvent): void => {
    const path = e.composedPath();
    if (!path.some((node) => node === this.picker || node === this.button)) this.close(false);
  };

  /** Focus moved on from the picker (Tab, Shift+Tab, a click elsewhere): it closes, as a popup does. */
  private readonly focusout = (e: FocusEvent): void => {
    const next = e.relatedTarget as Node | null;
    const picker = this.picker;
    if (next && next !== picker && next !== this.button && !picker?.contains(next)) this.close(false);
  };

  private readonly select = (e: AmoiqEmojiSelectEvent): void => {
    this.close(false);
    this.insert(e.detail.emoji);
  };
}

const emojiIcon = html`<svg viewBox="0 0 24 24" aria-hidden="true">
  <path
    d="M12 2a10 10 0 1 0 0 20 10 10 0 0 0 0-20zm0 18a8 8 0 1 1 0-16 8 8 0 0 1 0 16zm-3.5-9a1.5 1.5 0 1 0 0-3 1.5 1.5 0 0 0 0 3zm7 0a1.5 1.5 0 1 0 0-3 1.5 1.5 0 0 0 0 3zM12 17.5a5.5 5.5 0 0 0 5-3.2l-1.8-.8a3.5 3.5 0 0 1-6.4 0l-1.8.8a5.5 5.5 0 0 0 5 3.2z"
  />
</svg>`;
