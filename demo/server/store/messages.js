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
 *
 * Group commit: while {@link MAX_BATCHES_IN_FLIGHT} such statements are running, messages that
 * arrive meanwhile wait and go together in the next one: a single statement calling
 * chat_store_message once per message, in the order of their conversations (so two statements
 * always lock conversations in the same order and never deadlock). One round trip and one commit
 * (one WAL flush) for many messages at saturation; at light load nothing waits, so a message is
 * stored as soon as it arrives. Should a batch fail as a whole (a lost race on a unique key), its
 * messages are stored one by one, each as before.
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

/** Statements storing messages at once; further messages wait for one of them to finish. */
const MAX_BATCHES_IN_FLIGHT = 4;
/** Messages in one statement at most. */
const MAX_BATCH = 100;

/** Stores a batch: chat_store_message per element, in the array's order, in one statement. */
const STORE_BATCH = /* sql */ `
SELECT b.i, chat_store_message(b.c, b.k, b.t, b.s, b.n, b.x, b.q, b.a, b.j, b.m, b.jm,
         ARRAY(SELECT jsonb_array_elements_text(b.f))) AS result
  FROM jsonb_to_recordset($1::jsonb) AS b(i int, c text, k text, t text, s text, n text, x text, q jsonb, a jsonb, j text, m text, jm text, f jsonb)`;

/**
 * @typedef {[string, string | null, string, string | null, string | null, string, string | null, string | null, string | null, string, string, string[]]} StoreParams
 *   chat_store_message's parameters
 * @typedef {{ params: StoreParams, resolve: (result: StoreResult | undefined) => void, reject: (error: unknown) => void }} Waiting
 */

export class MessageStore {
  /** @param {Database} db */
  constructor(db) {
    /** @private */
    this.db = db;
    /** @private @type {Waiting[]} messages waiting for a statement */
    this.waiting = [];
    /** @private */
    this.inFlight = 0;
    /** How many statements stored how many messages (tests, /metrics). */
    this.batches = { statements: 0, messages: 0, largest: 0 };
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
    /** @type {StoreParams} */
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
    const result = await /** @type {Promise<StoreResult | undefined>} */ (
      new Promise((resolve, reject) => {
        this.waiting.push({ params, resolve, reject });
        this.pump();
      })
    );
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

  /** Starts statements for waiting messages while fewer than {@link MAX_BATCHES_IN_FLIGHT} run. @private */
  pump() {
    while (this.waiting.length && this.inFlight < MAX_BATCHES_IN_FLIGHT) {
      const batch = this.waiting.splice(0, MAX_BATCH);
      this.inFlight++;
      void this.store(batch).finally(() => {
        this.inFlight--;
        this.pump();
      });
    }
  }

  /**
   * Stores a batch and settles each waiting message with its result.
   * @private
   * @param {Waiting[]} batch
   */
  async store(batch) {
    this.batches.statements++;
    this.batches.messages += batch.length;
    this.batches.largest = Math.max(this.batches.largest, batch.length);
    if (batch.length > 1) {
      // Conversations in one order (stable: a conversation's messages keep their order).
      const order = batch
        .map((w, i) => ({ w, i }))
        .sort((a, b) => (a.w.params[0] < b.w.params[0] ? -1 : a.w.params[0] > b.w.params[0] ? 1 : a.i - b.i));
      const json = order.map(({ w: { params: p } }, i) => ({
        ...{ i, c: p[0], k: p[1], t: p[2], s: p[3], n: p[4], x: p[5] },
        ...{ q: p[6] && JSON.parse(p[6]), a: p[7] && JSON.parse(p[7]), j: p[8], m: p[9], jm: p[10], f: p[11] },
      }));
      try {
        /** @type {{ i: number, result: StoreResult }[]} */
        const rows = await this.db.rows(STORE_BATCH, [JSON.stringify(json)]);
        const results = new Map(rows.map((r) => [r.i, r.result]));
        order.forEach(({ w }, i) => w.resolve(results.get(i)));
        return;
      } catch {
        // Stored one by one below: each settles (or fails) on its own, as when it arrives alone.
      }
    }
    await Promise.all(
      batch.map(async (w) => {
        try {
          /** @type {{ result: StoreResult } | undefined} */
          const row = await retryOnConflict(() =>
            this.db.row('SELECT chat_store_message($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) AS result', w.params),
          );
          w.resolve(row?.result);
        } catch (error) {
          w.reject(error);
        }
      }),
    );
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
