import { LitElement, html, nothing } from 'lit';
import { agentAppStyles } from './agent-app.styles.js';
import { property, query, state } from 'lit/decorators.js';
import { nanoid } from 'nanoid';
import { AgentApi, AgentApiError, agentSocketUrl, type UploadProgress } from './api.js';
import { noticeText, type AgentReplyDetail, type AmoiqAgentConversation } from './conversation-view.js';
import { SessionStore, type StoredSession } from './session-store.js';
import { ConversationSearch } from './controllers/search-controller.js';
import { ShortcutsController } from './controllers/shortcuts-controller.js';
import { isTypingIn } from './shortcuts.js';
import { conversationSubtitle, conversationTitle } from './titles.js';
import { AgentCalls } from './call-manager.js';
import { AgentLive, type LiveStatus } from './live.js';
import type { AgentFrame, Conversation, InboxFilter, Message } from './types.js';

/**
 * The demo agent's e-mail address, pre-filled on the login form. Set by demo/agent/vite.config.ts
 * only in the demo build (`--mode demo`, what `npm start` builds) and the dev server: a production
 * build carries no demo credentials (the password is generated per installation anyway).
 */
declare const __AMOIQ_DEMO_LOGIN__: string | null | undefined;
const DEMO_LOGIN = typeof __AMOIQ_DEMO_LOGIN__ === 'string' ? __AMOIQ_DEMO_LOGIN__ : '';
/** A visitor typing indicator without a "stopped" frame (tab closed) expires after this. */
const TYPING_TIMEOUT_MS = 8000;

/**
 * The agent console: login, live conversation list (status, unread counts, newest activity first)
 * and the open conversation. It speaks only the documented agent protocol: HTTP for login,
 * history, replies, uploads and close/reopen, `/ws/agent` for live updates and read reports.
 * While a conversation is open and the tab visible, it reports it read up to its newest message.
 * Defined as `<amoiq-agent-app>` by main.ts.
 */
export class AmoiqAgentApp extends LitElement {
  static override styles = agentAppStyles;

  /** Backend origin, e.g. `http://127.0.0.1:8787`; empty means this page's origin (served at /agent/). */
  @property({ attribute: 'api-base' }) apiBase = '';

  /** Where the session is kept across reloads and tabs (session-store.ts). */
  private readonly sessions = new SessionStore();
  @state() private session: StoredSession | null = this.sessions.read();
  @state() private status: LiveStatus = 'offline';
  /** In-browser calls with visitors, signaled over the agent WebSocket. */
  private readonly calls = new AgentCalls((frame) => this.live?.send(frame) ?? false, { agentId: () => this.session?.agent.id });
  /** Every conversation the console knows (inbox pages, frames, the open one); the list shows those matching {@link filter}. */
  @state() private conversations: Conversation[] = [];
  @state() private filter: InboxFilter = 'all';
  /** The next inbox page of the current filter, or null when the list has them all. */
  @state() private nextCursor: string | null = null;
  @state() private loadingMore = false;
  @state() private unread = new Set<string>();
  @state() private selectedId: string | null = null;
  @state() private messages: Message[] = [];
  @state() private typing = new Set<string>();
  @state() private loginError = '';
  @state() private replyError = '';
  @state() private statusPending = false;
  /** Conversations, or the designers' widget settings (settings-page.ts). */
  @state() private view: 'inbox' | 'widgets' = 'inbox';
  /** Which pane a narrow screen shows: the list or the open conversation. */
  @state() private pane: 'list' | 'conversation' = 'list';
  /** Whether the screen is wide enough for the visitor column (its details open by default there). */
  @state() private wide = false;

  @query('#search') private searchInput?: HTMLInputElement;
  @query('amoiq-agent-conversation') private conversationView?: AmoiqAgentConversation;

