import {
  adoptStyles,
  html,
  nothing,
  supportsAdoptingStyleSheets,
  type PropertyValues,
  type ReactiveElement,
  type TemplateResult,
} from 'lit';
import { ChatController } from '../../controllers/chat-controller.js';
import { AttachmentDropController } from '../../controllers/attachment-drop-controller.js';
import { ModalController } from '../../controllers/modal-controller.js';
import { PanelFocusController } from '../../controllers/panel-focus-controller.js';
import { ReadController } from '../../controllers/read-controller.js';
import { UnreadController, type UnreadHost } from '../../controllers/unread-controller.js';
import { LocalizeController, requestedLang, supportedLocale } from '../../i18n/localize.js';
import { AmoiqResetEvent } from '../../events/reset-event.js';
import { ChatSendError, type ChatErrorCode } from '../../protocol/errors.js';
import type { Attachment, AttachmentLimits } from '../../protocol/v1.js';
import type { ChatMessage } from '../../services/chat-service.js';
import { darkStyles } from '../../styles/tokens.js';
import type { ChatConfig } from '../../config.js';
import { SERVICE_KEYS, configWarnings, serviceOptions } from '../../config-checks.js';
import { effectiveLimits, parseSize, parseTypes } from '../chat-input/attachment-limits.js';
import { parsePreChatFields, type PreChatField } from '../pre-chat-form/fields.js';
import { markConversation, type MarkerSource } from './conversation-marker.js';
import { PanelContent, type PanelHost } from './panel-content.js';
import { panelStyles } from './chat-panel.styles.js';

/** What the chat's lazily loaded part needs of `<amoiq-chat>`: its public properties and methods. */
export type RuntimeHost = ReactiveElement &
  ChatConfig &
  Omit<PanelHost, 'preChatFields'> &
  UnreadHost &
  MarkerSource & { preChatFields: PreChatField[] };

/** What it needs of the element's private parts, handed over as callbacks. */
export interface HostParts {
  launcher(): HTMLElement | null;
  panel(): HTMLElement | null;
  input(): { addFiles?(files: File[]): void } | undefined;
  /** The `pre-chat-fields` attribute set while this part was not loaded (its parser is here). */
  fieldsAttribute(): string | undefined;
  warn(attribute: string, text: string): void;
  fail(code: ChatErrorCode, message: string): void;
}

export { parsePreChatFields };
export { identityProblem } from '../../services/identity.js';

let panel: Promise<void> | undefined;

/**
 * Imports and registers the panel's parts (panel.ts: header, list, message box), once; a failed
 * import is tried again at the next sign of interest. With the eager entries they are registered
 * already and this only resolves.
 */
export function loadPanel(): Promise<void> {
  return (panel ??= import('../../panel.js').then(
    (m) => m.definePanel(),
    (err: unknown) => {
      panel = undefined;
      console.error('[amoiq-chat] could not load the chat panel:', err);
    },
  ));
}

/**
 * Everything `<amoiq-chat>` does beyond its launcher: the {@link ChatService} (through
 * {@link ChatController}), the language, the panel's contents, focus, the modal mode, read
 * marks, the unread badge and sound, file drops, the attribute warnings and the panel's styles.
 * The eager entries (`amoiq-chat/define`) create it with the element; the lazy ones (the drop-in,
 * `amoiq-chat/lazy`) import this module at the first sign of interest, or at once for a
 * returning visitor with a conversation, and attach it to the running element (`late`).
 */
export class ChatRuntime {
  readonly chat: ChatController;
  readonly l10n: LocalizeController;
  readonly unread: UnreadController;
  readonly modal: ModalController;
  readonly drop: AttachmentDropController;
  private readonly content: PanelContent;
  private readonly panelFocus: PanelFocusController;
  /** The marker last written (conversation-marker.ts). */
  private marked?: boolean;

