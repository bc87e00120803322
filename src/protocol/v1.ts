/**
 * Protocol v1 (docs/protocol.md): the decoders, and the one entry to the protocol for the widget.
 * Everything that crosses the network is checked here, so the rest of the widget works with values
 * whose shape is known. The wire types live in `wire.ts`, the limits in `limits.js` (shared with
 * the reference server and the agent console), the errors in `errors.ts`; all are re-exported here.
 */
import { isProtocolErrorCode } from './errors.js';
import { isRecord, isSeq, isString } from './guards.js';
import { MAX_ATTACHMENTS, MAX_QUICK_REPLIES, MAX_QUICK_REPLY_LENGTH, PROTOCOL_VERSION, textLength } from './limits.js';
import type {
  AttachmentLimits,
  ConversationStatus,
  Decoded,
  MessagePage,
  ServerFrame,
  Sender,
  SessionInfo,
  TeamInfo,
  TenantTexts,
  VerifiedUser,
  WireMessage,
} from './wire.js';

export * from './limits.js';
export * from './errors.js';
export * from './wire.js';

const CONVERSATION_EVENTS: ReadonlySet<string> = new Set([
  'closed',
  'reopened',
  'joined',
  'escalated',
  'assigned',
  'transferred',
  'returned',
  'call',
]);
const isStatus = (v: unknown): v is ConversationStatus => v === 'open' || v === 'closed';

const SENDER_TYPES: ReadonlySet<string> = new Set(['visitor', 'agent', 'ai', 'system']);

/** Checks that a value is a well-formed {@link WireMessage}; returns the reason when not. */
export function checkMessage(v: unknown): string | undefined {
  if (!isRecord(v)) return 'message is not an object';
  if (!isString(v.id) || v.id === '') return 'message.id is not a string';
  if (!isString(v.conversationId)) return 'message.conversationId is not a string';
  if (!isSeq(v.seq) || v.seq === 0) return 'message.seq is not a positive integer';
  if (!isString(v.text)) return 'message.text is not a string';
  if (!isString(v.createdAt) || Number.isNaN(Date.parse(v.createdAt))) return 'message.createdAt is not a date';
  if (v.clientId !== undefined && !isString(v.clientId)) return 'message.clientId is not a string';
  if (v.event !== undefined && !(isString(v.event) && CONVERSATION_EVENTS.has(v.event))) return 'message.event is unknown';
  if (v.quickReplies !== undefined && !isQuickReplies(v.quickReplies)) {
    return `message.quickReplies is not a list of at most ${MAX_QUICK_REPLIES} non-empty strings of at most ${MAX_QUICK_REPLY_LENGTH} characters`;
  }
  if (v.attachments !== undefined) {
    if (!Array.isArray(v.attachments) || v.attachments.length > MAX_ATTACHMENTS)
      return `message.attachments is not a list of at most ${MAX_ATTACHMENTS}`;
    for (const a of v.attachments) {
      const reason = checkAttachment(a);
      if (reason) return `message.${reason}`;
    }
  }
  const reason = checkSender(v.sender);
  return reason && `message.${reason}`;
}