  private readonly api = new AgentApi();
  /** The search across conversations; while it has answers the list shows them. */
  private readonly search = new ConversationSearch(this, this.api, (error) => this.handleApiError(error));
  private readonly shortcuts = new ShortcutsController(this, {
    active: () => !!this.session && this.view === 'inbox',
    step: (direction, focusList) => this.step(direction, focusList),
    focusSearch: () => {
      this.pane = 'list';
      this.searchInput?.focus();
    },
    focusReply: () => !!this.conversationView?.focusReply(),
    back: (path) => this.back(path),
  });
  private live: AgentLive | null = null;
  /** Counts inbox loads, so an answer for a filter no longer shown is dropped. */
  private inboxLoads = 0;
  private typingTimers = new Map<string, ReturnType<typeof setTimeout>>();
  /** Conversation the agent's "typing" signal was sent to, so "stopped" goes to the same one. */
  private typingIn: string | null = null;
  /** Highest seq reported read per conversation, so each mark is sent once. */
  private reported = new Map<string, number>();
  private readonly handleVisibility = () => this.reportRead();
  private readonly uploader = (file: File, onProgress: UploadProgress) => this.api.upload(this.selectedId ?? '', file, onProgress);
  private readonly visitorLoader = (id: string) => this.api.visitor(id);
  private readonly wideQuery = matchMedia('(min-width: 1100px)');
  private readonly handleWide = () => (this.wide = this.wideQuery.matches);
  private unwatch: (() => void) | null = null;

  override connectedCallback() {
    super.connectedCallback();
    document.addEventListener('visibilitychange', this.handleVisibility);
    this.wideQuery.addEventListener('change', this.handleWide);
    this.handleWide();
    // Another tab logged out (or in): follow it.
    this.unwatch = this.sessions.watch((stored) => this.handleStoredSession(stored));
    if (this.session) this.startLive();
  }

  override disconnectedCallback() {
    super.disconnectedCallback();
    document.removeEventListener('visibilitychange', this.handleVisibility);
    this.wideQuery.removeEventListener('change', this.handleWide);
    this.unwatch?.();
    this.live?.stop();
  }

  override render() {
    return this.session ? this.renderConsole(this.session) : this.renderLogin();
  }

  private renderLogin() {
    return html`
      <main>
        <form class="login" @submit=${this.handleLogin} aria-labelledby="login-title">
          <h1 id="login-title">Agent console</h1>
          <label>Email <input name="email" type="email" autocomplete="username" required .value=${DEMO_LOGIN} /></label>
          <label>Password <input name="password" type="password" autocomplete="current-password" required /></label>
          <label class="check"
            ><input name="remember" type="checkbox" checked aria-describedby="remember-hint" /> Stay logged in on this device</label
          >
          <small id="remember-hint">Untick on a shared computer: you are then logged out when this tab closes.</small>
          ${this.loginError ? html`<p class="error" role="alert">${this.loginError}</p>` : nothing}
          <button type="submit">Log in</button>
        </form>
      </main>
    `;
  }

