/**
 * `<amoiq-agent-widget-preview>`: the real `<amoiq-chat>` (the widget's own source, registered
 * with `src/define.ts`) showing a widget configuration as it is being edited, before it is saved:
 * the form's values are set as the element's properties (mapped by the drop-in's own
 * `toDropInConfig`), so what the designer sees is what a page with the widget id would show.
 *
 * The preview is not connected to any backend (its gateway is an address nothing answers on, its
 * storage `memory`), so it never opens a conversation in the tenant; its status line says so.
 * States a server would cause (away, a conversation, a closed conversation) are put into the
 * element's service the way test/a11y/states.test.ts does. Position `fixed` of the widget is
 * held inside the stage by a `transform`, so the phone and desktop stages are boxes of that
 * width; the widget's own small-screen layout follows the browser window (a media query), not
 * the stage.
 */
import { LitElement, css, html, nothing } from 'lit';
import { property, state } from 'lit/decorators.js';
import { keyed } from 'lit/directives/keyed.js';
import { define } from '../../../src/registry.js';
import type { AmoiqChat } from '../../../src/components/chat/chat.js';
import { toDropInConfig, type WidgetConfiguration } from '../../../src/compat/remote-config.js';
import type { ChatState } from '../../../src/services/chat-types.js';
import { validateWidget, type WidgetForm } from './settings-rules.js';

export const PREVIEW_STATES = [
  ['closed', 'Closed (launcher)'],
  ['open', 'Open, empty'],
  ['conversation', 'Conversation'],
  ['away', 'Away (no agent online)'],
  ['pre-chat', 'Pre-chat form'],
  ['closed-conversation', 'Closed conversation'],
] as const;
export type PreviewState = (typeof PREVIEW_STATES)[number][0];

/** An address nothing listens on: the preview never reaches a backend. */
const NO_BACKEND = 'http://127.0.0.1:9';

/** The part of the element's service the preview drives (private to the widget; see the header). */
interface PreviewService {
  state: ChatState;
  publish(): void;
  timeline: { restore(messages: unknown[]): void };
}

let mounts = 0;

export class AmoiqAgentWidgetPreview extends LitElement {
  static override styles = css`
    :host { display: block; }
    fieldset { border: 1px solid #d0d7de; border-radius: 6px; margin: 0 0 0.5rem; padding: 0.25rem 0.5rem 0.5rem; display: flex; flex-wrap: wrap; gap: 0.25rem 0.75rem; }
    legend { font-weight: 600; font-size: 0.85rem; }
    label { font-size: 0.85rem; display: inline-flex; align-items: center; gap: 0.25rem; }
    .stage {
      position: relative;
      box-sizing: border-box;
      transform: translateZ(0); /* the widget's position: fixed is relative to the stage */
      overflow: hidden;
      border: 1px solid #8c959f;
      border-radius: 8px;
      margin-block-start: 0.5rem;
      height: 640px;
      max-width: 100%;
    }
    .stage.phone { width: 375px; }
    .stage.desktop { width: 1024px; }
    .stage.dark { background: #0d1117; }
    .stage.light { background: #fff; }
    .note { color: #57606a; font-size: 0.85rem; margin: 0.25rem 0; }
  `;

  /** The configuration being edited. */
  @property({ attribute: false }) config: WidgetForm | null = null;
  @property({ attribute: false }) previewState: PreviewState = 'open';
  @property({ attribute: false }) theme: 'light' | 'dark' = 'light';
  @property({ attribute: false }) direction: 'ltr' | 'rtl' = 'ltr';
  @property({ attribute: false }) size: 'phone' | 'desktop' = 'desktop';

  /** Bumped to mount a fresh widget (a state, theme or direction change starts it anew). */
  @state() private mount = 0;

  override connectedCallback(): void {
    // The widget's own elements, registered before the preview renders one (called, not a bare
    // import of src/define.ts: a bundler drops a module imported for its side effects alone).
    define();
    super.connectedCallback();
  }

  /** The widget element shown, once rendered. */
  get widget(): AmoiqChat | null {
    return this.renderRoot.querySelector('amoiq-chat');
  }

  override willUpdate(changed: Map<string, unknown>) {
    if (changed.has('previewState') || changed.has('theme') || changed.has('direction')) this.mount = ++mounts;
  }

  override updated(changed: Map<string, unknown>) {
    const el = this.widget;
    if (!el) return;
    this.applyConfig(el);
    if (changed.has('mount')) void this.enterState(el, this.previewState);
  }

