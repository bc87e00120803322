import { MAX_PAGE_SIZE, type MessagePage, type WireMessage } from '../protocol/v1.js';
import type { MessageQuery } from './api.js';
import { assistantFields } from './assistant-stream.js';
import type { ChatMessage, StateHolder } from './chat-types.js';
import type { Clock } from './clock.js';
import { CACHE_LIMIT, type ChatStore } from './store.js';
import type { Tasks } from './tasks.js';

/** How many newest messages to load when the local cache is empty. */
export const FIRST_PAGE = 50;
/** How many older messages one step back through history loads. */
export const OLDER_PAGE = MAX_PAGE_SIZE;

/**
 * Where messages come from: `live` as they happen, `replay` when the connection catches up after
 * (re)connecting or a gap, `history` from the cache, pages, or another tab's state.
 */
export type Arrival = 'live' | 'replay' | 'history';
/**
 * The IndexedDB cache is written once messages have stopped arriving for this long (a burst is one
 * write)…
 */
const SAVE_DELAY_MS = 100;
/** …but never later than this after the first unsaved message, however long the stream goes on. */
const SAVE_MAX_DELAY_MS = 1000;

/** What a {@link Timeline} needs from the rest of the chat. */
export interface TimelineDeps {
  state: StateHolder;
  store: ChatStore;
  clock: Clock;
  tasks: Tasks;
  /** Fetches messages of the current conversation (renewing a refused token once). */
  fetchPage(query: Omit<MessageQuery, 'conversationId'>): Promise<MessagePage>;
  /** Asks the live connection to replay what follows `after` (a gap was seen). */
  requestReplay(after: number): void;
  /** The server stored one of the visitor's messages: take it off the outbox in memory. True when it was there. */
  settle(clientId: string): boolean;
  /** Settled messages are in the cache now (its write is queued first): drop them from the stored outbox. */
  settled(clientIds: readonly string[]): void;
  /** A message joined the timeline, before subscribers hear of it (`live`: new while the page is open). */
  arrived(message: WireMessage, live: boolean): void;
  /** A message joined the timeline, after subscribers got the new state (`live` as for `arrived`). */
  added(message: ChatMessage, live: boolean): void;
  warn(text: string): void;
}

/**
 * The conversation's stored messages, kept sorted by sequence number (binary search on insert, so
 * a message is placed in O(log n) comparisons whatever order messages arrive in), and the cursor:
 * the highest sequence number held without a hole, from which the connection resumes. Takes
 * messages from any source (live frames, long-poll pages, history pages, other tabs), ignores
 * duplicates, fetches what lies in a gap, pages back through older history and keeps the newest
 * {@link CACHE_LIMIT} in IndexedDB for an instant first paint.
 */
export class Timeline {
  /** Highest sequence number held without a hole. */
  cursor = 0;
  /** An agent read the visitor's messages up to this sequence number. */
  agentReadSeq = 0;
  /** Stored messages, sorted by `seq`. */
  private list: ChatMessage[] = [];
  private readonly clientIds = new Set<string>();
  private gapFetch?: Promise<void>;
  private latestFetch?: Promise<boolean>;
  private saveTimer?: unknown;
  /** When the oldest unsaved change happened (the save is due {@link SAVE_MAX_DELAY_MS} after it at the latest). */
  private unsavedSince?: number;
  /**
   * The conversation's newest sequence number when this page first connected to it (the first
   * `ready`): replayed messages above it were stored while the page was open, so they count as
   * new; those at or below it are history. Undefined until known: then replays are history.
   */
  private liveFrom?: number;

  constructor(private readonly deps: TimelineDeps) {}

  /** The stored messages, oldest first. Changes in place: copy it for a snapshot. */
  get messages(): readonly ChatMessage[] {
    return this.list;
  }

  get size(): number {
    return this.list.length;
  }

