import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { property, query } from 'lit/decorators.js';
import { guard } from 'lit/directives/guard.js';
import { repeat } from 'lit/directives/repeat.js';
import { styleProps } from '../../styles/style-props.js';
import { ChatStateController } from '../../controllers/chat-state-controller.js';
import { AmoiqQuickReplyEvent } from '../../events/quick-reply-event.js';
import { AmoiqRetryEvent } from '../../events/retry-event.js';
import { LocaleConsumer, fallbackLocale } from '../../i18n/localize.js';
import type { AssistantConfig } from '../../protocol/assistant.js';
import type { ChatMessage } from '../../services/chat-service.js';
import { sharedStyles } from '../../styles/shared.js';
import { ListAnnouncer, changesBetween } from './announcer.js';
import { BlockCache, renderRow, rowDeps, type RowContext } from './row-renderers.js';
import { LatestStatuses, nextFrame } from './row-marks.js';
import { articleCount, buildRows, localeOf, quickRepliesOf, senderName, sharedPrefix, type ListMessage, type Row } from './rows.js';
import { styles } from './message-list.styles.js';
import { LazyPartController } from '../../controllers/lazy-part-controller.js';
import { ListScrollController } from '../../controllers/list-scroll-controller.js';

/**
 * The conversation: the welcome message, the site's assistant's greeting (session
 * `config.assistant.greeting`, as its first words: labelled AI, not stored, not announced), then
 * every message grouped by sender (name and avatar
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
 * @csspart team - The empty panel's team card, above the welcome message (session `config.team`).
 * @csspart team-avatars - The online agents' avatars or initials in the team card.
 * @csspart team-name - The team's name.
 * @csspart reply-time - The team's typical reply time.
 * @csspart assistant-greeting - The assistant's greeting (also a `message`), after the welcome message.
 * @csspart ai-label - The visible "AI" beside an assistant's name.
 */
export class AmoiqMessageList extends LitElement {
  static override styles = [sharedStyles, styles];

  /** A greeting shown first, before any message; not stored on the server. */
  @property({ attribute: 'welcome-message' }) welcomeMessage = '';

  @query('.base') private scroller?: HTMLElement;
  @query('.spacer') private topSpacer?: HTMLElement;

