/**
 * Wire types and codecs for protocol v1 (docs/protocol.md). Everything that crosses the network
 * is checked here, so the rest of the widget works with values whose shape is known.
 */

/** The protocol version this client speaks. */
export const PROTOCOL_VERSION = 1;

/** Longest message text the protocol accepts, in characters. */
export const MAX_MESSAGE_LENGTH = 4000;

/** Who wrote a message. */
export type SenderType = 'visitor' | 'agent' | 'ai' | 'system';

/** The author of a message. */
export interface Sender {
  type: SenderType;
  id?: string;
  name?: string;
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
}

/** Most quick replies one message may carry. */
export const MAX_QUICK_REPLIES = 10;
/** Longest quick reply, in characters. */
export const MAX_QUICK_REPLY_LENGTH = 200;

/** Tenant widget configuration returned with a session (seed 003 `widget_configurations`). */
export interface RemoteWidgetConfig {
  headerText?: string;
  welcomeMessage?: string;
  themeColor?: string;
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
}

/** Answer of `GET /api/chat/messages`. */
export interface MessagePage {
  messages: WireMessage[];
  hasMore: boolean;
  lastSeq: number;
}

/** Frames the server sends on `/ws/chat`. */
export type ServerFrame =
  | { type: 'ready'; protocol: number; conversationId: string; visitorId: string; lastSeq: number }
  | { type: 'message'; message: WireMessage }
  | { type: 'ack'; clientId: string; message: WireMessage }
  | { type: 'typing'; conversationId: string; sender: Sender; typing: boolean }
  | { type: 'error'; code: string; message: string; clientId?: string; retryAfter?: number }
  | { type: 'pong'; ts: number };

/** Frames the client sends on `/ws/chat`. */
export type ClientFrame =
  | { type: 'message'; clientId: string; text: string }
  | { type: 'typing'; typing: boolean }
  | { type: 'sync'; after: number }
  | { type: 'ping'; ts: number };

/** Result of decoding something from the wire: the value, or why it was refused. */
export type Decoded<T> = { ok: true; value: T } | { ok: false; reason: string };

const SENDER_TYPES: ReadonlySet<string> = new Set(['visitor', 'agent', 'ai', 'system']);

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const isString = (v: unknown): v is string => typeof v === 'string';
const isSeq = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 0;

/** Checks that a value is a well-formed {@link WireMessage}; returns the reason when not. */
export function checkMessage(v: unknown): string | undefined {
  if (!isRecord(v)) return 'message is not an object';
  if (!isString(v.id) || v.id === '') return 'message.id is not a string';
  if (!isString(v.conversationId)) return 'message.conversationId is not a string';
  if (!isSeq(v.seq) || v.seq === 0) return 'message.seq is not a positive integer';
  if (!isString(v.text)) return 'message.text is not a string';
  if (!isString(v.createdAt) || Number.isNaN(Date.parse(v.createdAt))) return 'message.createdAt is not a date';
  if (v.clientId !== undefined && !isString(v.clientId)) return 'message.clientId is not a string';
  if (v.quickReplies !== undefined && !isQuickReplies(v.quickReplies)) {
    return `message.quickReplies is not a list of at most ${MAX_QUICK_REPLIES} non-empty strings of at most ${MAX_QUICK_REPLY_LENGTH} characters`;
  }
  const reason = checkSender(v.sender);
  return reason && `message.${reason}`;
}

function isQuickReplies(v: unknown): v is string[] {
  return (
    Array.isArray(v) &&
    v.length <= MAX_QUICK_REPLIES &&
    v.every((r) => isString(r) && r.trim() !== '' && r.length <= MAX_QUICK_REPLY_LENGTH)
  );
}

function checkSender(v: unknown): string | undefined {
  if (!isRecord(v)) return 'sender is not an object';
  if (!isString(v.type) || !SENDER_TYPES.has(v.type)) return 'sender.type is unknown';
  if (v.name !== undefined && !isString(v.name)) return 'sender.name is not a string';
  return undefined;
}

