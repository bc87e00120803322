/** Wire types of the agent side of protocol v1 (docs/protocol.md). */

export interface Sender {
  type: 'visitor' | 'agent' | 'ai' | 'system';
  id?: string;
  name?: string;
}

export interface Message {
  id: string;
  clientId?: string;
  conversationId: string;
  seq: number;
  sender: Sender;
  text: string;
  createdAt: string;
}

export interface Conversation {
  id: string;
  visitorId: string;
  status: string;
  lastSeq: number;
  lastMessage: Message | null;
  createdAt: string;
  updatedAt: string;
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
  | { type: 'pong'; ts: unknown }
  | { type: 'error'; code: string; message: string };
