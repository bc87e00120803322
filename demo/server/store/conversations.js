// @ts-check
/**
 * Conversations (`chat_sessions`): finding or creating a visitor's, the agents' inbox, status,
 * read marks and contact details.
 */
import { nanoid } from 'nanoid';
import { activityPage } from './activity-page.js';
import { appendSystemMessage } from './messages.js';
import { isUniqueViolation, retryOnConflict } from './sql.js';
import { toConversation, toSummary } from './rows.js';

/**
 * @typedef {import('./sql.js').Database} Database
 * @typedef {import('./rows.js').ConversationRow} ConversationRow
 * @typedef {import('./rows.js').SummaryRow} SummaryRow
 * @typedef {import('../types.js').Conversation} Conversation
 * @typedef {import('../types.js').ConversationSummary} ConversationSummary
 * @typedef {import('../types.js').Message} Message
 * @typedef {import('../types.js').Contact} Contact
 * @typedef {import('../types.js').VerifiedUser} VerifiedUser
 * @typedef {import('../types.js').InboxFilter} InboxFilter
 */

/** A conversation with `to_jsonb` of its last message. */
const SELECT_SUMMARY = `SELECT s.*, to_jsonb(m) AS last_message FROM chat_sessions s
  LEFT JOIN chat_messages m ON m.chat_session_id = s.id AND m.seq = s.last_seq`;

export class ConversationStore {
  /** @param {Database} db */
  constructor(db) {
    /** @private */
    this.db = db;
  }

  /**
   * @param {string} id
   * @returns {Promise<Conversation | null>}
   */
  async byId(id) {
    // Postgres text cannot hold NUL: such an id names nothing (and must not become an error).
    if (id.includes('\0')) return null;
    /** @type {ConversationRow | undefined} */
    const row = await this.db.row('SELECT * FROM chat_sessions WHERE id = $1', [id]);
    return row ? toConversation(row) : null;
  }

  /**
   * A conversation with its last message, as agents see it.
   * @param {string} id
   * @returns {Promise<ConversationSummary | null>}
   */
  async summary(id) {
    /** @type {SummaryRow | undefined} */
    const row = await this.db.row(`${SELECT_SUMMARY} WHERE s.id = $1`, [id]);
    return row ? toSummary(row) : null;
  }

