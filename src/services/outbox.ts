import { nanoid } from 'nanoid';
import {
  ApiError,
  ChatSendError,
  MAX_ATTACHMENTS,
  MAX_MESSAGE_LENGTH,
  textLength,
  type Attachment,
  type ChatErrorCode,
  type WireMessage,
} from '../protocol/v1.js';
import type { ChatMessage, StateHolder } from './chat-types.js';
import type { Clock } from './clock.js';
import type { ChatStore, OutboxEntry } from './store.js';
import type { Tasks } from './tasks.js';

/**
 * Send attempts the server answered with a transient error (5xx, 429, no ack in time) before a
 * message is shown as failed with Retry. Attempts cut short by a dropped connection do not count:
 * those messages simply wait for the next connection.
 */
export const MAX_SEND_ATTEMPTS = 5;

/**
 * A new outbox entry for what the visitor typed, or a {@link ChatSendError} (nothing is queued):
 * `bad_request` for no text and no attachment or too many attachments, `payload_too_large` for text
 * longer than {@link MAX_MESSAGE_LENGTH} code points (counted as the server counts them).
 */
export function newEntry(text: string, attachments: readonly Attachment[], now: number): OutboxEntry {
  const trimmed = text.trim();
  if (!trimmed && !attachments.length) throw new ChatSendError('bad_request', 'A message needs some text or an attachment.');
  const length = textLength(trimmed);
  if (length > MAX_MESSAGE_LENGTH) {
    throw new ChatSendError('payload_too_large', `A message can have at most ${MAX_MESSAGE_LENGTH} characters; this one has ${length}.`);
  }
  if (attachments.length > MAX_ATTACHMENTS) {
    throw new ChatSendError(
      'bad_request',
      `A message can carry at most ${MAX_ATTACHMENTS} attachments; this one has ${attachments.length}.`,
    );
  }
  return {
    clientId: nanoid(),
    text: trimmed,
    createdAt: new Date(now).toISOString(),
    attempts: 0,
    ...(attachments.length ? { attachments: attachments.map((a) => ({ ...a })) } : {}),
  };
}

/** What an {@link Outbox} needs from the rest of the chat. */
export interface OutboxDeps {
  state: StateHolder;
  store: ChatStore;
  clock: Clock;
  tasks: Tasks;
  /** True while messages can go out: connected, and the conversation is open. */
  canSend(): boolean;
  /** Sends one entry; resolves with the message as the server stored it, rejects with an {@link ApiError}. */
  send(entry: OutboxEntry): Promise<WireMessage>;
  /** The server stored a sent entry. */
  delivered(message: WireMessage): void;
  /** The server refused an entry because the conversation is closed: it waits for the next one. */
  closed(): void;
  /** The failed messages changed (the leader tells the other tabs). */
  failedChanged(failed: ChatMessage[]): void;
  /** A message failed for good. */
  error(code: ChatErrorCode, message: string): void;
  /** True when the timeline holds the stored message of `clientId`. */
  isStored(clientId: string): boolean;
}

/**
 * The visitor's messages on their way: written to IndexedDB before any network call (shared by
 * the visitor's tabs), sent in order one at a time until the server stores them, retried after a
 * transient error (5xx, 429, no ack) with a growing delay, and shown failed with Retry after a
 * permanent refusal or {@link MAX_SEND_ATTEMPTS} attempts. A dropped connection costs nothing: the
 * message waits for the next one.
 */
export class Outbox {
  /** Messages that failed for good, until retried. */
  failed: ChatMessage[] = [];
  private entries: OutboxEntry[] = [];
  /** Entries on the wire right now. */
  private readonly inFlight = new Set<string>();
  private draining = false;
  private stopped = false;
  private retryTimer?: unknown;

  constructor(private readonly deps: OutboxDeps) {}

  /** How many entries wait to be sent. */
  get size(): number {
    return this.entries.length;
  }

  /** The entries that wait, oldest first. */
  get queued(): readonly OutboxEntry[] {
    return this.entries;
  }

  /** The visitor's messages not stored yet (waiting, on the wire, failed) as shown, oldest first. */
  messages(): ChatMessage[] {
    return [...this.failed, ...this.entries.map((e) => this.toMessage(e))].sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }

  /** The message as shown for an entry. */
  toMessage(entry: OutboxEntry): ChatMessage {
    return {
      key: entry.clientId,
      clientId: entry.clientId,
      sender: { type: 'visitor', id: this.deps.state.state.visitorId },
      text: entry.text,
      createdAt: entry.createdAt,
      status: this.inFlight.has(entry.clientId) ? 'sent' : 'pending',
      ...(entry.attachments?.length ? { attachments: entry.attachments } : {}),
    };
  }

  /** Adds an entry in memory (shown at once); {@link persist} writes it. */
  add(entry: OutboxEntry): void {
    this.entries.push(entry);
    this.deps.state.publish();
  }

  /**
   * The server stored the visitor's message `clientId` (it came back from any source): it leaves
   * the outbox and the failed list in memory; {@link forget} then drops it from storage. True when it was there.
   */
  settle(clientId: string): boolean {
    const own = this.entries.some((e) => e.clientId === clientId) || this.failed.some((f) => f.clientId === clientId);
    if (!own) return false;
    this.entries = this.entries.filter((e) => e.clientId !== clientId);
    this.failed = this.failed.filter((f) => f.clientId !== clientId);
    return true;
  }

