import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { property, query } from 'lit/decorators.js';
import { styleProps } from '../../styles/style-props.js';
import { ChatController } from '../../controllers/chat-controller.js';
import { AmoiqCloseEvent } from '../../events/close-event.js';
import { AmoiqErrorEvent } from '../../events/error-event.js';
import { AmoiqOpenEvent } from '../../events/open-event.js';
import { AmoiqResetEvent } from '../../events/reset-event.js';
import type { AmoiqInputSubmitEvent } from '../../events/input-submit-event.js';
import type { AmoiqRetryEvent } from '../../events/retry-event.js';
import type { AmoiqQuickReplyEvent } from '../../events/quick-reply-event.js';
import type { AmoiqTypingEvent } from '../../events/typing-event.js';
import { LocalizeController } from '../../i18n/localize.js';
import { UnreadController } from '../../controllers/unread-controller.js';
import type { ChatMessage } from '../../services/chat-service.js';
import { identityProblem, setIdentity, type VisitorIdentity } from '../../services/identity.js';
import { STORAGE_MODES, setStorageMode, type StorageMode } from '../../services/storage-mode.js';
import { ChatStore } from '../../services/store.js';
import type { ConnectionState } from '../../services/transport.js';
import { sharedStyles } from '../../styles/shared.js';
import type { AmoiqChatInput } from '../chat-input/chat-input.js';
import { isColor, isHttpUrl, isLength, isPosition, readableOn, type ChatPosition } from './config.js';
import { styles } from './chat.styles.js';

const DEFAULTS = {
  position: 'bottom-right' as ChatPosition,
  themeColor: '#0088FF',
  width: '350px',
  height: '550px',
};

/** Colour schemes of `theme`. */
export type ChatTheme = 'light' | 'dark' | 'auto';
const THEMES: readonly ChatTheme[] = ['light', 'dark', 'auto'];

/**
 * A customer chat: a launcher bubble that opens a panel with a header, the conversation and a
 * message box. It talks to any backend that speaks the amoiq-chat protocol (docs/protocol.md):
 * WebSocket first, HTTP long-poll when WebSocket cannot connect. The visitor's identity, the
 * conversation and unsent messages are kept in IndexedDB, so a reload shows the history at once.
 *
 * Wrong attribute values log one console warning naming the attribute and fall back to the
 * default; the widget keeps working.
 *
 * Its language comes from its own `lang` attribute, else the closest ancestor's, else the
 * document's, else the browser's; English is bundled, `es`, `fr`, `de`, `ar` (right to left) and
 * `ja` load on demand. Each instance has its own, so two widgets on a page can differ.
 *
 * @tag amoiq-chat
 * @summary Embeddable customer chat: launcher bubble and chat panel.
 *
 * @attr {string} lang - Language of the widget (`en`, `es`, `fr`, `de`, `ar`, `ja`, with or without region); inherited from the page when absent.
 *
 * @slot launcher - Content of the launcher button, replacing the chat icon.
 * @slot header - Extra content in the header, after the title.
 *
 * @fires {AmoiqOpenEvent} amoiq-open - The panel opened.
 * @fires {AmoiqCloseEvent} amoiq-close - The panel closed.
 * @fires {AmoiqMessageEvent} amoiq-message - A visitor message was stored by the server, or a message from the other side arrived.
 * @fires {AmoiqConnectionChangeEvent} amoiq-connection-change - The connection state or transport changed.
 * @fires {AmoiqErrorEvent} amoiq-error - A message was refused or a value was invalid.
 * @fires {AmoiqResetEvent} amoiq-reset - `reset()` is about to clear the visitor's local state; cancelable (`detail.unsent` counts unsent messages).
 *
 * @csspart base - The wrapper of launcher and panel.
 * @csspart panel - The chat panel.
 * @csspart launcher - The launcher button.
 * @csspart badge - The unread count on the launcher (shown while closed).
 * @csspart header - The `<amoiq-chat-header>`.
 * @csspart message-list - The `<amoiq-message-list>`.
 * @csspart input - The `<amoiq-chat-input>`.
 *
 * @cssprop [--amoiq-chat-accent-color=#0088FF] - Accent colour (launcher, header, own bubbles); `theme-color` sets it.
 * @cssprop [--amoiq-chat-on-accent-color=#000] - Text on the accent colour; chosen for contrast when `theme-color` is set.
 * @cssprop [--amoiq-chat-surface-color=#fff] - Panel background.
 * @cssprop [--amoiq-chat-text-color=#1a1a1a] - Text colour.
 * @cssprop [--amoiq-chat-font-family=system-ui] - Font.
 * @cssprop [--amoiq-chat-width=350px] - Panel width; `width` sets it.
 * @cssprop [--amoiq-chat-height=550px] - Panel height; `height` sets it.
 * @cssprop [--amoiq-chat-radius=1rem] - Panel corner radius.
 * @cssprop [--amoiq-chat-shadow=0 12px 40px rgb(0 0 0 / 0.22)] - Panel and launcher shadow.
 * @cssprop [--amoiq-chat-offset=1.25rem] - Distance from the viewport edges.
 * @cssprop [--amoiq-chat-z-index=2147483000] - Stacking order.
 * @cssprop [--amoiq-chat-launcher-size=3.5rem] - Launcher diameter.
 * @cssprop [--amoiq-chat-border-color=#8d949e] - Borders (text box, separators).
 * @cssprop [--amoiq-chat-muted-color=#555] - Secondary text (times, sender names, counter).
 * @cssprop [--amoiq-chat-error-color=#b3261e] - Errors and the length counter at the limit.
 * @cssprop [--amoiq-chat-focus-color=var(--amoiq-chat-accent-color)] - Focus outline.
 * @cssprop [--amoiq-chat-badge-background=#d93025] - Unread badge background.
 * @cssprop [--amoiq-chat-badge-color=#fff] - Unread badge text.
 * @cssprop [--amoiq-chat-spacing=1rem] - Base padding inside the panel.
 * @cssprop [--amoiq-chat-font-size=1rem] - Base font size (the text box never goes below 16px).
 */
