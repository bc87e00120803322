// @ts-check
/**
 * Messages: storing one (the next seq of its conversation, once per clientId) and paging through
 * a conversation.
 *
 * Storing a message is one round trip and one commit: `SELECT chat_store_message(…)`, the
 * function of migration 002 (its plans cached per connection), which locks the conversation,
 * answers a resend with the stored message, refuses a visitor message into a closed conversation,
 * takes the next seq (two when an agent's first message brings its `joined` notice), inserts and
 * marks the attached files. The lock makes the seq gapless even when PostgreSQL runs several at
 * once, and makes a resend racing its original wait for it and find it stored.
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
 *   | { outcome: 'existing', message: Message }
 *   | { outcome: 'closed' }
 *   | { outcome: 'missing' }
 * )} InsertResult
 *   `existing`: the clientId was stored before (a resend); `closed`: a visitor message into a
 *   closed conversation, not stored; `missing`: no such conversation; `before`: the `joined`
 *   system message stored before it, if any
 * @typedef {(
 *   | { outcome: 'missing' }
 *   | { outcome: 'closed' }
 *   | { outcome: 'existing', message: MessageRow }
 *   | { outcome: 'created', message: MessageRow, conversation: ConversationRow, joined: MessageRow | null }
 * )} StoreResult what chat_store_message answers (rows as `to_jsonb`)
 */

/** The statement that stores a system message (status changes), in the caller's transaction. */
const APPEND_MESSAGE = /* sql */ `
WITH bumped AS (
  UPDATE chat_sessions SET last_seq = last_seq + 1, updated_at = now(), started_at = COALESCE(started_at, now())
   WHERE id = $1
  RETURNING *
), inserted AS (
  INSERT INTO chat_messages (id, chat_session_id, seq, sender_type, sender_name, content, event)
  SELECT $2, b.id, b.last_seq, 'system', $3, $4, $5 FROM bumped b
  RETURNING *
)
SELECT to_jsonb(b) AS conversation, to_jsonb(x) AS message FROM bumped b, inserted x`;

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
   * One round trip (see the module's comment).
   * @param {NewMessage} input
   * @returns {Promise<InsertResult>}
   */
  async insert({ conversationId, clientId, sender, text, quickReplies, attachments, joinedText }) {
    const params = [
      conversationId,
      clientId ?? null,
      sender.type,
      sender.id ?? null,
      sender.name ?? null,
      text,
      quickReplies?.length ? JSON.stringify(quickReplies) : null,
      attachments?.length ? JSON.stringify(attachments) : null,
      joinedText ?? null,
      `m_${nanoid()}`,
      `m_${nanoid()}`,
      (attachments ?? []).map((a) => a.id),
    ];
    /** @type {{ result: StoreResult } | undefined} */
    const row = await retryOnConflict(() =>
      this.db.row('SELECT chat_store_message($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) AS result', params),
    );
    const result = row?.result;
    if (!result || result.outcome === 'missing') return { outcome: 'missing' };
    if (result.outcome === 'closed') return { outcome: 'closed' };
    if (result.outcome === 'existing') return { outcome: 'existing', message: toMessage(result.message) };
    return {
      outcome: 'created',
      message: toMessage(result.message),
      conversation: toConversation(result.conversation),
      before: result.joined ? [toMessage(result.joined)] : [],
    };
  }

  /**
   * Stores a `system` notice about a call (`event: "call"` with the call's details): one statement.
   * @param {string} conversationId
   * @param {{ text: string, call: import('../../../src/protocol/wire.js').CallNotice }} notice
   * @returns {Promise<{ message: Message, conversation: import('../types.js').Conversation } | null>} null for an unknown conversation
   */
  async appendCallNotice(conversationId, { text, call }) {
    /** @type {{ conversation: ConversationRow, message: MessageRow } | undefined} */
    const row = await this.db.row(APPEND_MESSAGE, [conversationId, `m_${nanoid()}`, null, text, `call:${JSON.stringify(call)}`]);
    return row ? { message: toMessage(row.message), conversation: toConversation(row.conversation) } : null;
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
        ? await this.db.rows('SELECT * FROM chat_messages WHERE chat_session_id = $1 AND seq > $2 ORDER BY seq ASC LIMIT $3', [
            conversationId,
            after,
            limit + 1,
          ])
        : await this.db.rows(
            'SELECT * FROM chat_messages WHERE chat_session_id = $1 AND seq > $2 AND seq < $3 ORDER BY seq DESC LIMIT $4',
            [conversationId, after, before, limit + 1],
          );
    const hasMore = rows.length > limit;
    const page = rows.slice(0, limit).map(toMessage);
    if (before !== undefined) page.reverse();
    return { messages: page, hasMore };
  }
}

/**
 * Stores a `system` message with the next seq, inside the caller's transaction: one statement.
 * @param {Queryable} tx
 * @param {string} conversationId
 * @param {{ name?: string, text: string, event: SystemEvent }} notice `name`: the agent who did it
 * @returns {Promise<{ message: Message, conversation: Conversation }>}
 */
export async function appendSystemMessage(tx, conversationId, { name, text, event }) {
  /** @type {{ conversation: ConversationRow, message: MessageRow } | undefined} */
  const row = await tx.row(APPEND_MESSAGE, [conversationId, `m_${nanoid()}`, name ?? null, text, event]);
  if (!row) throw new Error(`conversation ${conversationId} vanished while a message was stored`);
  return { message: toMessage(row.message), conversation: toConversation(row.conversation) };
}
