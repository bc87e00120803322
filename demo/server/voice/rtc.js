// @ts-check
/**
 * In-browser calls between a visitor and an agent (docs/protocol.md, "In-browser calls: `rtc`
 * frames"): the server relays `rtc` frames between the visitor's connection and the one agent on
 * the call, checks each frame (the site offers calls, one active call per conversation, the call
 * belongs to the conversation and the sender is a party, sizes, a rate), and keeps the call's
 * record from `invite`, `accept`, `decline` and `hangup`: `call`/`mode` frames and transcript
 * notices, like a phone callback. It never looks into SDP or candidates.
 *
 * Frames travel through the hub: `{ type: 'rtc', conversationId, to: 'visitor' | 'agent',
 * agentId?, frame }` (`agentId` unset: every agent of the tenant, for a visitor's invitation).
 */
import { ApiError, badRequest, forbidden, notFound, rateLimited } from '../errors.js';

/** @typedef {'visitor' | 'agent'} Party */
/**
 * @typedef {{
 *   id: string, conversationId: string, tenantId: string, from: Party, state: 'ringing' | 'in_progress' | 'ended' | 'failed' | 'cancelled',
 *   reason?: string, startedAt: string, answeredAt?: string, endedAt?: string, durationSeconds?: number,
 *   endedBy?: Party, agent?: { id: string, name?: string }, ringTimer?: ReturnType<typeof setTimeout>,
 *   frames: number[],
 * }} RtcCall
 */

const KINDS = new Set(['invite', 'accept', 'decline', 'offer', 'answer', 'candidate', 'hangup', 'mute']);
const REASONS = new Set([
  'completed',
  'cancelled_by_visitor',
  'cancelled_by_agent',
  'no_answer',
  'connection_failed',
  'declined',
  'microphone_unavailable',
  'busy',
]);
const CALL_ID = /^[A-Za-z0-9_-]{8,64}$/;
/** At most this many frames per call per minute. */
export const RTC_FRAMES_PER_MINUTE = 300;
/** A call still ringing this long ends with `no_answer`. */
export const RING_TIMEOUT_MS = 60_000;

/**
 * Checks the shape of an `rtc` frame and copies the fields its kind uses.
 * @param {Record<string, unknown>} frame
 */
export function checkRtcFrame(frame) {
  if (typeof frame.callId !== 'string' || !CALL_ID.test(frame.callId))
    throw badRequest('`callId` must be 8–64 characters of [A-Za-z0-9_-].');
  if (typeof frame.kind !== 'string' || !KINDS.has(frame.kind)) throw badRequest('`kind` is not an rtc kind.');
  /** @type {Record<string, unknown>} */
  const out = { type: 'rtc', callId: frame.callId, kind: frame.kind };
  if (frame.kind === 'offer' || frame.kind === 'answer') {
    if (typeof frame.sdp !== 'string' || !frame.sdp || frame.sdp.length > 60_000)
      throw badRequest('`sdp` must be a string of at most 60000 characters.');
    out.sdp = frame.sdp;
  } else if (frame.kind === 'candidate') {
    const c = /** @type {Record<string, unknown> | null} */ (frame.candidate);
    if (c !== null && (typeof c !== 'object' || typeof c.candidate !== 'string' || c.candidate.length > 1000))
      throw badRequest('`candidate` is malformed.');
    out.candidate =
      c === null
        ? null
        : {
            candidate: c.candidate,
            sdpMid: c.sdpMid ?? null,
            sdpMLineIndex: c.sdpMLineIndex ?? null,
            usernameFragment: c.usernameFragment ?? null,
          };
  } else if (frame.kind === 'mute') {
    if (typeof frame.muted !== 'boolean') throw badRequest('`muted` must be a boolean.');
    out.muted = frame.muted;
  } else if ((frame.kind === 'decline' || frame.kind === 'hangup') && typeof frame.reason === 'string' && REASONS.has(frame.reason)) {
    out.reason = frame.reason;
  }
  return out;
}

/**
 * @param {{
 *   chat: import('../chat.js').ChatService,
 *   store: import('../store/index.js').Store,
 *   offers: (tenantId: string) => boolean,
 *   activeCallback: (conversationId: string) => boolean,
 *   now?: () => number,
 *   ringTimeoutMs?: number,
 * }} options `offers`: the tenant offers in-browser calls; `activeCallback`: a phone callback is active
 */