export class AmoiqChat extends LitElement {
  static override styles = [sharedStyles, styles];

  /** Tenant (site) id, as in seed 000's `ChatWidgetConfig.tenantId`. */
  @property({ attribute: 'tenant-id' }) tenantId = '';

  /** Base URL of the chat backend (the gateway). Defaults to the page's origin. */
  @property({ attribute: 'gateway-url' }) gatewayUrl = '';

  /** Public API key of the tenant; without it the keyless form of the protocol is used. */
  @property({ attribute: 'api-key' }) apiKey = '';

  /** Corner of the viewport: `bottom-right` (default), `bottom-left`, `top-right` or `top-left`. */
  @property({ reflect: true }) position: ChatPosition = DEFAULTS.position;

  /** Accent colour, any CSS colour. Default `#0088FF` (or the tenant's configured colour). */
  @property({ attribute: 'theme-color' }) themeColor = '';

  /** Title of the panel. Default "Chat with us" (or the tenant's configured text). */
  @property({ attribute: 'header-text' }) headerText = '';

  /** Greeting shown above the conversation (or the tenant's configured greeting). */
  @property({ attribute: 'welcome-message' }) welcomeMessage = '';

  /** Open the panel when the widget loads. */
  @property({ type: Boolean, attribute: 'auto-open' }) autoOpen = false;

  /** Panel width, a CSS length. Default `350px`. */
  @property() width = DEFAULTS.width;

  /** Panel height, a CSS length. Default `550px`. */
  @property() height = DEFAULTS.height;

  /**
   * Whether the panel is open; reflected to the `open` attribute. (The property is `opened`
   * because `open()` is the method.)
   */
  @property({ type: Boolean, reflect: true, attribute: 'open' }) opened = false;

  /** IndexedDB database name; change it only to isolate instances (tests, several sites on one origin). */
  @property({ attribute: 'db-name' }) dbName = 'amoiq-chat';

  /** Colour scheme: `light` (default), `dark`, or `auto` to follow the visitor's system setting. Reflected. */
  @property({ reflect: true }) theme: ChatTheme = 'light';

  /** Play a short tone for each message from the other side that arrives while the panel is closed or the tab hidden. */
  @property({ type: Boolean }) sound = false;

  /** While the tab is hidden, alternate the page title with "(1) New message" until the visitor comes back. */
  @property({ type: Boolean, attribute: 'title-flash' }) titleFlash = false;

  @query('.launcher') private launcher!: HTMLButtonElement;
  @query('amoiq-chat-input') private input?: AmoiqChatInput;

