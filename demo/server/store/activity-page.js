// @ts-check
/**
 * Keyset paging over conversations by newest activity, shared by the agents' inbox
 * (conversations.js) and the search (lookup.js): conversations ordered by `(updated_at, id)`
 * descending, each with `to_jsonb` of its last message; the cursor is the previous page's `next`,
 * so a page never repeats or skips a conversation that did not change in between.
 */

/**
 * @typedef {import('./sql.js').Database} Database
 * @typedef {import('./rows.js').SummaryRow} SummaryRow
 * @typedef {{ at: string, id: string }} ActivityCursor
 */

/**
 * One page of `chat_sessions s` (joined to its last message `m`) that match `where`, newest
 * activity first.
 * @template {SummaryRow} [Row=SummaryRow]
 * @param {Database} db
 * @param {{ where: string[], params: unknown[], columns?: string, cursor?: ActivityCursor, limit: number }} query
 *   `where`: conditions joined with AND, their placeholders numbered after `params`; `columns`:
 *   more select-list entries (`, (…) AS match`), which may use `params` too
 * @returns {Promise<{ rows: Row[], next: ActivityCursor | null }>} `next`: null on the last page
 */
export async function activityPage(db, { where, params, columns = '', cursor, limit }) {
  const conditions = [...where];
  const values = [...params];
  if (cursor) {
    values.push(cursor.at, cursor.id);
    conditions.push(`(s.updated_at, s.id) < ($${values.length - 1}::timestamptz, $${values.length}::text)`);
  }
  values.push(limit + 1);
  /** @type {Array<Row & { activity: string }>} */
  const rows = await db.rows(
    `SELECT s.*, s.updated_at::text AS activity, to_jsonb(m) AS last_message${columns}
       FROM chat_sessions s
       LEFT JOIN chat_messages m ON m.chat_session_id = s.id AND m.seq = s.last_seq
      WHERE ${conditions.join(' AND ')}
      ORDER BY s.updated_at DESC, s.id DESC
      LIMIT $${values.length}`,
    values,
  );
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return { rows: page, next: rows.length > limit && last ? { at: last.activity, id: last.id } : null };
}
