// @ts-check
/**
 * `/ws/chat`: a visitor tab's connection to its conversation. After `ready` it gets presence,
 * status and read marks, then the messages it missed (`after=`, `sync` frames: replayed page by
 * page, at most `replayMaxMessages` at a time) and everything new live; it sends messages (each
 * answered by an `ack`), read marks, typing and pings. Closed with 4001 when its visitor id is
 * revoked by a relink.
 */
import { PROTOCOL_VERSION } from '../../../src/protocol/limits.js';
import { ApiError, badRequest } from '../errors.js';
import { clientIp } from '../rate-limit.js';
import { MAX_SEQ, parseBoolean, parseMessageFields, parseSeq } from '../validation.js';
import { visitorAssistant } from './assistant.js';
import { CLOSE, admitConnection, drained, holdEarlyFrames, onFrames, pingStamp, send, sendShared } from './frames.js';

/** Largest page used when replaying history into a socket. */
const REPLAY_PAGE = 200;

/**
 * @typedef {import('../routes/index.js').Deps} Deps
 * @typedef {import('./frames.js').Socket} Socket
 * @typedef {import('../types.js').Message} Message
 */

/**
 * `/ws/chat?token=…&after=…`: a visitor tab.
 * @param {Socket} ws
 * @param {URL} url
 * @param {Deps} deps
 * @param {import('node:http').IncomingMessage} req
 */
