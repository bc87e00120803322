// @ts-check
/**
 * Messages: storing one (the next seq of its conversation, once per clientId) and paging through
 * a conversation.
 */
import { nanoid } from 'nanoid';
import { toConversation, toMessage } from './rows.js';
import { retryOnConflict } from './sql.js';

/**
 * @typedef {import('./sql.js').Database} Database
 * @typedef {import('./sql.js').Queryable} Queryable
 * @typedef {import('./rows.js').MessageRow} MessageRow
 * @typedef {import('./rows.js').ConversationRow} ConversationRow
 * @typedef {import('../types.js').Message} Message
 * @typedef {import('../types.js').Sender} Sender
 * @typedef {import('../types.js').Attachment} Attachment
 * @typedef {import('../types.js').Conversation} Conversation
 * @typedef {import('../types.js').SystemEvent} SystemEvent
 * @typedef {{
 *   conversationId: string, clientId?: string, sender: Sender, text: string, quickReplies?: string[],
 *   attachments?: Attachment[], joinedText?: string,
 * }} NewMessage
 *   `joinedText`: the text of the `joined` system message stored before an agent's first message
 *   in the conversation
 * @typedef {(
 *   | { outcome: 'created', message: Message, conversation: Conversation, before: Message[] }
 *   | { outcome: 'existing', message: Message, conversation: Conversation }
 *   | { outcome: 'closed' }
 *   | { outcome: 'missing' }
 * )} InsertResult
 *   `existing`: the clientId was stored before (a resend); `closed`: a visitor message into a
 *   closed conversation, not stored; `missing`: no such conversation; `before`: the `joined`
 *   system message stored before it, if any
 */

export class MessageStore {
  /** @param {Database} db */
  constructor(db) {
    /** @private */
    this.db = db;
  }

  /**
   * Stores a message with the next seq, unless `(conversationId, clientId)` is stored already, in
   * which case that message is returned (also when the conversation has closed since). A visitor
   * message into a closed conversation is not stored. With `joinedText`, an agent's first message
   * in a conversation is preceded by a `system` message with `event: "joined"` and that text.
   * @param {NewMessage} input
   * @returns {Promise<InsertResult>}
   */
  insert({ conversationId, clientId, sender, text, quickReplies, attachments, joinedText }) {
    // A resend racing its original (PostgreSQL): the loser's insert breaks the clientId's unique
    // constraint, and the retry finds the stored message.
    return retryOnConflict(() => this.db.transaction(async (tx) => {
      if (clientId) {
        /** @type {MessageRow | undefined} */
        const existing = await tx.row('SELECT * FROM chat_messages WHERE chat_session_id = $1 AND client_id = $2', [conversationId, clientId]);
        if (existing) {
          /** @type {ConversationRow | undefined} */
          const conversation = await tx.row('SELECT * FROM chat_sessions WHERE id = $1', [conversationId]);
          if (!conversation) return { outcome: 'missing' };
          return { outcome: 'existing', message: toMessage(existing), conversation: toConversation(conversation) };
        }
      }
      /** @type {{ status: string } | undefined} */
      const current = await tx.row('SELECT status FROM chat_sessions WHERE id = $1 FOR UPDATE', [conversationId]);
      if (!current) return { outcome: 'missing' };
      if (sender.type === 'visitor' && current.status === 'closed') return { outcome: 'closed' };
      /** @type {Message[]} */
      const before = [];
      if (sender.type === 'agent' && sender.id && joinedText) {
        const wrote = await tx.row(`SELECT 1 FROM chat_messages WHERE chat_session_id = $1 AND sender_type = 'agent' AND sender_id = $2 LIMIT 1`, [
          conversationId,
          sender.id,
        ]);
        if (!wrote) {
          const joined = await appendMessage(tx, conversationId, {
            sender: sender.name ? { type: 'system', name: sender.name } : { type: 'system' },
            text: joinedText,
            event: 'joined',
          });
          before.push(joined.message);
        }
      }
      const { message, conversation } = await appendMessage(tx, conversationId, { clientId, sender, text, quickReplies, attachments });
      return { outcome: 'created', message, conversation, before };
    }));
  }