  private renderConsole(session: StoredSession) {
    const selected = this.conversations.find((c) => c.id === this.selectedId) ?? null;
    const pane = selected ? this.pane : 'list';
    // The Widgets page is a tenant admin's (the server refuses changes from others: admin_required).
    const admin = session.agent.role === 'admin';
    const widgets = admin && this.view === 'widgets';
    return html`
      <div class="shell">
        <header class="bar">
          <h1>Agent console · ${session.agent.name}</h1>
          <span class="status ${this.status}" role="status">${statusLabel(this.status)}</span>
          <button class="link" aria-keyshortcuts="?" @click=${() => this.shortcuts.show()}>Shortcuts</button>
          ${
            admin
              ? html`<button class="link" aria-pressed=${this.view === 'widgets' ? 'true' : 'false'} @click=${() => (this.view = this.view === 'widgets' ? 'inbox' : 'widgets')}>Widgets</button>`
              : nothing
          }
          <button class="link" @click=${this.handleLogoutClick}>Log out</button>
        </header>
        ${widgets ? html`<amoiq-agent-settings .baseUrl=${this.apiBase} .token=${session.token}></amoiq-agent-settings>` : nothing}
        <div class="main" data-pane=${pane} style=${widgets ? 'display: none' : ''}>
          <nav aria-labelledby="conversations-title">
            <h2 id="conversations-title" tabindex="-1">Conversations</h2>
            <amoiq-agent-queue
              .baseUrl=${this.apiBase}
              .token=${session.token}
              @amoiq-agent-open=${(e: CustomEvent<{ conversationId: string }>) => void this.select(e.detail.conversationId)}
            ></amoiq-agent-queue>
            ${this.renderSearch()} ${this.search.results ? nothing : this.renderFilters()} ${this.renderList(session.agent.id)}
          </nav>
          <button class="secondary back" type="button" aria-keyshortcuts="Escape" @click=${() => this.back()}>← Conversations</button>
          <aside class="visitor-pane" aria-label="Visitor">
            <amoiq-agent-visitor
              .conversation=${selected}
              .loader=${this.visitorLoader}
              ?expanded=${this.wide}
              @amoiq-agent-open=${this.handleOpenPrevious}
            ></amoiq-agent-visitor>
          </aside>
          <main>
            <amoiq-agent-conversation
              .conversation=${selected}
              .calls=${this.calls}
              .messages=${this.messages}
              .error=${this.replyError}
              .uploader=${this.uploader}
              ?status-pending=${this.statusPending}
              ?visitor-typing=${selected ? this.typing.has(selected.id) : false}
              @amoiq-agent-reply=${this.handleReply}
              @amoiq-agent-typing=${this.handleTyping}
              @amoiq-agent-status=${this.handleStatus}
            >
              <amoiq-agent-handoff
                slot="handoff"
                .baseUrl=${this.apiBase}
                .token=${session.token}
                .agentId=${session.agent.id}
                .conversationId=${selected?.id ?? null}
                ?closed=${selected?.status === 'closed'}
              ></amoiq-agent-handoff>
            </amoiq-agent-conversation>
          </main>
        </div>
        ${this.shortcuts.render()}
      </div>
    `;
  }

  private renderSearch() {
    const searching = this.search.results !== null;
    return html`<form class="search" role="search" @submit=${(e: Event) => (e.preventDefault(), this.search.run())}>
        <label class="visually-hidden" for="search">Search conversations</label>
        <input
          id="search"
          type="search"
          autocomplete="off"
          placeholder="Search names, e-mails, messages  /"
          aria-keyshortcuts="/"
          maxlength="200"
          .value=${this.search.text}
          @input=${(e: InputEvent) => this.search.input((e.target as HTMLInputElement).value)}
        />
        ${searching ? html`<button type="button" class="link" @click=${() => this.clearSearch(true)}>Clear</button>` : nothing}
      </form>
      <p class="search-status" role="status">${this.search.status()}</p>`;
  }

  private renderFilters() {
    return html`<div class="filters" role="group" aria-label="Show">
      ${INBOX_FILTERS.map(
        ([value, label]) =>
          html`<button type="button" data-filter=${value} aria-pressed=${this.filter === value ? 'true' : 'false'} @click=${() => this.setFilter(value)}>
            ${label}
          </button>`,
      )}
    </div>`;
  }

  /** The conversations the list shows now: the search's answers, or the inbox under its filter. */
  private shownConversations(agentId = this.session?.agent.id ?? '') {
    return this.search.results ?? this.conversations.filter((c) => matchesFilter(c, this.filter, agentId));
  }

  private renderList(agentId: string) {
    const shown = this.shownConversations(agentId);
    const searching = this.search.results !== null;
    const cursor = searching ? this.search.cursor : this.nextCursor;
    const loadingMore = searching ? this.search.loadingMore : this.loadingMore;
    return html`${
      shown.length === 0
        ? html`<p class="empty">
            ${searching ? 'Nothing found.' : this.filter === 'all' ? 'No conversations yet. Open the demo page and say hello.' : 'No conversations here.'}
          </p>`
        : html`<ul aria-label=${searching ? 'Search results' : 'Conversations'}>
          ${shown.map((c) => this.renderConversationItem(c))}
        </ul>`
    }
    ${cursor ? html`<button class="secondary more" type="button" ?disabled=${loadingMore} @click=${this.loadMore}>Load more</button>` : nothing}`;
  }