  /** The newest sequence number held (0 when none). */
  get newestSeq(): number {
    return this.list.at(-1)?.seq ?? 0;
  }

  /** True when the server holds messages older than the oldest one held. */
  get hasOlder(): boolean {
    return (this.list[0]?.seq ?? 1) > 1;
  }

  /** True when the server stored the visitor's message `clientId`. */
  holds(clientId: string): boolean {
    return this.clientIds.has(clientId);
  }

  /** Forgets everything: another conversation begins. */
  clear(): void {
    this.list = [];
    this.clientIds.clear();
    this.cursor = 0;
    this.agentReadSeq = 0;
    this.liveFrom = undefined;
  }

  /** A connection to the conversation got `ready` with `lastSeq`: the first one sets where news begins. */
  connected(lastSeq: number): void {
    this.liveFrom ??= lastSeq;
  }

  /** See {@link connected} (for the other tabs). */
  get newsAfter(): number | undefined {
    return this.liveFrom;
  }

  /** Adds the cached messages of the conversation; the cursor then starts from the oldest of them. */
  restore(cached: readonly WireMessage[]): void {
    this.insertAll(cached.map((m) => this.toChatMessage(m)));
    const first = this.list[0]?.seq;
    if (first !== undefined) this.cursor = first - 1;
    this.advanceCursor();
  }

  /**
   * Takes a stored message from any source: a duplicate is ignored, one that skips ahead has the
   * messages in between fetched. `live`: it just happened (not history), so it is announced.
   */
  accept(m: WireMessage, live: boolean): void {
    this.acceptAll([m], live ? 'live' : 'history');
  }

  /**
   * Takes a batch of stored messages (a page, a replay, another tab's state) with one state
   * publish and one cache save: each is placed by binary search (a page older or newer than
   * everything held is joined in one step), the cursor advances once. Messages are announced
   * (`added` with live) when they arrived `live`, or in a `replay` above {@link connected}'s mark.
   */
  acceptAll(messages: readonly WireMessage[], arrival: Arrival): void {
    const conversationId = this.deps.state.state.conversationId;
    const mine = messages.filter((m) => m.conversationId === conversationId);
    const own = mine.flatMap((m) => (m.clientId !== undefined && this.deps.settle(m.clientId) ? [m.clientId] : []));
    const bySeq = new Map(mine.map((m) => [m.seq, m]));
    const placed = this.insertAll(mine.map((m) => this.toChatMessage(m)));
    const fresh = placed.map((message) => [bySeq.get(message.seq!)!, message] as const);
    if (!fresh.length) {
      if (own.length) {
        this.deps.state.publish();
        this.saveBefore(own);
      }
      return;
    }
    const lowest = placed[0].seq!;
    if (this.list.length === placed.length && this.cursor === 0 && lowest > 1 && arrival !== 'live') this.cursor = lowest - 1;
    this.advanceCursor();
    if (this.newestSeq > this.cursor) this.fillGap();
    const announce = (m: WireMessage) =>
      arrival === 'live' || (arrival === 'replay' && this.liveFrom !== undefined && m.seq > this.liveFrom);
    for (const [m] of fresh) this.deps.arrived(m, announce(m));
    this.deps.state.publish();
    if (own.length) this.saveBefore(own);
    else this.scheduleSave();
    for (const [m, message] of fresh) this.deps.added(message, announce(m));
  }

  /** An agent read up to `seq`: the visitor's messages up to it show `read`. False when nothing changed. */
  markReadByAgent(seq: number): boolean {
    if (seq <= this.agentReadSeq) return false;
    this.agentReadSeq = seq;
    for (let i = 0; i < this.list.length && this.list[i].seq! <= seq; i++) {
      if (this.list[i].status === 'delivered') this.list[i] = { ...this.list[i], status: 'read' };
    }
    return true;
  }

