import { ApiError, type Attachment } from '../protocol/v1.js';
import type { ChatApi } from './api.js';
import type { AssistantPart, Transcript } from './assistant.js';
import type { AssistantStreams } from './assistant-stream.js';
import type { Handoff } from '../protocol/assistant.js';
import type { ChatServiceOptions } from './chat-options.js';
import { createParts } from './chat-parts.js';
import type { ChatMessage, ChatServiceEvent, ChatState, ContactDetails } from './chat-types.js';
import type { Clock } from './clock.js';
import type { Conversation } from './conversation.js';
import { newEntry, type Outbox } from './outbox.js';
import type { SessionManager } from './session.js';
import type { Snapshot } from './snapshot.js';
import type { StorageMode } from './storage-mode.js';
import type { ChatStore, OutboxEntry } from './store.js';
import type { LeaderRole } from './tab-roles.js';
import type { TabMessage, TabRole } from './tab-messages.js';
import type { TabSync } from './tab-sync.js';
import type { Tasks } from './tasks.js';
import { OLDER_PAGE, type Timeline } from './timeline.js';
import type { ChatTransport, ConnectionState, TransportKind } from './transport.js';
import type { TypingIndicator } from './typing.js';
import type { UploadOptions } from './upload.js';
import { VoicePart, type VoiceSeen } from './voice-part.js';

export type { ChatMessage, ChatServiceEvent, ChatState, ContactDetails, DeliveryStatus } from './chat-types.js';
export { clearVisitor, type ChatServiceOptions } from './chat-options.js';
export { MAX_SEND_ATTEMPTS } from './outbox.js';

/**
 * The chat without a screen: the public front of the parts that do the work — the session
 * ({@link SessionManager}), the stored messages ({@link Timeline}), the visitor's unsent ones
 * ({@link Outbox}, written to IndexedDB before any network call), the conversation's life
 * ({@link Conversation}), the connection ({@link ChatTransport}) and the tab this runs in, leader
 * or follower ({@link LeaderRole}, {@link FollowerRole}) — and the one state snapshot they share.
 *
 * @example
 * const chat = new ChatService({ gatewayUrl: 'https://chat.example.com', apiKey: 'pk_…' });
 * chat.subscribe((state) => render(state));
 * await chat.start();
 * chat.send('Hello');
 */
export class ChatService {
  private readonly snapshot: Snapshot;
  private readonly api: ChatApi;
  private readonly store: ChatStore;
  private readonly session: SessionManager;
  private readonly transport: ChatTransport;
  private readonly tabs: TabSync<TabMessage>;
  private readonly timeline: Timeline;
  private readonly outbox: Outbox;
  private readonly conversation: Conversation;
  private readonly typing: TypingIndicator;
  private readonly tasks: Tasks;
  private readonly clock: Clock;
  private readonly leader: LeaderRole;
  private readonly assistantPart: AssistantPart;
  private readonly voicePart: VoicePart;
  /** Every tab follows until it gets the lock (TabSync), then leads. */
  private role: TabRole;
  private readonly eventListeners = new Set<(event: ChatServiceEvent) => void>();
  private readonly warnings = new Set<string>();
  private started = false;
  private stopped = false;

  constructor(options: ChatServiceOptions) {
    const parts = createParts(options, {
      started: () => this.started,
      stopped: () => this.stopped,
      role: () => this.role,
      connection: (connection, kind) => this.handleConnection(connection, kind),
      tabMessage: (m) => this.handleTabMessage(m),
      retry: (clientId) => this.retry(clientId),
      emit: (event) => this.emit(event),
      warn: (text, error) => this.warn(text, error),
    });
    ({
      snapshot: this.snapshot,
      api: this.api,
      store: this.store,
      session: this.session,
      transport: this.transport,
      tabs: this.tabs,
    } = parts);
    ({
      timeline: this.timeline,
      outbox: this.outbox,
      conversation: this.conversation,
      typing: this.typing,
      tasks: this.tasks,
      clock: this.clock,
    } = parts);
    this.leader = parts.leader;
    this.role = parts.follower;
    this.assistantPart = parts.assistant;
    this.voicePart = new VoicePart(this.api, this.session);
  }

