import { nanoid } from 'nanoid';
import { ApiError, ChatApi } from './api.js';
import { systemClock, type Clock } from './clock.js';
import { SessionManager } from './session.js';
import { CACHE_LIMIT, ChatStore, type OutboxEntry } from './store.js';
import { TabSync, type TabMessage, type TabSyncDeps } from './tab-sync.js';
import { ChatTransport, type ConnectionState, type TransportKind, type TransportOptions, type WebSocketFactory } from './transport.js';
// [lifecycle]
import type { LifecycleChange } from './transport.js';
import type { ConversationEvent, ConversationStatus, MessagePage } from '../protocol/v1.js';
// [/lifecycle]
import type { UploadOptions } from './upload.js';
import { MAX_ATTACHMENTS, MAX_MESSAGE_LENGTH, type Attachment, type RemoteWidgetConfig, type Sender, type SessionInfo, type WireMessage } from '../protocol/v1.js';

/**
 * Delivery status of a message the visitor wrote: `pending` (queued in the outbox), `sent` (on
 * the wire, not yet acknowledged), `delivered` (stored by the server: agents can see it), `read`
 * (an agent read it; reported by backends that send read receipts), `failed` (refused, or not
 * delivered after bounded attempts; can be retried).
 */
export type DeliveryStatus = 'pending' | 'sent' | 'delivered' | 'read' | 'failed';

/** A message as the widget shows it: stored ones have `seq`; the visitor's unsent ones do not yet. */
export interface ChatMessage {
  /** Stable key for rendering: the clientId for the visitor's own messages, else the server id. */
  key: string;
  id?: string;
  clientId?: string;
  seq?: number;
  sender: Sender;
  text: string;
  createdAt: string;
  /** Set on the visitor's own messages. */
  status?: DeliveryStatus;
  /** Why a failed message failed. */
  error?: string;
  /** Answers the visitor can pick with one press (from agent or AI messages). */
  quickReplies?: readonly string[];
  /** On `system` messages: the conversation was closed, reopened, or an agent joined. */
  event?: ConversationEvent;
  /** Files sent with the message. */
  attachments?: readonly Attachment[];
}

/** Everything the UI renders, as one immutable snapshot. */
export interface ChatState {
  connection: ConnectionState;
  transport?: TransportKind;
  messages: readonly ChatMessage[];
  visitorId?: string;
  conversationId?: string;
  /** The tenant's widget configuration from the server. */
  remoteConfig: RemoteWidgetConfig;
  /** Who is typing on the other side, if anyone. */
  typing?: Sender;
  /** True when the server holds messages older than the oldest one shown. */
  hasOlder: boolean;
  /** True while {@link ChatService.loadOlder} is fetching. */
  loadingOlder: boolean;
  /** `closed` once an agent closed the conversation; {@link ChatService.startNewConversation} opens another. */
  conversationStatus: ConversationStatus;
  /** Whether an agent is online; undefined until the server says. */
  agentsOnline?: boolean;
  /** What this visitor submitted for the conversation (pre-chat form, away e-mail), kept in IndexedDB. */
  contact?: ContactDetails;
}

/** Contact details the visitor gives (pre-chat form, away e-mail capture). Not verified. */
export interface ContactDetails {
  name?: string;
  email?: string;
  /** Other fields of the pre-chat form, by name. */
  fields?: Record<string, string>;
}

/** What the service tells its owner besides state changes. */
export type ChatServiceEvent =
  | { type: 'message'; message: ChatMessage; direction: 'sent' | 'received' }
  | { type: 'connection'; state: ConnectionState; transport?: TransportKind }
  | { type: 'error'; code: string; message: string }
  /** The panel was opened or closed in another tab of this visitor. */
  | { type: 'panel'; open: boolean }
  /** The server stored contact details the visitor gave (pre-chat form, away e-mail). */
  | { type: 'contact'; contact: ContactDetails; source: 'pre-chat' | 'away' }
  /** The visitor started a new conversation after the previous one was closed. */
  | { type: 'new-conversation'; conversationId: string };

/** Where the service connects, and what it may use. Dependencies are injectable for tests. */
export interface ChatServiceOptions {
  gatewayUrl: string;
  apiKey?: string;
  tenantId?: string;
  /** IndexedDB database name; tests use a unique one. */
  dbName?: string;
  fetch?: typeof fetch;
  /** Used for uploads (progress and abort); injectable for tests. */
  XMLHttpRequest?: typeof XMLHttpRequest;
  WebSocket?: WebSocketFactory;
  clock?: Clock;
  /** Web Locks and BroadcastChannel for sharing one connection between tabs; `false` turns it off. */
  tabs?: TabSyncDeps | false;
  transport?: Partial<Pick<TransportOptions, 'backoff' | 'heartbeatMs' | 'connectTimeoutMs' | 'ackTimeoutMs' | 'probeMs' | 'pollWaitSeconds'>>;
  /**
   * Send the coarse browser fingerprint (services/fingerprint.ts) with the session request of a
   * visitor id created because storage was empty, so the server can relink a visitor whose storage
   * was cleared (docs/security.md). Never sent with a user identity. Off by default.
   */
  fingerprint?: boolean;
  /** Computes the fingerprint; defaults to `coarseFingerprint()` of fingerprint.ts, imported only then (tests inject one). */
  fingerprintFn?: () => Promise<string | undefined>;
}

