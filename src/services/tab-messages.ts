import type { AssistantServerFrame } from '../protocol/assistant.js';
import type { ConversationStatus, Sender, WireMessage } from '../protocol/v1.js';
import type { ChatMessage, ContactDetails } from './chat-types.js';
import type { FeedbackRecord } from './store.js';
import type { ConnectionState, TransportKind } from './transport-types.js';

/**
 * What the tabs of one visitor tell each other over their BroadcastChannel ({@link TabSync}).
 * The leader (the tab holding the connection) announces; followers ask.
 */
export type TabMessage =
  /** A tab that follows asks the leader for the current state. */
  | { type: 'hello' }
  /**
   * The leader's state, for a tab that just said hello. `conversationId` is the leader's
   * conversation, if it has one yet: on a first visit it has no messages to read it from.
   */
  | {
      type: 'state';
      connection: ConnectionState;
      transport?: TransportKind;
      conversationId?: string;
      messages: WireMessage[];
      failed: ChatMessage[];
    }
  /** The leader stored or received a message. */
  | { type: 'message'; message: WireMessage }
  /**
   * The leader's connection caught up with these messages (a replay), oldest first; those above
   * `newsAfter` were stored while the page was open (see `Timeline.connected`).
   */
  | { type: 'messages'; messages: WireMessage[]; newsAfter?: number }
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
  | {
      type: 'lifecycle';
      conversationId: string;
      status: ConversationStatus;
      agentsOnline?: boolean;
      agentReadSeq: number;
      visitorReadSeq: number;
    }
  /** A follower's visitor saw messages up to `seq`: the leader reports it. */
  | { type: 'read'; seq: number }
  /** A follower's visitor asked for a new conversation: the leader starts it. */
  | { type: 'new-conversation' }
  /** The leader has a new conversation (first visit, or a new one): followers load it from the stored session. */
  | { type: 'conversation'; conversationId: string }
  /** A tab stored contact details for a conversation. */
  | { type: 'contact'; conversationId: string; contact: ContactDetails }
  /** A tab sent feedback on an assistant answer: the conversation's feedback as now stored. */
  | { type: 'feedback'; conversationId: string; feedback: Record<string, FeedbackRecord> }
  /** The leader heard an assistant frame (or answers a hello with the streams in flight): followers apply it. */
  | { type: 'assistant'; frame: AssistantServerFrame };

/**
 * What this tab does as the leader (it holds the visitor's one connection) or as a follower (it
 * hears everything from the leader and hands it the visitor's actions): one object per role
 * instead of a branch on "am I the leader?" in every method (tab-roles.ts).
 */
export interface TabRole {
  /** True for the leader. */
  readonly leads: boolean;
  /** A message from another tab of this visitor (panel and contact messages are handled before). */
  handle(message: TabMessage): void;
  /** Entries were added to the stored outbox: send them (leader) or have the leader send them. */
  queued(): void;
  /** The visitor retried the failed message `clientId` (already queued again). */
  retried(clientId: string): void;
  /** The visitor has seen the conversation up to `seq`. */
  read(seq: number): void;
  /** The visitor is (or stopped) typing. */
  typing(typing: boolean): void;
  /** The visitor asked for a new conversation. */
  startNewConversation(): Promise<void>;
  /** This tab's session names a conversation the other tabs may not know yet. */
  conversationStarted(conversationId: string): void;
  /** Status, presence or read marks changed. */
  lifecycleChanged(): void;
  /** The conversation was reopened: what waited may go out now. */
  reopened(): void;
}