  /** Everything the UI renders, as one immutable snapshot; a new object at every change. */
  get state(): ChatState {
    return this.snapshot.state;
  }

  set state(state: ChatState) {
    this.snapshot.state = state;
  }

  /** Calls `fn` with every new state snapshot; returns the unsubscribe function. */
  subscribe(fn: (state: ChatState) => void): () => void {
    return this.snapshot.subscribe(fn);
  }

  /** Calls `fn` for every message sent or received, connection change and error. */
  onEvent(fn: (event: ChatServiceEvent) => void): () => void {
    this.eventListeners.add(fn);
    return () => this.eventListeners.delete(fn);
  }

  /** True while this tab holds the visitor's one connection (see {@link TabSync}). */
  get isLeader(): boolean {
    return this.role.leads && !this.stopped;
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
    if (cached) await this.tasks.run(this.conversation.load(cached));
    if (this.stopped) return;
    this.handleConnection('connecting', undefined);
    this.tabs.start(() => this.lead());
    // Answered by the leader, if there is one; if this tab becomes the leader, nobody answers.
    this.tabs.post({ type: 'hello' });
  }

  /** This tab got the lock: load what other tabs queued and connect. */
  private lead(): void {
    if (this.stopped) return;
    this.role = this.leader;
    void this.tasks.run(this.outbox.reload());
    this.transport.start();
  }

  /**
   * Asks the server to forget what it keeps to relink this visitor (the opt-in fingerprint;
   * `POST /api/chat/forget`). Best effort, for `reset()`: resolves, never rejects, after at most
   * `timeoutMs`; does nothing when this browser has no visitor yet.
   */
  forget(timeoutMs = 2_000): Promise<void> {
    return this.session.forget(timeoutMs);
  }

  /** Disconnects and releases every timer; cached state stays in IndexedDB. */
  stop(): void {
    this.stopped = true;
    this.transport.stop();
    this.tabs.stop();
    this.outbox.stop();
    this.typing.stop();
    this.timeline.flush();
    this.snapshot.clear();
    this.eventListeners.clear();
  }

  /** Number of timers still scheduled by the service and its transport. */
  get pendingTimers(): number {
    return this.transport.pendingTimers + this.timeline.pendingTimers + this.outbox.pendingTimers;
  }

  /**
   * Resolves when the service has no work in progress left (store reads and writes, fetches,
   * sending): for tests that check that something did not happen, and for a clean shutdown.
   */
  whenIdle(): Promise<void> {
    return this.tasks.whenIdle();
  }

  /**
   * Keeps the visitor's state in another place from now on (storage-mode.ts). Switching to
   * `persistent` (the visitor consented) moves the current chat into IndexedDB; it continues.
   */
  setStorage(mode: StorageMode): Promise<void> {
    return this.tasks.run(this.store.setMode(mode));
  }

  /**
   * Queues a visitor message and sends it as soon as possible. `attachments` are files already
   * uploaded with {@link upload} (at most 5); with them the text may be empty. They travel in the
   * outbox entry, so a dropped connection loses nothing. Returns the message as shown, or throws
   * a `ChatSendError` (a RangeError with a `code`) for empty or over-long text or too many
   * attachments (nothing is queued then). Length counts code points, as the server does.
   */
  send(text: string, attachments: readonly Attachment[] = []): ChatMessage {
    const entry = newEntry(text, attachments, this.clock.now());
    this.enqueue(entry);
    this.transport.reconnectNow();
    return this.outbox.toMessage(entry);
  }

  /** Sends a failed message again. */
  retry(clientId: string): void {
    const entry = this.outbox.takeFailed(clientId);
    if (!entry) return;
    this.role.retried(clientId);
    this.enqueue(entry);
  }

