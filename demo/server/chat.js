// @ts-check
/**
 * The chat rules shared by HTTP routes and WebSocket hubs: who may touch which conversation,
 * storing a message (idempotent by clientId) and telling every listener about it, status, read
 * marks, typing, and waiting for new messages (long poll). What storage answers is turned into
 * the protocol's errors here, and the texts of system messages are written here.
 */
import { createHmac } from 'node:crypto';
import { ApiError, badRequest, conversationClosed, forbidden, notFound } from './errors.js';
import { RateLimiter } from './rate-limit.js';
import { TypingCoalescer } from './typing.js';

/**
 * @typedef {import('./store/index.js').Store} Store
 * @typedef {import('./types.js').Conversation} Conversation
 * @typedef {import('./types.js').ConversationSummary} ConversationSummary
 * @typedef {import('./types.js').Message} Message
 * @typedef {import('./types.js').Sender} Sender
 * @typedef {import('./hub.js').Hub} Hub
 * @typedef {{
 *   id: string, visitorRef: string, status: 'open' | 'closed', lastSeq: number, lastMessage: Message | null,
 *   createdAt: string, updatedAt: string, startedAt: string | null, visitorReadSeq: number, agentReadSeq: number,
 *   awaitingReply: boolean, agentIds: string[], relinkedAt?: string, relinkCount?: number,
 *   user?: import('./types.js').VerifiedUser, contact?: import('./types.js').Contact,
 * }} AgentConversation
 *   What agents see of a conversation: never the visitor id (a bearer secret), an opaque
 *   `visitorRef` instead.
 */

/** Sliding one-minute budget of messages per sender by default; generous, it only stops floods. */
export const MESSAGES_PER_MINUTE = 120;
/** Conversations whose tenant is remembered (a fact that never changes) for checks that need no more. */
const KNOWN_TENANTS = 10_000;
/**
 * How long a typing state is reported to long polls without a new signal: the widget's own
 * indicator lasts as long (src/services/typing.ts), so a lost "stopped" ends on both sides alike.
 */
const TYPING_STATE_MS = 6_000;

export class ChatService {
  /**
   * @param {Store} store
   * @param {Hub} hub
   * @param {number} [messagesPerMinute] per-sender budget (RATE_SENDS_PER_SENDER)
   * @param {{ refKey?: string, typingIntervalMs?: number }} [options]
   *   `refKey` keys the HMAC behind `visitorRef`; `typingIntervalMs` coalesces typing signals
   */
  constructor(store, hub, messagesPerMinute = MESSAGES_PER_MINUTE, { refKey = 'amoiq-visitor-ref', typingIntervalMs = 1000 } = {}) {
    this.store = store;
    this.hub = hub;
    /** Sliding one-minute budget per sender (read-only outside: cluster.js shares its counts). */
    this.sends = new RateLimiter({ limit: messagesPerMinute, what: 'messages' });
    /** @private */
    this.refKey = refKey;
    /** @private at most one typing signal per interval per sender and conversation */
    this.typingSignals = new TypingCoalescer({ intervalMs: typingIntervalMs });
    /** @private @type {Map<string, string>} conversation id → tenant id, the most recent last */
    this.tenantOf = new Map();
    /** @private @type {Map<string, string>} `tenantId:visitorId` → {@link visitorRef} */
    this.refs = new Map();
    /**
     * @private @type {Map<string, { sender: Sender, until: number }>} `conversationId:side` → who
     * is typing now (side: the visitor or the team), for the HTTP long poll, which has no frames
     */
    this.typingNow = new Map();
  }

  /**
   * Who of the team (an agent, or anyone not the visitor) is typing in a conversation now, as the
   * last delivered typing signals say; the long poll reports it to the visitor.
   * @param {string} conversationId
   * @returns {Sender | null}
   */
  teamTyping(conversationId) {
    const held = this.typingNow.get(`${conversationId}:team`);
    if (held && held.until > Date.now()) return held.sender;
    if (held) this.typingNow.delete(`${conversationId}:team`);
    return null;
  }

  /**
   * Records a delivered typing state for {@link teamTyping}.
   * @private
   * @param {string} conversationId
   * @param {Sender} sender
   * @param {boolean} typing
   */
  noteTyping(conversationId, sender, typing) {
    const key = `${conversationId}:${sender.type === 'visitor' ? 'visitor' : 'team'}`;
    if (typing) this.typingNow.set(key, { sender, until: Date.now() + TYPING_STATE_MS });
    else if (this.typingNow.get(key)?.sender.id === sender.id) this.typingNow.delete(key);
  }

