import { html, type ReactiveController, type ReactiveControllerHost } from 'lit';
import { SHORTCUTS, isTypingIn, shortcutFor } from '../shortcuts.js';

/** What the console's keyboard shortcuts do (shortcuts.ts maps keys to these). */
export interface ShortcutActions {
  /** Whether shortcuts act now (logged in, on the inbox). */
  active(): boolean;
  /** Opens the next (1) or previous (-1) conversation of the list; `focusList` moves focus to it. */
  step(direction: 1 | -1, focusList: boolean): void;
  /** Shows the list and focuses the search field. */
  focusSearch(): void;
  /** Focuses the reply box; false when there is none. */
  focusReply(): boolean;
  /** Esc; false when there is nowhere to go back to. `path`: the key event's composed path. */
  back(path: readonly EventTarget[]): boolean;
}

/**
 * The console's keyboard shortcuts (shortcuts.ts): listens for keys on the document while the
 * host is connected, and does what they say through the host; letter shortcuts do nothing while
 * the agent types in a field. {@link render} is the help dialog that lists them.
 */
export class ShortcutsController implements ReactiveController {
  private readonly handleKeys = (event: KeyboardEvent) => this.handle(event);

  /** `host`: renders {@link render}'s dialog in its `renderRoot`. */
  constructor(
    private readonly host: ReactiveControllerHost & { readonly renderRoot: HTMLElement | DocumentFragment },
    private readonly actions: ShortcutActions,
  ) {
    host.addController(this);
  }

  hostConnected() {
    document.addEventListener('keydown', this.handleKeys);
  }

  hostDisconnected() {
    document.removeEventListener('keydown', this.handleKeys);
  }

  private get dialog() {
    return this.host.renderRoot.querySelector<HTMLDialogElement>('#shortcuts');
  }

  /** Opens the help dialog. */
  show() {
    this.dialog?.showModal();
  }

  /** The help dialog: every shortcut, its keys and what it does. */
  render() {
    return html`<dialog id="shortcuts" aria-labelledby="shortcuts-title">
      <h2 id="shortcuts-title">Keyboard shortcuts</h2>
      <table>
        <thead>
          <tr><th scope="col">Keys</th><th scope="col">Does</th></tr>
        </thead>
        <tbody>
          ${SHORTCUTS.map(
            (s) => html`<tr>
              <td>${s.keys.map((k, i) => html`${i ? ' or ' : ''}<kbd>${k}</kbd>`)}</td>
              <td>${s.does}${s.inFields ? ' (also while typing)' : ''}</td>
            </tr>`,
          )}
        </tbody>
      </table>
      <p>Letter shortcuts do nothing while you type in a field.</p>
      <form method="dialog"><button class="close">Close</button></form>
    </dialog>`;
  }

  private handle(event: KeyboardEvent) {
    if (!this.actions.active() || event.defaultPrevented || this.dialog?.open) return;
    const path = event.composedPath();
    const inField = isTypingIn(path);
    const action = shortcutFor(event, inField);
    if (!action) return;
    switch (action) {
      case 'next':
      case 'previous':
        this.actions.step(action === 'next' ? 1 : -1, !inField);
        break;
      case 'search':
        this.actions.focusSearch();
        break;
      case 'reply':
        if (!this.actions.focusReply()) return;
        break;
      case 'help':
        this.show();
        break;
      case 'back':
        if (!this.actions.back(path)) return;
        break;
    }
    event.preventDefault();
  }
}
