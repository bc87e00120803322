import { LitElement, css, html, nothing } from 'lit';
import { property, query, state } from 'lit/decorators.js';
import type { UploadHandle, UploadProgress } from './api.js';
import type { AgentCalls } from './call-manager.js';
import { conversationSubtitle, conversationTitle } from './titles.js';
import { handoffReasonLine } from './handoff-text.js';
import type { Attachment, Conversation, Message } from './types.js';
// The widget's own markdown renderer (safe subset, no HTML from text): both sides see the same message.
import { parseMarkdown, renderMarkdown } from '../../../src/components/message-list/markdown.js';
import { formatSize as formatSizeFor } from '../../../src/components/chat-input/attachment-limits.js';
import {
  MAX_ATTACHMENTS,
  MAX_MESSAGE_LENGTH as MAX_TEXT,
  MAX_QUICK_REPLIES,
  MAX_QUICK_REPLY_LENGTH,
  textLength,
} from '../../../src/protocol/limits.js';

/** How long after the last keystroke the agent counts as "stopped typing". */
const TYPING_IDLE_MS = 3000;
/** Protocol limits (docs/protocol.md, Message and Attachments): the module the widget and the server import too. */
export { MAX_ATTACHMENTS, MAX_QUICK_REPLIES, MAX_QUICK_REPLY_LENGTH, MAX_TEXT };
/** The only types a server serves inline; everything else (SVG included) is a download link. */
const INLINE_IMAGE_TYPES = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp']);

/** Starts an upload to the open conversation; provided by the app, which holds the credentials. */
export type Uploader = (file: File, onProgress: UploadProgress) => UploadHandle;

/** What `amoiq-agent-reply` carries. */
export interface AgentReplyDetail {
  text: string;
  quickReplies: string[];
  /** Attachment ids. */
  attachments: string[];
  /**
   * Set by the listener (synchronously) to the send's outcome: `true` clears the composer, `false`
   * keeps the draft so nothing is lost. Left unset, the composer is cleared at once.
   */
  result?: Promise<boolean>;
}

/** A file picked in the composer: uploading, uploaded or refused. */
interface PendingFile {
  key: number;
  name: string;
  size: number;
  loaded: number;
  handle: UploadHandle | null;
  attachment: Attachment | null;
  error: string;
}

/**
 * One conversation: header (status, verified user, contact details, Close/Reopen), its messages
 * (a live log with system notices, attachments, quick replies and "Seen" receipts), the visitor's
 * typing indicator and the composer (text, quick-reply chips, file uploads with progress and
 * cancel). It renders what it is given and reports the agent's actions as events; the app talks
 * to the backend. Defined as `<amoiq-agent-conversation>` by main.ts.
 *
 * @slot handoff - under the header: who has the conversation and the handoff actions (`<amoiq-agent-handoff>`)
 * @fires amoiq-agent-reply - `detail: AgentReplyDetail` when the agent sends a reply (Enter or the button)
 * @fires amoiq-agent-typing - `detail: { typing }` when the agent starts or stops typing
 * @fires amoiq-agent-status - `detail: { status: 'open' | 'closed' }` when the agent asks to reopen or close
 */
