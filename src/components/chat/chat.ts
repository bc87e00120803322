import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { nanoid } from 'nanoid';
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
import { defineLazy, type LazyTag } from '../../lazy-tags.js';
// [lifecycle]
import type { TemplateResult } from 'lit';
import { ReadController } from '../../controllers/read-controller.js';
import { parsePreChatFields, validFields, type PreChatField } from '../pre-chat-form/fields.js';
// [/lifecycle]
import { AttachmentDropController } from '../../controllers/attachment-drop-controller.js';
import { effectiveLimits, parseSize, parseTypes } from '../chat-input/attachment-limits.js';
import type { Attachment, AttachmentLimits } from '../../protocol/v1.js';
import type { UploadOptions } from '../../services/upload.js';
import { closeIcon } from '../../styles/icons.js';

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
 * @fires {AmoiqAttachmentRejectedEvent} amoiq-attachment-rejected - A picked, pasted or dropped file was refused by the attachment limits (`detail`: `name`, `type`, `size`, `reason`: `type`, `size`, `empty` or `count`); it was not uploaded.
 * @fires {AmoiqResetEvent} amoiq-reset - `reset()` is about to clear the visitor's local state; cancelable (`detail.unsent` counts unsent messages).
 * @fires {AmoiqContactEvent} amoiq-contact - The server stored contact details the visitor gave in the pre-chat form or the away banner (`detail`: `contact`, `source`).
 * @fires {AmoiqNewConversationEvent} amoiq-new-conversation - The visitor started a new conversation after an agent closed the previous one.
 *
 * @csspart base - The wrapper of launcher and panel.
 * @csspart panel - The chat panel.
 * @csspart launcher - The launcher button.
 * @csspart badge - The unread count on the launcher (shown while closed).
 * @csspart header - The `<amoiq-chat-header>`.
 * @csspart message-list - The `<amoiq-message-list>`.
 * @csspart input - The `<amoiq-chat-input>`.
 * @csspart away - The away banner (`<amoiq-away-banner>`), shown while no agent is online.
 * @csspart pre-chat - The pre-chat form (`<amoiq-pre-chat-form>`), shown before the first message when `pre-chat-fields` is set.
 * @csspart closed - The closed-conversation bar (`<amoiq-conversation-closed>`) that replaces the message box.
 * @csspart drop-zone - The indication shown over the panel while files are dragged onto it.
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

  /**
   * Opt in to relinking an anonymous visitor whose browser storage was cleared, by a coarse browser
   * fingerprint sent when a new visitor id is made (docs/security.md, "Fingerprint relink"). Off by
   * default; never used for logged-in visitors; the site's privacy policy must cover it.
   */
  @property({ type: Boolean }) fingerprint = false;

  /** Hide the emoji button of the message box (its picker is only loaded when first opened). */
  @property({ type: Boolean, attribute: 'no-emoji' }) noEmoji = false;

  /**
   * Types of files the visitor may attach, as a comma list of MIME types and `type/*` patterns
   * (`image/*,application/pdf`). It narrows the server's list (a type the server does not take is
   * ignored); empty uses the server's list; `none` turns attachments off.
   */
  @property({ attribute: 'attachment-types' }) attachmentTypes = '';

  /**
   * Largest file the visitor may attach: bytes, or a number with a unit (`5MB`, `500KB`; K, M and
   * G are powers of 1024). It narrows the server's limit; empty uses the server's.
   */
  @property({ attribute: 'attachment-max-size' }) attachmentMaxSize = '';

  // [lifecycle]
  /** Text of the away banner shown while no agent is online; wins over the tenant's `awayMessage`; empty for the localized default. */
  @property({ attribute: 'away-message' }) awayMessage = '';

  /**
   * Fields of the optional pre-chat form, shown before the first message of a conversation.
   * As an attribute, a comma list of field names (`name,email*`): `name`, `email` and `phone` get
   * localized labels and input types, a trailing `*` marks a required field, other names become
   * text fields labelled with the name. As a property, an array of
   * `{ name, label?, type?, required? }` for full control. Empty (default): no form.
   */
  @property({ attribute: 'pre-chat-fields', converter: { fromAttribute: (v: string | null) => parsePreChatFields(v, (t) => console.warn(`[amoiq-chat] ${t}`)) } })
  preChatFields: PreChatField[] = [];

  static {
    // Reports messages read while the panel is open and the page visible.
    this.addInitializer((el) => {
      const chat = el as AmoiqChat;
      new ReadController(chat, () => chat.chat.service, () => chat.opened);
      // When the form or the closed bar that had focus gives way (details stored, new conversation,
      // closed by the agent), focus moves to what replaced it rather than being lost.
      let shown: string | undefined;
      let focused = false;
      chat.addController({
        hostUpdate: () => {
          focused = !!chat.shadowRoot?.activeElement?.matches('amoiq-chat-input, amoiq-pre-chat-form, amoiq-conversation-closed');
        },
        hostUpdated: () => {
          const kind = chat.composerKind();
          if (shown !== undefined && kind !== shown && focused && chat.opened) chat.focusComposer();
          shown = kind;
        },
      });
    });
  }
  // [/lifecycle]

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
  private readonly drop = new AttachmentDropController(
    this,
    () => this.opened && this.attachmentLimits.types.length > 0,
    (files) => this.input?.addFiles?.(files),
  );
  private readonly upload = (file: File, options: UploadOptions) =>
    this.chat.service ? this.chat.service.upload(file, options) : Promise.reject(new Error('The chat is not connected.'));

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

  /** The attachment limits in force: the server's, narrowed by `attachment-types` and `attachment-max-size`. */
  get attachmentLimits(): AttachmentLimits {
    const types = parseTypes(this.attachmentTypes);
    const maxSize = parseSize(this.attachmentMaxSize);
    return effectiveLimits(this.chat.service?.state.remoteConfig.attachments, { types: types.types, maxSize });
  }

  /**
   * Sends a message as the visitor. It is queued (IndexedDB) and delivered as soon as the
   * connection allows. `attachments` are files already uploaded to the conversation (at most 5;
   * the text may then be empty). Returns the queued message, or undefined when the text is empty
   * or too long (an `amoiq-error` event and a warning say why).
   */
  send(text: string, attachments?: readonly Attachment[]): ChatMessage | undefined {
    const service = this.chat.service;
    if (!service) {
      this.fail('not_connected', 'send() was called while the element is not in the document.');
      return undefined;
    }
    try {
      return service.send(text, attachments);
    } catch (err) {
      this.fail(text.trim() && (attachments?.length ?? 0) <= 5 ? 'payload_too_large' : 'bad_request', (err as Error).message);
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
    if (changed.has('attachmentTypes')) {
      const { invalid } = parseTypes(this.attachmentTypes);
      if (invalid.length) this.warn('attachment-types', `${invalid.map((t) => `"${t}"`).join(', ')} is not a MIME type or type/* pattern; ignored.`);
    }
    if (changed.has('attachmentMaxSize') && Number.isNaN(parseSize(this.attachmentMaxSize))) {
      this.warn('attachment-max-size', `"${this.attachmentMaxSize}" is not a size (bytes, or like 5MB); using the server's limit.`);
    }
    if ((changed.has('tenantId') || changed.has('apiKey')) && !this.tenantId && !this.apiKey) {
      this.warn('tenant-id', 'is missing (and there is no api-key): the backend cannot tell which site this is.');
    }
    if ((['gatewayUrl', 'apiKey', 'tenantId', 'dbName', 'fingerprint'] as const).some((k) => changed.has(k))) {
      this.chat.configure({
        gatewayUrl: this.gatewayUrl && isHttpUrl(this.gatewayUrl) ? this.gatewayUrl : location.origin,
        apiKey: this.apiKey || undefined,
        tenantId: this.tenantId || undefined,
        dbName: this.dbName || undefined,
        fingerprint: this.fingerprint,
      });
    }
  }

  protected override updated(changed: PropertyValues<this>): void {
    if (!changed.has('opened')) return;
    const was = changed.get('opened');
    if (was !== undefined) this.chat.panelChanged(this.opened);
    if (this.opened && this.focusInputOnOpen) {
      this.focusInputOnOpen = false;
      this.focusComposer();
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
          ${this.renderAway()}
          <amoiq-message-list
            part="message-list"
            exportparts="message, bubble, meta, avatar, sender, date-separator, notice, quick-replies, quick-reply, retry-button, new-messages-pill, loading, typing, attachments, attachment, attachment-image"
            .welcomeMessage=${this.welcomeMessage || remote.welcomeMessage || ''}
            @amoiq-retry=${this.handleRetry}
            @amoiq-quick-reply=${this.handleQuickReply}
          ></amoiq-message-list>
          ${this.renderComposer(html`<amoiq-chat-input
            part="input"
            exportparts="textarea, send-button, counter, attach-button, staged-attachments, staged-attachment, staged-thumbnail, upload-progress, attachment-remove, attachment-retry, attachment-error, emoji-button, emoji-picker"
            ?no-emoji=${this.noEmoji}
            .attachmentLimits=${this.attachmentLimits}
            .uploader=${this.upload}
            @amoiq-input-submit=${this.handleSubmit}
            @amoiq-typing=${this.handleTyping}
          ></amoiq-chat-input>`)}
          ${this.drop.active ? html`<div part="drop-zone" class="drop-zone" role="status">${strings.dropFiles}</div>` : nothing}
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
    this.send(e.detail.text, e.detail.attachments);
  }

  private handleTyping(e: AmoiqTypingEvent): void {
    this.chat.service?.setTyping(e.detail.typing);
  }

  private handleQuickReply(e: AmoiqQuickReplyEvent): void {
    this.send(e.detail.text);
  }

  // [lifecycle]
  /** The away banner while no agent is online (and the conversation is open). */
  private renderAway() {
    const state = this.chat.service?.state;
    if (state?.agentsOnline !== false || state.conversationStatus === 'closed') return nothing;
    const message = this.awayMessage || state.remoteConfig.awayMessage || '';
    this.loadTag('amoiq-away-banner');
    // While the pre-chat form asks for details, the banner does not ask for an e-mail as well.
    return html`<amoiq-away-banner
      part="away"
      exportparts="base: away-base, message: away-message, email-input: away-email-input, submit-button: away-submit-button, confirmation: away-confirmation"
      .message=${message}
      ?no-email=${this.isPreChatShown()}
    ></amoiq-away-banner>`;
  }

  /** What sits under the list: the closed bar, the pre-chat form, or the message box. */
  private renderComposer(input: TemplateResult) {
    const state = this.chat.service?.state;
    if (state?.conversationStatus === 'closed') {
      this.loadTag('amoiq-conversation-closed');
      return html`<amoiq-conversation-closed
        part="closed"
        exportparts="note: closed-note, new-conversation-button"
      ></amoiq-conversation-closed>`;
    }
    if (this.isPreChatShown()) {
      this.loadTag('amoiq-pre-chat-form');
      return html`<amoiq-pre-chat-form
        part="pre-chat"
        exportparts="base: pre-chat-base, field: pre-chat-field, submit-button: pre-chat-submit-button"
        .fields=${this.validPreChatFields()}
        .prefill=${{ name: this.userName || undefined, email: this.userEmail || undefined }}
      ></amoiq-pre-chat-form>`;
    }
    return input;
  }

  /** The pre-chat form shows until the visitor gave details or wrote in this conversation. */
  private isPreChatShown(): boolean {
    const state = this.chat.service?.state;
    if (!state || state.contact || !this.validPreChatFields().length) return false;
    return !state.messages.some((m) => m.sender.type === 'visitor');
  }

  private validPreChatFields(): PreChatField[] {
    return validFields(this.preChatFields, (t) => this.warn('preChatFields', t));
  }

  /**
   * Imports a part that only some conversations show (see lazy-tags.ts); the element rendered
   * meanwhile upgrades when its module arrives. A failed import (offline) warns once and is tried
   * again on the next render.
   */
  private loadTag(tag: LazyTag): void {
    if (customElements.get(tag)) return;
    defineLazy(tag).catch((err: unknown) => this.warn(tag, `could not load <${tag}>: ${String(err)}`));
  }

  /** Focus goes where the visitor continues: the message box, else the form or the closed bar. */
  private focusComposer(): void {
    const target = this.renderRoot.querySelector<HTMLElement & { hasUpdated?: boolean; updateComplete?: Promise<unknown> }>('amoiq-chat-input, amoiq-pre-chat-form, amoiq-conversation-closed');
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

  /** Which of the three sits under the list now. */
  private composerKind(): 'closed' | 'pre-chat' | 'input' {
    if (this.chat.service?.state.conversationStatus === 'closed') return 'closed';
    return this.isPreChatShown() ? 'pre-chat' : 'input';
  }
  // [/lifecycle]

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
    // Best effort, bounded: the server drops what it keeps to relink this visitor (fingerprint).
    await this.chat.service?.forget();
    this.chat.hostDisconnected(); // stops the service: no write of the old visitor after the clear
    this.userId = this.userToken = this.userName = this.userEmail = '';
    const store = new ChatStore(this.tenantId || this.apiKey || 'default', this.dbName || undefined);
    setIdentity(store.identityKey, undefined);
    await store.clear();
    // The next visitor's id is made here, not by an empty store, so it is never fingerprinted:
    // a reset visitor must not be relinked to anyone (docs/security.md).
    await store.setVisitorId(nanoid());
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

