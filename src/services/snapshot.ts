import type { ChatMessage, ChatState, StateHolder } from './chat-types.js';

/**
 * The one state snapshot of a chat ({@link ChatState}): the parts change fields with
 * {@link patch} and hand a new snapshot to the subscribers with {@link publish}, which also puts
 * together the message list (stored messages, then the visitor's unsent ones).
 */
export class Snapshot implements StateHolder {
  state: ChatState = {
    connection: 'idle',
    messages: [],
    remoteConfig: {},
    hasOlder: false,
    loadingOlder: false,
    conversationStatus: 'open',
  };
  private readonly listeners = new Set<(state: ChatState) => void>();

  /** `messages` gives the stored messages (seq order) and the local ones (time order). */
  constructor(private readonly messages: () => { stored: readonly ChatMessage[]; local: readonly ChatMessage[] }) {}

  /** Calls `fn` with every new snapshot; returns the unsubscribe function. */
  subscribe(fn: (state: ChatState) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  patch(change: Partial<Omit<ChatState, 'messages' | 'hasOlder'>>): void {
    this.state = { ...this.state, ...change };
  }

  publish(): void {
    const { stored, local } = this.messages();
    this.state = { ...this.state, messages: [...stored, ...local], hasOlder: (stored[0]?.seq ?? 1) > 1 };
    for (const fn of this.listeners) fn(this.state);
  }

  /** Forgets every subscriber. */
  clear(): void {
    this.listeners.clear();
  }
}