export class AmoiqAgentConversation extends LitElement {
  static override styles = css`
    :host { display: flex; flex-direction: column; min-block-size: 0; block-size: 100%; }
    .placeholder { padding: 16px; color: #57606a; }
    .head { padding: 12px 16px; border-block-end: 1px solid #d7dde3; background: #fff; display: grid; gap: 4px; }
    .title-row { display: flex; align-items: center; gap: 8px; flex-wrap: wrap; }
    h2:focus { outline: none; }
    h2:focus-visible { outline: 2px solid #0b5cad; outline-offset: 2px; }
    h2 { margin: 0; font-size: 1rem; flex: 1 1 14em; min-inline-size: 0; overflow-wrap: anywhere; }
    h2 .subtitle { display: inline-block; font-size: 0.75rem; font-weight: 400; color: #57606a; white-space: nowrap; }
    .state, .title-row button { flex: none; white-space: nowrap; }
    .state { font-size: 0.75rem; padding: 2px 8px; border-radius: 999px; border: 1px solid currentColor; }
    .state.open { color: #1a7f37; }
    .state.closed { color: #57606a; }
    .title-row button { margin-inline-start: auto; }
    .meta { color: #57606a; font-size: 0.8rem; overflow-wrap: anywhere; }
    @media (max-width: 700px) {
      .message { max-inline-size: 88%; }
      .head, form { padding-inline: 12px; }
      input { min-inline-size: 0; flex: 1 1 8em; }
    }
    .identity { margin: 0; font-size: 0.85rem; }
    .relinked { margin: 0; padding: 4px 8px; border-inline-start: 3px solid #9a6700; background: #fff8c5; color: #3d2f00; font-size: 0.85rem; }
    .verified { font-weight: 600; color: #1a7f37; }
    .contact { margin: 0; font-size: 0.85rem; display: grid; grid-template-columns: max-content 1fr; gap: 2px 12px; }
    .contact-title { margin: 0; font-size: 0.8rem; color: #57606a; }
    .contact dt { color: #57606a; }
    .contact dd { margin: 0; overflow-wrap: anywhere; }
    [role='log'] { flex: 1; overflow-y: auto; padding: 16px; display: flex; flex-direction: column; gap: 8px; }
    [role='log']:focus-visible { outline: 2px solid #0b5cad; outline-offset: -2px; }
    .message { max-inline-size: 70%; padding: 8px 12px; border-radius: 12px; background: #fff; border: 1px solid #d7dde3; overflow-wrap: anywhere; }
    .text { white-space: pre-wrap; overflow-wrap: break-word; }
    /* Markdown, as the widget's bubbles show it (message-list.styles.ts). */
    .text p, .text ul, .text ol, .text pre { margin: 0; }
    .text > * + * { margin-block-start: 0.5em; }
    .text ul, .text ol { padding-inline-start: 1.25em; white-space: normal; }
    .text code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 0.875em; padding: 0 0.2em; border-radius: 0.25rem; background: rgb(0 0 0 / 0.08); }
    .text pre { padding: 0.5em; border-radius: 0.375rem; background: rgb(0 0 0 / 0.08); overflow-x: auto; white-space: pre; }
    .text pre code { padding: 0; background: none; }
    .message.agent { align-self: flex-end; background: #0b5cad; color: #fff; border-color: #0b5cad; }
    .message.agent a { color: inherit; }
    .who { display: block; font-size: 0.75rem; opacity: 0.85; margin-block-end: 2px; }
    .ai-badge { border: 1px solid currentColor; border-radius: 3px; padding: 0 3px; font-size: 0.65rem; font-weight: 600; }
    .notice { align-self: center; margin: 0; padding: 4px 12px; border-radius: 999px; background: #eef1f4; color: #3d444d; font-size: 0.8rem; text-align: center; }
    .attachments, .chips { list-style: none; margin: 6px 0 0; padding: 0; display: flex; flex-wrap: wrap; gap: 6px; }
    .attachments img { display: block; max-inline-size: 160px; max-block-size: 120px; border-radius: 6px; background: #fff; }
    .attachments a { display: inline-block; }
    .file-size { opacity: 0.85; }
    .chip { display: inline-flex; align-items: center; gap: 4px; padding: 2px 8px; border: 1px solid currentColor; border-radius: 999px; font-size: 0.85rem; }
    .receipt { display: block; font-size: 0.75rem; opacity: 0.85; text-align: end; margin-block-start: 2px; }
    .typing { padding: 0 16px 8px; color: #57606a; font-style: italic; min-block-size: 1.2em; }
    form { display: grid; gap: 8px; padding: 12px 16px; border-block-start: 1px solid #d7dde3; background: #fff; }
    .reply-row, .tools { display: flex; gap: 8px; align-items: center; flex-wrap: wrap; }
    textarea { flex: 1; resize: none; font: inherit; padding: 8px; border: 1px solid #8c959f; border-radius: 6px; }
    input { font: inherit; padding: 6px 8px; border: 1px solid #8c959f; border-radius: 6px; min-inline-size: 12em; }
    button { font: inherit; min-block-size: 32px; padding: 6px 16px; border: 0; border-radius: 6px; background: #0b5cad; color: #fff; cursor: pointer; }
    button.secondary { background: #fff; color: #0b5cad; border: 1px solid #0b5cad; }
    button.icon { min-inline-size: 24px; min-block-size: 24px; padding: 0 6px; background: none; color: inherit; border: 1px solid transparent; }
    button:disabled { background: #8c959f; color: #fff; border-color: #8c959f; cursor: default; }
    button:focus-visible, textarea:focus-visible, input:focus-visible, a:focus-visible { outline: 2px solid #0b5cad; outline-offset: 2px; }
    .pending { display: grid; gap: 4px; list-style: none; margin: 0; padding: 0; }
    .pending li { display: flex; align-items: center; gap: 8px; font-size: 0.85rem; }
    .pending progress { inline-size: 8em; }
    .pending .failed { color: #a40e26; }
    .pending .ready { color: #1a7f37; }
    /* Always rendered (a live region must exist before its text changes); empty, it takes no room. */
    .hint { margin: 0; color: #a40e26; font-size: 0.85rem; }
    .hint:empty { margin-block-start: -8px; }
    .error { color: #a40e26; padding: 0 16px 8px; }
    .closed-note { margin: 0; padding: 16px; border-block-start: 1px solid #d7dde3; background: #fff; color: #3d444d; }
    .visually-hidden { position: absolute; inline-size: 1px; block-size: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
    /* Backgrounds vanish in forced colors: borders keep bubbles, notices, chips and buttons visible. */
    @media (forced-colors: active) {
      .message, .notice, .chip, .state, button, .pending li { border: 1px solid CanvasText; }
    }
  `;

