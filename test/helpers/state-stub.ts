import { AssistantStreams } from '../../src/services/assistant-stream.js';
import type { ChatMessage, ChatState } from '../../src/services/chat-service.js';

/**
 * The part of ChatService that the message list and the panel's parts read (`state`,
 * `subscribe`, `loadOlder`), driven by the test: `set()` and `append()` publish a new state.
 * Provide it with `provided()` (test/helpers/provided.ts), or
 * `new ContextProvider(host, { context: chatServiceContext, initialValue: stub as unknown as ChatService })`.
 */
export class StubChatService {
  state: ChatState = {
    connection: 'online',
    messages: [],
    remoteConfig: {},
    hasOlder: false,
    loadingOlder: false,
    conversationStatus: 'open',
  };
  private readonly listeners = new Set<(s: ChatState) => void>();

  subscribe(fn: (s: ChatState) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  set(patch: Partial<ChatState>): void {
    this.state = { ...this.state, ...patch };
    for (const fn of this.listeners) fn(this.state);
  }

  append(...messages: ChatMessage[]): void {
    this.set({ messages: [...this.state.messages, ...messages] });
  }

  /** No older history: override to page back. */
  async loadOlder(_limit?: number): Promise<number> {
    return 0;
  }
}

/**
 * A {@link StubChatService} with the assistant's streams (`streams`, driven by the test or the
 * benchmark: `start`, `delta`, `settle`), as the list's assistant parts read them.
 */
export class StreamingStubChatService extends StubChatService {
  readonly streams = new AssistantStreams({ requestStop: () => {}, countChanged: (n) => this.set({ streaming: n > 0 }) });

  stopAnswer(): void {}

  async escalate(): Promise<void> {}
}