  private renderConversationItem(c: Conversation) {
    const count = unreadCount(c);
    // Without read marks (older backend) the console falls back to its own marker.
    const unread = count === null ? this.unread.has(c.id) : count > 0;
    const closed = c.status === 'closed';
    const preview = this.typing.has(c.id) ? 'typing…' : c.match ? c.match : previewText(c.lastMessage);
    return html`<li>
      <button data-id=${c.id} aria-current=${c.id === this.selectedId ? 'true' : 'false'} @click=${() => this.open(c, true)}>
        <span class="row">
          <span class=${unread ? 'unread' : ''}
            ><bdi>${conversationTitle(c)}</bdi>${closed ? html`<span class="state">Closed</span>` : nothing}${
              c.relinkedAt ? html`<span class="relinked-badge" title="Resumed in another browser by fingerprint">Relinked</span>` : nothing
            }${count ? html`<span class="count" aria-hidden="true">${count}</span>` : nothing}${
              unread ? html`<span class="visually-hidden"> (${count ? `${count} unread` : 'unread'})</span>` : nothing
            }</span
          >
          <time datetime=${c.updatedAt}>${activityLabel(c.updatedAt)}</time>
        </span>
        <span class="sub">${conversationSubtitle(c)}</span>
        <span class="preview" dir="auto">${preview}</span>
      </button>
    </li>`;
  }

  private async handleLogin(event: SubmitEvent) {
    event.preventDefault();
    const data = new FormData(event.target as HTMLFormElement);
    this.loginError = '';
    this.api.baseUrl = this.apiBase;
    try {
      const login = await this.api.login(String(data.get('email')), String(data.get('password')));
      this.session = this.sessions.write(login, data.get('remember') === 'on');
      this.startLive();
      // The form that had focus is gone: start the agent at the conversation list.
      await this.updateComplete;
      this.renderRoot.querySelector<HTMLElement>('#conversations-title')?.focus();
    } catch (error) {
      this.loginError =
        error instanceof AgentApiError && error.status === 401
          ? 'Wrong email or password.'
          : error instanceof AgentApiError && error.status === 429
            ? `Too many attempts. ${error.message}`
            : 'Could not reach the server.';
    }
  }

  /** The Log out button: ends the session on the server too (every device), then here. */
  private async handleLogoutClick() {
    const done = this.api.logout();
    this.handleLogout();
    // Best effort: offline, the token still ends when it expires; here it is forgotten at once.
    await done.catch((error) => console.warn('amoiq agent console: logout failed', error));
  }

  /** Forgets the session here (after a logout, or when the server refused the token). */
  private handleLogout() {
    this.live?.stop();
    this.live = null;
    this.sessions.clear();
    this.session = null;
    this.conversations = [];
    this.nextCursor = null;
    this.messages = [];
    this.selectedId = null;
    this.pane = 'list';
    this.clearSearch(false);
    this.status = 'offline';
  }

  /**
   * The stored session changed in another tab: a logout there ends this console too (the server
   * has revoked the token anyway); a login there is adopted here when this tab has none.
   */
  private handleStoredSession(stored: StoredSession | null) {
    if (!stored && this.session) {
      this.handleLogout();
      this.loginError = 'You logged out in another tab.';
    } else if (stored && (!this.session || stored.agent.id !== this.session.agent.id)) {
      this.live?.stop();
      this.session = stored;
      this.loginError = '';
      this.startLive();
    }
  }

  /** Opens the next (1) or previous (-1) conversation of the list; `focusList` moves focus to it. */
  private step(direction: 1 | -1, focusList: boolean) {
    const shown = this.shownConversations();
    if (!shown.length) return;
    const at = shown.findIndex((c) => c.id === this.selectedId);
    const next = shown[at === -1 ? (direction === 1 ? 0 : shown.length - 1) : Math.min(Math.max(at + direction, 0), shown.length - 1)];
    void this.open(next, false);
    if (focusList) void this.updateComplete.then(() => this.listButton(next.id)?.focus());
  }