  constructor(
    private readonly host: RuntimeHost,
    parts: HostParts,
    late = false,
  ) {
    // Reports messages read while the panel is open and the page visible.
    const read = new ReadController(
      host,
      () => this.chat.service,
      () => host.open,
    );
    // The element re-renders for the fields its launcher and panel frame show (the header and the
    // message box with it), not for every message: the list subscribes to the state itself.
    this.chat = new ChatController(
      host,
      (s) => [
        s.connection,
        s.conversationId,
        s.conversationStatus,
        s.agentsOnline,
        s.remoteConfig,
        s.contact,
        s.assistant,
        s.handoff,
        this.content.composerKind(),
      ],
      () => read.changed(),
    );
    this.l10n = new LocalizeController(host);
    this.content = new PanelContent(
      host,
      () => this.chat.service,
      parts.warn,
      () => this.l10n.value.locale,
    );
    this.panelFocus = new PanelFocusController(host, parts.launcher, () => this.content.composerKind());
    /** Full screen (a narrow viewport): the page is inert and Tab wraps inside the panel. */
    this.modal = new ModalController(host, parts.panel);
    this.unread = new UnreadController(
      host,
      (n) => this.l10n.value.plural(this.l10n.value.strings.newMessagesTitle, n),
      () => this.chat.service?.isLeader ?? true,
    );
    this.drop = new AttachmentDropController(
      host,
      () => host.open && this.attachmentLimits.types.length > 0,
      (files) => parts.input()?.addFiles?.(files),
    );
    this.fail = parts.fail;
    this.warn = parts.warn;
    // The panel's styles join the launcher's once the shadow root exists (now, when late).
    let adopted = false;
    const adopt = () => {
      if (adopted || !(host.renderRoot instanceof ShadowRoot)) return;
      adopted = true;
      const root = host.renderRoot;
      if (supportsAdoptingStyleSheets) root.adoptedStyleSheets = [...root.adoptedStyleSheets, ...PANEL_STYLES.map((s) => s.styleSheet!)];
      else adoptStyles(root, PANEL_STYLES); // appends <style> elements
    };
    host.addController({ hostConnected: adopt, hostUpdated: () => this.mark() });
    adopt();
    if (!late) return;
    // The element ran without this part until now: parse what waited for the parsers here, warn
    // about the values set meanwhile and connect.
    const fields = parts.fieldsAttribute();
    if (fields !== undefined) host.preChatFields = parsePreChatFields(fields, (t) => console.warn(`[amoiq-chat] ${t}`));
    this.willUpdate(undefined);
    host.requestUpdate();
  }

  private readonly fail: HostParts['fail'];
  private readonly warn: HostParts['warn'];

  /** The attachment limits in force: the server's, narrowed by `attachment-types` and `attachment-max-size`. */
  get attachmentLimits(): AttachmentLimits {
    const { types } = parseTypes(this.host.attachmentTypes);
    return effectiveLimits(this.chat.service?.state.remoteConfig.attachments, { types, maxSize: parseSize(this.host.attachmentMaxSize) });
  }

  /** Moves focus to the composer once the panel is shown. */
  focusComposerOnShow(): void {
    this.panelFocus.focusComposerOnShow();
  }

  /** Before an update: warnings for the values that changed, new service options (`undefined`: all changed). */
  willUpdate(changed: PropertyValues | undefined): void {
    const has = (key: string) => !changed || changed.has(key);
    for (const [attribute, text] of configWarnings(this.host, has)) this.warn(attribute, text);
    // The widget's language, read at each session request (not a reason to reconnect when it changes).
    if (SERVICE_KEYS.some(has))
      this.chat.configure({ ...serviceOptions(this.host, location.origin), language: () => supportedLocale(requestedLang(this.host)) });
  }

  /** After an update that opened or closed the panel: tell the visitor's other tabs. */
  openChanged(): void {
    this.chat.panelChanged(this.host.open);
  }

  /** The panel's contents and the drop zone. */
  renderPanel(headerText: string): TemplateResult {
    return html`${this.content.render(headerText)}
    ${this.drop.active ? html`<div part="drop-zone" class="drop-zone" role="status">${this.l10n.value.strings.dropFiles}</div>` : nothing}`;
  }

  /** `send()` of the element (see there). */
  send(text: string, attachments?: readonly Attachment[]): ChatMessage | undefined {
    const service = this.chat.service;
    if (!service) {
      this.fail('not_connected', 'send() was called while the element is not in the document.');
      return undefined;
    }
    try {
      return service.send(text, attachments);
    } catch (err) {
      if (!(err instanceof ChatSendError)) throw err;
      this.fail(err.code, err.message);
      return undefined;
    }
  }

  /** `reset()` of the element (see there). */
  async reset(): Promise<boolean> {
    const messages = this.chat.service?.state.messages ?? [];
    const unsent = messages.filter((m) => m.status === 'pending' || m.status === 'failed').length;
    if (!this.host.dispatchEvent(new AmoiqResetEvent({ unsent }))) return false;
    this.host.userId = this.host.userToken = this.host.userName = this.host.userEmail = '';
    await this.chat.reset();
    this.marked = undefined;
    markConversation(this.host, false);
    return true;
  }

  /** Keeps the returning-visitor marker in step with the conversation. */
  private mark(): void {
    const has = !!this.chat.service?.state.conversationId;
    if (!has || this.marked) return;
    this.marked = true;
    markConversation(this.host, true);
  }
}

/** The styles of the panel and its parts' colour schemes, added to the launcher's. */
const PANEL_STYLES = [panelStyles, darkStyles];