/** How long the other side's typing indicator lasts without a new typing frame. */
const TYPING_TIMEOUT_MS = 6_000;
/** How many newest messages to load when the local cache is empty. */
const FIRST_PAGE = 50;
/**
 * Send attempts the server answered with a transient error (5xx, 429, no ack in time) before a
 * message is shown as failed with Retry. Attempts cut short by a dropped connection do not count:
 * those messages simply wait for the next connection.
 */
export const MAX_SEND_ATTEMPTS = 5;

/**
 * The chat without a screen: session, history (cached in IndexedDB, reconciled with the server),
 * live messages through {@link ChatTransport}, and the visitor's unsent messages, which are
 * written to an IndexedDB outbox before any network call and sent in order until the server
 * stores them.
 *
 * @example
 * const chat = new ChatService({ gatewayUrl: 'https://chat.example.com', apiKey: 'pk_…' });
 * chat.subscribe((state) => render(state));
 * await chat.start();
 * chat.send('Hello');
 */
export class ChatService {
  state: ChatState = { connection: 'idle', messages: [], remoteConfig: {}, hasOlder: false, loadingOlder: false, conversationStatus: 'open' };

  private readonly api: ChatApi;
  private readonly store: ChatStore;
  private readonly session: SessionManager;
  private readonly transport: ChatTransport;
  private readonly tabs: TabSync;
  private readonly clock: Clock;
  private readonly listeners = new Set<(state: ChatState) => void>();
  private readonly eventListeners = new Set<(event: ChatServiceEvent) => void>();
  /** Stored messages by sequence number. */
  private readonly bySeq = new Map<number, ChatMessage>();
  private readonly warnings = new Set<string>();
  private outbox: OutboxEntry[] = [];
  /** Outbox entries on the wire right now. */
  private readonly inFlight = new Set<string>();
  private failed: ChatMessage[] = [];
  private cursor = 0;
  private draining = false;
  private started = false;
  private stopped = false;
  private typingTimer?: unknown;
  private saveTimer?: unknown;
  private retryTimer?: unknown;
  private gapFetch?: Promise<void>;
  /** The running {@link ChatService.startNewConversation}, if any. */
  private starting?: Promise<void>;
  /** Loading of the conversation a new session pointed to. */
  private conversationLoad?: Promise<void>;
  /** A follower's loading of the conversation the leader created (see {@link ChatService.adopt}). */
  private adopting?: Promise<void>;
  /** An agent read the visitor's messages up to this sequence number. */
  private agentReadSeq = 0;
  /** The newest sequence number reported (or known) as read by the visitor. */
  private visitorReadSeq = 0;

  constructor(options: ChatServiceOptions) {
    this.clock = options.clock ?? systemClock;
    this.api = new ChatApi(options);
    const tenantKey = options.tenantId || options.apiKey || 'default';
    this.store = new ChatStore(tenantKey, options.dbName);
    this.tabs = new TabSync(
      `amoiq-chat:${options.dbName ?? 'amoiq-chat'}:${tenantKey}`,
      options.tabs === false ? { locks: undefined, BroadcastChannel: undefined } : options.tabs,
    );
    this.tabs.onMessage((m) => this.handleTabMessage(m));
    const fingerprint = options.fingerprint ? (options.fingerprintFn ?? (() => import('./fingerprint.js').then((m) => m.coarseFingerprint()))) : undefined;
    this.session = new SessionManager(this.api, this.store, (s) => this.handleSession(s), this.clock, fingerprint);
    this.transport = new ChatTransport({
      ...options.transport,
      api: this.api,
      session: this.session,
      cursor: () => this.cursor,
      WebSocket: options.WebSocket,
      clock: this.clock,
      listener: {
        message: (m) => {
          this.accept(m, true);
          this.tabs.post({ type: 'message', message: m });
        },
        typing: (sender, typing) => {
          this.handleTyping(sender, typing);
          this.tabs.post({ type: 'typing', sender, typing });
        },
        state: (connection, transport) => {
          this.handleConnection(connection, transport);
          this.tabs.post({ type: 'connection', connection, transport });
        },
        warning: (text, error) => this.warn(text, error),
        lifecycle: (change) => this.handleLifecycle(change),
      },
    });
  }

  /** Calls `fn` with every new state snapshot; returns the unsubscribe function. */
  subscribe(fn: (state: ChatState) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** Calls `fn` for every message sent or received, connection change and error. */
  onEvent(fn: (event: ChatServiceEvent) => void): () => void {
    this.eventListeners.add(fn);
    return () => this.eventListeners.delete(fn);
  }

  /** True while this tab holds the visitor's one connection (see {@link TabSync}). */
  get isLeader(): boolean {
    return this.tabs.isLeader;
  }

  /**
   * Shows cached history at once, then connects — or, when another tab of this visitor already
   * holds the connection, follows that tab. Safe to call once; later calls do nothing.
   */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    const cached = await this.session.restore();
    if (this.stopped) return;
    if (cached) await this.loadConversation(cached);
    if (this.stopped) return;
    this.handleConnection('connecting', undefined);
    this.tabs.start(() => this.lead());
    // Answered by the leader, if there is one; if this tab becomes the leader, nobody answers.
    this.tabs.post({ type: 'hello' });
  }