/** True for an absolute `http:` or `https:` URL: the only kind that may become a link or an image. */
export function isHttpUrl(v: unknown): v is string {
  if (!isString(v)) return false;
  try {
    const url = new URL(v);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

/** Checks that a value is a well-formed `Attachment` with an http(s) URL; returns the reason when not. */
export function checkAttachment(v: unknown): string | undefined {
  if (!isRecord(v)) return 'attachment is not an object';
  if (!isString(v.id) || v.id === '') return 'attachment.id is not a string';
  if (!isString(v.name) || v.name === '') return 'attachment.name is not a string';
  if (!isString(v.type)) return 'attachment.type is not a string';
  if (!(Number.isInteger(v.size) && (v.size as number) >= 0)) return 'attachment.size is not a size';
  if (!isHttpUrl(v.url)) return 'attachment.url is not an http(s) URL';
  return undefined;
}

/** Reads `config.attachments`; undefined (attachments off) when absent or malformed. */
function decodeLimits(v: unknown): AttachmentLimits | undefined {
  if (!isRecord(v) || !(typeof v.maxSize === 'number' && v.maxSize >= 0) || !Array.isArray(v.types)) return undefined;
  return { maxSize: v.maxSize, types: v.types.filter(isString) };
}

function isQuickReplies(v: unknown): v is string[] {
  return (
    Array.isArray(v) &&
    v.length <= MAX_QUICK_REPLIES &&
    v.every((r) => isString(r) && r.trim() !== '' && textLength(r, MAX_QUICK_REPLY_LENGTH) <= MAX_QUICK_REPLY_LENGTH)
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
    case 'messages': {
      if (!Array.isArray(v.messages)) return fail('messages is not an array');
      for (const m of v.messages) {
        const reason = checkMessage(m);
        if (reason) return fail(reason);
      }
      return { ok: true, value: v as ServerFrame };
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
      if (v.clientId !== undefined && !isString(v.clientId)) return fail('clientId is not a string');
      // A code this client does not know yet is an unexpected failure of the server.
      return { ok: true, value: { ...(v as ServerFrame & { type: 'error' }), code: isProtocolErrorCode(v.code) ? v.code : 'internal' } };
    case 'pong':
      return { ok: true, value: v as ServerFrame };
    case 'status':
      if (!isString(v.conversationId) || !isStatus(v.status)) return fail('conversationId or status missing');
      return { ok: true, value: v as ServerFrame };
    case 'presence':
      if (typeof v.agentsOnline !== 'boolean') return fail('agentsOnline is not a boolean');
      return { ok: true, value: v as ServerFrame };
    case 'read':
      if (!isString(v.conversationId) || !isSeq(v.seq) || (v.reader !== 'visitor' && v.reader !== 'agent'))
        return fail('conversationId, reader or seq missing');
      return { ok: true, value: v as ServerFrame };
    case 'call':
    case 'mode':
    case 'rtc':
      // Routed as is; the voice chunk (services/voice/wire.ts) checks each field before use.
      return { ok: true, value: v as ServerFrame };
    default:
      return { ok: false, reason: `unknown frame type "${v.type.slice(0, 40)}"` };
  }
}

/**
 * Checks the answer of `POST /api/chat/session` and builds the {@link SessionInfo} from the fields
 * it knows, one by one: nothing else in the answer is passed on (the session is stored and read
 * back, so a stray field would live on in IndexedDB).
 */
export function decodeSession(v: unknown): Decoded<SessionInfo> {
  if (!isRecord(v)) return { ok: false, reason: 'session answer is not an object' };
  for (const key of ['visitorId', 'conversationId', 'token', 'wsUrl'] as const) {
    if (!isString(v[key]) || v[key] === '') return { ok: false, reason: `session answer has no ${key}` };
  }
  if (v.protocol !== PROTOCOL_VERSION)
    return { ok: false, reason: `server speaks protocol ${String(v.protocol)}, not ${PROTOCOL_VERSION}` };
  if (!isString(v.expiresAt) || Number.isNaN(Date.parse(v.expiresAt))) return { ok: false, reason: 'session answer has no expiresAt date' };
  const config = isRecord(v.config) ? v.config : {};
  const user = decodeUser(v.user);
  // A malformed page is left out: the client then fetches it (GET /api/chat/messages), as without one.
  const history = v.history === undefined ? undefined : decodeMessagePage(v.history);
  return {
    ok: true,
    value: {
      protocol: PROTOCOL_VERSION,
      tenantId: isString(v.tenantId) ? v.tenantId : '',
      visitorId: v.visitorId as string,
      conversationId: v.conversationId as string,
      token: v.token as string,
      expiresAt: v.expiresAt,
      wsUrl: v.wsUrl as string,
      lastSeq: isSeq(v.lastSeq) ? v.lastSeq : 0,
      status: isStatus(v.status) ? v.status : 'open',
      agentsOnline: typeof v.agentsOnline === 'boolean' ? v.agentsOnline : undefined,
      agentReadSeq: isSeq(v.agentReadSeq) ? v.agentReadSeq : 0,
      relinked: v.relinked === true ? true : undefined,
      ...(user ? { user } : {}),
      config: {
        headerText: isString(config.headerText) ? config.headerText : undefined,
        welcomeMessage: isString(config.welcomeMessage) ? config.welcomeMessage : undefined,
        themeColor: isString(config.themeColor) ? config.themeColor : undefined,
        awayMessage: isString(config.awayMessage) ? config.awayMessage : undefined,
        attachments: decodeLimits(config.attachments),
        ...(isRecord(config.voice) ? { voice: config.voice } : {}),
        ...(isRecord(config.assistant) ? { assistant: config.assistant } : {}),
        ...decodeTexts(config.texts),
        ...decodeTeam(config.team),
      },
      ...(isRecord(v.handoff) ? { handoff: v.handoff } : {}),
      ...(history?.ok ? { history: history.value } : {}),
    },
  };
}

const TEXT_KEYS = ['headerText', 'welcomeMessage', 'awayMessage'] as const;

/** Session `config.texts`: the well-formed languages and strings, or nothing. */
function decodeTexts(v: unknown): { texts?: Record<string, TenantTexts> } {
  if (!isRecord(v)) return {};
  const texts: Record<string, TenantTexts> = {};
  for (const [lang, entry] of Object.entries(v)) {
    if (!/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/.test(lang) || !isRecord(entry)) continue;
    const picked: TenantTexts = {};
    for (const key of TEXT_KEYS) if (isString(entry[key]) && entry[key]) picked[key] = entry[key];
    texts[lang] = picked;
  }
  return Object.keys(texts).length ? { texts } : {};
}

/** Session `config.team`, keeping what is well formed. */
function decodeTeam(v: unknown): { team?: TeamInfo } {
  if (!isRecord(v)) return {};
  const replyTime = v.replyTime === 'minutes' || v.replyTime === 'hours' || v.replyTime === 'day' ? v.replyTime : undefined;
  const agents = Array.isArray(v.agents)
    ? v.agents
        .filter((a): a is Record<string, unknown> => isRecord(a) && isString(a.name) && a.name.trim() !== '')
        .slice(0, 5)
        .map((a) => ({ name: a.name as string, ...(isString(a.avatar) && /^https?:\/\//i.test(a.avatar) ? { avatar: a.avatar } : {}) }))
    : undefined;
  const team: TeamInfo = {
    ...(isString(v.name) && v.name ? { name: v.name } : {}),
    ...(replyTime ? { replyTime } : {}),
    ...(agents?.length ? { agents } : {}),
  };
  return Object.keys(team).length ? { team } : {};
}

/** Reads a {@link VerifiedUser}; undefined when absent or malformed (then the session is anonymous). */
export function decodeUser(v: unknown): VerifiedUser | undefined {
  if (!isRecord(v) || !isString(v.id) || v.id === '') return undefined;
  return {
    id: v.id,
    ...(isString(v.name) ? { name: v.name } : {}),
    ...(isString(v.email) ? { email: v.email } : {}),
  };
}

/** Checks the answer of `GET /api/chat/messages`, keeping the well-formed messages. */
export function decodeMessagePage(v: unknown): Decoded<MessagePage> {
  if (!isRecord(v) || !Array.isArray(v.messages)) return { ok: false, reason: 'messages answer has no messages array' };
  const messages = v.messages.filter((m): m is WireMessage => checkMessage(m) === undefined);
  if (messages.length !== v.messages.length) return { ok: false, reason: 'messages answer holds a malformed message' };
  return {
    ok: true,
    value: {
      messages,
      hasMore: v.hasMore === true,
      lastSeq: isSeq(v.lastSeq) ? v.lastSeq : 0,
      ...(isStatus(v.status) ? { status: v.status } : {}),
      ...(typeof v.agentsOnline === 'boolean' ? { agentsOnline: v.agentsOnline } : {}),
      ...(isSeq(v.agentReadSeq) ? { agentReadSeq: v.agentReadSeq } : {}),
      ...(isRecord(v.call) ? { call: v.call } : {}),
      ...(v.mode === 'chat' || v.mode === 'voice' ? { mode: v.mode } : {}),
      ...(Array.isArray(v.streams) ? { streams: v.streams as unknown[] } : {}),
      ...(isRecord(v.handoff) ? { handoff: v.handoff } : {}),
      ...(v.typing === null || (v.typing !== undefined && checkSender(v.typing) === undefined)
        ? { typing: v.typing as Sender | null }
        : {}),
    },
  };
}