  /** The open conversation (null: nothing selected). */
  @property({ attribute: false }) conversation: Conversation | null = null;

  /** The agent's in-browser calls (call-manager.ts); the head shows this conversation's call controls. */
  @property({ attribute: false }) calls?: AgentCalls;
  /** Its messages, ordered by seq. */
  @property({ attribute: false }) messages: Message[] = [];
  /** Whether the visitor is typing. */
  @property({ type: Boolean, attribute: 'visitor-typing' }) visitorTyping = false;
  /** The last refusal of a reply or a status change, shown as an alert. */
  @property({ attribute: false }) error = '';
  /** A status change (close/reopen) is in flight: the button waits. */
  @property({ type: Boolean, attribute: 'status-pending' }) statusPending = false;
  /** Starts an upload; without it the composer offers no file button. */
  @property({ attribute: false }) uploader: Uploader | null = null;

  @state() private quickReplies: string[] = [];
  @state() private files: PendingFile[] = [];
  @state() private hint = '';
  @state() private sending = false;
  /**
   * What the live region says: each message from the visitor that arrives while the conversation
   * is open, once. The log itself is not live: opening a conversation would read all of it, and
   * the agent's own replies and "Seen by the visitor" changes are not news to the agent.
   */
  @state() private announcements: Array<{ id: string; text: string }> = [];

  @query('#reply') private textarea!: HTMLTextAreaElement;
  @query('#quick-reply') private quickReplyInput!: HTMLInputElement;
  @query('#files') private fileInput!: HTMLInputElement;
  @query('[role="log"]') private log!: HTMLElement;

  private typing = false;
  /** Whether the log was scrolled to its end before this update (the composer may grow). */
  private atEnd = true;
  private typingTimer: ReturnType<typeof setTimeout> | undefined;
  private fileKey = 0;

  override disconnectedCallback() {
    super.disconnectedCallback();
    this.setTyping(false);
    this.dropFiles();
  }