  /** This tab got the lock: load what other tabs queued and connect. */
  private lead(): void {
    if (this.stopped) return;
    void this.reloadOutbox();
    this.transport.start();
  }

  /** Takes the outbox from IndexedDB, where other tabs may have added to it. */
  private async reloadOutbox(): Promise<void> {
    const id = this.state.conversationId;
    if (!id) return;
    const stored = await this.store.getOutbox(id);
    const known = new Set(this.outbox.map((e) => e.clientId));
    const added = stored.filter((e) => !known.has(e.clientId) && !this.isStored(e.clientId));
    if (added.length) {
      this.outbox = [...this.outbox, ...added].sort((a, b) => a.createdAt.localeCompare(b.createdAt));
      this.publish();
    }
    void this.drain();
  }

  private isStored(clientId: string): boolean {
    for (const m of this.bySeq.values()) if (m.clientId === clientId) return true;
    return false;
  }

  private handleTabMessage(m: TabMessage): void {
    if (this.stopped) return;
    if (m.type === 'panel') {
      this.emit({ type: 'panel', open: m.open });
      return;
    }
    if (m.type === 'contact') {
      if (m.conversationId === this.state.conversationId) this.state = { ...this.state, contact: m.contact };
      this.publish();
      return;
    }
    if (this.tabs.isLeader) {
      if (m.type === 'hello') {
        const id = this.state.conversationId;
        const messages = id ? [...this.bySeq.values()].sort((a, b) => a.seq! - b.seq!).slice(-CACHE_LIMIT).map(toWire(id)) : [];
        this.tabs.post({ type: 'state', connection: this.state.connection, transport: this.state.transport, conversationId: id, messages, failed: this.failed });
        this.postLifecycle();
      } else if (m.type === 'outbox') void this.reloadOutbox();
      else if (m.type === 'retry') this.retry(m.clientId);
      else if (m.type === 'visitor-typing') this.transport.sendTyping(m.typing);
      else if (m.type === 'read') this.reportRead(m.seq);
      else if (m.type === 'new-conversation') void this.startNewConversation();
      return;
    }
    switch (m.type) {
      case 'state':
        this.handleConnection(m.connection, m.transport);
        // A leader of an older version sends no conversationId: fall back on its messages.
        this.adopt(m.conversationId ?? m.messages[0]?.conversationId);
        for (const message of m.messages) this.accept(message, false);
        this.failed = m.failed;
        this.publish();
        break;
      case 'message':
        this.adopt(m.message.conversationId);
        this.accept(m.message, true);
        break;
      case 'connection':
        this.handleConnection(m.connection, m.transport);
        break;
      case 'typing':
        this.handleTyping(m.sender, m.typing);
        break;
      case 'failed':
        this.failed = m.failed;
        this.publish();
        break;
      case 'lifecycle':
        this.adopt(m.conversationId);
        if (m.conversationId !== this.state.conversationId) break;
        this.applyLifecycle({ status: m.status, agentsOnline: m.agentsOnline, agentReadSeq: m.agentReadSeq });
        this.visitorReadSeq = Math.max(this.visitorReadSeq, m.visitorReadSeq);
        break;
      case 'conversation':
        if (!this.state.conversationId) this.adopt(m.conversationId);
        else if (m.conversationId !== this.state.conversationId) {
          void this.session.reload().then((s) => {
            if (s?.conversationId === m.conversationId) void this.loadConversation(s);
          });
        }
        break;
      default:
        break;
    }
  }

  /**
   * A follower without a conversation (a first visit: the leader created it after this tab found
   * the store empty) takes the one the leader names, and loads it the normal way from the session
   * the leader stored: {@link loadConversation} also writes what the visitor typed meanwhile to
   * the IndexedDB outbox and tells the leader to send it. Without an id (a message typed before any
   * was heard of), it only looks whether the leader stored a session meanwhile.
   */
  private adopt(conversationId: string | undefined): void {
    if (this.state.conversationId || this.tabs.isLeader || this.stopped) return;
    // Set at once, so the leader's messages for it (in the same tab message) are accepted.
    if (conversationId) this.state = { ...this.state, conversationId };
    const adopting = (this.adopting ??= this.session
      .reload()
      .then(async (first) => {
        let s = first;
        const id = this.state.conversationId;
        // Named while an earlier look was under way: the leader stored its session before naming it.
        if (id && s?.conversationId !== id) s = await this.session.reload();
        if (this.stopped || this.state.conversationId !== id) return;
        if (s && (!id || s.conversationId === id)) {
          await this.loadConversation(s);
        } else if (id && this.outbox.length) {
          // The stored session is not (yet) this one: still keep what was typed, for the leader.
          await this.persistEntries(this.outbox);
          this.tabs.post({ type: 'outbox' });
        }
      })
      .catch((err: Error) => this.warn(`Could not load the conversation: ${err.message}`))
      .finally(() => {
        if (this.adopting === adopting) this.adopting = undefined;
      }));
  }