  /**
   * Finds the newest conversation (open or closed) of an anonymous visitor or of a verified user,
   * or creates one. With `fresh`, a closed newest conversation is not returned: a new open one is
   * created instead (docs/protocol.md, Conversation status).
   *
   * Anonymous: the visitor's own conversations that no user owns (a conversation attached to a
   * user is never handed out by visitor id alone). Verified user: the user's newest conversation
   * (any browser); failing that the visitor's open anonymous one, which is attached to the user
   * (first identify); failing that a new one.
   * @param {string} tenantId
   * @param {string} visitorId
   * @param {VerifiedUser} [user]
   * @param {boolean} [fresh] the request asked for `newConversation`
   * @returns {Promise<{ conversation: Conversation, created: boolean, attached: boolean }>}
   */
  open(tenantId, visitorId, user, fresh = false) {
    // Two requests of one new visitor at once: the one that loses the insert (one open
    // conversation per visitor) finds the winner's conversation.
    return retryOnConflict(() =>
      this.db.transaction(async (tx) => {
        const metadata = user ? JSON.stringify({ user: { name: user.name ?? null, email: user.email ?? null } }) : null;
        const create = async () => {
          /** @type {ConversationRow | undefined} */
          const created = await tx.row(
            `INSERT INTO chat_sessions (id, organization_id, visitor_id, user_id, metadata) VALUES ($1, $2, $3, $4, $5) RETURNING *`,
            [`c_${nanoid()}`, tenantId, visitorId, user?.id ?? null, metadata],
          );
          if (!created) throw new Error('INSERT … RETURNING returned no row');
          return { conversation: toConversation(created), created: true, attached: false };
        };
        if (user) {
          /** @type {ConversationRow | undefined} */
          const newest = await tx.row(
            `UPDATE chat_sessions SET metadata = $3 WHERE id = (
             SELECT id FROM chat_sessions WHERE organization_id = $1 AND user_id = $2
              ORDER BY (status = 'open') DESC, created_at DESC, id LIMIT 1
           ) RETURNING *`,
            [tenantId, user.id, metadata],
          );
          if (newest && (newest.status === 'open' || !fresh))
            return { conversation: toConversation(newest), created: false, attached: false };
          if (newest) return create();
          // Never one that was relinked by fingerprint: whose it really is cannot be known, and
          // attaching it would show it to the user on every browser (docs/security.md).
          /** @type {ConversationRow | undefined} */
          const attached = await tx.row(
            `UPDATE chat_sessions SET user_id = $3, metadata = $4, updated_at = now()
            WHERE id = (SELECT id FROM chat_sessions
                         WHERE organization_id = $1 AND visitor_id = $2 AND status = 'open' AND user_id IS NULL AND relinked_at IS NULL
                         FOR UPDATE)
            RETURNING *`,
            [tenantId, visitorId, user.id, metadata],
          );
          return attached ? { conversation: toConversation(attached), created: false, attached: true } : create();
        }
        // The open one first: only one can be open, and it is where the visitor is talking.
        /** @type {ConversationRow | undefined} */
        const found = await tx.row(
          `SELECT * FROM chat_sessions WHERE organization_id = $1 AND visitor_id = $2 AND user_id IS NULL
          ORDER BY (status = 'open') DESC, created_at DESC, id LIMIT 1`,
          [tenantId, visitorId],
        );
        if (found && (found.status === 'open' || !fresh)) return { conversation: toConversation(found), created: false, attached: false };
        return create();
      }),
    );
  }

  /**
   * One page of the agents' inbox: the tenant's started conversations (never empty sessions),
   * newest activity first, each with its last message, filtered. Keyset paging (activity-page.js):
   * `cursor` is the `next` of the previous page.
   * @param {string} tenantId
   * @param {{ filter: InboxFilter, agentId: string, cursor?: { at: string, id: string }, limit: number }} query
   *   `filter`: `all`; `open`; `waiting` (open, the visitor wrote last); `mine` (open, `agentId`
   *   wrote in it); `closed`
   * @returns {Promise<{ conversations: ConversationSummary[], next: { at: string, id: string } | null }>}
   */
  async inbox(tenantId, { filter, agentId, cursor, limit }) {
    const where = ['s.organization_id = $1', 's.started_at IS NOT NULL'];
    /** @type {unknown[]} */
    const params = [tenantId];
    if (filter === 'open' || filter === 'waiting' || filter === 'mine') where.push(`s.status = 'open'`);
    if (filter === 'closed') where.push(`s.status = 'closed'`);
    if (filter === 'waiting') where.push('s.awaiting_reply');
    if (filter === 'mine') {
      params.push(agentId);
      where.push(`$${params.length}::text = ANY(s.agent_ids)`);
    }
    const { rows, next } = await activityPage(this.db, { where, params, cursor, limit });
    return { conversations: rows.map(toSummary), next };
  }

