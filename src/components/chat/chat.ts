import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { property } from 'lit/decorators/property.js';
import { AmoiqCloseEvent } from '../../events/close-event.js';
import { AmoiqErrorEvent } from '../../events/error-event.js';
import { AmoiqOpenEvent } from '../../events/open-event.js';
import { launcherLang } from '../../i18n/launcher.js';
import type { ChatErrorCode } from '../../protocol/errors.js';
import type { Attachment, AttachmentLimits } from '../../protocol/v1.js';
import type { ChatMessage } from '../../services/chat-service.js';
import type { VisitorIdentity } from '../../services/identity.js';
import type { StorageMode } from '../../services/storage-mode.js';
import type { ConnectionState } from '../../services/transport.js';
import { sharedStyles } from '../../styles/shared.js';
import { chatIcon, closeIcon } from '../../styles/icons.js';
import { DEFAULTS, isPosition, isTheme, type ChatPosition, type ChatTheme } from '../../config.js';
import { HostStyleController } from '../../controllers/host-style-controller.js';
import { tenantText } from '../../services/tenant-texts.js';
import type { AmoiqChatInput } from '../chat-input/chat-input.js';
import type { PreChatField } from '../pre-chat-form/fields.js';
import { RuntimeSlot, runtimeLoaded } from './runtime-slot.js';
import { styles } from './chat.styles.js';

