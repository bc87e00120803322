// @ts-check
/**
 * The assistant in the conversation flow (docs/protocol.md, "The assistant"): it hears every
 * visitor message of a tenant whose assistant is on (through the hub), decides with the tenant's
 * handoff rules, streams the answer to the visitor's and the agents' connections, and stores it as
 * one `ai` message when it ends. It also keeps each conversation's handoff (with the assistant,
 * queued, assigned to an agent), the tenant's queue with round-robin assignment among online
 * agents, feedback and ratings.
 *
 * Exactly once: every answer is recorded (assistant_streams) before its first token and its final
 * message is stored with the stream id as clientId, so a server that stops mid-answer answers
 * again after its restart and stores one message. Streams in flight live in memory (`streams`);
 * a reconnecting client gets their snapshot (`snapshots`).
 */
import { nanoid } from 'nanoid';
import { ApiError, badRequest, conversationClosed, notFound } from '../errors.js';
import { AssistantStore } from '../store/assistant.js';
import { MAX_ANSWER_CHARS, createAssistant, escalationNotice, toProviderMessages } from './index.js';
import { redactSecrets } from './provider.js';

/** The longest stored answer (a message's limit). */
const MAX_ANSWER = MAX_ANSWER_CHARS;
/** Wait assumed per conversation before the tenant has recorded any. */
const DEFAULT_WAIT_SECONDS = 120;
/**
 * The shortest wait told to someone queued: past waits of about 0 s (auto-assignment to an agent
 * with room) must not make a fresh place in the queue say 0 ("taking longer than expected" at once).
 */
export const MIN_WAIT_SECONDS = 60;
/** The longest cool-down a provider's rate limit (429 Retry-After, Gemini's RetryInfo) imposes. */
export const MAX_COOL_DOWN_SECONDS = 300;
/** How many answers' request contexts are remembered (see {@link AssistantService#contexts}). */
const CONTEXTS_KEPT = 2000;
/** A stop for a stream that ended this recently is answered as done. */
const ENDED_MEMORY_MS = 60_000;
/** Why an answer was ended by the server (a person took over, a handoff, the conversation closed): not the visitor's Stop. */
const INTERRUPTED = new Set(['takeover', 'escalated', 'closed']);

/**
 * The stored text of an answer cut before its end: without a last line that is only a markdown
 * marker (an empty list bullet, a number, a heading or quote mark) and without trailing spaces.
 * @param {string} text
 */
