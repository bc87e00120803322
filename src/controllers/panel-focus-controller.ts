import type { ReactiveController, ReactiveElement } from 'lit';

/** What sits under the message list: the message box, the pre-chat form or the closed bar. */
export type ComposerKind = 'input' | 'pre-chat' | 'closed';

const COMPOSERS = 'amoiq-chat-input, amoiq-pre-chat-form, amoiq-conversation-closed';

/** What {@link PanelFocusController} needs from `<amoiq-chat>`. */
export interface PanelFocusHost extends ReactiveElement {
  open: boolean;
}

type Part = HTMLElement & { hasUpdated?: boolean; updateComplete?: Promise<unknown> };

/**
 * Keeps focus where the visitor continues as the panel opens, closes and changes:
 *
 * - after {@link focusComposerOnShow} (the `show()` method, the launcher) the panel's composer —
 *   the message box, or the pre-chat form or closed bar standing in for it — gets focus once shown;
 * - when the panel closes while focus is inside it, focus returns to the launcher;
 * - when the composer that had focus gives way to another (details stored, new conversation,
 *   closed by the agent), focus moves to the one that replaced it rather than being lost.
 *
 * @example
 * private readonly focus = new PanelFocusController(this, () => this.launcher, () => this.composerKind());
 * show() { this.focus.focusComposerOnShow(); this.open = true; }
 */
export class PanelFocusController implements ReactiveController {
  private pending = false;
  private shown?: ComposerKind;
  private composerFocused = false;
  private panelFocused = false;
  /** Whether the panel was open after the last update. */
  private wasOpen = false;

  constructor(
    private readonly host: PanelFocusHost,
    private readonly launcher: () => HTMLElement | null,
    private readonly composerKind: () => ComposerKind,
  ) {
    host.addController(this);
  }

  /** Moves focus to the composer once the panel is shown (after the next update, requested here). */
  focusComposerOnShow(): void {
    this.pending = true;
    this.host.requestUpdate();
  }

  hostUpdate(): void {
    const active = this.host.shadowRoot?.activeElement;
    this.composerFocused = !!active?.matches(COMPOSERS);
    // Before the update renders: where focus is while the panel still shows as it was.
    this.panelFocused = this.wasOpen && !!active && active !== this.launcher();
  }

  hostUpdated(): void {
    const kind = this.composerKind();
    if (!this.host.open) {
      this.pending = false;
      if (this.panelFocused) this.launcher()?.focus();
    } else if (this.pending || (this.shown !== undefined && kind !== this.shown && this.composerFocused)) {
      this.pending = false;
      this.focusComposer();
    }
    this.shown = kind;
    this.wasOpen = this.host.open;
  }

  private focusComposer(): void {
    const target = this.host.renderRoot.querySelector<Part>(COMPOSERS);
    if (!target) return;
    if (customElements.get(target.localName) && target.hasUpdated !== false) {
      target.focus();
      return;
    }
    // A lazily loaded part may not be defined yet, and a part that just appeared has not
    // rendered its field yet.
    void customElements
      .whenDefined(target.localName)
      .then(() => (target.hasUpdated === false ? target.updateComplete : undefined))
      .then(() => target.focus());
  }
}