  /**
   * Loads the newest page when nothing is held and the server has messages (`lastSeq` > 0), so a
   * long history does not replay from 1 — or takes `given`, the page the session answer carried,
   * at once, without a request. Resolves false when there was nothing to load.
   */
  fetchLatest(lastSeq: number, given?: MessagePage): Promise<boolean> {
    if (this.latestFetch) return this.latestFetch;
    if (this.list.length > 0 || lastSeq === 0) return Promise.resolve(false);
    if (given) return Promise.resolve(this.takeLatest(given));
    const conversationId = this.deps.state.state.conversationId;
    const run = (async () => {
      try {
        const page = await this.deps.fetchPage({ before: lastSeq + 1, limit: FIRST_PAGE });
        if (this.deps.state.state.conversationId !== conversationId) return true;
        this.takeLatest(page);
      } catch (err) {
        this.deps.warn(`Could not load history: ${(err as Error).message}`);
      } finally {
        this.latestFetch = undefined;
      }
      return true;
    })();
    this.latestFetch = run;
    return run;
  }

  /** Shows the newest page (history, not news); the cursor starts below it. */
  private takeLatest(page: MessagePage): true {
    if (page.messages.length) this.cursor = Math.max(this.cursor, page.messages[0].seq - 1);
    this.acceptAll(page.messages, 'history');
    return true;
  }

  /**
   * Loads the page of messages just before the oldest one held. Resolves with how many were
   * added; does nothing while a load is running.
   */
  async loadOlder(limit = OLDER_PAGE): Promise<number> {
    const oldest = this.list[0]?.seq;
    const holder = this.deps.state;
    if (holder.state.loadingOlder || oldest === undefined || oldest <= 1) return 0;
    holder.patch({ loadingOlder: true });
    holder.publish();
    try {
      const page = await this.deps.fetchPage({ before: oldest, limit });
      this.acceptAll(page.messages, 'history');
      return page.messages.length;
    } catch (err) {
      this.deps.warn(`Could not load older messages: ${(err as Error).message}`);
      return 0;
    } finally {
      holder.patch({ loadingOlder: false });
      holder.publish();
    }
  }

  /** The newest `limit` messages as the server sent them (for the cache and other tabs). */
  wire(limit = CACHE_LIMIT): WireMessage[] {
    const conversationId = this.deps.state.state.conversationId ?? '';
    return this.list.slice(-limit).map((m) => ({
      id: m.id!,
      clientId: m.clientId,
      conversationId,
      seq: m.seq!,
      sender: m.sender,
      text: m.text,
      createdAt: m.createdAt,
      ...(m.quickReplies ? { quickReplies: [...m.quickReplies] } : {}),
      ...(m.event ? { event: m.event } : {}),
      ...(m.handoff ? { handoff: m.handoff } : {}),
      ...(m.call ? { call: m.call } : {}),
      ...(m.attachments?.length ? { attachments: m.attachments.map((a) => ({ ...a })) } : {}),
      ...assistantFields(m),
    }));
  }

  /** Writes a pending cache save now and clears its timer (the service stops). */
  flush(): void {
    if (this.saveTimer === undefined) return;
    this.deps.clock.clearTimeout(this.saveTimer);
    this.saveTimer = this.unsavedSince = undefined;
    void this.deps.tasks.run(this.save());
  }

  /** 1 while a cache save is scheduled. */
  get pendingTimers(): number {
    return this.saveTimer === undefined ? 0 : 1;
  }

