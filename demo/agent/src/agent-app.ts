import { LitElement, css, html, nothing } from 'lit';
import { property, state } from 'lit/decorators.js';
import { nanoid } from 'nanoid';
import { AgentApi, AgentApiError, type UploadProgress } from './api.js';
import { conversationTitle, type AgentReplyDetail } from './conversation-view.js';
import { AgentCalls } from './call-manager.js';
import { AgentLive, type LiveStatus } from './live.js';
import './queue-panel.js';
import './settings-define.js';
import type { Agent, AgentFrame, Conversation, InboxFilter, Message } from './types.js';

const STORAGE_KEY = 'amoiq-agent-session';

/**
 * The demo agent's e-mail address, pre-filled on the login form. Set by demo/agent/vite.config.ts
 * only in the demo build (`--mode demo`, what `npm start` builds) and the dev server: a production
 * build carries no demo credentials (the password is generated per installation anyway).
 */
declare const __AMOIQ_DEMO_LOGIN__: string | null | undefined;
const DEMO_LOGIN = typeof __AMOIQ_DEMO_LOGIN__ === 'string' ? __AMOIQ_DEMO_LOGIN__ : '';
/** A visitor typing indicator without a "stopped" frame (tab closed) expires after this. */
const TYPING_TIMEOUT_MS = 8000;

interface StoredSession {
  token: string;
  expiresAt: string;
  agent: Agent;
}

/**
 * The agent console: login, live conversation list (status, unread counts, newest activity first)
 * and the open conversation. It speaks only the documented agent protocol: HTTP for login,
 * history, replies, uploads and close/reopen, `/ws/agent` for live updates and read reports.
 * While a conversation is open and the tab visible, it reports it read up to its newest message.
 * Defined as `<amoiq-agent-app>` by main.ts.
 */
export class AmoiqAgentApp extends LitElement {
  static override styles = css`
    :host { display: block; height: 100vh; }
    .login { max-width: 320px; margin: 10vh auto; padding: 24px; background: #fff; border-radius: 12px; border: 1px solid #d7dde3; display: grid; gap: 12px; }
    .login h1 { margin: 0; font-size: 1.25rem; }
    label { display: grid; gap: 4px; font-size: 0.9rem; }
    input { font: inherit; padding: 8px; border: 1px solid #8c959f; border-radius: 6px; }
    button { font: inherit; padding: 8px 16px; border: 0; border-radius: 6px; background: #0b5cad; color: #fff; cursor: pointer; }
    button.link { background: none; color: #0b5cad; padding: 4px 8px; }
    .error { color: #a40e26; margin: 0; }
    .shell { display: grid; grid-template-rows: auto 1fr; height: 100%; }
    .bar { display: flex; align-items: center; gap: 12px; padding: 8px 16px; background: #1b1f24; color: #fff; }
    .bar h1 { font-size: 1rem; margin: 0; flex: 1; }
    .status { font-size: 0.8rem; padding: 2px 8px; border-radius: 999px; background: #57606a; }
    .status.online { background: #1a7f37; }
    .status.connecting { background: #9a6700; }
    .bar button.link { color: #fff; }
    .main { display: grid; grid-template-columns: 300px 1fr; min-height: 0; }
    main { min-height: 0; }
    nav { border-inline-end: 1px solid #d7dde3; overflow-y: auto; background: #fff; }
    nav h2 { font-size: 0.8rem; text-transform: uppercase; color: #57606a; margin: 12px 16px; }
    ul { list-style: none; margin: 0; padding: 0; }
    li button { all: unset; box-sizing: border-box; display: grid; gap: 2px; width: 100%; padding: 10px 16px; cursor: pointer; border-bottom: 1px solid #eef1f4; }
    li button:focus-visible { outline: 2px solid #0b5cad; outline-offset: -2px; }
    li button[aria-current='true'] { background: #ddf4ff; }
    .row { display: flex; justify-content: space-between; align-items: baseline; gap: 8px; font-weight: 600; }
    .row > span { min-inline-size: 0; overflow-wrap: anywhere; }
    .row time { flex: none; white-space: nowrap; font-weight: 400; font-size: 0.8rem; color: #57606a; }
    .count { display: inline-block; min-inline-size: 1.5em; padding: 0 6px; border-radius: 999px; background: #0b5cad; color: #fff; font-size: 0.75rem; text-align: center; margin-inline-start: 6px; }
    .unread:not(:has(.count))::after { content: ''; display: inline-block; inline-size: 8px; block-size: 8px; border-radius: 50%; background: #0b5cad; margin-inline-start: 6px; }
    .state { font-size: 0.7rem; font-weight: 400; padding: 0 6px; border: 1px solid currentColor; border-radius: 999px; color: #57606a; margin-inline-start: 6px; }
    @media (forced-colors: active) {
      .count, .unread::after { border: 1px solid CanvasText; }
      li button[aria-current='true'] { outline: 2px solid Highlight; }
    }
    .preview { color: #57606a; font-size: 0.85rem; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
    .empty { padding: 16px; color: #57606a; }
    .filters { display: flex; flex-wrap: wrap; gap: 4px; margin: 0 16px 8px; }
    .filters button { padding: 2px 10px; min-block-size: 28px; font-size: 0.8rem; background: #fff; color: #0b5cad; border: 1px solid #0b5cad; }
    .filters button[aria-pressed='true'] { background: #0b5cad; color: #fff; }
    .more { display: block; margin: 12px auto; }
    .relinked-badge { font-size: 0.7rem; font-weight: 400; padding: 0 6px; border: 1px solid #9a6700; border-radius: 999px; color: #6b4700; margin-inline-start: 6px; }
    .visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
  `;