  /**
   * Pages through a conversation. Without `before`: the oldest `limit` messages with seq > after.
   * With `before`: the newest `limit` messages with after < seq < before. Both oldest first.
   * @param {string} conversationId
   * @param {{ after: number, before?: number, limit: number }} page
   * @returns {Promise<{ messages: Message[], hasMore: boolean }>}
   */
  async page(conversationId, { after, before, limit }) {
    // One extra row tells whether more exist in the requested direction.
    /** @type {MessageRow[]} */
    const rows =
      before === undefined
        ? await this.db.rows('SELECT * FROM chat_messages WHERE chat_session_id = $1 AND seq > $2 ORDER BY seq ASC LIMIT $3', [conversationId, after, limit + 1])
        : await this.db.rows('SELECT * FROM chat_messages WHERE chat_session_id = $1 AND seq > $2 AND seq < $3 ORDER BY seq DESC LIMIT $4', [
            conversationId,
            after,
            before,
            limit + 1,
          ]);
    const hasMore = rows.length > limit;
    const page = rows.slice(0, limit).map(toMessage);
    if (before !== undefined) page.reverse();
    return { messages: page, hasMore };
  }
}

/**
 * Inserts one message with the next seq, inside the caller's transaction (which holds the
 * conversation's row lock from the seq bump until it commits).
 * @param {Queryable} tx
 * @param {string} conversationId
 * @param {{ clientId?: string, sender: Sender, text: string, event?: SystemEvent, quickReplies?: string[], attachments?: Attachment[] }} input
 * @returns {Promise<{ message: Message, conversation: Conversation }>}
 */
export async function appendMessage(tx, conversationId, { clientId, sender, text, event, quickReplies, attachments }) {
  // The first message starts the conversation (agents see it from now on); the newest visitor,
  // agent or AI message says whether it waits for a reply; agent_ids lists who wrote in it.
  /** @type {ConversationRow | undefined} */
  const bumped = await tx.row(
    `UPDATE chat_sessions SET last_seq = last_seq + 1, updated_at = now(), started_at = COALESCE(started_at, now()),
       awaiting_reply = CASE WHEN $2 = 'visitor' THEN true WHEN $2 IN ('agent', 'ai') THEN false ELSE awaiting_reply END,
       agent_ids = CASE WHEN $2 = 'agent' AND $3::text IS NOT NULL AND NOT ($3::text = ANY(agent_ids)) THEN array_append(agent_ids, $3::text) ELSE agent_ids END
     WHERE id = $1 RETURNING *`,
    [conversationId, sender.type, sender.id ?? null],
  );
  if (!bumped) throw new Error(`conversation ${conversationId} vanished while a message was stored`);
  const conversation = toConversation(bumped);
  if (attachments?.length) {
    await tx.query('UPDATE chat_files SET attached_at = COALESCE(attached_at, now()) WHERE id = ANY($1)', [attachments.map((a) => a.id)]);
  }
  /** @type {MessageRow | undefined} */
  const inserted = await tx.row(
    `INSERT INTO chat_messages (id, chat_session_id, seq, client_id, sender_type, sender_id, sender_name, content, event, quick_replies, attachments)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING *`,
    [
      `m_${nanoid()}`,
      conversationId,
      conversation.lastSeq,
      clientId ?? null,
      sender.type,
      sender.id ?? null,
      sender.name ?? null,
      text,
      event ?? null,
      quickReplies?.length ? JSON.stringify(quickReplies) : null,
      attachments?.length ? JSON.stringify(attachments) : null,
    ],
  );
  if (!inserted) throw new Error('INSERT … RETURNING returned no row');
  return { message: toMessage(inserted), conversation };
}
