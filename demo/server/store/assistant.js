// @ts-check
/**
 * The assistant's storage (migration 003): its messages (with `extra`: stream id, sources, stop,
 * handoff offer), the answers being written (`assistant_streams`), each conversation's handoff
 * (`chat_handoffs`: the queue and the assignment), queue waits, feedback and ratings. Answers
 * results, never HTTP errors (like the other store modules).
 */
import { nanoid } from 'nanoid';
import { iso, toConversation, toMessage } from './rows.js';
import { retryOnConflict } from './sql.js';

/**
 * @typedef {import('./sql.js').Database} Database
 * @typedef {import('./rows.js').MessageRow} MessageRow
 * @typedef {import('./rows.js').ConversationRow} ConversationRow
 * @typedef {import('../types.js').Message} Message
 * @typedef {import('../types.js').Sender} Sender
 * @typedef {import('../types.js').Conversation} Conversation
 * @typedef {'assistant' | 'queued' | 'assigned' | 'none'} HandoffStateName
 * @typedef {{
 *   conversationId: string, tenantId: string, state: HandoffStateName, reason: string | null,
 *   requestedBy: 'visitor' | 'assistant' | 'agent' | null, metadata: Record<string, string> | null,
 *   requestedAt: string | null, agentId: string | null, assignedAt: string | null, unhelpful: number,
 * }} HandoffRow
 * @typedef {{ id: string, conversationId: string, tenantId: string, replyTo: number, startedAt: string }} StreamRow
 * @typedef {{ chat_session_id: string, organization_id: string, state: HandoffStateName, reason: string | null,
 *   requested_by: HandoffRow['requestedBy'], metadata: Record<string, string> | null, requested_at: import('./rows.js').Timestamp | null,
 *   agent_id: string | null, assigned_at: import('./rows.js').Timestamp | null, unhelpful: number | string }} HandoffDbRow
 * @typedef {{ message_id: string, chat_session_id: string, helpful: boolean, comment: string | null, created_at: import('./rows.js').Timestamp }} FeedbackDbRow
 * @typedef {{ chat_session_id: string, score: number | string, comment: string | null, created_at: import('./rows.js').Timestamp }} RatingDbRow
 * @typedef {{ streamId?: string, sources?: { title: string, url: string }[], stopped?: boolean, interrupted?: boolean,
 *   handoffOffer?: boolean, notice?: boolean,
 *   handoff?: { reason?: string, requestedBy?: string, agent?: { id: string, name: string } } }} MessageExtra
 */

/**
 * Stores a message with the next seq and its `extra`, once per clientId: one statement. An `ai`
 * or `system` message does not change `awaiting_reply`, except that an `ai` answer clears it.
 */
const APPEND = /* sql */ `
WITH existing AS (
  SELECT * FROM chat_messages WHERE chat_session_id = $1 AND $2::text IS NOT NULL AND client_id = $2
), bumped AS (
  UPDATE chat_sessions SET last_seq = last_seq + 1, updated_at = now(), started_at = COALESCE(started_at, now()),
         awaiting_reply = CASE WHEN $3 = 'ai' THEN false ELSE awaiting_reply END
   WHERE id = $1 AND NOT EXISTS (SELECT 1 FROM existing)
  RETURNING *
), inserted AS (
  INSERT INTO chat_messages (id, chat_session_id, seq, client_id, sender_type, sender_id, sender_name, content, event, extra)
  SELECT $4, b.id, b.last_seq, $2, $3, $5, $6, $7, $8, $9::jsonb FROM bumped b
  RETURNING *
)
SELECT to_jsonb(b) AS conversation, to_jsonb(x) AS message, NULL::jsonb AS existing FROM bumped b, inserted x
UNION ALL
SELECT NULL, NULL, to_jsonb(e) FROM existing e`;

