import type { ReactiveController, ReactiveElement } from 'lit';

/**
 * Where the open panel fills the screen: a narrow viewport (a phone), or a short one (a phone held
 * sideways, or a desktop zoomed to 200 %: 1280 × 800 becomes 640 × 400, where a floating panel
 * left the conversation about 100 px). chat.styles.ts and chat-panel.styles.ts use the same query.
 */
export const FULL_SCREEN_QUERY = '(max-width: 480px), (max-height: 480px)';

/** What {@link ModalController} needs from `<amoiq-chat>`. */
export interface ModalHost extends ReactiveElement {
  open: boolean;
}

const TABBABLE = 'a[href], button, input, select, textarea, audio[controls], video[controls], [contenteditable], [tabindex]';

/**
 * Makes the open panel modal while it fills the screen (a viewport under 480 px wide or high): the rest
 * of the page is `inert`, so neither Tab nor a screen reader's browse mode reaches what the panel
 * covers, and Tab / Shift+Tab wrap inside the panel. Only the `inert` it set is removed again, when
 * the panel closes, the viewport widens or the element leaves the page.
 *
 * @example
 * private readonly modal = new ModalController(this, () => this.panel);
 * // render: aria-modal=${this.modal.active ? 'true' : 'false'}
 */
export class ModalController implements ReactiveController {
  private readonly media = typeof matchMedia === 'function' ? matchMedia(FULL_SCREEN_QUERY) : undefined;
  private made: Element[] = [];

  constructor(
    private readonly host: ModalHost,
    private readonly panel: () => HTMLElement | null,
  ) {
    host.addController(this);
  }

  /** Whether the panel is open and fills the screen. */
  get active(): boolean {
    return this.host.open && !!this.media?.matches;
  }

  hostConnected(): void {
    this.media?.addEventListener('change', this.handleMedia);
  }

  hostDisconnected(): void {
    this.media?.removeEventListener('change', this.handleMedia);
    this.release();
  }

  hostUpdated(): void {
    if (this.active && !this.made.length) this.makePageInert();
    else if (!this.active) this.release();
  }

  /** Keeps Tab inside the panel while modal: from the last control to the first and back. */
  handleKeydown(e: KeyboardEvent): void {
    const panel = this.panel();
    if (e.key !== 'Tab' || !this.active || !panel) return;
    const controls = tabbables(panel);
    if (!controls.length) return;
    const current = e.composedPath()[0];
    const [first, last] = [controls[0], controls[controls.length - 1]];
    const target = e.shiftKey
      ? current === first || !controls.includes(current as HTMLElement)
        ? last
        : undefined
      : current === last
        ? first
        : undefined;
    if (!target) return;
    e.preventDefault();
    target.focus();
  }

  private readonly handleMedia = () => this.host.requestUpdate();

  /** Every sibling of the element and of each of its ancestors (through shadow roots) becomes inert. */
  private makePageInert(): void {
    let node: Element | null = this.host;
    while (node && node !== document.documentElement) {
      const parent: Element | null = node.parentElement ?? ((node.getRootNode() as ShadowRoot).host || null);
      for (const sibling of node.parentElement?.children ?? []) {
        if (sibling === node || sibling.hasAttribute('inert') || sibling.localName === 'script' || sibling.localName === 'style') continue;
        sibling.toggleAttribute('inert', true);
        this.made.push(sibling);
      }
      node = parent;
    }
  }

  private release(): void {
    for (const el of this.made) el.removeAttribute('inert');
    this.made = [];
  }
}

/** The controls Tab reaches inside `root`, in the composed tree's order (shadow roots and slots included). */
export function tabbables(root: Element): HTMLElement[] {
  const found: HTMLElement[] = [];
  const visit = (el: Element) => {
    if (!(el instanceof HTMLElement) || el.hidden || el.inert) return;
    if (el.matches(TABBABLE) && el.tabIndex >= 0 && !(el as HTMLButtonElement).disabled && el.checkVisibility({ visibilityProperty: true }))
      found.push(el);
    const children = el.shadowRoot
      ? [...el.shadowRoot.children]
      : el instanceof HTMLSlotElement
        ? el.assignedElements({ flatten: true })
        : [...el.children];
    if (el instanceof HTMLSlotElement && !children.length) children.push(...el.children);
    children.forEach(visit);
  };
  visit(root);
  return found;
}