  /**
   * Asks the server to forget what it keeps to relink this visitor (the opt-in fingerprint;
   * `POST /api/chat/forget`). Best effort, for `reset()`: resolves, never rejects, after at most
   * `timeoutMs`; does nothing when this browser has no visitor yet.
   */
  async forget(timeoutMs = 2_000): Promise<void> {
    const abort = new AbortController();
    const timer = this.clock.setTimeout(() => abort.abort(), timeoutMs);
    const timeout = new Promise<void>((resolve) => abort.signal.addEventListener('abort', () => resolve()));
    const call = (async () => {
      if (!(await this.store.getVisitorId())) return;
      const session = await this.session.get();
      if (!abort.signal.aborted) await this.api.forget(session.token, abort.signal);
    })().catch(() => undefined);
    try {
      await Promise.race([call, timeout]);
    } finally {
      this.clock.clearTimeout(timer);
    }
  }

  /** Disconnects and releases every timer; cached state stays in IndexedDB. */
  stop(): void {
    this.stopped = true;
    this.transport.stop();
    this.tabs.stop();
    this.clock.clearTimeout(this.typingTimer);
    this.clock.clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    if (this.saveTimer !== undefined) {
      this.clock.clearTimeout(this.saveTimer);
      this.saveTimer = undefined;
      void this.saveCache();
    }
    this.listeners.clear();
    this.eventListeners.clear();
  }

  /** Number of timers still scheduled by the service and its transport. */
  get pendingTimers(): number {
    return this.transport.pendingTimers + [this.saveTimer, this.retryTimer].filter((t) => t !== undefined).length;
  }

  /**
   * Queues a visitor message and sends it as soon as possible. `attachments` are files already
   * uploaded with {@link upload} (at most 5); with them the text may be empty. They travel in the
   * outbox entry, so a dropped connection loses nothing. Returns the message as shown, or throws
   * a RangeError for empty or over-long text or too many attachments (nothing is queued then).
   */
  send(text: string, attachments: readonly Attachment[] = []): ChatMessage {
    const trimmed = text.trim();
    if (!trimmed && !attachments.length) throw new RangeError('A message needs some text or an attachment.');
    if (trimmed.length > MAX_MESSAGE_LENGTH) {
      throw new RangeError(`A message can have at most ${MAX_MESSAGE_LENGTH} characters; this one has ${trimmed.length}.`);
    }
    if (attachments.length > MAX_ATTACHMENTS) throw new RangeError(`A message can carry at most ${MAX_ATTACHMENTS} attachments; this one has ${attachments.length}.`);
    const entry: OutboxEntry = {
      clientId: nanoid(),
      text: trimmed,
      createdAt: new Date(this.clock.now()).toISOString(),
      attempts: 0,
      ...(attachments.length ? { attachments: attachments.map((a) => ({ ...a })) } : {}),
    };
    this.enqueue(entry);
    this.transport.reconnectNow();
    return this.toPending(entry);
  }

  /** Sends a failed message again. */
  retry(clientId: string): void {
    const failed = this.failed.find((m) => m.clientId === clientId);
    if (!failed) return;
    this.failed = this.failed.filter((m) => m !== failed);
    if (this.tabs.isLeader) this.tabs.post({ type: 'failed', failed: this.failed });
    else this.tabs.post({ type: 'retry', clientId });
    const attachments = failed.attachments?.length ? { attachments: failed.attachments.map((a) => ({ ...a })) } : {};
    this.enqueue({ clientId, text: failed.text, createdAt: failed.createdAt, attempts: 0, ...attachments });
  }

  /**
   * Uploads a file to the conversation (starting a session if needed) and resolves with the
   * stored {@link Attachment}, to pass to {@link send}. Uses XMLHttpRequest, so `onProgress`
   * reports the bytes sent; aborting `signal` cancels it (a DOMException `AbortError`). An expired
   * token is renewed once. Other failures reject with an {@link ApiError} (`payload_too_large`,
   * `unsupported_type`, `network`…). The caller checks type and size limits first.
   */
  async upload(file: File, options: UploadOptions = {}): Promise<Attachment> {
    const attempt = async () => {
      const session = await this.session.get();
      options.signal?.throwIfAborted();
      return this.api.upload(session.token, session.conversationId, file, options);
    };
    try {
      return await attempt();
    } catch (err) {
      if (!(err instanceof ApiError && err.isAuth)) throw err;
      this.session.invalidate();
      return attempt();
    }
  }

  /** Opens or closes the panel in the visitor's other tabs too. */
  setPanelOpen(open: boolean): void {
    this.tabs.post({ type: 'panel', open });
  }

  // [lifecycle] read receipts, conversation status, presence, contact details

  /**
   * Reports that the visitor has seen the conversation up to its newest message. Call it only
   * while the conversation is on screen (panel open, page visible). Each sequence number is
   * reported once; a follower tab hands the report to the leader, which sends a `read` frame (or
   * `POST /api/chat/read` on the HTTP fallback).
   */
  markRead(): void {
    let newest = 0;
    for (const seq of this.bySeq.keys()) if (seq > newest) newest = seq;
    if (newest <= this.visitorReadSeq || this.stopped) return;
    if (this.tabs.isLeader) {
      this.reportRead(newest);
    } else {
      this.visitorReadSeq = newest;
      this.tabs.post({ type: 'read', seq: newest });
    }
  }