export function trimCutAnswer(text) {
  let out = text.trimEnd();
  for (;;) {
    const next = out.replace(/(^|\n)[ \t]*(?:[-*+]|\d{1,9}[.)]|#{1,6}|>)[ \t]*$/, '$1').trimEnd();
    if (next === out) return out;
    out = next;
  }
}

/**
 * @typedef {import('../store/index.js').Store} Store
 * @typedef {import('../chat.js').ChatService} ChatService
 * @typedef {import('../types.js').Conversation} Conversation
 * @typedef {import('../types.js').Message} Message
 * @typedef {import('../store/assistant.js').HandoffRow} HandoffRow
 * @typedef {import('./index.js').Assistant} Assistant
 * @typedef {{ id: string, conversationId: string, tenantId: string, sender: { type: 'ai', id: string, name: string, avatar?: string },
 *   replyTo: number, startedAt: string, index: number, text: string, controller: AbortController }} LiveStream
 * @typedef {{ autoAssign: boolean, maxPerAgent: number }} QueueSettings
 * @typedef {{ state: 'assistant' | 'queued' | 'assigned' | 'none', reason?: string, requestedBy?: string, requestedAt?: string,
 *   position?: number, estimatedWaitSeconds?: number | null, agent?: { id: string, name: string },
 *   agentsOnline: boolean, withinHours: boolean }} HandoffView the visitor's Handoff object (protocol.md, Handoff)
 * @typedef {HandoffView & { metadata?: Record<string, string>, assistant: boolean }} AgentHandoffView agents see the
 *   escalation's metadata too, and whether the conversation has an assistant (`assistant`: what the console may offer,
 *   "Return to assistant" only with one)
 */

/**
 * Reads a tenant's `queue` settings.
 * @param {unknown} raw
 * @param {string} tenantId
 * @returns {QueueSettings}
 */
export function normalizeQueueSettings(raw, tenantId) {
  const r = /** @type {Record<string, unknown>} */ (raw && typeof raw === 'object' ? raw : {});
  const autoAssign = r.autoAssign ?? true;
  const maxPerAgent = r.maxPerAgent ?? 3;
  if (typeof autoAssign !== 'boolean') throw new Error(`Queue settings of tenant "${tenantId}": autoAssign must be true or false.`);
  if (!Number.isInteger(maxPerAgent) || /** @type {number} */ (maxPerAgent) < 1 || /** @type {number} */ (maxPerAgent) > 100)
    throw new Error(`Queue settings of tenant "${tenantId}": maxPerAgent must be a whole number from 1 to 100.`);
  return { autoAssign, maxPerAgent: /** @type {number} */ (maxPerAgent) };
}

/**
 * The agents' Handoff object from the visitor's: whether the conversation has an assistant, and
 * the escalation's reason (an agent's too) and metadata while queued or assigned.
 * @param {HandoffView} view
 * @param {HandoffRow | null} row
 * @param {boolean} assistant {@link AssistantService.hasAssistant}
 * @returns {AgentHandoffView}
 */
function withMetadata(view, row, assistant) {
  if (view.state !== 'queued' && view.state !== 'assigned') return { ...view, assistant };
  return { ...view, assistant, ...(row?.reason ? { reason: row.reason } : {}), ...(row?.metadata ? { metadata: row.metadata } : {}) };
}

export class AssistantService {
  /**
   * @param {{ store: Store, chat: ChatService, tenants: { id: string, name: string, assistant?: unknown, queue?: unknown }[],
   *   env?: Record<string, string | undefined>, logger?: Pick<Console, 'log' | 'warn' | 'error'>, kbDelayMs?: number,
   *   fetch?: typeof fetch }} options
   *   `env`: the providers' variables; `ASSISTANT=off` turns every tenant's assistant off.
   */
  constructor(options) {
    this.options = options;
    this.store = options.store;
    this.chat = options.chat;
    this.hub = options.chat.hub;
    this.db = new AssistantStore(options.store.db);
    this.logger = options.logger ?? console;
    /** @type {Map<string, Assistant>} enabled assistants by tenant */
    this.assistants = new Map();
    /** @type {Map<string, QueueSettings>} */
    this.queueSettings = new Map();
    /** @type {Map<string, LiveStream>} streams in flight by id */
    this.streams = new Map();
    /** @type {Map<string, { at: number, conversationId: string }>} stream id → when it ended, in which conversation */
    this.ended = new Map();
    /** @type {Map<string, Promise<unknown>>} one chain of work per conversation (answers one after another) */
    this.chains = new Map();
    /** @type {Map<string, Promise<unknown>>} one chain per tenant for assignment */
    this.tenantChains = new Map();
    /** @type {Map<string, Map<string, { name: string, sockets: number }>>} online agents by tenant */
    this.online = new Map();
    /** @type {Map<string, number>} round-robin cursor by tenant */
    this.cursor = new Map();
    /** @type {Map<string, number>} conversation id → how many `handoff` frames it had (this node's and the cluster's) */
    this.handoffVersions = new Map();
    /**
     * @type {Map<string, number>} tenant id → until when (ms since the epoch) its provider is not
     * asked: it answered 429 with a retry time. Shared with the cluster's other nodes through the
     * hub (`assistant-cooldown` events).
     */
    this.coolDowns = new Map();
    /**
     * @type {Map<string, number>} stream id → the newest message `seq` its request included: where
     * its answer goes in later requests' history (a visitor message sent while it streamed comes
     * after it). After a restart an answer goes right after the visitor message it replied to.
     */
    this.contexts = new Map();
    /** @type {(() => void)[]} */
    this.unsubscribe = [];
    this.stopping = false;
  }

  /** Creates the tenants' assistants, listens to their conversations, finishes interrupted answers. */
  async start() {
    const env = this.options.env ?? process.env;
    const off = env.ASSISTANT === 'off';
    for (const tenant of this.options.tenants) {
      this.queueSettings.set(tenant.id, normalizeQueueSettings(tenant.queue, tenant.id));
      if (off || !tenant.assistant) continue;
      const assistant = await createAssistant(env, tenant.assistant, {
        tenantId: tenant.id,
        tenantName: tenant.name,
        kbDelayMs: this.options.kbDelayMs,
        fetch: this.options.fetch,
        logger: this.logger,
      });
      if (!assistant.enabled) continue;
      this.assistants.set(tenant.id, assistant);
      this.logger.log?.(`assistant (${tenant.id}): ${assistant.settings.name}, ${assistant.description}`);
    }
    for (const tenant of this.options.tenants) {
      this.unsubscribe.push(this.hub.subscribeTenant(tenant.id, (event, local) => this.onEvent(tenant.id, event, local)));
    }
    await this.recover();
  }

  /** Stops every stream without finishing it (a restart answers again) and stops listening. */
  stop() {
    this.stopping = true;
    for (const off of this.unsubscribe) off();
    for (const stream of this.streams.values()) stream.controller.abort('shutdown');
  }

  /** @param {string} tenantId */
  assistantOf(tenantId) {
    return this.assistants.get(tenantId) ?? null;
  }

  /**
   * Whether the assistant answers in this conversation: its tenant has one and the widget it was
   * started through did not turn it off (issue 13). Without one there is nothing to hand the
   * conversation back to (the agents' Handoff says so: `assistant`).
   * @param {string} tenantId
   * @param {string} conversationId
   */
  async hasAssistant(tenantId, conversationId) {
    return !!this.assistantOf(tenantId) && !(await this.store.widgets.featureOff(conversationId, 'assistant'));
  }

  /**
   * The session answer's `config.assistant`, or undefined when the tenant has none.
   * @param {string} tenantId
   */
  configFor(tenantId) {
    const a = this.assistantOf(tenantId);
    if (!a) return undefined;
    const avatar = a.settings.avatar && /^https?:\/\//.test(a.settings.avatar) ? a.settings.avatar : undefined;
    return { name: a.settings.name, greeting: a.greeting, ...(avatar ? { avatar } : {}) };
  }

  /** @param {string} tenantId */
  senderOf(tenantId) {
    const a = this.assistantOf(tenantId);
    const avatar = a?.settings.avatar && /^https?:\/\//.test(a.settings.avatar) ? a.settings.avatar : undefined;
    return /** @type {LiveStream['sender']} */ ({
      type: 'ai',
      id: 'assistant',
      name: a?.settings.name ?? 'Assistant',
      ...(avatar ? { avatar } : {}),
    });
  }

  // --- events from the hub ---

  /**
   * @param {string} tenantId
   * @param {import('../hub.js').HubEvent} event
   * @param {boolean} [local] published on this node: in a cluster every node hears every event, and
   *   only the node where it happened acts on it (answers, hands off, leaves the queue) — each node
   *   still ends its own streams of a conversation closed or taken over elsewhere
   */
  onEvent(tenantId, event, local = true) {
    if (this.stopping) return;
    if (event.type === 'assistant-cooldown') {
      this.coolDowns.set(tenantId, Math.max(this.coolDowns.get(tenantId) ?? 0, event.until));
      return;
    }
    const assistantEvent = /** @type {{ type: string, conversationId?: string | null, frame?: { type: string } }} */ (event);
    if (assistantEvent.type === 'assistant' && assistantEvent.frame?.type === 'handoff' && assistantEvent.conversationId) {
      const id = assistantEvent.conversationId;
      const next = (this.handoffVersions.get(id) ?? 0) + 1;
      this.handoffVersions.delete(id);
      this.handoffVersions.set(id, next);
      // Bounded: the oldest conversations are forgotten (a poll then sees 0 → 0, its wait runs out as before).
      if (this.handoffVersions.size > 10_000) this.handoffVersions.delete(/** @type {string} */ (this.handoffVersions.keys().next().value));
    }
    if (!local) {
      // Another node acts; a stream running here still ends when the conversation closes or an agent writes.
      if (event.type === 'status' && event.status === 'closed') this.abortStreams(event.conversationId, 'closed');
      else if (event.type === 'message' && event.message.sender.type === 'agent')
        this.abortStreams(event.message.conversationId, 'takeover');
      else if (assistantEvent.type === 'assistant' && assistantEvent.frame?.type === 'handoff' && assistantEvent.conversationId) {
        // Escalated, accepted or taken over through another node.
        const next = /** @type {{ handoff?: { state?: string } }} */ (assistantEvent.frame).handoff?.state;
        if (next === 'queued' || next === 'assigned')
          this.abortStreams(assistantEvent.conversationId, next === 'queued' ? 'escalated' : 'takeover');
      }
      return;
    }
    if (event.type === 'message' && event.message.sender.type === 'visitor') {
      const { message } = event;
      this.enqueue(message.conversationId, () => this.onVisitorMessage(tenantId, message)).catch((error) =>
        this.logger.error('assistant: visitor message failed', error),
      );
    } else if (event.type === 'message' && event.message.sender.type === 'agent') {
      const { message } = event;
      this.enqueue(message.conversationId, () => this.onAgentMessage(tenantId, message)).catch((error) =>
        this.logger.error('assistant: agent message failed', error),
      );
    } else if (event.type === 'status') {
      const { conversationId, status } = event;
      if (status === 'closed') this.abortStreams(conversationId, 'closed');
      this.enqueue(conversationId, () => this.onStatus(tenantId, conversationId, status)).catch((error) =>
        this.logger.error(`assistant: ${status === 'closed' ? 'close' : 'reopen'} failed`, error),
      );
    }
  }

  /**
   * A conversation closed or reopened (docs/protocol.md, Handoff). Closed while queued: it leaves
   * the queue (its handoff becomes `none`, the escalation forgotten), the visitor hears it, and
   * everyone behind it their new place. Closed while assigned: it stays with its agent (a reopen
   * brings it back to them). Reopened: a conversation that is not with an agent goes back to the
   * assistant (`none` without one); a visitor who still wants a person asks again and queues at
   * the end.
   * @param {string} tenantId
   * @param {string} conversationId
   * @param {string} status
   */
  async onStatus(tenantId, conversationId, status) {
    const row = await this.db.handoff(conversationId);
    if (status === 'closed' && row?.state === 'queued') {
      await this.db.setHandoff(
        conversationId,
        tenantId,
        { state: 'none', reason: null, requestedBy: null, metadata: null, requestedAt: null, agentId: null, assignedAt: null },
        { expected: ['queued'] },
      );
    }
    // The visitor's state changes with the status (closed: `none`; reopened: `assistant`).
    if (row || this.assistantOf(tenantId)) await this.publishHandoff(tenantId, conversationId);
    if (row?.state === 'queued' || row?.state === 'assigned') {
      await this.enqueueTenant(tenantId, async () => {
        await this.publishQueue(tenantId);
        await this.autoAssign(tenantId);
      });
    }
  }

  /**
   * Runs `fn` after the conversation's earlier work.
   * @template T
   * @param {string} conversationId
   * @param {() => Promise<T>} fn
   * @returns {Promise<T>}
   */
  enqueue(conversationId, fn) {
    const before = this.chains.get(conversationId) ?? Promise.resolve();
    const next = before.catch(() => undefined).then(fn);
    this.chains.set(conversationId, next);
    next.finally(() => this.chains.get(conversationId) === next && this.chains.delete(conversationId)).catch(() => undefined);
    return next;
  }

  /**
   * @template T
   * @param {string} tenantId
   * @param {() => Promise<T>} fn
   * @returns {Promise<T>}
   */
  enqueueTenant(tenantId, fn) {
    const before = this.tenantChains.get(tenantId) ?? Promise.resolve();
    const next = before.catch(() => undefined).then(fn);
    this.tenantChains.set(tenantId, next);
    next.finally(() => this.tenantChains.get(tenantId) === next && this.tenantChains.delete(tenantId)).catch(() => undefined);
    return next;
  }

  /**
   * The handoff state a conversation is in (no row: the assistant when the tenant has one).
   * @param {string} tenantId
   * @param {HandoffRow | null} row
   * @returns {'assistant' | 'queued' | 'assigned' | 'none'}
   */
  stateOf(tenantId, row) {
    if (row && row.state !== 'none') return row.state;
    return this.assistantOf(tenantId) ? 'assistant' : 'none';
  }

  /**
   * @param {string} tenantId
   * @param {Message} message
   */
  async onVisitorMessage(tenantId, message) {
    const assistant = this.assistantOf(tenantId);
    if (!assistant || this.stopping) return;
    // Started through a widget configuration with the assistant off (issue 13): people answer.
    if (await this.store.widgets.featureOff(message.conversationId, 'assistant')) return;
    const row = await this.db.handoff(message.conversationId);
    const state = this.stateOf(tenantId, row);
    if (state !== 'assistant') return;
    // Nothing to answer (no text, no file): the model would get an empty turn.
    if (!message.text?.trim() && !message.attachments?.length) return;
    const { decision } = assistant.decide(
      { unhelpful: row?.unhelpful ?? 0, escalated: false, humanAssigned: false },
      { type: 'visitor_message', text: message.text ?? '' },
      await this.audience(tenantId, message.conversationId),
    );
    if (decision.kind === 'answer') await this.answer(tenantId, message.conversationId, message.seq);
    else if (decision.kind === 'handoff' || decision.kind === 'offer')
      await this.act(tenantId, message.conversationId, decision, /** @type {any} */ (decision).reason ?? 'requested');
  }

  /**
   * An agent wrote in a conversation the assistant or the queue had: the agent has it now.
   * @param {string} tenantId
   * @param {Message} message
   */
  async onAgentMessage(tenantId, message) {
    if (!this.assistantOf(tenantId) || !message.sender.id) return;
    const row = await this.db.handoff(message.conversationId);
    const state = this.stateOf(tenantId, row);
    if (state === 'assigned') return;
    this.abortStreams(message.conversationId, 'takeover');
    const wasQueued = state === 'queued';
    const next = await this.db.setHandoff(
      message.conversationId,
      tenantId,
      { state: 'assigned', agentId: message.sender.id, assignedAt: new Date().toISOString() },
      { expected: ['assistant', 'queued', 'none'] },
    );
    if (!next) return;
    if (wasQueued && row?.requestedAt) await this.db.queueWait(tenantId, (Date.now() - Date.parse(row.requestedAt)) / 1000);
    await this.publishHandoff(tenantId, message.conversationId);
    if (wasQueued) await this.enqueueTenant(tenantId, () => this.publishQueue(tenantId));
  }

  /**
   * Carries out a handoff or an offer decided by the rules: the assistant's message (with a
   * "Talk to a person" action for an offer), and for a handoff the escalation.
   * @param {string} tenantId
   * @param {string} conversationId
   * @param {{ kind: string, message?: string }} decision
   * @param {string} reason
   */
  async act(tenantId, conversationId, decision, reason) {
    if (decision.kind !== 'handoff' && decision.kind !== 'offer') return;
    if (decision.message) {
      // `notice`: the assistant's own words about the handoff, not an answer (no Helpful/Not helpful).
      await this.storeAndPublish(tenantId, conversationId, {
        sender: this.senderOf(tenantId),
        text: decision.message,
        extra: { notice: true, ...(decision.kind === 'offer' ? { handoffOffer: true } : {}) },
      });
    }
    if (decision.kind === 'handoff') await this.escalateUnlocked(tenantId, conversationId, { reason, requestedBy: 'assistant' });
  }

  // --- streams ---

  /**
   * Streams the assistant's answer to the visitor message `replyTo` and stores it. Every stream
   * that starts ends with one `stream_end`, whatever fails on the way (a database error after
   * `stream_start` ends it as `failed`, `server_error`).
   * @param {string} tenantId
   * @param {string} conversationId
   * @param {number} replyTo
   * @param {string} [streamId] an interrupted answer's id (after a restart)
   */
  async answer(tenantId, conversationId, replyTo, streamId) {
    const assistant = this.assistantOf(tenantId);
    if (!assistant) return;
    // The conversation as it stands now: every stored message (answers stored since `replyTo`
    // too), each answer where it was written (inAnswerOrder).
    const recent = await this.db.recentMessages(conversationId, assistant.settings.maxTurns * 2 + 10);
    const history = await this.inAnswerOrder(conversationId, recent);
    const turns = toProviderMessages(history, assistant.settings.maxTurns);
    // Nothing of the visitor's to answer (the request would end with the assistant's turn).
    if (turns.at(-1)?.role !== 'user') {
      if (streamId) await this.db.finishStream(streamId, 'skipped');
      return;
    }
    const row = await this.db.handoff(conversationId);
    const audience = await this.audience(tenantId, conversationId);
    const id = streamId ?? `s_${nanoid()}`;
    this.contexts.set(id, Math.max(replyTo, ...recent.map((m) => m.seq)));
    if (this.contexts.size > CONTEXTS_KEPT) this.contexts.delete(/** @type {string} */ (this.contexts.keys().next().value));
    await this.db.startStream({ id, conversationId, tenantId, replyTo });
    /** @type {LiveStream} */
    const stream = {
      id,
      conversationId,
      tenantId,
      sender: this.senderOf(tenantId),
      replyTo,
      startedAt: new Date().toISOString(),
      index: -1,
      text: '',
      controller: new AbortController(),
    };
    this.streams.set(id, stream);
    this.publish(tenantId, conversationId, {
      type: 'stream_start',
      conversationId,
      streamId: id,
      sender: stream.sender,
      replyTo,
      startedAt: stream.startedAt,
    });
    const state = { unhelpful: row?.unhelpful ?? 0, escalated: false, humanAssigned: false };
    /** @type {{ title: string, url: string }[]} */
    let sources = [];
    /** @type {'complete' | 'stopped' | 'failed'} */
    let reason = 'complete';
    /** @type {{ code: string, retryAfter?: number } | undefined} */
    let error;
    /** @type {{ kind: string, message?: string, reason?: string } | undefined} */
    let decision;
    /** @type {Message | undefined} */
    let message;
    /** Code points streamed (the limit counts code points, as every message limit). */
    let length = 0;
    let capped = false;
    // The provider asked to wait (a 429 here or on another node): it is not asked until then.
    const retryAt = this.coolDowns.get(tenantId);
    const coolingDown = retryAt !== undefined && retryAt > Date.now();
    if (retryAt !== undefined && !coolingDown) this.coolDowns.delete(tenantId);
    const where = `conversation ${conversationId}, stream ${id}`;
    // The answer stays in the snapshots until its final message is stored: a long poll that reads
    // the conversation in between finds one or the other, never neither (the answer would vanish
    // from a poll client's view until its next poll).
    try {
      const request = { messages: turns, state, signal: stream.controller.signal, ...audience, ...(coolingDown ? { retryAt } : {}) };
      for await (const event of assistant.answer(request)) {
        if (event.type === 'delta') {
          if (!event.text) continue;
          const room = MAX_ANSWER - length;
          const points = [...event.text];
          const text = points.length > room ? points.slice(0, room).join('') : event.text;
          if (text) {
            length += Math.min(points.length, room);
            stream.text += text;
            stream.index += 1;
            this.publish(tenantId, conversationId, { type: 'stream_delta', conversationId, streamId: id, index: stream.index, text });
          }
          // At the limit: stop reading, which ends the provider's request (the answer is complete, cut at the limit).
          if (points.length >= room) {
            capped = true;
            break;
          }
        } else if (event.type === 'sources') {
          sources = event.sources.filter((s) => /^https?:\/\//.test(s.url)).slice(0, 5);
        } else if (event.type === 'done') {
          decision = event.decision;
          // Finished without a word (a reasoning model that spent its tokens thinking, a filter):
          // the rules hand off as `low_confidence`; the operator should know why.
          if (!event.text.trim() && event.finishReason !== 'no_match')
            this.logger.warn(
              `assistant (${tenantId}): empty answer from ${assistant.provider.name}${assistant.provider.model ? ` (${assistant.provider.model})` : ''}: ` +
                `finish reason ${event.finishReason}, no text (${where})`,
            );
        } else if (event.type === 'failed') {
          if (event.error.code === 'aborted') reason = 'stopped';
          else {
            reason = 'failed';
            const { retryAfter } = event.error;
            error = { code: event.error.code, ...(retryAfter !== undefined ? { retryAfter } : {}) };
            decision = event.decision;
            // Never the key (redacted again here, whatever the provider's message held), never the visitor's text.
            const message = redactSecrets(event.error.message, this.secrets());
            this.logger.warn(
              `assistant (${tenantId}): ${event.error.code}: ${message} (${where}${retryAfter !== undefined ? `, retry after ${retryAfter} s` : ''})`,
            );
            if (event.error.code === 'rate_limited' && !coolingDown && retryAfter !== undefined && retryAfter > 0)
              this.coolDown(tenantId, retryAfter);
          }
        }
      }
      // Shutting down: leave the answer unfinished, the next start writes it again.
      if (this.stopping || stream.controller.signal.reason === 'shutdown') {
        this.streams.delete(id);
        return;
      }
      if (stream.controller.signal.aborted && reason === 'complete' && !capped) reason = 'stopped';
      const interrupted = reason === 'stopped' && INTERRUPTED.has(String(stream.controller.signal.reason));
      const text = reason === 'complete' && !capped ? stream.text : trimCutAnswer(stream.text);
      if (capped) this.logger.warn(`assistant (${tenantId}): answer cut at ${MAX_ANSWER} characters (${where})`);
      // Did not end by itself: the server cut it (a person took over, a handoff, the close, the
      // length cap) or the provider failed in the middle; the visitor's Stop is `stopped`.
      const cut = interrupted || capped || reason === 'failed';
      if (text.trim()) {
        const stored = await this.db.append(conversationId, {
          clientId: id,
          sender: stream.sender,
          text,
          extra: {
            streamId: id,
            ...(sources.length && reason === 'complete' ? { sources } : {}),
            ...(cut ? { interrupted: true } : reason === 'stopped' ? { stopped: true } : {}),
          },
        });
        message = stored?.message;
      }
      this.streams.delete(id);
      await this.db.finishStream(id, reason);
    } catch (failure) {
      // The store (or anything else here) failed: the stream still ends, as failed.
      this.logger.error(`assistant (${tenantId}): the answer ${id} failed`, failure);
      reason = 'failed';
      error = { code: 'server_error' };
      decision = undefined;
    } finally {
      this.streams.delete(id);
    }
    this.ended.set(id, { at: Date.now(), conversationId });
    for (const [key, e] of this.ended) if (Date.now() - e.at > ENDED_MEMORY_MS) this.ended.delete(key);
    const interrupted = reason === 'stopped' && INTERRUPTED.has(String(stream.controller.signal.reason));
    this.publish(tenantId, conversationId, {
      type: 'stream_end',
      conversationId,
      streamId: id,
      reason,
      ...(interrupted ? { interrupted: true } : {}),
      ...(message ? { message } : {}),
      ...(error ? { error } : {}),
    });
    if (message) await this.chat.announceConversation(conversationId);
    if (decision && reason !== 'stopped')
      await this.act(tenantId, conversationId, decision, decision.reason ?? (reason === 'failed' ? 'provider_error' : 'low_confidence'));
  }

  /**
   * The conversation's messages in the order the model is to read them: each stored answer right
   * after the newest message its request included (for an answer of before a restart: after the
   * visitor message it replied to), so a visitor message sent while it streamed comes after it
   * and is not joined to the question before (the model would answer that again). Otherwise in
   * `seq` order.
   * @param {string} conversationId
   * @param {Message[]} messages oldest first
   * @returns {Promise<Message[]>}
   */
  async inAnswerOrder(conversationId, messages) {
    const streamIdOf = (/** @type {Message} */ m) => {
      const sid = /** @type {{ streamId?: unknown }} */ (m).streamId;
      return m.sender.type === 'ai' && typeof sid === 'string' ? sid : null;
    };
    const unknown = messages.map(streamIdOf).filter((sid) => sid !== null && !this.contexts.has(sid));
    const replies = unknown.length ? await this.db.streamReplies(conversationId, /** @type {string[]} */ (unknown)) : new Map();
    const keyed = messages.map((m, i) => {
      const sid = streamIdOf(m);
      const after = sid === null ? undefined : (this.contexts.get(sid) ?? replies.get(sid));
      // An answer sorts just after the message `after` (and after any answer placed there before it).
      return { m, i, key: after !== undefined && after < m.seq ? after + 0.5 : m.seq };
    });
    keyed.sort((a, b) => a.key - b.key || a.i - b.i);
    return keyed.map((k) => k.m);
  }

  /**
   * Stops asking the tenant's provider for `seconds` (capped at {@link MAX_COOL_DOWN_SECONDS}):
   * it said to wait (a 429). The other nodes of a cluster hear it through the hub.
   * @param {string} tenantId
   * @param {number} seconds
   */
  coolDown(tenantId, seconds) {
    const wait = Math.min(Math.ceil(seconds), MAX_COOL_DOWN_SECONDS);
    const until = Date.now() + wait * 1000;
    this.coolDowns.set(tenantId, Math.max(this.coolDowns.get(tenantId) ?? 0, until));
    this.logger.warn(
      `assistant (${tenantId}): the provider is rate-limited: no requests to it for ${wait} s (until ${new Date(until).toISOString()})` +
        (wait < seconds ? `; it asked for ${Math.ceil(seconds)} s, capped at ${MAX_COOL_DOWN_SECONDS} s` : ''),
    );
    this.hub.publish(tenantId, null, { type: 'assistant-cooldown', until, retryAfter: wait });
  }

  /** The configured provider keys (removed from every provider message logged). */
  secrets() {
    const env = this.options.env ?? process.env;
    return [env.OPENAI_API_KEY, env.GEMINI_API_KEY];
  }

  /**
   * Who the assistant's words are for: the visitor's locale (the session's `context.locale`) and
   * whether a person could come now (an agent online), for `decide` and `answer`.
   * @param {string} tenantId
   * @param {string} conversationId
   * @returns {Promise<{ locale?: string, agentsOnline: boolean }>}
   */
  async audience(tenantId, conversationId) {
    const conversation = await this.store.conversations.byId(conversationId);
    const locale = conversation?.context?.locale;
    return { ...(typeof locale === 'string' ? { locale } : {}), agentsOnline: this.hub.agentsOnline(tenantId) };
  }

  /**
   * The visitor's Stop.
   * @param {string} conversationId
   * @param {string} streamId
   * @returns {boolean} false: no such stream in this conversation (not even one that just ended)
   */
  stopStream(conversationId, streamId) {
    const stream = this.streams.get(streamId);
    if (stream && stream.conversationId === conversationId) {
      stream.controller.abort('stopped');
      return true;
    }
    const ended = this.ended.get(streamId);
    return ended !== undefined && ended.conversationId === conversationId && Date.now() - ended.at <= ENDED_MEMORY_MS;
  }

  /**
   * Ends the conversation's answers in flight: `stopped` (the visitor's Stop), or one of
   * {@link INTERRUPTED} (stored with `interrupted: true`, not `stopped`), or `shutdown`.
   * @param {string} conversationId
   * @param {'stopped' | 'takeover' | 'escalated' | 'closed' | 'shutdown'} why
   */
  abortStreams(conversationId, why) {
    for (const stream of this.streams.values()) if (stream.conversationId === conversationId) stream.controller.abort(why);
  }

  /**
   * The streams in flight in a conversation (the `streams` frame, the long poll's `streams`).
   * @param {string} conversationId
   */
  snapshots(conversationId) {
    return [...this.streams.values()]
      .filter((s) => s.conversationId === conversationId)
      .map((s) => ({ streamId: s.id, sender: s.sender, replyTo: s.replyTo, startedAt: s.startedAt, index: s.index, text: s.text }));
  }

  /**
   * What a long poll compares to know whether the conversation's handoff changed (a new queue
   * position, closed while queued): it changes with every `handoff` frame of the conversation.
   * @param {string} conversationId
   */
  handoffKey(conversationId) {
    return String(this.handoffVersions.get(conversationId) ?? 0);
  }

  /**
   * What a long poll compares to know whether the conversation's streams changed.
   * @param {string} conversationId
   */
  streamKey(conversationId) {
    return this.snapshots(conversationId)
      .map((s) => `${s.streamId}:${s.index}`)
      .join(',');
  }

  /** Answers that a stopped server left unfinished: each is stored once, or written again. */
  async recover() {
    for (const stream of await this.db.unfinishedStreams()) {
      const stored = await this.db.messageOfStream(stream.conversationId, stream.id);
      const conversation = await this.store.conversations.byId(stream.conversationId);
      const row = await this.db.handoff(stream.conversationId);
      if (stored || !conversation || conversation.status !== 'open' || this.stateOf(stream.tenantId, row) !== 'assistant') {
        await this.db.finishStream(stream.id, stored ? 'complete' : 'skipped');
        continue;
      }
      this.logger.log?.(`assistant (${stream.tenantId}): answering ${stream.conversationId} again after a restart`);
      this.enqueue(stream.conversationId, () => this.answer(stream.tenantId, stream.conversationId, stream.replyTo, stream.id)).catch(
        (error) => this.logger.error('assistant: recovery failed', error),
      );
    }
  }

  // --- publishing ---

  /**
   * Sends an assistant frame to the conversation's visitor connections and the tenant's agents
   * (`conversationId` null: agents only).
   * @param {string} tenantId
   * @param {string | null} conversationId
   * @param {Record<string, unknown> & { type: string }} frame
   * @param {Record<string, unknown> & { type: string }} [agentFrame] what agents get instead of
   *   `frame` (a `handoff` frame with what only agents may see: sockets/assistant.js)
   */
  publish(tenantId, conversationId, frame, agentFrame) {
    this.hub.publish(
      tenantId,
      conversationId,
      /** @type {any} */ ({ type: 'assistant', conversationId, frame, ...(agentFrame ? { agentFrame } : {}) }),
    );
  }

  /**
   * Stores a message of the assistant or a system notice and sends it as a `message` frame.
   * @param {string} tenantId
   * @param {string} conversationId
   * @param {{ sender: import('../types.js').Sender, text: string, event?: string, extra?: import('../store/assistant.js').MessageExtra }} input
   */
  async storeAndPublish(tenantId, conversationId, input) {
    const stored = await this.db.append(conversationId, input);
    if (!stored) return null;
    this.hub.publish(tenantId, conversationId, { type: 'message', message: stored.message });
    await this.chat.announceConversation(conversationId);
    return stored.message;
  }

  // --- handoff ---

  /**
   * The visitor's Handoff object of the protocol for a conversation: only the fields protocol.md
   * lists for it (an allow-list: the escalation's `metadata` is for agents, {@link agentView}).
   * Everything sent to a visitor (session answer, message pages, `handoff` frames, the escalate
   * answer) is this. A closed conversation is `none` unless a person has it.
   * @param {string} tenantId
   * @param {string} conversationId
   * @param {HandoffRow | null} [known]
   * @returns {Promise<HandoffView>}
   */
  async view(tenantId, conversationId, known) {
    const row = known === undefined ? await this.db.handoff(conversationId) : known;
    return this.build(tenantId, conversationId, row);
  }

  /**
   * The agents' Handoff object: the visitor's and the escalation's `metadata`.
   * @param {string} tenantId
   * @param {string} conversationId
   * @param {HandoffRow | null} [known]
   * @returns {Promise<AgentHandoffView>}
   */
  async agentView(tenantId, conversationId, known) {
    const row = known === undefined ? await this.db.handoff(conversationId) : known;
    return withMetadata(await this.build(tenantId, conversationId, row), row, await this.hasAssistant(tenantId, conversationId));
  }

  /**
   * @param {string} tenantId
   * @param {string} conversationId
   * @param {HandoffRow | null} row
   * @returns {Promise<HandoffView>}
   */
  async build(tenantId, conversationId, row) {
    let state = this.stateOf(tenantId, row);
    // No assistant answers here (the widget turned it off; or a row of when the site had one): nobody has it.
    if (state === 'assistant' && !(await this.hasAssistant(tenantId, conversationId))) state = 'none';
    if (state !== 'assigned' && (await this.store.conversations.byId(conversationId))?.status === 'closed') state = 'none';
    const agentsOnline = this.hub.agentsOnline(tenantId);
    const assistant = this.assistantOf(tenantId);
    /** @type {HandoffView} */
    const view = { state, agentsOnline, withinHours: assistant ? assistant.isOpen() : true };
    if ((state === 'queued' || state === 'assigned') && row) {
      // An agent's reason is their note to the team (it may be internal): for agents only.
      if (row.reason && row.requestedBy !== 'agent') view.reason = row.reason;
      if (row.requestedBy) view.requestedBy = row.requestedBy;
      if (row.requestedAt) view.requestedAt = row.requestedAt;
    }
    if (state === 'queued') {
      const queue = await this.db.queue(tenantId);
      const position = queue.findIndex((q) => q.conversationId === conversationId) + 1;
      if (position > 0) view.position = position;
      view.estimatedWaitSeconds = await this.estimate(tenantId, position || queue.length + 1);
    }
    if (state === 'assigned' && row?.agentId) {
      const agent = await this.store.agents.byId(row.agentId);
      view.agent = { id: row.agentId, name: agent?.name ?? 'Agent' };
    }
    return view;
  }

  /**
   * @param {string} tenantId
   * @param {number} position
   */
  async estimate(tenantId, position) {
    const online = this.onlineAgents(tenantId).length;
    if (online === 0) return null;
    const mean = (await this.db.queueWait(tenantId)) ?? DEFAULT_WAIT_SECONDS;
    // Never 0 for someone waiting (past waits near 0 s with auto-assignment): at least a minute.
    return Math.max(MIN_WAIT_SECONDS, Math.round((mean * position) / online));
  }

  /**
   * @param {string} tenantId
   * @param {string} conversationId
   */
  async publishHandoff(tenantId, conversationId) {
    const row = await this.db.handoff(conversationId);
    const handoff = await this.view(tenantId, conversationId, row);
    const agentHandoff = withMetadata(handoff, row, await this.hasAssistant(tenantId, conversationId));
    this.publish(
      tenantId,
      conversationId,
      { type: 'handoff', conversationId, handoff },
      { type: 'handoff', conversationId, handoff: agentHandoff },
    );
    return handoff;
  }

  /**
   * Sends every queued conversation its (new) position and the agents the queue.
   * @param {string} tenantId
   */
  async publishQueue(tenantId) {
    const { queue } = await this.queueView(tenantId);
    for (const entry of queue) await this.publishHandoff(tenantId, entry.conversationId);
    this.publish(tenantId, null, { type: 'queue', queue });
  }

  /**
   * The agents' view of the queue.
   * @param {string} tenantId
   */
  async queueView(tenantId) {
    const rows = await this.db.queue(tenantId);
    const now = Date.now();
    const queue = [];
    for (const [i, row] of rows.entries()) {
      const summary = await this.store.conversations.summary(row.conversationId);
      if (!summary) continue;
      queue.push({
        conversationId: row.conversationId,
        position: i + 1,
        queuedAt: row.requestedAt ?? new Date(now).toISOString(),
        waitingSeconds: Math.max(0, Math.round((now - Date.parse(row.requestedAt ?? new Date(now).toISOString())) / 1000)),
        reason: row.reason ?? '',
        requestedBy: row.requestedBy ?? 'visitor',
        ...(row.metadata ? { metadata: row.metadata } : {}),
        // Whether it may go back to the assistant instead of to a person (as the agents' Handoff).
        assistant: await this.hasAssistant(tenantId, row.conversationId),
        conversation: this.chat.agentView(summary),
      });
    }
    const counts = await this.db.assignedCounts(tenantId);
    const limit = this.queueSettings.get(tenantId)?.maxPerAgent ?? 3;
    const onlineIds = new Set(this.onlineAgents(tenantId).map((a) => a.id));
    const agents = (await this.tenantAgents(tenantId)).map((a) => ({
      id: a.id,
      name: a.name,
      online: onlineIds.has(a.id),
      assigned: counts.get(a.id) ?? 0,
      limit,
    }));
    return { queue, agents };
  }

  /** @param {string} tenantId @returns {Promise<{ id: string, name: string }[]>} */
  async tenantAgents(tenantId) {
    const rows = await this.store.db.rows(
      'SELECT id, name FROM agents WHERE organization_id = $1 AND disabled_at IS NULL ORDER BY id ASC',
      [tenantId],
    );
    return rows.map((r) => ({ id: String(r.id), name: String(r.name) }));
  }

  /**
   * Escalates a conversation (the visitor's button, `POST /api/chat/escalate`, an agent, or the
   * rules): queued for a person. Already queued or assigned: unchanged.
   * @param {Conversation} conversation
   * @param {{ reason?: string, metadata?: Record<string, string>, requestedBy: 'visitor' | 'assistant' | 'agent' }} request
   */
  async escalate(conversation, request) {
    if (conversation.status !== 'open') throw conversationClosed();
    // An answer being written ends first (its chain would hold the escalation until it finished).
    this.abortStreams(conversation.id, 'escalated');
    return this.enqueue(conversation.id, () => this.escalateUnlocked(conversation.tenantId, conversation.id, request));
  }

  /**
   * @param {string} tenantId
   * @param {string} conversationId
   * @param {{ reason?: string, metadata?: Record<string, string>, requestedBy: 'visitor' | 'assistant' | 'agent' }} request
   * @param {{ force?: boolean }} [options] `force`: also from `assigned` (an agent puts it back)
   */
  async escalateUnlocked(tenantId, conversationId, { reason, metadata, requestedBy }, { force = false } = {}) {
    const row = await this.db.handoff(conversationId);
    const state = this.stateOf(tenantId, row);
    if (state === 'queued' || (state === 'assigned' && !force)) return this.view(tenantId, conversationId, row);
    this.abortStreams(conversationId, 'escalated');
    const text = reason || 'requested by the visitor';
    await this.db.setHandoff(conversationId, tenantId, {
      state: 'queued',
      reason: text,
      requestedBy,
      metadata: metadata ?? null,
      requestedAt: new Date().toISOString(),
      agentId: null,
      assignedAt: null,
    });
    const { locale } = await this.audience(tenantId, conversationId);
    await this.storeAndPublish(tenantId, conversationId, {
      sender: { type: 'system' },
      // Words per reason in the visitor's language (transcripts show them), never a code or an agent's note.
      text: escalationNotice(text, requestedBy, locale),
      event: 'escalated',
      // Visitors read this message too: an agent's reason stays out of it (agents have it in the queue and their Handoff).
      extra: { handoff: { ...(requestedBy === 'agent' ? {} : { reason: text }), requestedBy } },
    });
    await this.enqueueTenant(tenantId, async () => {
      await this.publishQueue(tenantId);
      await this.autoAssign(tenantId);
    });
    return this.view(tenantId, conversationId);
  }

  /**
   * An agent takes a conversation from the queue or from the assistant.
   * @param {Conversation} conversation
   * @param {{ id: string, name: string }} agent
   */
  async accept(conversation, agent) {
    if (conversation.status !== 'open') throw conversationClosed();
    return this.enqueueTenant(conversation.tenantId, () => this.assign(conversation.tenantId, conversation.id, agent, 'accept'));
  }

  /**
   * @param {string} tenantId
   * @param {string} conversationId
   * @param {{ id: string, name: string }} agent
   * @param {'accept' | 'auto' | 'transfer'} how
   * @param {{ id: string, name: string }} [by] who transferred
   */
  async assign(tenantId, conversationId, agent, how, by) {
    const row = await this.db.handoff(conversationId);
    const state = this.stateOf(tenantId, row);
    if (how !== 'transfer' && state === 'assigned') {
      if (row?.agentId === agent.id) return this.view(tenantId, conversationId, row);
      throw new ApiError(409, 'already_assigned', 'Another agent has this conversation.');
    }
    this.abortStreams(conversationId, 'takeover');
    const next = await this.db.setHandoff(conversationId, tenantId, {
      state: 'assigned',
      agentId: agent.id,
      assignedAt: new Date().toISOString(),
    });
    if (!next) throw new ApiError(409, 'already_assigned', 'Another agent has this conversation.');
    if (state === 'queued' && row?.requestedAt) await this.db.queueWait(tenantId, (Date.now() - Date.parse(row.requestedAt)) / 1000);
    const text =
      how === 'transfer'
        ? `${by?.name ?? 'An agent'} transferred the conversation to ${agent.name}.`
        : `${agent.name} is now in the conversation.`;
    await this.storeAndPublish(tenantId, conversationId, {
      sender: { type: 'system', name: agent.name },
      text,
      event: how === 'transfer' ? 'transferred' : 'assigned',
      extra: { handoff: { agent: { id: agent.id, name: agent.name } } },
    });
    await this.publishHandoff(tenantId, conversationId);
    await this.publishQueue(tenantId);
    return this.view(tenantId, conversationId);
  }

  /**
   * @param {Conversation} conversation
   * @param {{ id: string, name: string }} from
   * @param {string} agentId
   */
  async transfer(conversation, from, agentId) {
    const target = await this.store.agents.byId(agentId);
    if (!target || target.tenantId !== conversation.tenantId || target.disabled) throw notFound('Unknown agent.');
    const row = await this.db.handoff(conversation.id);
    if (row?.state === 'assigned' && row.agentId === agentId) throw badRequest('The conversation is already with this agent.');
    return this.enqueueTenant(conversation.tenantId, async () => {
      const view = await this.assign(conversation.tenantId, conversation.id, { id: target.id, name: target.name }, 'transfer', from);
      await this.autoAssign(conversation.tenantId);
      return view;
    });
  }

  /**
   * An agent hands the conversation back to the assistant.
   * @param {Conversation} conversation
   * @param {{ id: string, name: string }} agent
   */
  async returnToAssistant(conversation, agent) {
    const assistant = this.assistantOf(conversation.tenantId);
    if (!assistant) throw new ApiError(409, 'assistant_disabled', 'This site has no assistant.');
    // Its widget turned the assistant off: "returned", nobody would answer the visitor (onVisitorMessage).
    if (!(await this.hasAssistant(conversation.tenantId, conversation.id)))
      throw new ApiError(409, 'assistant_disabled', 'This conversation’s widget has the assistant off.');
    const tenantId = conversation.tenantId;
    return this.enqueueTenant(tenantId, async () => {
      const current = await this.store.conversations.byId(conversation.id);
      if (current?.status !== 'open') throw conversationClosed();
      const row = await this.db.handoff(conversation.id);
      // Already with the assistant: nothing to return, nothing stored (a second click, two agents at once).
      if (this.stateOf(tenantId, row) !== 'queued' && this.stateOf(tenantId, row) !== 'assigned')
        return this.view(tenantId, conversation.id, row);
      await this.db.setHandoff(conversation.id, tenantId, {
        state: 'assistant',
        reason: null,
        requestedBy: null,
        metadata: null,
        requestedAt: null,
        agentId: null,
        assignedAt: null,
        unhelpful: 0,
      });
      await this.storeAndPublish(tenantId, conversation.id, {
        sender: { type: 'system', name: agent.name },
        text: `${agent.name} handed the conversation back to ${assistant.settings.name}.`,
        event: 'returned',
      });
      await this.publishHandoff(tenantId, conversation.id);
      await this.publishQueue(tenantId);
      await this.autoAssign(tenantId);
      return this.view(tenantId, conversation.id);
    });
  }

  /**
   * An agent puts a conversation (back) into the queue.
   * @param {Conversation} conversation
   * @param {{ reason?: string, metadata?: Record<string, string> }} request
   */
  async agentEscalate(conversation, request) {
    if (conversation.status !== 'open') throw conversationClosed();
    this.abortStreams(conversation.id, 'escalated');
    return this.enqueue(conversation.id, () =>
      this.escalateUnlocked(conversation.tenantId, conversation.id, { ...request, requestedBy: 'agent' }, { force: true }),
    );
  }

  // --- agents online and round-robin ---

  /**
   * Counts an agent socket as online until the returned function is called.
   * @param {{ id: string, name: string, tenantId: string }} agent
   */
  agentConnected(agent) {
    let agents = this.online.get(agent.tenantId);
    if (!agents) this.online.set(agent.tenantId, (agents = new Map()));
    const entry = agents.get(agent.id) ?? { name: agent.name, sockets: 0 };
    entry.sockets += 1;
    agents.set(agent.id, entry);
    const tenantId = agent.tenantId;
    this.enqueueTenant(tenantId, async () => {
      await this.autoAssign(tenantId);
      await this.publishQueue(tenantId);
    }).catch((error) => this.logger.error('assistant: assignment failed', error));
    let counted = true;
    return () => {
      if (!counted) return;
      counted = false;
      entry.sockets -= 1;
      if (entry.sockets <= 0) agents.delete(agent.id);
      if (!this.stopping)
        this.enqueueTenant(tenantId, () => this.publishQueue(tenantId)).catch((error) =>
          this.logger.error('assistant: queue failed', error),
        );
    };
  }

  /** @param {string} tenantId @returns {{ id: string, name: string }[]} */
  onlineAgents(tenantId) {
    return [...(this.online.get(tenantId)?.entries() ?? [])]
      .map(([id, e]) => ({ id, name: e.name }))
      .sort((a, b) => a.id.localeCompare(b.id));
  }

  /**
   * Round-robin: gives the oldest waiting conversations to the online agents below the limit,
   * each time the next agent after the one served last. Runs in the tenant's chain.
   * @param {string} tenantId
   */
  async autoAssign(tenantId) {
    const settings = this.queueSettings.get(tenantId);
    if (!settings?.autoAssign || this.stopping) return;
    for (;;) {
      const queue = await this.db.queue(tenantId);
      const agents = this.onlineAgents(tenantId);
      if (queue.length === 0 || agents.length === 0) return;
      const counts = await this.db.assignedCounts(tenantId);
      const start = this.cursor.get(tenantId) ?? 0;
      let chosen = -1;
      for (let i = 0; i < agents.length; i++) {
        const k = (start + i) % agents.length;
        if ((counts.get(agents[k].id) ?? 0) < settings.maxPerAgent) {
          chosen = k;
          break;
        }
      }
      if (chosen < 0) return;
      this.cursor.set(tenantId, chosen + 1);
      await this.assign(tenantId, queue[0].conversationId, agents[chosen], 'auto');
    }
  }

  // --- feedback and rating ---

  /**
   * @param {Conversation} conversation
   * @param {{ messageId: string, helpful: boolean, comment?: string }} feedback
   */
  async feedback(conversation, { messageId, helpful, comment }) {
    const message = await this.db.message(conversation.id, messageId);
    if (!message || message.sender.type !== 'ai') throw notFound('No assistant message with this id in the conversation.');
    const { previous } = await this.db.setFeedback({ conversationId: conversation.id, messageId, helpful, comment });
    // The assistant's notices (handoff, apology) are not answers: their feedback does not count.
    const counts = !(/** @type {any} */ (message).notice);
    const tenantId = conversation.tenantId;
    this.publish(tenantId, null, {
      type: 'feedback',
      conversationId: conversation.id,
      messageId,
      helpful,
      ...(comment ? { comment } : {}),
    });
    const assistant = this.assistantOf(tenantId);
    // The count is of answers marked "not helpful" now: a change to helpful takes one back, and
    // marking the same answer again (false → true → false) counts it once.
    if (!assistant || !counts || (helpful && previous !== false) || (!helpful && previous === false)) return;
    await this.enqueue(conversation.id, async () => {
      const row = await this.db.handoff(conversation.id);
      if (this.stateOf(tenantId, row) !== 'assistant') return;
      if (helpful) {
        await this.db.setHandoff(conversation.id, tenantId, { state: 'assistant', unhelpful: Math.max(0, (row?.unhelpful ?? 0) - 1) });
        return;
      }
      const unhelpful = (row?.unhelpful ?? 0) + 1;
      await this.db.setHandoff(conversation.id, tenantId, { state: 'assistant', unhelpful });
      const { decision } = assistant.decide(
        { unhelpful: unhelpful - 1, escalated: false, humanAssigned: false },
        { type: 'feedback', helpful: false },
        await this.audience(tenantId, conversation.id),
      );
      await this.act(tenantId, conversation.id, decision, 'unhelpful');
    });
  }

  /**
   * @param {Conversation} conversation
   * @param {number} score
   * @param {string} [comment]
   */
  async rate(conversation, score, comment) {
    const current = await this.store.conversations.byId(conversation.id);
    if (current?.status !== 'closed') throw new ApiError(409, 'not_closed', 'Only a closed conversation can be rated.');
    await this.db.setRating(conversation.id, score, comment);
    this.publish(conversation.tenantId, null, {
      type: 'rating',
      conversationId: conversation.id,
      rating: await this.db.rating(conversation.id),
    });
    // Agents' conversation lists show the rating (protocol.md, Rating: "and a `conversation` frame").
    await this.chat.announceConversation(conversation.id);
  }
}