  protected override willUpdate(changed: Map<string, unknown>) {
    this.atEnd = !this.log || this.log.scrollHeight - this.log.scrollTop - this.log.clientHeight < 48;
    // Uploaded files belong to the conversation they were uploaded to: a switch drops them.
    const previous = changed.get('conversation') as Conversation | null | undefined;
    if (changed.has('conversation') && previous?.id !== this.conversation?.id) {
      this.dropFiles();
      this.hint = '';
      this.announcements = [];
    } else if (changed.has('messages')) {
      this.announceArrivals((changed.get('messages') as Message[] | undefined) ?? []);
    }
  }

  /** Announces the visitor's messages that were not in the previous list (history loading in is not news). */
  private announceArrivals(previous: readonly Message[]): void {
    if (!previous.length) return;
    const known = new Set(previous.map((m) => m.id));
    const fresh = this.messages
      .filter((m) => !known.has(m.id) && m.sender.type === 'visitor')
      .map((m) => ({
        id: m.id,
        text: `${senderLabel(m)}: ${[m.text, ...(m.attachments ?? []).map((a) => a.name)].filter(Boolean).join(' ')}`,
      }));
    if (!fresh.length) return;
    this.announcements = [...this.announcements, ...fresh].slice(-5);
    const ids = new Set(fresh.map((a) => a.id));
    // Gone once read out, so browse mode does not find a second copy of the log.
    setTimeout(() => (this.announcements = this.announcements.filter((a) => !ids.has(a.id))), 5000);
  }

  /**
   * An image that loads after the log scrolled to its end pushes the newest message down: keep
   * following it. (`load` does not bubble; this listener runs in the capture phase.)
   */
  private imageLoaded = {
    handleEvent: (e: Event) => {
      if (!(e.target instanceof HTMLImageElement) || !this.log) return;
      const { scrollHeight, scrollTop, clientHeight } = this.log;
      if (scrollHeight - scrollTop - clientHeight < 48 + e.target.height) this.log.scrollTo({ top: scrollHeight });
    },
    capture: true,
  };

  protected override updated(changed: Map<string, unknown>) {
    // Keep the newest message in view when messages arrive or another conversation opens, and
    // when the composer grows (files, chips) under a log that was at its end.
    const composerGrew = (changed.has('files') || changed.has('quickReplies') || changed.has('hint')) && this.atEnd;
    if (changed.has('messages') || changed.has('conversation') || composerGrew) this.log?.scrollTo({ top: this.log.scrollHeight });
    if (changed.has('conversation') && changed.get('conversation') !== undefined) this.setTyping(false);
  }

  override render() {
    if (!this.conversation) return html`<p class="placeholder">Select a conversation.</p>`;
    const c = this.conversation;
    return html`
      ${this.renderHead(c)}
      <slot name="handoff"></slot>
      <div role="log" aria-live="off" aria-label="Messages" tabindex="0" @load=${this.imageLoaded}>${this.messages.map((m) => this.renderMessage(m, c))}</div>
      <div class="visually-hidden announcer" aria-live="polite">${this.announcements.map((a) => html`<p>${a.text}</p>`)}</div>
      <div class="typing" aria-live="polite">${this.visitorTyping ? 'Visitor is typing…' : nothing}</div>
      ${this.error ? html`<div class="error" role="alert">${this.error}</div>` : nothing}
      ${
        c.status === 'closed'
          ? html`<p class="closed-note">This conversation is closed: the visitor starts a new one to write again. Reopen it to reply here.</p>`
          : this.renderComposer()
      }
    `;
  }

