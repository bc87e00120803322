/**
 * The assistant's part of protocol v1 (docs/protocol.md, "The assistant"): streamed answers,
 * handoff and queue, feedback, rating and transcript. The types are shared by the widget and the
 * agent console; the decoders check untrusted frames and answers without throwing, like
 * `decodeServerFrame` (which leaves these frame types to {@link decodeAssistantFrame}).
 */
import { checkMessage, isHttpUrl } from './v1.js';
import { isRecord, isSeq, isString } from './guards.js';
import type { Sender, WireMessage } from './wire.js';

/** A link under an assistant answer. */
export interface Source {
  title: string;
  /** Absolute http(s) URL. */
  url: string;
}

/** The assistant of the site, as the session answer's `config.assistant` describes it. */
export interface AssistantConfig {
  name: string;
  /** Absolute http(s) URL. */
  avatar?: string;
  /** Shown as the assistant's first words; not stored. */
  greeting: string;
}

/** Events of the `system` messages a handoff stores (besides `closed`, `reopened`, `joined`). */
export type AssistantEvent = 'escalated' | 'assigned' | 'transferred' | 'returned';

/** Why a stream ended. */
export type StreamEndReason = 'complete' | 'stopped' | 'failed';

/** Codes of a failed stream (`stream_end.error.code`; docs/assistant.md). */
export type StreamErrorCode = 'unauthorized' | 'rate_limited' | 'bad_request' | 'server_error' | 'stream_cut' | 'malformed' | 'timeout';

/** A stream in flight, as the `streams` frame and the message page's `streams` carry it. */
export interface StreamSnapshot {
  streamId: string;
  sender: Sender;
  /** The seq of the visitor message it answers. */
  replyTo: number;
  startedAt: string;
  /** The last delta the text contains (-1: none yet). */
  index: number;
  /** Everything streamed so far. */
  text: string;
}

/** Where a conversation is: with the assistant, queued for a person, with a person, or neither. */
export type HandoffStateName = 'assistant' | 'queued' | 'assigned' | 'none';

/** Who escalated a conversation. */
export type EscalatedBy = 'visitor' | 'assistant' | 'agent';

/** An agent as a handoff shows it (seed 002's `chat.session.assigned`). */
export interface HandoffAgent {
  id: string;
  name: string;
  avatar?: string;
}

/** The handoff state of a conversation (session answer, message page, `handoff` frame). */
export interface Handoff {
  state: HandoffStateName;
  reason?: string;
  requestedBy?: EscalatedBy;
  requestedAt?: string;
  /** While queued: 1 = next. */
  position?: number;
  /** While queued: an estimate; null when no agent is online. */
  estimatedWaitSeconds?: number | null;
  /** While assigned. */
  agent?: HandoffAgent;
  agentsOnline: boolean;
  withinHours: boolean;
}

/** A rating of a closed conversation. */
export interface Rating {
  score: 1 | 2 | 3 | 4 | 5;
  comment?: string;
  createdAt: string;
}

/** A conversation waiting for a person (agent side). */
export interface QueueEntry {
  conversationId: string;
  position: number;
  queuedAt: string;
  waitingSeconds: number;
  reason: string;
  requestedBy: EscalatedBy;
  metadata?: Record<string, string>;
  /** The agent-side Conversation. */
  conversation: Record<string, unknown>;
}

/** An agent of the tenant as the queue shows it. */
export interface QueueAgent {
  id: string;
  name: string;
  online: boolean;
  /** Open conversations assigned to the agent. */
  assigned: number;
  /** The tenant's `maxPerAgent`. */
  limit: number;
}

/** Assistant frames the server sends on `/ws/chat` (and, with `conversationId`, on `/ws/agent`). */
export type AssistantServerFrame =
  | { type: 'stream_start'; conversationId: string; streamId: string; sender: Sender; replyTo: number; startedAt: string }
  | { type: 'stream_delta'; conversationId: string; streamId: string; index: number; text: string }
  | { type: 'streams'; conversationId: string; streams: StreamSnapshot[] }
  | {
      type: 'stream_end';
      conversationId: string;
      streamId: string;
      reason: StreamEndReason;
      message?: WireMessage;
      error?: { code: StreamErrorCode | string; retryAfter?: number };
    }
  | { type: 'handoff'; conversationId: string; handoff: Handoff };

