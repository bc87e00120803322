/** What a keyboard shortcut of the agent console does. */
export type ShortcutAction = 'next' | 'previous' | 'search' | 'reply' | 'back' | 'help';

/** One row of the shortcut list (the help dialog and docs/agent-console.md show the same). */
export interface ShortcutHelp {
  keys: string[];
  does: string;
  /** Also works while typing in the reply box or the search field. */
  inFields?: boolean;
}

/** The shortcuts, as the help dialog lists them. */
export const SHORTCUTS: readonly ShortcutHelp[] = [
  { keys: ['j', 'Alt+↓'], does: 'Next conversation in the list', inFields: true },
  { keys: ['k', 'Alt+↑'], does: 'Previous conversation in the list', inFields: true },
  { keys: ['/'], does: 'Search conversations' },
  { keys: ['r'], does: 'Write a reply in the open conversation' },
  { keys: ['Enter', 'Ctrl+Enter'], does: 'Send the reply (Shift+Enter: new line)', inFields: true },
  { keys: ['Esc'], does: 'Back: leave the reply box or the search, or the conversation on a narrow screen', inFields: true },
  { keys: ['?'], does: 'Show these shortcuts' },
];

/** The parts of a `KeyboardEvent` a shortcut depends on. */
export type KeyInput = Pick<KeyboardEvent, 'key' | 'altKey' | 'ctrlKey' | 'metaKey' | 'shiftKey' | 'isComposing'>;

/**
 * The console's action for a key press, or null. While the agent types in a field (`inField`),
 * single-letter shortcuts stay text: only Alt+↑/↓ and Esc act there. Enter and Ctrl+Enter (send)
 * are the reply box's own keys (conversation-view.ts).
 * @example shortcutFor({ key: 'j', ... }, false) // 'next'
 */
export function shortcutFor(event: KeyInput, inField: boolean): ShortcutAction | null {
  if (event.isComposing) return null;
  if (event.altKey && !event.ctrlKey && !event.metaKey) {
    if (event.key === 'ArrowDown') return 'next';
    if (event.key === 'ArrowUp') return 'previous';
    return null;
  }
  if (event.key === 'Escape' && !event.altKey && !event.ctrlKey && !event.metaKey) return 'back';
  if (inField || event.altKey || event.ctrlKey || event.metaKey) return null;
  switch (event.key) {
    case 'j':
      return 'next';
    case 'k':
      return 'previous';
    case '/':
      return 'search';
    case 'r':
      return 'reply';
    case '?':
      return 'help';
    default:
      return null;
  }
}

/**
 * Whether keys typed now go into a field: the innermost focused element (through shadow roots)
 * is a text input, a text area, a select or editable content.
 */
export function isTypingIn(path: readonly EventTarget[]): boolean {
  const target = path[0];
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable || target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return true;
  if (target instanceof HTMLInputElement)
    return !['button', 'checkbox', 'radio', 'submit', 'reset', 'file', 'range', 'color'].includes(target.type);
  return false;
}