/**
 * Decodes one WebSocket text frame from the server. Malformed JSON, unknown types and missing or
 * wrongly typed fields are refused with a reason, never thrown, so one bad frame cannot stop the
 * connection.
 */
export function decodeServerFrame(data: unknown): Decoded<ServerFrame> {
  if (!isString(data)) return { ok: false, reason: 'frame is not text' };
  let v: unknown;
  try {
    v = JSON.parse(data);
  } catch {
    return { ok: false, reason: 'frame is not JSON' };
  }
  if (!isRecord(v) || !isString(v.type)) return { ok: false, reason: 'frame has no type' };
  const fail = (reason: string): Decoded<ServerFrame> => ({ ok: false, reason: `${v.type} frame: ${reason}` });
  switch (v.type) {
    case 'ready':
      if (!isString(v.conversationId) || !isSeq(v.lastSeq)) return fail('conversationId or lastSeq missing');
      return { ok: true, value: v as ServerFrame };
    case 'message': {
      const reason = checkMessage(v.message);
      return reason ? fail(reason) : { ok: true, value: v as ServerFrame };
    }
    case 'ack': {
      if (!isString(v.clientId)) return fail('clientId missing');
      const reason = checkMessage(v.message);
      return reason ? fail(reason) : { ok: true, value: v as ServerFrame };
    }
    case 'typing': {
      if (typeof v.typing !== 'boolean') return fail('typing is not a boolean');
      const reason = checkSender(v.sender);
      return reason ? fail(reason) : { ok: true, value: v as ServerFrame };
    }
    case 'error':
      if (!isString(v.code) || !isString(v.message)) return fail('code or message missing');
      if (v.retryAfter !== undefined && !(typeof v.retryAfter === 'number' && v.retryAfter >= 0)) return fail('retryAfter is not a number');
      return { ok: true, value: v as ServerFrame };
    case 'pong':
      return { ok: true, value: v as ServerFrame };
    default:
      return { ok: false, reason: `unknown frame type "${v.type.slice(0, 40)}"` };
  }
}

/** Checks the answer of `POST /api/chat/session`. */
export function decodeSession(v: unknown): Decoded<SessionInfo> {
  if (!isRecord(v)) return { ok: false, reason: 'session answer is not an object' };
  for (const key of ['visitorId', 'conversationId', 'token', 'wsUrl'] as const) {
    if (!isString(v[key]) || v[key] === '') return { ok: false, reason: `session answer has no ${key}` };
  }
  if (v.protocol !== PROTOCOL_VERSION) return { ok: false, reason: `server speaks protocol ${String(v.protocol)}, not ${PROTOCOL_VERSION}` };
  const config = isRecord(v.config) ? v.config : {};
  return {
    ok: true,
    value: {
      ...(v as unknown as SessionInfo),
      lastSeq: isSeq(v.lastSeq) ? v.lastSeq : 0,
      config: {
        headerText: isString(config.headerText) ? config.headerText : undefined,
        welcomeMessage: isString(config.welcomeMessage) ? config.welcomeMessage : undefined,
        themeColor: isString(config.themeColor) ? config.themeColor : undefined,
      },
    },
  };
}

/** Checks the answer of `GET /api/chat/messages`, keeping the well-formed messages. */
export function decodeMessagePage(v: unknown): Decoded<MessagePage> {
  if (!isRecord(v) || !Array.isArray(v.messages)) return { ok: false, reason: 'messages answer has no messages array' };
  const messages = v.messages.filter((m): m is WireMessage => checkMessage(m) === undefined);
  if (messages.length !== v.messages.length) return { ok: false, reason: 'messages answer holds a malformed message' };
  return { ok: true, value: { messages, hasMore: v.hasMore === true, lastSeq: isSeq(v.lastSeq) ? v.lastSeq : 0 } };
}

/** Reads the `{error: {code, message}}` body of a failed response, tolerating anything else. */
export function decodeErrorBody(v: unknown): { code: string; message: string } | undefined {
  if (!isRecord(v) || !isRecord(v.error)) return undefined;
  const { code, message } = v.error;
  return isString(code) ? { code, message: isString(message) ? message : code } : undefined;
}