  private renderHead(c: Conversation) {
    const closed = c.status === 'closed';
    const user = c.user;
    const contact = c.contact;
    const fields = Object.entries(contact?.fields ?? {});
    const hasContact = !!(contact?.name || contact?.email || fields.length);
    return html`<div class="head">
      <div class="title-row">
        <h2 tabindex="-1"><bdi class="name">${conversationTitle(c)}</bdi> <span class="subtitle">${conversationSubtitle(c)}</span></h2>
        <span class="state ${closed ? 'closed' : 'open'}">${closed ? 'Closed' : 'Open'}</span>
        <button class="secondary status-button" type="button" ?disabled=${this.statusPending} @click=${this.handleStatusClick}>
          ${closed ? 'Reopen conversation' : 'Close conversation'}
        </button>
        ${this.calls && !closed ? html`<amoiq-agent-call .calls=${this.calls} .conversationId=${c.id}></amoiq-agent-call>` : nothing}
      </div>
      ${
        user
          ? html`<p class="identity">
            <span class="verified">Verified user</span> <bdi>${user.name ?? ''}</bdi>${
              user.email ? html` · <a href=${`mailto:${user.email}`}><bdi>${user.email}</bdi></a>` : nothing
            }
            <span class="meta">(id <bdi>${user.id}</bdi>)</span>
          </p>`
          : nothing
      }
      ${
        hasContact
          ? html`<p class="contact-title" id="contact-title">Contact details (typed by the visitor, not verified)</p>
            <dl class="contact" aria-labelledby="contact-title">
              ${contact?.name ? html`<dt>Name</dt><dd dir="auto">${contact.name}</dd>` : nothing}
              ${contact?.email ? html`<dt>Email</dt><dd dir="auto"><a href=${`mailto:${contact.email}`}>${contact.email}</a></dd>` : nothing}
              ${fields.map(([key, value]) => html`<dt>${key}</dt><dd dir="auto">${value}</dd>`)}
            </dl>`
          : nothing
      }
      ${
        c.relinkedAt
          ? html`<p class="relinked" role="note">
            Resumed in another browser by the visitor's fingerprint (${new Date(c.relinkedAt).toLocaleString()}${
              (c.relinkCount ?? 1) > 1 ? `, ${c.relinkCount} times` : ''
            }): whoever writes now may not be who wrote before. Check before sharing anything personal.
          </p>`
          : nothing
      }
      <span class="meta">Conversation ${c.id} · visitor ${c.visitorRef} · started ${new Date(c.startedAt ?? c.createdAt).toLocaleString()}</span>
    </div>`;
  }

  private renderMessage(m: Message, c: Conversation) {
    const time = new Date(m.createdAt).toLocaleTimeString();
    if (m.sender.type === 'system') {
      return html`<p class="notice" data-event=${m.event ?? ''}>${renderNotice(m)} <span class="visually-hidden">at</span> <time datetime=${m.createdAt}>${time}</time></p>`;
    }
    const ours = m.sender.type === 'agent' || m.sender.type === 'ai';
    const seen = ours && (c.visitorReadSeq ?? 0) >= m.seq;
    return html`<div class="message ${m.sender.type === 'agent' ? 'agent' : m.sender.type}">
      <span class="who"
        ><bdi>${senderLabel(m)}</bdi>${m.sender.type === 'ai' ? html` <span class="ai-badge" title="Written by the AI assistant">AI</span>` : nothing} ·
        <time datetime=${m.createdAt}>${time}</time></span
      >
      ${m.text ? html`<div class="text" dir="auto">${renderMarkdown(parseMarkdown(m.text))}</div>` : nothing}
      ${m.attachments?.length ? html`<ul class="attachments" aria-label="Attachments">${m.attachments.map((a) => html`<li>${renderAttachment(a)}</li>`)}</ul>` : nothing}
      ${
        m.quickReplies?.length
          ? html`<ul class="chips quick-replies" aria-label="Quick replies offered">${m.quickReplies.map((q) => html`<li class="chip"><bdi>${q}</bdi></li>`)}</ul>`
          : nothing
      }
      ${ours ? html`<span class="receipt ${seen ? 'seen' : ''}">${seen ? 'Seen by the visitor' : 'Sent'}</span>` : nothing}
    </div>`;
  }

  private renderComposer() {
    const uploading = this.files.some((f) => f.handle && !f.attachment && !f.error);
    const full = this.quickReplies.length >= MAX_QUICK_REPLIES;
    return html`<form @submit=${this.handleSubmit} aria-label="Reply">
      ${
        this.files.length
          ? html`<ul class="pending" aria-label="Files to send">
            ${this.files.map((f) => this.renderPendingFile(f))}
          </ul>`
          : nothing
      }
      ${
        this.quickReplies.length
          ? html`<ul class="chips draft-quick-replies" aria-label="Quick replies to send">
            ${this.quickReplies.map(
              (q, i) =>
                html`<li class="chip">
                  ${q}<button class="icon" type="button" aria-label=${`Remove quick reply “${q}”`} @click=${() => this.removeQuickReply(i)}>×</button>
                </li>`,
            )}
          </ul>`
          : nothing
      }
      <div class="reply-row">
        <label class="visually-hidden" for="reply">Reply</label>
        <textarea id="reply" rows="2" placeholder="Reply (Enter sends, Shift+Enter: new line)" aria-keyshortcuts="r" @keydown=${this.handleKeydown} @input=${this.handleInput}></textarea>
        <button class="send-button" type="submit" ?disabled=${this.sending || uploading}>Send</button>
      </div>
      <div class="tools">
        ${
          this.uploader
            ? html`<input id="files" type="file" multiple hidden @change=${this.handleFiles} />
              <button class="secondary attach-button" type="button" @click=${() => this.fileInput.click()}>Attach files</button>`
            : nothing
        }
        <label for="quick-reply">Quick reply</label>
        <input
          id="quick-reply"
          maxlength=${MAX_QUICK_REPLY_LENGTH}
          ?disabled=${full}
          placeholder=${full ? `At most ${MAX_QUICK_REPLIES}` : 'e.g. Yes, please'}
          @keydown=${this.handleQuickReplyKeydown}
        />
        <button class="secondary add-quick-reply" type="button" ?disabled=${full} @click=${this.addQuickReply}>Add</button>
      </div>
      <p class="hint" role="status">${this.hint}</p>
    </form>`;
  }

  private renderPendingFile(f: PendingFile) {
    const label = `${f.name} (${formatSize(f.size)})`;
    if (f.error) {
      return html`<li class="failed">
        <span>${label}: ${f.error}</span>
        <button class="icon" type="button" aria-label=${`Remove ${f.name}`} @click=${() => this.removeFile(f)}>×</button>
      </li>`;
    }
    if (f.attachment) {
      return html`<li class="uploaded">
        <span>${label}</span>
        <span class="ready">attached</span>
        <button class="icon" type="button" aria-label=${`Remove ${f.name}`} @click=${() => this.removeFile(f)}>×</button>
      </li>`;
    }
    return html`<li class="uploading">
      <span>${label}</span>
      <progress max=${Math.max(f.size, 1)} .value=${f.loaded} aria-label=${`Uploading ${f.name}`}></progress>
      <button class="secondary" type="button" aria-label=${`Cancel upload of ${f.name}`} @click=${() => this.removeFile(f)}>Cancel</button>
    </li>`;
  }

  private handleStatusClick() {
    const status = this.conversation?.status === 'closed' ? 'open' : 'closed';
    this.dispatchEvent(new CustomEvent('amoiq-agent-status', { detail: { status }, bubbles: true, composed: true }));
  }

  /** Puts the caret in the reply box (the `r` shortcut); false when there is none (nothing open, or closed). */
  focusReply(): boolean {
    if (!this.textarea) return false;
    this.textarea.focus();
    return true;
  }

  /** Moves focus to the conversation's heading (after it opened on a narrow screen, where the list is gone). */
  focusHeading(): void {
    this.renderRoot.querySelector<HTMLElement>('h2')?.focus();
  }

  /** Enter and Ctrl/Cmd+Enter send; Shift+Enter is a new line. */
  private handleKeydown(event: KeyboardEvent) {
    if (event.key === 'Enter' && !event.shiftKey && !event.altKey && !event.isComposing) {
      event.preventDefault();
      void this.submit();
    }
  }

  private handleQuickReplyKeydown(event: KeyboardEvent) {
    // Enter adds the chip instead of sending the whole reply.
    if (event.key === 'Enter' && !event.isComposing) {
      event.preventDefault();
      this.addQuickReply();
    }
  }

  private addQuickReply() {
    const text = this.quickReplyInput.value.trim();
    if (!text) {
      this.hint = 'Type the quick reply first.';
      return;
    }
    if (textLength(text) > MAX_QUICK_REPLY_LENGTH) {
      this.hint = `A quick reply is at most ${MAX_QUICK_REPLY_LENGTH} characters.`;
      return;
    }
    if (this.quickReplies.length >= MAX_QUICK_REPLIES) {
      this.hint = `At most ${MAX_QUICK_REPLIES} quick replies per message.`;
      return;
    }
    if (this.quickReplies.includes(text)) {
      this.hint = `“${text}” is already a quick reply.`;
      return;
    }
    this.quickReplies = [...this.quickReplies, text];
    this.quickReplyInput.value = '';
    this.hint = '';
  }

  private removeQuickReply(index: number) {
    this.quickReplies = this.quickReplies.filter((_, i) => i !== index);
    this.quickReplyInput?.focus();
  }

  private handleFiles() {
    const picked = [...(this.fileInput.files ?? [])];
    this.fileInput.value = '';
    const room = MAX_ATTACHMENTS - this.files.filter((f) => !f.error).length;
    if (picked.length > room) this.hint = `At most ${MAX_ATTACHMENTS} files per message: ${picked.length - Math.max(room, 0)} not added.`;
    else this.hint = '';
    for (const file of picked.slice(0, Math.max(room, 0))) this.startUpload(file);
  }

  private startUpload(file: File) {
    if (!this.uploader) return;
    const pending: PendingFile = {
      key: ++this.fileKey,
      name: file.name,
      size: file.size,
      loaded: 0,
      handle: null,
      attachment: null,
      error: '',
    };
    const update = (patch: Partial<PendingFile>) => {
      this.files = this.files.map((f) => (f.key === pending.key ? { ...f, ...patch } : f));
    };
    this.files = [...this.files, pending];
    const handle = this.uploader(file, (loaded) => update({ loaded }));
    update({ handle });
    handle.done.then(
      (attachment) => update({ attachment, loaded: file.size }),
      (error: { code?: string; message?: string }) => {
        // A cancel removed the entry already; anything else stays, with the reason.
        if (error?.code !== 'aborted') update({ error: uploadErrorText(error) });
      },
    );
  }

  private removeFile(file: PendingFile) {
    this.files = this.files.filter((f) => f.key !== file.key);
    if (!file.attachment && !file.error) file.handle?.abort();
    this.textarea?.focus();
  }

  private dropFiles() {
    for (const f of this.files) if (!f.attachment && !f.error) f.handle?.abort();
    this.files = [];
  }

  private handleInput() {
    this.setTyping(this.textarea.value.trim() !== '');
    clearTimeout(this.typingTimer);
    if (this.typing) this.typingTimer = setTimeout(() => this.setTyping(false), TYPING_IDLE_MS);
  }

  private handleSubmit(event: Event) {
    event.preventDefault();
    void this.submit();
  }

  private async submit() {
    if (this.sending) return;
    const text = this.textarea.value.trim();
    const attachments = this.files.flatMap((f) => (f.attachment ? [f.attachment.id] : []));
    if (this.files.some((f) => !f.attachment && !f.error)) {
      this.hint = 'Wait until the files are uploaded.';
      return;
    }
    if (!text && attachments.length === 0) {
      if (this.quickReplies.length) this.hint = 'Write a message to go with the quick replies.';
      return;
    }
    if (textLength(text) > MAX_TEXT) {
      this.hint = `The reply is longer than ${MAX_TEXT} characters.`;
      return;
    }
    this.hint = '';
    this.setTyping(false);
    const detail: AgentReplyDetail = { text, quickReplies: [...this.quickReplies], attachments };
    this.dispatchEvent(new CustomEvent('amoiq-agent-reply', { detail, bubbles: true, composed: true }));
    this.sending = true;
    const sent = await (detail.result ?? Promise.resolve(true)).catch(() => false);
    this.sending = false;
    if (!sent) return;
    this.textarea.value = '';
    this.quickReplies = [];
    this.files = this.files.filter((f) => !f.attachment);
  }

  private setTyping(typing: boolean) {
    if (typing === this.typing) return;
    this.typing = typing;
    if (!typing) clearTimeout(this.typingTimer);
    this.dispatchEvent(new CustomEvent('amoiq-agent-typing', { detail: { typing }, bubbles: true, composed: true }));
  }
}