  /**
   * Esc: out of the search (cleared), out of the reply box (to the list), or on a narrow screen
   * from the conversation back to the list. False when there is nowhere to go back to.
   */
  private back(path: readonly EventTarget[] = []): boolean {
    const target = path[0];
    if (target === this.searchInput) {
      if (!this.search.text && !this.search.results) return false;
      this.clearSearch(true);
      return true;
    }
    const narrow =
      !!this.selectedId && this.pane === 'conversation' && getComputedStyle(this.renderRoot.querySelector('nav')!).display === 'none';
    if (narrow || (this.selectedId && isTypingIn(path))) {
      this.pane = 'list';
      const id = this.selectedId;
      void this.updateComplete.then(() => (id ? this.listButton(id) : null)?.focus());
      return true;
    }
    return false;
  }

  private listButton(id: string) {
    return this.renderRoot.querySelector<HTMLButtonElement>(`li button[data-id="${CSS.escape(id)}"]`);
  }

  /**
   * Opens a conversation from the list, the search or the visitor's previous ones (added to what
   * the console knows when it was not listed). `focusView`: focus follows to the conversation (a
   * click on a narrow screen, where the list disappears).
   */
  private async open(conversation: Conversation, focusView: boolean) {
    if (!this.conversations.some((c) => c.id === conversation.id)) {
      this.conversations = sortByActivity([...this.conversations, conversation]);
    }
    this.pane = 'conversation';
    await this.select(conversation.id);
    if (focusView) {
      await this.updateComplete;
      const back = this.renderRoot.querySelector<HTMLElement>('.back');
      if (back && getComputedStyle(back).display !== 'none') this.conversationView?.focusHeading();
    }
  }

  private handleOpenPrevious(event: CustomEvent<{ conversationId: string; conversation: Conversation }>) {
    event.stopPropagation();
    void this.open(event.detail.conversation, true);
  }

  /** Leaves the search: the list shows the inbox again; `focus` returns focus to the field. */
  private clearSearch(focus: boolean) {
    this.search.clear();
    if (focus) this.searchInput?.focus();
  }

  private startLive() {
    if (!this.session) return;
    this.api.baseUrl = this.apiBase;
    this.api.token = this.session.token;
    this.live?.stop();
    this.live = new AgentLive({
      url: agentSocketUrl(this.apiBase),
      token: this.session.token,
      onStatus: (status) => (this.status = status),
      onFrame: (frame) => this.handleFrame(frame),
      onUnauthorized: () => {
        this.handleLogout();
        this.loginError = 'Your session expired. Please log in again.';
      },
    });
    this.live.start();
  }

  private handleFrame(frame: AgentFrame) {
    switch (frame.type) {
      case 'ready':
        // (Re)connected: anything may have happened while offline, so resynchronise.
        void this.refresh();
        this.calls.reconnected();
        break;
      case 'rtc':
      case 'call':
      case 'mode':
        this.calls.handle(frame);
        break;
      case 'conversation':
        this.upsertConversation(frame.conversation);
        break;
      case 'message':
        this.handleMessage(frame.message);
        break;
      case 'typing':
        if (frame.sender.type === 'visitor') this.setVisitorTyping(frame.conversationId, frame.typing);
        break;
      case 'read':
        this.moveReadMark(frame.conversationId, frame.reader, frame.seq);
        break;
      case 'error':
        console.warn(`amoiq agent console: server refused a frame: ${frame.code} ${frame.message}`);
        break;
      case 'queue':
        void this.panel('amoiq-agent-queue')?.refresh();
        break;
      case 'handoff':
      case 'feedback':
      case 'rating':
        // Who has it decides the queue as well as the open conversation's handoff panel.
        if (frame.type === 'handoff') void this.panel('amoiq-agent-queue')?.refresh();
        if (frame.conversationId === this.selectedId) void this.panel('amoiq-agent-handoff')?.refresh();
        break;
    }
  }