/** @param {HandoffDbRow} r @returns {HandoffRow} */
function toHandoff(r) {
  return {
    conversationId: r.chat_session_id,
    tenantId: r.organization_id,
    state: r.state,
    reason: r.reason ?? null,
    requestedBy: r.requested_by ?? null,
    metadata: r.metadata ?? null,
    requestedAt: r.requested_at ? iso(r.requested_at) : null,
    agentId: r.agent_id ?? null,
    assignedAt: r.assigned_at ? iso(r.assigned_at) : null,
    unhelpful: Number(r.unhelpful ?? 0),
  };
}

export class AssistantStore {
  /** @param {Database} db */
  constructor(db) {
    /** @private */
    this.db = db;
  }

  /**
   * Stores a message of the assistant or a system notice with its extra fields.
   * @param {string} conversationId
   * @param {{ clientId?: string, sender: Sender, text: string, event?: string, extra?: MessageExtra }} input
   * @returns {Promise<{ message: Message, conversation: Conversation | null, created: boolean } | null>} null: no such conversation
   */
  async append(conversationId, { clientId, sender, text, event, extra }) {
    const extraJson = extra && Object.keys(extra).length > 0 ? JSON.stringify(extra) : null;
    /** @type {{ conversation: ConversationRow | null, message: MessageRow | null, existing: MessageRow | null } | undefined} */
    const row = await retryOnConflict(() =>
      this.db.row(APPEND, [
        conversationId,
        clientId ?? null,
        sender.type,
        `m_${nanoid()}`,
        sender.id ?? null,
        sender.name ?? null,
        text,
        event ?? null,
        extraJson,
      ]),
    );
    if (!row) return null;
    if (row.existing) return { message: toMessage(row.existing), conversation: null, created: false };
    if (!row.message || !row.conversation) return null;
    return { message: toMessage(row.message), conversation: toConversation(row.conversation), created: true };
  }

  /**
   * A stored message of a conversation by id.
   * @param {string} conversationId
   * @param {string} messageId
   */
  async message(conversationId, messageId) {
    /** @type {MessageRow | undefined} */
    const row = await this.db.row('SELECT * FROM chat_messages WHERE chat_session_id = $1 AND id = $2', [conversationId, messageId]);
    return row ? toMessage(row) : null;
  }

  /**
   * The message a stream stored (client_id = stream id), if any.
   * @param {string} conversationId
   * @param {string} streamId
   */
  async messageOfStream(conversationId, streamId) {
    /** @type {MessageRow | undefined} */
    const row = await this.db.row('SELECT * FROM chat_messages WHERE chat_session_id = $1 AND client_id = $2', [conversationId, streamId]);
    return row ? toMessage(row) : null;
  }

  /**
   * The newest messages of a conversation, oldest first (what the model sees).
   * @param {string} conversationId
   * @param {number} limit
   */
  async recentMessages(conversationId, limit) {
    /** @type {MessageRow[]} */
    const rows = await this.db.rows('SELECT * FROM chat_messages WHERE chat_session_id = $1 ORDER BY seq DESC LIMIT $2', [
      conversationId,
      limit,
    ]);
    return rows.reverse().map(toMessage);
  }

  /**
   * The visitor message each of the given streams replied to (`reply_to`), by stream id.
   * @param {string} conversationId
   * @param {string[]} streamIds
   * @returns {Promise<Map<string, number>>}
   */
  async streamReplies(conversationId, streamIds) {
    /** @type {{ id: string, reply_to: number }[]} */
    const rows = await this.db.rows('SELECT id, reply_to FROM assistant_streams WHERE chat_session_id = $1 AND id = ANY($2::text[])', [
      conversationId,
      streamIds,
    ]);
    return new Map(rows.map((r) => [String(r.id), Number(r.reply_to)]));
  }

  /**
   * Every message of a conversation, oldest first (transcripts; at most 5000).
   * @param {string} conversationId
   */
  async allMessages(conversationId) {
    /** @type {MessageRow[]} */
    const rows = await this.db.rows('SELECT * FROM chat_messages WHERE chat_session_id = $1 ORDER BY seq ASC LIMIT 5000', [conversationId]);
    return rows.map(toMessage);
  }