export function createRtcRelay({ chat, store, offers, activeCallback, now = Date.now, ringTimeoutMs = RING_TIMEOUT_MS }) {
  /** @type {Map<string, RtcCall>} conversation id → its newest in-browser call */
  const byConversation = new Map();
  const iso = () => new Date(now()).toISOString();
  const final = (/** @type {RtcCall} */ call) => call.state === 'ended' || call.state === 'failed' || call.state === 'cancelled';

  /** @param {RtcCall} call */
  const wire = (call) => ({
    id: call.id,
    kind: /** @type {const} */ ('webrtc'),
    state: call.state,
    from: call.from,
    startedAt: call.startedAt,
    ...(call.reason ? { reason: call.reason } : {}),
    ...(call.answeredAt ? { answeredAt: call.answeredAt } : {}),
    ...(call.endedAt ? { endedAt: call.endedAt, durationSeconds: call.durationSeconds ?? 0 } : {}),
    ...(call.endedBy ? { endedBy: call.endedBy } : {}),
    ...(call.agent ? { agent: call.agent } : {}),
  });

  /** @param {RtcCall} call */
  function noticeText(call) {
    const d = call.durationSeconds ?? 0;
    const duration = `${Math.floor(d / 60)}:${String(d % 60).padStart(2, '0')}`;
    if (call.state === 'ringing')
      return call.from === 'visitor'
        ? 'The visitor is calling from the browser…'
        : `${call.agent?.name ?? 'An agent'} is calling the visitor…`;
    if (call.state === 'in_progress') return 'Call connected.';
    if (call.state === 'ended') return `Call ended, ${duration}.`;
    if (call.state === 'cancelled') return 'Call cancelled.';
    return call.reason === 'declined' ? 'Call declined.' : call.reason === 'no_answer' ? 'Call not answered.' : 'Call failed.';
  }

  /** @type {Map<string, Promise<void>>} */
  const chains = new Map();
  /** The call changed: `call` (and `mode` when it starts or ends) frames and a transcript notice. @param {RtcCall} call */
  function changed(call) {
    const { tenantId, conversationId } = call;
    chat.hub.publish(tenantId, conversationId, { type: 'call', conversationId, call: /** @type {any} */ (wire(call)) });
    if (call.state === 'ringing' || final(call))
      chat.hub.publish(tenantId, conversationId, { type: 'mode', conversationId, mode: final(call) ? 'chat' : 'voice', callId: call.id });
    const details = {
      id: call.id,
      kind: /** @type {const} */ ('webrtc'),
      state: call.state === 'ringing' ? 'requested' : call.state,
      from: call.from,
      ...(call.reason ? { reason: call.reason } : {}),
      ...(final(call) ? { durationSeconds: call.durationSeconds ?? 0 } : {}),
    };
    const text = noticeText(call);
    const next = (chains.get(conversationId) ?? Promise.resolve())
      .then(async () => {
        const result = await store.messages.appendCallNotice(conversationId, { text, call: details });
        if (!result) return;
        chat.hub.publish(tenantId, conversationId, { type: 'message', message: result.message });
        await chat.announceConversation(conversationId);
      })
      .catch((error) => console.error(`rtc: storing the notice of call ${call.id} failed:`, error));
    chains.set(conversationId, next);
  }

  /**
   * @param {RtcCall} call
   * @param {'ended' | 'failed' | 'cancelled'} state
   * @param {string} reason
   * @param {Party} [by]
   */
  function end(call, state, reason, by) {
    if (final(call)) return;
    if (call.ringTimer) clearTimeout(call.ringTimer);
    call.state = state;
    call.reason = reason;
    call.endedAt = iso();
    call.durationSeconds = call.answeredAt ? Math.max(0, Math.round((now() - Date.parse(call.answeredAt)) / 1000)) : 0;
    if (by) call.endedBy = by;
    changed(call);
  }

  /**
   * Sends a frame to the other party.
   * @param {RtcCall} call
   * @param {Party} to
   * @param {Record<string, unknown>} frame
   */
  function deliver(call, to, frame) {
    chat.hub.publish(call.tenantId, call.conversationId, {
      type: 'rtc',
      conversationId: call.conversationId,
      to,
      // A visitor's ringing invitation goes to every agent; after that, to the one on the call.
      ...(to === 'agent' && call.agent && !(call.from === 'visitor' && call.state === 'ringing') ? { agentId: call.agent.id } : {}),
      frame: to === 'agent' ? { ...frame, conversationId: call.conversationId } : frame,
    });
  }

  /**
   * A frame from one party of a conversation.
   * @param {{ id: string, tenantId: string }} conversation
   * @param {Party} party
   * @param {Record<string, unknown>} raw
   * @param {{ id: string, name?: string }} [agent] the sending agent
   */
  function receive(conversation, party, raw, agent) {
    const frame = checkRtcFrame(raw);
    if (!offers(conversation.tenantId)) throw new ApiError(403, 'voice_disabled', 'This site offers no in-browser calls.');
    const other = party === 'visitor' ? 'agent' : 'visitor';
    let call = byConversation.get(conversation.id);
    if (frame.kind === 'invite') {
      if ((call && !final(call)) || activeCallback(conversation.id))
        throw new ApiError(409, 'call_active', 'This conversation already has a call in progress.');
      call = {
        id: /** @type {string} */ (frame.callId),
        conversationId: conversation.id,
        tenantId: conversation.tenantId,
        from: party,
        state: 'ringing',
        startedAt: iso(),
        ...(agent ? { agent: { id: agent.id, ...(agent.name ? { name: agent.name } : {}) } } : {}),
        frames: [],
      };
      byConversation.set(conversation.id, call);
      changed(call);
      if (party === 'visitor' && !chat.hub.agentsOnline(conversation.tenantId)) {
        chat.hub.publish(conversation.tenantId, conversation.id, {
          type: 'rtc',
          conversationId: conversation.id,
          to: 'visitor',
          frame: { type: 'rtc', callId: call.id, kind: 'decline', reason: 'no_answer' },
        });
        end(call, 'failed', 'no_answer');
        return;
      }
      const ringing = call;
      call.ringTimer = setTimeout(() => {
        if (ringing.state !== 'ringing') return;
        const hangup = { type: 'rtc', callId: ringing.id, kind: 'hangup', reason: 'no_answer' };
        deliver(ringing, 'visitor', hangup);
        deliver(ringing, 'agent', hangup);
        end(ringing, 'failed', 'no_answer');
      }, ringTimeoutMs);
      deliver(call, other, frame);
      return;
    }
    if (!call || call.id !== frame.callId) throw notFound('No such call in this conversation.');
    if (final(call)) throw notFound('This call is over.');
    // The agent on the call: the caller, or the first to accept a visitor's call.
    if (
      party === 'agent' &&
      call.agent &&
      call.agent.id !== agent?.id &&
      !(call.from === 'visitor' && call.state === 'ringing' && frame.kind === 'accept')
    )
      throw forbidden('Another agent has this call.');
    const t = now();
    call.frames = call.frames.filter((at) => t - at < 60_000);
    if (call.frames.length >= RTC_FRAMES_PER_MINUTE) throw rateLimited('Too many rtc frames for this call.', 60);
    call.frames.push(t);
    if (frame.kind === 'accept') {
      if (call.state !== 'ringing' || party === call.from) throw badRequest('Only the called side accepts a ringing call.');
      if (party === 'agent' && agent) call.agent = { id: agent.id, ...(agent.name ? { name: agent.name } : {}) };
      if (call.ringTimer) clearTimeout(call.ringTimer);
      call.state = 'in_progress';
      call.answeredAt = iso();
      changed(call);
    } else if (frame.kind === 'decline') {
      if (call.state !== 'ringing' || party === call.from) throw badRequest('Only the called side declines a ringing call.');
      deliver(call, other, frame);
      end(call, 'failed', /** @type {string} */ (frame.reason ?? 'declined'), party);
      return;
    } else if (frame.kind === 'hangup') {
      deliver(call, other, frame);
      if (call.state === 'in_progress') end(call, 'ended', frame.reason === 'connection_failed' ? 'connection_failed' : 'completed', party);
      else end(call, 'cancelled', party === 'visitor' ? 'cancelled_by_visitor' : 'cancelled_by_agent', party);
      return;
    }
    deliver(call, other, frame);
  }

  return {
    receive,
    wire,
    /**
     * The conversation's in-browser call, if active or ended less than a minute ago.
     * @param {string} conversationId
     */
    current(conversationId) {
      const call = byConversation.get(conversationId);
      if (!call) return null;
      if (final(call) && call.endedAt && now() - Date.parse(call.endedAt) > 60_000) return null;
      return { call: wire(call), mode: /** @type {'chat' | 'voice'} */ (final(call) ? 'chat' : 'voice') };
    },
    /** @param {string} conversationId */
    active: (conversationId) => {
      const call = byConversation.get(conversationId);
      return Boolean(call && !final(call));
    },
    close() {
      for (const call of byConversation.values()) if (call.ringTimer) clearTimeout(call.ringTimer);
    },
  };
}
