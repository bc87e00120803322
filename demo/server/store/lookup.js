// @ts-check
/**
 * What the agent console looks up besides the inbox: the visitor context a session request
 * carries (kept in `chat_sessions.metadata.context`), a visitor's previous conversations and the
 * search across the tenant's conversations (names, e-mail addresses, message text).
 */
import { activityPage } from './activity-page.js';
import { toSummary } from './rows.js';

/**
 * @typedef {import('./sql.js').Database} Database
 * @typedef {import('./rows.js').SummaryRow} SummaryRow
 * @typedef {import('../types.js').ConversationSummary} ConversationSummary
 * @typedef {import('../../../src/protocol/visitor-context.js').VisitorContext} VisitorContext
 */

export class LookupStore {
  /** @param {Database} db */
  constructor(db) {
    /** @private */
    this.db = db;
  }

  /**
   * Records where the visitor is now (the newest session request's context) on the conversation,
   * next to what `metadata` already holds (the verified user's details).
   * @param {string} conversationId
   * @param {VisitorContext} context
   */
  async setContext(conversationId, context) {
    const stamped = { ...context, at: new Date().toISOString() };
    await this.db.query(
      `UPDATE chat_sessions SET metadata = COALESCE(metadata, '{}'::jsonb) || jsonb_build_object('context', $2::jsonb) WHERE id = $1`,
      [conversationId, JSON.stringify(stamped)],
    );
  }

  /**
   * The other started conversations of the same visitor (or, for a verified user's conversation,
   * of the same user), newest first.
   * @param {{ id: string, tenantId: string, visitorId: string, userId?: string }} conversation
   * @param {number} limit
   * @returns {Promise<{ conversations: Array<ConversationSummary & { preview: string | null }>, hasMore: boolean }>}
   *   `preview`: the text of its newest visitor, agent or AI message (its last message is often the
   *   "closed" notice)
   */
  async previous(conversation, limit) {
    const owner = conversation.userId ? 's.user_id = $2' : 's.visitor_id = $2 AND s.user_id IS NULL';
    /** @type {Array<SummaryRow & { preview: string | null }>} */
    const rows = await this.db.rows(
      `SELECT s.*, to_jsonb(m) AS last_message,
              (SELECT x.content FROM chat_messages x WHERE x.chat_session_id = s.id AND x.sender_type <> 'system' AND x.content <> ''
                ORDER BY x.seq DESC LIMIT 1) AS preview
         FROM chat_sessions s
         LEFT JOIN chat_messages m ON m.chat_session_id = s.id AND m.seq = s.last_seq
        WHERE s.organization_id = $1 AND ${owner} AND s.id <> $3 AND s.started_at IS NOT NULL
        ORDER BY s.started_at DESC, s.id DESC
        LIMIT $4`,
      [conversation.tenantId, conversation.userId ?? conversation.visitorId, conversation.id, limit + 1],
    );
    return {
      conversations: rows.slice(0, limit).map((row) => ({ ...toSummary(row), preview: row.preview ?? null })),
      hasMore: rows.length > limit,
    };
  }

  /**
   * One page of the tenant's started conversations whose visitor name or e-mail address (typed
   * contact details or verified user) or any visitor, agent or AI message text contains `text`
   * (case-insensitive), newest activity first, with the newest matching message text. Keyset
   * paging as the inbox (activity-page.js; `cursor` is the previous page's `next`).
   * @param {string} tenantId
   * @param {{ text: string, cursor?: { at: string, id: string }, limit: number }} query
   * @returns {Promise<{ conversations: Array<ConversationSummary & { match: string | null }>, next: { at: string, id: string } | null }>}
   */
  async search(tenantId, { text, cursor, limit }) {
    const pattern = `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    /** @type {unknown[]} */
    const params = [tenantId, pattern];
    const where = [
      's.organization_id = $1',
      's.started_at IS NOT NULL',
      `(s.contact->>'name' ILIKE $2 OR s.contact->>'email' ILIKE $2
        OR s.metadata->'user'->>'name' ILIKE $2 OR s.metadata->'user'->>'email' ILIKE $2
        OR EXISTS (SELECT 1 FROM chat_messages x WHERE x.chat_session_id = s.id AND x.sender_type <> 'system' AND x.content ILIKE $2))`,
    ];
    /** @type {{ rows: Array<SummaryRow & { match: string | null }>, next: { at: string, id: string } | null }} */
    const { rows, next } = await activityPage(this.db, {
      where,
      params,
      columns: `, (SELECT x.content FROM chat_messages x
                    WHERE x.chat_session_id = s.id AND x.sender_type <> 'system' AND x.content ILIKE $2
                    ORDER BY x.seq DESC LIMIT 1) AS match`,
      cursor,
      limit,
    });
    return { conversations: rows.map((row) => ({ ...toSummary(row), match: row.match ?? null })), next };
  }
}