  /** The index of the first message whose `seq` is at least `seq` (binary search). */
  private indexOf(seq: number): number {
    let lo = 0;
    let hi = this.list.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.list[mid].seq! < seq) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /**
   * Places messages by `seq` and returns those placed, in `seq` order (duplicates are left out).
   * A run older or newer than everything held is joined in one step; others by binary search.
   */
  private insertAll(messages: ChatMessage[]): ChatMessage[] {
    const sorted = messages.length > 1 ? [...messages].sort((a, b) => a.seq! - b.seq!) : messages;
    const placed: ChatMessage[] = [];
    const run: ChatMessage[] = [];
    const first = this.list[0]?.seq;
    const last = this.list.at(-1)?.seq;
    for (const message of sorted) {
      const seq = message.seq!;
      if (first === undefined || seq < first) {
        if (run.length && run.at(-1)!.seq === seq) continue;
        run.push(message);
      } else if (seq > last! && seq > (placed.at(-1)?.seq ?? 0)) {
        this.list.push(message);
      } else {
        const lo = this.indexOf(seq);
        if (this.list[lo]?.seq === seq) continue;
        this.list.splice(lo, 0, message);
      }
      placed.push(message);
    }
    // Older than everything held (or nothing held): one step at the front.
    if (run.length) this.list = first === undefined ? [...run, ...this.list] : run.concat(this.list);
    for (const message of placed) if (message.clientId !== undefined) this.clientIds.add(message.clientId);
    return placed;
  }

  /** Moves the cursor over every message that follows it without a hole. */
  private advanceCursor(): void {
    let i = this.indexOf(this.cursor + 1);
    while (i < this.list.length && this.list[i].seq === this.cursor + 1) {
      this.cursor++;
      i++;
    }
  }

  /** A message arrived beyond the next expected one: fetch what lies between. */
  private fillGap(): void {
    if (this.gapFetch) return;
    const from = this.cursor;
    this.deps.requestReplay(from);
    this.gapFetch = this.deps.tasks.run(
      this.deps
        .fetchPage({ after: from, limit: MAX_PAGE_SIZE })
        .then((page) => this.acceptAll(page.messages, 'replay'))
        .catch((err: Error) => this.deps.warn(`Could not fetch missing messages: ${err.message}`))
        .finally(() => (this.gapFetch = undefined)),
    );
  }

  /** Saves the cache {@link SAVE_DELAY_MS} after the last change, or {@link SAVE_MAX_DELAY_MS} after the first. */
  private scheduleSave(): void {
    const { clock } = this.deps;
    const now = clock.now();
    this.unsavedSince ??= now;
    if (this.saveTimer !== undefined) clock.clearTimeout(this.saveTimer);
    const delay = Math.max(0, Math.min(SAVE_DELAY_MS, this.unsavedSince + SAVE_MAX_DELAY_MS - now));
    this.saveTimer = clock.setTimeout(() => {
      this.saveTimer = this.unsavedSince = undefined;
      void this.deps.tasks.run(this.save());
    }, delay);
  }

  /**
   * Writes the cache now, then lets the outbox drop the visitor's settled messages: IndexedDB runs
   * the two writes in that order, so a reload in between never finds a message in neither.
   */
  private saveBefore(settled: readonly string[]): void {
    this.deps.clock.clearTimeout(this.saveTimer);
    this.saveTimer = this.unsavedSince = undefined;
    void this.deps.tasks.run(this.save());
    this.deps.settled(settled);
  }

  private save(): Promise<void> {
    const id = this.deps.state.state.conversationId;
    return id ? this.deps.store.setMessages(id, this.wire()) : Promise.resolve();
  }

  private toChatMessage(m: WireMessage): ChatMessage {
    const visitor = m.sender.type === 'visitor';
    return {
      key: m.clientId ?? m.id,
      id: m.id,
      clientId: m.clientId,
      seq: m.seq,
      sender: m.sender,
      text: m.text,
      createdAt: m.createdAt,
      status: visitor ? (m.seq <= this.agentReadSeq ? 'read' : 'delivered') : undefined,
      ...(m.quickReplies ? { quickReplies: m.quickReplies } : {}),
      ...(m.event ? { event: m.event } : {}),
      ...(m.handoff ? { handoff: m.handoff } : {}),
      ...(m.call ? { call: m.call } : {}),
      ...(m.attachments?.length ? { attachments: m.attachments } : {}),
      ...assistantFields(m),
    };
  }
}
