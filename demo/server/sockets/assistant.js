// @ts-check
/**
 * The assistant's part of the WebSockets (docs/protocol.md, Streams and Handoff). For a visitor
 * socket: the `handoff` frame after `ready`, the stream frames live, the `streams` snapshot after
 * the replay of `after=` (stream frames that arrive during that replay are held: the snapshot
 * covers them, and a held `stream_end` is sent only when the replay did not already carry its
 * message), and `stream_stop`. For an agent socket: every assistant frame of the tenant.
 */
import { badRequest } from '../errors.js';
import { send } from './frames.js';

/**
 * @typedef {import('../routes/index.js').Deps} Deps
 * @typedef {import('./frames.js').Socket} Socket
 * @typedef {{ type: 'assistant', conversationId: string | null, frame: Record<string, any> & { type: string },
 *   agentFrame?: Record<string, any> & { type: string } }} AssistantEvent
 *   `frame` is what visitors get; `agentFrame`, when present, what agents get instead (a `handoff`
 *   frame with the escalation's metadata, which visitors never see).
 */

/**
 * @param {Socket} ws
 * @param {Deps} deps
 * @param {{ id: string, tenantId: string }} conversation
 */
export function visitorAssistant(ws, deps, conversation) {
  const assistant = deps.assistant;
  /** Until the first replay is over, stream frames are held. @type {Record<string, any>[] | null} */
  let held = [];
  return {
    /**
     * A hub event; true when it was an assistant event (handled).
     * @param {{ type: string }} event
     */
    onEvent(event) {
      if (event.type !== 'assistant') return false;
      const { frame } = /** @type {AssistantEvent} */ (event);
      if (frame.type === 'queue' || frame.type === 'feedback' || frame.type === 'rating') return true;
      if (held && frame.type !== 'handoff') held.push(frame);
      else send(ws, frame);
      return true;
    },
    /** Right after `ready`, `presence`, `status` and `read`: the handoff state. */
    async afterReady() {
      if (!assistant) return;
      const handoff = await assistant.view(conversation.tenantId, conversation.id);
      // A site without the assistant hears of handoffs only once there is one (older clients' frame order stays).
      if (handoff.state === 'none') return;
      send(ws, { type: 'handoff', conversationId: conversation.id, handoff });
    },
    /**
     * After the replay of `after=` (or right away without one): the streams in flight, then the
     * ends held meanwhile (a client that has the message already only replaces the stream).
     */
    afterReplay() {
      const frames = held ?? [];
      held = null;
      if (!assistant?.assistantOf(conversation.tenantId)) return;
      send(ws, { type: 'streams', conversationId: conversation.id, streams: assistant.snapshots(conversation.id) });
      for (const frame of frames) {
        if (frame.type === 'stream_end') send(ws, frame);
      }
    },
    /**
     * A client frame; true when it was the assistant's.
     * @param {Record<string, any>} frame
     */
    onFrame(frame) {
      if (frame.type !== 'stream_stop') return false;
      if (typeof frame.streamId !== 'string' || !frame.streamId) throw badRequest('`streamId` is required.');
      if (!assistant?.stopStream(conversation.id, frame.streamId))
        send(ws, { type: 'error', code: 'not_found', message: 'No such stream in this conversation.', streamId: frame.streamId });
      return true;
    },
  };
}

/**
 * Forwards the tenant's assistant frames to an agent socket; true when the event was one.
 * @param {Socket} ws
 * @param {{ type: string }} event
 */
export function agentAssistantEvent(ws, event) {
  if (event.type !== 'assistant') return false;
  const { frame: visitorFrame, agentFrame } = /** @type {AssistantEvent} */ (event);
  const frame = agentFrame ?? visitorFrame;
  send(ws, frame);
  // The console shows messages from `message` frames: the answer comes as one too (keyed by id).
  if (frame.type === 'stream_end' && frame.message) send(ws, { type: 'message', message: frame.message });
  return true;
}
