// @ts-check
/**
 * `/ws/agent`: an agent console's connection. It hears everything that happens in its tenant
 * (messages, conversations, read marks, typing), counts as an online agent while open, and sends
 * typing and read marks; replies go over HTTP. Closed with 4001 when the agent's tokens are revoked.
 */
import { ApiError, badRequest } from '../errors.js';
import { clientIp } from '../rate-limit.js';
import { authenticateAgent, publicAgent } from '../routes/access.js';
import { parseSeq } from '../validation.js';
import { agentAssistantEvent } from './assistant.js';
import { CLOSE, admitConnection, holdEarlyFrames, onFrames, pingStamp, send, sendShared } from './frames.js';

/**
 * @typedef {import('../routes/index.js').Deps} Deps
 * @typedef {import('./frames.js').Socket} Socket
 */

/**
 * `/ws/agent?token=…`: an agent console, receiving everything that happens in its tenant.
 * @param {Socket} ws
 * @param {URL} url
 * @param {Deps} deps
 * @param {import('node:http').IncomingMessage} req
 */
export async function agentConnection(ws, url, deps, req) {
  const { chat } = deps;
  const release = holdEarlyFrames(ws);
  let claims;
  let agent;
  try {
    ({ claims, agent } = await authenticateAgent(deps, url.searchParams.get('token')));
  } catch (error) {
    ws.close(CLOSE.UNAUTHORIZED, error instanceof ApiError ? error.code : 'invalid_token');
    return;
  }
  // The role for `ready`, read before the socket is admitted and subscribed.
  const role = await deps.store.agents.roleOf(agent.id);
  if (ws.readyState !== ws.OPEN) return;
  if (!admitConnection(ws, deps, clientIp(req, deps.trustProxy), `${agent.tenantId}:agent:${agent.id}`)) return;

  const unsubscribe = chat.hub.subscribeTenant(agent.tenantId, (event) => {
    // Logout, a password change or removal from the tenants file ended this agent's tokens.
    if (event.type === 'agent-revoked' && event.agentId === agent.id) ws.close(CLOSE.UNAUTHORIZED, 'invalid_token');
    else if (agentAssistantEvent(ws, event)) return;
    // The frames every console of the tenant gets alike are serialized once per event.
    else if (event.type === 'message') sendShared(ws, event, 'message', () => ({ type: 'message', message: event.message }));
    else if (event.type === 'conversation')
      sendShared(ws, event, 'conversation', () => ({ type: 'conversation', conversation: chat.agentView(event.conversation) }));
    else if (event.type === 'read') send(ws, { type: 'read', conversationId: event.conversationId, reader: event.reader, seq: event.seq });
    else if (event.type === 'call') send(ws, { type: 'call', call: { ...event.call, conversationId: event.conversationId } });
    else if (event.type === 'mode')
      send(ws, { type: 'mode', conversationId: event.conversationId, mode: event.mode, callId: event.callId });
    else if (event.type === 'rtc' && event.to === 'agent' && (!event.agentId || event.agentId === agent.id)) send(ws, event.frame);
    else if (event.type === 'typing' && event.origin !== ws && !(event.sender.type === 'agent' && event.sender.id === agent.id)) {
      send(ws, { type: 'typing', conversationId: event.conversationId, sender: event.sender, typing: event.typing });
    }
  });
  ws.on('close', unsubscribe);
  // Presence: this socket counts as an online agent of the tenant until it closes.
  ws.on('close', chat.hub.agentConnected(agent.tenantId, agent.name));
  // The queue's round-robin counts the agent online while a socket of theirs is open.
  if (deps.assistant) ws.on('close', deps.assistant.agentConnected(agent));
  send(ws, { type: 'ready', agent: publicAgent(agent, role) });

  const sender = /** @type {const} */ ({ type: 'agent', id: agent.id, name: agent.name });
  onFrames(ws, async (frame) => {
    switch (frame.type) {
      case 'typing': {
        if (typeof frame.typing !== 'boolean' || typeof frame.conversationId !== 'string') {
          throw badRequest('`conversationId` (string) and `typing` (boolean) are required.');
        }
        chat.typing(await chat.typingTarget(claims, frame.conversationId), sender, frame.typing, ws);
        break;
      }
      case 'read': {
        if (typeof frame.conversationId !== 'string') throw badRequest('`conversationId` (string) and `seq` are required.');
        const conversation = await chat.agentConversation(claims, frame.conversationId);
        await chat.markRead(conversation, 'agent', parseSeq(frame.seq));
        break;
      }
      case 'rtc': {
        if (!deps.voice) throw new ApiError(403, 'voice_disabled', 'This server offers no voice.');
        if (typeof frame.conversationId !== 'string') throw badRequest('`conversationId` (string) is required.');
        const conversation = await chat.agentConversation(claims, frame.conversationId);
        deps.voice.rtc.receive(conversation, 'agent', frame, { id: agent.id, name: agent.name });
        break;
      }
      case 'ping':
        send(ws, { type: 'pong', ts: pingStamp(frame.ts) });
        break;
      default:
        break;
    }
  });
  release();
}