/** The console's names for conversations (titles.ts); exported here too for older imports. */
export { conversationTitle };

function senderLabel(m: Message) {
  if (m.sender.type === 'visitor') return 'Visitor';
  return m.sender.name ?? (m.sender.type === 'ai' ? 'AI' : 'Agent');
}

/** {@link noticeText} with the agent's name isolated (`<bdi>`). */
function renderNotice(m: Message) {
  const who = m.sender.name;
  const verb = m.event === 'closed' ? 'closed' : m.event === 'reopened' ? 'reopened' : m.event === 'joined' ? 'joined' : null;
  if (who && verb) return html`<bdi>${who}</bdi> ${verb} the conversation.`;
  return html`<bdi>${noticeText(m)}</bdi>`;
}

/** The console's own text for a known system event; the server's fallback text otherwise. */
export function noticeText(m: Message): string {
  const who = m.sender.name;
  switch (m.event) {
    case 'closed':
      return who ? `${who} closed the conversation.` : m.text || 'The conversation was closed.';
    case 'reopened':
      return who ? `${who} reopened the conversation.` : m.text || 'The conversation was reopened.';
    case 'joined':
      return who ? `${who} joined the conversation.` : m.text || 'An agent joined the conversation.';
    case 'escalated':
      // The server's text carries the reason code ("… (low_confidence)."): the console says it in words.
      return `Handed to the team. ${handoffReasonLine(m.handoff?.reason, m.handoff?.requestedBy)}.`;
    default:
      return m.text;
  }
}