  /**
   * Remembers the tenant of a conversation, which never changes, so an agent's typing signal is
   * checked without the database.
   * @private
   * @param {{ id: string, tenantId: string }} conversation
   */
  remember(conversation) {
    this.tenantOf.delete(conversation.id);
    this.tenantOf.set(conversation.id, conversation.tenantId);
    if (this.tenantOf.size > KNOWN_TENANTS) this.tenantOf.delete(/** @type {string} */ (this.tenantOf.keys().next().value));
  }

  /** Stops the typing timers (server shutdown). */
  stop() {
    this.typingSignals.stop();
  }

  /**
   * The opaque reference agents see instead of the visitor id: an HMAC of it, stable for a visitor
   * (agents recognise a returning visitor) but useless as a credential.
   * @param {string} tenantId
   * @param {string} visitorId
   */
  visitorRef(tenantId, visitorId) {
    // Every message sends its conversation to the agents: the HMAC is computed once per visitor.
    const key = `${tenantId}:${visitorId}`;
    let ref = this.refs.get(key);
    if (ref === undefined) {
      ref = `v_${createHmac('sha256', this.refKey).update(key).digest('base64url').slice(0, 16)}`;
      if (this.refs.size >= KNOWN_TENANTS) this.refs.clear();
      this.refs.set(key, ref);
    }
    return ref;
  }

  /**
   * A conversation as the agent API and the agent WebSocket show it (docs/protocol.md,
   * Conversation (agent side)).
   * @param {ConversationSummary} c
   * @returns {AgentConversation}
   */
  agentView(c) {
    return {
      id: c.id,
      visitorRef: this.visitorRef(c.tenantId, c.visitorId),
      status: c.status,
      lastSeq: c.lastSeq,
      lastMessage: c.lastMessage,
      createdAt: c.createdAt,
      updatedAt: c.updatedAt,
      startedAt: c.startedAt ?? null,
      visitorReadSeq: c.visitorReadSeq,
      agentReadSeq: c.agentReadSeq,
      awaitingReply: c.awaitingReply === true,
      agentIds: c.agentIds ?? [],
      ...(c.relinkedAt ? { relinkedAt: c.relinkedAt, relinkCount: c.relinkCount ?? 1 } : {}),
      ...(c.user ? { user: c.user } : {}),
      ...(c.contact ? { contact: c.contact } : {}),
      ...(c.context ? { context: c.context } : {}),
    };
  }

  /**
   * The conversation if it belongs to this visitor.
   * @param {import('./auth.js').VisitorClaims} visitor
   * @param {unknown} conversationId
   * @returns {Promise<Conversation>}
   * @throws {ApiError} 400 missing id, 404 unknown (or other tenant), 403 another visitor's
   */
  async visitorConversation(visitor, conversationId) {
    if (typeof conversationId !== 'string' || !conversationId) throw badRequest('`conversationId` is required.');
    const conversation = await this.store.conversations.byId(conversationId);
    // Another tenant's conversation is reported as unknown: its existence is not the caller's business.
    if (!conversation || conversation.tenantId !== visitor.tenantId) throw notFound('Unknown conversation.');
    this.remember(conversation);
    // A user's conversation is theirs on every browser; an anonymous one only the visitor's, and
    // never reachable by visitor id alone once it was attached to a user.
    const mine = conversation.userId
      ? visitor.userId === conversation.userId
      : visitor.userId === undefined && conversation.visitorId === visitor.visitorId;
    if (!mine) throw forbidden('This conversation belongs to another visitor.');
    return conversation;
  }

  /**
   * The conversation if it belongs to the agent's tenant; otherwise 404, never its content.
   * @param {import('./auth.js').AgentClaims} agent
   * @param {string} conversationId
   * @returns {Promise<Conversation>}
   */
  async agentConversation(agent, conversationId) {
    const conversation = await this.store.conversations.byId(conversationId);
    if (!conversation || conversation.tenantId !== agent.tenantId) throw notFound('Unknown conversation.');
    this.remember(conversation);
    return conversation;
  }

  /**
   * Where an agent's reply goes: the conversation if it belongs to the agent's tenant (404
   * otherwise). When the server has seen the conversation, its tenant (which never changes) is
   * enough and the database is not asked: storing the reply finds a conversation that is gone
   * (404) or closed on its own, in the same statement.
   * @param {import('./auth.js').AgentClaims} agent
   * @param {string} conversationId
   * @returns {Promise<Pick<Conversation, 'id' | 'tenantId'>>}
   */
  async replyTarget(agent, conversationId) {
    const tenantId = this.tenantOf.get(conversationId);
    if (tenantId === undefined) return this.agentConversation(agent, conversationId);
    if (tenantId !== agent.tenantId) throw notFound('Unknown conversation.');
    return { id: conversationId, tenantId };
  }