  /** Backend origin, e.g. `http://127.0.0.1:8787`; empty means this page's origin (served at /agent/). */
  @property({ attribute: 'api-base' }) apiBase = '';

  @state() private session: StoredSession | null = readStoredSession();
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

  private readonly api = new AgentApi();
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

  override connectedCallback() {
    super.connectedCallback();
    document.addEventListener('visibilitychange', this.handleVisibility);
    if (this.session) this.startLive();
  }

  override disconnectedCallback() {
    super.disconnectedCallback();
    document.removeEventListener('visibilitychange', this.handleVisibility);
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
          ${this.loginError ? html`<p class="error" role="alert">${this.loginError}</p>` : nothing}
          <button type="submit">Log in</button>
        </form>
      </main>
    `;
  }

  private renderConsole(session: StoredSession) {
    const selected = this.conversations.find((c) => c.id === this.selectedId) ?? null;
    return html`
      <div class="shell">
        <header class="bar">
          <h1>Agent console · ${session.agent.name}</h1>
          <span class="status ${this.status}" role="status">${statusLabel(this.status)}</span>
          <button class="link" aria-pressed=${this.view === 'widgets' ? 'true' : 'false'} @click=${() => (this.view = this.view === 'widgets' ? 'inbox' : 'widgets')}>Widgets</button>
          <button class="link" @click=${this.handleLogoutClick}>Log out</button>
        </header>
        ${this.view === 'widgets' ? html`<amoiq-agent-settings .baseUrl=${this.apiBase} .token=${session.token}></amoiq-agent-settings>` : nothing}
        <div class="main" style=${this.view === 'widgets' ? 'display: none' : ''}>
          <nav aria-labelledby="conversations-title">
            <h2 id="conversations-title" tabindex="-1">Conversations</h2>
            <amoiq-agent-queue
              .baseUrl=${this.apiBase}
              .token=${session.token}
              @amoiq-agent-open=${(e: CustomEvent<{ conversationId: string }>) => void this.select(e.detail.conversationId)}
            ></amoiq-agent-queue>
            ${this.renderFilters()} ${this.renderList(session.agent.id)}
          </nav>
          <main>
            <amoiq-agent-handoff
              .baseUrl=${this.apiBase}
              .token=${session.token}
              .agentId=${session.agent.id}
              .conversationId=${selected?.id ?? null}
            ></amoiq-agent-handoff>
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
            ></amoiq-agent-conversation>
          </main>
        </div>
      </div>
    `;
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

  private renderList(agentId: string) {
    const shown = this.conversations.filter((c) => matchesFilter(c, this.filter, agentId));
    return html`${
      shown.length === 0
        ? html`<p class="empty">${this.filter === 'all' ? 'No conversations yet. Open the demo page and say hello.' : 'No conversations here.'}</p>`
        : html`<ul>
          ${shown.map((c) => this.renderConversationItem(c))}
        </ul>`
    }
    ${
      this.nextCursor
        ? html`<button class="secondary more" type="button" ?disabled=${this.loadingMore} @click=${this.loadMore}>Load more</button>`
        : nothing
    }`;
  }

  private renderConversationItem(c: Conversation) {
    const count = unreadCount(c);
    // Without read marks (older backend) the console falls back to its own marker.
    const unread = count === null ? this.unread.has(c.id) : count > 0;
    const closed = c.status === 'closed';
    const preview = this.typing.has(c.id) ? 'typing…' : previewText(c.lastMessage);
    return html`<li>
      <button aria-current=${c.id === this.selectedId ? 'true' : 'false'} @click=${() => this.select(c.id)}>
        <span class="row">
          <span class=${unread ? 'unread' : ''}
            ><bdi>${conversationTitle(c)}</bdi>${closed ? html`<span class="state">Closed</span>` : nothing}${
              c.relinkedAt ? html`<span class="relinked-badge" title="Resumed in another browser by fingerprint">Relinked</span>` : nothing
            }${count ? html`<span class="count" aria-hidden="true">${count}</span>` : nothing}${
              unread ? html`<span class="visually-hidden"> (${count ? `${count} unread` : 'unread'})</span>` : nothing
            }</span
          >
          <time datetime=${c.updatedAt}>${new Date(c.updatedAt).toLocaleTimeString()}</time>
        </span>
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
      this.session = login;
      sessionStorage.setItem(STORAGE_KEY, JSON.stringify(login));
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
    sessionStorage.removeItem(STORAGE_KEY);
    this.session = null;
    this.conversations = [];
    this.nextCursor = null;
    this.messages = [];
    this.selectedId = null;
    this.status = 'offline';
  }

  private startLive() {
    if (!this.session) return;
    this.api.baseUrl = this.apiBase;
    this.api.token = this.session.token;
    const origin = this.apiBase || location.origin;
    const wsUrl = `${origin.replace(/^http/, 'ws')}/ws/agent`;
    this.live?.stop();
    this.live = new AgentLive({
      url: wsUrl,
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
    }
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
    const fromVisitor = conversation.lastMessage?.sender.type === 'visitor';
    if (conversation.id !== this.selectedId && fromVisitor && conversation.lastSeq > (previous?.lastSeq ?? 0)) {
      this.unread = new Set(this.unread).add(conversation.id);
    }
    if (conversation.id === this.selectedId) this.reportRead();
  }

  private replaceConversation(conversation: Conversation) {
    this.conversations = this.conversations.map((c) => (c.id === conversation.id ? conversation : c));
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

function readStoredSession(): StoredSession | null {
  try {
    const stored = JSON.parse(sessionStorage.getItem(STORAGE_KEY) ?? 'null') as StoredSession | null;
    return stored && Date.parse(stored.expiresAt) > Date.now() ? stored : null;
  } catch {
    return null;
  }
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