  /**
   * Uploads a file to the conversation (starting a session if needed) and resolves with the
   * stored {@link Attachment}, to pass to {@link send}. Uses XMLHttpRequest, so `onProgress`
   * reports the bytes sent; aborting `signal` cancels it (a DOMException `AbortError`). An expired
   * token is renewed once. Other failures reject with an {@link ApiError} (`payload_too_large`,
   * `unsupported_type`, `network`…). The caller checks type and size limits first.
   */
  upload(file: File, options: UploadOptions = {}): Promise<Attachment> {
    return this.session.withSession((s) => {
      options.signal?.throwIfAborted();
      return this.api.upload(s.token, s.conversationId, file, options);
    });
  }

  /** Opens or closes the panel in the visitor's other tabs too. */
  setPanelOpen(open: boolean): void {
    this.tabs.post({ type: 'panel', open });
  }

  /**
   * Reports that the visitor has seen the conversation up to its newest message. Call it only
   * while the conversation is on screen (panel open, page visible). Each sequence number is
   * reported once; a follower tab hands the report to the leader, which sends a `read` frame (or
   * `POST /api/chat/read` on the HTTP fallback).
   */
  markRead(): void {
    this.conversation.markRead();
  }

  /**
   * Leaves a closed conversation for a new one (`POST /api/chat/session` with
   * `newConversation: true`): the list starts empty, and messages still queued move to the new
   * conversation. In a follower tab the leader does it and the others follow.
   */
  startNewConversation(): Promise<void> {
    return this.role.startNewConversation();
  }

  /**
   * Sends contact details the visitor typed (pre-chat form, away e-mail capture) for the current
   * conversation and keeps them in IndexedDB, so the form is not shown again. Later calls replace
   * earlier values key by key; `source` says which form they came from (for the `contact` event).
   * Rejects with an {@link ApiError} (`bad_request` for an address the server refuses, `network`
   * when offline).
   */
  submitContact(details: ContactDetails, source: 'pre-chat' | 'away' = 'pre-chat'): Promise<void> {
    return this.tasks.run(this.conversation.submitContact(details, source));
  }

  /**
   * Loads the page of messages just before the oldest one shown (for scrolling up through a long
   * history). Resolves with how many were added; does nothing while a load is running.
   */
  loadOlder(limit = OLDER_PAGE): Promise<number> {
    return this.tasks.run(this.timeline.loadOlder(limit));
  }

  /**
   * The assistant's streamed answers: `onChange()` reports each start, appended text and end, so
   * a renderer costs time per delta, not per answer. `state.streaming` says whether any runs.
   */
  get streams(): AssistantStreams {
    return this.assistantPart.streams;
  }

  /**
   * Asks for a person (`POST /api/chat/escalate` with `reason` and optional `metadata`): the
   * conversation joins the queue and the assistant stops answering; `state.handoff` follows the
   * queue position, the wait and the agent who accepts. Rejects with an {@link ApiError}.
   */
  escalate(reason?: string, metadata?: Record<string, string>): Promise<Handoff> {
    return this.tasks.run(this.assistantPart.escalate(reason, metadata));
  }

  /** Stops the assistant's answer being written (the newest, or `streamId`); the text so far stays. */
  stopAnswer(streamId?: string): void {
    this.assistantPart.stop(streamId);
  }

  /**
   * Says whether an assistant answer helped, with an optional comment (`POST /api/chat/feedback`).
   * Once sent it is kept per conversation and shown as `state.feedback` (after a reload too).
   */
  feedback(messageId: string, helpful: boolean, comment?: string): Promise<void> {
    return this.tasks.run(this.assistantPart.feedback(messageId, helpful, comment));
  }

  /** Rates the closed conversation from 1 to 5, with an optional comment (`POST /api/chat/rating`). */
  rate(score: number, comment?: string): Promise<void> {
    return this.tasks.run(this.assistantPart.rate(score, comment));
  }

