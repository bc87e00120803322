import { html, nothing, type TemplateResult } from 'lit';
import type { ComposerKind } from '../../controllers/panel-focus-controller.js';
import type { AmoiqInputSubmitEvent } from '../../events/input-submit-event.js';
import type { AmoiqQuickReplyEvent } from '../../events/quick-reply-event.js';
import type { AmoiqRetryEvent } from '../../events/retry-event.js';
import type { AmoiqTypingEvent } from '../../events/typing-event.js';
import { defineLazy, type LazyTag } from '../../lazy-tags.js';
import { assistantAnswers, showAssistantBanner } from '../assistant-banner/banner-slot.js';
import type { Attachment, AttachmentLimits } from '../../protocol/v1.js';
import type { ChatService } from '../../services/chat-service.js';
import type { UploadOptions } from '../../services/upload.js';
import { validFields, type PreChatField } from '../pre-chat-form/fields.js';
import { tenantText } from '../../services/tenant-texts.js';

/** What {@link PanelContent} reads from and calls on `<amoiq-chat>`. */
export interface PanelHost {
  readonly welcomeMessage: string;
  readonly awayMessage: string;
  readonly preChatFields: PreChatField[];
  readonly userName: string;
  readonly userEmail: string;
  readonly noEmoji: boolean;
  readonly attachmentLimits: AttachmentLimits;
  send(text: string, attachments?: readonly Attachment[]): unknown;
  hide(): void;
  /** Renders again (the voice panel opened, closed or loaded). */
  requestUpdate(): void;
}

/**
 * Each part of an inner element re-exported as `<prefix>-<part>`: the one naming rule of the
 * re-exported parts (docs/theming.md), so `header-title` is the header's `title`.
 */
const exportParts = (prefix: string, parts: string): string =>
  parts
    .split(' ')
    .map((p) => `${p}: ${prefix}-${p}`)
    .join(', ');

const HEADER_PARTS = exportParts('header', 'base title status close-button voice-button');
const LIST_PARTS = exportParts(
  'message-list',
  'base message bubble meta avatar sender team team-avatars team-name reply-time assistant-greeting ai-label date-separator notice quick-replies quick-reply retry-button new-messages-pill loading typing attachments attachment attachment-image',
);
const INPUT_PARTS = exportParts(
  'input',
  'base textarea tools send-button counter too-long attach-button staged-attachments staged-attachment staged-thumbnail upload-progress attachment-remove attachment-retry attachment-error attachment-error-dismiss emoji-button emoji-picker dictation-button dictation-problem',
);
const AWAY_PARTS = exportParts('away', 'base message dismiss-button email-input submit-button confirmation');
const PRE_CHAT_PARTS = exportParts('pre-chat', 'base field submit-button');
const CLOSED_PARTS = exportParts('closed', 'base note new-conversation-button rating transcript');
const BANNER_PARTS = exportParts('assistant-banner', 'base message wait team-away talk-to-person');

/**
 * The contents of `<amoiq-chat>`'s panel and their wiring: the header, the away banner while no
 * agent is online, the assistant / queue banner, the conversation, and under it the closed bar, the pre-chat form or the
 * message box, as the conversation's life cycle requires. The parts report intent with internal
 * events, handled here by calling the service or the element. Optional parts are imported the
 * first time they show (lazy-tags.ts; in the drop-in, chunks of their own); the element rendered
 * meanwhile upgrades when its module arrives.
 */
export class PanelContent {
  constructor(
    private readonly host: PanelHost,
    private readonly service: () => ChatService | undefined,
    /** Warns once per key (the element's warning). */
    private readonly warn: (key: string, text: string) => void,
    /** The widget's language, to pick the tenant's texts (tenant-texts.ts). */
    private readonly locale: () => string = () => '',
  ) {}

  /** Which of the three sits under the list now. */
  composerKind(): ComposerKind {
    if (this.service()?.state.conversationStatus === 'closed') return 'closed';
    return this.isPreChatShown() ? 'pre-chat' : 'input';
  }

  /**
   * The panel's parts; the header's title is `headerText`. While the server refuses this embed
   * (`unavailable`) there is no message box: the header says the chat is not available, and
   * nothing typed could ever be sent.
   */
  render(headerText: string): TemplateResult {
    const state = this.service()?.state;
    return html`<amoiq-chat-header
        part="header"
        exportparts=${HEADER_PARTS}
        .headerText=${headerText}
        .voiceMode=${this.voiceMode()}
        .voiceOpen=${this.voiceOpen}
        @amoiq-close-request=${this.handleClose}
        @amoiq-voice-toggle=${this.toggleVoice}
        ><slot name="header"></slot
      ></amoiq-chat-header>
      ${this.renderVoice()}
      ${this.renderAway()}
      ${
        showAssistantBanner(state)
          ? html`<amoiq-assistant-banner part="assistant-banner" exportparts=${BANNER_PARTS}></amoiq-assistant-banner>`
          : nothing
      }
      <amoiq-message-list
        part="message-list"
        exportparts=${LIST_PARTS}
        .welcomeMessage=${this.host.welcomeMessage || tenantText(state?.remoteConfig, this.locale(), 'welcomeMessage')}
        @amoiq-retry=${this.handleRetry}
        @amoiq-quick-reply=${this.handleQuickReply}
      ></amoiq-message-list>
      ${state?.connection === 'unavailable' ? nothing : this.renderComposer()}`;
  }