  private readonly chat = new ChatController(this);
  private readonly l10n = new LocalizeController(this);
  private readonly unread = new UnreadController(
    this,
    (n) => this.l10n.value.plural(this.l10n.value.strings.newMessagesTitle, n),
    () => this.chat.service?.isLeader ?? true,
  );
  private readonly warned = new Set<string>();
  private focusInputOnOpen = false;

  /** The conversation as shown: stored messages in order, then the visitor's unsent ones. */
  get messages(): readonly ChatMessage[] {
    return this.chat.service?.state.messages ?? [];
  }

  /** The connection state: `idle`, `connecting`, `online` or `offline`. */
  get connectionState(): ConnectionState {
    return this.chat.service?.state.connection ?? 'idle';
  }

  /** Opens the panel and moves focus to the message box. */
  open(): void {
    this.focusInputOnOpen = true;
    this.opened = true;
  }

  /** Closes the panel. Focus returns to the launcher if it was inside the panel. */
  close(): void {
    const focusWasInside = this.shadowRoot?.activeElement && this.shadowRoot.activeElement !== this.launcher;
    this.opened = false;
    if (focusWasInside) void this.updateComplete.then(() => this.launcher.focus());
  }

  /** Opens the panel if closed, closes it if open. */
  toggle(): void {
    if (this.opened) this.close();
    else this.open();
  }

  /**
   * Sends a message as the visitor. It is queued (IndexedDB) and delivered as soon as the
   * connection allows. Returns the queued message, or undefined when the text is empty or too
   * long (an `amoiq-error` event and a warning say why).
   */
  send(text: string): ChatMessage | undefined {
    const service = this.chat.service;
    if (!service) {
      this.fail('not_connected', 'send() was called while the element is not in the document.');
      return undefined;
    }
    try {
      return service.send(text);
    } catch (err) {
      this.fail(text.trim() ? 'payload_too_large' : 'bad_request', (err as Error).message);
      return undefined;
    }
  }

