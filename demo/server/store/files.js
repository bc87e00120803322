// @ts-check
/**
 * The metadata of uploaded files (`chat_files`; the bytes live in DATA_DIR/files/<id>): who may
 * attach which, the storage used per tenant and per visitor, and the files no message took up.
 */
import { toAttachment } from './rows.js';

/**
 * @typedef {import('./sql.js').Database} Database
 * @typedef {import('./rows.js').FileRow} FileRow
 * @typedef {import('../types.js').Attachment} Attachment
 * @typedef {import('../types.js').Sender} Sender
 */

export class FileStore {
  /** @param {Database} db */
  constructor(db) {
    /** @private */
    this.db = db;
  }

  /**
   * Stores an uploaded file's metadata. A visitor's upload starts the conversation.
   * @param {{ id: string, conversationId: string, name: string, type: string, size: number, url: string, uploader: Sender }} file
   * @returns {Promise<{ attachment: Attachment, started: boolean }>} `started`: this upload started the conversation
   */
  async insert(file) {
    /** @type {{ started: boolean } | undefined} */
    const row = await this.db.row(
      `WITH file AS (
         INSERT INTO chat_files (id, chat_session_id, organization_id, name, type, size, url, uploader_type, uploader_id)
         SELECT $1, $2, s.organization_id, $3, $4, $5, $6, $7, $8 FROM chat_sessions s WHERE s.id = $2
         RETURNING id
       ), started AS (
         UPDATE chat_sessions SET started_at = now(), updated_at = now()
          WHERE id = $2 AND started_at IS NULL AND $7 = 'visitor' AND EXISTS (SELECT 1 FROM file)
         RETURNING id
       )
       SELECT EXISTS (SELECT 1 FROM started) AS started`,
      [file.id, file.conversationId, file.name, file.type, file.size, file.url, file.uploader.type, file.uploader.id ?? null],
    );
    return {
      attachment: { id: file.id, name: file.name, type: file.type, size: file.size, url: file.url },
      started: row?.started === true,
    };
  }

  /**
   * Bytes of uploaded files kept for a tenant, and for one visitor (or user) of it: the visitor's
   * own uploads in every conversation that is theirs now.
   * @param {string} tenantId
   * @param {{ visitorId: string, userId?: string }} [owner]
   * @returns {Promise<{ tenant: number, owner: number }>}
   */
  async storageUsed(tenantId, owner) {
    /** @type {{ tenant: number | string, owner: number | string } | undefined} */
    const row = await this.db.row(
      `SELECT (SELECT COALESCE(sum(size), 0)::bigint FROM chat_files WHERE organization_id = $1) AS tenant,
              (SELECT COALESCE(sum(f.size), 0)::bigint FROM chat_files f JOIN chat_sessions s ON s.id = f.chat_session_id
                WHERE $4 AND s.organization_id = $1 AND f.uploader_type = 'visitor'
                  AND (CASE WHEN $2::text IS NOT NULL THEN s.user_id = $2::text ELSE s.user_id IS NULL AND s.visitor_id = $3 END)) AS owner`,
      [tenantId, owner?.userId ?? null, owner?.visitorId ?? '', owner !== undefined],
    );
    return { tenant: Number(row?.tenant ?? 0), owner: Number(row?.owner ?? 0) };
  }

  /**
   * Deletes the metadata of files no message references that were uploaded before `cutoff`.
   * @param {Date} cutoff
   * @returns {Promise<string[]>} the deleted files' ids (the caller deletes the bytes)
   */
  async deleteUnattached(cutoff) {
    /** @type {Array<{ id: string }>} */
    const rows = await this.db.rows('DELETE FROM chat_files WHERE attached_at IS NULL AND created_at < $1 RETURNING id', [cutoff]);
    return rows.map((row) => row.id);
  }

  /**
   * A stored file's metadata, or null.
   * @param {string} id
   * @returns {Promise<Attachment & { conversationId: string } | null>}
   */
  async byId(id) {
    /** @type {FileRow | undefined} */
    const row = await this.db.row('SELECT * FROM chat_files WHERE id = $1', [id]);
    return row ? { ...toAttachment(row), conversationId: row.chat_session_id } : null;
  }

  /**
   * The attachments with these ids uploaded into this conversation (or another one of the same
   * visitor or user), in the order asked; null when any id is unknown or belongs to someone else.
   * @param {string} conversationId
   * @param {string[]} ids
   * @returns {Promise<Attachment[] | null>}
   */
  async forMessage(conversationId, ids) {
    if (ids.length === 0) return [];
    // Files of this conversation, or of another conversation of the same owner (the same user,
    // or the same anonymous visitor): a message queued with files while its conversation was
    // closed is sent into the visitor's next one.
    /** @type {FileRow[]} */
    const rows = await this.db.rows(
      `SELECT f.* FROM chat_files f
         JOIN chat_sessions s ON s.id = f.chat_session_id
         JOIN chat_sessions c ON c.id = $1
        WHERE f.id = ANY($2)
          AND s.organization_id = c.organization_id
          AND (s.id = c.id
               OR (c.user_id IS NOT NULL AND s.user_id = c.user_id)
               OR (c.user_id IS NULL AND s.user_id IS NULL AND s.visitor_id = c.visitor_id))`,
      [conversationId, ids],
    );
    const byId = new Map(rows.map((row) => [row.id, toAttachment(row)]));
    const files = ids.map((id) => byId.get(id));
    return files.every((file) => file !== undefined) ? /** @type {Attachment[]} */ (files) : null;
  }
}