  /**
   * The away banner while no agent is online (and the conversation is open), unless the site's
   * assistant answers: then it comes when the visitor asks for a person.
   */
  private renderAway(): TemplateResult | typeof nothing {
    const state = this.service()?.state;
    if (state?.agentsOnline !== false || state.conversationStatus === 'closed' || assistantAnswers(state)) return nothing;
    this.load('amoiq-away-banner');
    // While the pre-chat form asks for details, the banner does not ask for an e-mail as well.
    return html`<amoiq-away-banner
      part="away"
      exportparts=${AWAY_PARTS}
      .message=${this.host.awayMessage || tenantText(state.remoteConfig, this.locale(), 'awayMessage')}
      ?no-email=${this.isPreChatShown()}
    ></amoiq-away-banner>`;
  }

  private renderComposer(): TemplateResult {
    switch (this.composerKind()) {
      case 'closed':
        this.load('amoiq-conversation-closed');
        return html`<amoiq-conversation-closed part="closed" exportparts=${CLOSED_PARTS}></amoiq-conversation-closed>`;
      case 'pre-chat':
        this.load('amoiq-pre-chat-form');
        return html`<amoiq-pre-chat-form
          part="pre-chat"
          exportparts=${PRE_CHAT_PARTS}
          .fields=${this.validFields()}
          .prefill=${{ name: this.host.userName || undefined, email: this.host.userEmail || undefined }}
        ></amoiq-pre-chat-form>`;
      case 'input':
        return html`<amoiq-chat-input
          part="input"
          exportparts=${INPUT_PARTS}
          ?no-emoji=${this.host.noEmoji}
          .attachmentLimits=${this.host.attachmentLimits}
          .uploader=${this.upload}
          @amoiq-input-submit=${this.handleSubmit}
          @amoiq-typing=${this.handleTyping}
        ></amoiq-chat-input>`;
    }
  }

  private readonly upload = (file: File, options: UploadOptions) =>
    this.service()?.upload(file, options) ?? Promise.reject(new Error('The chat is not connected.'));
  private readonly handleClose = () => this.host.hide();
  private readonly handleRetry = (e: AmoiqRetryEvent) => this.service()?.retry(e.detail.clientId);
  private readonly handleQuickReply = (e: AmoiqQuickReplyEvent) => this.host.send(e.detail.text);
  private readonly handleSubmit = (e: AmoiqInputSubmitEvent) => this.host.send(e.detail.text, e.detail.attachments);
  private readonly handleTyping = (e: AmoiqTypingEvent) => this.service()?.setTyping(e.detail.typing);

  private voiceOpen = false;
  private voice?: import('../voice-panel/chat-voice.js').ChatVoice;
  private voiceLoading = false;

  /** The conversation's mode when the site offers voice (`config.voice`), else empty: no voice button. */
  private voiceMode(): '' | 'chat' | 'voice' {
    const service = this.service();
    const offered = service?.state.remoteConfig.voice;
    if (!service || !offered || (offered.callback !== true && offered.webrtc !== true)) return '';
    return service.voice.mode;
  }

  private readonly toggleVoice = () => {
    this.voiceOpen = !this.voiceOpen;
    this.host.requestUpdate();
  };

  /**
   * The voice panel (a chunk of its own: the voice elements, the callback client, the phone form's
   * libphonenumber-js after it) while the visitor has it open.
   */
  private renderVoice(): unknown {
    const service = this.service();
    if (!this.voiceOpen || !service) return nothing;
    if (this.voice && this.voice.service !== service) {
      this.voice.dispose();
      this.voice = undefined;
    }
    if (this.voice) return this.voice.element;
    if (!this.voiceLoading) {
      this.voiceLoading = true;
      import('../voice-panel/chat-voice.js')
        .then(({ ChatVoice }) => {
          const current = this.service();
          if (!current) return;
          this.voice = new ChatVoice(current, this.toggleVoice, (text) => this.warn('voice', text));
          this.host.requestUpdate();
          // The panel takes focus once it renders (the visitor pressed the voice button).
          requestAnimationFrame(() => this.voice?.element.focus());
        })
        .catch((err: unknown) => this.warn('voice', `could not load the voice panel: ${String(err)}`))
        .finally(() => (this.voiceLoading = false));
    }
    return nothing;
  }

  /** The pre-chat form shows until the visitor gave details or wrote in this conversation. */
  private isPreChatShown(): boolean {
    const state = this.service()?.state;
    if (!state || state.contact || !this.validFields().length) return false;
    return !state.messages.some((m) => m.sender.type === 'visitor');
  }

  private validFields(): PreChatField[] {
    return validFields(this.host.preChatFields, (t) => this.warn('preChatFields', t));
  }

  /** A failed import (offline) warns once and is tried again on the next render. */
  private load(tag: LazyTag): void {
    if (customElements.get(tag)) return;
    defineLazy(tag).catch((err: unknown) => this.warn(tag, `could not load <${tag}>: ${String(err)}`));
  }
}