export async function visitorConnection(ws, url, deps, req) {
  const { tokens, chat, store } = deps;
  const ip = clientIp(req, deps.trustProxy);
  const release = holdEarlyFrames(ws);

  let visitor;
  let conversation;
  try {
    visitor = await tokens.verifyVisitor(url.searchParams.get('token'));
  } catch (error) {
    ws.close(CLOSE.UNAUTHORIZED, error instanceof ApiError ? error.code : 'invalid_token');
    return;
  }
  // A tenant removed from the tenants file: its session tokens stop working too.
  if ((await store.tenants.byId(visitor.tenantId))?.disabled !== false) {
    ws.close(CLOSE.UNAUTHORIZED, 'invalid_token');
    return;
  }
  try {
    conversation = await chat.visitorConversation(visitor, visitor.conversationId);
  } catch {
    ws.close(CLOSE.FORBIDDEN, 'forbidden');
    return;
  }
  if (ws.readyState !== ws.OPEN) return;
  if (!admitConnection(ws, deps, ip, `${visitor.tenantId}:visitor:${visitor.visitorId}`)) return;

  const batch = url.searchParams.get('batch') === '1';
  // Each message goes to a socket once: one stored on another node can come back live (its NOTIFY)
  // after a replay has already read it from the database, and a replay can meet one sent live.
  const once = sentOnce();
  // Live messages are queued while a replay is running, then sent if the replay did not cover them.
  let replaying = 0;
  /** @type {Message[]} */
  let pending = [];
  const assistantChannel = visitorAssistant(ws, deps, conversation);
  const unsubscribe = chat.hub.subscribeConversation(conversation.id, (event) => {
    if (assistantChannel.onEvent(event)) return;
    if (event.type === 'message' && event.origin !== ws) {
      if (replaying) pending.push(event.message);
      else if (once.first(event.message.seq)) sendShared(ws, event, 'message', () => ({ type: 'message', message: event.message }));
    } else if (event.type === 'typing' && event.sender.type !== 'visitor') {
      send(ws, { type: 'typing', conversationId: event.conversationId, sender: event.sender, typing: event.typing });
    } else if (event.type === 'status') {
      send(ws, { type: 'status', conversationId: event.conversationId, status: event.status });
    } else if (event.type === 'read') {
      send(ws, { type: 'read', conversationId: event.conversationId, reader: event.reader, seq: event.seq });
    } else if (event.type === 'call') {
      if (readySent) send(ws, { type: 'call', call: event.call });
    } else if (event.type === 'mode') {
      if (readySent) send(ws, { type: 'mode', mode: event.mode, callId: event.callId });
    } else if (event.type === 'rtc' && event.to === 'visitor') {
      send(ws, event.frame);
    } else if (event.type === 'revoked' && event.visitorId === visitor.visitorId) {
      // Relinked to another visitor id: this id's token no longer opens the conversation.
      ws.close(CLOSE.UNAUTHORIZED, 'revoked');
    } else if (event.type === 'raw' && ws.readyState === ws.OPEN) {
      ws.send(event.data); // test-only debug hook (POST /api/debug/frames)
    }
  });
  ws.on('close', unsubscribe);
  // Presence is sent after `ready` (below); changes before that are covered by it.
  let readySent = false;
  const unsubscribePresence = chat.hub.subscribePresence(visitor.tenantId, (agentsOnline) => {
    if (readySent) send(ws, { type: 'presence', agentsOnline });
  });
  ws.on('close', unsubscribePresence);

  /**
   * This socket has been sent every message with seq > sentFrom (live or replayed); null until
   * that is known. A `sync` asking for no more than that has nothing to replay.
   * @type {number | null}
   */
  let sentFrom = null;

  /**
   * Replays messages with seq > after, at most `replayMaxMessages` of them, page by page, waiting
   * for the socket to drain between pages.
   * @param {number} after
   */
  const replay = async (after) => {
    replaying++;
    let last = after;
    let sent = 0;
    let capped = false;
    try {
      const max = deps.guards.limits.replayMaxMessages;
      while (ws.readyState === ws.OPEN) {
        const page = await store.messages.page(conversation.id, { after: last, limit: Math.max(1, Math.min(REPLAY_PAGE, max - sent)) });
        const messages = page.messages.slice(0, Math.max(0, max - sent));
        const unsent = messages.filter((m) => once.first(m.seq));
        // `batch=1`: one `messages` frame per page; older clients get one `message` frame each.
        if (batch) {
          if (unsent.length) send(ws, { type: 'messages', messages: unsent });
        } else for (const message of unsent) send(ws, { type: 'message', message });
        sent += messages.length;
        last = messages.at(-1)?.seq ?? last;
        if (!page.hasMore && messages.length === page.messages.length) break;
        if (sent >= max) {
          capped = true;
          break;
        }
        await drained(ws);
      }
    } finally {
      if (--replaying === 0) {
        const queued = pending;
        pending = [];
        for (const message of queued) if (message.seq > last && once.first(message.seq)) send(ws, { type: 'message', message });
      }
    }
    // Complete: everything after `after` went out (later ones live). Capped: only up to `last`,
    // which joins what was known only if that reached down to `last`.
    if (!capped || (sentFrom !== null && sentFrom <= last)) sentFrom = Math.min(sentFrom ?? after, after);
  };

  // `sync` frames: one replay at a time per socket, none for what this socket was already sent.
  // Frames that arrive during a replay are merged into one follow-up from the lowest `after`
  // asked; so a flood of sync frames costs one replay, not one each (docs/protocol.md).
  let running = false;
  /** @type {number | null} */
  let wanted = null;
  /** @param {number} after */
  const requestReplay = (after) => {
    if (sentFrom !== null && after >= sentFrom) return;
    if (running) {
      wanted = Math.min(wanted ?? after, after);
      return;
    }
    running = true;
    replay(after)
      .catch((error) => console.error('ws replay failed', error))
      .finally(() => {
        running = false;
        const next = wanted;
        wanted = null;
        if (next !== null) requestReplay(next);
      });
  };

  const fresh = await store.conversations.byId(conversation.id);
  send(ws, {
    type: 'ready',
    protocol: PROTOCOL_VERSION,
    conversationId: conversation.id,
    visitorId: visitor.visitorId,
    lastSeq: fresh?.lastSeq ?? conversation.lastSeq,
  });
  // Right after ready: presence, the status and any read marks, so a reconnecting client is current.
  readySent = true;
  send(ws, { type: 'presence', agentsOnline: chat.hub.agentsOnline(visitor.tenantId) });
  send(ws, { type: 'status', conversationId: conversation.id, status: fresh?.status ?? conversation.status });
  for (const reader of /** @type {const} */ (['agent', 'visitor'])) {
    const seq = fresh ? (reader === 'agent' ? fresh.agentReadSeq : fresh.visitorReadSeq) : 0;
    if (seq > 0) send(ws, { type: 'read', conversationId: conversation.id, reader, seq });
  }
  // Then the conversation's call, if one is active or just ended, so a reloaded client shows it.
  const voiceNow = deps.voice?.current(conversation.id);
  if (voiceNow) {
    send(ws, { type: 'call', call: voiceNow.call });
    send(ws, { type: 'mode', mode: voiceNow.mode, callId: voiceNow.call.id });
  }
  await assistantChannel.afterReady();
  const afterParam = url.searchParams.get('after');
  if (afterParam !== null && /^\d+$/.test(afterParam)) await replay(Math.min(Number(afterParam), MAX_SEQ));
  else {
    // Everything stored after `ready` reaches this socket live.
    sentFrom = fresh?.lastSeq ?? conversation.lastSeq;
    if (afterParam !== null) send(ws, { type: 'error', code: 'bad_request', message: '`after` must be a non-negative integer.' });
  }

  // The assistant's streams in flight, once the replay is out (docs/protocol.md, Streams).
  assistantChannel.afterReplay();

  const current = conversation;
  onFrames(ws, async (frame) => {
    switch (frame.type) {
      case 'message': {
        // clientId first, so an error frame about the text can still name the message.
        const { clientId, text, attachmentIds } = parseMessageFields(frame);
        deps.limits.sendsPerIp.hit(`${visitor.tenantId}:${ip}`);
        const { message } = await chat.postMessage({
          conversation: current,
          clientId,
          sender: { type: 'visitor' },
          text,
          origin: ws,
          attachmentIds,
        });
        send(ws, { type: 'ack', clientId, message });
        break;
      }
      case 'read':
        await chat.markRead(current, 'visitor', parseSeq(frame.seq));
        break;
      case 'typing':
        chat.typing(current, { type: 'visitor' }, parseBoolean(frame.typing, 'typing'), ws);
        break;
      case 'sync':
        if (!Number.isInteger(frame.after) || frame.after < 0) throw badRequest('`after` must be a non-negative integer.');
        // Beyond Postgres' integer there is nothing to replay anyway.
        requestReplay(Math.min(frame.after, MAX_SEQ));
        break;
      case 'rtc':
        if (!deps.voice) throw new ApiError(403, 'voice_disabled', 'This server offers no voice.');
        // A conversation started through a widget with voice off (issue 13) has no calls.
        if (await store.widgets.turnsOff(visitor.widgetId, 'voice'))
          throw new ApiError(403, 'voice_disabled', "This widget has voice turned off (its configuration's features.voice).");
        deps.voice.rtc.receive(current, 'visitor', frame);
        break;
      case 'stream_stop':
        assistantChannel.onFrame(frame);
        break;
      case 'ping':
        send(ws, { type: 'pong', ts: pingStamp(frame.ts) });
        break;
      default:
        // Unknown types are ignored by contract (forward compatibility).
        break;
    }
  });
  release();
}

/**
 * The messages a socket was sent, by seq: exact, and small for the usual case — one run of
 * consecutive seqs `[lo, hi]`, plus the few sent out of order.
 */
function sentOnce() {
  let lo = 0;
  let hi = -1;
  /** @type {Set<number>} */
  const others = new Set();
  return {
    /** Marks `seq` as sent; false when it already was (do not send it again). @param {number} seq */
    first(seq) {
      if ((seq >= lo && seq <= hi) || others.has(seq)) return false;
      if (hi < lo) lo = hi = seq;
      else if (seq === hi + 1) hi = seq;
      else if (seq === lo - 1) lo = seq;
      else others.add(seq);
      while (others.delete(hi + 1)) hi++;
      while (others.delete(lo - 1)) lo--;
      return true;
    },
  };
}