  /**
   * Leaves a closed conversation for a new one (`POST /api/chat/session` with
   * `newConversation: true`): the list starts empty, and messages still queued move to the new
   * conversation. In a follower tab the leader does it and the others follow.
   */
  startNewConversation(): Promise<void> {
    if (!this.tabs.isLeader) {
      this.tabs.post({ type: 'new-conversation' });
      return Promise.resolve();
    }
    return (this.starting ??= this.openNewConversation().finally(() => (this.starting = undefined)));
  }

  /**
   * Sends contact details the visitor typed (pre-chat form, away e-mail capture) for the current
   * conversation and keeps them in IndexedDB, so the form is not shown again. Later calls replace
   * earlier values key by key; `source` says which form they came from (for the `contact` event).
   * Rejects with an {@link ApiError} (`bad_request` for an address the server refuses, `network`
   * when offline).
   */
  async submitContact(details: ContactDetails, source: 'pre-chat' | 'away' = 'pre-chat'): Promise<void> {
    const clean: ContactDetails = {};
    if (details.name?.trim()) clean.name = details.name.trim();
    if (details.email?.trim()) clean.email = details.email.trim();
    const fields = Object.entries(details.fields ?? {}).filter(([, v]) => typeof v === 'string' && v.trim());
    if (fields.length) clean.fields = Object.fromEntries(fields.map(([k, v]) => [k, v.trim()]));
    let session = await this.session.get();
    try {
      await this.api.postContact(session.token, session.conversationId, clean);
    } catch (err) {
      if (!(err instanceof ApiError && err.isAuth)) throw err;
      this.session.invalidate();
      session = await this.session.get();
      await this.api.postContact(session.token, session.conversationId, clean);
    }
    const id = session.conversationId;
    const before = this.state.conversationId === id ? this.state.contact : await this.store.getContact(id);
    const contact: ContactDetails = { ...before, ...clean, ...(before?.fields || clean.fields ? { fields: { ...before?.fields, ...clean.fields } } : {}) };
    await this.store.setContact(id, contact);
    if (this.state.conversationId === id) {
      this.state = { ...this.state, contact };
      this.publish();
    }
    this.tabs.post({ type: 'contact', conversationId: id, contact });
    this.emit({ type: 'contact', contact: clean, source });
  }

  private async openNewConversation(): Promise<void> {
    const session = await this.session.startNew();
    await this.conversationLoad;
    this.applyLifecycle(session);
    // The connection belongs to the old conversation's session: open one for the new session.
    this.transport.stop();
    if (!this.stopped) this.transport.start();
    this.tabs.post({ type: 'conversation', conversationId: session.conversationId });
    this.postLifecycle();
    this.emit({ type: 'new-conversation', conversationId: session.conversationId });
  }

  /** Reports `seq` as read through the transport; on failure the next {@link markRead} tries again. */
  private reportRead(seq: number): void {
    if (seq <= this.visitorReadSeq) return;
    const previous = this.visitorReadSeq;
    this.visitorReadSeq = seq;
    this.transport.sendRead(seq).then(
      () => this.postLifecycle(),
      () => {
        if (this.visitorReadSeq === seq) this.visitorReadSeq = previous;
      },
    );
  }

  private handleLifecycle(change: LifecycleChange): void {
    switch (change.type) {
      case 'status':
        if (change.conversationId === this.state.conversationId) this.applyLifecycle({ status: change.status });
        break;
      case 'presence':
        this.applyLifecycle({ agentsOnline: change.agentsOnline });
        break;
      case 'read':
        if (change.conversationId !== this.state.conversationId) break;
        if (change.reader === 'agent') this.applyLifecycle({ agentReadSeq: change.seq });
        else if (change.seq > this.visitorReadSeq) {
          // Read in another browser of this visitor: no need to report it again.
          this.visitorReadSeq = change.seq;
          this.postLifecycle();
        }
        break;
      case 'page':
        this.applyLifecycle(change.page);
        break;
    }
  }

  /** Takes status, presence and the agent's read mark from any source; tells follower tabs when this tab leads. */
  private applyLifecycle(change: Pick<MessagePage, 'status' | 'agentsOnline' | 'agentReadSeq'>): void {
    let changed = false;
    const wasClosed = this.state.conversationStatus === 'closed';
    if (change.status && change.status !== this.state.conversationStatus) {
      this.state = { ...this.state, conversationStatus: change.status };
      changed = true;
    }
    if (change.agentsOnline !== undefined && change.agentsOnline !== this.state.agentsOnline) {
      this.state = { ...this.state, agentsOnline: change.agentsOnline };
      changed = true;
    }
    if (change.agentReadSeq !== undefined && change.agentReadSeq > this.agentReadSeq) {
      this.agentReadSeq = change.agentReadSeq;
      for (const [seq, m] of this.bySeq) {
        if (seq <= this.agentReadSeq && m.status === 'delivered') this.bySeq.set(seq, { ...m, status: 'read' });
      }
      changed = true;
    }
    if (!changed) return;
    this.publish();
    this.postLifecycle();
    if (wasClosed && this.state.conversationStatus === 'open' && this.tabs.isLeader && this.outbox.length) void this.drain();
  }