  /** The queue or handoff panel, to read the server again when a frame says something changed. */
  private panel(tag: 'amoiq-agent-queue' | 'amoiq-agent-handoff'): { refresh(): Promise<void> } | null {
    return this.renderRoot.querySelector(tag) as { refresh(): Promise<void> } | null;
  }

  /** Loads the first inbox page of the current filter (the open conversation stays known). */
  private async refresh() {
    const load = ++this.inboxLoads;
    const filter = this.filter;
    try {
      const page = await this.api.conversations({ filter, limit: INBOX_PAGE });
      if (load !== this.inboxLoads) return;
      const selected = this.conversations.find((c) => c.id === this.selectedId);
      this.conversations = sortByActivity(mergeConversations(selected ? [selected] : [], page.conversations));
      this.nextCursor = page.nextCursor;
      if (this.selectedId) await this.loadMessages(this.selectedId, this.messages.at(-1)?.seq ?? 0);
    } catch (error) {
      this.handleApiError(error);
    }
  }

  /** The next inbox page of the current filter, added below what the list shows. */
  private async loadMore() {
    if (this.search.results) return this.search.loadMore();
    const cursor = this.nextCursor;
    if (!cursor || this.loadingMore) return;
    const load = this.inboxLoads;
    this.loadingMore = true;
    try {
      const page = await this.api.conversations({ filter: this.filter, cursor, limit: INBOX_PAGE });
      if (load !== this.inboxLoads) return;
      this.conversations = sortByActivity(mergeConversations(this.conversations, page.conversations));
      this.nextCursor = page.nextCursor;
    } catch (error) {
      this.handleApiError(error);
    } finally {
      this.loadingMore = false;
    }
  }

  private setFilter(filter: InboxFilter) {
    if (filter === this.filter) return;
    this.filter = filter;
    this.nextCursor = null;
    void this.refresh();
  }

  /**
   * Takes the server's newest view of a conversation (status, contact, marks change without a new
   * message). An answer older than what is held (an HTTP list racing a frame) is ignored, except
   * that read marks only ever move forward.
   */
  private upsertConversation(conversation: Conversation) {
    const previous = this.conversations.find((c) => c.id === conversation.id);
    const marks = {
      visitorReadSeq: maxMark(previous?.visitorReadSeq, conversation.visitorReadSeq),
      agentReadSeq: maxMark(previous?.agentReadSeq, conversation.agentReadSeq),
    };
    if (previous && previous.lastSeq > conversation.lastSeq) {
      this.replaceConversation({ ...previous, ...marks });
      return;
    }
    const merged = { ...conversation, ...marks };
    this.conversations = sortByActivity([merged, ...this.conversations.filter((c) => c.id !== conversation.id)]);
    this.search.update(merged);
    const fromVisitor = conversation.lastMessage?.sender.type === 'visitor';
    if (conversation.id !== this.selectedId && fromVisitor && conversation.lastSeq > (previous?.lastSeq ?? 0)) {
      this.unread = new Set(this.unread).add(conversation.id);
    }
    if (conversation.id === this.selectedId) this.reportRead();
  }

  private replaceConversation(conversation: Conversation) {
    this.conversations = this.conversations.map((c) => (c.id === conversation.id ? conversation : c));
    this.search.update(conversation);
  }

  private moveReadMark(conversationId: string, reader: 'visitor' | 'agent', seq: number) {
    const c = this.conversations.find((x) => x.id === conversationId);
    if (!c || !Number.isInteger(seq)) return;
    const key = reader === 'visitor' ? 'visitorReadSeq' : 'agentReadSeq';
    if ((c[key] ?? 0) >= seq) return;
    this.replaceConversation({ ...c, [key]: seq });
  }

  private handleMessage(message: Message) {
    if (message.sender.type === 'visitor') this.setVisitorTyping(message.conversationId, false);
    if (message.conversationId === this.selectedId) {
      this.messages = mergeMessages(this.messages, [message]);
      this.reportRead();
    }
  }

