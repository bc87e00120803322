/**
 * Focus for the visitor to go on when the control they used goes away (Stop, "Talk to a person":
 * the button is replaced by a note or a banner). Without it focus falls to `<body>` and the next
 * Tab starts again at the top of the page.
 */

/** What stands under the message list in `<amoiq-chat>`'s panel: the message box, the pre-chat form or the closed bar. */
const COMPOSERS = 'amoiq-chat-input, amoiq-pre-chat-form, amoiq-conversation-closed';

/**
 * Moves focus to the panel's composer, looking from `from` outwards through the shadow roots it
 * is in. Returns false when there is none (an element used on its own).
 */
export function focusComposerFrom(from: Element): boolean {
  for (let node: Node | null = from; node;) {
    const root = node.getRootNode();
    const composer = (root as ParentNode).querySelector?.<HTMLElement>(COMPOSERS);
    if (composer) {
      composer.focus();
      return true;
    }
    node = root instanceof ShadowRoot ? root.host : null;
  }
  return false;
}

/** Whether focus is on `el` or inside it (through shadow roots). */
export function hasFocusWithin(el: Element): boolean {
  let active = document.activeElement;
  while (active) {
    if (active === el || el.contains(active)) return true;
    active = active.shadowRoot?.activeElement ?? null;
  }
  return false;
}

/**
 * Runs `action` for a `button` that goes away once it succeeds; when the button had focus as it
 * started and focus was lost with it, gives focus to the composer, looking from `anchor` (the
 * element that rendered the button, still in the document). A failure leaves the button, and
 * focus on it (it shows its error).
 */
export async function thenFocusComposer(anchor: Element, button: Element, action: () => Promise<unknown>): Promise<void> {
  const focused = hasFocusWithin(button);
  await action();
  if (!focused) return;
  // The button goes at the next render of the element that shows it.
  await (anchor as Element & { updateComplete?: Promise<unknown> }).updateComplete;
  await new Promise<void>((resolve) => requestAnimationFrame(() => resolve()));
  // Gone with the button (focus on `body`), not moved by the visitor meanwhile.
  const active = document.activeElement;
  if (!button.isConnected && (!active || active === document.body)) focusComposerFrom(anchor);
}
