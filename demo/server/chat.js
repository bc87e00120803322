// @ts-check
/**
 * The chat rules shared by HTTP routes and WebSocket hubs: who may touch which conversation,
 * storing a message (idempotent by clientId) and telling every listener about it, typing,
 * and waiting for new messages (long poll).
 */
import { ApiError, notFound } from './http-util.js';

/**
 * @typedef {import('./db.js').Database} Database
 * @typedef {import('./db.js').Conversation} Conversation
 * @typedef {import('./db.js').Message} Message
 * @typedef {import('./db.js').Sender} Sender
 * @typedef {import('./hub.js').Hub} Hub
 * @typedef {import('./hub.js').ConversationSummary} ConversationSummary
 */

/** Sliding one-minute budget of messages per sender by default; generous, it only stops floods. */
export const MESSAGES_PER_MINUTE = 120;

export class ChatService {
  /**
   * @param {Database} db
   * @param {Hub} hub
   * @param {number} [messagesPerMinute] per-sender budget (RATE_SENDS_PER_SENDER)
   */
  constructor(db, hub, messagesPerMinute = MESSAGES_PER_MINUTE) {
    this.db = db;
    this.hub = hub;
    this.messagesPerMinute = messagesPerMinute;
    /** @private @type {Map<string, number[]>} sender key → send times (ms) in the last minute */
    this.sendLog = new Map();
  }

  /**
   * The conversation if it belongs to this visitor.
   * @param {import('./auth.js').VisitorClaims} visitor
   * @param {unknown} conversationId
   * @returns {Promise<Conversation>}
   * @throws {ApiError} 400 missing id, 404 unknown (or other tenant), 403 another visitor's
   */
  async visitorConversation(visitor, conversationId) {
    if (typeof conversationId !== 'string' || !conversationId) throw new ApiError(400, 'bad_request', '`conversationId` is required.');
    const conversation = await this.db.conversation(conversationId);
    // Another tenant's conversation is reported as unknown: its existence is not the caller's business.
    if (!conversation || conversation.tenantId !== visitor.tenantId) throw notFound('Unknown conversation.');
    // A user's conversation is theirs on every browser; an anonymous one only the visitor's, and
    // never reachable by visitor id alone once it was attached to a user.
    const mine = conversation.userId
      ? visitor.userId === conversation.userId
      : visitor.userId === undefined && conversation.visitorId === visitor.visitorId;
    if (!mine) throw new ApiError(403, 'forbidden', 'This conversation belongs to another visitor.');
    return conversation;
  }

  /**
   * The conversation if it belongs to the agent's tenant; otherwise 404, never its content.
   * @param {import('./auth.js').AgentClaims} agent
   * @param {string} conversationId
   * @returns {Promise<Conversation>}
   */
  async agentConversation(agent, conversationId) {
    const conversation = await this.db.conversation(conversationId);
    if (!conversation || conversation.tenantId !== agent.tenantId) throw notFound('Unknown conversation.');
    return conversation;
  }

  /**
   * Stores a message (or finds the one already stored under its clientId) and, when new, pushes
   * it to the conversation's visitor connections and to the tenant's agents.
   * @param {{ conversation: Conversation, clientId?: string, sender: Sender, text: string, origin?: unknown }} input
   * @returns {Promise<{ message: Message, created: boolean }>}
   * @throws {ApiError} 429 when the sender is flooding
   */
  async postMessage({ conversation, clientId, sender, text, origin }) {
    this.checkRate(`${conversation.tenantId}:${sender.type}:${sender.id ?? conversation.visitorId}`);
    const result = await this.db.insertMessage({ conversationId: conversation.id, clientId, sender, text });
    if (result.created) {
      const { tenantId } = result.conversation;
      this.hub.publish(tenantId, conversation.id, { type: 'message', message: result.message, origin });
      this.hub.publish(tenantId, null, {
        type: 'conversation',
        conversation: { ...result.conversation, lastMessage: result.message },
      });
    }
    return { message: result.message, created: result.created };
  }

  /**
   * Tells the other side of a conversation that someone started or stopped typing.
   * @param {Conversation} conversation
   * @param {Sender} sender
   * @param {boolean} typing
   * @param {unknown} [origin]
   */
  typing(conversation, sender, typing, origin) {
    this.hub.publish(conversation.tenantId, conversation.id, { type: 'typing', conversationId: conversation.id, sender, typing, origin });
  }

  /**
   * Announces a conversation that was just created to the tenant's agents.
   * @param {Conversation} conversation
   */
  announceConversation(conversation) {
    this.hub.publish(conversation.tenantId, null, { type: 'conversation', conversation: { ...conversation, lastMessage: null } });
  }

  /**
   * Resolves when a message with seq > after is stored in the conversation, when `ms` pass, or
   * when `signal` aborts (client went away, server shutting down). Never rejects.
   * `isAlreadyThere` runs after subscribing, closing the gap between the caller's query and the
   * subscription (a message stored in between would otherwise wait for the timeout).
   * @param {string} conversationId
   * @param {number} after
   * @param {number} ms
   * @param {AbortSignal} signal
   * @param {() => Promise<boolean>} isAlreadyThere
   * @returns {Promise<void>}
   */
  waitForMessage(conversationId, after, ms, signal, isAlreadyThere) {
    return new Promise((resolve) => {
      if (signal.aborted) return resolve();
      const done = () => {
        clearTimeout(timer);
        unsubscribe();
        signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      const unsubscribe = this.hub.subscribeConversation(conversationId, (event) => {
        if (event.type === 'message' && event.message.seq > after) done();
      });
      signal.addEventListener('abort', done);
      isAlreadyThere().then(
        (there) => there && done(),
        () => done(),
      );
    });
  }

  /**
   * @private
   * @param {string} key
   */
  checkRate(key) {
    const now = Date.now();
    const recent = (this.sendLog.get(key) ?? []).filter((t) => now - t < 60_000);
    if (recent.length >= this.messagesPerMinute) {
      this.sendLog.set(key, recent);
      const retryAfter = Math.max(1, Math.ceil((recent[0] + 60_000 - now) / 1000));
      throw Object.assign(new ApiError(429, 'rate_limited', `Too many messages; retry in ${retryAfter} s.`), { retryAfter });
    }
    recent.push(now);
    this.sendLog.set(key, recent);
    // Keep the map from growing forever with idle senders.
    if (this.sendLog.size > 10_000) {
      for (const [k, times] of this.sendLog) if (now - (times.at(-1) ?? 0) >= 60_000) this.sendLog.delete(k);
    }
  }
}
