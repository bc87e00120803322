import type { AgentFrame, Attachment, Conversation, Message } from './types.js';

/**
 * Checks of what the backend sends, before the console uses it: a malformed frame or object is
 * dropped with one console warning per kind of problem, and never throws into the connection.
 * Optional additions (attachments, quick replies, contact, user, read marks) that are malformed
 * are left out of an otherwise good object instead of losing the whole message or conversation.
 */

const warned = new Set<string>();

/** Logs a warning once per `key` (a flood of bad frames makes one line, not thousands). */
export function warnOnce(key: string, text: string) {
  if (warned.has(key)) return;
  warned.add(key);
  console.warn(`amoiq agent console: ${text}`);
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isString = (v: unknown): v is string => typeof v === 'string';
const isSeq = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 0;

function isAttachment(v: unknown): v is Attachment {
  return (
    isObject(v) && isString(v.id) && isString(v.name) && isString(v.type) && isString(v.url) && typeof v.size === 'number' && v.size >= 0
  );
}

/** A message, or null when it lacks what every message has. */
export function checkMessage(v: unknown): Message | null {
  if (!isObject(v) || !isString(v.id) || !isString(v.conversationId) || !isSeq(v.seq) || !isString(v.text) || !isString(v.createdAt)) {
    warnOnce('message', 'ignoring a malformed message');
    return null;
  }
  if (!isObject(v.sender) || !['visitor', 'agent', 'ai', 'system'].includes(v.sender.type as string)) {
    warnOnce('sender', 'ignoring a message with a malformed sender');
    return null;
  }
  const message = { ...v } as unknown as Message;
  if (v.attachments !== undefined && !(Array.isArray(v.attachments) && v.attachments.every(isAttachment))) {
    warnOnce('attachments', `message ${v.id}: malformed attachments left out`);
    delete message.attachments;
  }
  if (v.quickReplies !== undefined && !(Array.isArray(v.quickReplies) && v.quickReplies.every(isString))) {
    warnOnce('quickReplies', `message ${v.id}: malformed quick replies left out`);
    delete message.quickReplies;
  }
  return message;
}

/** A conversation, or null when it lacks what every conversation has. */
export function checkConversation(v: unknown): Conversation | null {
  if (!isObject(v) || !isString(v.id) || !isString(v.visitorRef) || !isSeq(v.lastSeq) || !isString(v.createdAt) || !isString(v.updatedAt)) {
    warnOnce('conversation', 'ignoring a malformed conversation');
    return null;
  }
  const conversation = {
    ...v,
    status: isString(v.status) ? v.status : 'open',
    lastMessage: v.lastMessage ? checkMessage(v.lastMessage) : null,
  } as Conversation;
  for (const key of ['visitorReadSeq', 'agentReadSeq'] as const) {
    if (v[key] !== undefined && !isSeq(v[key])) {
      warnOnce(key, `conversation ${v.id}: malformed ${key} left out`);
      delete conversation[key];
    }
  }
  const optional: Array<[keyof Conversation, (x: unknown) => boolean]> = [
    ['awaitingReply', (x) => typeof x === 'boolean'],
    ['agentIds', (x) => Array.isArray(x) && x.every(isString)],
    ['relinkedAt', isString],
    ['relinkCount', isSeq],
    ['startedAt', (x) => x === null || isString(x)],
  ];
  for (const [key, ok] of optional) {
    if (v[key] !== undefined && !ok(v[key])) {
      warnOnce(key, `conversation ${v.id}: malformed ${key} left out`);
      delete conversation[key];
    }
  }
  if (v.user !== undefined && !(isObject(v.user) && isString(v.user.id))) {
    warnOnce('user', `conversation ${v.id}: malformed user left out`);
    delete conversation.user;
  }
  if (v.contact !== undefined) {
    const c = v.contact;
    const fieldsOk = (f: unknown) => f === undefined || (isObject(f) && Object.values(f).every(isString));
    if (!(
      isObject(c) &&
      (c.name === undefined || isString(c.name)) &&
      (c.email === undefined || isString(c.email)) &&
      fieldsOk(c.fields)
    )) {
      warnOnce('contact', `conversation ${v.id}: malformed contact left out`);
      delete conversation.contact;
    }
  }
  return conversation;
}

/** A frame of /ws/agent, or null (with a warning) when it is malformed or of an unknown type. */
export function checkFrame(v: unknown): AgentFrame | null {
  if (!isObject(v) || !isString(v.type)) {
    warnOnce('frame', 'ignoring a frame without a type');
    return null;
  }
  switch (v.type) {
    case 'ready':
    case 'pong':
    case 'rtc':
    case 'call':
    case 'mode':
      return v as AgentFrame;
    case 'error':
      return { type: 'error', code: String(v.code), message: String(v.message) };
    case 'message': {
      const message = checkMessage(v.message);
      return message ? { type: 'message', message } : null;
    }
    case 'conversation': {
      const conversation = checkConversation(v.conversation);
      return conversation ? { type: 'conversation', conversation } : null;
    }
    case 'typing':
      if (isString(v.conversationId) && isObject(v.sender) && typeof v.typing === 'boolean') return v as AgentFrame;
      break;
    case 'read':
      if (isString(v.conversationId) && (v.reader === 'visitor' || v.reader === 'agent') && isSeq(v.seq)) return v as AgentFrame;
      break;
    // The assistant's news (docs/protocol.md, "The assistant"): the queue and handoff panels read
    // the API again at once (their contents come from there, checked there), not at their next poll.
    case 'queue':
      return { type: 'queue' };
    case 'handoff':
    case 'feedback':
    case 'rating':
      if (isString(v.conversationId)) return { type: v.type, conversationId: v.conversationId };
      break;
    // An answer being written: `<amoiq-agent-live-answer>` follows it on a feed of its own (queue-stream.ts).
    case 'stream_start':
    case 'stream_delta':
    case 'stream_end':
    case 'streams':
      return null;
    default:
      // Unknown types are ignored (protocol: "Unknown types"), with one warning per type.
      warnOnce(`type:${v.type}`, `ignoring frames of unknown type ${JSON.stringify(v.type)}`);
      return null;
  }
  warnOnce(`bad:${v.type}`, `ignoring a malformed ${JSON.stringify(v.type)} frame`);
  return null;
}