  /**
   * Where an agent's typing signal goes: a conversation of its tenant (404 otherwise). The tenant
   * of a conversation the server has seen is remembered, so a typing flood does not touch the
   * database.
   * @param {import('./auth.js').AgentClaims} agent
   * @param {string} conversationId
   * @returns {Promise<{ id: string, tenantId: string }>}
   */
  async typingTarget(agent, conversationId) {
    const tenantId = this.tenantOf.get(conversationId) ?? (await this.agentConversation(agent, conversationId)).tenantId;
    if (tenantId !== agent.tenantId) throw notFound('Unknown conversation.');
    return { id: conversationId, tenantId };
  }

  /**
   * Stores a message (or finds the one already stored under its clientId) and, when new, pushes
   * it to the conversation's visitor connections and to the tenant's agents (preceded by the
   * `joined` system message on an agent's first message in the conversation).
   * @param {{
   *   conversation: { id: string, tenantId: string, visitorId?: string }, clientId?: string, sender: Sender, text: string,
   *   origin?: unknown, quickReplies?: string[], attachmentIds?: string[],
   * }} input `conversation.visitorId` keys the rate limit of a sender without an id
   * @returns {Promise<{ message: Message, created: boolean }>}
   * @throws {ApiError} 429 when the sender is flooding, 409 `conversation_closed` for a visitor
   *   message into a closed conversation, 400 for attachment ids not uploaded into it
   */
  async postMessage({ conversation, clientId, sender, text, origin, quickReplies, attachmentIds = [] }) {
    this.sends.hit(`${conversation.tenantId}:${sender.type}:${sender.id ?? conversation.visitorId}`);
    const attachments = await this.store.files.forMessage(conversation.id, attachmentIds);
    if (!attachments)
      throw badRequest('`attachments` names a file that was not uploaded into this conversation (or an earlier one of the same visitor).');
    const result = await this.store.messages.insert({
      conversationId: conversation.id,
      clientId,
      sender,
      text,
      quickReplies,
      attachments,
      joinedText:
        sender.type === 'agent' && !(await this.announcedAgent(conversation.id, sender.id))
          ? `${sender.name ?? 'An agent'} joined the conversation.`
          : undefined,
    });
    if (result.outcome === 'closed') throw conversationClosed();
    if (result.outcome === 'missing') throw notFound('Unknown conversation.');
    if (result.outcome === 'created') {
      // A message ends its sender's typing (the widget clears its indicator on it too).
      this.noteTyping(conversation.id, sender, false);
      const { tenantId } = result.conversation;
      for (const message of result.before) this.hub.publish(tenantId, conversation.id, { type: 'message', message });
      this.hub.publish(tenantId, conversation.id, { type: 'message', message: result.message, origin });
      this.hub.publish(tenantId, null, {
        type: 'conversation',
        conversation: { ...result.conversation, lastMessage: result.message },
      });
    }
    return { message: result.message, created: result.outcome === 'created' };
  }

  /**
   * Whether the agent's arrival in the conversation was already told: the assistant's handoff has
   * it assigned to them, which stored its `assigned` (or `transferred`) notice. Their first message
   * then brings no `joined` notice too (one notice per assignment).
   * @param {string} conversationId
   * @param {string | undefined} agentId
   */
  async announcedAgent(conversationId, agentId) {
    if (!agentId) return false;
    const row = await this.store.db.row('SELECT agent_id FROM chat_handoffs WHERE chat_session_id = $1 AND state = $2', [
      conversationId,
      'assigned',
    ]);
    return row?.agent_id === agentId;
  }

