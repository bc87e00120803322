/**
 * The wire types of protocol v1 (docs/protocol.md): what the server answers and the frames both
 * sides send. Decoders (v1.ts) check untrusted values against them.
 */
import type { ProtocolErrorCode } from './errors.js';

/** Who wrote a message. */
export type SenderType = 'visitor' | 'agent' | 'ai' | 'system';

/** The author of a message. */
export interface Sender {
  type: SenderType;
  id?: string;
  name?: string;
  /** Absolute http(s) URL of the author's picture (the assistant, agents; optional). */
  avatar?: string;
}

/** A message as stored by the server. */
export interface WireMessage {
  id: string;
  clientId?: string;
  conversationId: string;
  seq: number;
  sender: Sender;
  text: string;
  createdAt: string;
  /** Suggested answers the visitor can send with one press (agent and AI messages; optional). */
  quickReplies?: string[];
  /** Files sent with the message (at most `MAX_ATTACHMENTS`; optional). */
  attachments?: Attachment[];
  /** What a `system` message records: the conversation was closed, reopened, an agent joined, or a call changed. */
  event?: ConversationEvent;
  /** On a `call` notice: the call it records (docs/protocol.md, Voice). */
  call?: CallNotice;
  /** Assistant (`ai`) messages: the stream that produced it (docs/protocol.md, Streams). */
  streamId?: string;
  /** Assistant messages: links shown under the answer. */
  sources?: { title: string; url: string }[];
  /** Assistant messages: the visitor stopped the answer; `text` is what had streamed. */
  stopped?: boolean;
  /** Assistant messages: the server ended the answer (a person took over, a handoff, a close); `text` is what had streamed. */
  interrupted?: boolean;
  /** Assistant messages: the assistant's own notice (handoff text, apology), not an answer: no feedback on it. */
  notice?: boolean;
  /** Assistant messages: show a "Talk to a person" action with it. */
  handoffOffer?: boolean;
  /** `system` messages about a handoff (`escalated`, `assigned`, `transferred`, `returned`). */
  handoff?: { reason?: string; requestedBy?: 'visitor' | 'assistant' | 'agent'; agent?: { id: string; name: string } };
}

/** Events a `system` message may record (clients show their own localized text for them). */
export type ConversationEvent = 'closed' | 'reopened' | 'joined' | 'escalated' | 'assigned' | 'transferred' | 'returned' | 'call';

/** What a `call` notice of the transcript records about the call (docs/protocol.md, Voice). */
export interface CallNotice {
  id: string;
  kind: 'callback' | 'webrtc';
  /** `requested` (asked for, or the invitation went out), `in_progress` (answered), or a final state. */
  state: string;
  reason?: string;
  /** Talk time, on the final notice. */
  durationSeconds?: number;
  /** The server's simulation: no phone rang. */
  simulated?: true;
  /** Callbacks, on the first notice: the number called, masked (`+1••••••2671`). */
  to?: string;
  /** In-browser calls: who called. */
  from?: 'visitor' | 'agent';
}

/** Whether a conversation takes messages (`open`) or an agent closed it (`closed`). */
export type ConversationStatus = 'open' | 'closed';

/** A file uploaded to the conversation (`POST /api/chat/uploads`), referenced by messages. */
export interface Attachment {
  id: string;
  name: string;
  /** MIME type the server stored. */
  type: string;
  /** Size in bytes. */
  size: number;
  /** Absolute http(s) URL of the file (a capability URL: no header needed). */
  url: string;
}

/** Upload limits of a tenant (`config.attachments`): largest file in bytes, allowed types (`[]`: off). */
export interface AttachmentLimits {
  maxSize: number;
  /** Exact MIME types or `type/*` patterns. */
  types: string[];
}

/** Tenant widget configuration returned with a session (seed 003 `widget_configurations`). */
export interface RemoteWidgetConfig {
  headerText?: string;
  welcomeMessage?: string;
  themeColor?: string;
  /** Text shown while no agent is online (element attribute `away-message` wins). */
  awayMessage?: string;
  /** Upload limits; absent when the server takes no attachments. */
  attachments?: AttachmentLimits;
  /** What the site offers of voice (docs/protocol.md, Voice), as sent: the voice chunk checks it (services/voice/wire.ts). */
  voice?: Record<string, unknown>;
  /** The site's assistant (`{ name, avatar?, greeting }`), as sent: protocol/assistant.ts checks it. */
  assistant?: Record<string, unknown>;
  /** The tenant's texts per language (`{ ar: { headerText, … } }`): the widget picks its language's, falling back to the ones above. */
  texts?: Record<string, TenantTexts>;
  /** Who answers: the team's name, its typical reply time, the agents online when the session started. */
  team?: TeamInfo;
}

