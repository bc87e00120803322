/**
 * Wire types of the agent side of protocol v1 (docs/protocol.md), including the additions of its
 * last section (status, read receipts, contact details, attachments, quick replies). Every field
 * that section added is optional: an older backend simply does not send it.
 */

export interface Sender {
  type: 'visitor' | 'agent' | 'ai' | 'system';
  id?: string;
  name?: string;
}

/** A file uploaded to a conversation; `url` is a capability URL that needs no header. */
export interface Attachment {
  id: string;
  name: string;
  type: string;
  size: number;
  url: string;
}

/** What a `system` message announces; clients show their own text for these. */
export type SystemEvent = 'closed' | 'reopened' | 'joined';

export interface Message {
  id: string;
  clientId?: string;
  conversationId: string;
  seq: number;
  sender: Sender;
  text: string;
  createdAt: string;
  /** On `system` messages. */
  event?: SystemEvent | string;
  /** Suggested answers of an agent or AI message (at most 10). */
  quickReplies?: string[];
  /** At most 5. */
  attachments?: Attachment[];
}

export type ConversationStatus = 'open' | 'closed';

/** What the visitor typed in a pre-chat or away form: not verified. */
export interface Contact {
  name?: string;
  email?: string;
  fields?: Record<string, string>;
}

/** A user vouched for by the site's backend (`userToken`): verified. */
export interface VerifiedUser {
  id: string;
  name?: string;
  email?: string;
}

export interface Conversation {
  id: string;
  visitorId: string;
  status: ConversationStatus | string;
  lastSeq: number;
  lastMessage: Message | null;
  createdAt: string;
  updatedAt: string;
  /** The visitor has seen every message up to this seq. */
  visitorReadSeq?: number;
  /** An agent has seen every message up to this seq. */
  agentReadSeq?: number;
  contact?: Contact;
  user?: VerifiedUser;
}

export interface Agent {
  id: string;
  name: string;
  email: string;
  tenantId: string;
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
  | { type: 'error'; code: string; message: string };