  /**
   * Reports the open conversation read up to its newest message, if the agent can see it (tab
   * visible) and that is past what the server already has. The agent WebSocket carries it when
   * connected, HTTP otherwise.
   */
  private reportRead() {
    const id = this.selectedId;
    if (!id || document.visibilityState !== 'visible') return;
    const conversation = this.conversations.find((c) => c.id === id);
    const newest = Math.max(this.messages.at(-1)?.seq ?? 0, 0);
    if (newest === 0 || newest <= (conversation?.agentReadSeq ?? 0) || newest <= (this.reported.get(id) ?? 0)) return;
    this.reported.set(id, newest);
    if (conversation) this.replaceConversation({ ...conversation, agentReadSeq: newest });
    if (!this.live?.send({ type: 'read', conversationId: id, seq: newest })) {
      this.api.read(id, newest).catch((error) => {
        this.reported.delete(id);
        this.handleApiError(error);
      });
    }
  }

  private async select(id: string) {
    this.pane = 'conversation';
    if (id === this.selectedId) return;
    this.selectedId = id;
    this.messages = [];
    this.replyError = '';
    const unread = new Set(this.unread);
    unread.delete(id);
    this.unread = unread;
    await this.loadMessages(id, 0);
  }

  private async loadMessages(id: string, after: number) {
    try {
      // Newest page first when opening; everything after `after` when catching up.
      const page =
        after === 0 ? await this.api.messages(id, { before: 2 ** 31 - 1, limit: 100 }) : await this.api.messages(id, { after, limit: 200 });
      if (this.selectedId !== id) return;
      this.messages = mergeMessages(this.messages, page.messages);
      this.reportRead();
    } catch (error) {
      this.handleApiError(error);
    }
  }

  private handleReply(event: CustomEvent<AgentReplyDetail>) {
    event.detail.result = this.sendReply(event.detail);
  }

  /** Sends a reply; resolves true when stored, false (with the reason shown) when not. */
  private async sendReply({ text, quickReplies, attachments }: AgentReplyDetail): Promise<boolean> {
    const id = this.selectedId;
    if (!id) return false;
    this.replyError = '';
    const clientId = nanoid();
    // One retry with the same clientId: safe, the server stores it once.
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const message = await this.api.send(id, text, clientId, { quickReplies, attachments });
        if (this.selectedId === id) {
          this.messages = mergeMessages(this.messages, [message]);
          this.reportRead();
        }
        return true;
      } catch (error) {
        if (error instanceof AgentApiError) {
          this.handleApiError(error);
          this.replyError = `Not sent: ${error.message}`;
          return false;
        }
      }
    }
    this.replyError = 'Not sent: the server cannot be reached.';
    return false;
  }

  private async handleStatus(event: CustomEvent<{ status: 'open' | 'closed' }>) {
    const id = this.selectedId;
    if (!id || this.statusPending) return;
    this.statusPending = true;
    this.replyError = '';
    try {
      const conversation = event.detail.status === 'closed' ? await this.api.close(id) : await this.api.reopen(id);
      this.upsertConversation(conversation);
      // The notice (system message) arrives as a frame too; fetching closes any gap.
      if (this.selectedId === id) await this.loadMessages(id, this.messages.at(-1)?.seq ?? 0);
    } catch (error) {
      this.handleApiError(error);
      const verb = event.detail.status === 'closed' ? 'close' : 'reopen';
      this.replyError =
        error instanceof AgentApiError && error.status === 409
          ? `Cannot ${verb}: the visitor already has another open conversation.`
          : `Cannot ${verb}: ${error instanceof AgentApiError ? error.message : 'the server cannot be reached.'}`;
    } finally {
      this.statusPending = false;
    }
  }

  private handleTyping(event: CustomEvent<{ typing: boolean }>) {
    const { typing } = event.detail;
    const id = typing ? this.selectedId : this.typingIn;
    this.typingIn = typing ? this.selectedId : null;
    if (!id) return;
    if (!this.live?.send({ type: 'typing', conversationId: id, typing })) {
      this.api.typing(id, typing).catch(() => {});
    }
  }

  private setVisitorTyping(conversationId: string, typing: boolean) {
    clearTimeout(this.typingTimers.get(conversationId));
    const next = new Set(this.typing);
    if (typing) {
      next.add(conversationId);
      this.typingTimers.set(
        conversationId,
        setTimeout(() => this.setVisitorTyping(conversationId, false), TYPING_TIMEOUT_MS),
      );
    } else next.delete(conversationId);
    this.typing = next;
  }

  private handleApiError(error: unknown) {
    if (error instanceof AgentApiError && error.status === 401) {
      this.handleLogout();
      this.loginError = 'Your session expired. Please log in again.';
    } else {
      console.warn('amoiq agent console:', error);
    }
  }
}