  // --- streams ---

  /**
   * Records an answer about to be written.
   * @param {{ id: string, conversationId: string, tenantId: string, replyTo: number }} stream
   */
  async startStream({ id, conversationId, tenantId, replyTo }) {
    await this.db.query(
      'INSERT INTO assistant_streams (id, chat_session_id, organization_id, reply_to) VALUES ($1, $2, $3, $4) ON CONFLICT (id) DO NOTHING',
      [id, conversationId, tenantId, replyTo],
    );
  }

  /**
   * @param {string} id
   * @param {string} outcome `complete`, `stopped`, `failed`, `skipped`
   */
  async finishStream(id, outcome) {
    await this.db.query('UPDATE assistant_streams SET finished_at = now(), outcome = $2 WHERE id = $1 AND finished_at IS NULL', [
      id,
      outcome,
    ]);
  }

  /** The answers a stopped server left unfinished, oldest first. @returns {Promise<StreamRow[]>} */
  async unfinishedStreams() {
    /** @type {{ id: string, chat_session_id: string, organization_id: string, reply_to: number | string, started_at: import('./rows.js').Timestamp }[]} */
    const rows = await this.db.rows('SELECT * FROM assistant_streams WHERE finished_at IS NULL ORDER BY started_at ASC LIMIT 1000');
    return rows.map((r) => ({
      id: r.id,
      conversationId: r.chat_session_id,
      tenantId: r.organization_id,
      replyTo: Number(r.reply_to),
      startedAt: iso(r.started_at),
    }));
  }

  // --- handoff ---

  /**
   * @param {string} conversationId
   * @returns {Promise<HandoffRow | null>}
   */
  async handoff(conversationId) {
    /** @type {HandoffDbRow | undefined} */
    const row = await this.db.row('SELECT * FROM chat_handoffs WHERE chat_session_id = $1', [conversationId]);
    return row ? toHandoff(row) : null;
  }

  /**
   * The handoffs of several conversations.
   * @param {string[]} ids
   * @returns {Promise<Map<string, HandoffRow>>}
   */
  async handoffs(ids) {
    if (ids.length === 0) return new Map();
    /** @type {HandoffDbRow[]} */
    const rows = await this.db.rows('SELECT * FROM chat_handoffs WHERE chat_session_id = ANY($1::text[])', [ids]);
    return new Map(rows.map((r) => [r.chat_session_id, toHandoff(r)]));
  }