  /** The conversation's transcript as plain text or HTML, ready to save (`GET /api/chat/transcript`). */
  transcript(format: 'text' | 'html' = 'text'): Promise<Transcript> {
    return this.tasks.run(this.assistantPart.transcript(format));
  }

  /** Has the transcript e-mailed to `email`; resolves with whether the server sent it. */
  emailTranscript(email: string): Promise<boolean> {
    return this.tasks.run(this.assistantPart.emailTranscript(email));
  }

  /** Reports that the visitor is (or stopped) typing. */
  setTyping(typing: boolean): void {
    this.role.typing(typing);
  }

  /** The browser lost the network: show offline at once; messages wait in the outbox. */
  networkLost(): void {
    this.transport.networkLost();
  }

  /** A hint that the network may be back: retry at once instead of waiting for the backoff. */
  wake(): void {
    this.transport.reconnectNow();
  }

  /**
   * Shows a message in the outbox at once, writes it to IndexedDB before any network call, then
   * has the leader send it (this tab, or the leader tab told over the channel).
   */
  private enqueue(entry: OutboxEntry): void {
    this.outbox.add(entry);
    void this.tasks.run(this.outbox.persist([entry]).then(() => this.role.queued()));
  }

  private handleTabMessage(m: TabMessage): void {
    if (this.stopped) return;
    if (m.type === 'panel') this.emit({ type: 'panel', open: m.open });
    else if (m.type === 'contact') this.conversation.contactChanged(m.conversationId, m.contact);
    else if (m.type === 'assistant') this.assistantPart.handleFrame(m.frame, false);
    else if (m.type === 'feedback') this.assistantPart.feedbackChanged(m.conversationId, m.feedback);
    else {
      this.role.handle(m);
      // A tab that just opened hears the streams in flight and the handoff state too.
      if (m.type === 'hello' && this.role.leads) this.assistantPart.announce();
    }
  }

  private handleConnection(connection: ConnectionState, transport: TransportKind | undefined): void {
    this.state = { ...this.state, connection, transport };
    this.publish();
    this.emit({ type: 'connection', state: connection, transport });
    if (connection === 'online') void this.tasks.run(this.outbox.drain());
  }

  /**
   * Logs a warning once per distinct text: a wrong API key or an unreachable server would
   * otherwise repeat the same line at every reconnect attempt.
   */
  private warn(text: string, error?: unknown): void {
    if (this.warnings.has(text)) return;
    this.warnings.add(text);
    // A refused embed is the site owner's to fix: one error, with the server's explanation and fix.
    if (error instanceof ApiError && error.isRefused)
      console.error(`[amoiq-chat] The chat is not available on this page (${error.code}): ${error.message}`);
    else console.warn(`[amoiq-chat] ${text}`);
    // A refused key or tenant will not fix itself: tell the host page too.
    if (error instanceof ApiError && error.isPermanent) this.emit({ type: 'error', code: error.code, message: error.message });
  }

  private publish(): void {
    this.snapshot.publish();
  }

  /**
   * The conversation's newest `call` frame and its mode, as the server last said (the voice chunk
   * reads them when it loads; later ones come as `voice` events).
   */
  get voice(): VoiceSeen {
    return this.voicePart.seen;
  }

  /** A voice request (`POST /api/chat/voice/…`): its status and body, whatever the status (voice-part.ts). */
  voicePost(path: string, body: Record<string, unknown>): Promise<{ status: number; body: unknown; retryAfter?: number }> {
    return this.voicePart.post(path, body);
  }

  /** Sends an `rtc` frame over this tab's WebSocket; false when it has none open (hold it and retry). */
  sendVoiceFrame(frame: Record<string, unknown> & { type: 'rtc' }): boolean {
    return this.role.leads && this.transport.sendVoiceFrame(frame);
  }

  private emit(event: ChatServiceEvent): void {
    this.voicePart.observe(event);
    for (const fn of this.eventListeners) fn(event);
  }
}