/** Frames only the agent socket gets. */
export type AssistantAgentFrame =
  | AssistantServerFrame
  | { type: 'queue'; queue: QueueEntry[] }
  | { type: 'feedback'; conversationId: string; messageId: string; helpful: boolean; comment?: string };

/** Assistant frames the visitor sends on `/ws/chat`. */
export type AssistantClientFrame = { type: 'stream_stop'; streamId: string };

/** The frame types {@link decodeAssistantFrame} reads. */
export const ASSISTANT_FRAME_TYPES: ReadonlySet<string> = new Set(['stream_start', 'stream_delta', 'streams', 'stream_end', 'handoff']);

/** Body of `POST /api/chat/escalate`. */
export interface EscalateRequest {
  conversationId: string;
  reason?: string;
  metadata?: Record<string, string>;
}

/** Body of `POST /api/chat/feedback`. */
export interface FeedbackRequest {
  conversationId: string;
  messageId: string;
  helpful: boolean;
  comment?: string;
}

/** Body of `POST /api/chat/rating`. */
export interface RatingRequest {
  conversationId: string;
  score: number;
  comment?: string;
}

/** Answer of `POST /api/chat/transcript/email`. */
export interface TranscriptEmailResult {
  delivered: boolean;
}

/** Limits of the assistant's requests (docs/protocol.md). */
export const MAX_ESCALATION_REASON = 500;
export const MAX_FEEDBACK_COMMENT = 1000;
export const MAX_SOURCES = 5;

/** Extra fields of an assistant message (`sender.type` `ai`). */
export interface AssistantMessageFields {
  streamId?: string;
  sources?: Source[];
  stopped?: boolean;
  interrupted?: boolean;
  notice?: boolean;
  handoffOffer?: boolean;
}

type Result<T> = { ok: true; value: T } | { ok: false; reason: string };

const HANDOFF_STATES: ReadonlySet<string> = new Set(['assistant', 'queued', 'assigned', 'none']);
const BY: ReadonlySet<string> = new Set(['visitor', 'assistant', 'agent']);
const END_REASONS: ReadonlySet<string> = new Set(['complete', 'stopped', 'failed']);

/** Reads `sources` of an assistant message: only well-formed http(s) links, at most {@link MAX_SOURCES}. */
export function decodeSources(v: unknown): Source[] {
  if (!Array.isArray(v)) return [];
  return v
    .filter((s): s is Source => isRecord(s) && isString(s.title) && s.title.trim() !== '' && isHttpUrl(s.url))
    .slice(0, MAX_SOURCES)
    .map((s) => ({ title: s.title.slice(0, 200), url: s.url }));
}

/** Reads the session answer's `config.assistant`; undefined when absent or malformed. */
export function decodeAssistantConfig(v: unknown): AssistantConfig | undefined {
  if (!isRecord(v) || !isString(v.name) || v.name === '') return undefined;
  return {
    name: v.name,
    greeting: isString(v.greeting) ? v.greeting : '',
    ...(isHttpUrl(v.avatar) ? { avatar: v.avatar } : {}),
  };
}

/** Reads a {@link Handoff}; undefined when malformed. */
export function decodeHandoff(v: unknown): Handoff | undefined {
  if (!isRecord(v) || !isString(v.state) || !HANDOFF_STATES.has(v.state)) return undefined;
  const h: Handoff = {
    state: v.state as HandoffStateName,
    agentsOnline: v.agentsOnline === true,
    withinHours: v.withinHours !== false,
  };
  if (isString(v.reason)) h.reason = v.reason;
  if (isString(v.requestedBy) && BY.has(v.requestedBy)) h.requestedBy = v.requestedBy as EscalatedBy;
  if (isString(v.requestedAt)) h.requestedAt = v.requestedAt;
  if (Number.isInteger(v.position) && (v.position as number) >= 1) h.position = v.position as number;
  if (v.estimatedWaitSeconds === null || (typeof v.estimatedWaitSeconds === 'number' && v.estimatedWaitSeconds >= 0))
    h.estimatedWaitSeconds = v.estimatedWaitSeconds;
  if (isRecord(v.agent) && isString(v.agent.id) && isString(v.agent.name)) {
    h.agent = { id: v.agent.id, name: v.agent.name, ...(isHttpUrl(v.agent.avatar) ? { avatar: v.agent.avatar } : {}) };
  }
  return h;
}