  /**
   * Writes a conversation's handoff (insert or replace), only if its state is still `expected`
   * (null: anything) — two agents accepting at once: one wins.
   * @param {string} conversationId
   * @param {string} tenantId
   * @param {Partial<Omit<HandoffRow, 'conversationId' | 'tenantId'>> & { state: HandoffStateName }} next
   * @param {{ expected?: HandoffStateName[], expectedAgent?: string | null }} [guard]
   * @returns {Promise<HandoffRow | null>} null when the guard failed
   */
  async setHandoff(conversationId, tenantId, next, { expected, expectedAgent } = {}) {
    return this.db.transaction(async (tx) => {
      // Lock the conversation: handoff changes of one conversation run one after another.
      await tx.query('SELECT id FROM chat_sessions WHERE id = $1 FOR UPDATE', [conversationId]);
      /** @type {HandoffDbRow | undefined} */
      const current = await tx.row('SELECT * FROM chat_handoffs WHERE chat_session_id = $1', [conversationId]);
      const now = current ? toHandoff(current) : null;
      if (expected && !expected.includes(now?.state ?? 'none')) return null;
      if (expectedAgent !== undefined && (now?.agentId ?? null) !== expectedAgent) return null;
      const merged = {
        state: next.state,
        reason: next.reason !== undefined ? next.reason : (now?.reason ?? null),
        requestedBy: next.requestedBy !== undefined ? next.requestedBy : (now?.requestedBy ?? null),
        metadata: next.metadata !== undefined ? next.metadata : (now?.metadata ?? null),
        requestedAt: next.requestedAt !== undefined ? next.requestedAt : (now?.requestedAt ?? null),
        agentId: next.agentId !== undefined ? next.agentId : (now?.agentId ?? null),
        assignedAt: next.assignedAt !== undefined ? next.assignedAt : (now?.assignedAt ?? null),
        unhelpful: next.unhelpful !== undefined ? next.unhelpful : (now?.unhelpful ?? 0),
      };
      /** @type {HandoffDbRow | undefined} */
      const row = await tx.row(
        `INSERT INTO chat_handoffs (chat_session_id, organization_id, state, reason, requested_by, metadata, requested_at, agent_id, assigned_at, unhelpful, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7, $8, $9, $10, now())
         ON CONFLICT (chat_session_id) DO UPDATE SET state = $3, reason = $4, requested_by = $5, metadata = $6::jsonb,
           requested_at = $7, agent_id = $8, assigned_at = $9, unhelpful = $10, updated_at = now()
         RETURNING *`,
        [
          conversationId,
          tenantId,
          merged.state,
          merged.reason,
          merged.requestedBy,
          merged.metadata ? JSON.stringify(merged.metadata) : null,
          merged.requestedAt,
          merged.agentId,
          merged.assignedAt,
          merged.unhelpful,
        ],
      );
      return row ? toHandoff(row) : null;
    });
  }

  /**
   * The tenant's queue, oldest waiting first (open conversations only).
   * @param {string} tenantId
   * @returns {Promise<HandoffRow[]>}
   */
  async queue(tenantId) {
    /** @type {HandoffDbRow[]} */
    const rows = await this.db.rows(
      `SELECT h.* FROM chat_handoffs h JOIN chat_sessions s ON s.id = h.chat_session_id
        WHERE h.organization_id = $1 AND h.state = 'queued' AND s.status = 'open'
        ORDER BY h.requested_at ASC, h.chat_session_id ASC LIMIT 500`,
      [tenantId],
    );
    return rows.map(toHandoff);
  }

  /**
   * Open conversations assigned to each agent of the tenant.
   * @param {string} tenantId
   * @returns {Promise<Map<string, number>>}
   */
  async assignedCounts(tenantId) {
    /** @type {{ agent_id: string, n: number | string }[]} */
    const rows = await this.db.rows(
      `SELECT h.agent_id, count(*)::int AS n FROM chat_handoffs h JOIN chat_sessions s ON s.id = h.chat_session_id
        WHERE h.organization_id = $1 AND h.state = 'assigned' AND s.status = 'open' GROUP BY h.agent_id`,
      [tenantId],
    );
    return new Map(rows.map((r) => [r.agent_id, Number(r.n)]));
  }

  /**
   * Records how long a conversation waited, and answers the tenant's mean wait of the last 20.
   * @param {string} tenantId
   * @param {number} [waitedSeconds] none: only read
   * @returns {Promise<number | null>} null when nothing was recorded yet
   */
  async queueWait(tenantId, waitedSeconds) {
    if (waitedSeconds !== undefined) {
      await this.db.query('INSERT INTO chat_queue_waits (organization_id, waited_seconds) VALUES ($1, $2)', [
        tenantId,
        Math.max(0, Math.round(waitedSeconds)),
      ]);
    }
    /** @type {{ mean: number | string | null, n: number | string } | undefined} */
    const row = await this.db.row(
      `SELECT avg(waited_seconds)::float AS mean, count(*)::int AS n FROM (
         SELECT waited_seconds FROM chat_queue_waits WHERE organization_id = $1 ORDER BY assigned_at DESC LIMIT 20) w`,
      [tenantId],
    );
    return row && Number(row.n) > 0 ? Number(row.mean) : null;
  }

  // --- feedback and ratings ---