  private postLifecycle(): void {
    const id = this.state.conversationId;
    if (!this.tabs.isLeader || !id) return;
    this.tabs.post({
      type: 'lifecycle',
      conversationId: id,
      status: this.state.conversationStatus,
      agentsOnline: this.state.agentsOnline,
      agentReadSeq: this.agentReadSeq,
      visitorReadSeq: this.visitorReadSeq,
    });
  }

  // [/lifecycle]

  /**
   * Writes a message to the IndexedDB outbox before any network call, then has the leader send
   * it (this tab, or the leader tab told over the channel).
   */
  private enqueue(entry: OutboxEntry): void {
    this.outbox.push(entry);
    this.publish();
    // A follower that knows no conversation yet looks whether the leader stored one meanwhile.
    if (!this.state.conversationId && this.started && this.tabs.shared && !this.tabs.isLeader) this.adopt(undefined);
    void this.persistEntries([entry]).then(() => {
      if (this.tabs.isLeader) void this.drain();
      else this.tabs.post({ type: 'outbox' });
    });
  }

  /**
   * Loads the page of messages just before the oldest one shown (for scrolling up through a long
   * history). Resolves with how many were added; does nothing while a load is running.
   */
  async loadOlder(limit = FIRST_PAGE): Promise<number> {
    const oldest = Math.min(...this.bySeq.keys());
    if (this.state.loadingOlder || !Number.isFinite(oldest) || oldest <= 1) return 0;
    this.state = { ...this.state, loadingOlder: true };
    this.publish();
    try {
      const session = await this.session.get();
      const page = await this.api.listMessages(session.token, { conversationId: session.conversationId, before: oldest, limit });
      for (const m of page.messages) this.accept(m, false);
      return page.messages.length;
    } catch (err) {
      this.warn(`Could not load older messages: ${(err as Error).message}`);
      return 0;
    } finally {
      this.state = { ...this.state, loadingOlder: false };
      this.publish();
    }
  }

  /** Reports that the visitor is (or stopped) typing. */
  setTyping(typing: boolean): void {
    if (this.tabs.isLeader) this.transport.sendTyping(typing);
    else this.tabs.post({ type: 'visitor-typing', typing });
  }

  /** The browser lost the network: show offline at once; messages wait in the outbox. */
  networkLost(): void {
    this.transport.networkLost();
  }

  /** A hint that the network may be back: retry at once instead of waiting for the backoff. */
  wake(): void {
    this.transport.reconnectNow();
  }

  private async loadConversation(session: SessionInfo): Promise<void> {
    const previousId = this.state.conversationId;
    if (session.conversationId !== previousId) {
      this.bySeq.clear();
      this.cursor = 0;
      this.agentReadSeq = this.visitorReadSeq = 0;
      this.state = { ...this.state, contact: undefined };
    }
    // Set synchronously: live frames for this conversation may arrive while the store answers.
    this.state = {
      ...this.state,
      visitorId: session.visitorId,
      conversationId: session.conversationId,
      remoteConfig: session.config ?? {},
    };
    this.applyLifecycle(session);
    const [messages, outbox, contact] = await Promise.all([
      this.store.getMessages(session.conversationId),
      this.store.getOutbox(session.conversationId),
      this.store.getContact(session.conversationId),
    ]);
    if (this.state.conversationId !== session.conversationId) return;
    if (contact && !this.state.contact) this.state = { ...this.state, contact };
    // Messages queued in the previous conversation (closed meanwhile) move to this one.
    if (previousId && previousId !== session.conversationId && this.outbox.length) await this.store.setOutbox(previousId, []);
    for (const m of messages) if (!this.bySeq.has(m.seq)) this.bySeq.set(m.seq, toChatMessage(m));
    this.cursor = contiguousEnd(this.bySeq);
    // Merge rather than replace: the visitor may have typed before the store answered.
    const known = new Set(this.outbox.map((e) => e.clientId));
    const typedBefore = this.outbox;
    this.outbox = [...outbox.filter((e) => !known.has(e.clientId)), ...this.outbox];
    this.publish();
    if (typedBefore.length) {
      await this.persistEntries(typedBefore);
      if (!this.tabs.isLeader) this.tabs.post({ type: 'outbox' });
    }
  }

  private handleSession(session: SessionInfo): void {
    const previous = this.state.conversationId;
    if (session.conversationId !== previous) {
      // A new conversation (first visit, or the old one was closed): start from its history.
      this.conversationLoad = this.loadConversation(session).then(() => this.fetchLatest(session));
      // First visit: followers that started before it existed know no conversation. They load it
      // from the session stored meanwhile. (A later new conversation is announced by openNewConversation.)
      if (this.tabs.isLeader && !previous) this.tabs.post({ type: 'conversation', conversationId: session.conversationId });
      return;
    }
    this.state = { ...this.state, visitorId: session.visitorId, remoteConfig: session.config ?? {} };
    this.applyLifecycle(session);
    this.publish();
    if (this.bySeq.size === 0 && session.lastSeq > 0) void this.fetchLatest(session);
  }