  private readonly chat = new ChatStateController(this);
  private readonly l10n = new LocaleConsumer(this);
  /** File previews: a chunk of their own, loaded when a message with attachments first shows. */
  private readonly files = new LazyPartController(this, 'message-attachments', () => import('./message-attachments.js'));
  /** The assistant's parts (streamed answers, sources, feedback): a chunk of their own, loaded with the first assistant message. */
  private readonly assistant = new LazyPartController(this, 'assistant-parts', () => import('../assistant-stream/assistant-parts.js'));
  private rows: Row[] = [];
  private rowsFor?: { messages: readonly ChatMessage[]; welcome: string; assistant?: AssistantConfig; locale: string; day: string };
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
  private readonly blocks = new BlockCache();
  /** The live region: new messages from the other side, own messages that failed. */
  private readonly announcer = new ListAnnouncer(this, (text) => this.blocks.get(text));
  /** Keys of the own messages whose "Read" / "Delivered" is shown (see markLatestStatuses). */
  private latestRead?: string;
  private latestDelivered?: string;
  private readonly statuses = new LatestStatuses();
  private statusesFor?: readonly ChatMessage[];
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
        role=${articleCount(this.rows) ? 'feed' : 'region'}
        aria-busy=${loading ? 'true' : 'false'}
        aria-label=${t.conversation}
        tabindex="0"
        @scroll=${this.scrolling.handleScroll}
        @keydown=${this.handleFeedKeydown}
      >
        <div class="spacer" style=${styleProps({ blockSize: `${this.scrolling.spaceBefore}px` })}></div>
        ${this.renderRows()}
        <div class="spacer" style=${styleProps({ blockSize: `${this.scrolling.spaceAfter}px` })}></div>
        ${this.chat.state?.streaming ? this.assistant.get()?.renderStreams() : nothing}
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
      ${this.announcer.render()}
    `;
  }

  /**
   * Updates after the first wait for the next animation frame (Lit's default is the next microtask): a burst of
   * messages, each its own WebSocket frame and state, is rendered and laid out once per frame
   * instead of once per message.
   */
  protected override async scheduleUpdate(): Promise<void> {
    // The first render at once, as any element: the panel shows the list's frame without waiting.
    if (this.hasUpdated) await nextFrame();
    super.scheduleUpdate();
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
    const assistant = this.chat.state?.assistant;
    const before = this.rowsFor;
    if (
      before?.messages === messages &&
      before.welcome === this.welcomeMessage &&
      before.assistant === assistant &&
      before.locale === this.locale &&
      before.day === day
    )
      return;
    this.rowsFor = { messages, welcome: this.welcomeMessage, assistant, locale: this.locale, day };
    // The assistant's greeting, as its messages name it (the server fills in its name and the site's).
    const greeting = assistant?.greeting
      ? { text: assistant.greeting, sender: { type: 'ai' as const, id: 'assistant', name: assistant.name, avatar: assistant.avatar } }
      : undefined;
    // Incremental: a new message builds its own rows, and the window's offsets past the old end.
    this.rows = buildRows(messages, this.welcomeMessage, this.locale, now, greeting);
    this.scrolling.setRows(this.rows);
    if (before && before.messages !== messages) this.trackChanges(before.messages as readonly ListMessage[], messages);
  }

  /** Sorts what changed between two snapshots: older history, new messages, own messages. */
  private trackChanges(previous: readonly ListMessage[], messages: readonly ListMessage[]): void {
    if (!previous.length) {
      this.scrolling.followNewest();
      return;
    }
    const changes = changesBetween(previous, messages);
    // The visitor's own message: always show it.
    if (changes.added.some((m) => m.sender.type === 'visitor')) this.scrolling.followNewest();
    const incoming = changes.added.filter((m) => m.sender.type !== 'visitor').length;
    if (incoming) this.scrolling.countIncoming(incoming);
    this.announcer.track(changes, this.l10n.value.strings);
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
    return this.chat.state?.hasOlder ? -1 : articleCount(this.rows);
  }

  /**
   * Sets `aria-setsize` on the rendered articles where it changed: set here rather than in the row
   * templates, so that a new message (one more loaded) does not re-render every row in the window.
   */
  private syncSetSize(): void {
    const size = String(this.setSize());
    for (const el of this.scroller?.querySelectorAll(':scope > [role="article"]') ?? []) {
      if (el.getAttribute('aria-setsize') !== size) el.setAttribute('aria-setsize', size);
    }
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
    let at = this.scrolling.window.indexOf(current.dataset.key ?? '', this.scrolling.first);
    do at += step;
    while (this.rows[at]?.kind === 'date');
    const next = this.rows[at]?.key;
    if (next === undefined || at < 0) return;
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
    this.syncSetSize();
    const key = this.focusStatusOf;
    if (key === undefined) return;
    const meta = this.renderRoot.querySelector<HTMLElement>(`[data-key="${CSS.escape(key)}"] [part="meta"]`);
    // Still failed (the retry has not been taken up yet): keep waiting.
    if (meta?.querySelector('[part="retry-button"]')) return;
    this.focusStatusOf = undefined;
    if (meta) meta.focus();
    else this.scroller?.focus();
  }

  /** The rows in the window, each drawn by the renderer of its kind (row-renderers.ts), keyed by row key. */
  private renderRows() {
    const strings = this.l10n.value.strings;
    const ctx: RowContext = {
      strings,
      locale: this.locale,
      blocks: (text) => this.blocks.get(text),
      quickReplies: (m) => this.quickRepliesFor(m),
      attachments: (files) => this.files.get()?.renderAttachments(files, strings, this.locale),
      assistant: (m) => this.assistant.get()?.renderAssistantExtras(m, strings, this.chat.service),
      latestRead: this.latestRead,
      latestDelivered: this.latestDelivered,
      team:
        this.chat.state?.agentsOnline === false
          ? { ...this.chat.state.remoteConfig.team, agents: undefined }
          : this.chat.state?.remoteConfig.team,
      retry: (m) => this.handleRetry(m),
      quickReply: (key, text) => this.handleQuickReply(key, text),
    };
    return repeat(
      this.rows.slice(this.scrolling.first, this.scrolling.last + 1),
      (row) => row.key,
      (row) => {
        const deps = rowDeps(row, ctx);
        return deps ? guard(deps, () => renderRow(row, ctx)) : renderRow(row, ctx);
      },
    );
  }

  /** The newest read and delivered own messages (row-marks.ts): searched only where the messages changed. */
  private markLatestStatuses(): void {
    const messages = this.chat.state?.messages ?? [];
    if (messages === this.statusesFor) return;
    const shared = this.statusesFor ? sharedPrefix(this.statusesFor, messages) : 0;
    this.statusesFor = messages;
    ({ read: this.latestRead, delivered: this.latestDelivered } = this.statuses.update(messages, shared));
  }

  private quickRepliesFor(m: ListMessage): readonly string[] | undefined {
    if (m.sender.type !== 'agent' && m.sender.type !== 'ai') return undefined;
    const offer = quickRepliesOf(this.chat.state?.messages ?? []);
    return offer && offer.key === m.key && !this.usedQuickReplies.has(m.key) ? offer.replies : undefined;
  }
}