/**
 * A customer chat: a launcher bubble that opens a panel with a header, the conversation and a
 * message box. It talks to any backend that speaks the amoiq-chat protocol (docs/protocol.md):
 * WebSocket first, HTTP long-poll when WebSocket cannot connect. The visitor's identity, the
 * conversation and unsent messages are kept in IndexedDB, so a reload shows the history at once.
 *
 * Wrong attribute values log one console warning naming the attribute and fall back to the
 * default (config.ts); the widget keeps working.
 *
 * Its language comes from its own `lang` attribute, else the closest ancestor's, else the
 * document's, else the browser's; English is bundled, `es`, `fr`, `de`, `ar` (right to left) and
 * `ja` load on demand. Each instance has its own, so two widgets on a page can differ.
 *
 * Its CSS custom properties, with their defaults, are defined and described in
 * src/styles/tokens.ts (listed here in custom-elements.json, and in docs/theming.md). A part of
 * an inner element is re-exported as `<part of that element>-<its part>` (`header-title`).
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
 * @fires {AmoiqErrorEvent} amoiq-error - A message was refused or a value was invalid (`detail.code` is a `ChatErrorCode`).
 * @fires {AmoiqAttachmentRejectedEvent} amoiq-attachment-rejected - A picked, pasted or dropped file was refused by the attachment limits (`detail`: `name`, `type`, `size`, `reason`: `type`, `size`, `empty` or `count`); it was not uploaded.
 * @fires {AmoiqResetEvent} amoiq-reset - `reset()` is about to clear the visitor's local state; cancelable (`detail.unsent` counts unsent messages).
 * @fires {AmoiqContactEvent} amoiq-contact - The server stored contact details the visitor gave in the pre-chat form or the away banner (`detail`: `contact`, `source`).
 * @fires {AmoiqNewConversationEvent} amoiq-new-conversation - The visitor started a new conversation after an agent closed the previous one.
 * @fires {AmoiqEscalationEvent} amoiq-escalation - The conversation was escalated to a person (queued), assigned, transferred or returned to the assistant (`detail.handoff`).
 *
 * @csspart base - The wrapper of launcher and panel.
 * @csspart panel - The chat panel.
 * @csspart launcher - The launcher button.
 * @csspart badge - The unread count on the launcher (shown while closed).
 * @csspart header - The `<amoiq-chat-header>`; its parts as `header-*`.
 * @csspart message-list - The `<amoiq-message-list>`; its parts as `message-list-*`.
 * @csspart input - The `<amoiq-chat-input>`; its parts as `input-*`.
 * @csspart away - The away banner (`<amoiq-away-banner>`), shown while no agent is online; its parts as `away-*`.
 * @csspart pre-chat - The pre-chat form (`<amoiq-pre-chat-form>`), shown before the first message when `pre-chat-fields` is set; its parts as `pre-chat-*`.
 * @csspart closed - The closed-conversation bar (`<amoiq-conversation-closed>`) that replaces the message box; its parts as `closed-*`.
 * @csspart drop-zone - The indication shown over the panel while files are dragged onto it.
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

  /** Accent colour, any CSS colour. Default `#0088ff` (or the tenant's configured colour). */
  @property({ attribute: 'theme-color' }) themeColor = '';

  /** Title of the panel. Default "Chat with us" (or the tenant's configured text). */
  @property({ attribute: 'header-text' }) headerText = '';

  /** Greeting shown above the conversation (or the tenant's configured greeting). */
  @property({ attribute: 'welcome-message' }) welcomeMessage = '';

  /** Open the panel when the widget loads (focus is not moved). */
  @property({ type: Boolean, attribute: 'auto-open' }) autoOpen = false;

  /** Panel width, a CSS length. Default `350px`. */
  @property() width = DEFAULTS.width;

  /** Panel height, a CSS length. Default `550px`. */
  @property() height = DEFAULTS.height;

  /** Whether the panel is open; reflected. Setting it does not move focus (`show()` does). */
  @property({ type: Boolean, reflect: true }) open = false;

  /** IndexedDB database name; change it only to isolate instances (tests, several sites on one origin). */
  @property({ attribute: 'db-name' }) dbName = 'amoiq-chat';

  /** Colour scheme: `light` (default), `dark`, or `auto` to follow the visitor's system setting. Reflected. */
  @property({ reflect: true }) theme: ChatTheme = DEFAULTS.theme;

  /** Play a short tone for each message from the other side that arrives while the panel is closed or the tab hidden. */
  @property({ type: Boolean }) sound = false;

  /** While the tab is hidden, alternate the page title with "(1) New message" until the visitor comes back. */
  @property({ type: Boolean, attribute: 'title-flash' }) titleFlash = false;

  /** Opt in to relinking an anonymous visitor whose storage was cleared by a coarse fingerprint (docs/security.md). */
  @property({ type: Boolean }) fingerprint = false;

  /** Hide the emoji button of the message box (its picker is only loaded when first opened). */
  @property({ type: Boolean, attribute: 'no-emoji' }) noEmoji = false;

  /** Files the visitor may attach: MIME types and `type/*` patterns, narrowing the server's list; `none` for none. */
  @property({ attribute: 'attachment-types' }) attachmentTypes = '';

  /** Largest file the visitor may attach, in bytes or with a unit (`5MB`; powers of 1024); narrows the server's limit. */
  @property({ attribute: 'attachment-max-size' }) attachmentMaxSize = '';

  /** Text of the away banner shown while no agent is online; wins over the tenant's `awayMessage`; empty for the localized default. */
  @property({ attribute: 'away-message' }) awayMessage = '';

  /**
   * Fields of the optional pre-chat form, shown before the first message of a conversation.
   * As an attribute, a comma list of field names (`name,email*`): `name`, `email` and `phone` get
   * localized labels and input types, a trailing `*` marks a required field, other names become
   * text fields labelled with the name. As a property, an array of
   * `{ name, label?, type?, required? }` for full control. Empty (default): no form.
   */
  @property({
    attribute: 'pre-chat-fields',
    converter: { fromAttribute: (v: string | null) => runtimeLoaded()!.parsePreChatFields(v, (t) => console.warn(`[amoiq-chat] ${t}`)) },
  })
  preChatFields: PreChatField[] = [];

  /** Where the visitor's state is kept: `persistent` (IndexedDB), `session` or `memory`; back to `persistent` keeps the chat. */
  @property() storage: StorageMode = DEFAULTS.storage;

  /** The site's id of the logged-in user; needs `user-token`. See `identify()`. */
  @property({ attribute: 'user-id' }) userId = '';

  /** Display name of the logged-in user (shown to agents). */
  @property({ attribute: 'user-name' }) userName = '';

  /** E-mail of the logged-in user (shown to agents). */
  @property({ attribute: 'user-email' }) userEmail = '';

  /** The JWT (HS256) the site's backend signed for `user-id` with the tenant's identity secret. */
  @property({ attribute: 'user-token' }) userToken = '';

  /** Attributes already warned about: one console warning each. */
  private readonly warned = new Set<string>();
  /** The rest of the chat (chat-runtime.ts): created with the element, or when first needed. */
  private readonly lazy = new RuntimeSlot(this, {
    launcher: () => this.find<HTMLButtonElement>('.launcher'),
    panel: () => this.find('.panel'),
    input: () => this.find<AmoiqChatInput>('amoiq-chat-input') ?? undefined,
    fieldsAttribute: () => this.fieldsAttribute,
    warn: (key, text) => this.warned.has(key) || (this.warned.add(key), console.warn(`[amoiq-chat] ${key}: ${text}`)),
    fail: (code, message) => this.fail(code, message),
  });
  /** Size and brand colour on the wrapper (host-style-controller.ts). */
  protected readonly hostStyle = new HostStyleController(this, {
    remoteColor: () => this.chat?.service?.state.remoteConfig?.themeColor,
    base: () => this.find('.base'),
  });
  private fieldsAttribute?: string; // `pre-chat-fields` set before the runtime (its parser) loaded
  private get chat() {
    return this.lazy.runtime?.chat; // the service's owner (ChatController) once the runtime is here; tests reach the service through it
  }

  /** The conversation as shown: stored messages in order, then the visitor's unsent ones. */
  get messages(): readonly ChatMessage[] {
    return this.chat?.service?.state.messages ?? [];
  }

  /** The connection state: `idle`, `connecting`, `online` or `offline`. */
  get connectionState(): ConnectionState {
    return this.chat?.service?.state.connection ?? 'idle';
  }

  /** The attachment limits in force: the server's, narrowed by `attachment-types` and `attachment-max-size`. */
  get attachmentLimits(): AttachmentLimits {
    return this.lazy.runtime?.attachmentLimits ?? { maxSize: 0, types: [] };
  }

  /** Opens the panel and moves focus to the message box (or the form that stands in for it). */
  show(): void {
    this.lazy.focusComposerOnShow();
    this.open = true;
  }

  /** Closes the panel. Focus returns to the launcher if it was inside the panel. */
  hide(): void {
    this.open = false;
  }

  /** Opens the panel if closed (as `show()`), closes it if open. */
  toggle(): void {
    return this.open ? this.hide() : this.show();
  }

  /**
   * Sends a message as the visitor. It is queued (IndexedDB) and delivered as soon as the
   * connection allows. `attachments` are files already uploaded to the conversation (at most 5;
   * the text may then be empty). Returns the queued message, or undefined when the text is empty
   * or too long (an `amoiq-error` event and a warning say why). With the lazy entries, a call
   * before the chat has loaded returns undefined and sends the message once it has.
   */
  send(text: string, attachments?: readonly Attachment[]): ChatMessage | undefined {
    if (this.lazy.runtime) return this.lazy.runtime.send(text, attachments);
    void this.lazy.load().then(
      (runtime) => runtime.send(text, attachments),
      () => this.fail('not_connected', 'send(): the chat could not be loaded.'),
    );
    return undefined;
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
    const runtimeModule = runtimeLoaded(); // its checks come with the runtime: until then, queued
    if (!runtimeModule) return void this.lazy.load().then(() => this.identify(identity), String);
    const problem = runtimeModule.identityProblem(identity ?? {});
    if (problem) return this.fail('invalid_identity', `identify(): ${problem}.`);
    this.userId = identity.userId;
    this.userToken = identity.userToken;
    this.userName = identity.name ?? '';
    this.userEmail = identity.email ?? '';
    void this.lazy.load().catch(String);
  }

  /**
   * Forgets the visitor on this device (call it on logout): visitor id, session, cached history,
   * unsent messages and the identity. Fires a cancelable `amoiq-reset` first, whose
   * `detail.unsent` counts messages not yet delivered; cancel it to keep everything (for example
   * to ask the visitor first). Resolves true when the state was cleared.
   */
  async reset(): Promise<boolean> {
    return (await this.lazy.load()).reset();
  }

  /** Asks for a person (`reason`, `metadata` shown to agents): the conversation is queued; `amoiq-escalation` follows. */
  async escalate(reason?: string, metadata?: Record<string, string>): Promise<void> {
    await (await this.lazy.load()).chat.service?.escalate(reason, metadata);
  }

  /** A server-rendered launcher (Lit SSR): the first render hydrates it, so it leaves the panel out as the server did. */
  private hydrating = false;
  protected override createRenderRoot() {
    this.hydrating = !!this.shadowRoot;
    return super.createRenderRoot();
  }

  /** The lazy entries' first render in a task after the one that created the element: no long task at start (bench/README.md). */
  protected override scheduleUpdate(): void | Promise<unknown> {
    if (this.hasUpdated || this.lazy.runtime) return super.scheduleUpdate();
    return new Promise((r) => setTimeout(r)).then(() => super.scheduleUpdate());
  }

  override connectedCallback(): void {
    super.connectedCallback();
    if (this.autoOpen) this.open = true;
  }

  override attributeChangedCallback(name: string, old: string | null, value: string | null): void {
    // Its parser comes with the runtime: until then the attribute waits (chat-runtime.ts parses it).
    if (name === 'pre-chat-fields' && !runtimeLoaded()) this.fieldsAttribute = value ?? undefined;
    else super.attributeChangedCallback(name, old, value);
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (this.lazy.runtime) {
      this.lazy.runtime.willUpdate(changed); // warnings (before the fixes below), service options
      if (!isPosition(this.position)) this.position = DEFAULTS.position;
      if (!isTheme(this.theme)) this.theme = DEFAULTS.theme;
    } else if (this.open)
      void this.lazy.load().catch(() => undefined); // needed now by an open panel
    else if (!this.hasUpdated) this.lazy.whenReturning(); // and soon by a returning visitor (unread badge)
    if (this.open && changed.has('open')) this.lazy.interest();
  }

  protected override updated(changed: PropertyValues<this>): void {
    if (this.hydrating) {
      this.hydrating = false; // hydrated: the next render adds the panel
      void this.updateComplete.then(() => this.requestUpdate());
    }
    if (!changed.has('open')) return;
    const was = changed.get('open');
    if (was !== undefined) this.lazy.runtime?.openChanged();
    if (this.open && was !== true) this.dispatchEvent(new AmoiqOpenEvent());
    if (!this.open && was === true) this.dispatchEvent(new AmoiqCloseEvent());
  }

  override render() {
    const { runtime } = this.lazy;
    const [vertical, horizontal] = this.position.split('-');
    const { locale, dir, openChat, closeChat } = launcherLang(this);
    const l10n = runtime?.l10n.value;
    const headerText =
      this.headerText || tenantText(this.chat?.service?.state.remoteConfig, l10n?.locale, 'headerText') || l10n?.strings.headerText || '';
    const unread = this.open || !runtime ? 0 : runtime.unread.count;
    const launcherLabel = this.open ? closeChat : unread && l10n ? l10n.plural(l10n.strings.openChatUnread, unread) : openChat;
    return html`
      <div part="base" class="base ${vertical} ${horizontal}" lang=${locale} dir=${dir} @keydown=${this.handleKeydown}>
        <section part="panel" id="panel" class="panel" role="dialog" aria-modal=${runtime?.modal.active ? 'true' : 'false'} aria-label=${headerText || openChat} ?hidden=${!this.open || !runtime}>
          ${(!this.hydrating && runtime?.renderPanel(headerText)) || nothing}
        </section>
        <button part="launcher" class="launcher" type="button" aria-controls="panel" aria-expanded=${this.open ? 'true' : 'false'} aria-label=${launcherLabel} @click=${this.toggle} @pointerenter=${this.lazy.interest} @pointerdown=${this.lazy.interest} @focus=${this.lazy.interest}>
          <slot name="launcher">${this.open ? closeIcon : chatIcon}</slot>
          ${unread ? html`<span part="badge" class="badge" aria-hidden="true">${unread > 99 ? '99+' : unread}</span>` : nothing}
        </button>
        <div class="visually-hidden" aria-live="polite">${unread && l10n ? l10n.plural(l10n.strings.newMessages, unread) : ''}</div>
      </div>
    `;
  }

  private find<T extends HTMLElement = HTMLElement>(selector: string): T | null {
    return this.renderRoot?.querySelector<T>(selector) ?? null;
  }

  private handleKeydown(e: KeyboardEvent): void {
    this.lazy.runtime?.modal.handleKeydown(e);
    if (e.key !== 'Escape' || !this.open) return;
    e.stopPropagation();
    this.hide();
  }

  private fail(code: ChatErrorCode, message: string): void {
    console.warn(`[amoiq-chat] ${message}`);
    this.dispatchEvent(new AmoiqErrorEvent({ code, message }));
  }
}
