import { LitElement, html, nothing } from 'lit';
import { property, query, state } from 'lit/decorators.js';
import { sharedStyles } from '../../styles/shared.js';
import { EMOJI_GROUPS, type EmojiGroupId } from './emoji-data.js';
import { AmoiqEmojiCloseEvent, AmoiqEmojiSelectEvent } from './events.js';
import { styles } from './emoji-picker.styles.js';

/** Emoji per grid row (the arrow keys move by this much up and down). */
export const EMOJI_COLUMNS = 8;

/** The picker's texts, localized by its owner (`<amoiq-chat-input>` reads them from the locale). */
export interface EmojiPickerStrings {
  /** Name of the picker dialog ("Emoji"). */
  label: string;
  /** Name of the row of group tabs ("Emoji categories"). */
  groups: string;
  /** Name of each group. */
  groupNames: Record<EmojiGroupId, string>;
}

/**
 * A small emoji picker: about 220 common emoji in eight groups (tabs), shown as a grid. It is
 * loaded only when the visitor first opens it (`lazy.ts`), so it is not part of the initial
 * bundle.
 *
 * Keyboard: in the tabs, Left/Right (mirrored in right-to-left) and Home/End change the group; in
 * the grid, the arrow keys move (one roving tab stop), Home/End go to the row's first/last emoji,
 * Ctrl+Home/End to the group's first/last, Enter or Space picks; Escape anywhere asks to close.
 * Each emoji button is named by the emoji itself, which screen readers speak in the visitor's
 * language.
 *
 * @tag amoiq-emoji-picker
 * @summary Lazily loaded emoji picker of the message box.
 *
 * @fires {AmoiqEmojiSelectEvent} amoiq-emoji-select - The visitor picked an emoji (`detail.emoji`).
 * @fires {AmoiqEmojiCloseEvent} amoiq-emoji-close - The visitor pressed Escape in the picker.
 *
 * @csspart base - The picker box (a non-modal dialog).
 * @csspart tabs - The row of group tabs.
 * @csspart tab - One group tab.
 * @csspart heading - The name of the shown group.
 * @csspart grid - The grid of emoji.
 * @csspart emoji - One emoji button.
 * @csspart hint - The line about the system's own emoji picker.
 */
export class AmoiqEmojiPicker extends LitElement {
  static override styles = [sharedStyles, styles];

  /** Localized texts; the group ids are shown when absent. */
  @property({ attribute: false }) strings?: EmojiPickerStrings;

  /** One line about the system's own emoji picker (its shortcut); nothing is shown when empty. */
  @property() hint = '';

  /** Index of the shown group. */
  @state() private group = 0;
  /** Index, in the shown group, of the emoji that holds the grid's tab stop. */
  @state() private active = 0;

  @query('.grid') private grid!: HTMLElement;

  /** Moves focus to the emoji that holds the grid's tab stop. */
  override focus(options?: FocusOptions): void {
    void this.updateComplete.then(() => this.emojiButton(this.active)?.focus(options));
  }

