import type {
  Attachment,
  ChatErrorCode,
  Contact,
  ConversationEvent,
  ConversationStatus,
  RemoteWidgetConfig,
  Sender,
  VoiceWireFrame,
  WireMessage,
} from '../protocol/v1.js';
import type { AssistantConfig, AssistantMessageFields, Handoff } from '../protocol/assistant.js';
import type { FeedbackRecord } from './store.js';
import type { ConnectionState, TransportKind } from './transport-types.js';

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
  /** On `system` messages: the conversation was closed, reopened, an agent joined, a handoff, a call. */
  event?: ConversationEvent;
  /** On handoff notices (`escalated`, `assigned`, `transferred`, `returned`): who asked, why, which agent. */
  handoff?: WireMessage['handoff'];
  /** On `call` notices: the call it records. */
  call?: WireMessage['call'];
  /** Files sent with the message. */
  attachments?: readonly Attachment[];
  /**
   * On assistant (`ai`) messages: the stream it ends, its sources, whether the visitor stopped it
   * or the server interrupted it, whether it is the assistant's own notice, a handoff offer.
   */
  streamId?: AssistantMessageFields['streamId'];
  sources?: AssistantMessageFields['sources'];
  stopped?: boolean;
  interrupted?: boolean;
  notice?: boolean;
  handoffOffer?: boolean;
}

/** Contact details the visitor gives (pre-chat form, away e-mail capture). Not verified. */
export type ContactDetails = Contact;

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
  /** True while `ChatService.loadOlder()` is fetching. */
  loadingOlder: boolean;
  /** `closed` once an agent closed the conversation; `ChatService.startNewConversation()` opens another. */
  conversationStatus: ConversationStatus;
  /** Whether an agent is online; undefined until the server says. */
  agentsOnline?: boolean;
  /** What this visitor submitted for the conversation (pre-chat form, away e-mail), kept in IndexedDB. */
  contact?: ContactDetails;
  /** The site's AI assistant (session `config.assistant`); absent when it has none. */
  assistant?: AssistantConfig;
  /** Who answers: the assistant, the queue for a person (position, wait), an agent (protocol "Handoff"). */
  handoff?: Handoff;
  /**
   * When (epoch ms, the chat's clock) the server gave the handoff state's current queue position
   * and estimated wait: the estimate counts down from then.
   */
  handoffAt?: number;
  /**
   * What the visitor sent about the assistant's answers ("Helpful" / "Not helpful", a comment), by
   * message id: kept in IndexedDB per conversation, so a reload shows it again.
   */
  feedback?: Readonly<Record<string, FeedbackRecord>>;
  /** True while an assistant answer is being streamed (the streams themselves: `ChatService.assistant.streams`). */
  streaming?: boolean;
}

/** What the service tells its owner besides state changes. */
export type ChatServiceEvent =
  | { type: 'message'; message: ChatMessage; direction: 'sent' | 'received' }
  | { type: 'connection'; state: ConnectionState; transport?: TransportKind }
  | { type: 'error'; code: ChatErrorCode; message: string }
  /** The panel was opened or closed in another tab of this visitor. */
  | { type: 'panel'; open: boolean }
  /** The server stored contact details the visitor gave (pre-chat form, away e-mail). */
  | { type: 'contact'; contact: ContactDetails; source: 'pre-chat' | 'away' }
  /** The visitor started a new conversation after the previous one was closed. */
  | { type: 'new-conversation'; conversationId: string }
  /** The handoff state changed: escalated to the queue, assigned, transferred, back with the assistant. */
  | { type: 'escalation'; handoff: Handoff; previous?: Handoff['state'] }
  /** A voice frame of the conversation (the voice chunk reads it; `ChatService.voice` keeps the latest). */
  | { type: 'voice'; frame: VoiceWireFrame };

/**
 * The state snapshot the parts of the service share (timeline, outbox, conversation, tab roles):
 * `patch` changes fields without telling anyone, `publish` recomputes the message list and hands
 * the new snapshot to the subscribers.
 */
export interface StateHolder {
  readonly state: ChatState;
  patch(change: Partial<Omit<ChatState, 'messages' | 'hasOlder'>>): void;
  publish(): void;
}