function renderAttachment(a: Attachment) {
  const label = `${a.name} (${formatSize(a.size)})`;
  // The URL comes from the server; only http(s) is ever made a link.
  if (!isHttpUrl(a.url)) return html`<span class="file"><bdi>${a.name}</bdi> (${formatSize(a.size)})</span>`;
  if (INLINE_IMAGE_TYPES.has(a.type)) {
    return html`<a class="image" href=${a.url} target="_blank" rel="noopener noreferrer" title=${label}>
      <img src=${a.url} alt=${a.name} loading="lazy" />
      <span class="visually-hidden">(${formatSize(a.size)}, opens in a new tab)</span>
    </a>`;
  }
  // Voice messages: the widget's accessible player (play/pause, position, keyboard seeking).
  if (a.type.startsWith('audio/')) return html`<amoiq-audio-player class="audio" src=${a.url} name=${a.name}></amoiq-audio-player>`;
  return html`<a class="file" href=${a.url} target="_blank" rel="noopener noreferrer" download=${a.name}>
    <bdi>${a.name}</bdi> <span class="file-size">(${formatSize(a.size)})</span>
  </a>`;
}

function isHttpUrl(url: string) {
  try {
    return ['http:', 'https:'].includes(new URL(url).protocol);
  } catch {
    return false;
  }
}

/** `48213` → `47 kB`, `390` → `390 bytes`: the widget's sizes. */
export function formatSize(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '? bytes';
  // The widget's formatter, so a file has the same size on both sides ("390 bytes", "47 kB").
  return formatSizeFor(bytes, 'en');
}

function uploadErrorText(error: { code?: string; message?: string }) {
  switch (error?.code) {
    case 'payload_too_large':
      return 'too large';
    case 'unsupported_type':
      return 'this type of file is not allowed';
    case 'conversation_closed':
      return 'the conversation is closed';
    case 'network':
      return 'the server cannot be reached';
    default:
      return error?.message ?? 'upload failed';
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'amoiq-agent-conversation': AmoiqAgentConversation;
  }
}