  override render() {
    const names = this.strings?.groupNames;
    const shown = EMOJI_GROUPS[this.group];
    const rows: string[][] = [];
    shown.emoji.forEach((e, i) => (i % EMOJI_COLUMNS ? rows[rows.length - 1].push(e) : rows.push([e])));
    return html`
      <div part="base" class="base" role="dialog" aria-label=${this.strings?.label ?? 'Emoji'} @keydown=${this.handleKeydown}>
        <div part="tabs" class="tabs" role="tablist" aria-label=${this.strings?.groups ?? nothing} @keydown=${this.handleTabKeydown}>
          ${EMOJI_GROUPS.map(
            (g, i) => html`<button
              part="tab"
              class="tab"
              type="button"
              role="tab"
              id="tab-${g.id}"
              aria-controls="panel"
              aria-selected=${i === this.group ? 'true' : 'false'}
              aria-label=${names?.[g.id] ?? g.id}
              tabindex=${i === this.group ? 0 : -1}
              @click=${() => this.showGroup(i, false)}
            >
              <span aria-hidden="true">${g.icon}</span>
            </button>`,
          )}
        </div>
        <div class="panel" id="panel" role="tabpanel" aria-labelledby="tab-${shown.id}">
          <div part="heading" class="heading" id="heading">${names?.[shown.id] ?? shown.id}</div>
          <div part="grid" class="grid" role="grid" aria-labelledby="heading" @keydown=${this.handleGridKeydown}>
            ${rows.map(
              (row, r) =>
                html`<div class="row" role="row">
                  ${row.map((e, c) => {
                    const i = r * EMOJI_COLUMNS + c;
                    return html`<span role="gridcell"
                      ><button
                        part="emoji"
                        class="emoji"
                        type="button"
                        data-index=${i}
                        tabindex=${i === this.active ? 0 : -1}
                        @click=${() => this.pick(i)}
                      >${e}</button></span
                    >`;
                  })}
                </div>`,
            )}
          </div>
        </div>
        ${this.hint ? html`<p part="hint" class="hint">${this.hint}</p>` : nothing}
      </div>
    `;
  }

  private emojiButton(index: number): HTMLButtonElement | null {
    return this.renderRoot.querySelector<HTMLButtonElement>(`.emoji[data-index="${index}"]`);
  }

  private get isRtl(): boolean {
    return getComputedStyle(this).direction === 'rtl';
  }

  private async showGroup(index: number, focusTab: boolean): Promise<void> {
    const count = EMOJI_GROUPS.length;
    this.group = (index + count) % count;
    this.active = 0;
    await this.updateComplete;
    this.grid.scrollTop = 0;
    if (focusTab) this.renderRoot.querySelector<HTMLButtonElement>(`#tab-${EMOJI_GROUPS[this.group].id}`)?.focus();
  }

  private pick(index: number): void {
    this.active = index;
    this.dispatchEvent(new AmoiqEmojiSelectEvent({ emoji: EMOJI_GROUPS[this.group].emoji[index] }));
  }

  private handleKeydown(e: KeyboardEvent): void {
    if (e.key !== 'Escape') return;
    // Escape closes the picker only, not the chat panel around it.
    e.stopPropagation();
    e.preventDefault();
    this.dispatchEvent(new AmoiqEmojiCloseEvent());
  }

  private handleTabKeydown(e: KeyboardEvent): void {
    const forward = this.isRtl ? 'ArrowLeft' : 'ArrowRight';
    const back = this.isRtl ? 'ArrowRight' : 'ArrowLeft';
    const moves: Record<string, number> = { [forward]: this.group + 1, [back]: this.group - 1, Home: 0, End: EMOJI_GROUPS.length - 1 };
    if (!(e.key in moves)) return;
    e.preventDefault();
    void this.showGroup(moves[e.key], true);
  }

  private handleGridKeydown(e: KeyboardEvent): void {
    const last = EMOJI_GROUPS[this.group].emoji.length - 1;
    const i = this.active;
    const rowStart = i - (i % EMOJI_COLUMNS);
    const next = this.isRtl ? 'ArrowLeft' : 'ArrowRight';
    const previous = this.isRtl ? 'ArrowRight' : 'ArrowLeft';
    let target: number;
    if (e.key === next) target = i + 1;
    else if (e.key === previous) target = i - 1;
    else if (e.key === 'ArrowDown') target = i + EMOJI_COLUMNS;
    else if (e.key === 'ArrowUp') target = i - EMOJI_COLUMNS;
    else if (e.key === 'Home') target = e.ctrlKey ? 0 : rowStart;
    else if (e.key === 'End') target = e.ctrlKey ? last : Math.min(rowStart + EMOJI_COLUMNS - 1, last);
    else return;
    e.preventDefault();
    // Moves that leave the grid stay put (as in the ARIA grid pattern).
    if (target < 0 || target > last) return;
    this.active = target;
    void this.updateComplete.then(() => this.emojiButton(target)?.focus());
  }
}