/** When a conversation was last active: the time today, the date before. */
function activityLabel(at: string) {
  const date = new Date(at);
  return date.toDateString() === new Date().toDateString()
    ? date.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' })
    : date.toLocaleDateString(undefined, { day: 'numeric', month: 'short' });
}

function statusLabel(status: LiveStatus) {
  return status === 'online' ? 'Live' : status === 'connecting' ? 'Connecting…' : 'Offline';
}

/** Messages after the agents' read mark; null when the server sends no mark. */
function unreadCount(c: Conversation): number | null {
  if (c.agentReadSeq === undefined) return null;
  return Math.max(0, c.lastSeq - c.agentReadSeq);
}

function maxMark(a: number | undefined, b: number | undefined) {
  return a === undefined ? b : b === undefined ? a : Math.max(a, b);
}

function previewText(m: Message | null) {
  if (!m) return 'No messages yet';
  // A notice says what the conversation view says (the server's text may carry a reason code).
  if (m.sender.type === 'system') return noticeText(m);
  if (m.text) return m.text;
  const files = m.attachments?.length ?? 0;
  return files ? `${files} attachment${files === 1 ? '' : 's'}` : '';
}

/** Inbox page size. */
const INBOX_PAGE = 50;

/** The list's filters and their labels, in the order shown. */
const INBOX_FILTERS: ReadonlyArray<[InboxFilter, string]> = [
  ['all', 'All'],
  ['waiting', 'Waiting for reply'],
  ['open', 'Open'],
  ['mine', 'Mine'],
  ['closed', 'Closed'],
];

/** The server's filter (docs/protocol.md, Agent endpoints), for conversations that change live. */
function matchesFilter(c: Conversation, filter: InboxFilter, agentId: string) {
  switch (filter) {
    case 'open':
      return c.status === 'open';
    case 'waiting':
      return c.status === 'open' && c.awaitingReply === true;
    case 'mine':
      return c.status === 'open' && (c.agentIds ?? []).includes(agentId);
    case 'closed':
      return c.status === 'closed';
    default:
      return true;
  }
}

/** `incoming` replaces what `current` holds of the same id, except newer ones. */
function mergeConversations(current: Conversation[], incoming: Conversation[]) {
  const byId = new Map(current.map((c) => [c.id, c]));
  for (const c of incoming) {
    const held = byId.get(c.id);
    if (!held || held.lastSeq <= c.lastSeq) byId.set(c.id, c);
  }
  return [...byId.values()];
}

function sortByActivity(conversations: Conversation[]) {
  return [...conversations].sort((a, b) => b.updatedAt.localeCompare(a.updatedAt));
}

/** Merges by id and orders by seq, so pushes, replies and fetched pages never duplicate. */
function mergeMessages(current: Message[], incoming: Message[]) {
  const byId = new Map(current.map((m) => [m.id, m]));
  for (const m of incoming) byId.set(m.id, m);
  return [...byId.values()].sort((a, b) => a.seq - b.seq);
}

declare global {
  interface HTMLElementTagNameMap {
    'amoiq-agent-app': AmoiqAgentApp;
  }
}