  /**
   * @param {{ conversationId: string, messageId: string, helpful: boolean, comment?: string }} feedback
   * @returns {Promise<{ previous: boolean | null }>} the feedback it replaced
   */
  async setFeedback({ conversationId, messageId, helpful, comment }) {
    return this.db.transaction(async (tx) => {
      /** @type {{ helpful: boolean } | undefined} */
      const before = await tx.row('SELECT helpful FROM chat_feedback WHERE message_id = $1', [messageId]);
      await tx.query(
        `INSERT INTO chat_feedback (message_id, chat_session_id, helpful, comment) VALUES ($1, $2, $3, $4)
         ON CONFLICT (message_id) DO UPDATE SET helpful = $3, comment = $4, created_at = now()`,
        [messageId, conversationId, helpful, comment ?? null],
      );
      return { previous: before ? before.helpful === true : null };
    });
  }

  /**
   * @param {string} conversationId
   * @returns {Promise<{ messageId: string, helpful: boolean, comment?: string, createdAt: string }[]>}
   */
  async feedback(conversationId) {
    /** @type {FeedbackDbRow[]} */
    const rows = await this.db.rows('SELECT * FROM chat_feedback WHERE chat_session_id = $1 ORDER BY created_at ASC', [conversationId]);
    return rows.map((r) => ({
      messageId: r.message_id,
      helpful: r.helpful === true,
      ...(r.comment ? { comment: r.comment } : {}),
      createdAt: iso(r.created_at),
    }));
  }

  /**
   * Counts of feedback and the rating of several conversations (the agents' list).
   * @param {string[]} ids
   * @returns {Promise<Map<string, { feedback?: { helpful: number, unhelpful: number }, rating?: { score: number, comment?: string, createdAt: string } }>>}
   */
  async summaries(ids) {
    /** @type {Map<string, { feedback?: { helpful: number, unhelpful: number }, rating?: { score: number, comment?: string, createdAt: string } }>} */
    const out = new Map();
    if (ids.length === 0) return out;
    /** @type {{ chat_session_id: string, helpful: number | string, unhelpful: number | string }[]} */
    const feedback = await this.db.rows(
      `SELECT chat_session_id, count(*) FILTER (WHERE helpful)::int AS helpful, count(*) FILTER (WHERE NOT helpful)::int AS unhelpful
         FROM chat_feedback WHERE chat_session_id = ANY($1::text[]) GROUP BY chat_session_id`,
      [ids],
    );
    for (const r of feedback) out.set(r.chat_session_id, { feedback: { helpful: Number(r.helpful), unhelpful: Number(r.unhelpful) } });
    /** @type {RatingDbRow[]} */
    const ratings = await this.db.rows('SELECT * FROM chat_ratings WHERE chat_session_id = ANY($1::text[])', [ids]);
    for (const r of ratings) {
      const entry = out.get(r.chat_session_id) ?? {};
      entry.rating = { score: Number(r.score), ...(r.comment ? { comment: r.comment } : {}), createdAt: iso(r.created_at) };
      out.set(r.chat_session_id, entry);
    }
    return out;
  }

  /**
   * @param {string} conversationId
   * @param {number} score
   * @param {string} [comment]
   */
  async setRating(conversationId, score, comment) {
    await this.db.query(
      `INSERT INTO chat_ratings (chat_session_id, score, comment) VALUES ($1, $2, $3)
       ON CONFLICT (chat_session_id) DO UPDATE SET score = $2, comment = $3, created_at = now()`,
      [conversationId, score, comment ?? null],
    );
  }

  /** @param {string} conversationId */
  async rating(conversationId) {
    /** @type {RatingDbRow | undefined} */
    const r = await this.db.row('SELECT * FROM chat_ratings WHERE chat_session_id = $1', [conversationId]);
    return r ? { score: Number(r.score), ...(r.comment ? { comment: r.comment } : {}), createdAt: iso(r.created_at) } : null;
  }
}