  /** Sets the form's values on the element: what `toDropInConfig` makes of them, in the preview's language. */
  private applyConfig(el: AmoiqChat) {
    if (!this.config) return;
    // A value the form marks as wrong is left out, as the server would refuse it.
    const errors = validateWidget(this.config);
    const w = { ...this.config, features: { ...this.config.features } };
    for (const key of ['themeColor', 'position', 'width', 'height'] as const) if (errors[key]) w[key] = '';
    if (errors['features.preChatFields']) w.features.preChatFields = '';
    const lang = this.direction === 'rtl' ? 'ar' : 'en';
    const c = toDropInConfig({ ...w, id: w.id ?? 'preview', tenantId: '' } as unknown as WidgetConfiguration, lang);
    el.themeColor = c.themeColor ?? '';
    el.position = (c.position as AmoiqChat['position']) ?? 'bottom-right';
    el.width = c.width || el.width;
    el.height = c.height || el.height;
    el.headerText = c.headerText ?? '';
    el.welcomeMessage = c.welcomeMessage ?? '';
    el.awayMessage = c.awayMessage ?? '';
    el.noEmoji = !!c.noEmoji;
    el.attachmentTypes = c.attachmentTypes ?? '';
    el.sound = !!c.sound;
    const fields = this.previewState === 'pre-chat' ? c.preChatFields || 'name,email*' : (c.preChatFields ?? '');
    if (el.getAttribute('pre-chat-fields') !== fields) el.setAttribute('pre-chat-fields', fields);
  }

  /** Puts a freshly mounted widget in `target`. */
  private async enterState(el: AmoiqChat, target: PreviewState) {
    if (target === 'closed') return;
    el.open = true;
    if (target === 'open' || target === 'pre-chat') return;
    const service = await this.serviceOf(el);
    if (!service || this.widget !== el) return;
    const at = new Date().toISOString();
    const message = (seq: number, sender: Record<string, unknown>, text: string, extra: Record<string, unknown> = {}) => ({
      id: `p${seq}`,
      seq,
      conversationId: 'preview',
      clientId: `k${seq}`,
      sender,
      text,
      createdAt: at,
      ...extra,
    });
    if (target === 'conversation' || target === 'closed-conversation') {
      const rtl = this.direction === 'rtl';
      service.timeline.restore([
        message(1, { type: 'visitor' }, rtl ? 'مرحبا، أين طلبي؟' : 'Hi, where is my order?'),
        message(
          2,
          { type: 'agent', id: 'a', name: 'Ada' },
          rtl ? 'مرحبا! إنه في الطريق وسيصل غدا.' : 'Hello! It is on its way and arrives tomorrow.',
        ),
        ...(target === 'closed-conversation'
          ? [message(3, { type: 'system' }, 'Ada closed the conversation.', { event: 'closed', clientId: undefined })]
          : []),
      ]);
    }
    const patch: Partial<ChatState> =
      target === 'away'
        ? { agentsOnline: false }
        : target === 'closed-conversation'
          ? { conversationStatus: 'closed' }
          : { agentsOnline: true };
    service.state = { ...service.state, ...patch };
    service.publish();
  }

  /** The element's service once it has started (it starts when the panel opens). */
  private async serviceOf(el: AmoiqChat): Promise<PreviewService | null> {
    for (let i = 0; i < 100; i++) {
      const service = (el as unknown as { chat?: { service?: PreviewService } }).chat?.service;
      if (service) return service;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return null;
  }

  private choose<K extends 'previewState' | 'theme' | 'direction' | 'size'>(key: K, value: this[K]) {
    this[key] = value;
    this.dispatchEvent(new CustomEvent('amoiq-preview-change', { detail: { [key]: value }, bubbles: true, composed: true }));
  }

  private radios<K extends 'previewState' | 'theme' | 'direction' | 'size'>(
    key: K,
    legend: string,
    options: ReadonlyArray<readonly [this[K] & string, string]>,
  ) {
    return html`<fieldset>
      <legend>${legend}</legend>
      ${options.map(
        ([value, label]) =>
          html`<label
            ><input type="radio" name=${key} .value=${value} .checked=${this[key] === value} @change=${() => this.choose(key, value)} />${label}</label
          >`,
      )}
    </fieldset>`;
  }

  override render() {
    const note =
      this.previewState === 'conversation' || this.previewState === 'closed-conversation' || this.previewState === 'away'
        ? html`<p class="note">The messages and the away state are sample content put into the widget; the preview has no server, so its status line says it is not connected.</p>`
        : html`<p class="note">The preview has no server, so its status line says it is not connected.</p>`;
    return html`
      ${this.radios('previewState', 'State', PREVIEW_STATES)}
      ${this.radios('theme', 'Colours', [
        ['light', 'Light'],
        ['dark', 'Dark'],
      ])}
      ${this.radios('direction', 'Direction', [
        ['ltr', 'Left to right (English)'],
        ['rtl', 'Right to left (Arabic)'],
      ])}
      ${this.radios('size', 'Width', [
        ['phone', 'Phone (375 px)'],
        ['desktop', 'Desktop (1024 px)'],
      ])}
      ${note}
      <div class="stage ${this.size} ${this.theme}" data-testid="stage" dir=${this.direction}>
        ${
          this.config
            ? keyed(
                this.mount,
                html`<amoiq-chat
                tenant-id="preview"
                gateway-url=${NO_BACKEND}
                storage="memory"
                db-name=${`amoiq-preview-${this.mount}`}
                lang=${this.direction === 'rtl' ? 'ar' : 'en'}
                theme=${this.theme}
              ></amoiq-chat>`,
              )
            : nothing
        }
      </div>
    `;
  }
}
