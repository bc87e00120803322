/**
 * Wire types of the agent side of protocol v1 (docs/protocol.md). What agents and visitors share
 * (senders, messages, attachments, conversation status, contact details, verified users) is the
 * widget's own protocol module, src/protocol/v1.ts, so the console and the widget read one
 * definition; only the types agents alone see are written here.
 */
import type {
  Attachment,
  Contact,
  ConversationEvent,
  ConversationStatus,
  Sender,
  VerifiedUser,
  WireMessage,
} from '../../../src/protocol/v1.js';
import type { VisitorContext } from '../../../src/protocol/visitor-context.js';

export type { Attachment, Contact, ConversationStatus, Sender, VerifiedUser };

/** What a `system` message announces; clients show their own text for these. */
export type SystemEvent = ConversationEvent;

/** A message as the agent API sends it: a {@link WireMessage} whose `event` may be one this console does not know yet. */
export interface Message extends Omit<WireMessage, 'event'> {
  event?: SystemEvent | string;
}

export interface Conversation {
  id: string;
  /**
   * An opaque reference to the visitor (stable for a visitor, useless as a credential): agents
   * never see the visitor id, which is the visitor's bearer secret.
   */
  visitorRef: string;
  status: ConversationStatus | string;
  lastSeq: number;
  lastMessage: Message | null;
  createdAt: string;
  updatedAt: string;
  /** When the visitor first wrote (or left contact details, or uploaded); agents see nothing before. */
  startedAt?: string | null;
  /** The newest visitor, agent or AI message is the visitor's. */
  awaitingReply?: boolean;
  /** Agents who wrote in it. */
  agentIds?: string[];
  /**
   * Set when the conversation was moved to a new browser by the fingerprint relink: whoever
   * writes now may not be who wrote before (docs/security.md).
   */
  relinkedAt?: string;
  relinkCount?: number;
  /** The visitor has seen every message up to this seq. */
  visitorReadSeq?: number;
  /** An agent has seen every message up to this seq. */
  agentReadSeq?: number;
  contact?: Contact;
  user?: VerifiedUser;
  /** Where the visitor was at the newest session request (docs/protocol.md, Visitor context); `at`: when. */
  context?: VisitorContext & { at?: string };
  /** In a search answer: the newest message text that matched (null: the name or address matched). */
  match?: string | null;
  /** In the visitor's previous conversations: the text of its newest visitor, agent or AI message. */
  preview?: string | null;
}

/** `GET /api/agent/conversations/:id/visitor`: where the visitor is and their other conversations. */
export interface VisitorInfo {
  context: (VisitorContext & { at?: string }) | null;
  previous: Conversation[];
  hasMore: boolean;
}

export type { VisitorContext };

/** The inbox filters of `GET /api/agent/conversations` (docs/protocol.md, Agent endpoints). */
export type InboxFilter = 'all' | 'open' | 'waiting' | 'mine' | 'closed';

/** One page of the inbox; `nextCursor` asks for the next one (null: no more). */
export interface ConversationPage {
  conversations: Conversation[];
  nextCursor: string | null;
}

export interface Agent {
  id: string;
  name: string;
  email: string;
  tenantId: string;
  /** `admin`: a tenant admin, who manages the widget configurations (the Widgets page). */
  role?: 'admin' | 'agent';
}

export interface Login {
  token: string;
  expiresAt: string;
  agent: Agent;
}

/** Frames the server sends on /ws/agent. */
export type AgentFrame =
  | { type: 'ready'; agent: Agent }
  | { type: 'message'; message: Message }
  | { type: 'conversation'; conversation: Conversation }
  | { type: 'typing'; conversationId: string; sender: Sender; typing: boolean }
  | { type: 'read'; conversationId: string; reader: 'visitor' | 'agent'; seq: number }
  | { type: 'pong'; ts: unknown }
  | { type: 'error'; code: string; message: string }
  /** The assistant's news: the queue changed; a conversation's handoff, feedback or rating changed (the panels read the API again). */
  | { type: 'queue' }
  | { type: 'handoff' | 'feedback' | 'rating'; conversationId: string }
  /** Voice (docs/protocol.md, Voice): checked field by field by call-manager.ts with the widget's decoders. */
  | { type: 'rtc' | 'call' | 'mode'; [key: string]: unknown };