  override connectedCallback(): void {
    super.connectedCallback();
    if (this.autoOpen) this.opened = true;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('position') && !isPosition(this.position)) {
      this.warn('position', `"${this.position}" is not one of bottom-right, bottom-left, top-right, top-left; using ${DEFAULTS.position}.`);
      this.position = DEFAULTS.position;
    }
    if (changed.has('theme') && !THEMES.includes(this.theme)) {
      this.warn('theme', `"${this.theme}" is not one of light, dark, auto; using light.`);
      this.theme = 'light';
    }
    if (changed.has('themeColor') && this.themeColor && !isColor(this.themeColor)) {
      this.warn('theme-color', `"${this.themeColor}" is not a CSS colour; using ${DEFAULTS.themeColor}.`);
    }
    for (const key of ['width', 'height'] as const) {
      if (changed.has(key) && !isLength(this[key])) this.warn(key, `"${this[key]}" is not a CSS length; using ${DEFAULTS[key]}.`);
    }
    if (changed.has('gatewayUrl') && this.gatewayUrl && !isHttpUrl(this.gatewayUrl)) {
      this.warn('gateway-url', `"${this.gatewayUrl}" is not an http(s) URL; using the page's origin.`);
    }
    if ((changed.has('tenantId') || changed.has('apiKey')) && !this.tenantId && !this.apiKey) {
      this.warn('tenant-id', 'is missing (and there is no api-key): the backend cannot tell which site this is.');
    }
    if ((['gatewayUrl', 'apiKey', 'tenantId', 'dbName'] as const).some((k) => changed.has(k))) {
      this.chat.configure({
        gatewayUrl: this.gatewayUrl && isHttpUrl(this.gatewayUrl) ? this.gatewayUrl : location.origin,
        apiKey: this.apiKey || undefined,
        tenantId: this.tenantId || undefined,
        dbName: this.dbName || undefined,
      });
    }
  }

  protected override updated(changed: PropertyValues<this>): void {
    if (!changed.has('opened')) return;
    const was = changed.get('opened');
    if (was !== undefined) this.chat.panelChanged(this.opened);
    if (this.opened && this.focusInputOnOpen) {
      this.focusInputOnOpen = false;
      this.input?.focus();
    }
    if (this.opened && was !== true) this.dispatchEvent(new AmoiqOpenEvent());
    if (!this.opened && was === true) this.dispatchEvent(new AmoiqCloseEvent());
  }

  override render() {
    const remote = this.chat.service?.state.remoteConfig ?? {};
    const accent = [this.themeColor, remote.themeColor].find((c) => c && isColor(c));
    const vars: Record<string, string> = {
      '--amoiq-chat-width': isLength(this.width) ? this.width : DEFAULTS.width,
      '--amoiq-chat-height': isLength(this.height) ? this.height : DEFAULTS.height,
    };
    // Set only when configured, so a host page's own --amoiq-chat-accent-color still applies otherwise.
    if (accent) {
      vars['--amoiq-chat-accent-color'] = accent;
      vars['--amoiq-chat-on-accent-color'] = readableOn(accent);
    }
    const [vertical, horizontal] = this.position.split('-');
    const { strings, plural, locale, dir } = this.l10n.value;
    const headerText = this.headerText || remote.headerText || strings.headerText;
    const unread = this.opened ? 0 : this.unread.count;
    const launcherLabel = this.opened ? strings.closeChat : unread ? plural(strings.openChatUnread, unread) : strings.openChat;
    return html`
      <div
        part="base"
        class="base ${vertical} ${horizontal}"
        lang=${locale}
        dir=${dir}
        style=${styleProps(vars)}
        @keydown=${this.handleKeydown}
      >
        <section
          part="panel"
          id="panel"
          class="panel"
          role="dialog"
          aria-modal="false"
          aria-label=${headerText}
          ?hidden=${!this.opened}
        >
          <amoiq-chat-header
            part="header"
            exportparts="base: header-base, title: header-title, status: header-status, close-button"
            .headerText=${headerText}
            @amoiq-close-request=${this.close}
            ><slot name="header"></slot
          ></amoiq-chat-header>
          <amoiq-message-list
            part="message-list"
            exportparts="message, bubble, meta, avatar, sender, date-separator, notice, quick-replies, quick-reply, retry-button, new-messages-pill, loading, typing"
            .welcomeMessage=${this.welcomeMessage || remote.welcomeMessage || ''}
            @amoiq-retry=${this.handleRetry}
            @amoiq-quick-reply=${this.handleQuickReply}
          ></amoiq-message-list>
          <amoiq-chat-input
            part="input"
            exportparts="textarea, send-button, counter"
            @amoiq-input-submit=${this.handleSubmit}
            @amoiq-typing=${this.handleTyping}
          ></amoiq-chat-input>
        </section>
        <button
          part="launcher"
          class="launcher"
          type="button"
          aria-controls="panel"
          aria-expanded=${this.opened ? 'true' : 'false'}
          aria-label=${launcherLabel}
          @click=${this.toggle}
        >
          <slot name="launcher">${this.opened ? closeIcon : chatIcon}</slot>
          ${unread ? html`<span part="badge" class="badge" aria-hidden="true">${unread > 99 ? '99+' : unread}</span>` : nothing}
        </button>
      </div>
    `;
  }

  private handleKeydown(e: KeyboardEvent): void {
    if (e.key === 'Escape' && this.opened) {
      e.stopPropagation();
      this.opened = false;
      void this.updateComplete.then(() => this.launcher.focus());
    }
  }

  private handleSubmit(e: AmoiqInputSubmitEvent): void {
    this.send(e.detail.text);
  }

  private handleTyping(e: AmoiqTypingEvent): void {
    this.chat.service?.setTyping(e.detail.typing);
  }

  private handleQuickReply(e: AmoiqQuickReplyEvent): void {
    this.send(e.detail.text);
  }

  private handleRetry(e: AmoiqRetryEvent): void {
    this.chat.service?.retry(e.detail.clientId);
  }

  private warn(attribute: string, text: string): void {
    if (this.warned.has(attribute)) return;
    this.warned.add(attribute);
    console.warn(`[amoiq-chat] ${attribute}: ${text}`);
  }

  private fail(code: string, message: string): void {
    console.warn(`[amoiq-chat] ${message}`);
    this.dispatchEvent(new AmoiqErrorEvent({ code, message }));
  }

  // --- Identity and storage (docs/security.md): user-*, storage, identify(), reset() -----------

  /**
   * Where the visitor's state is kept: `persistent` (IndexedDB, default), `session` (this tab's
   * sessionStorage) or `memory` (nothing kept). Run with `memory` until the visitor consents,
   * then set `persistent`: the current chat moves into IndexedDB and continues.
   */
  @property() storage: StorageMode = 'persistent';

  /** The site's id of the logged-in user; needs `user-token`. See `identify()`. */
  @property({ attribute: 'user-id' }) userId = '';

  /** Display name of the logged-in user (shown to agents). */
  @property({ attribute: 'user-name' }) userName = '';

  /** E-mail of the logged-in user (shown to agents). */
  @property({ attribute: 'user-email' }) userEmail = '';

  /** The JWT (HS256) the site's backend signed for `user-id` with the tenant's identity secret. */
  @property({ attribute: 'user-token' }) userToken = '';

  static {
    this.addInitializer((el) => (el as AmoiqChat).addVisitorStateSync());
  }

  /**
   * Tells the chat who the logged-in visitor is. The server verifies `userToken` (signed by the
   * site's backend, see docs/security.md); on the first identify the anonymous conversation is
   * attached to the user, and the same user sees the same history on any browser. A token the
   * server refuses leaves the visitor unconnected with an `amoiq-error` (`invalid_identity`).
   * @example
   * chat.identify({ userId: 'u_42', name: 'Grace', email: 'grace@example.com', userToken });
   */
  identify(identity: VisitorIdentity): void {
    const problem = identityProblem(identity ?? {});
    if (problem) {
      this.fail('invalid_identity', `identify(): ${problem}.`);
      return;
    }
    this.userId = identity.userId;
    this.userToken = identity.userToken;
    this.userName = identity.name ?? '';
    this.userEmail = identity.email ?? '';
  }

  /**
   * Forgets the visitor on this device (call it on logout): visitor id, session, cached history,
   * unsent messages and the identity. Fires a cancelable `amoiq-reset` first, whose
   * `detail.unsent` counts messages not yet delivered; cancel it to keep everything (for example
   * to ask the visitor first). Resolves true when the state was cleared.
   */
  async reset(): Promise<boolean> {
    const unsent = this.messages.filter((m) => m.status === 'pending' || m.status === 'failed').length;
    if (!this.dispatchEvent(new AmoiqResetEvent({ unsent }))) return false;
    const connected = this.isConnected;
    this.chat.hostDisconnected(); // stops the service: no write of the old visitor after the clear
    this.userId = this.userToken = this.userName = this.userEmail = '';
    const store = new ChatStore(this.tenantId || this.apiKey || 'default', this.dbName || undefined);
    setIdentity(store.identityKey, undefined);
    await store.clear();
    if (connected && this.isConnected) this.chat.hostConnected();
    return true;
  }

  /**
   * Keeps the storage mode and the identity registry in step with `storage` and the user-*
   * properties; moves the chat into IndexedDB on consent, reconnects when the identity changes.
   */
  private addVisitorStateSync(): void {
    this.addController({
      hostUpdate: () => {
        const store = new ChatStore(this.tenantId || this.apiKey || 'default', this.dbName || undefined);
        if (!STORAGE_MODES.includes(this.storage)) this.warn('storage', `"${this.storage}" is not persistent, session or memory; using persistent.`);
        const mode = STORAGE_MODES.includes(this.storage) ? this.storage : 'persistent';
        if (setStorageMode(store.identityKey, mode) !== 'persistent' && mode === 'persistent') void store.persist();

        const identity = this.userId || this.userToken ? { userId: this.userId, userToken: this.userToken, name: this.userName || undefined, email: this.userEmail || undefined } : undefined;
        const problem = identity && identityProblem(identity);
        if (problem) this.warn('user-token', `${problem}; staying anonymous.`);
        // A change while connected needs a new session: restart the service with it.
        if (setIdentity(store.identityKey, problem ? undefined : identity) && this.chat.service) {
          this.chat.hostDisconnected();
          this.chat.hostConnected();
        }
      },
    });
  }
}

const chatIcon = html`<svg viewBox="0 0 24 24" aria-hidden="true">
  <path d="M4 3h16a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2H8l-4 4V5a2 2 0 0 1 2-2z" />
</svg>`;
const closeIcon = html`<svg viewBox="0 0 24 24" aria-hidden="true">
  <path d="M18.3 5.7a1 1 0 0 0-1.4 0L12 10.6 7.1 5.7a1 1 0 0 0-1.4 1.4l4.9 4.9-4.9 4.9a1 1 0 1 0 1.4 1.4l4.9-4.9 4.9 4.9a1 1 0 0 0 1.4-1.4L13.4 12l4.9-4.9a1 1 0 0 0 0-1.4z" />
</svg>`;