  /**
   * Sets a conversation's status and stores the `system` message announcing it, in one
   * transaction. Nothing changes (and `message` is null) when it already has that status.
   * @param {string} conversationId
   * @param {'open' | 'closed'} status
   * @param {{ text: string, actor?: string }} notice the system message's text and the name of
   *   the agent who did it (its `sender.name`)
   * @returns {Promise<{ outcome: 'done', conversation: Conversation, message: Message | null } | { outcome: 'conflict' } | { outcome: 'missing' }>}
   *   `conflict`: reopening while the visitor (or user) has another open conversation
   */
  async setStatus(conversationId, status, { text, actor }) {
    try {
      return await this.db.transaction(async (tx) => {
        /** @type {ConversationRow | undefined} */
        const row = await tx.row('SELECT * FROM chat_sessions WHERE id = $1 FOR UPDATE', [conversationId]);
        if (!row) return { outcome: 'missing' };
        if (row.status === status) return { outcome: 'done', conversation: toConversation(row), message: null };
        if (status === 'open') {
          const other = await tx.row(
            row.user_id
              ? `SELECT 1 FROM chat_sessions WHERE organization_id = $1 AND user_id = $2 AND status = 'open' AND id <> $3`
              : `SELECT 1 FROM chat_sessions WHERE organization_id = $1 AND visitor_id = $2 AND user_id IS NULL AND status = 'open' AND id <> $3`,
            [row.organization_id, row.user_id ?? row.visitor_id, conversationId],
          );
          if (other) return { outcome: 'conflict' };
        }
        await tx.query(`UPDATE chat_sessions SET status = $2, ended_at = ${status === 'closed' ? 'now()' : 'NULL'} WHERE id = $1`, [
          conversationId,
          status,
        ]);
        const inserted = await appendSystemMessage(tx, conversationId, {
          name: actor,
          text,
          event: status === 'closed' ? 'closed' : 'reopened',
        });
        return { outcome: 'done', conversation: inserted.conversation, message: inserted.message };
      });
    } catch (error) {
      // Another conversation of the visitor opened between the check and the update.
      if (isUniqueViolation(error)) return { outcome: 'conflict' };
      throw error;
    }
  }

  /**
   * Moves a read mark forward (never back, never past lastSeq).
   * @param {string} conversationId
   * @param {'visitor' | 'agent'} reader
   * @param {number} seq
   * @returns {Promise<number | null>} the new mark, or null when it did not move
   */
  async markRead(conversationId, reader, seq) {
    const column = reader === 'visitor' ? 'visitor_read_seq' : 'agent_read_seq';
    /** @type {{ mark: number } | undefined} */
    const row = await this.db.row(
      `UPDATE chat_sessions SET ${column} = LEAST($2, last_seq) WHERE id = $1 AND ${column} < LEAST($2, last_seq) RETURNING ${column} AS mark`,
      [conversationId, seq],
    );
    return row ? row.mark : null;
  }

  /**
   * Merges contact details into a conversation (key by key; `fields` too), in one statement, so
   * two updates at once both count.
   * @param {string} conversationId
   * @param {Contact} contact
   * @returns {Promise<Conversation | null>} null for an unknown conversation
   */
  async updateContact(conversationId, contact) {
    /** @type {ConversationRow | undefined} */
    const row = await this.db.row(
      `UPDATE chat_sessions SET
         contact = (COALESCE(contact, '{}'::jsonb) || ($2::jsonb - 'fields'))
           || CASE WHEN $2::jsonb ? 'fields'
                   THEN jsonb_build_object('fields', COALESCE(contact -> 'fields', '{}'::jsonb) || ($2::jsonb -> 'fields'))
                   ELSE '{}'::jsonb END,
         updated_at = now(), started_at = COALESCE(started_at, now())
       WHERE id = $1 RETURNING *`,
      [conversationId, JSON.stringify(contact)],
    );
    return row ? toConversation(row) : null;
  }

  /**
   * Moves a conversation and its messages `seconds` into the past (test-only debug hook: the
   * relink tests need a conversation older than the relink's minimum age).
   * @param {string} conversationId
   * @param {number} seconds
   */
  async backdate(conversationId, seconds) {
    await this.db.transaction(async (tx) => {
      await tx.query('UPDATE chat_messages SET created_at = created_at - make_interval(secs => $2) WHERE chat_session_id = $1', [
        conversationId,
        seconds,
      ]);
      await tx.query('UPDATE chat_sessions SET created_at = created_at - make_interval(secs => $2) WHERE id = $1', [
        conversationId,
        seconds,
      ]);
    });
  }
}