  /**
   * Closes or reopens a conversation for an agent: stores the `system` message, pushes it, sends
   * the `status` frame to the visitor and the updated conversation to the tenant's agents.
   * @param {Conversation} conversation
   * @param {'open' | 'closed'} status
   * @param {{ name: string }} agent
   * @returns {Promise<ConversationSummary>}
   * @throws {ApiError} 409 `conflict` when reopening while another conversation of the visitor is open
   */
  async setStatus(conversation, status, agent) {
    const text = `${agent.name} ${status === 'closed' ? 'closed' : 'reopened'} the conversation.`;
    const result = await this.store.conversations.setStatus(conversation.id, status, { text, actor: agent.name });
    if (result.outcome === 'conflict') throw new ApiError(409, 'conflict', 'The visitor already has another open conversation.');
    if (result.outcome === 'missing') throw notFound('Unknown conversation.');
    const { message } = result;
    if (!message) return (await this.store.conversations.summary(conversation.id)) ?? { ...result.conversation, lastMessage: null };
    /** @type {ConversationSummary} */
    const summary = { ...result.conversation, lastMessage: message };
    const { tenantId } = summary;
    this.hub.publish(tenantId, conversation.id, { type: 'message', message });
    this.hub.publish(tenantId, conversation.id, { type: 'status', conversationId: conversation.id, status });
    this.hub.publish(tenantId, null, { type: 'conversation', conversation: summary });
    return summary;
  }

  /**
   * Moves a read mark forward and tells the visitor's connections and the tenant's agents.
   * @param {Conversation} conversation
   * @param {'visitor' | 'agent'} reader
   * @param {number} seq a checked sequence number (validation.js, parseSeq)
   */
  async markRead(conversation, reader, seq) {
    const mark = await this.store.conversations.markRead(conversation.id, reader, seq);
    if (mark !== null)
      this.hub.publish(conversation.tenantId, conversation.id, { type: 'read', conversationId: conversation.id, reader, seq: mark });
  }

  /**
   * Stores contact details typed by the visitor and announces the updated conversation to agents.
   * @param {Conversation} conversation
   * @param {import('./types.js').Contact} contact
   */
  async updateContact(conversation, contact) {
    await this.store.conversations.updateContact(conversation.id, contact);
    await this.announceConversation(conversation.id);
  }

  /**
   * Tells the other side of a conversation that someone started or stopped typing.
   * @param {{ id: string, tenantId: string }} conversation
   * @param {Sender} sender
   * @param {boolean} typing
   * @param {unknown} [origin]
   */
  typing(conversation, sender, typing, origin) {
    this.remember(conversation);
    // Coalesced: a flood of typing frames reaches the other side as about one a second.
    this.typingSignals.signal(`${conversation.id}:${sender.type}:${sender.id ?? ''}`, typing, () => {
      this.noteTyping(conversation.id, sender, typing);
      this.hub.publish(conversation.tenantId, conversation.id, { type: 'typing', conversationId: conversation.id, sender, typing, origin });
    });
  }

  /**
   * Tells the tenant's agents about a conversation (started, attached, relinked) as it is now.
   * Conversations nobody has written in yet are not announced: they are not in the agents' list.
   * @param {string} conversationId
   */
  async announceConversation(conversationId) {
    const summary = await this.store.conversations.summary(conversationId);
    if (summary?.startedAt) this.hub.publish(summary.tenantId, null, { type: 'conversation', conversation: summary });
  }

  /**
   * Resolves when a message with seq > after is stored in the conversation, when its status or
   * agent read mark changes, when the tenant's agents come or go, when the team starts or stops
   * typing (with `wakeOnTeamTyping`: the visitor's long poll), when `ms` pass, or when `signal`
   * aborts (client went away, server shutting down). Never rejects.
   * `hasChanged` runs after subscribing, closing the gap between the caller's query and the
   * subscription (a change in between would otherwise wait for the timeout).
   * @param {Conversation} conversation
   * @param {number} after
   * @param {number} ms
   * @param {AbortSignal} signal
   * @param {() => Promise<boolean>} hasChanged
   * @param {boolean} [wakeOnTeamTyping]
   * @returns {Promise<void>}
   */
  waitForChange(conversation, after, ms, signal, hasChanged, wakeOnTeamTyping = false) {
    return new Promise((resolve) => {
      if (signal.aborted) return resolve();
      const done = () => {
        clearTimeout(timer);
        unsubscribe();
        unsubscribePresence();
        signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      const unsubscribe = this.hub.subscribeConversation(conversation.id, (event) => {
        if (event.type === 'message' && event.message.seq > after) done();
        else if (event.type === 'status' || event.type === 'revoked' || (event.type === 'read' && event.reader === 'agent')) done();
        else if (event.type === 'assistant') done();
        else if (event.type === 'call' || event.type === 'mode') done();
        else if (wakeOnTeamTyping && event.type === 'typing' && event.sender.type !== 'visitor') done();
      });
      const unsubscribePresence = this.hub.subscribePresence(conversation.tenantId, done);
      signal.addEventListener('abort', done);
      hasChanged().then(
        (changed) => changed && done(),
        () => done(),
      );
    });
  }
}