/** The tenant texts that can differ per language. */
export interface TenantTexts {
  headerText?: string;
  welcomeMessage?: string;
  awayMessage?: string;
}

/** Session `config.team` (docs/protocol.md, "Team"). */
export interface TeamInfo {
  name?: string;
  /** How fast the team typically answers. */
  replyTime?: 'minutes' | 'hours' | 'day';
  /** The agents online when the session was answered (display names, avatar URLs), at most 5. */
  agents?: readonly { name: string; avatar?: string }[];
}

/** Contact details a visitor gives (pre-chat form, away e-mail capture; `POST /api/chat/contact`). Not verified. */
export interface Contact {
  name?: string;
  email?: string;
  /** Other fields of the pre-chat form, by name. */
  fields?: Record<string, string>;
}

/** A user the site's backend vouched for with a `userToken`, as the server confirmed it. */
export interface VerifiedUser {
  /** The site's user id (`sub` of the token). */
  id: string;
  name?: string;
  email?: string;
}

/** Answer of `POST /api/chat/session`. */
export interface SessionInfo {
  protocol: number;
  tenantId: string;
  visitorId: string;
  conversationId: string;
  token: string;
  expiresAt: string;
  wsUrl: string;
  lastSeq: number;
  config: RemoteWidgetConfig;
  /** Status of the conversation; `open` when the server does not say. */
  status: ConversationStatus;
  /** Whether an agent of the tenant is online; undefined when the server does not say. */
  agentsOnline?: boolean;
  /** An agent has read every message up to this sequence number (0: none). */
  agentReadSeq: number;
  /**
   * True when the server relinked a visitor whose storage was cleared by the opt-in coarse
   * fingerprint: `visitorId` is then that visitor's, and the client adopts it.
   */
  relinked?: boolean;
  /** The verified user the session belongs to; absent for an anonymous visitor. */
  user?: VerifiedUser;
  /** The conversation's handoff state, as sent: protocol/assistant.ts's `decodeHandoff` checks it. */
  handoff?: Record<string, unknown>;
  /**
   * The newest page, when the request asked for it (`history`, docs/protocol.md): the answer's
   * only part that is not kept with the session (SessionManager hands it on and drops it).
   */
  history?: MessagePage;
}

/** Answer of `GET /api/chat/messages`. */
export interface MessagePage {
  messages: WireMessage[];
  hasMore: boolean;
  lastSeq: number;
  status?: ConversationStatus;
  agentsOnline?: boolean;
  agentReadSeq?: number;
  /** The conversation's current call (active, or ended a minute ago at most), as sent; and its mode. */
  call?: Record<string, unknown>;
  mode?: 'chat' | 'voice';
  /** The visitor's long poll only: the agent typing now, or null (HTTP has no typing frames). */
  typing?: Sender | null;
  /** The visitor's pages: the assistant's streams in flight and the handoff state, as sent (protocol/assistant.ts checks them). */
  streams?: unknown[];
  handoff?: Record<string, unknown>;
}

/** Frames the server sends on `/ws/chat`. */
export type ServerFrame =
  | { type: 'ready'; protocol: number; conversationId: string; visitorId: string; lastSeq: number }
  | { type: 'message'; message: WireMessage }
  /**
   * Replayed history (after `ready`, for `after=` or a `sync`), one page per frame, oldest first:
   * sent instead of one `message` frame each when the socket was opened with `batch=1`.
   */
  | { type: 'messages'; messages: WireMessage[] }
  | { type: 'ack'; clientId: string; message: WireMessage }
  | { type: 'typing'; conversationId: string; sender: Sender; typing: boolean }
  | { type: 'error'; code: ProtocolErrorCode; message: string; clientId?: string; retryAfter?: number }
  | { type: 'pong'; ts: number }
  | { type: 'status'; conversationId: string; status: ConversationStatus }
  | { type: 'presence'; agentsOnline: boolean }
  | { type: 'read'; conversationId: string; reader: 'visitor' | 'agent'; seq: number }
  | VoiceWireFrame;

/**
 * A voice frame (`call`, `mode`, `rtc`; docs/protocol.md, Voice) as sent: the main chunk only
 * routes it; the voice chunk checks it field by field (services/voice/wire.ts).
 */
export interface VoiceWireFrame {
  type: 'call' | 'mode' | 'rtc';
  [key: string]: unknown;
}

/** Frames the client sends on `/ws/chat`. */
export type ClientFrame =
  | { type: 'message'; clientId: string; text: string; attachments?: string[] }
  | { type: 'typing'; typing: boolean }
  | { type: 'sync'; after: number }
  | { type: 'ping'; ts: number }
  | { type: 'read'; seq: number };

/** Result of decoding something from the wire: the value, or why it was refused. */
export type Decoded<T> = { ok: true; value: T } | { ok: false; reason: string };