  /** Loads the newest page when nothing is cached, so a long history does not replay from 1. */
  private async fetchLatest(session: SessionInfo): Promise<void> {
    if (this.bySeq.size > 0 || session.lastSeq === 0) {
      if (this.outbox.length) void this.drain();
      return;
    }
    try {
      const page = await this.api.listMessages(session.token, {
        conversationId: session.conversationId,
        before: session.lastSeq + 1,
        limit: FIRST_PAGE,
      });
      if (page.messages.length) this.cursor = Math.max(this.cursor, page.messages[0].seq - 1);
      for (const m of page.messages) this.accept(m, false);
    } catch (err) {
      this.warn(`Could not load history: ${(err as Error).message}`);
    }
  }

  /** Takes a stored message from any source; duplicates are ignored, gaps are fetched. */
  private accept(m: WireMessage, live: boolean): void {
    if (m.conversationId !== this.state.conversationId) return;
    const own = m.clientId !== undefined && (this.outbox.some((e) => e.clientId === m.clientId) || this.failed.some((f) => f.clientId === m.clientId));
    if (own) {
      this.outbox = this.outbox.filter((e) => e.clientId !== m.clientId);
      this.failed = this.failed.filter((f) => f.clientId !== m.clientId);
      void this.removeEntry(m.clientId!);
    }
    if (this.bySeq.has(m.seq)) {
      if (own) this.publish();
      return;
    }
    const message = toChatMessage(m);
    if (message.status === 'delivered' && m.seq <= this.agentReadSeq) message.status = 'read';
    // A live notice of closing or reopening changes the status at once (the status frame may follow).
    if (live && m.event === 'closed') this.state = { ...this.state, conversationStatus: 'closed' };
    if (live && m.event === 'reopened') this.state = { ...this.state, conversationStatus: 'open' };
    this.bySeq.set(m.seq, message);
    if (this.bySeq.size === 1 && this.cursor === 0 && m.seq > 1 && !live) this.cursor = m.seq - 1;
    const before = this.cursor;
    this.cursor = contiguousEnd(this.bySeq, this.cursor);
    if (m.seq > before + 1 && this.cursor === before) this.fillGap();
    if (m.sender.type !== 'visitor' && this.state.typing) this.handleTyping(m.sender, false);
    this.publish();
    this.scheduleSave();
    if (live) this.emit({ type: 'message', message, direction: m.sender.type === 'visitor' ? 'sent' : 'received' });
  }

  /** A message arrived beyond the next expected one: fetch what lies between. */
  private fillGap(): void {
    if (this.gapFetch) return;
    const from = this.cursor;
    this.transport.requestReplay(from);
    this.gapFetch = this.session
      .get()
      .then((s) => this.api.listMessages(s.token, { conversationId: s.conversationId, after: from, limit: 200 }))
      .then((page) => page.messages.forEach((m) => this.accept(m, true)))
      .catch((err: Error) => this.warn(`Could not fetch missing messages: ${err.message}`))
      .finally(() => (this.gapFetch = undefined));
  }

  /** Sends the outbox in order, one at a time, until it is empty or the network fails. */
  private async drain(): Promise<void> {
    if (this.draining || this.stopped) return;
    this.draining = true;
    this.clock.clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    try {
      // While the conversation is closed, messages stay queued for the next one (409 otherwise).
      while (this.outbox.length && !this.stopped && this.transport.state === 'online' && this.state.conversationStatus !== 'closed') {
        const entry = this.outbox[0];
        this.inFlight.add(entry.clientId);
        this.publish();
        try {
          const stored = await this.transport.send(entry.clientId, entry.text, entry.attachments?.map((a) => a.id));
          this.accept(stored, true);
          this.tabs.post({ type: 'message', message: stored });
          // accept() removes it when the conversation matches; make sure it is gone either way.
          this.outbox = this.outbox.filter((e) => e.clientId !== entry.clientId);
          await this.removeEntry(entry.clientId);
        } catch (err) {
          const error = err instanceof ApiError ? err : new ApiError(0, 'network', String(err));
          if (error.code === 'conversation_closed') {
            // Not a failure: the message waits for the conversation the visitor starts next.
            this.applyLifecycle({ status: 'closed' });
            break;
          }
          if (error.status > 0 || error.code === 'timeout') entry.attempts++;
          if (error.isPermanent || entry.attempts >= MAX_SEND_ATTEMPTS) {
            this.outbox = this.outbox.filter((e) => e !== entry);
            const reason = error.isPermanent ? error.message : `Not delivered after ${entry.attempts} attempts: ${error.message}`;
            this.failed = [...this.failed, { ...this.toPending(entry), status: 'failed', error: reason }];
            await this.removeEntry(entry.clientId);
            this.tabs.post({ type: 'failed', failed: this.failed });
            this.emit({ type: 'error', code: error.code, message: reason });
          } else {
            // Transient: wait for the next connection, or retry later if still online.
            if (error.status > 0 || error.code === 'timeout') this.scheduleRetry(error, entry.attempts);
            break;
          }
        } finally {
          this.inFlight.delete(entry.clientId);
          this.publish();
        }
      }
    } finally {
      this.draining = false;
    }
  }