function decodeSnapshot(v: unknown): StreamSnapshot | undefined {
  if (!isRecord(v) || !isString(v.streamId) || !isString(v.text) || !Number.isInteger(v.index) || (v.index as number) < -1)
    return undefined;
  if (!isRecord(v.sender) || v.sender.type !== 'ai' || !isSeq(v.replyTo) || !isString(v.startedAt)) return undefined;
  return {
    streamId: v.streamId,
    sender: v.sender as unknown as Sender,
    replyTo: v.replyTo,
    startedAt: v.startedAt,
    index: v.index as number,
    text: v.text,
  };
}

/** Reads the message page's `streams` (the long poll's snapshot); malformed entries are left out. */
export function decodeStreams(v: unknown): StreamSnapshot[] {
  if (!Array.isArray(v)) return [];
  return v.map(decodeSnapshot).filter((s): s is StreamSnapshot => s !== undefined);
}

/**
 * Decodes an already parsed server frame of one of the {@link ASSISTANT_FRAME_TYPES}. Malformed
 * frames are refused with a reason, never thrown.
 */
export function decodeAssistantFrame(v: unknown): Result<AssistantServerFrame> {
  if (!isRecord(v) || !isString(v.type)) return { ok: false, reason: 'frame has no type' };
  const fail = (reason: string): Result<AssistantServerFrame> => ({ ok: false, reason: `${v.type} frame: ${reason}` });
  if (!isString(v.conversationId)) return fail('conversationId missing');
  const conversationId = v.conversationId;
  switch (v.type) {
    case 'stream_start':
      if (!isString(v.streamId) || !isRecord(v.sender) || v.sender.type !== 'ai' || !isSeq(v.replyTo) || !isString(v.startedAt))
        return fail('streamId, sender, replyTo or startedAt missing');
      return {
        ok: true,
        value: {
          type: 'stream_start',
          conversationId,
          streamId: v.streamId,
          sender: v.sender as unknown as Sender,
          replyTo: v.replyTo,
          startedAt: v.startedAt,
        },
      };
    case 'stream_delta':
      if (!isString(v.streamId) || !isSeq(v.index) || !isString(v.text)) return fail('streamId, index or text missing');
      return { ok: true, value: { type: 'stream_delta', conversationId, streamId: v.streamId, index: v.index, text: v.text } };
    case 'streams':
      if (!Array.isArray(v.streams)) return fail('streams is not an array');
      return { ok: true, value: { type: 'streams', conversationId, streams: decodeStreams(v.streams) } };
    case 'stream_end': {
      if (!isString(v.streamId) || !isString(v.reason) || !END_REASONS.has(v.reason)) return fail('streamId or reason missing');
      if (v.message !== undefined) {
        const reason = checkMessage(v.message);
        if (reason) return fail(reason);
      }
      const error =
        isRecord(v.error) && isString(v.error.code)
          ? { code: v.error.code, ...(typeof v.error.retryAfter === 'number' ? { retryAfter: v.error.retryAfter } : {}) }
          : undefined;
      return {
        ok: true,
        value: {
          type: 'stream_end',
          conversationId,
          streamId: v.streamId,
          reason: v.reason as StreamEndReason,
          ...(v.message !== undefined ? { message: v.message as WireMessage } : {}),
          ...(error ? { error } : {}),
        },
      };
    }
    case 'handoff': {
      const handoff = decodeHandoff(v.handoff);
      return handoff ? { ok: true, value: { type: 'handoff', conversationId, handoff } } : fail('handoff is malformed');
    }
    default:
      return fail('not an assistant frame');
  }
}
