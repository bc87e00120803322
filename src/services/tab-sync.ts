import type { ConnectionState, TransportKind } from './transport.js';
import type { ConversationStatus, Sender, WireMessage } from '../protocol/v1.js';
import type { ContactRecord } from './store.js';
import type { ChatMessage } from './chat-service.js';

/** What the tabs of one visitor tell each other over their BroadcastChannel. */
export type TabMessage =
  /** A tab that follows asks the leader for the current state. */
  | { type: 'hello' }
  /**
   * The leader's state, for a tab that just said hello. `conversationId` is the leader's
   * conversation, if it has one yet: on a first visit it has no messages to read it from.
   */
  | { type: 'state'; connection: ConnectionState; transport?: TransportKind; conversationId?: string; messages: WireMessage[]; failed: ChatMessage[] }
  /** The leader stored or received a message. */
  | { type: 'message'; message: WireMessage }
  | { type: 'connection'; connection: ConnectionState; transport?: TransportKind }
  | { type: 'typing'; sender: Sender; typing: boolean }
  /** The leader marked messages failed (or a retry cleared them). */
  | { type: 'failed'; failed: ChatMessage[] }
  /** A follower added to the outbox in IndexedDB: the leader should send it. */
  | { type: 'outbox' }
  /** A follower asks the leader to retry a failed message. */
  | { type: 'retry'; clientId: string }
  /** A follower's visitor is typing: the leader tells the server. */
  | { type: 'visitor-typing'; typing: boolean }
  /** The panel was opened or closed in one tab: all follow. */
  | { type: 'panel'; open: boolean }
  /** The leader's view of the conversation status, agent presence and read marks. */
  | { type: 'lifecycle'; conversationId: string; status: ConversationStatus; agentsOnline?: boolean; agentReadSeq: number; visitorReadSeq: number }
  /** A follower's visitor saw messages up to `seq`: the leader reports it. */
  | { type: 'read'; seq: number }
  /** A follower's visitor asked for a new conversation: the leader starts it. */
  | { type: 'new-conversation' }
  /** The leader has a new conversation (first visit, or a new one): followers load it from the stored session. */
  | { type: 'conversation'; conversationId: string }
  /** A tab stored contact details for a conversation. */
  | { type: 'contact'; conversationId: string; contact: ContactRecord };

/** The browser APIs TabSync uses, injectable for tests. */
export interface TabSyncDeps {
  locks?: Pick<LockManager, 'request'>;
  BroadcastChannel?: typeof BroadcastChannel;
}

/**
 * Makes the tabs of one visitor share one connection. Every tab asks for the same Web Lock; the
 * one that holds it is the leader and runs the transport, the others follow and hear everything
 * through a BroadcastChannel. When the leader's tab closes, the browser releases its lock at once
 * and the next tab in line takes over. Without Web Locks or BroadcastChannel every tab leads
 * alone, as before.
 *
 * @example
 * const tabs = new TabSync('amoiq-chat:demo');
 * tabs.onMessage((m) => …);
 * tabs.start(() => becomeLeader());
 */
export class TabSync {
  /** True while this tab holds the lock. */
  isLeader = false;
  private readonly channel?: BroadcastChannel;
  private readonly locks?: Pick<LockManager, 'request'>;
  private readonly abort = new AbortController();
  private release?: () => void;
  private listener?: (message: TabMessage) => void;

  constructor(
    private readonly name: string,
    deps: TabSyncDeps = {},
  ) {
    const Channel = 'BroadcastChannel' in deps ? deps.BroadcastChannel : globalThis.BroadcastChannel;
    const locks = 'locks' in deps ? deps.locks : globalThis.navigator?.locks;
    if (Channel && locks) {
      this.locks = locks;
      this.channel = new Channel(name);
      this.channel.onmessage = (ev: MessageEvent<TabMessage>) => this.listener?.(ev.data);
    }
  }

  /** True when other tabs can exist: both APIs are there. */
  get shared(): boolean {
    return this.channel !== undefined;
  }

  onMessage(fn: (message: TabMessage) => void): void {
    this.listener = fn;
  }

  /** Queues for the lock; `onLeader` runs once, when (if ever) this tab gets it. */
  start(onLeader: () => void): void {
    if (!this.locks) {
      this.isLeader = true;
      onLeader();
      return;
    }
    this.locks
      .request(this.name, { signal: this.abort.signal }, () => {
        if (this.abort.signal.aborted) return undefined;
        this.isLeader = true;
        onLeader();
        // Hold the lock until stop() or until the tab goes away.
        return new Promise<void>((resolve) => (this.release = resolve));
      })
      .catch(() => undefined); // AbortError after stop()
  }

  post(message: TabMessage): void {
    try {
      this.channel?.postMessage(message);
    } catch {
      // The channel closed with the page; nothing to tell.
    }
  }

  /** Gives up the lock (the next tab takes over) and closes the channel. */
  stop(): void {
    this.abort.abort();
    this.release?.();
    this.release = undefined;
    this.isLeader = false;
    this.channel?.close();
    this.listener = undefined;
  }
}