  private scheduleRetry(error: ApiError, attempts: number): void {
    const delay = error.retryAfter ? error.retryAfter * 1000 : Math.min(30_000, 500 * 2 ** attempts);
    this.retryTimer = this.clock.setTimeout(() => {
      this.retryTimer = undefined;
      void this.drain();
    }, delay);
  }

  private handleConnection(connection: ConnectionState, transport: TransportKind | undefined): void {
    this.state = { ...this.state, connection, transport };
    this.publish();
    this.emit({ type: 'connection', state: connection, transport });
    if (connection === 'online') void this.drain();
  }

  private handleTyping(sender: Sender, typing: boolean): void {
    this.clock.clearTimeout(this.typingTimer);
    this.typingTimer = undefined;
    if (typing) this.typingTimer = this.clock.setTimeout(() => this.handleTyping(sender, false), TYPING_TIMEOUT_MS);
    this.state = { ...this.state, typing: typing ? sender : undefined };
    this.publish();
  }

  /**
   * Logs a warning once per distinct text: a wrong API key or an unreachable server would
   * otherwise repeat the same line at every reconnect attempt.
   */
  private warn(text: string, error?: unknown): void {
    if (this.warnings.has(text)) return;
    this.warnings.add(text);
    console.warn(`[amoiq-chat] ${text}`);
    // A refused key or tenant will not fix itself: tell the host page too.
    if (error instanceof ApiError && error.isPermanent) {
      this.emit({ type: 'error', code: error.code, message: error.message });
    }
  }

  private publish(): void {
    const stored = [...this.bySeq.values()].sort((a, b) => a.seq! - b.seq!);
    const local = [...this.failed, ...this.outbox.map((e) => this.toPending(e))].sort((a, b) => a.createdAt.localeCompare(b.createdAt));
    this.state = { ...this.state, messages: [...stored, ...local], hasOlder: (stored[0]?.seq ?? 1) > 1 };
    for (const fn of this.listeners) fn(this.state);
  }

  private emit(event: ChatServiceEvent): void {
    for (const fn of this.eventListeners) fn(event);
  }

  private toPending(entry: OutboxEntry): ChatMessage {
    return {
      key: entry.clientId,
      clientId: entry.clientId,
      sender: { type: 'visitor', id: this.state.visitorId },
      text: entry.text,
      createdAt: entry.createdAt,
      status: this.inFlight.has(entry.clientId) ? 'sent' : 'pending',
      ...(entry.attachments?.length ? { attachments: entry.attachments } : {}),
    };
  }

  /** Adds entries to the stored outbox (once each); before a conversation exists they wait in memory. */
  private async persistEntries(entries: readonly OutboxEntry[]): Promise<void> {
    const id = this.state.conversationId;
    if (!id) return;
    await this.store.updateOutbox(id, (stored) => {
      const known = new Set(stored.map((e) => e.clientId));
      return [...stored, ...entries.filter((e) => !known.has(e.clientId))];
    });
  }

  private async removeEntry(clientId: string): Promise<void> {
    const id = this.state.conversationId;
    if (id) await this.store.updateOutbox(id, (stored) => stored.filter((e) => e.clientId !== clientId));
  }

  private scheduleSave(): void {
    if (this.saveTimer !== undefined) return;
    this.saveTimer = this.clock.setTimeout(() => {
      this.saveTimer = undefined;
      void this.saveCache();
    }, 100);
  }

  private saveCache(): Promise<void> {
    const id = this.state.conversationId;
    if (!id) return Promise.resolve();
    const wire = [...this.bySeq.values()].sort((a, b) => a.seq! - b.seq!).map(toWire(id));
    return this.store.setMessages(id, wire);
  }
}

function toChatMessage(m: WireMessage): ChatMessage {
  return {
    key: m.clientId ?? m.id,
    id: m.id,
    clientId: m.clientId,
    seq: m.seq,
    sender: m.sender,
    text: m.text,
    createdAt: m.createdAt,
    status: m.sender.type === 'visitor' ? 'delivered' : undefined,
    ...(m.quickReplies ? { quickReplies: m.quickReplies } : {}),
    ...(m.event ? { event: m.event } : {}),
    ...(m.attachments?.length ? { attachments: m.attachments } : {}),
  };
}

const toWire =
  (conversationId: string) =>
  (m: ChatMessage): WireMessage => ({
    id: m.id!,
    clientId: m.clientId,
    conversationId,
    seq: m.seq!,
    sender: m.sender,
    text: m.text,
    createdAt: m.createdAt,
    ...(m.quickReplies ? { quickReplies: [...m.quickReplies] } : {}),
    ...(m.event ? { event: m.event } : {}),
    ...(m.attachments?.length ? { attachments: m.attachments.map((a) => ({ ...a })) } : {}),
  });

/** The highest sequence reachable from `from` without a hole, given the stored messages. */
function contiguousEnd(bySeq: ReadonlyMap<number, unknown>, from?: number): number {
  if (bySeq.size === 0) return from ?? 0;
  let end = from ?? Math.min(...bySeq.keys()) - 1;
  while (bySeq.has(end + 1)) end++;
  return end;
}