  /** Drops settled messages from the stored outbox (called once the timeline's cache write is queued). */
  forget(clientIds: readonly string[]): void {
    void this.deps.tasks.run(this.remove(...clientIds));
  }

  /** Takes a failed message off the failed list to queue it again; undefined when unknown. */
  takeFailed(clientId: string): OutboxEntry | undefined {
    const failed = this.failed.find((m) => m.clientId === clientId);
    if (!failed) return undefined;
    this.failed = this.failed.filter((m) => m !== failed);
    const attachments = failed.attachments?.length ? { attachments: failed.attachments.map((a) => ({ ...a })) } : {};
    return { clientId, text: failed.text, createdAt: failed.createdAt, attempts: 0, ...attachments };
  }

  /** Adds entries to the stored outbox (once each); before a conversation exists they wait in memory. */
  async persist(entries: readonly OutboxEntry[] = this.entries): Promise<void> {
    const id = this.deps.state.state.conversationId;
    if (!id) return;
    await this.deps.store.updateOutbox(id, (stored) => {
      const known = new Set(stored.map((e) => e.clientId));
      return [...stored, ...entries.filter((e) => !known.has(e.clientId))];
    });
  }

  /**
   * Merges the stored outbox of a conversation being loaded with what the visitor typed before
   * the store answered (kept last). Returns those typed meanwhile, which still need {@link persist}.
   */
  merge(stored: readonly OutboxEntry[]): OutboxEntry[] {
    const typedBefore = this.entries;
    const known = new Set(typedBefore.map((e) => e.clientId));
    this.entries = [...stored.filter((e) => !known.has(e.clientId)), ...typedBefore];
    return typedBefore;
  }

  /** Takes the outbox from IndexedDB, where other tabs may have added to it, and sends it. */
  async reload(): Promise<void> {
    const id = this.deps.state.state.conversationId;
    if (!id) return;
    const stored = await this.deps.store.getOutbox(id);
    const known = new Set(this.entries.map((e) => e.clientId));
    const added = stored.filter((e) => !known.has(e.clientId) && !this.deps.isStored(e.clientId));
    if (added.length) {
      this.entries = [...this.entries, ...added].sort((a, b) => a.createdAt.localeCompare(b.createdAt));
      this.deps.state.publish();
    }
    await this.drain();
  }

  /** Sends the outbox in order, one at a time, until it is empty or the network fails. */
  async drain(): Promise<void> {
    if (this.draining || this.stopped) return;
    this.draining = true;
    this.clearRetry();
    try {
      // While the conversation is closed, messages stay queued for the next one (409 otherwise).
      while (this.entries.length && !this.stopped && this.deps.canSend()) {
        if (!(await this.sendFirst())) break;
      }
    } finally {
      this.draining = false;
    }
  }

  /** Clears the retry timer; the stored outbox stays for the next start. */
  stop(): void {
    this.stopped = true;
    this.clearRetry();
  }

  /** 1 while a retry is scheduled. */
  get pendingTimers(): number {
    return this.retryTimer === undefined ? 0 : 1;
  }

  /** Sends the oldest entry; false when the others must wait (the network or the conversation). */
  private async sendFirst(): Promise<boolean> {
    const entry = this.entries[0];
    this.inFlight.add(entry.clientId);
    this.deps.state.publish();
    try {
      const stored = await this.deps.send(entry);
      this.deps.delivered(stored);
      // delivered() settles it when the conversation matches; make sure it is gone either way.
      this.entries = this.entries.filter((e) => e.clientId !== entry.clientId);
      await this.remove(entry.clientId);
      return true;
    } catch (err) {
      const error = err instanceof ApiError ? err : new ApiError(0, 'network', String(err));
      if (error.code === 'conversation_closed') {
        // Not a failure: the message waits for the conversation the visitor starts next.
        this.deps.closed();
        return false;
      }
      const answered = error.status > 0 || error.code === 'timeout';
      if (answered) entry.attempts++;
      if (!error.isPermanent && entry.attempts < MAX_SEND_ATTEMPTS) {
        // Transient: wait for the next connection, or retry later if still online.
        if (answered) this.scheduleRetry(error, entry.attempts);
        return false;
      }
      this.entries = this.entries.filter((e) => e !== entry);
      const reason = error.isPermanent ? error.message : `Not delivered after ${entry.attempts} attempts: ${error.message}`;
      this.failed = [...this.failed, { ...this.toMessage(entry), status: 'failed', error: reason }];
      await this.remove(entry.clientId);
      this.deps.failedChanged(this.failed);
      this.deps.error(error.code, reason);
      return true;
    } finally {
      this.inFlight.delete(entry.clientId);
      this.deps.state.publish();
    }
  }

  private scheduleRetry(error: ApiError, attempts: number): void {
    const delay = error.retryAfter ? error.retryAfter * 1000 : Math.min(30_000, 500 * 2 ** attempts);
    this.retryTimer = this.deps.clock.setTimeout(() => {
      this.retryTimer = undefined;
      void this.deps.tasks.run(this.drain());
    }, delay);
  }

  private clearRetry(): void {
    this.deps.clock.clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
  }

  private async remove(...clientIds: string[]): Promise<void> {
    const id = this.deps.state.state.conversationId;
    if (id) await this.deps.store.updateOutbox(id, (stored) => stored.filter((e) => !clientIds.includes(e.clientId)));
  }
}
