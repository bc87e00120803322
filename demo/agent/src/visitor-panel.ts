import { LitElement, css, html, nothing } from 'lit';
import { property, state } from 'lit/decorators.js';
import { conversationTitle, startedLabel } from './titles.js';
import type { Conversation, VisitorInfo } from './types.js';

/** Loads the visitor beside a conversation (api.ts, `visitor()`); provided by the app, which holds the credentials. */
export type VisitorLoader = (conversationId: string) => Promise<VisitorInfo>;

/** How often the visitor's local time is redrawn. */
const CLOCK_MS = 30_000;

/**
 * The visitor beside the open conversation: the page they are on, their language, their local
 * time (from the time zone the widget reported; docs/protocol.md, Visitor context) and their
 * previous conversations, each of which opens on click. A disclosure, so on a narrow screen it
 * takes one line until opened. Defined as `<amoiq-agent-visitor>` by main.ts.
 *
 * @fires amoiq-agent-open - `detail: { conversationId, conversation }` when the agent opens a previous conversation
 */
export class AmoiqAgentVisitor extends LitElement {
  static override styles = css`
    :host { display: block; background: #fff; font-size: 0.85rem; }
    details { padding: 8px 16px; }
    summary { cursor: pointer; color: #3d444d; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
    summary:focus-visible, a:focus-visible, button:focus-visible { outline: 2px solid #0b5cad; outline-offset: 2px; }
    summary strong { color: #1b1f24; }
    dl { display: grid; grid-template-columns: max-content 1fr; gap: 2px 12px; margin: 8px 0; }
    dt { color: #57606a; }
    dd { margin: 0; overflow-wrap: anywhere; min-inline-size: 0; }
    h3 { font-size: 0.8rem; margin: 8px 0 4px; color: #57606a; font-weight: 600; }
    ul { list-style: none; margin: 0; padding: 0; display: grid; gap: 4px; }
    button { all: unset; box-sizing: border-box; display: grid; grid-template-columns: minmax(0, 1fr); inline-size: 100%; padding: 4px 8px; border: 1px solid #d7dde3; border-radius: 6px; cursor: pointer; }
    button:hover { background: #f4f6f8; }
    .line { overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
    .muted { color: #57606a; }
    @media (forced-colors: active) { button { border-color: CanvasText; } }
  `;

  /** The open conversation (null: nothing shown). */
  @property({ attribute: false }) conversation: Conversation | null = null;
  /** Fetches the visitor's context and previous conversations. */
  @property({ attribute: false }) loader: VisitorLoader | null = null;
  /** Whether the details are shown (the app opens them on wide screens). */
  @property({ type: Boolean }) expanded = false;

  @state() private info: VisitorInfo | null = null;
  @state() private failed = false;
  @state() private now = Date.now();
  private clock: ReturnType<typeof setInterval> | undefined;
  private loads = 0;

  override connectedCallback() {
    super.connectedCallback();
    this.clock = setInterval(() => (this.now = Date.now()), CLOCK_MS);
  }

  override disconnectedCallback() {
    super.disconnectedCallback();
    clearInterval(this.clock);
  }

  protected override willUpdate(changed: Map<string, unknown>) {
    const previous = changed.get('conversation') as Conversation | null | undefined;
    if ((changed.has('conversation') && previous?.id !== this.conversation?.id) || changed.has('loader')) void this.load();
  }

  /** Loads the visitor of the current conversation again (the app calls it when the visitor's session changes). */
  async load() {
    const id = this.conversation?.id;
    const load = ++this.loads;
    this.info = null;
    this.failed = false;
    if (!id || !this.loader) return;
    try {
      const info = await this.loader(id);
      if (load === this.loads) this.info = info;
    } catch {
      if (load === this.loads) this.failed = true;
    }
  }

  override render() {
    if (!this.conversation) return nothing;
    const context = this.info?.context ?? null;
    const time = context?.timezone ? localTime(this.now, context.timezone) : null;
    const path = context?.pageUrl ? shortPage(context.pageUrl) : null;
    return html`<details ?open=${this.expanded} @toggle=${this.handleToggle}>
      <summary>
        <strong>Visitor</strong>${time ? html` · <span class="time">${time} local</span>` : nothing}${path ? html` · <bdi>${path}</bdi>` : nothing}
      </summary>
      ${this.failed ? html`<p class="muted">Could not load the visitor's details.</p>` : this.info ? this.renderInfo(this.info) : html`<p class="muted">Loading…</p>`}
    </details>`;
  }

  private renderInfo(info: VisitorInfo) {
    const context = info.context;
    return html`${
      context
        ? html`<dl aria-label="Where the visitor is">
            ${
              context.pageUrl
                ? html`<dt>Page</dt>
                  <dd dir="ltr"><a class="page" href=${context.pageUrl} target="_blank" rel="noopener noreferrer">${context.pageUrl}</a></dd>`
                : nothing
            }
            ${context.locale ? html`<dt>Language</dt><dd class="locale">${languageName(context.locale)}</dd>` : nothing}
            ${
              context.timezone
                ? html`<dt>Local time</dt>
                  <dd class="local-time">${localTime(this.now, context.timezone)} <span class="muted">(${context.timezone})</span></dd>`
                : nothing
            }
            ${context.at ? html`<dt>Last seen</dt><dd><time datetime=${context.at}>${new Date(context.at).toLocaleString()}</time></dd>` : nothing}
          </dl>`
        : html`<p class="muted">The widget sent no page, language or time zone.</p>`
    }
      <h3 id="previous-title">Previous conversations</h3>
      ${
        info.previous.length
          ? html`<ul class="previous" aria-labelledby="previous-title">
            ${info.previous.map(
              (c) => html`<li>
                <button type="button" @click=${() => this.open(c)}>
                  <span class="line"><bdi>${conversationTitle(c)}</bdi> · ${startedLabel(c)}${c.status === 'closed' ? ' · Closed' : ''}</span>
                  <span class="line muted" dir="auto">${c.preview ?? ''}</span>
                </button>
              </li>`,
            )}
          </ul>
          ${info.hasMore ? html`<p class="muted">Older ones: search for the visitor's name or e-mail address.</p>` : nothing}`
          : html`<p class="muted">None: this is the visitor's first conversation.</p>`
      }`;
  }

  private handleToggle(event: Event) {
    this.expanded = (event.target as HTMLDetailsElement).open;
  }

  private open(conversation: Conversation) {
    this.dispatchEvent(
      new CustomEvent('amoiq-agent-open', { detail: { conversationId: conversation.id, conversation }, bubbles: true, composed: true }),
    );
  }
}

/** The time now in `timeZone`, with its offset from UTC ("14:05 (UTC+9)" style). */
export function localTime(now: number, timeZone: string): string {
  try {
    return new Intl.DateTimeFormat(undefined, { timeZone, hour: '2-digit', minute: '2-digit', timeZoneName: 'shortOffset' }).format(now);
  } catch {
    return '';
  }
}

/** "Japanese (Japan) · ja-JP". */
function languageName(locale: string) {
  try {
    const name = new Intl.DisplayNames(['en'], { type: 'language' }).of(locale);
    return name && name !== locale ? `${name} · ${locale}` : locale;
  } catch {
    return locale;
  }
}

/** The path of a page address (the host is the site's own), or the address when it has none. */
function shortPage(url: string) {
  try {
    const { pathname } = new URL(url);
    return pathname === '/' ? url : pathname;
  } catch {
    return url;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'amoiq-agent-visitor': AmoiqAgentVisitor;
  }
}
