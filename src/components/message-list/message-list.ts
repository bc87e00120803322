import { LitElement, html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { property, query, state } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import { styleProps } from '../../styles/style-props.js';
import { ChatStateController } from '../../controllers/chat-state-controller.js';
import { AmoiqQuickReplyEvent } from '../../events/quick-reply-event.js';
import { AmoiqRetryEvent } from '../../events/retry-event.js';
import { LocaleConsumer, fallbackLocale } from '../../i18n/localize.js';
import type { ChatMessage } from '../../services/chat-service.js';
import { sharedStyles } from '../../styles/shared.js';
import { parseMarkdown, plainText, renderMarkdown, type Block } from './markdown.js';
import {
  avatarHue,
  buildRows,
  initials,
  localeOf,
  quickRepliesOf,
  senderName,
  statusLabel,
  timeLabel,
  type ListMessage,
  type Row,
} from './rows.js';
import { noticeText } from './rows.js';
import { styles } from './message-list.styles.js';
import { LazyPartController } from '../../controllers/lazy-part-controller.js';
import { ListScrollController } from '../../controllers/list-scroll-controller.js';

/** How many recent announcements stay in the live region (older ones are removed silently). */
const ANNOUNCED = 5;
/**
 * How long an announcement stays in the live region, in ms: long enough to be read out, short
 * enough that browse mode does not find a second copy of the log after it.
 */
const ANNOUNCE_FOR = 5000;

type MessageRow = Extract<Row, { kind: 'message' }>;

/**
 * The conversation: the welcome message, then every message grouped by sender (name and avatar
 * once per group), with date separators, times in the visitor's locale, safe rich text (a
 * markdown subset rendered as Lit templates, never as HTML), the delivery state of the visitor's
 * own messages with a Retry action, quick replies under the newest agent or AI message, and the
 * typing indicator.
 *
 * The list is windowed (only rows near the viewport are in the DOM), so a conversation of any
 * length keeps a small DOM. It follows new messages while the visitor is at the bottom; otherwise
 * a "new messages" pill counts them and jumps down when pressed. Scrolling near the top loads older history page by page, keeping the
 * visible messages in place. The list is a `feed` once it holds a message (a labelled `region`
 * while empty, as a feed needs articles) (not itself live: rows come and go as the
 * visitor scrolls): each message is an `article` with its place among the loaded ones
 * (`aria-posinset`) and their number (`aria-setsize`, -1 while older history is on the server);
 * Page Up / Page Down move focus from message to message, the window following, so every message
 * of a long conversation can be reached; Ctrl+End leaves for the message box. Each newly arriving
 * message (and a message that failed) is announced once, as rendered text, through a separate live
 * region that empties again after 5 s.
 *
 * The locale for times and dates is the nearest `lang` attribute (through shadow roots), then the
 * document's, then the browser's.
 *
 * @tag amoiq-message-list
 * @summary The scrolling, windowed list of messages of a conversation.
 *
 * @fires {AmoiqRetryEvent} amoiq-retry - The visitor asked to send a failed message again.
 * @fires {AmoiqQuickReplyEvent} amoiq-quick-reply - The visitor picked a quick reply; `detail.text` is to be sent.
 *
 * @csspart base - The scrolling container (the `feed`).
 * @csspart message - One message: avatar and sender (first of a group), bubble, meta.
 * @csspart bubble - The text bubble of a message.
 * @csspart meta - Time and delivery state under a bubble.
 * @csspart avatar - The sender's initials (or the AI mark) in a circle, once per group.
 * @csspart sender - The sender's name, once per group.
 * @csspart date-separator - The line naming the day ("Today", "Yesterday", a date) between days.
 * @csspart notice - A system notice, centered.
 * @csspart quick-replies - The row of quick-reply buttons under the newest agent or AI message.
 * @csspart quick-reply - One quick-reply button.
 * @csspart retry-button - The Retry button of a failed message.
 * @csspart new-messages-pill - The button that counts unseen new messages and jumps to them.
 * @csspart loading - The indicator shown while older messages load.
 * @csspart typing - The typing indicator line.
 * @csspart attachments - The files of a message.
 * @csspart attachment - One file: an image thumbnail or a file link, opening the file in a new tab.
 * @csspart attachment-image - The thumbnail of an image file.
 */
export class AmoiqMessageList extends LitElement {
  static override styles = [sharedStyles, styles];

  /** A greeting shown first, before any message; not stored on the server. */
  @property({ attribute: 'welcome-message' }) welcomeMessage = '';

  @query('.base') private scroller?: HTMLElement;
  @query('.spacer') private topSpacer?: HTMLElement;

  /** Recent new messages, each announced once by the live region. */
  @state() private announcements: Array<{ key: string; text: string }> = [];

  private readonly chat = new ChatStateController(this);
  private readonly l10n = new LocaleConsumer(this);
  /** File previews: a chunk of their own, loaded when a message with attachments first shows. */
  private readonly files = new LazyPartController(this, 'message-attachments', () => import('./message-attachments.js'));
  private rows: Row[] = [];
  private rowsFor?: { messages: readonly ChatMessage[]; welcome: string; locale: string; day: string };
  private locale = 'en';
  /** Which rows to render and where each update leaves the scroll position; the pill's count. */
  private readonly scrolling = new ListScrollController(this, {
    scroller: () => this.scroller,
    topSpacer: () => this.topSpacer,
    oldestKey: () => this.chat.state?.messages[0]?.key,
    loadOlder: () => {
      const state = this.chat.state;
      if (state?.hasOlder && !state.loadingOlder) void this.chat.service?.loadOlder();
    },
  });
  /** Quick replies already used: hidden at once, before the sent message comes back. */
  private usedQuickReplies = new Set<string>();
  private readonly parsed = new Map<string, Block[]>();
  /** Keys of the own messages whose "Read" / "Delivered" is shown (see markLatestStatuses). */
  private latestRead?: string;
  private latestDelivered?: string;
  /** Each message's (and notice's) place among the loaded ones, from 1: the feed's aria-posinset. */
  private positions = new Map<string, number>();
  /** The message whose status gets focus once its Retry button is gone. */
  private focusStatusOf?: string;

  override render() {
    this.markLatestStatuses();
    const { strings: t, plural } = this.l10n.value;
    const typing = this.chat.state?.typing;
    const loading = this.chat.state?.loadingOlder ?? false;
    const unseen = this.scrolling.unseen;
    return html`
      <div
        part="base"
        class="base"
        role=${this.positions.size ? 'feed' : 'region'}
        aria-busy=${loading ? 'true' : 'false'}
        aria-label=${t.conversation}
        tabindex="0"
        @scroll=${this.scrolling.handleScroll}
        @keydown=${this.handleFeedKeydown}
      >
        <div class="spacer" style=${styleProps({ blockSize: `${this.scrolling.spaceBefore}px` })}></div>
        ${repeat(
          this.rows.slice(this.scrolling.first, this.scrolling.last + 1),
          (row) => row.key,
          (row) => this.renderRow(row),
        )}
        <div class="spacer" style=${styleProps({ blockSize: `${this.scrolling.spaceAfter}px` })}></div>
      </div>
      ${
        loading
          ? html`<div part="loading" class="loading" role="status">
            <span class="spinner" aria-hidden="true"></span>${t.loadingOlder}
          </div>`
          : nothing
      }
      ${
        unseen > 0 && !this.scrolling.atBottom
          ? html`<button
            part="new-messages-pill"
            class="pill"
            type="button"
            aria-label=${plural(t.newMessagesJump, unseen)}
            @click=${this.handlePill}
          >
            ${plural(t.newMessages, unseen)}<span aria-hidden="true">↓</span>
          </button>`
          : nothing
      }
      <div part="typing" class="typing" aria-live="polite">
        ${
          typing
            ? html`<span class="dots" aria-hidden="true"><span></span><span></span><span></span></span>${t.typing(senderName(typing, t))}`
            : nothing
        }
      </div>
      <div class="visually-hidden announcer" aria-live="polite">
        ${repeat(
          this.announcements,
          (a) => a.key,
          (a) => html`<p>${a.text}</p>`,
        )}
      </div>
    `;
  }

  /** Scrolls to the newest message and clears the new-messages count. */
  scrollToBottom(): void {
    this.scrolling.scrollToBottom();
  }

  protected override willUpdate(changed: PropertyValues): void {
    super.willUpdate(changed);
    this.updateRows();
  }

  private updateRows(): void {
    const messages = (this.chat.state?.messages ?? []) as readonly ListMessage[];
    // Inside <amoiq-chat> the instance's language decides; standing alone, the closest lang.
    const l10n = this.l10n.value;
    this.locale = l10n === fallbackLocale ? localeOf(this) : l10n.locale;
    const now = new Date();
    const day = now.toDateString();
    const before = this.rowsFor;
    if (before?.messages === messages && before.welcome === this.welcomeMessage && before.locale === this.locale && before.day === day)
      return;
    this.rowsFor = { messages, welcome: this.welcomeMessage, locale: this.locale, day };
    this.rows = buildRows(messages, this.welcomeMessage, this.locale, now);
    this.positions = new Map(this.rows.filter((r) => r.kind !== 'date').map((r, i) => [r.key, i + 1]));
    this.scrolling.setKeys(this.rows.map((r) => r.key));
    if (before && before.messages !== messages) this.trackChanges(before.messages as readonly ListMessage[], messages);
  }

  /** Sorts what changed between two snapshots: older history, new messages, own messages. */
  private trackChanges(previous: readonly ListMessage[], messages: readonly ListMessage[]): void {
    if (!previous.length) {
      this.scrolling.followNewest();
      return;
    }
    const t = this.l10n.value.strings;
    const statusBefore = new Map(previous.filter((m) => m.sender.type === 'visitor').map((m) => [m.key, m.status]));
    // An own message that has just failed is news: its "Not sent" is otherwise only shown.
    const failed = messages.filter((m) => m.sender.type === 'visitor' && m.status === 'failed' && statusBefore.get(m.key) !== 'failed');
    const fresh = failed.map((m) => ({ key: `failed:${m.key}:${Date.now()}`, text: `${t.failed}: ${this.spokenText(m, false)}` }));
    const newest = previous[previous.length - 1].key;
    const known = new Set(previous.map((m) => m.key));
    let newestIndex = -1;
    for (let i = messages.length - 1; i >= 0; i--) {
      if (messages[i].key === newest) {
        newestIndex = i;
        break;
      }
    }
    const added = messages.slice(newestIndex + 1).filter((m) => !known.has(m.key));
    // The visitor's own message: always show it.
    if (added.some((m) => m.sender.type === 'visitor')) this.scrolling.followNewest();
    const incoming = added.filter((m) => m.sender.type !== 'visitor');
    if (incoming.length) this.scrolling.countIncoming(incoming.length);
    fresh.push(...incoming.map((m) => ({ key: m.key, text: this.spokenText(m) })));
    if (fresh.length) this.announce(fresh);
  }

  /**
   * A message as the announcer says it: the sender, then the rendered text (markdown markers
   * dropped) and file names; a system notice that names its agent already says who it is about.
   */
  private spokenText(m: ListMessage, withSender = true): string {
    const t = this.l10n.value.strings;
    const body = m.sender.type === 'system' ? noticeText(m, t) : plainText(this.blocksOf(m.text));
    const text = [body, ...(m.attachments ?? []).map((a) => a.name)].filter(Boolean).join(' ');
    return m.sender.type === 'system' || !withSender ? text : `${senderName(m.sender, t)}: ${text}`;
  }

  /** Adds announcements to the live region, each removed again once it has been read out. */
  private announce(fresh: Array<{ key: string; text: string }>): void {
    this.announcements = [...this.announcements, ...fresh].slice(-ANNOUNCED);
    const keys = new Set(fresh.map((a) => a.key));
    setTimeout(() => {
      this.announcements = this.announcements.filter((a) => !keys.has(a.key));
    }, ANNOUNCE_FOR);
  }

  private handlePill(): void {
    const focused = this.hasFocusedControl();
    this.scrollToBottom();
    if (focused) this.focusComposer();
  }

  private handleRetry(m: ChatMessage): void {
    if (!m.clientId) return;
    // The button goes away with the failed state: its message's status takes focus instead.
    if (this.hasFocusedControl()) this.focusStatusOf = m.key;
    this.dispatchEvent(new AmoiqRetryEvent({ clientId: m.clientId }));
  }

  private handleQuickReply(key: string, text: string): void {
    const focused = this.hasFocusedControl();
    this.usedQuickReplies.add(key);
    this.dispatchEvent(new AmoiqQuickReplyEvent({ text }));
    this.requestUpdate();
    if (focused) this.focusComposer();
  }

  /** The feed's aria-setsize: the messages loaded, or -1 (unknown) while older history is still on the server. */
  private setSize(): number {
    return this.chat.state?.hasOlder ? -1 : this.positions.size;
  }

  /**
   * The feed's keys: Page Down / Page Up move focus to the next / previous message, bringing it
   * into the window first when it is not rendered; from the list itself they enter at the
   * newest / oldest message in view. Ctrl+End leaves for the message box, Ctrl+Home for the list.
   */
  private readonly handleFeedKeydown = async (e: KeyboardEvent): Promise<void> => {
    const scroller = this.scroller;
    if (!scroller) return;
    if (e.ctrlKey && (e.key === 'End' || e.key === 'Home')) {
      if (e.target === scroller) return;
      e.preventDefault();
      if (e.key === 'End') this.focusComposer();
      else scroller.focus();
      return;
    }
    if (e.key !== 'PageDown' && e.key !== 'PageUp') return;
    const target = e.target as HTMLElement;
    const current = target.closest<HTMLElement>('[role="article"]');
    if (!current && target !== scroller) return; // a control inside a message keeps its keys
    e.preventDefault();
    const step = e.key === 'PageDown' ? 1 : -1;
    const articles = () => [...scroller.querySelectorAll<HTMLElement>('[role="article"]')];
    if (!current) {
      const view = scroller.getBoundingClientRect();
      const shown = articles().filter((a) => a.getBoundingClientRect().bottom > view.top && a.getBoundingClientRect().top < view.bottom);
      (step < 0 ? shown[shown.length - 1] : shown[0])?.focus();
      return;
    }
    const keys = [...this.positions.keys()];
    const next = keys[keys.indexOf(current.dataset.key ?? '') + step];
    if (next === undefined) return;
    const find = () => articles().find((a) => a.dataset.key === next);
    // Not rendered (just outside the window): scroll towards it until the window holds it.
    for (let tries = 0; !find() && tries < 20; tries++) {
      scroller.scrollTop += step * Math.max(current.offsetHeight, 40);
      this.scrolling.handleScroll();
      await new Promise((r) => requestAnimationFrame(r));
      await this.updateComplete;
    }
    find()?.focus();
  };

  /** Whether a control of the list (not the log itself) has focus: it is about to disappear. */
  private hasFocusedControl(): boolean {
    const active = this.shadowRoot?.activeElement;
    return !!active && active !== this.scroller;
  }

  /**
   * Focus for the visitor to go on: the composer beside the list (message box, pre-chat form or
   * closed bar) inside `<amoiq-chat>`, else the log itself — never `body`.
   */
  private focusComposer(): void {
    const root = this.getRootNode() as ParentNode;
    const composer = root.querySelector?.<HTMLElement>('amoiq-chat-input, amoiq-pre-chat-form, amoiq-conversation-closed');
    if (composer) composer.focus();
    else this.scroller?.focus();
  }

  protected override updated(changed: PropertyValues): void {
    super.updated(changed);
    const key = this.focusStatusOf;
    if (key === undefined) return;
    const meta = this.renderRoot.querySelector<HTMLElement>(`[data-key="${CSS.escape(key)}"] [part="meta"]`);
    // Still failed (the retry has not been taken up yet): keep waiting.
    if (meta?.querySelector('[part="retry-button"]')) return;
    this.focusStatusOf = undefined;
    if (meta) meta.focus();
    else this.scroller?.focus();
  }

  private renderRow(row: Row): TemplateResult {
    switch (row.kind) {
      case 'welcome':
        return html`<div class="row first last" data-key=${row.key} role="article" tabindex="-1" aria-posinset=${this.positions.get(row.key) ?? 0} aria-setsize=${this.setSize()}>
          <div part="message" class="message welcome"><div part="bubble" class="bubble" dir="auto">${row.text}</div></div>
        </div>`;
      case 'date':
        return html`<div class="row" data-key=${row.key}>
          <div part="date-separator" class="date-separator"><span>${row.label}</span></div>
        </div>`;
      case 'notice':
        return html`<div class="row" data-key=${row.key} data-msg role="article" tabindex="-1" aria-posinset=${this.positions.get(row.key) ?? 0} aria-setsize=${this.setSize()}>
          <div part="notice" class="notice">
            ${row.message.event ? nothing : html`<span class="visually-hidden">${senderName(row.message.sender, this.l10n.value.strings)}:</span>`}
            <span dir="auto">${noticeText(row.message, this.l10n.value.strings)}</span> <time datetime=${row.message.createdAt}>${this.time(row.message)}</time>
          </div>
        </div>`;
      case 'message':
        return this.renderMessage(row);
    }
  }

  private renderMessage(row: MessageRow): TemplateResult {
    const { message: m, own, first, last } = row;
    const name = senderName(m.sender, this.l10n.value.strings);
    const quick = last ? this.quickRepliesFor(m) : undefined;
    return html`<div class="row ${own ? 'own' : 'other'} ${first ? 'first' : ''} ${last ? 'last' : ''}" data-key=${row.key} data-msg role="article" tabindex="-1" aria-posinset=${this.positions.get(row.key) ?? 0} aria-setsize=${this.setSize()}>
      <div part="message" class="message ${own ? 'own' : m.sender.type}">
        ${first && !own ? this.renderAvatar(m) : nothing}
        <div class="content">
          ${first && !own ? html`<span part="sender" class="sender">${name}</span>` : html`<span class="visually-hidden">${name}:</span>`}
          ${m.text || !m.attachments?.length ? html`<div part="bubble" class="bubble" dir="auto">${this.renderText(m)}</div>` : nothing}
          ${m.attachments?.length ? this.files.get()?.renderAttachments(m.attachments, this.l10n.value.strings, this.locale) : nothing}
          <div part="meta" class="meta" tabindex=${own ? '-1' : nothing}>
            <time datetime=${m.createdAt}>${this.time(m)}</time>${own ? this.renderStatus(m) : nothing}
          </div>
          ${quick ? this.renderQuickReplies(m.key, quick) : nothing}
        </div>
      </div>
    </div>`;
  }

  private renderAvatar(m: ListMessage): TemplateResult {
    const name = senderName(m.sender, this.l10n.value.strings);
    if (m.sender.type === 'ai') {
      return html`<span part="avatar" class="avatar ai" aria-hidden="true" title=${this.l10n.value.strings.aiMark}>${sparkIcon}</span>`;
    }
    return html`<span part="avatar" class="avatar" aria-hidden="true" style=${styleProps({ '--avatar-hue': String(avatarHue(name)) })}
      >${initials(name)}</span
    >`;
  }

  private renderText(m: ListMessage): TemplateResult[] {
    return renderMarkdown(this.blocksOf(m.text));
  }

  private blocksOf(text: string): Block[] {
    let blocks = this.parsed.get(text);
    if (!blocks) {
      // Bounded: the list renders only the visible rows, so a small cache covers scrolling back.
      if (this.parsed.size > 500) this.parsed.clear();
      blocks = parseMarkdown(text);
      this.parsed.set(text, blocks);
    }
    return blocks;
  }

  /**
   * "Read" shows under the newest own message an agent has read, and "Delivered" under the newest
   * own message when it is delivered; older ones keep the state for screen readers only, so the
   * list does not repeat it under every bubble. Pending, sent and failed always show.
   */
  private markLatestStatuses(): void {
    this.latestRead = this.latestDelivered = undefined;
    const messages = this.chat.state?.messages ?? [];
    for (let i = messages.length - 1; i >= 0; i--) {
      const m = messages[i];
      if (m.sender.type !== 'visitor') continue;
      if (this.latestDelivered === undefined) this.latestDelivered = m.status === 'delivered' ? m.key : '';
      if (m.status === 'read') {
        this.latestRead = m.key;
        break;
      }
    }
  }

  private renderStatus(m: ChatMessage) {
    const t = this.l10n.value.strings;
    const label = statusLabel(m.status, t);
    if (!label) return nothing;
    if ((m.status === 'read' && m.key !== this.latestRead) || (m.status === 'delivered' && m.key !== this.latestDelivered)) {
      return html`<span class="visually-hidden">, ${label}</span>`;
    }
    if (m.status === 'read') return html`<span class="status read">${readIcon}${label}</span>`;
    if (m.status !== 'failed') return html`<span class="status ${m.status}">${label}</span>`;
    return html`<span class="status failed" title=${m.error ?? ''}>${label}</span>
      <button part="retry-button" class="retry" type="button" @click=${() => this.handleRetry(m)}>${t.retry}</button>`;
  }

  private renderQuickReplies(key: string, replies: readonly string[]): TemplateResult {
    return html`<div part="quick-replies" class="quick-replies" role="group" aria-label=${this.l10n.value.strings.quickReplies}>
      ${replies.map(
        (text) =>
          html`<button part="quick-reply" class="quick-reply" type="button" @click=${() => this.handleQuickReply(key, text)}>${text}</button>`,
      )}
    </div>`;
  }

  private quickRepliesFor(m: ListMessage): readonly string[] | undefined {
    if (m.sender.type !== 'agent' && m.sender.type !== 'ai') return undefined;
    const offer = quickRepliesOf(this.chat.state?.messages ?? []);
    return offer && offer.key === m.key && !this.usedQuickReplies.has(m.key) ? offer.replies : undefined;
  }

  private time(m: ChatMessage): string {
    return timeLabel(new Date(m.createdAt), this.locale);
  }
}

/** Two check marks: "read" differs from "delivered" by more than its word. */
const readIcon = html`<svg class="read-icon" viewBox="0 0 24 24" aria-hidden="true">
  <path d="M1.3 12.7 6.6 18l1.4-1.4-5.3-5.3zM22.3 5.3 12 15.6l-4.6-4.6L6 12.4l6 6 11.7-11.7zM18 6.7l-1.4-1.4-6.3 6.3 1.4 1.4z" />
</svg>`;

const sparkIcon = html`<svg viewBox="0 0 24 24" aria-hidden="true">
  <path d="M12 2l2.2 6.6L21 11l-6.8 2.4L12 20l-2.2-6.6L3 11l6.8-2.4z" />
</svg>`;
